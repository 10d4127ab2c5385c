"""A person's place, or waiting place, at an action."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import RegistrationStatus
from wagtail_heurecivique.core.models.base import history_records
from wagtail_heurecivique.core.personal_data import personal_data
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet


@personal_data(identity=["first_name"], contact=["email"])
class Registration(models.Model):
    """A person's place (or waiting place) at an action."""

    action = models.ForeignKey("wagtail_heurecivique.ActionPage", verbose_name=_("action"), on_delete=models.CASCADE,
                               related_name="registrations")
    # The action's commune, copied when the registration is made: the back office scopes on it.
    commune = models.ForeignKey("wagtail_heurecivique.Commune", verbose_name=_("commune"), on_delete=models.PROTECT,
                                related_name="registrations", editable=False, null=True)
    volunteer = models.ForeignKey(
        "wagtail_heurecivique.Volunteer", verbose_name=_("volunteer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="registrations",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING, db_index=True)
    created_at = models.DateTimeField(_("registered on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "email"], name="heurecivique_unique_registration"),
        ]

    def __str__(self):
        return f"{self.first_name} — {self.action}"

    @property
    def public_name(self):
        """The first name only: a registration holds no last name (and a page shows it only with consent)."""
        return self.first_name
