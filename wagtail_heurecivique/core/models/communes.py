from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.core.models.base import history_records
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.core.validators import (
    validate_departement,
    validate_insee_code,
    validate_matching_weights,
    validate_postcode_list,
)


def default_monthly_cap():
    return get_setting("DEFAULT_MONTHLY_SOLICITATION_CAP")


def default_sla_days():
    return get_setting("DEFAULT_SLA_DAYS")


def default_proposal_expiry_hours():
    return get_setting("DEFAULT_PROPOSAL_EXPIRY_HOURS")


def _step_sla_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("Days. Leave empty to use the days before escalation."),
    )


class CommuneQuerySet(CommuneScopedQuerySet):
    def of_page(self, page):
        """The commune whose Heure Civique home is ``page`` or one of its ancestors, or ``None``.

        One indexed query on the ancestors' paths, wherever the page sits below the home.
        """
        steplen = page.steplen
        paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
        return self.filter(home_pages__path__in=paths).order_by().first()


class Commune(models.Model):
    """A commune running the programme: the tenant every other record belongs to."""

    name = models.CharField(_("name"), max_length=150)
    insee_code = models.CharField(
        _("INSEE code"), max_length=5, unique=True, validators=[validate_insee_code]
    )
    postcodes = models.CharField(
        _("postcodes"),
        max_length=255,
        validators=[validate_postcode_list],
        help_text=_("One or more postcodes, separated by commas."),
    )
    departement = models.CharField(
        _("département"), max_length=3, validators=[validate_departement]
    )
    root_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("public root page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        # A page does not need to know which commune points at it.
        related_name="+",
    )
    monthly_solicitation_cap = models.PositiveSmallIntegerField(
        _("monthly solicitation cap"),
        default=default_monthly_cap,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("How many proposals a volunteer may receive per month at most."),
    )
    sla_days = models.PositiveSmallIntegerField(
        _("days before escalation"),
        default=default_sla_days,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A workflow step older than this is escalated."),
    )
    qualify_sla_days = _step_sla_field(_("days to qualify a need"))
    match_sla_days = _step_sla_field(_("days to propose a need to volunteers"))
    follow_up_sla_days = _step_sla_field(_("days to follow up after the planned date"))
    proposal_expiry_hours = models.PositiveSmallIntegerField(
        _("hours for a volunteer to answer"),
        default=default_proposal_expiry_hours,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text=_("An unanswered proposal expires after this and the need goes back to matching."),
    )
    charter_version = models.CharField(
        _("charter version"),
        max_length=20,
        default="1",
        help_text=_("Version of the volunteer charter volunteers accept now."),
    )
    email_sender_name = models.CharField(
        _("e-mails' sender name"), max_length=100, blank=True,
        help_text=_("For example “Mairie de Vernon — L'Heure Civique”. Empty: the site's sender as it is."),
    )
    email_from = models.EmailField(
        _("e-mails' sender address"), blank=True,
        help_text=_("An address of the town hall's domain. Empty: the site's sender address."),
    )
    email_reply_to = models.EmailField(
        _("reply-to address"), blank=True,
        help_text=_("Where volunteers' and residents' replies go, for example the référent's mailbox."),
    )
    is_active = models.BooleanField(_("programme running"), default=True)
    # Filled by provisioning (``tenancy``), never typed: the commune's share of the page layer.
    editors_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("group of the editors / moderators"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        # Groups belong to Django: a reverse accessor would put a commune attribute on
        # every host's group, and the plugin always goes from the commune to its group.
        related_name="+",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection of images and documents"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        # As for the group: Wagtail's collections need not know which commune uses them.
        related_name="+",
    )
    neighbour_communes = models.ManyToManyField(
        "self",
        verbose_name=_("neighbouring communes"),
        symmetrical=False,
        blank=True,
        # Which communes accept *this* commune's volunteers is not asked: no reverse name.
        related_name="+",
        help_text=_("Communes whose volunteers may be proposed for this commune's needs."),
    )
    matching_weights = models.JSONField(
        _("matching weights"),
        default=dict,
        blank=True,
        validators=[validate_matching_weights],
        help_text=_(
            "Leave empty for the defaults. Otherwise a weight (0 to 10) per criterion, for example "
            '{"skills": 3, "availability": 2, "distance": 2, "fairness": 3, "feedback": 1, "language": 1}.'
        ),
    )

    commune_path = "pk"
    objects = CommuneQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        permissions = [("view_all_communes", _("Can see the data of every commune"))]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    def save(self, *args, **kwargs):
        self.postcodes = ", ".join(self.postcode_list)
        super().save(*args, **kwargs)


    def clean(self):
        super().clean()
        # An emptied JSON field arrives as None; the column holds a dictionary.
        if self.matching_weights is None:
            self.matching_weights = {}

    @property
    def postcode_list(self):
        return [code for code in self.postcodes.replace(";", ",").replace(" ", ",").split(",") if code]

    def step_sla_days(self, step):
        """Days a workflow step (``qualify``, ``match``, ``follow_up``) may wait."""
        return getattr(self, f"{step}_sla_days", None) or self.sla_days

class CommuneMembership(models.Model):
    """A staff user's role in a commune; it decides which communes they see."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="heurecivique_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    wants_digest = models.BooleanField(
        _("receives the daily digest"), default=True,
        help_text=_("For référents: new needs, tasks to take on and overdue tasks, on days when there are some."),
    )

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("commune membership")
        verbose_name_plural = _("commune memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user", "role"], name="heurecivique_unique_membership"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.commune.name}"
