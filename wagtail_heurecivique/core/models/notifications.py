from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail_heurecivique.core.enums import NotificationKind, NotificationStatus
from wagtail_heurecivique.core.models.base import history_records
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.personal_data import personal_data
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet


@personal_data(contact=["to"])
class Notification(models.Model):
    """The ledger of what was sent to whom and why: one row per message, never two.

    ``key`` names the message (kind, recipient, subject matter, period): a periodic
    command run twice finds the row and sends nothing. The message is rendered when
    sent, from ``context`` (primary keys), so that no copy of its text is kept.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    key = models.CharField(_("key"), max_length=200, unique=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="notifications"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    to = models.EmailField(_("sent to"))
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(pgettext_lazy("e-mail", "subject"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    # Attempts and outcomes over time; and the address is erasable in history too.
    history = history_records(excluded_fields=["context"])
    # Wagtail's reference index (filled because wagtail-modeladmin registers every model it
    # lists) would only repeat this row's foreign keys, and no view reads it back: without it a
    # public signup writes no index row, nor its task, per volunteer, consent and e-mail.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("e-mail sent")
        verbose_name_plural = _("e-mails sent")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.to}"
