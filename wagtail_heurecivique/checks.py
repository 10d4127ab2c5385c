"""System checks that tell an installer exactly what is missing or misordered."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.template import Context, TemplateDoesNotExist, engines
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse
from django.utils.module_loading import import_string

from wagtail_heurecivique.core.language import SPOKEN
from wagtail_heurecivique.core.settings import DEFAULTS, get_setting
from wagtail_heurecivique.core.validators import validate_matching_weights

REQUIRED_APPS = [
    ("wagtail_heurecivique", "wagtail_heurecivique"),
    ("workflows", "workflows"),
    ("wagtail_modeladmin", "wagtail_modeladmin"),
    ("viewflow.workflow", "viewflow.workflow"),
    ("simple_history", "simple_history"),
    ("wagtail", "wagtail"),
    ("wagtail.admin", "wagtail.admin"),
]

#: Pages Django renders with a built-in template when no app or directory has one: any
#: app that ships them replaces the site's error pages.
ERROR_PAGES = ("400.html", "403.html", "404.html", "500.html")

RATE = re.compile(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]")

#: Settings that are text, with what they must hold (the other text settings are rates).
TEXT_SETTINGS = {
    "LANGUAGE": "A language the plugin speaks: " + ", ".join(sorted(SPOKEN)) + ".",
    "BASE_TEMPLATE": "A template name, such as 'base.html'.",
    "EMAIL_FROM": "An address, such as \"L'Heure Civique <heurecivique@ville-exemple.fr>\", or ''.",
    "EMAIL_SUBJECT_PREFIX": "Some text, such as '[Heure Civique] ', or ''.",
    "TRUSTED_PROXY_HEADER": "The header's name in request.META, such as 'HTTP_X_FORWARDED_FOR' "
    "(not 'X-Forwarded-For'), or '' to count REMOTE_ADDR.",
}
#: What a request.META name of an HTTP header looks like.
META_HEADER = re.compile(r"HTTP_[A-Z0-9_]+")

HISTORY_MIDDLEWARE = "simple_history.middleware.HistoryRequestMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
SCOPING_MIDDLEWARE = "wagtail_heurecivique.middleware.CommuneScopingMiddleware"


def _app_names():
    # Entries may name an AppConfig class ("wagtail_heurecivique.apps.…"): compare
    # against the installed app configs' module names, in settings order.
    names = []
    for entry in settings.INSTALLED_APPS:
        matched = next((c.name for c in apps.get_app_configs() if entry == c.name or entry.startswith(c.name + ".apps.")), entry)
        names.append(matched)
    return names


@checks.register(checks.Tags.compatibility)
def check_installed_apps(app_configs, **kwargs):
    errors = []
    names = _app_names()
    for name, shown in REQUIRED_APPS:
        if name not in names:
            errors.append(
                checks.Error(
                    f"'{shown}' is missing from INSTALLED_APPS.",
                    hint=f"Add '{shown}' to INSTALLED_APPS (see the README, “Add it to an existing Wagtail site”).",
                    id="wagtail_heurecivique.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security)
def check_scoping_middleware(app_configs, **kwargs):
    # Its ``process_view`` runs after every middleware's request part: its place in the list
    # does not matter.
    if SCOPING_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        checks.Error(
            f"'{SCOPING_MIDDLEWARE}' is missing from MIDDLEWARE: a few of Wagtail's admin views would show "
            "other communes' page titles, tags, images or groups to the editors of any one commune.",
            hint="Add it to MIDDLEWARE (see the README, “Add it to an existing Wagtail site”, step 2).",
            id="wagtail_heurecivique.E015",
        )
    ]


@checks.register(checks.Tags.compatibility)
def check_middleware(app_configs, **kwargs):
    middleware = list(settings.MIDDLEWARE)
    if HISTORY_MIDDLEWARE not in middleware:
        return [
            checks.Error(
                f"'{HISTORY_MIDDLEWARE}' is missing from MIDDLEWARE: history rows would not record who made a change.",
                hint=f"Add it to MIDDLEWARE, after '{AUTH_MIDDLEWARE}'.",
                id="wagtail_heurecivique.E003",
            )
        ]
    if AUTH_MIDDLEWARE in middleware and middleware.index(HISTORY_MIDDLEWARE) < middleware.index(AUTH_MIDDLEWARE):
        return [
            checks.Error(
                f"'{HISTORY_MIDDLEWARE}' comes before '{AUTH_MIDDLEWARE}': it would record no user.",
                hint=f"Move it after '{AUTH_MIDDLEWARE}'.",
                id="wagtail_heurecivique.E004",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def check_settings(app_configs, **kwargs):
    errors = []
    viewflow_settings = getattr(settings, "VIEWFLOW", {}) or {}
    if apps.is_installed("viewflow") and viewflow_settings.get("AUTOREGISTER", True):
        errors.append(
            checks.Warning(
                "viewflow's frontend app ('viewflow') adds its own middlewares at start-up unless told not to.",
                hint='Remove "viewflow" from INSTALLED_APPS (the plugin needs only "viewflow.workflow"), '
                'or set VIEWFLOW = {"AUTOREGISTER": False}.',
                id="wagtail_heurecivique.W001",
            )
        )
    if not settings.USE_I18N:
        errors.append(
            checks.Warning(
                "USE_I18N is False: the programme's pages and e-mails will be in English instead of French.",
                hint="Set USE_I18N = True (the site's LANGUAGE_CODE may stay as it is).",
                id="wagtail_heurecivique.W002",
            )
        )
    overrides = getattr(settings, "WAGTAIL_HEURECIVIQUE", {})
    if not isinstance(overrides, dict):
        return errors + [
            checks.Error(
                "WAGTAIL_HEURECIVIQUE must be a dictionary.",
                hint='For example WAGTAIL_HEURECIVIQUE = {"DEFAULT_SLA_DAYS": 7}.',
                id="wagtail_heurecivique.E005",
            )
        ]
    for key, value in overrides.items():
        if key not in DEFAULTS:
            errors.append(
                checks.Error(
                    f"WAGTAIL_HEURECIVIQUE has an unknown key '{key}'.",
                    hint="Known keys: " + ", ".join(sorted(DEFAULTS)) + ".",
                    id="wagtail_heurecivique.E006",
                )
            )
        elif isinstance(DEFAULTS[key], dict):
            try:
                validate_matching_weights(value)
            except ValidationError as error:
                errors.append(
                    checks.Error(
                        f"WAGTAIL_HEURECIVIQUE['{key}'] is invalid: {' '.join(error.messages)}",
                        hint=f"The default is {DEFAULTS[key]}.",
                        id="wagtail_heurecivique.E008",
                    )
                )
        elif isinstance(DEFAULTS[key], bool):
            if not isinstance(value, bool):
                errors.append(
                    checks.Error(
                        f"WAGTAIL_HEURECIVIQUE['{key}'] must be True or False, not {value!r}.",
                        hint=f"The default is {DEFAULTS[key]}.",
                        id="wagtail_heurecivique.E014",
                    )
                )
        elif key in TEXT_SETTINGS:
            if (
                not isinstance(value, str)
                or (key == "LANGUAGE" and value.split("-")[0].lower() not in SPOKEN)
                or (key == "TRUSTED_PROXY_HEADER" and value and not META_HEADER.fullmatch(value))
            ):
                errors.append(
                    checks.Error(
                        f"WAGTAIL_HEURECIVIQUE['{key}'] is invalid: {value!r}.",
                        hint=TEXT_SETTINGS[key],
                        id="wagtail_heurecivique.E012",
                    )
                )
        elif isinstance(DEFAULTS[key], str) and not (isinstance(value, str) and RATE.fullmatch(value)):
            errors.append(
                checks.Error(
                    f"WAGTAIL_HEURECIVIQUE['{key}'] must be a rate such as '20/h', not {value!r}.",
                    hint=f"The default is {DEFAULTS[key]!r}: a number, '/', then s, m, h or d.",
                    id="wagtail_heurecivique.E009",
                )
            )
        elif isinstance(DEFAULTS[key], int) and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            errors.append(
                checks.Error(
                    f"WAGTAIL_HEURECIVIQUE['{key}'] must be a positive whole number, not {value!r}.",
                    hint=f"The default is {DEFAULTS[key]}.",
                    id="wagtail_heurecivique.E007",
                )
            )
    return errors


def _viewflow_frontend_templates():
    """viewflow's frontend app's templates that are not under its own ``viewflow/`` folder."""
    import viewflow

    root = Path(viewflow.__file__).resolve().parent / "templates"
    names = (path.relative_to(root).as_posix() for path in root.rglob("*.html"))
    return root, sorted(name for name in names if not name.startswith("viewflow/"))


def _sources(name):
    """Every existing file that Django's template engines would consider for ``name``, in order."""
    found = []
    for engine in engines.all():
        loaders = getattr(getattr(engine, "engine", None), "template_loaders", [])
        for loader in loaders:
            for origin in loader.get_template_sources(name):
                if Path(origin.name).is_file():
                    found.append(Path(origin.name).resolve())
    return found


