"""Choosers of the people a success story names: volunteers, beneficiaries, registrants.

A commune may count thousands of volunteers: a story's editor searches them by name in a
Wagtail chooser rather than scrolling a list of them all. Each chooser lists the records of
the user's communes only (``for_user`` with the page roles), and of the page's commune when
its widget says which (``?commune=``). A person is shown by name and what tells homonyms
apart (postcode, status, dates; a registrant's action), never by contact details or notes.
The page form checks the choice again on save (``page_forms.limit_to_commune``): these
lists are a convenience, not the rule.
"""

from functools import reduce
from operator import or_

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
    CreateView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from wagtail_heurecivique.core.validators import is_pk
from wagtail_heurecivique.site.page_scoping import PAGE_ROLES

#: Words of a search that count: a name, not a paragraph.
MAX_SEARCH_TERMS = 5


def choosable(model, request):
    """The records of ``model`` the chooser may list: the user's communes', the page's if given.

    ``?commune=`` narrows the list to one commune (the page's), never widens it: it is
    intersected with the user's communes. A value that is not an id lists nobody.
    """
    people = model.objects.for_user(request.user, PAGE_ROLES)
    commune = request.GET.get("commune")
    if commune is not None:
        people = people.filter(commune_id=int(commune)) if is_pk(commune) else people.none()
    return people


def short_date(moment):
    return date_format(localtime(moment), "SHORT_DATE_FORMAT") if moment else ""


def describe_volunteer(volunteer):
    return f"{volunteer} — {volunteer.postcode}"


def describe_beneficiary(beneficiary):
    return f"{beneficiary} — {beneficiary.postcode}"


def describe_registration(registration):
    action = registration.action
    return f"{registration.first_name} — {action.title} ({short_date(action.start)})"


# --- The widget in the story's people panel ----------------------------------------------------


class PersonChooser(BaseChooser):
    """A chooser of one person, shown by name; it lists the people of the page's commune.

    The person shown is looked up among the form field's own choices: a value of another
    commune, forged in a POST and shown again with the form's errors, names nobody.
    """

    # Editors read people in the back office and change nothing of them from a page.
    show_edit_link = False
    select_related = ()
    limited = False
    commune_id = None

    @staticmethod
    def describe(person):
        return str(person)

    def limit_to_commune(self, commune_id):
        """Lists only the people of ``commune_id`` (none when it is None)."""
        self.limited, self.commune_id = True, commune_id

    def get_chooser_modal_url(self):
        url = super().get_chooser_modal_url()
        return f"{url}?{urlencode({'commune': self.commune_id or 0})}" if self.limited else url

    def get_instance(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, self.model_class):
            return value
        # ``choices`` is the field's ModelChoiceIterator: its queryset follows the field's.
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        if queryset is None:
            return None
        try:
            if self.select_related:  # without names, select_related() would follow every relation
                queryset = queryset.select_related(*self.select_related)
            return queryset.filter(pk=value).first()
        except (TypeError, ValueError, ValidationError):
            return None

    def get_display_title(self, instance):
        return self.describe(instance)

    def get_value_data_from_instance(self, instance):
        return {"id": instance.pk, "edit_url": "", self.display_title_key: self.get_display_title(instance)}


class VolunteerChooser(PersonChooser):
    describe = staticmethod(describe_volunteer)


class BeneficiaryChooser(PersonChooser):
    describe = staticmethod(describe_beneficiary)


class RegistrationChooser(PersonChooser):
    describe = staticmethod(describe_registration)
    select_related = ("action",)


# --- The chooser's views ---------------------------------------------------------------------


class PeopleSearchForm(BaseFilterForm):
    """A search by name: every word must match one of ``search_fields`` (case-insensitive)."""

    q = forms.CharField(
        label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search by name")}),
    )
    search_fields = ()

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if not query:
            return objects
        for term in query.split()[:MAX_SEARCH_TERMS]:
            objects = objects.filter(reduce(or_, (Q(**{f"{name}__icontains": term}) for name in self.search_fields)))
        self.is_searching, self.search_query = True, query
        return objects


class NoCreation:
    """People are entered in the back office (with their consents), never from a page's chooser."""

    def can_create(self):
        return False


class PeopleListMixin(NoCreation):
    """What the chooser lists: ``choosable`` people, searched by name, with their details."""

    search_fields = ()
    details = ()
    filters = {}
    select_related = ()
    describe = None
    name_label = _("Name")
    name_accessor = str

    def get_object_list(self):
        queryset = choosable(self.model_class, self.request).filter(**self.filters)
        # Without names, select_related() would follow every relation (and warns on Django 6.1).
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_filter_form_class(self):
        return type("PeopleSearchForm", (PeopleSearchForm,), {"search_fields": self.search_fields})

    @property
    def title_column(self):
        column = super().title_column
        column.label, column.accessor = self.name_label, self.name_accessor
        return column

    @property
    def columns(self):
        return [*super().columns, *self.details]


