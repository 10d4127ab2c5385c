from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import ActionKind
from wagtail_heurecivique.core.models.base import history_records


class Category(models.Model):
    """A category of needs (shopping, visits, digital help…), shared by all communes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    action_kind = models.CharField(
        _("usual kind of action"), max_length=20, choices=ActionKind.choices, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    history = history_records()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Skill(models.Model):
    """A skill a volunteer offers and a need may ask for."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a SET_NULL would write no history row
        related_name="skills",
    )

    history = history_records()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self):
        return self.name