@checks.register(checks.Tags.templates)
def check_host_templates(app_configs, **kwargs):
    """The site's own error pages, ``registration/`` and Django admin templates must win."""
    if not apps.is_installed("viewflow"):
        return []
    root, names = _viewflow_frontend_templates()
    errors = []
    for name in names:
        sources = _sources(name)
        if not sources or not sources[0].is_relative_to(root):
            continue
        if len(sources) > 1 or name in ERROR_PAGES:
            hidden = str(sources[1]) if len(sources) > 1 else "Django's built-in page"
            errors.append(
                checks.Error(
                    f"'{name}' would be viewflow's Material page, not {hidden}.",
                    hint='Remove "viewflow" from INSTALLED_APPS: the plugin needs only "viewflow.workflow". '
                    "If the site uses viewflow's frontend itself, put it after the apps whose templates it hides.",
                    id="wagtail_heurecivique.E002",
                )
            )
    return errors


@checks.register(checks.Tags.staticfiles)
def check_static_files(app_configs, **kwargs):
    from django.contrib.staticfiles.storage import ManifestFilesMixin

    if not apps.is_installed("viewflow"):
        return []
    backend = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    try:
        manifest = issubclass(import_string(backend), ManifestFilesMixin)
    except ImportError:
        return []  # Django's own checks report a storage that cannot be imported
    if not manifest:
        return []
    return [
        checks.Warning(
            "viewflow's frontend app is installed with a manifest static files storage: "
            "its Roboto stylesheet names font files viewflow does not ship, and collectstatic fails.",
            hint='Remove "viewflow" from INSTALLED_APPS: the plugin needs only "viewflow.workflow".',
            id="wagtail_heurecivique.W005",
        )
    ]


