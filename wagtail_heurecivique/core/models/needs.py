from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import (
    ActionKind,
    Language,
    NeedSource,
    NeedStatus,
    ProposalStatus,
    Urgency,
)
from wagtail_heurecivique.core.fields import AvailabilityField
from wagtail_heurecivique.core.models.base import history_records, staff_user_field
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.people import Beneficiary, Partner, Volunteer
from wagtail_heurecivique.core.personal_data import personal_data
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.core.validators import validate_not_in_future, validate_postcode

OPEN_NEED_STATUSES = (NeedStatus.NEW, NeedStatus.TO_MATCH, NeedStatus.AWAITING_ANSWERS, NeedStatus.PLANNED)


class NeedReferenceCounter(models.Model):
    """The last tracking number given to a need of a commune in a year.

    References are numbered per commune and per year (``HC-92009-2026-0042``), so that a
    reference tells nothing of the volume of other communes. The counter's row is locked
    while a number is taken: two needs reported at once get two numbers, never the same.
    """

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="heurecivique_need_reference_counter")
        ]

    def __str__(self):
        return f"{self.commune_id}/{self.year}: {self.last}"

    @classmethod
    def take(cls, commune, year, count=1):
        """The next ``count`` references of ``commune`` in ``year``; call it inside a transaction."""
        counter, _created = cls.objects.select_for_update().get_or_create(commune=commune, year=year)
        first = counter.last + 1
        counter.last += count
        counter.save(update_fields=["last"])
        return [f"HC-{commune.insee_code}-{year}-{number:04d}" for number in range(first, counter.last + 1)]


def _reference_year(need):
    return timezone.localtime(need.created_at).year if need.created_at else timezone.localdate().year


