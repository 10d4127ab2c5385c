"""A commune's share of the page layer, provisioned idempotently and kept in step.

Per commune: a Wagtail group of its editors / moderators, page permissions for that group
on each of the commune's homes (every locale), a collection for its images and documents
with collection permissions, and the group's members — the active users holding an editor
membership of the commune. Memberships decide; this module only follows them (receivers
call it when a commune, a home or a membership is saved), and ``heurecivique_setup``
provisions every commune again, which also repairs what was changed behind their back.
The group is the commune's editor role under another name: ticked or unticked for a user
in Wagtail's user form, it adds or ends that user's editor membership. A deleted commune
takes its group with it, and its collection unless images or documents are left in it.

Coordinators get their collection permissions once, on the collection « Heure Civique » that
holds the communes' collections (Wagtail applies a collection's permissions to every
collection below it). They get no page permission per home: Wagtail turns each of a user's
page permission rows into one more ``OR path LIKE …`` of its explorer, search and dashboard
queries, and 500 homes × 5 permissions made SQLite refuse them ("Expression tree is too
large") and the dashboard take seconds. Coordinators moderate every commune's stories through
the workflow's tasks instead (which opens those stories' editor to them, see
``models.moderation``); a département that wants them on every page grants its coordinators'
group page permissions on the common parent of its homes, in Wagtail's group settings — a
choice about the host's own pages that the plugin does not make.

Why it holds at 500 communes (wagtail/wagtail#4288 asks for permissions "that don't require
duplication/management of lots of site-specific groups"): nobody manages these groups by
hand. Each is linked to its commune, named after it, and filled from the memberships; a
commune costs a bounded number of queries to provision whatever the number of communes; a
user's permission rows are those of their own communes only (Wagtail reads them on each
request), and the coordinators' are six, whatever the number of communes.
"""

import dataclasses

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext, ngettext
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.core.models.communes import Commune, CommuneMembership
from wagtail_heurecivique.core.roles import GROUPS
from wagtail_heurecivique.site.homes import CommuneHomePage

# Names are data (French whatever the language of the request), like the groups of ``roles``.
GROUP_NAME_PREFIX = "Heure Civique — Éditeurs — "
PARENT_COLLECTION_NAME = "Heure Civique"

#: What an editor / moderator does on the commune's pages. Not "bulk_delete": deleting a page
#: with its children (the commune's whole home) stays with the site's administrators.
PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
#: On the commune's collection: upload, edit and pick images and documents.
MEDIA_ACTIONS = ("add", "change", "choose")
MEDIA_MODELS = {"wagtail.images": ("wagtailimages", "image"), "wagtail.documents": ("wagtaildocs", "document")}

#: Fields provisioning writes on the commune; a save of these alone provisions nothing.
PROVISIONED_FIELDS = frozenset({"editors_group", "collection"})


@dataclasses.dataclass
class Provisioned:
    """What provisioning a commune changed; all zero and false the second time."""

    commune: Commune
    group_created: bool = False
    collection_created: bool = False
    page_permissions_added: int = 0
    collection_permissions_added: int = 0
    members_added: int = 0
    members_removed: int = 0

    @property
    def changed(self):
        return any(getattr(self, field.name) for field in dataclasses.fields(self) if field.name != "commune")


def group_name(commune):
    """« Heure Civique — Éditeurs — Bois-Colombes (92009) », within Django's 150 characters."""
    suffix = f" ({commune.insee_code})"
    room = Group._meta.get_field("name").max_length - len(GROUP_NAME_PREFIX) - len(suffix)
    return f"{GROUP_NAME_PREFIX}{commune.name[:room]}{suffix}"


def collection_name(commune):
    return str(commune)  # the INSEE code tells apart the communes of the same name


def _page_permissions():
    codenames = [f"{action}_{Page._meta.model_name}" for action in PAGE_ACTIONS]
    return list(Permission.objects.filter(content_type=ContentType.objects.get_for_model(Page), codename__in=codenames))


