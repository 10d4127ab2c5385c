"""The five pages under a commune's home: signup, need report, volunteer space, successes, actions.

Created when the home is first published (``receivers``) or from its admin button, in the
language of the programme's public pages; an editor may then rename or delete them.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext, override, pgettext
from wagtail.models import Page

from wagtail_heurecivique.core.language import public_language
from wagtail_heurecivique.site.actions import ActionIndexPage
from wagtail_heurecivique.site.pages import NeedReportPage, VolunteerSignupPage, VolunteerSpacePage
from wagtail_heurecivique.site.stories import SuccessStoryIndexPage

#: The page types a commune's home holds, in the order of its menu.
PAGE_TYPES = [VolunteerSignupPage, NeedReportPage, VolunteerSpacePage, SuccessStoryIndexPage, ActionIndexPage]


def _paragraph(text):
    return format_html("<p>{}</p>", text)


def default_charter():
    """The volunteer charter a new signup page starts with (in the active language)."""
    items = [
        gettext(
            "I give my time freely, without payment, with no commitment and no obligation: "
            "an hour a month, when I can."
        ),
        gettext("I respect the people I help: their privacy, their choices and the confidentiality of what I learn."),
        gettext("I let the town hall know if I cannot come, or if something worries me during an action."),
        gettext("I do not take the place of professionals (care, social work, trades) and I accept neither money nor gifts."),
        gettext("I can take a break or stop at any time, from my volunteer space or by telling the town hall."),
    ]
    return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))


def _default_pages():
    """One unsaved page of each type, with its title, slug and texts in the active language."""
    return [
        VolunteerSignupPage(
            title=gettext("I become a volunteer"),
            slug=pgettext("slug of the volunteer signup page", "become-a-volunteer"),
            intro=_paragraph(gettext("Tell us what you like doing and when you are available.")),
            charter=default_charter(),
        ),
        NeedReportPage(
            title=gettext("I report a need"),
            slug=pgettext("slug of the need report page", "report-a-need"),
            intro=_paragraph(gettext("For yourself, a neighbour or a patient: the town hall looks at every request.")),
        ),
        VolunteerSpacePage(
            title=gettext("My volunteer space"),
            slug=pgettext("slug of the volunteer space page", "my-space"),
            intro=_paragraph(gettext("Your contact details, your availability, your registrations, a break, your data.")),
        ),
        SuccessStoryIndexPage(
            title=gettext("Our successes"),
            slug=pgettext("slug of the success stories page", "successes"),
            intro=_paragraph(gettext("What L'Heure Civique has made possible near you.")),
        ),
        ActionIndexPage(
            title=gettext("Acting together"),
            slug=pgettext("slug of the actions page", "actions"),
            intro=gettext("The collective actions the town hall offers: sign up for the ones that suit you."),
        ),
    ]


def missing_page_types(home):
    """The page types of ``PAGE_TYPES`` with no child page (live or draft) under ``home``."""
    # ``child_of`` rather than ``get_children``: the latter trusts a stale in-memory ``numchild``.
    present = set(Page.objects.child_of(home).values_list("content_type_id", flat=True))
    content_types = ContentType.objects.get_for_models(*PAGE_TYPES)
    return [model for model in PAGE_TYPES if content_types[model].pk not in present]


def pages_to_create(home):
    """Unsaved pages for the types ``home`` lacks, titled in the language of its public pages."""
    missing = missing_page_types(home)
    if not missing:
        return []
    with override(public_language(home)):
        return [page for page in _default_pages() if type(page) in missing]


def _free_slug(slug, taken):
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


@transaction.atomic
def create_missing_pages(home, user=None, *, publish=None):
    """Create under ``home`` each of its five pages it has none of; return the pages created.

    Published when ``user`` may publish there (or is ``None``: a command), otherwise saved as
    drafts for a moderator to publish. ``publish=True``: published whatever ``user`` may do on
    pages — for provisioning, whose own permission was checked (``provisioning_admin``).
    """
    pages = pages_to_create(home)
    may_publish = user is None or home.permissions_for_user(user).can_publish_subpage()
    publish = may_publish if publish is None else publish
    taken = set(Page.objects.child_of(home).values_list("slug", flat=True))
    for page in pages:
        page.slug = _free_slug(slugify(page.slug), taken)
        taken.add(page.slug)
        page.locale_id = home.locale_id
        page.owner = user
        page.live = publish
        page.has_unpublished_changes = not publish
        home.add_child(instance=page)
        revision = page.save_revision(user=user)
        if publish:
            revision.publish(user=user, skip_permission_checks=not may_publish)
    return pages
