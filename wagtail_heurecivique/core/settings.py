"""The plugin's settings, all read here with their defaults.

Set them in the project's settings as ``WAGTAIL_HEURECIVIQUE = {"KEY": value}``;
each key is documented in the README.
"""

from django.conf import settings

DEFAULTS = {
    # The language of the programme's public pages and e-mails, when their page's locale
    # is not one the plugin speaks (the host's LANGUAGE_CODE is left alone).
    "LANGUAGE": "fr",
    # The template the programme's public pages extend: the plugin's own frame, or the
    # host's base.html (it must have the blocks title, extra_css and content).
    "BASE_TEMPLATE": "wagtail_heurecivique/public/frame.html",
    # The sender of the programme's e-mails, unless a commune sets its own; empty: Django's
    # DEFAULT_FROM_EMAIL.
    "EMAIL_FROM": "",
    # Put before the subject of every e-mail of the programme (Django's EMAIL_SUBJECT_PREFIX
    # is for messages to the site's admins, and is not used).
    "EMAIL_SUBJECT_PREFIX": "",
    # Proposals a volunteer may receive per month, for a new commune.
    "DEFAULT_MONTHLY_SOLICITATION_CAP": 2,
    # Days a workflow step may wait before it is escalated, for a new commune.
    "DEFAULT_SLA_DAYS": 7,
    # Hours a volunteer has to answer a proposal, for a new commune.
    "DEFAULT_PROPOSAL_EXPIRY_HOURS": 72,
    # Public forms: submissions allowed per IP address and per e-mail address (django-ratelimit rates).
    "PUBLIC_FORM_RATE_PER_IP": "20/h",
    "PUBLIC_FORM_RATE_PER_EMAIL": "5/h",
    # Behind a reverse proxy: the request.META name of the header listing the addresses a
    # request came through (such as "HTTP_X_FORWARDED_FOR"), read for the rate limits
    # instead of REMOTE_ADDR; empty: REMOTE_ADDR. See protection.client_ip.
    "TRUSTED_PROXY_HEADER": "",
    # How many of the site's own proxies append to that header (the client's address is the
    # entry the outermost one wrote).
    "TRUSTED_PROXY_COUNT": 1,
    # Days a volunteer's e-mail confirmation link stays valid.
    "SIGNUP_LINK_DAYS": 7,
    # Days the link confirming a registration to an action stays valid.
    "REGISTRATION_LINK_DAYS": 3,
    # Minutes a link to the volunteer space stays valid (it opens the space once).
    "SPACE_LINK_MINUTES": 60,
    # Hours the volunteer space stays open in the browser after following the link.
    "SPACE_SESSION_HOURS": 12,
    # Calls without an answer before a volunteer's welcome is closed.
    "ONBOARDING_MAX_ATTEMPTS": 3,
    # Rows per page in the back-office history view.
    "HISTORY_PAGE_SIZE": 50,
    # Seconds a commune's public figures (its home's counters) and its home's lists stay in the
    # cache at most: saves of its volunteers, hours, needs, proposals, registrations and pages
    # renew them at once, this catches up the writes that send no signal (bulk updates, raw SQL).
    "PUBLIC_FIGURES_CACHE_SECONDS": 600,
    # True: the site serves Wagtail's API v3 (wagtail.api.v3) knowing that it lists the pages of
    # every commune, which the plugin does not scope there (system check W008 is then silent).
    "UNSCOPED_API_V3": False,
    # Weight of each matching criterion (0 to 10); a commune may override any of them.
    "MATCHING_WEIGHTS": {
        "skills": 3,
        "availability": 2,
        "distance": 2,
        "fairness": 2,
        "feedback": 1,
        "language": 1,
    },
}


def get_setting(name):
    overrides = getattr(settings, "WAGTAIL_HEURECIVIQUE", {}) or {}
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
