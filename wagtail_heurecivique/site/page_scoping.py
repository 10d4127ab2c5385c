"""Which pages of the tree a staff user may see: not those of another commune.

A commune's pages are its ``CommuneHomePage`` (one per language) and everything below
it. Wagtail's page chooser, explorer and admin API list the whole tree to anyone with
admin access; these helpers take out the homes, and what lies below them, of the
communes that are not the user's. The host site's own pages stay.

A commune is the user's, for its pages, when they are a member of it (référent or
editor), or when Wagtail's page permissions let them work on its home (a permission on
the home or above it, such as a host's webmaster at the root: hiding pages they may
edit would only hinder them). Coordinators and superusers see every commune
(``scoping.sees_all_communes``).
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from wagtail.models import GroupPagePermission, Page

from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.core.scoping import commune_ids_for, sees_all_communes


def _homes():
    # By the app registry: the page models' forms are built on this module.
    return apps.get_model("wagtail_heurecivique", "CommuneHomePage")


#: The memberships that open a commune's pages: its référents and its editors.
PAGE_ROLES = (MembershipRole.REFERENT, MembershipRole.EDITOR)


def hidden_commune_homes(user):
    """The homes of the communes that are not ``user``'s, as a lazy queryset."""
    CommuneHomePage = _homes()

    if sees_all_communes(user):
        return CommuneHomePage.objects.none()
    if user is None or not user.is_authenticated:
        return CommuneHomePage.objects.all()
    permitted_above = GroupPagePermission.objects.filter(
        group__user=user, page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return CommuneHomePage.objects.exclude(commune_id__in=commune_ids_for(user, PAGE_ROLES)).exclude(
        Exists(permitted_above)
    )


def exclude_other_communes(pages, user):
    """``pages`` without those at or below the home of a commune that is not ``user``'s.

    One query (the depths the homes stand at: one or two in practice), whatever the
    number of communes. A page is below a home when its path begins with the home's, so
    for each depth the prefix of that length is compared with the hidden homes' paths in
    a subquery. The result filters on ``pk`` only, which Wagtail's search backends accept
    (the page chooser and the admin API search the queryset after this).
    """
    if sees_all_communes(user):
        return pages
    CommuneHomePage = _homes()

    hidden = hidden_commune_homes(user)
    steplen = CommuneHomePage.steplen
    depths = CommuneHomePage.objects.order_by().values_list("depth", flat=True).distinct()
    below_hidden = Q()
    aliases = {}
    for depth in sorted(depths):
        aliases[f"_prefix_{depth}"] = Substr("path", 1, depth * steplen)
        below_hidden |= Q(**{f"_prefix_{depth}__in": hidden.filter(depth=depth).values("path")})
    if not aliases:
        return pages
    hidden_pages = pages.model._default_manager.alias(**aliases).filter(below_hidden).values("pk")
    return pages.exclude(pk__in=hidden_pages)


def is_hidden_from(page_id, user):
    """Whether the page ``page_id`` stands at or below the home of a commune that is not ``user``'s."""
    if sees_all_communes(user):
        return False
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    return path is not None and hidden_commune_homes(user).filter(path__in=_ancestor_paths(path)).exists()


def commune_id_above(path):
    """The commune of the nearest home at or above the page at ``path``, or None."""
    CommuneHomePage = _homes()

    return (
        CommuneHomePage.objects.filter(path__in=_ancestor_paths(path))
        .order_by("-depth")
        .values_list("commune_id", flat=True)
        .first()
    )


def _ancestor_paths(path):
    """The paths of the page at ``path`` and of its ancestors (treebeard's paths are prefixes)."""
    CommuneHomePage = _homes()

    steplen = CommuneHomePage.steplen
    return [path[:end] for end in range(steplen, len(path) + 1, steplen)]
