"""The page editor's forms: a page of a commune offers only that commune's records.

Wagtail builds a page's form from its panels on ``base_form_class``. Without these, a
success story's people and an action's partner are chosen among every commune's
volunteers, beneficiaries and partners, listed by full name; and a page's content takes
any image, document or page whose id a POST names.
"""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import ForeignKey
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.fields import StreamField

from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.site import page_references
from wagtail_heurecivique.site.page_references import DOCUMENT, IMAGE, PAGE
from wagtail_heurecivique.site.page_scoping import PAGE_ROLES, commune_id_above

NOT_OF_THIS_COMMUNE = _("Not one of this page's commune: choose from the list.")
NOT_ONE_OF_YOURS = _("Choose one of your communes from the list.")
#: What a content may not refer to, by kind (``page_references``).
NOT_YOURS_TO_USE = {
    IMAGE: _("This image is not one you may use: choose another with the image chooser."),
    DOCUMENT: _("This document is not one you may use: choose another with the document chooser."),
    PAGE: _("This page is not one you may link to: choose another with the page chooser."),
}


def limit_to_commune(form, commune_id):
    """Every choice of ``form`` among a commune's records: only those of ``commune_id``.

    A value of another commune, even forged in the POST, is then an invalid choice. A
    people chooser's widget lists that commune's people only.
    """
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, CommuneScopedQuerySet):
            path = queryset.model.commune_path
            field.queryset = queryset.filter(**{path: commune_id}) if commune_id else queryset.none()
            field.error_messages["invalid_choice"] = NOT_OF_THIS_COMMUNE
            if hasattr(field.widget, "limit_to_commune"):
                field.widget.limit_to_commune(commune_id)


class ChosenReferencesMixin:
    """Refuses, on clean, the images, documents and pages the editor may not use.

    Wagtail's choosers offer an editor only theirs, but a StreamField, a rich text or a
    foreign key accepts any id in a POST. What the page already held stays accepted (put
    there by someone who could: a coordinator's image from a shared collection). A refused
    choice is emptied in what the form shows again, which would otherwise show its title.
    """

    def clean(self):
        cleaned_data = super().clean()
        if self.for_user is not None:
            self._refuse_references_not_yours()
        return cleaned_data

    def _referring_fields(self):
        fields = {}
        for name in self.fields:
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if hasattr(model_field, "extract_references") or (
                isinstance(model_field, ForeignKey) and page_references.kind_of(model_field.related_model)
            ):
                fields[name] = model_field
        return fields

    def _refuse_references_not_yours(self):
        fields = self._referring_fields()
        found = [
            ref for name, model_field in fields.items() if name in self.cleaned_data
            for ref in page_references.references(name, model_field, self.cleaned_data[name])
        ]
        refused = page_references.refused(found, self.for_user) if found else []
        if refused:
            saved = {
                (ref.field, ref.kind, ref.pk)
                for name in {ref.field for ref in refused}
                for ref in page_references.references(name, fields[name], self._saved_value(fields[name]))
            }
            refused = [ref for ref in refused if (ref.field, ref.kind, ref.pk) not in saved]
        if not refused:
            return
        refused_ids = {}
        for ref in refused:
            refused_ids.setdefault(ref.kind, set()).add(ref.pk)
        data = self.data.copy()
        for name in sorted({ref.field for ref in refused}):
            model_field, key = fields[name], self.add_prefix(name)
            self._add_refusal(name, model_field, [ref for ref in refused if ref.field == name])
            if isinstance(model_field, ForeignKey):
                page_references.scrub_choice(data, key, page_references.kind_of(model_field.related_model), refused_ids)
            else:
                page_references.scrub(data, key, getattr(model_field, "stream_block", None), refused_ids)
        self.data = data

    def _saved_value(self, model_field):
        if isinstance(model_field, ForeignKey):
            return getattr(self.instance, model_field.attname)
        return getattr(self.instance, model_field.name)

    def _add_refusal(self, name, model_field, refused):
        def messages(refs):
            return [NOT_YOURS_TO_USE[kind] for kind in (IMAGE, DOCUMENT, PAGE) if any(r.kind == kind for r in refs)]

        if not isinstance(model_field, StreamField):
            self.add_error(name, messages(refused))
            return
        # Against the block holding it, as Wagtail shows a block's own errors.
        block_errors = {
            position: ValidationError(messages([ref for ref in refused if ref.block == position]))
            for position in sorted({ref.block for ref in refused})
        }
        self.add_error(name, StreamBlockValidationError(block_errors=block_errors))


class CommunePageForm(ChosenReferencesMixin, WagtailAdminPageForm):
    """The form of a page below a commune's home (stories, actions…).

    Its images, documents and links are the editor's to use (``ChosenReferencesMixin``).

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


class CommuneHomePageForm(ChosenReferencesMixin, WagtailAdminPageForm):
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
