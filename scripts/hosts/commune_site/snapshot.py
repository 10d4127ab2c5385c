"""What the host's visitors, staff and editors see, saved to files to compare before and after.

    python snapshot.py take DIR [--expect]   # in the project directory, host's Python
    python snapshot.py compare BEFORE AFTER  # unified diff of the two; exit 1 if they differ

Each URL is fetched with Django's test Client inside the host (its CI settings: DEBUG off,
manifest static storage, a host name from ALLOWED_HOSTS) and written as its status, the
headers that change what a browser does, and the body. Only what differs from one request
to the next is normalised: CSRF tokens; the manifest's content hashes in static URLs (the
manifest itself is compared entry by entry instead, so a host's static file shadowed by one
of the plugin's still shows); the Wagtail admin's relative times ("Just now"); and the order
of the class lists Wagtail builds from sets (the hash seed is fixed); and one list of what is
installed (the page explorer's filter by page type). Wagtail's `?v=` cache busters are kept: they change only with Wagtail's version, which installing the plugin must
not change either.

`--expect` checks that each page is the host's own (status and a marker text): the
snapshot before the install must show the host working, or comparing proves nothing.
"""

import difflib
import json
import os
import re
import sys
from pathlib import Path

HOST = "www.vernon.fr"
PASSWORD = "vernon-ci-password"
HEADERS = ("Content-Type", "Content-Language", "Location", "Vary", "X-Frame-Options", "Cache-Control")
MANIFEST = "_staticfiles-manifest.json"

# (file name, user, method, path, expected status, marker text of the host's own page)
PAGES = [
    ("home", None, "get", "/", 200, "The town of Vernon, on the banks of the Seine"),
    ("home-fr", None, "get", "/fr/", 200, '<html lang="fr"'),
    ("news-index", None, "get", "/news/", 200, "Roadworks on the Rue Carnot"),
    ("news-page", None, "get", "/news/market-place-de-paris/", 200, "Saturday market"),
    ("news-page-fr", None, "get", "/fr/news/market-place-de-paris/", 200, "14 mars 2026"),
    ("search", None, "get", "/search/?query=market", 200, "The market moves"),
    ("404", None, "get", "/no-such-page/", 404, "Mairie de Vernon — page introuvable"),
    ("404-fr", None, "get", "/fr/no-such-page/", 404, "Mairie de Vernon — page introuvable"),
    ("403", None, "get", "/espace-agents/", 403, "Mairie de Vernon — accès refusé"),
    ("login-site", None, "get", "/comptes/login/", 200, "Mairie de Vernon — connexion des agents"),
    ("login-django-admin", None, "get", "/django-admin/login/", 200, "Django administration"),
    ("login-wagtail-admin", None, "get", "/admin/login/", 200, "Sign in"),
    ("django-admin-password-change", "admin.vernon", "get", "/django-admin/password_change/", 200,
     "Mairie de Vernon — changer de mot de passe"),
    # Not overridden by the host: Django admin's own template must keep winning.
    ("django-admin-password-change-done", "admin.vernon", "get", "/django-admin/password_change/done/", 200,
     "Django site admin"),
    ("wagtail-admin-dashboard-editor", "redaction", "get", "/admin/", 200, "Marc Rédacteur"),
    ("wagtail-admin-explorer-editor", "redaction", "get", "/admin/pages/", 200, "Welcome to Vernon"),
    # Last for its user: it ends the session. The host's template is an app template, so
    # it wins only while the host's app comes before any other app shipping one.
    ("django-admin-logout", "admin.vernon", "post", "/django-admin/logout/", 200,
     "Mairie de Vernon — vous êtes déconnecté"),
]


def setup():
    # Wagtail builds some class lists from sets: their order follows the string hash seed.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communesite.settings.ci")
    import django

    django.setup()


def normalise(text):
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1<csrf>", text)
    # The token in the Wagtail admin's JavaScript config and data attributes.
    text = re.sub(r'(csrf[_-]?token(?:&quot;|["\'])?\s*[:=]\s*(?:&quot;|["\'])?)[A-Za-z0-9]{32,64}', r"\1<csrf>",
                  text, flags=re.IGNORECASE)
    text = re.sub(r"(?<=[\w-])\.[0-9a-f]{12}(?=\.(?:css|js|mjs|map|svg|png|jpe?g|gif|webp|ico|woff2?|ttf|eot|otf)\b)",
                  ".<hash>", text)
    # "Just now", "5 minutes ago": the exact time stays in the datetime attribute.
    text = re.sub(r'(<time class="w-human-readable-date__date"[^>]*>)[^<]*(</time>)', r"\1<relative>\2", text)
    # A list of what is installed rather than of what the host shows: the explorer's filter
    # by page type (every page model, the plugin's too). The page around it counts. (The
    # Django admin's sidebar is compared: the plugin registers nothing there.)
    text = re.sub(r'<div>\s*<label for="id_content_type_\d+">.*?</label>\s*</div>', "", text, flags=re.DOTALL)
    return text


def take(directory, expect):
    setup()
    from django.conf import settings
    from django.test import Client

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    clients, problems = {}, []
    for name, user, method, path, status, marker in PAGES:
        if user not in clients:
            clients[user] = Client(HTTP_HOST=HOST, raise_request_exception=False)
            if user and not clients[user].login(username=user, password=PASSWORD):
                sys.exit(f"snapshot: {user} cannot log in")
        response = getattr(clients[user], method)(path)
        body = response.content.decode()
        lines = [f"{method.upper()} {path} as {user or 'anonymous'}", f"status {response.status_code}"]
        lines += [f"{header}: {normalise(response[header])}" for header in HEADERS if response.has_header(header)]
        (directory / f"{name}.html").write_text("\n".join(lines) + "\n\n" + normalise(body))
        if expect and (response.status_code != status or marker not in body):
            problems.append(f"{name} ({path}): status {response.status_code}, expected {status} and {marker!r}")
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    (directory / MANIFEST).write_text(json.dumps(json.loads(manifest.read_text())["paths"], indent=0, sort_keys=True))
    if problems:
        sys.exit("snapshot: the host does not show its own pages:\n  " + "\n  ".join(problems))
    print(f"Snapshot of {len(PAGES)} host URLs in {directory}")


def compare(before, after):
    before, after = Path(before), Path(after)
    failed = False
    for name, *_ in PAGES:
        old = (before / f"{name}.html").read_text().splitlines(keepends=True)
        new = (after / f"{name}.html").read_text().splitlines(keepends=True)
        diff = list(difflib.unified_diff(old, new, f"before/{name}.html", f"after/{name}.html"))
        if diff:
            failed = True
            sys.stdout.writelines(diff)
            print()
    old = json.loads((before / MANIFEST).read_text())
    new = json.loads((after / MANIFEST).read_text())
    changed = {key: (value, new.get(key)) for key, value in old.items() if new.get(key) != value}
    for key, (value, now) in sorted(changed.items()):
        failed = True
        print(f"static file {key}: was {value}, now {now} (another app's file of that name wins?)")
    if failed:
        sys.exit(f"snapshot: the host's pages changed between {before} and {after}")
    print(f"The {len(PAGES)} host URLs are identical in {before} and {after}; the host's static files too")


if __name__ == "__main__":
    if sys.argv[1:2] == ["take"] and len(sys.argv) in (3, 4):
        take(sys.argv[2], expect=sys.argv[3:] == ["--expect"])
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 4:
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
