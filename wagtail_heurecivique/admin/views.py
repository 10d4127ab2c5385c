"""The back office's views: scoped to the user's communes, with a reason in history for every write.

Every list, inspect, edit, delete, history view and export goes through the commune
scoping of ``core.scoping``: an object of another commune is a 404, whatever the URL.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.models import Page
from wagtail_modeladmin.helpers import AdminURLHelper
from wagtail_modeladmin.views import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
    InspectView,
    InstanceSpecificView,
    ModelFormView,
)

from wagtail_heurecivique.admin.forms import DeletionReasonForm, LeaveRequestForm
from wagtail_heurecivique.admin.provisioning import may_provision
from wagtail_heurecivique.admin.spreadsheets import FormulaSafeExportMixin
from wagtail_heurecivique.core.display import field_display
from wagtail_heurecivique.core.enums import (
    ConsentPurpose,
    ErasureRequestSource,
    VolunteerStatus,
)
from wagtail_heurecivique.core.fields import FlagsField
from wagtail_heurecivique.core.history import HistoryFormatter
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.consents import Consent
from wagtail_heurecivique.core.models.needs import Need
from wagtail_heurecivique.core.models.notifications import Notification
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.personal_data import DataCategory, registry
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet, communes_for_user
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.core.signals import need_received, volunteer_entered
from wagtail_heurecivique.matching import suggest
from wagtail_heurecivique.services.membership import leave
from wagtail_heurecivique.tenancy.access import release_plan


class ScopedInstanceMixin:
    """Raises 404 for an object outside the user's communes (checked after login).

    The view reads with the model admin's ``view_roles``; one that changes the object
    says so with ``changes = True`` and uses its ``edit_roles``.
    """

    changes = False

    def __init__(self, model_admin, instance_pk):
        try:
            super().__init__(model_admin, instance_pk)
        except (ValueError, ValidationError):
            raise Http404 from None  # a malformed id in the URL, not a server error

    def check_action_permitted(self, user):
        manager = self.model._default_manager
        if isinstance(manager.get_queryset(), CommuneScopedQuerySet):
            roles = self.model_admin.edit_roles if self.changes else self.model_admin.view_roles
            if not manager.for_user(user, roles).filter(pk=self.instance.pk).exists():
                raise Http404
        return super().check_action_permitted(user)


class ChangeReasonMixin:
    """Writes the history row of a form save with the acting user and a reason.

    The audit trail is simple-history's. modeladmin's create and edit views would also
    write Wagtail log entries, which Wagtail's Site history report shows to anyone with
    a permission on the model, whatever their commune: ``ModelFormView.form_valid`` is
    called directly to save without them.
    """

    change_reason = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scoping_roles": self.model_admin.edit_roles}

    def form_valid(self, form):
        form.instance._change_reason = str(self.change_reason)
        if form.instance.pk and not form.has_changed():
            # Saving an untouched form is not a change worth a history row.
            form.instance.skip_history_when_saving = True
        for attribute in ("created_by", "recorded_by", "proposed_by"):
            if hasattr(form.instance, attribute) and getattr(form.instance, f"{attribute}_id") is None:
                setattr(form.instance, attribute, self.request.user)
        with transaction.atomic():
            return ModelFormView.form_valid(self, form)


class HeureCiviqueCreateView(ChangeReasonMixin, CreateView):
    change_reason = _("Created in the back office")


class HeureCiviqueEditView(ScopedInstanceMixin, ChangeReasonMixin, EditView):
    change_reason = _("Changed in the back office")
    changes = True


class VolunteerCreateView(HeureCiviqueCreateView):
    """A volunteer entered by a référent waits for the interview, charter acceptance recorded."""


    def form_valid(self, form):
        channel = form.cleaned_data.get("charter_channel")
        with transaction.atomic():
            if channel:
                form.instance.status = VolunteerStatus.TO_INTERVIEW
                form.instance.charter_version_accepted = form.instance.commune.charter_version
            response = super().form_valid(form)
            if channel:
                volunteer = form.instance
                Consent.objects.create(
                    volunteer=volunteer, purpose=ConsentPurpose.CHARTER, text_version=volunteer.commune.charter_version,
                    channel=channel, recorded_by=self.request.user,
                )
                volunteer_entered.send(sender=Volunteer, volunteer=volunteer, user=self.request.user)
        return response


class NeedCreateView(HeureCiviqueCreateView):
    """A need entered by the town hall: its handling starts in the same transaction."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            need_received.send(sender=Need, need=form.instance, user=self.request.user)
        return response