class _Grants:
    """The permissions and groups every commune's provisioning uses, looked up once."""

    def __init__(self):
        self.page_permissions = _page_permissions()
        # A host without Wagtail's documents app gets the image permissions only.
        wanted = {
            (app_label, f"{action}_{model}")
            for app, (app_label, model) in MEDIA_MODELS.items()
            if apps.is_installed(app)
            for action in MEDIA_ACTIONS
        }
        self.media_permissions = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in={app_label for app_label, _codename in wanted},
                codename__in={codename for _app_label, codename in wanted},
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        # Before ``heurecivique_setup`` has run there is no coordinators' group yet: it
        # provisions every commune again once it has created it.
        self.coordinators = Group.objects.filter(name=GROUPS["coordinators"]["name"]).first()
        self._parent = None

    @property
    def parent_collection(self):
        if self._parent is None:
            # Wagtail's migrations make the root collection; a flushed database (transactional
            # tests) has none, and provisioning must not fail on it.
            root = Collection.get_first_root_node() or Collection.add_root(name="Root")
            self._parent = root.get_children().filter(name=PARENT_COLLECTION_NAME).first() or root.add_child(
                name=PARENT_COLLECTION_NAME
            )
        return self._parent


def _grant_pages(group_id, page_ids, permissions):
    """Missing ``GroupPagePermission`` rows, in one query to read and one to write."""
    wanted = {(page, permission.pk) for page in page_ids for permission in permissions}
    if not wanted:
        return 0
    existing = set(
        GroupPagePermission.objects.filter(
            group_id=group_id, page_id__in=page_ids, permission__in=permissions
        ).values_list("page_id", "permission_id")
    )
    missing = sorted(wanted - existing)
    GroupPagePermission.objects.bulk_create(
        [GroupPagePermission(group_id=group_id, page_id=page, permission_id=perm) for page, perm in missing],
        ignore_conflicts=True,
    )
    return len(missing)


def _grant_collection(group_id, collection, permissions):
    existing = set(
        GroupCollectionPermission.objects.filter(group_id=group_id, collection=collection).values_list(
            "permission_id", flat=True
        )
    )
    missing = [permission for permission in permissions if permission.pk not in existing]
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group_id=group_id, collection=collection, permission=p) for p in missing],
        ignore_conflicts=True,
    )
    return len(missing)


def _group(commune, result):
    name = group_name(commune)
    group = Group.objects.filter(pk=commune.editors_group_id).first() if commune.editors_group_id else None
    if group is None:
        # A group of that name is this commune's (its INSEE code is in it): adopted, not doubled.
        group, result.group_created = Group.objects.get_or_create(name=name)
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    return group


def _collection(commune, grants, result):
    name = collection_name(commune)
    collection = Collection.objects.filter(pk=commune.collection_id).first() if commune.collection_id else None
    if collection is None:
        parent = grants.parent_collection
        collection = parent.get_children().filter(name=name).first()
        if collection is None:
            collection = parent.add_child(name=name)
            result.collection_created = True
    elif collection.name != name:
        collection.name = name
        collection.save(update_fields=["name"])
    return collection


def _link(commune, group, collection):
    if (commune.editors_group_id, commune.collection_id) == (group.pk, collection.pk):
        return
    commune.editors_group, commune.collection = group, collection
    # The caller's reason (a form's, the import's) stays theirs for their next save.
    reason = getattr(commune, "_change_reason", None)
    commune._change_reason = gettext("Editors' group and collection of images and documents set up")
    try:
        commune.save(update_fields=sorted(PROVISIONED_FIELDS))
    finally:
        commune._change_reason = reason


