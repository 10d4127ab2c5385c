from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import (
    ErasureRequestSource,
    Frequency,
    MessageFrequency,
    PartnerKind,
    VolunteerStatus,
)
from wagtail_heurecivique.core.fields import ActionKindsField, AvailabilityField, LanguagesField
from wagtail_heurecivique.core.models.base import history_records
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.personal_data import personal_data
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.core.validators import normalise_phone, validate_phone, validate_postcode


class ContactMixin(models.Model):
    """Phone numbers are validated and stored in one readable form."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if getattr(self, "phone", ""):
            self.phone = normalise_phone(self.phone)
        super().save(*args, **kwargs)


class PersonNameMixin:
    """How a person with a first and a last name reads: in full in the back office,
    "Prénom N." on public pages (the most a public page may ever show, and only with
    consent)."""

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def public_name(self):
        initial = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{initial}"


class VolunteerQuerySet(CommuneScopedQuerySet):
    def available_during(self, mask, *, or_unrecorded=False):
        """Volunteers free during at least one of the slots in ``mask``; with
        ``or_unrecorded``, also those who recorded no availability (the matching engine
        ranks them lower rather than dropping them)."""
        overlap = Q(_overlap__gt=0) | Q(availability=0) if or_unrecorded else Q(_overlap__gt=0)
        return self.alias(_overlap=F("availability").bitand(int(mask))).filter(overlap)

    def preferring(self, kinds_mask):
        return self.alias(_kinds=F("action_kinds").bitand(int(kinds_mask))).filter(_kinds__gt=0)

    def active(self):
        return self.filter(status=VolunteerStatus.ACTIVE)


@personal_data(
    identity=["first_name", "last_name"],
    contact=["email", "phone"],
    location=["postcode", "neighbourhood", "latitude", "longitude"],
    free_text=["notes"],
)
class Volunteer(PersonNameMixin, ContactMixin):
    """A resident who pledged an hour a month. May have no Django user at all."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="volunteers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="heurecivique_volunteer",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    postcode = models.CharField(_("postcode"), max_length=5, validators=[validate_postcode])
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    skills = models.ManyToManyField(
        "wagtail_heurecivique.Skill", verbose_name=_("skills"), blank=True, related_name="volunteers"
    )
    action_kinds = ActionKindsField(_("preferred kinds of action"), blank=True)
    availability = AvailabilityField(_("availability"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    radius_km = models.PositiveSmallIntegerField(
        _("action radius (km)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    languages = LanguagesField(_("languages spoken"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.PENDING,
        db_index=True,
    )
    paused_until = models.DateField(
        _("paused until"),
        null=True,
        blank=True,
        help_text=_("An active volunteer receives no proposal until this date, included."),
    )
    charter_version_accepted = models.CharField(_("charter version accepted"), max_length=20, blank=True)
    wants_proposal_emails = models.BooleanField(
        _("receives proposals by e-mail"), default=True,
        help_text=_("Otherwise the town hall calls them."),
    )
    wants_reminders = models.BooleanField(
        _("receives reminders"), default=True, help_text=_("Day-before reminders, follow-ups and thanks.")
    )
    wants_monthly_message = models.BooleanField(
        _("receives the monthly message"), default=True,
        help_text=_("“Your Heure Civique of the month”: the actions planned and the hours given."),
    )
    message_frequency = models.CharField(
        _("news message frequency"), max_length=20, choices=MessageFrequency.choices,
        default=MessageFrequency.MONTHLY,
    )
    space_opened_at = models.DateTimeField(
        _("volunteer space last opened on"), null=True, blank=True, editable=False,
        help_text=_("Opening the space by a link invalidates the links sent before."),
    )
    email_bounced_at = models.DateTimeField(
        _("e-mail address bounced on"), null=True, blank=True,
        help_text=_("Nothing is sent to a bouncing address; clear this once it is corrected."),
    )
    notes = models.TextField(_("référent's notes"), blank=True)
    created_at = models.DateTimeField(_("signed up on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    commune_path = "commune"
    objects = VolunteerQuerySet.as_manager()
    history = history_records(m2m_fields=[skills], excluded_fields=["updated_at", "space_opened_at"])
    # Wagtail's reference index (filled because wagtail-modeladmin registers every model it
    # lists) would only repeat this row's foreign keys, and no view reads it back: without it a
    # public signup writes no index row, nor its task, per volunteer, consent and e-mail.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "email"],
                name="heurecivique_unique_volunteer_email",
                violation_error_message=_("A volunteer of this commune already uses this e-mail address."),
            )
        ]
        indexes = [models.Index(fields=["commune", "status"], name="heurecivique_vol_status")]

    def clean(self):
        super().clean()
        # Lower-cased here so that the unique constraint, checked after clean(), is
        # case-insensitive.
        self.email = (self.email or "").strip().lower()


@personal_data(free_text=["reason"])
class ErasureRequest(models.Model):
    """A volunteer asked to leave: recorded at once, their data anonymised by the town hall."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="erasure_requests", editable=False
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="erasure_requests"
    )
    source = models.CharField(_("made"), max_length=20, choices=ErasureRequestSource.choices)
    reason = models.TextField(_("reason given"), blank=True)
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    processed_at = models.DateTimeField(
        _("data anonymised on"), null=True, blank=True,
        help_text=_("Empty until the volunteer's personal data has been anonymised."),
    )

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("request to leave")
        verbose_name_plural = _("requests to leave")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.volunteer} — {self.requested_at:%d/%m/%Y}" if self.requested_at else str(self.volunteer)


@personal_data(identity=["contact_name"], contact=["email", "phone"])
class Partner(ContactMixin):
    """An association, health professional, school, social service or company."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=255, blank=True)
    can_refer = models.BooleanField(
        _("can refer needs"), default=True, help_text=_("Doctors, nurses, the CCAS, associations…")
    )

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


@personal_data(
    identity=["first_name", "last_name"],
    contact=["phone", "email"],
    location=["address", "postcode"],
    sensitive=["sensitive_notes"],
    sensitive_permission="wagtail_heurecivique.view_sensitive_notes",
)
class Beneficiary(PersonNameMixin, ContactMixin):
    """A person helped; often vulnerable, rarely online. Keep as little as possible."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="beneficiaries"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail address"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[validate_postcode])
    referred_by = models.ForeignKey(
        Partner,
        verbose_name=_("referred by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a SET_NULL would write no history row
        related_name="beneficiaries",
    )
    sensitive_notes = models.TextField(
        _("sensitive notes"),
        blank=True,
        help_text=_("Health, family or social situation. Only staff allowed to see sensitive notes read them."),
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = ["last_name", "first_name"]
        permissions = [("view_sensitive_notes", _("Can see and edit beneficiaries' sensitive notes"))]
