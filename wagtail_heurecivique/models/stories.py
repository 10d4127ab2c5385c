"""Success stories (réussites) and what their publication needs: recorded consents."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page

from ..blocks import StoryBlock
from ..panels import ConsentStatusPanel
from ..enums import ConsentPurpose
from ..language import PublicLanguagePageMixin
from ..page_forms import CommunePageForm
from ..page_scoping import commune_id_above
from ..personal_data import personal_data
from ..scoping import CommuneScopedQuerySet
from .base import history_records, staff_user_field
from .communes import Commune
from .consents import Consent


class SuccessStoryIndexPage(PublicLanguagePageMixin, Page):
    """The commune's successes; the moderation workflow applies to every story below."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtail_heurecivique.CommuneHomePage"]
    subpage_types = ["wagtail_heurecivique.SuccessStoryPage"]
    max_count_per_parent = 1
    template = "wagtail_heurecivique/pages/success_story_index_page.html"

    class Meta:
        verbose_name = _("success stories")

    #: Stories per page of the list.
    per_page = 20

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        stories = (
            SuccessStoryPage.objects.child_of(self).live().order_by("-date", "-pk").only("title", "date", "summary", "url_path")
        )
        # get_page() turns a page number that is not one, or too large, into a page that exists.
        context["stories"] = Paginator(stories, self.per_page).get_page(request.GET.get("page"))
        return context


class SuccessStoryTag(TaggedItemBase):
    content_object = ParentalKey("wagtail_heurecivique.SuccessStoryPage", on_delete=models.CASCADE,
                                 related_name="tagged_items")


class SuccessStoryPage(PublicLanguagePageMixin, Page):
    """A success told to the public: only first names and initials, each with consent."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(_("summary"), max_length=300)
    body = StreamField(StoryBlock(), verbose_name=_("story"))
    tags = ClusterTaggableManager(through=SuccessStoryTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        ConsentStatusPanel(heading=_("Consents")),
        FieldPanel("date"), FieldPanel("summary"), FieldPanel("body"), FieldPanel("tags"),
        InlinePanel("people", label=_("People named or shown"),
                    help_text=_("Everyone the story names or shows: each needs a recorded consent.")),
    ]
    base_form_class = CommunePageForm
    parent_page_types = ["wagtail_heurecivique.SuccessStoryIndexPage"]
    subpage_types = []
    template = "wagtail_heurecivique/pages/success_story_page.html"

    class Meta:
        verbose_name = _("success story")

    def image_ids(self):
        ids = []
        for block in self.body:
            if block.block_type == "image" and block.value.get("image"):
                ids.append(block.value["image"].pk)
        return ids

    def missing_consents(self):
        """What stops publication: people without a consent to be named, images without one."""
        from wagtail.images import get_image_model

        missing = []
        for person in self.people.all():
            subject = person.volunteer or person.beneficiary
            if subject is None:
                continue
            consents = Consent.objects.filter(purpose=ConsentPurpose.PUBLISH_NAME, withdrawn_at__isnull=True)
            field = "volunteer" if person.volunteer_id else "beneficiary"
            if not consents.filter(**{field: subject}).exists():
                missing.append(gettext("%(name)s: no consent to be named") % {"name": subject.public_name})
        ids = self.image_ids()
        consented = set(
            ImageConsent.objects.filter(image_id__in=ids, withdrawn_at__isnull=True).values_list("image_id", flat=True)
        )
        for image in get_image_model().objects.filter(pk__in=set(ids) - consented).order_by("pk"):
            missing.append(gettext("Image “%(title)s”: no consent of the people shown") % {"title": image.title})
        return missing


class StoryPerson(Orderable):
    page = ParentalKey(SuccessStoryPage, on_delete=models.CASCADE, related_name="people")
    volunteer = models.ForeignKey(
        "wagtail_heurecivique.Volunteer", verbose_name=_("volunteer"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    beneficiary = models.ForeignKey(
        "wagtail_heurecivique.Beneficiary", verbose_name=_("beneficiary"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )

    panels = [FieldPanel("volunteer"), FieldPanel("beneficiary")]

    class Meta(Orderable.Meta):
        verbose_name = _("person named")

    def clean(self):
        """A story names only people of its own commune (the page form offers no others)."""
        super().clean()
        page = getattr(self, "page", None)
        if page is None or not page.path:
            return  # a story not yet in the tree: its form checks against the parent's commune
        commune_id = commune_id_above(page.path)
        errors = {
            name: gettext("This person is not of the commune of this success story.")
            for name in ("volunteer", "beneficiary")
            if getattr(self, f"{name}_id") and getattr(self, name).commune_id != commune_id
        }
        if errors:
            raise ValidationError(errors)


@personal_data(identity=["given_by"])
class ImageConsent(models.Model):
    """The consent of the people shown in a Wagtail image (any image model the site uses)."""

    commune = models.ForeignKey(Commune, verbose_name=_("commune"), on_delete=models.PROTECT,
                                related_name="image_consents")
    image = models.ForeignKey(get_image_model_string(), verbose_name=_("image"), on_delete=models.CASCADE,
                              related_name="+")
    given_by = models.CharField(_("given by"), max_length=255,
                                help_text=_("The people shown, or who agreed on their behalf."))
    given_at = models.DateField(_("given on"), default=timezone.localdate)
    text_version = models.CharField(_("version of the text"), max_length=20, default="1")
    withdrawn_at = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = staff_user_field(_("recorded by"))

    commune_path = "commune"
    objects = CommuneScopedQuerySet.as_manager()
    history = history_records()

    class Meta:
        verbose_name = _("consent for an image")
        verbose_name_plural = _("consents for images")
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.image} — {self.given_by}"