def _editor_ids(commune):
    return set(
        CommuneMembership.objects.filter(
            commune=commune, role=MembershipRole.EDITOR, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _sync_members(group, wanted, result):
    current = set(group.user_set.values_list("pk", flat=True))
    if wanted - current:
        group.user_set.add(*(wanted - current))
    if current - wanted:
        group.user_set.remove(*(current - wanted))
    result.members_added, result.members_removed = len(wanted - current), len(current - wanted)


def _other_communes_groups(commune):
    return Commune.objects.exclude(pk=commune.pk).filter(editors_group__isnull=False).values("editors_group_id")


@transaction.atomic
def provision_commune(commune, *, grants=None):
    """Create or complete the commune's group, collection, permissions and members."""
    grants = grants or _Grants()
    result = Provisioned(commune)
    group = _group(commune, result)
    collection = _collection(commune, grants, result)
    _link(commune, group, collection)

    homes = list(CommuneHomePage.objects.filter(commune=commune).values_list("pk", flat=True))
    result.page_permissions_added = _grant_pages(group.pk, homes, grants.page_permissions)
    # A home moved to another commune: this group keeps nothing of it.
    GroupPagePermission.objects.filter(
        group=group, page__in=CommuneHomePage.objects.exclude(commune=commune).values("pk")
    ).delete()

    result.collection_permissions_added = _grant_collection(group.pk, collection, grants.media_permissions)
    if grants.coordinators:
        result.collection_permissions_added += _grant_collection(
            grants.coordinators.pk, grants.parent_collection, grants.media_permissions
        )
    _sync_members(group, _editor_ids(commune), result)
    return result


def provision_all_communes():
    """Provision every commune (each in its own transaction); return their ``Provisioned``."""
    grants = _Grants()
    return [provision_commune(commune, grants=grants) for commune in Commune.objects.order_by("pk")]


def needs_provisioning(commune):
    """Whether a saved commune lacks its group or collection, or they bear another name."""
    if commune.editors_group_id is None or commune.collection_id is None:
        return True
    named = Group.objects.filter(pk=commune.editors_group_id, name=group_name(commune)).exists()
    return not (named and Collection.objects.filter(pk=commune.collection_id, name=collection_name(commune)).exists())


@transaction.atomic
def provision_home(home):
    """A new or saved home: its commune's group gets its rights on it."""
    commune = Commune.objects.get(pk=home.commune_id)
    if commune.editors_group_id is None:
        return provision_commune(commune)
    added = _grant_pages(commune.editors_group_id, [home.pk], _page_permissions())
    # The home was another commune's: that commune's editors keep nothing of it.
    GroupPagePermission.objects.filter(page_id=home.pk, group_id__in=_other_communes_groups(commune)).delete()
    return Provisioned(commune, page_permissions_added=added)


@transaction.atomic
def follow_memberships(user, commune=None):
    """Put ``user`` in the editors' groups of the communes they are an editor of, and only those.

    A commune not provisioned yet (a membership before ``heurecivique_setup`` ran) is
    provisioned first.
    """
    if commune is not None and commune.editors_group_id is None:
        provision_commune(commune)
    linked = Commune.objects.filter(editors_group__isnull=False)
    wanted = set()
    if user.is_active:
        wanted = set(
            linked.filter(memberships__user=user, memberships__role=MembershipRole.EDITOR).values_list(
                "editors_group_id", flat=True
            )
        )
    current = set(user.groups.filter(pk__in=linked.values("editors_group_id")).values_list("pk", flat=True))
    if wanted - current:
        user.groups.add(*(wanted - current))
    if current - wanted:
        user.groups.remove(*(current - wanted))


def leave_editors_group(membership):
    """A membership deleted: out of the commune's group unless another editor membership stays.

    Only deletes rows, and reads the commune by its id: safe while the user or the commune
    themselves are being deleted (the membership goes with them).
    """
    group_id = Commune.objects.filter(pk=membership.commune_id).values_list("editors_group_id", flat=True).first()
    if group_id is None:
        return
    still_editor = CommuneMembership.objects.filter(
        commune_id=membership.commune_id, user_id=membership.user_id, role=MembershipRole.EDITOR
    ).exists()
    if not still_editor:
        Group.user_set.through.objects.filter(group_id=group_id, user_id=membership.user_id).delete()


# --- A commune deleted: its group goes, its collection too unless media are left in it ---

#: Added to the name of a deleted commune's collection kept for its images and documents (data,
#: French, like the names above).
DELETED_COLLECTION_SUFFIX = " (commune supprimée)"


@dataclasses.dataclass
class Release:
    """What deleting a commune does to its share of the page layer (said before, done after)."""

    group_name: str = ""
    collection_name: str = ""
    #: What the collection still holds ("3 images", "1 document"…): kept, under ``kept_as``.
    collection_contents: list = dataclasses.field(default_factory=list)
    kept_as: str = ""


def _collection_contents(collection):
    """Wagtail's own descriptions of what a collection holds (its delete view's hook), and its sub-collections."""
    from wagtail import hooks

    contents = [hook(collection) for hook in hooks.get_hooks("describe_collection_contents")]
    texts = [str(item["count_text"]) for item in contents if item and item.get("count")]
    children = collection.get_descendants().count()
    if children:
        message = ngettext("%(count)d collection inside it", "%(count)d collections inside it", children)
        texts.append(message % {"count": children})
    return texts


def _kept_name(collection):
    base = collection.name[: Collection._meta.get_field("name").max_length - len(DELETED_COLLECTION_SUFFIX) - 4]
    siblings = set(collection.get_siblings().exclude(pk=collection.pk).values_list("name", flat=True))
    name, number = f"{base}{DELETED_COLLECTION_SUFFIX}", 1
    while name in siblings:
        number += 1
        name = f"{base}{DELETED_COLLECTION_SUFFIX} {number}"
    return name


def release_plan(commune):
    """What ``release_commune`` will do when ``commune`` is deleted: for its delete confirmation."""
    release = Release()
    group = Group.objects.filter(pk=commune.editors_group_id).first() if commune.editors_group_id else None
    if group is not None:
        release.group_name = group.name
    collection = Collection.objects.filter(pk=commune.collection_id).first() if commune.collection_id else None
    if collection is not None:
        release.collection_name = collection.name
        release.collection_contents = _collection_contents(collection)
        if release.collection_contents:
            release.kept_as = _kept_name(collection)
    return release


@transaction.atomic
def release_commune(commune):
    """A deleted commune: its editors' group goes (with its page and collection permissions).

    Its collection goes too when empty; one that still holds images, documents or
    collections is kept for them, renamed after the deleted commune, with no group's
    permission on it or below it any more (those of its parent, « Heure Civique », stay:
    the coordinators can still sort out what is left). Called after the commune's row is
    deleted, in the same transaction (``receivers``): reads only the ids it held.
    """
    release = release_plan(commune)
    if commune.editors_group_id:
        # Its page and collection permissions and its members go with it (cascade).
        Group.objects.filter(pk=commune.editors_group_id).delete()
    collection = Collection.objects.filter(pk=commune.collection_id).first() if commune.collection_id else None
    if collection is None:
        return release
    if not release.collection_contents:
        collection.delete()
        return release
    GroupCollectionPermission.objects.filter(
        collection__in=Collection.objects.descendant_of(collection, inclusive=True)
    ).delete()
    collection.name = release.kept_as
    collection.save(update_fields=["name"])
    return release


# --- The user form of Wagtail (or any code) ticks a commune's editors' group ---------------


def follow_editors_groups(user_ids, group_ids, *, added, reason=None):
    """Users put in or taken out of communes' editors' groups: their editor memberships follow.

    The group is the editor role of its commune under another name; whoever changes it (an
    administrator in Wagtail's user form, a script) means that role, so the membership is
    written — with its history — and memberships stay the one source of truth. Inactive
    users are left alone: provisioning takes them out of the groups and keeps their
    memberships for when they come back. Our own synchronisation makes no change here:
    it adds to a group only the holders of a membership, and takes out only those without one.
    """
    communes = list(Commune.objects.filter(editors_group_id__in=group_ids))
    if not communes:
        return
    User = get_user_model()
    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    memberships = CommuneMembership.objects.filter(commune__in=communes, user__in=users, role=MembershipRole.EDITOR)
    if added:
        existing = set(memberships.values_list("commune_id", "user_id"))
        for commune in communes:
            for user in users:
                if (commune.pk, user.pk) in existing:
                    continue
                membership = CommuneMembership(commune=commune, user=user, role=MembershipRole.EDITOR)
                membership._change_reason = reason or gettext("Added to the commune's editors' group by hand")
                membership.save()
    else:
        for membership in memberships.select_related("commune", "user"):
            membership._change_reason = reason or gettext("Taken out of the commune's editors' group by hand")
            membership.delete()
