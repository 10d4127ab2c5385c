"""The staff groups of the programme and their permissions, created idempotently.

Run ``manage.py heurecivique_setup`` after ``migrate`` (permissions exist only once
every app has migrated, so a data migration cannot grant them on a fresh database).
Groups are matched by their names, which are data (French, whatever the
language of the request), not interface strings. Permissions are added, never removed, so that what a
commune's administrator granted by hand is kept — except those listed in ``WITHDRAWN``, which
the plugin itself granted in earlier releases and takes back. What a group may do on pages,
images and documents is per commune: see ``tenancy``.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ADMIN_ACCESS = "wagtailadmin.access_admin"

DATA_MODELS = ["volunteer", "beneficiary", "partner", "need", "proposal", "hoursrecord", "consent"]
CATALOGUE_MODELS = ["category", "skill"]
# The need workflow's permissions: viewflow creates the steps' ones after migrate.
WORKFLOW_STEPS = [
    "heurecivique_workflows.can_qualify_needprocess",
    "heurecivique_workflows.can_match_needprocess",
    "heurecivique_workflows.can_follow_up_needprocess",
]


def _perms(actions, models, app="wagtail_heurecivique"):
    return [f"{app}.{action}_{model}" for model in models for action in actions]


GROUPS = {
    "referents": {
        "name": "Heure Civique — Référents",
        "permissions": [
            ADMIN_ACCESS,
            "wagtail_heurecivique.view_commune",
            *_perms(["view", "add", "change", "delete"], DATA_MODELS),
            *_perms(["view"], CATALOGUE_MODELS),
            "wagtail_heurecivique.view_notification",
            "wagtail_heurecivique.view_registration",
            "wagtail_heurecivique.view_erasurerequest",
            "heurecivique_workflows.view_needprocess",
            "heurecivique_workflows.manage_needprocess",
            *WORKFLOW_STEPS,
            "heurecivique_workflows.view_onboardingprocess",
            "heurecivique_workflows.can_interview_onboardingprocess",
        ],
    },
    "sensitive_notes": {
        "name": "Heure Civique — Accès aux notes sensibles",
        "permissions": [ADMIN_ACCESS, "wagtail_heurecivique.view_sensitive_notes"],
    },
    "editors": {
        "name": "Heure Civique — Éditeurs / modérateurs",
        "permissions": [
            ADMIN_ACCESS,
            *_perms(["view", "add", "change"], ["imageconsent"]),
            *_perms(["view", "add", "change"], ["consent"]),
            *_perms(["view"], ["volunteer", "beneficiary", "commune"]),
        ],
    },
    "coordinators": {
        "name": "Heure Civique — Coordinateurs départementaux",
        "permissions": [
            ADMIN_ACCESS,
            "wagtail_heurecivique.view_all_communes",
            *_perms(["view", "add", "change"], ["commune", "communemembership"]),
            *_perms(["view"], DATA_MODELS),
            *_perms(["view", "add", "change", "delete"], CATALOGUE_MODELS),
            "wagtail_heurecivique.view_notification",
            "wagtail_heurecivique.view_registration",
            "heurecivique_workflows.view_needprocess",
            "heurecivique_workflows.view_onboardingprocess",
        ],
    },
}


#: What earlier releases of the plugin granted a group and now take back: ``ensure_groups``
#: removes these (and only these) so that ``heurecivique_setup`` fixes an upgraded site.
#: Images and documents are a commune's, through its collection (``tenancy``). Wagtail 7.4
#: and 8 read their permissions per collection only, but any code asking ``has_perm`` (a
#: host's, another app's) would take these for a right on every commune's media.
WITHDRAWN = {
    "editors": [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
}


def _resolve(permission_names):
    wanted = {tuple(name.split(".", 1)) for name in permission_names}
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _codename in wanted},
        codename__in={codename for _app, codename in wanted},
    ).select_related("content_type")
    permissions = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
    return permissions, sorted(".".join(m) for m in missing)


@transaction.atomic
def ensure_groups():
    """Create or complete the groups; return ``{key: (group, created, missing_perms)}``."""
    result = {}
    for key, spec in GROUPS.items():
        group, created = Group.objects.get_or_create(name=spec["name"])
        permissions, missing = _resolve(spec["permissions"])
        group.permissions.add(*permissions)
        withdrawn, _absent = _resolve(WITHDRAWN.get(key, []))
        group.permissions.remove(*withdrawn)
        result[key] = (group, created, missing)
    return result


def group(key):
    return Group.objects.get(name=GROUPS[key]["name"])