class NeedQuerySet(CommuneScopedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Numbers the needs without a reference too (``save`` is not called here)."""
        objs = list(objs)
        with transaction.atomic(using=self.db):
            pending = {}
            for need in objs:
                if not need.reference:
                    pending.setdefault((need.commune, _reference_year(need)), []).append(need)
            for (commune, year), needs in pending.items():
                for need, reference in zip(needs, NeedReferenceCounter.take(commune, year, len(needs)), strict=True):
                    need.reference = reference
            return super().bulk_create(objs, *args, **kwargs)


@personal_data(
    free_text=["description", "referrer_name", "place"],
    contact=["referrer_email"],
    location=["postcode", "neighbourhood", "latitude", "longitude"],
)
class Need(models.Model):
    """A need for help (besoin) raised by a resident, a referrer or the town hall."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind of action"), max_length=20, choices=ActionKind.choices)
    category = models.ForeignKey(
        "wagtail_heurecivique.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    skills = models.ManyToManyField(
        "wagtail_heurecivique.Skill", verbose_name=_("skills wanted"), blank=True, related_name="needs"
    )
    description = models.TextField(_("description"))
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs",
    )
    source = models.CharField(_("source"), max_length=20, choices=NeedSource.choices, default=NeedSource.STAFF)
    referrer = models.ForeignKey(
        Partner,
        verbose_name=_("referring partner"),
        null=True,
        blank=True,
        # PROTECT, not SET_NULL: Django would clear the link with an update that writes
        # no history row. The same holds for the other optional links below.
        on_delete=models.PROTECT,
        related_name="referred_needs",
    )
    referrer_name = models.CharField(_("referrer's name"), max_length=150, blank=True)
    referrer_email = models.EmailField(_("referrer's e-mail"), blank=True)
    referrer_wants_updates = models.BooleanField(
        _("referrer receives news"), default=True,
        help_text=_("E-mails to the referrer when the need changes status (no personal details)."),
    )
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)
    wished_start = models.DateField(_("wished from"), null=True, blank=True)
    wished_end = models.DateField(_("wished until"), null=True, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated duration (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(8 * 60)],
    )
    wished_slots = AvailabilityField(
        _("wished time slots"), blank=True, help_text=_("Leave empty if any time of the week suits.")
    )
    planned_date = models.DateField(
        _("planned date"), null=True, blank=True, help_text=_("Agreed with the volunteer; the follow-up comes after it.")
    )
    place = models.CharField(_("place"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_postcode])
    neighbourhood = models.CharField(_("neighbourhood"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    language = models.CharField(
        _("language needed"), max_length=5, choices=Language.choices, blank=True,
        help_text=_("Fill in when the person helped does not speak French."),
    )
    volunteers_wanted = models.PositiveSmallIntegerField(
        _("volunteers wanted"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.NEW, db_index=True
    )
    status_reason = models.TextField(_("reason for the status"), blank=True)
    reference = models.CharField(
        _("tracking reference"), max_length=32, unique=True, blank=True, editable=False,
        help_text=_("Given when the need is recorded and sent to whoever reported it."),
    )
    created_by = staff_user_field(_("created by"))
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    commune_path = "commune"
    objects = NeedQuerySet.as_manager()
    history = history_records(m2m_fields=[skills], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-urgency", "-created_at"]
        indexes = [models.Index(fields=["commune", "status"], name="heurecivique_need_status")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # The number and the need are written together: a need that fails to save
        # leaves no number taken, and a number taken always belongs to a need.
        with transaction.atomic(using=kwargs.get("using")):
            [self.reference] = NeedReferenceCounter.take(self.commune, _reference_year(self))
            try:
                return super().save(*args, **kwargs)
            except BaseException:
                self.reference = ""
                raise

    @property
    def is_open(self):
        return self.status in OPEN_NEED_STATUSES

    def clean(self):
        super().clean()
        errors = {}
        if self.wished_start and self.wished_end and self.wished_end < self.wished_start:
            errors["wished_end"] = _("The end date cannot be before the start date.")
        if (
            self._state.adding
            and self.status == NeedStatus.NEW
            and self.wished_start
            and self.wished_start < timezone.localdate()
        ):
            errors["wished_start"] = _("A new need cannot start in the past.")
        for field in ("beneficiary", "referrer"):
            related = getattr(self, field)
            if related is not None and self.commune_id and related.commune_id != self.commune_id:
                errors[field] = _("This record belongs to another commune.")
        if errors:
            raise ValidationError(errors)


class ProposalQuerySet(CommuneScopedQuerySet):
    def open(self):
        return self.filter(status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED))


@personal_data(free_text=["volunteer_feedback", "beneficiary_feedback"])
class Proposal(models.Model):
    """A proposal (mise en relation) of one need to one volunteer."""

    need = models.ForeignKey(Need, verbose_name=_("need"), on_delete=models.PROTECT, related_name="proposals")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED, db_index=True
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False)
    score_explanation = models.JSONField(
        _("explanation of the score"), default=list, blank=True, editable=False,
        help_text=_("Frozen when the proposal is made."),
    )
    proposed_at = models.DateTimeField(_("proposed on"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    proposed_by = staff_user_field(_("proposed by"))
    volunteer_feedback = models.TextField(_("volunteer's feedback"), blank=True)
    beneficiary_feedback = models.TextField(_("beneficiary's feedback"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("beneficiary's rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("The beneficiary's satisfaction, from 1 (poor) to 5 (excellent)."),
    )
    volunteer_rating = models.PositiveSmallIntegerField(
        _("volunteer's rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("The volunteer's satisfaction, from 1 (poor) to 5 (excellent)."),
    )
    # The planned date the volunteer said "it happened" (or not) about, through their link:
    # once per date (a help put off to a new date is asked about again).
    volunteer_reported_for = models.DateField(_("date of the help the volunteer reported on"), null=True, blank=True,
                                              editable=False)

    commune_path = "need__commune"
    objects = ProposalQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "volunteer"],
                name="heurecivique_unique_proposal",
                violation_error_message=_("This volunteer has already been proposed for this need."),
            )
        ]
        # The matching engine counts each candidate's proposals of the month (and averages their
        # ratings) in a subquery per candidate: one index probe each.
        indexes = [models.Index(fields=["volunteer", "proposed_at"], name="heurecivique_prop_vol_date")]

    def __str__(self):
        return f"{self.need} → {self.volunteer}"

    def clean(self):
        super().clean()
        if self.need_id and self.volunteer_id and self.need.commune_id != self.volunteer.commune_id:
            neighbours = self.need.commune.neighbour_communes.filter(pk=self.volunteer.commune_id)
            if not neighbours.exists():
                raise ValidationError(
                    {"volunteer": _("The volunteer and the need belong to different communes.")}
                )


class HoursRecord(models.Model):
    """Time a volunteer gave: the measure of the monthly pledge."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="hours"
    )
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), null=True, blank=True, on_delete=models.PROTECT, related_name="hours"
    )
    date = models.DateField(_("date"), validators=[validate_not_in_future])
    minutes = models.PositiveSmallIntegerField(
        _("minutes given"), validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    recorded_by = staff_user_field(_("recorded by"))

    commune_path = "volunteer__commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("hours given")
        verbose_name_plural = _("hours given")
        ordering = ["-date"]
        # The matching engine sums each candidate's minutes of the month: one index probe each.
        indexes = [models.Index(fields=["volunteer", "date"], name="heurecivique_hours_vol_date")]

    def __str__(self):
        return _("%(minutes)s min by %(volunteer)s on %(date)s") % {
            "minutes": self.minutes,
            "volunteer": self.volunteer,
            "date": self.date,
        }

    def clean(self):
        super().clean()
        if self.proposal_id and self.volunteer_id and self.proposal.volunteer_id != self.volunteer_id:
            raise ValidationError({"proposal": _("This proposal was made to another volunteer.")})