class HeureCiviqueDeleteView(ScopedInstanceMixin, DeleteView):
    """Deletion asks for a reason, written to the history row that keeps the record."""

    changes = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("reason_form", DeletionReasonForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = DeletionReasonForm(request.POST)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(reason_form=form))
            response.status_code = 400
            return response
        self.instance._change_reason = gettext("Deleted in the back office: %(reason)s") % {
            "reason": form.cleaned_data["reason"]
        }
        label = str(self.instance)
        try:
            with transaction.atomic():
                self.delete_instance()  # no Wagtail log entry: see ChangeReasonMixin
        except (ProtectedError, RestrictedError) as error:
            return self.refused(request, error)
        messages.success(
            request, gettext("%(model_name)s '%(object)s' deleted.") % {"model_name": capfirst(self.verbose_name), "object": label}
        )
        return redirect(self.index_url)

    def refused(self, request, error):
        """The deletion is prevented by records that point at this one."""
        # modeladmin's own view lists what still points at the record.
        return DeleteView.post(self, request)

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/delete.html"]


def _counted(model, count):
    """« 3 volontaires », « 1 besoin »: the model's own names."""
    name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {name}"


def deletion_effects(instance):
    """What deleting ``instance`` would take with it, or what prevents it, without deleting anything.

    Returns ``(blocking, deleted)``: the records that protect it (pages apart, to be named),
    and ``{model: count}`` of those that would go with it. Django's own collector decides,
    as it will when the record is deleted.
    """
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    try:
        collector.collect([instance])
    except ProtectedError as error:
        return list(error.protected_objects), {}
    except RestrictedError as error:
        return list(error.restricted_objects), {}
    deleted = {}
    for model, objects in collector.data.items():
        if model is not type(instance) and not model._meta.auto_created:
            deleted[model] = deleted.get(model, 0) + len(objects)
    for queryset in collector.fast_deletes:
        model = queryset.model
        if not model._meta.auto_created:
            count = queryset.count()
            if count:
                deleted[model] = deleted.get(model, 0) + count
    return [], deleted


class CommuneDeleteView(HeureCiviqueDeleteView):
    """Says first what deleting a commune takes with it — or, when its records protect it, why it cannot be."""

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/commune_delete.html"]

    def confirmation_message(self):
        # modeladmin's warns that related things "may" be affected: the list above says which.
        return gettext("Are you sure you want to delete %(commune)s?") % {"commune": self.instance}

    def get_context_data(self, **kwargs):
        blocking, deleted = deletion_effects(self.instance)
        kwargs.setdefault("blocking", self._describe_blocking(blocking) if blocking else None)
        kwargs.setdefault("consequences", [] if blocking else self._consequences(deleted))
        return super().get_context_data(**kwargs)

    def _describe_blocking(self, objects):
        pages = sorted((obj for obj in objects if isinstance(obj, Page)), key=lambda page: page.path)
        counts = {}
        for obj in objects:
            if not isinstance(obj, Page):
                counts[type(obj)] = counts.get(type(obj), 0) + 1
        return {
            "pages": [
                (page.get_admin_display_title(), reverse("wagtailadmin_explore", args=[page.pk])) for page in pages
            ],
            "records": sorted(_counted(model, count) for model, count in counts.items()),
            "is_active_label": Commune._meta.get_field("is_active").verbose_name,
        }

    def _consequences(self, deleted):
        lines = []
        if deleted:
            things = ", ".join(sorted(_counted(model, count) for model, count in deleted.items()))
            lines.append(gettext("Deleted with it: %(things)s.") % {"things": things})
        plan = release_plan(self.instance)
        if plan.group_name:
            lines.append(
                gettext(
                    "Its editors' group “%(group)s” is deleted: its members lose their rights on the commune's "
                    "pages, images and documents."
                ) % {"group": plan.group_name}
            )
        if plan.collection_name and plan.kept_as:
            lines.append(
                gettext(
                    "Its collection “%(collection)s” still holds %(contents)s: it is kept, renamed “%(name)s”, "
                    "and no group keeps permissions of its own on it."
                ) % {"collection": plan.collection_name, "contents": ", ".join(plan.collection_contents),
                     "name": plan.kept_as}
            )
        elif plan.collection_name:
            lines.append(
                gettext("Its collection of images and documents “%(collection)s” is empty: it is deleted.")
                % {"collection": plan.collection_name}
            )
        return lines

    def refused(self, request, error):
        # Something was added since the confirmation was shown: say what, as the confirmation does.
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        plan = release_plan(self.instance)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302 and plan.kept_as:
            messages.info(
                request,
                gettext("Its images and documents are kept in the collection “%(name)s”.") % {"name": plan.kept_as},
            )
        return response


