"""Success stories (réussites) and what their publication needs: recorded consents."""

from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.template.loader import get_template
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
from wagtail.search import index

from wagtail_heurecivique.core.enums import ConsentPurpose
from wagtail_heurecivique.core.language import PublicLanguagePageMixin
from wagtail_heurecivique.core.models.base import history_records, staff_user_field
from wagtail_heurecivique.core.models.communes import Commune
from wagtail_heurecivique.core.models.consents import Consent
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.personal_data import personal_data
from wagtail_heurecivique.core.scoping import CommuneScopedQuerySet
from wagtail_heurecivique.site.blocks import StoryBlock
from wagtail_heurecivique.site.choosers import beneficiary_chooser, registration_chooser, volunteer_chooser
from wagtail_heurecivique.site.page_forms import CommunePageForm
from wagtail_heurecivique.site.page_scoping import commune_id_above
from wagtail_heurecivique.site.pages import CommunePageMixin
from wagtail_heurecivique.site.panels import ConsentStatusPanel
from wagtail_heurecivique.site.public_parts import cached_parts, routed_commune_id


class SuccessStoryIndexPage(CommunePageMixin, PublicLanguagePageMixin, Page):
    """The commune's successes; the moderation workflow applies to every story below."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    base_form_class = CommunePageForm

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtail_heurecivique.CommuneHomePage"]
    subpage_types = ["wagtail_heurecivique.SuccessStoryPage"]
    max_count_per_parent = 1

    template = "wagtail_heurecivique/pages/success_story_index_page.html"

    class Meta:
        verbose_name = _("success stories")

    #: Stories per page of the list.
    per_page = 20

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        number = request.GET.get("page") or "1"
        # Cached per page number; an odd one (not a number, or a huge one) is rendered, not kept.
        commune_id = routed_commune_id(self) or getattr(self.commune, "pk", None)
        cacheable = number.isdigit() and len(number) <= 4
        context.update(cached_parts(self, request, commune_id if cacheable else None,
                                    lambda: self.render_parts(request, number), vary=number))
        return context

    def render_parts(self, request, number):
        """One page of the stories and the feeds' links."""
        stories = (
            SuccessStoryPage.objects.child_of(self).live().order_by("-date", "-pk").only("title", "date", "summary", "url_path")
        )
        # get_page() turns a page number that is not one, or too large, into a page that exists.
        context = {"page": self, "request": request, "stories": Paginator(stories, self.per_page).get_page(number)}
        return {"html": {name: get_template(template).render(context) for name, template in INDEX_PARTS.items()},
                "until": None}


#: The story index's parts rendered once and cached (``site.public_parts``), by their name in its template.
INDEX_PARTS = {
    "feed_links": "wagtail_heurecivique/pages/includes/success_story_index_feeds.html",
    "listing": "wagtail_heurecivique/pages/includes/success_story_index_list.html",
}


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

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.AutocompleteField("summary"),  # the admin's page search autocompletes
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

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
        """What stops publication: people without a consent to be named, images without one.

        A query per kind of person and one for their consents, whatever the number of people.
        """
        from wagtail.images import get_image_model

        missing = []
        people = list(self.people.all())
        named = {field: {getattr(p, f"{field}_id") for p in people} - {None} for field in PERSON_FIELDS}
        consents = Consent.objects.in_force().filter(purpose=ConsentPurpose.PUBLISH_NAME).filter(
            reduce(or_, (Q(**{f"{field}__in": ids}) for field, ids in named.items()), Q(pk__in=[]))
        )
        consented = {field: set() for field in PERSON_FIELDS}
        for row in consents.values_list(*(f"{field}_id" for field in PERSON_FIELDS)):
            for field, pk in zip(PERSON_FIELDS, row, strict=False):
                consented[field].add(pk)
        lacking = {}
        for field in PERSON_FIELDS:
            if named[field] - consented[field]:
                subjects = StoryPerson._meta.get_field(field).related_model._default_manager.all()
                if field == "registration":
                    subjects = subjects.select_related("action")
                lacking[field] = subjects.in_bulk(named[field] - consented[field])
        told = set()
        for person in people:  # in the order of the story's rows
            for field, subjects in lacking.items():
                pk = getattr(person, f"{field}_id")
                if pk in subjects and (field, pk) not in told:
                    told.add((field, pk))
                    missing.append(_lacking_name_consent(subjects[pk]))
        ids = self.image_ids()
        consented = set(
            ImageConsent.objects.filter(image_id__in=ids, withdrawn_at__isnull=True).values_list("image_id", flat=True)
        )
        for image in get_image_model().objects.filter(pk__in=set(ids) - consented).order_by("pk"):
            missing.append(gettext("Image “%(title)s”: no consent of the people shown") % {"title": image.title})
        return missing


def _lacking_name_consent(subject):
    if isinstance(subject, Registration):
        return gettext("%(name)s, registered to “%(action)s”: no consent to be named") % {
            "name": subject.public_name, "action": subject.action.title,
        }
    return gettext("%(name)s: no consent to be named") % {"name": subject.public_name}


#: Who a story may name: one of these per row.
PERSON_FIELDS = ("volunteer", "beneficiary", "registration")

ONE_PERSON_PER_ROW = _("Choose one person per row: a volunteer, a beneficiary or a registrant.")
REGISTRANT_IS_A_VOLUNTEER = _("This registrant is one of the volunteers: choose them among the volunteers.")


class StoryPerson(Orderable):
    """Someone a story names or shows: a volunteer, a beneficiary or a registrant of one of
    the commune's actions, chosen in a chooser that lists the commune's people only."""

    page = ParentalKey(SuccessStoryPage, on_delete=models.CASCADE, related_name="people")
    # ``related_name="+"``: nobody reads a person's stories from the person's side.
    volunteer = models.ForeignKey(
        "wagtail_heurecivique.Volunteer", verbose_name=_("volunteer"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    beneficiary = models.ForeignKey(
        "wagtail_heurecivique.Beneficiary", verbose_name=_("beneficiary"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    registration = models.ForeignKey(
        "wagtail_heurecivique.Registration", verbose_name=_("registrant"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
        help_text=_("Someone registered to one of the commune's actions who is not a volunteer."),
    )

    panels = [
        FieldPanel("volunteer", widget=volunteer_chooser.widget_class),
        FieldPanel("beneficiary", widget=beneficiary_chooser.widget_class),
        FieldPanel("registration", widget=registration_chooser.widget_class),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("person named")

    def clean(self):
        """One person per row, of the story's own commune (the page form offers no others)."""
        super().clean()
        chosen = [name for name in PERSON_FIELDS if getattr(self, f"{name}_id")]
        if len(chosen) != 1:
            raise ValidationError(ONE_PERSON_PER_ROW)
        if self.registration_id and self.registration.volunteer_id:
            raise ValidationError({"registration": REGISTRANT_IS_A_VOLUNTEER})
        page = getattr(self, "page", None)
        if page is None or not page.path:
            return  # a story not yet in the tree: its form checks against the parent's commune
        name = chosen[0]
        if getattr(self, name).commune_id != commune_id_above(page.path):
            raise ValidationError({name: gettext("This person is not of the commune of this success story.")})


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