@checks.register(checks.Tags.urls)
def check_urls(app_configs, **kwargs):
    """The public URLs must be included, before Wagtail's catch-all."""
    try:
        path = reverse("wagtail_heurecivique:unsubscribe", args=["jeton"])
        match = resolve(path)
    except (NoReverseMatch, Resolver404):
        match = None
    if match is not None and match.url_name == "unsubscribe":
        return []
    return [
        checks.Error(
            "The plugin's public URLs are not included, or come after Wagtail's pages: proposals "
            "to volunteers, links in e-mails and the feeds of success stories would fail.",
            hint='Add path("heurecivique/", include("wagtail_heurecivique.urls")) to the project\'s urls.py, '
            'before path("", include(wagtail_urls)).',
            id="wagtail_heurecivique.E010",
        )
    ]


REQUIRED_BLOCKS = ("title", "extra_css", "content")


def _block_names(template):
    """Names of the blocks a Django template and the templates it extends define."""
    names = {node.name for node in template.nodelist.get_nodes_by_type(BlockNode)}
    for node in template.nodelist.get_nodes_by_type(ExtendsNode):
        parent = node.parent_name.resolve(Context())
        if isinstance(parent, str) and parent:
            names |= _block_names(get_template(parent).template)
    return names


@checks.register(checks.Tags.templates)
def check_base_template(app_configs, **kwargs):
    name = get_setting("BASE_TEMPLATE")
    if not isinstance(name, str):
        return []  # reported by check_settings
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return [
            checks.Error(
                f"WAGTAIL_HEURECIVIQUE['BASE_TEMPLATE'] names '{name}', which cannot be found.",
                hint="Name a template of the site, such as 'base.html', or leave the setting out.",
                id="wagtail_heurecivique.E011",
            )
        ]
    inner = getattr(template, "template", None)
    if inner is None or not hasattr(inner, "nodelist"):
        return []  # another template engine: its blocks cannot be read here
    missing = [block for block in REQUIRED_BLOCKS if block not in _block_names(inner)]
    if not missing:
        return []
    return [
        checks.Error(
            f"'{name}' has no block {', '.join(missing)}: the programme's pages would lose "
            "their title, their stylesheet (which hides the forms' anti-robot field) or their content.",
            hint="Add {% block title %}, {% block extra_css %} (in <head>) and {% block content %} to it.",
            id="wagtail_heurecivique.E011",
        )
    ]