class HeureCiviqueInspectView(ScopedInstanceMixin, InspectView):
    """Inspect view that hides sensitive fields and reads bit-mask fields aloud."""

    def get_fields_dict(self):
        hidden = registry.hidden_fields(self.model, self.request.user)
        free_text = {f.name for f in registry.fields(self.model) if f.category == DataCategory.FREE_TEXT}
        if free_text and not self._may_change():
            # An editor reads a volunteer to name them in a story, not the référents' notes.
            hidden |= free_text
        return [
            self.get_dict_for_field(name)
            for name in self.model_admin.get_inspect_view_fields()
            if name not in hidden
        ]

    def _may_change(self):
        roles = self.model_admin.edit_roles
        return self.model._default_manager.for_user(self.request.user, roles).filter(pk=self.instance.pk).exists()

    def get_field_label(self, field_name, field=None):
        return capfirst(super().get_field_label(field_name, field))

    def get_field_display_value(self, field_name, field=None):
        if field is None:  # not a model field (a method or property of the admin's list)
            return super().get_field_display_value(field_name, field)
        value = getattr(self.instance, field_name)
        if field.many_to_many:
            value = list(value.all())
        return field_display(field, value, empty=self.model_admin.get_empty_value_display(field_name))


class NeedInspectView(HeureCiviqueInspectView):
    """The need, then what other layers show about it (the workflows app: its timeline).

    Sections come from the ``heurecivique_need_inspect_sections`` hook: functions of
    ``(request, need)`` returning a component to render, or ``None``.
    """

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/need_inspect.html"]

    def get_context_data(self, **kwargs):
        sections = [fn(self.request, self.instance) for fn in hooks.get_hooks("heurecivique_need_inspect_sections")]
        return super().get_context_data(sections=[s for s in sections if s is not None], **kwargs)


class VolunteerInspectView(HeureCiviqueInspectView):
    """The volunteer, then the ledger of the e-mails sent to them (newest first)."""

    ledger_size = 50

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/volunteer_inspect.html"]

    def get_context_data(self, **kwargs):
        # A neighbouring commune's e-mails to this volunteer name that commune's needs.
        notifications = Notification.objects.for_user(self.request.user).filter(volunteer=self.instance)
        notifications = notifications.order_by("-created_at", "-pk")
        return super().get_context_data(
            notifications=notifications[: self.ledger_size], notifications_count=notifications.count(), **kwargs
        )


