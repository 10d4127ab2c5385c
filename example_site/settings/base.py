"""Settings shared by every environment of the example site."""

from pathlib import Path

import dj_database_url
import django

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "example_site.home",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # L'Heure Civique, after the site's apps as the README says: the plugin, its
    # workflows, then what they build on (viewflow's models, not its frontend app).
    "wagtail_heurecivique",
    "workflows",
    "wagtail_modeladmin",
    "viewflow.workflow",
    "simple_history",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Records the acting user on every history row; after authentication.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Scopes by commune the few Wagtail admin views that have no hook for it.
    "wagtail_heurecivique.middleware.CommuneScopingMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "example_site.wsgi.application"

# SQLite next to the project unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
# On PostgreSQL, Wagtail's search index uses django.contrib.postgres's fields and indexes,
# which Django 6.0 and later refuse without the app (postgres.E005). Production reads the
# same DATABASE_URL.
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    INSTALLED_APPS += ["django.contrib.postgres"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
# The public site speaks French whatever the browser asks for; staff may switch the
# admin to English in their account settings.
LANGUAGES = [("fr", "Français")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("fr", "Français"), ("en", "English")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Heure Civique — site de démonstration"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# The plugin's own settings (see README, "Settings").
WAGTAIL_HEURECIVIQUE = {
    "DEFAULT_MONTHLY_SOLICITATION_CAP": 2,
    "DEFAULT_SLA_DAYS": 7,
    "EMAIL_SUBJECT_PREFIX": "[Heure Civique] ",
}

# E-mails go through tasks: sent at once here (development, tests, demo); production
# queues them in the database for `manage.py db_worker` (django-tasks-db).
_TASKS_MODULE = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"
TASKS = {"default": {"BACKEND": f"{_TASKS_MODULE}.backends.immediate.ImmediateBackend"}}
INSTALLED_APPS += ["django_tasks_db"]

DEFAULT_FROM_EMAIL = "heurecivique@example.org"
