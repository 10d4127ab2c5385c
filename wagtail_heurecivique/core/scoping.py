"""Commune scoping: the one place that decides which rows a staff user may see.

Every admin list, inspect view, export, workflow queue and report filters through
``Model.objects.for_user(user)``. A référent sees the communes they are a member of;
département coordinators (``view_all_communes``) and superusers see every commune.
"""

from django.apps import apps
from django.db import models

from wagtail_heurecivique.core.enums import MembershipRole

VIEW_ALL_COMMUNES = "wagtail_heurecivique.view_all_communes"


def sees_all_communes(user):
    return bool(
        user
        and user.is_active
        and (user.is_superuser or user.has_perm(VIEW_ALL_COMMUNES))
    )


def commune_ids_for(user, roles=(MembershipRole.REFERENT,)):
    """A subquery of the ids of the communes where ``user`` holds one of ``roles``."""
    # By the app registry: the models' querysets are defined here, before the models.
    CommuneMembership = apps.get_model("wagtail_heurecivique", "CommuneMembership")
    return CommuneMembership.objects.filter(
        user=user, user__is_active=True, role__in=roles
    ).values("commune_id")


def communes_for_user(user, roles=(MembershipRole.REFERENT,)):
    """The communes ``user`` may work on, as a queryset of Commune."""
    return apps.get_model("wagtail_heurecivique", "Commune").objects.for_user(user, roles)


class CommuneScopedQuerySet(models.QuerySet):
    """QuerySet of a model whose ``commune_path`` leads to its Commune."""

    def for_user(self, user, roles=(MembershipRole.REFERENT,)):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_all_communes(user):
            return self
        path = self.model.commune_path
        return self.filter(**{f"{path}__in": commune_ids_for(user, roles)})