#: Wagtail's project template sets this; links in e-mails would point to it.
PLACEHOLDER_HOSTS = {"example.com", "www.example.com"}


@checks.register(checks.Tags.compatibility)
def check_email_settings(app_configs, **kwargs):
    errors = []
    base_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    if not base_url or urlsplit(base_url).hostname in PLACEHOLDER_HOSTS:
        errors.append(
            checks.Warning(
                "WAGTAILADMIN_BASE_URL is not set to the site's address: links in the programme's "
                f"e-mails would be wrong ({base_url or 'not set'}).",
                hint='Set WAGTAILADMIN_BASE_URL = "https://www.your-commune.fr" in the production settings.',
                id="wagtail_heurecivique.W003",
            )
        )
    if not get_setting("EMAIL_FROM") and settings.DEFAULT_FROM_EMAIL == "webmaster@localhost":
        errors.append(
            checks.Warning(
                "The programme's e-mails would leave from Django's default address, webmaster@localhost.",
                hint="Set DEFAULT_FROM_EMAIL, or WAGTAIL_HEURECIVIQUE['EMAIL_FROM'], to an address of the town hall.",
                id="wagtail_heurecivique.W004",
            )
        )
    return errors


#: Caches that no other server process reads: a rate limit counted there is counted per process.
PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps its counts in each server process: with several "
    "processes each counts alone, and the limits per IP address and per e-mail address do not hold.",
    "django.core.cache.backends.dummy.DummyCache": "keeps no count at all: the limits per IP address and per "
    "e-mail address never apply.",
}


@checks.register(checks.Tags.caches)
def check_rate_limit_cache(app_configs, **kwargs):
    """The public forms' rate limits need a cache every server process shares (not in DEBUG)."""
    if settings.DEBUG or not getattr(settings, "RATELIMIT_ENABLE", True):
        return []
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = (getattr(settings, "CACHES", {}) or {}).get(alias, {}).get("BACKEND", "")
    if backend not in PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"The public forms' rate limits are counted in the cache '{alias}' ({backend}), which "
            f"{PROCESS_CACHES[backend]}",
            hint='Use a cache every process shares, such as Redis: CACHES = {"default": {"BACKEND": '
            '"django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}} '
            '(pip install redis; see the README, "Production").',
            id="wagtail_heurecivique.W007",
        )
    ]


