from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import ConsentChannel, ConsentPurpose
from wagtail_heurecivique.core.models.base import history_records, staff_user_field
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.people import Beneficiary, Volunteer
from wagtail_heurecivique.core.personal_data import personal_data
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.core.validators import validate_not_in_future

#: A registration made by a volunteer: their consents are the volunteer's.
REGISTRANT_IS_A_VOLUNTEER_CONSENT = _("This registrant is one of the volunteers: record the consent for the volunteer.")


class ConsentQuerySet(CommuneScopedQuerySet):
    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


@personal_data(identity=["given_by"])
class Consent(models.Model):
    """Who agreed to which text version, when, on whose behalf — and any withdrawal."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="consents", editable=False
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("beneficiary"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    registration = models.ForeignKey(
        "wagtail_heurecivique.Registration",
        verbose_name=_("registrant"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
        help_text=_("Someone registered to one of the commune's actions who is not a volunteer."),
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("version of the text"), max_length=20)
    given_at = models.DateTimeField(_("given on"), default=timezone.now, validators=[validate_not_in_future])
    given_by = models.CharField(
        _("given by"),
        max_length=150,
        blank=True,
        help_text=_("Fill in when someone agreed on the person's behalf (family, guardian)."),
    )
    channel = models.CharField(
        _("given"), max_length=20, choices=ConsentChannel.choices, default=ConsentChannel.WEBSITE
    )
    recorded_by = staff_user_field(_("recorded by"))
    withdrawn_at = models.DateTimeField(
        _("withdrawn on"), null=True, blank=True, validators=[validate_not_in_future]
    )

    commune_path = "commune"
    objects = ConsentQuerySet.as_manager()
    history = history_records()
    # Wagtail's reference index (filled because wagtail-modeladmin registers every model it
    # lists) would only repeat this row's foreign keys, and no view reads it back: without it a
    # public signup writes no index row, nor its task, per volunteer, consent and e-mail.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, beneficiary__isnull=True, registration__isnull=True)
                | Q(volunteer__isnull=True, beneficiary__isnull=False, registration__isnull=True)
                | Q(volunteer__isnull=True, beneficiary__isnull=True, registration__isnull=False),
                name="heurecivique_consent_one_subject",
                violation_error_message=_("A consent concerns one person: a volunteer, a beneficiary or a registrant."),
            )
        ]

    def __str__(self):
        return f"{self.subject} — {self.get_purpose_display()} (v{self.text_version})"

    def save(self, *args, **kwargs):
        if self.subject is not None:
            self.commune_id = self.subject.commune_id
        super().save(*args, **kwargs)

    @property
    def subject(self):
        """The person who agreed: a volunteer, a beneficiary or someone registered to an action."""
        return self.volunteer or self.beneficiary or self.registration

    @property
    def in_force(self):
        return self.withdrawn_at is None

    def clean(self):
        super().clean()
        subject = self.subject
        if subject is not None:
            self.commune_id = subject.commune_id
        if self.registration_id and self.registration.volunteer_id:
            raise ValidationError({"registration": REGISTRANT_IS_A_VOLUNTEER_CONSENT})
        if self.withdrawn_at and self.given_at and self.withdrawn_at < self.given_at:
            raise ValidationError({"withdrawn_at": _("A consent cannot be withdrawn before it was given.")})