class HeureCiviqueHistoryView(ScopedInstanceMixin, InstanceSpecificView):
    """Field-level history from django-simple-history: who, when, what, why."""

    page_title = _("History")

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and self.permission_helper.user_can_inspect_obj(
            user, self.instance
        )

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/history.html"]

    def get_page_subtitle(self):
        return str(self.instance)

    def get_context_data(self, **kwargs):
        page_size = get_setting("HISTORY_PAGE_SIZE")
        formatter = HistoryFormatter(self.model, self.request.user)
        records = self.instance.history.order_by("-history_date", "-history_id")
        page = Paginator(records, page_size).get_page(self.request.GET.get("p"))
        start = (page.number - 1) * page_size
        # One record more than the page, to diff the page's oldest row against.
        window = list(formatter.prepare(records)[start : start + page_size + 1])
        context = {
            "instance": self.instance,
            "entries": formatter.entries(window, page_size),
            "page_obj": page,
            "inspect_url": self.url_helper.get_action_url("inspect", self.pk_quoted),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class NeedSuggestionsView(ScopedInstanceMixin, InstanceSpecificView):
    """Ranked volunteer suggestions for a need, with their reasons, at any step.

    Proposals themselves are made in the need workflow's "Propose to volunteers" task,
    so that each goes through the process (lock, answer links, history).
    """

    page_title = _("Suggested volunteers")
    permission_required = "wagtail_heurecivique.add_proposal"

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and user.has_perm(self.permission_required)

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/suggestions.html"]

    def get_page_subtitle(self):
        return str(self.instance)

    def get_context_data(self, **kwargs):
        volunteers = AdminURLHelper(Volunteer)
        suggestions = suggest(self.instance) if self.instance.is_open else []
        # A volunteer of a neighbouring commune is suggested, but their record is not
        # the référent's to open: no link to a page that would answer 404.
        own = set(communes_for_user(self.request.user).values_list("pk", flat=True))
        context = {
            "instance": self.instance,
            "rows": [
                (s, volunteers.get_action_url("inspect", s.volunteer.pk) if s.volunteer.commune_id in own else None)
                for s in suggestions
            ],
            "inspect_url": self.url_helper.get_action_url("inspect", self.pk_quoted),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class VolunteerLeaveView(ScopedInstanceMixin, InstanceSpecificView):
    """A volunteer asks the town hall (by phone, at the desk) to leave: the same as from their space."""

    page_title = _("Request to leave")
    changes = True

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and self.permission_helper.user_can_edit_obj(user, self.instance)

    def get_template_names(self):
        return ["wagtail_heurecivique/admin/volunteer_leave.html"]

    def get_page_subtitle(self):
        return str(self.instance)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", LeaveRequestForm())
        kwargs.setdefault("instance", self.instance)
        kwargs.setdefault("inspect_url", self.url_helper.get_action_url("inspect", self.pk_quoted))
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        if self.instance.status == VolunteerStatus.LEFT:
            messages.error(request, gettext("This volunteer has already left."))
            return redirect(self.url_helper.get_action_url("inspect", self.pk_quoted))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = LeaveRequestForm(request.POST)
        if not form.is_valid():
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 400
            return response
        leave(self.instance, reason=form.cleaned_data["reason"], source=ErasureRequestSource.STAFF, user=request.user)
        messages.success(
            request, gettext("The request to leave of %(volunteer)s is recorded.") % {"volunteer": self.instance}
        )
        return redirect(self.url_helper.get_action_url("inspect", self.pk_quoted))


class HeureCiviqueIndexView(FormulaSafeExportMixin, IndexView):
    """Lists with declared filters only, and exports that read like the screens (no formulas in CSV)."""

    def get_filters(self, request):
        # modeladmin would apply any other query parameter as a lookup on the scoped
        # list (``?commune__neighbour_communes__volunteers__last_name=…``): a way to learn
        # about other communes. Only the declared filters, paging and search are taken.
        try:
            specs, has_filters, remaining, use_distinct = super().get_filters(request)
        except IncorrectLookupParameters:
            raise BadRequest(gettext("This filter is not valid.")) from None
        remaining.pop(self.PAGE_VAR, None)
        if remaining:
            raise BadRequest(gettext("Unknown filter: %(names)s.") % {"names": ", ".join(sorted(remaining))})
        return specs, has_filters, remaining, use_distinct

    def get_heading(self, queryset, field):
        if field in self.export_headings:
            return force_str(self.export_headings[field])
        # modeladmin title-cases headings ("Code Postal"): not French usage.
        return capfirst(force_str(label_for_field(field, model=self.model, model_admin=self.model_admin)))

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for name in self.list_export:
            try:
                model_field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            # Labels where a screen shows labels; dates and numbers stay typed (an XLSX cell
            # of a date sorts as a date) and the export mixin writes the rest.
            if isinstance(model_field, (FlagsField, models.BooleanField)) or model_field.choices:
                row[name] = field_display(model_field, getattr(item, model_field.attname, None), empty="")
        return row


class CommuneIndexView(HeureCiviqueIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if may_provision(self.request.user):
            context["provision_button"] = self.button_helper.provision_button()
        return context
