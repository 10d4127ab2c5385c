"""Every StreamField block of the plugin's pages, in one place."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alternative_text = blocks.CharBlock(
        label=_("Alternative text"), required=False, max_length=255,
        help_text=_("What the image shows, for people who cannot see it. Leave empty if it is decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "wagtail_heurecivique/blocks/image.html"


class CallToActionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text of the button"), max_length=80)
    page = blocks.PageChooserBlock(label=_("Page"))

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "wagtail_heurecivique/blocks/call_to_action.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120, form_classname="title",
                               template="wagtail_heurecivique/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"])
    image = ImageBlock()
    call_to_action = CallToActionBlock()

    class Meta:
        label = _("Content")


class TestimonyBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Testimony"))
    author = blocks.CharBlock(
        label=_("Who says it"), max_length=60,
        help_text=_("“First name L.” at most, and only a person listed among the people named, with their consent."),
    )

    class Meta:
        icon = "openquote"
        label = _("Testimony")
        template = "wagtail_heurecivique/blocks/testimony.html"


class FiguresBlock(blocks.StructBlock):
    participants = blocks.IntegerBlock(label=_("Participants"), min_value=0, required=False)
    hours = blocks.IntegerBlock(label=_("Hours given"), min_value=0, required=False)

    class Meta:
        icon = "table"
        label = _("Figures")
        template = "wagtail_heurecivique/blocks/figures.html"


class StoryBlock(BodyBlock):
    testimony = TestimonyBlock()
    figures = FiguresBlock()

    class Meta:
        label = _("Story")