class PeopleChooseView(PeopleListMixin, ChooseView):
    pass


class PeopleChooseResultsView(PeopleListMixin, ChooseResultsView):
    pass


class PeopleChosenView(ChosenView):
    """The person chosen: one of those the list offers, or 404 (not a way to read names by id)."""

    filters = {}
    describe = None

    def get_object(self, pk):
        if not is_pk(str(pk)):
            raise ObjectDoesNotExist
        return choosable(self.model_class, self.request).filter(**self.filters).get(pk=pk)

    def get_display_title(self, instance):
        return self.describe(instance)

    def get_edit_item_url(self, instance):
        return None


class PeopleChosenMultipleView(ChosenMultipleView):
    """Several people chosen at once: those of the list only, whatever ids the URL names."""

    filters = {}
    describe = None

    def get_objects(self, pks):
        pks = [pk for pk in pks if is_pk(pk)]
        return choosable(self.model_class, self.request).filter(**self.filters).filter(pk__in=pks)

    def get_display_title(self, instance):
        return self.describe(instance)

    def get_edit_item_url(self, instance):
        return None


class PeopleCreateView(NoCreation, CreateView):
    pass


class PeopleChooserViewSet(ChooserViewSet):
    """A chooser of a commune's people, for the story's people panel only."""

    # Not the widget of every admin form's foreign key to the model: the back office keeps its own fields.
    register_widget = False
    preserve_url_parameters = ["multiple", "commune"]
    choose_view_class = PeopleChooseView
    choose_results_view_class = PeopleChooseResultsView
    chosen_view_class = PeopleChosenView
    chosen_multiple_view_class = PeopleChosenMultipleView
    create_view_class = PeopleCreateView
    per_page = 20
    icon = "user"

    search_fields = ()
    details = ()
    filters = {}
    select_related = ()
    ordering = None
    name_label = _("Name")
    name_accessor = str

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            search_fields=self.search_fields,
            details=self.details,
            filters=self.filters,
            select_related=self.select_related,
            ordering=self.ordering,
            describe=self.base_widget_class.describe,
            name_label=self.name_label,
            name_accessor=self.name_accessor,
            **kwargs,
        )


NAME_ON_THE_SITE = _("Name on the site")

volunteer_chooser = PeopleChooserViewSet(
    "heurecivique_volunteer_chooser",
    url_prefix="heurecivique/choisir/volontaire",
    model="wagtail_heurecivique.Volunteer",
    base_widget_class=VolunteerChooser,
    choose_one_text=_("Choose a volunteer"),
    choose_another_text=_("Choose another volunteer"),
    search_fields=("first_name", "last_name"),
    details=(
        Column("public_name", label=NAME_ON_THE_SITE),
        Column("postcode", label=capfirst(_("postcode"))),
        Column("status", label=capfirst(_("status")), accessor="get_status_display"),
        Column("created_at", label=capfirst(_("signed up on")), accessor=lambda person: short_date(person.created_at)),
    ),
)

beneficiary_chooser = PeopleChooserViewSet(
    "heurecivique_beneficiary_chooser",
    url_prefix="heurecivique/choisir/beneficiaire",
    model="wagtail_heurecivique.Beneficiary",
    base_widget_class=BeneficiaryChooser,
    choose_one_text=_("Choose a beneficiary"),
    choose_another_text=_("Choose another beneficiary"),
    search_fields=("first_name", "last_name"),
    details=(
        Column("public_name", label=NAME_ON_THE_SITE),
        Column("postcode", label=capfirst(_("postcode"))),
        Column("created_at", label=capfirst(_("created on")), accessor=lambda person: short_date(person.created_at)),
    ),
)

registration_chooser = PeopleChooserViewSet(
    "heurecivique_registration_chooser",
    url_prefix="heurecivique/choisir/inscrit",
    model="wagtail_heurecivique.Registration",
    base_widget_class=RegistrationChooser,
    choose_one_text=_("Choose a registrant"),
    choose_another_text=_("Choose another registrant"),
    name_label=_("First name"),
    name_accessor="first_name",
    search_fields=("first_name", "action__title"),
    # A registrant who is a volunteer is named as the volunteer (``StoryPerson.clean``).
    filters={"volunteer__isnull": True},
    select_related=("action",),
    ordering=("first_name", "-action__start", "pk"),
    details=(
        Column("action", label=capfirst(_("action")), accessor=lambda registration: registration.action.title),
        Column("action_start", label=_("Date of the action"),
               accessor=lambda registration: short_date(registration.action.start)),
        Column("status", label=capfirst(_("status")), accessor="get_status_display"),
        Column("created_at", label=capfirst(_("registered on")),
               accessor=lambda registration: short_date(registration.created_at)),
    ),
)

#: Registered through Wagtail's ``register_admin_viewset`` hook (``wagtail_hooks``).
people_choosers = [volunteer_chooser, beneficiary_chooser, registration_chooser]
