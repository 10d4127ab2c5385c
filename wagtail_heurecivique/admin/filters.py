"""The back office's list filters.
"""

from django.contrib.admin import SimpleListFilter
from django.core.exceptions import BadRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.scoping import communes_for_user


class CommuneListFilter(SimpleListFilter):
    """Lists only the user's communes (a plain related filter would leak every name)."""

    title = _("commune")
    parameter_name = "commune"

    def lookups(self, request, model_admin):
        communes = communes_for_user(request.user, model_admin.view_roles)
        return [(str(c.pk), c.name) for c in communes.only("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if self.value() not in {pk for pk, _name in self.lookup_choices}:
            raise BadRequest(gettext("This commune is not one of yours."))
        return queryset.filter(**{queryset.model.commune_path: self.value()})