@checks.register(checks.Tags.security)
def check_page_search_scope(app_configs, **kwargs):
    """Wagtail's page search and explorer search keep to the pages a user may edit unless told not to.

    The per-commune page permissions are what keeps an editor of one commune from reading
    another commune's draft stories in those results.
    """
    if getattr(settings, "WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS", True):
        return []
    return [
        checks.Warning(
            "WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS is False: Wagtail's page search would show "
            "every commune's pages, draft success stories included, to the editors of any one commune.",
            hint="Remove the setting (Wagtail's default is True) on a site that hosts several communes.",
            id="wagtail_heurecivique.W006",
        )
    ]


@checks.register(checks.Tags.models)
def check_base_page_model(app_configs, **kwargs):
    """Wagtail 8's swappable base page model (``WAGTAIL_PAGE_MODEL``) is not supported.

    The plugin's page models subclass ``wagtail.models.Page``, its migrations point at
    ``wagtailcore.Page`` (they are made on Wagtail 7.4, which has no swappable page), and Wagtail
    says a reusable app's ``Page`` subclasses cannot follow a swapped base. Refused plainly here
    rather than failing later in the migrations or the page tree.
    """
    from wagtail.models import Page

    setting = getattr(Page._meta, "swappable", None)  # "WAGTAIL_PAGE_MODEL" from Wagtail 8.0; none on 7.4
    if not setting:
        return []
    swapped = getattr(settings, setting, None)
    if not swapped or swapped.lower() == "wagtailcore.page":
        return []
    return [
        checks.Error(
            f"{setting} is {swapped!r}: the plugin's page models (the communes' homes, forms, actions "
            "and success stories) and their migrations are built on Wagtail's own wagtailcore.Page, "
            "so a site with a custom base page model is not supported.",
            hint=f"Remove {setting} (Wagtail's default base page), or install the plugin on a site whose "
            "pages use wagtailcore.Page.",
            id="wagtail_heurecivique.E013",
        )
    ]


#: Wagtail's API v3 (8.0 and later): its app, and the URL namespace its NinjaAPI is included under.
API_V3_APP = "wagtail.api.v3"
API_V3_NAMESPACE = "wagtailapi_v3"


def _api_v3_served():
    """How the host serves Wagtail's API v3, or None: its app installed, its URLs included."""
    ways = []
    if apps.is_installed(API_V3_APP):
        ways.append(f"'{API_V3_APP}' is in INSTALLED_APPS")
    try:
        namespaces = get_resolver().namespace_dict
    except Exception:  # a broken URLconf: Django's own checks report it
        namespaces = {}
    if API_V3_NAMESPACE in namespaces:
        ways.append(f"its URLs are included (namespace '{API_V3_NAMESPACE}')")
    return " and ".join(ways) or None


@checks.register(checks.Tags.security)
def check_api_v3_scope(app_configs, **kwargs):
    """Wagtail's API v3 lists pages by Wagtail's own rules, not by the plugin's commune scoping.

    The plugin scopes the page layer per commune in the admin (its chooser, explorer and
    admin API endpoints: ``admin/api.py``, ``site/page_scoping.py``, ``site/media_scoping.py``);
    the v3 endpoints (``/pages/``, their revisions and workflow actions, ``/sites/``) are not
    among them.
    """
    how = _api_v3_served()
    if how is None or get_setting("UNSCOPED_API_V3") is True:
        return []
    return [
        checks.Warning(
            f"Wagtail's API v3 is enabled ({how}): it would serve the pages of every commune, and "
            "the images their API fields name, without the plugin's per-commune scoping — an editor "
            "of one commune, or an API token of theirs, would read the other communes' pages.",
            hint=f"Remove '{API_V3_APP}' and its URLs if the site does not need them, or set "
            'WAGTAIL_HEURECIVIQUE = {"UNSCOPED_API_V3": True} to say the site serves it knowingly.',
            id="wagtail_heurecivique.W008",
        )
    ]
