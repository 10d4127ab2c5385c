"""The page editor's forms: a page of a commune offers only that commune's records.

Wagtail builds a page's form from its panels on ``base_form_class``. Without these, a
success story's people and an action's partner are chosen among every commune's
volunteers, beneficiaries and partners, listed by full name.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .page_scoping import PAGE_ROLES, commune_id_above
from .scoping import CommuneScopedQuerySet

NOT_OF_THIS_COMMUNE = _("Not one of this page's commune: choose from the list.")
NOT_ONE_OF_YOURS = _("Choose one of your communes from the list.")


def limit_to_commune(form, commune_id):
    """Every choice of ``form`` among a commune's records: only those of ``commune_id``.

    A value of another commune, even forged in the POST, is then an invalid choice.
    """
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, CommuneScopedQuerySet):
            path = queryset.model.commune_path
            field.queryset = queryset.filter(**{path: commune_id}) if commune_id else queryset.none()
            field.error_messages["invalid_choice"] = NOT_OF_THIS_COMMUNE


class CommunePageForm(WagtailAdminPageForm):
    """The form of a page below a commune's home (stories, actions…).

    The commune is the one of the home above the parent page, which Wagtail gives the
    form in every page view (add, edit, preview); the page's own path serves otherwise.
    Inline panels' rows are limited as well, including the empty row Wagtail renders as
    the template of the rows an editor adds.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_id = self._find_commune_id()
        limit_to_commune(self, self.commune_id)
        for formset in self.formsets.values():
            self._limit_rows(formset)

    def _find_commune_id(self):
        if self.parent_page is not None:
            return commune_id_above(self.parent_page.path)
        if self.instance.path:
            return commune_id_above(self.instance.path)
        return None

    def _limit_rows(self, formset):
        # A formset passes each of its forms, its empty form included, through
        # ``add_fields`` as it builds them: the one place every row goes through,
        # whatever form class Wagtail chose for the rows.
        add_fields = formset.add_fields

        def add_fields_of_the_commune(form, index):
            add_fields(form, index)
            limit_to_commune(form, self.commune_id)

        formset.add_fields = add_fields_of_the_commune


class CommuneHomePageForm(WagtailAdminPageForm):
    """A commune's home: its commune is one of the editor's communes.

    An editor of one commune can neither list the others nor move a home to another
    commune (its pages would then show that commune's people). The home's current
    commune stays choosable, for an editor whom page permissions alone let in.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("commune")
        if field is not None:
            queryset = field.queryset
            field.queryset = queryset.for_user(self.for_user, PAGE_ROLES) | queryset.filter(pk=self.instance.commune_id)
            field.error_messages["invalid_choice"] = NOT_ONE_OF_YOURS
