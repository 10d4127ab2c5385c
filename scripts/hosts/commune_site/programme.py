"""The programme used in the Mairie de Vernon's English site, through its doors, in French.

    python programme.py   # in the project directory, host's Python, plugin installed

Everything goes through HTTP with Django's test Client, the way a person uses the site: a
form is fetched, read (fields, default values, choices, buttons, as a browser would submit
them) and sent back with what the person types. Nothing is created in the database
directly. Expected French texts are taken from the plugin's own catalogue (the msgid in
English, translated with `gettext` under French), so a wording change in the catalogue
does not break this script, but an untranslated page does.

1. The town hall's administrator logs into the Wagtail admin, adds the commune (the
   modeladmin form), then its Heure Civique home under the site's home (the page editor,
   published): its five pages must come with it.
2. A resident signs up as a volunteer from the commune's pages (in French, though the site
   is English), gets the confirmation e-mail (French, the README's sender, links on the
   site's own address) and confirms by its link.
3. A resident reports a need for a neighbour, with a category of the default catalogue,
   and is shown the tracking reference; the commune's open data answer at the URL the
   README's urls.py step includes.
4. The administrator translates the site's home and its subtree into French (Wagtail's
   simple translation): every page gets its French copy, the commune's home included.
"""

import email
import os
import re
import sys
from email import policy
from email.utils import parseaddr
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communesite.settings.ci")

import django

django.setup()

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Page, Site
from wagtail_modeladmin.helpers import AdminURLHelper

from wagtail_heurecivique.core.enums import VolunteerStatus
from wagtail_heurecivique.models import (
    ActionIndexPage,
    Commune,
    CommuneHomePage,
    Need,
    NeedReportPage,
    SuccessStoryIndexPage,
    Volunteer,
    VolunteerSignupPage,
    VolunteerSpacePage,
)

HOST = "www.vernon.fr"
PASSWORD = "vernon-ci-password"
CHILD_TYPES = [VolunteerSignupPage, NeedReportPage, VolunteerSpacePage, ActionIndexPage, SuccessStoryIndexPage]


class Failed(Exception):
    pass


def check(condition, message, response=None):
    if not condition:
        if response is not None:
            body = response.content.decode(errors="replace")
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', body, flags=re.DOTALL)
            message += f"\n  status {response.status_code}"
            if response.has_header("Location"):
                message += f", Location {response['Location']}"
            if errors:
                message += "\n  errors shown: " + " | ".join(" ".join(e.split()) for e in errors[:8] if e.strip())
        raise Failed(message)


def ok(message):
    print(f"  ok: {message}")


def french(msgid):
    """The plugin's French for ``msgid``; it must be a translation, not the English."""
    with translation.override("fr"):
        text = translation.gettext(msgid)
    check(text != msgid, f"the French catalogue has no translation for {msgid!r}")
    return text


# --- Reading forms as a browser does ------------------------------------------------------


class Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.values = {}  # name -> list of what the browser would send untouched
        self.choices = {}  # name -> [(value, label)] for selects, checkboxes and radios
        self.kinds = {}  # name -> input type, "select" or "textarea"
        self.buttons = []  # (name, value, label) of the submit buttons

    def data(self, button=None, **typed):
        """What is sent: the defaults, with what the person typed or ticked instead."""
        unknown = [name for name in typed if name not in self.kinds]
        check(not unknown, f"the form {self.attrs.get('action')!r} has no field {unknown} "
                           f"(it has {sorted(self.kinds)})")
        data = {name: list(values) for name, values in self.values.items()}
        for name, value in typed.items():
            if value is None:
                data.pop(name, None)
                continue
            values = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
            if name in self.choices and self.kinds[name] != "text":
                offered = {choice for choice, _ in self.choices[name]}
                check(set(values) <= offered, f"{name}: {values} not among the choices offered {sorted(offered)}")
            data[name] = values
        if button is not None:
            names = [name for name, _, _ in self.buttons]
            check(button in names, f"the form has no button {button!r} (it has {names})")
            data[button] = [next(value for name, value, _ in self.buttons if name == button)]
        return data

    def choice(self, name, label_contains):
        for value, label in self.choices.get(name, []):
            if label_contains.lower() in label.lower():
                return value
        raise Failed(f"{name}: no choice labelled like {label_contains!r} in {self.choices.get(name)}")


class FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.option, self.textarea = [], None, None, None, None
        self.label_input = None  # (name, value) of the checkbox or radio inside the open <label>
        self.label_text = None
        self.button = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: (value if value is not None else "") for key, value in attrs}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "label":
            self.label_text, self.label_input = [], None
        elif tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                self.form.buttons.append((name, attrs.get("value", ""), attrs.get("value", "")))
            elif kind in ("checkbox", "radio"):
                value = attrs.get("value", "on")
                self.form.kinds[name] = kind
                self.form.choices.setdefault(name, []).append((value, ""))
                self.form.values.setdefault(name, [])
                if "checked" in attrs:
                    self.form.values[name].append(value)
                if self.label_text is not None:
                    self.label_input = (name, value)
            elif kind not in ("button", "reset", "file"):
                self.form.kinds[name] = kind
                self.form.values[name] = [attrs.get("value", "")]
        elif tag == "button" and attrs.get("type", "submit") == "submit" and name:
            self.button = [name, attrs.get("value", ""), []]
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "selected": [], "first": None}
            self.form.kinds[name] = "select"
            self.form.choices[name] = []
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": [], "selected": "selected" in attrs}
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": []}
            self.form.kinds[name] = "textarea"
        elif "w-block" in attrs.get("data-controller", "") and attrs.get("id"):
            # A StreamField: its inputs are made by JavaScript, starting with the count.
            self.form.kinds[f"{attrs['id']}-count"] = "hidden"
            self.form.values.setdefault(f"{attrs['id']}-count", ["0"])

    def handle_data(self, data):
        for bucket in (self.option and self.option["text"], self.textarea and self.textarea["text"],
                       self.label_text, self.button and self.button[2]):
            if bucket is not None and bucket is not False:
                bucket.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None:
            text = " ".join("".join(self.option["text"]).split())
            value = self.option["value"] if self.option["value"] is not None else text
            self.form.choices[self.select["name"]].append((value, text))
            if self.option["selected"]:
                self.select["selected"].append(value)
            if self.select["first"] is None:
                self.select["first"] = value
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.form.values[self.select["name"]] = chosen if self.select["multiple"] else chosen[-1:]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.textarea["text"])
            self.form.values[self.textarea["name"]] = [text.removeprefix("\n")]
            self.textarea = None
        elif tag == "label" and self.label_text is not None:
            if self.label_input and self.form is not None:
                name, value = self.label_input
                text = " ".join("".join(self.label_text).split())
                self.form.choices[name] = [(v, text if v == value and not label else label)
                                           for v, label in self.form.choices[name]]
            self.label_text, self.label_input = None, None
        elif tag == "button" and self.button is not None:
            name, value, text = self.button
            self.form.buttons.append((name, value, " ".join("".join(text).split())))
            self.button = None


def read_form(response, containing):
    """The form of the page that has the field ``containing``."""
    reader = FormReader()
    reader.feed(response.content.decode())
    forms = [form for form in reader.forms if containing in form.kinds]
    check(forms, f"no form with a field {containing!r} on the page", response)
    return forms[0]


def target(form, url):
    return form.attrs.get("action") or url


# --- The admin door ------------------------------------------------------------------------


def log_in(client):
    response = client.get("/admin/login/")
    form = read_form(response, "username")
    response = client.post(target(form, "/admin/login/"), form.data(username="admin.vernon", password=PASSWORD))
    check(response.status_code == 302, "the administrator cannot log into the Wagtail admin", response)
    ok("the town hall's administrator logs into the Wagtail admin")


def add_commune(client):
    url = AdminURLHelper(Commune).create_url
    response = client.get(url)
    check(response.status_code == 200, f"the commune's add form {url} does not open", response)
    form = read_form(response, "insee_code")
    response = client.post(target(form, url), form.data(name="Vernon", insee_code="27681", postcodes="27200",
                                                        departement="27"))
    check(response.status_code == 302, "the commune's add form is refused", response)
    commune = Commune.objects.get(insee_code="27681")
    ok(f"commune added through {url}: {commune}")
    return commune


def add_commune_home(client, commune):
    home = Site.objects.get(is_default_site=True).root_page
    url = reverse("wagtailadmin_pages:add", args=("wagtail_heurecivique", "communehomepage", home.pk))
    response = client.get(url)
    check(response.status_code == 200, f"the page editor {url} does not open", response)
    form = read_form(response, "commune")
    data = form.data(button="action-publish", title="L'Heure Civique à Vernon", slug="heure-civique",
                     commune=form.choice("commune", "Vernon"))
    response = client.post(target(form, url), data)
    check(response.status_code == 302, "publishing the commune's Heure Civique home is refused", response)
    page = CommuneHomePage.objects.get(commune=commune, locale=home.locale)
    check(page.live, "the commune's home is not live after Publish")
    ok(f"commune home published through the page editor: {page.url}")
    children = {type(child): child for child in page.get_children().specific()}
    missing = [model.__name__ for model in CHILD_TYPES if model not in children]
    check(not missing, f"the commune's home was published without its pages {missing} "
                       f"(it has {[f'{type(c).__name__} {c.title!r}' for c in children.values()]})")
    not_live = [child.title for child in children.values() if not child.live]
    check(not not_live, f"the commune's pages {not_live} are not published")
    ok("its five pages came with it: " + ", ".join(f"{c.title!r} ({c.url})" for c in children.values()))
    return page, children


# --- The public doors ----------------------------------------------------------------------


def in_french(response, what):
    body = response.content.decode()
    check(response.status_code == 200, f"{what} does not answer 200", response)
    check('<html lang="fr"' in body, f'{what} is not <html lang="fr"> in this English site: '
                                     f"{re.search(r'<html[^>]*>', body).group(0) if '<html' in body else body[:200]}")
    return body


def sign_up(public, home_page, signup):
    body = in_french(public.get(home_page.url), "the commune's Heure Civique home")
    check(f'href="{signup.url}"' in body, f"the commune's home has no link to the signup page {signup.url}")
    response = public.get(signup.url)
    body = in_french(response, "the signup page")
    for msgid in ("I become a volunteer", "First name", "E-mail address"):
        check(french(msgid) in body, f"the signup page does not say {french(msgid)!r} ({msgid!r})")
    # The anti-robot field must stay hidden: a person who fills it is silently taken for a
    # robot. Its box's class needs a rule in a stylesheet the page links, and collectstatic
    # must have produced that stylesheet (with the manifest storage, under its hashed name).
    before_field = body[:body.index('name="site_web"')] if 'name="site_web"' in body else ""
    boxes = re.findall(r'<div class="([^"]+)"', before_field)
    check(boxes, "the signup page has no box around its anti-robot field site_web")
    box_classes = boxes[-1].split()
    stylesheets = []
    for href in re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', body):
        if href.startswith(settings.STATIC_URL):
            path = Path(settings.STATIC_ROOT) / href[len(settings.STATIC_URL):].split("?")[0]
            check(path.is_file(), f"the signup page links to {href}, which collectstatic did not produce")
            stylesheets.append(path.read_text())
    hiding = [name for name in box_classes
              if any(re.search(r"\." + re.escape(name) + r"\s*[{,]", css) for css in stylesheets)]
    check(hiding, f"no stylesheet linked from the signup page has a rule for the anti-robot field's box {box_classes}")
    ok(f"signup page {signup.url} in French: {french('I become a volunteer')!r}, "
       f"{french('First name')!r}, {french('E-mail address')!r}; anti-robot field in .{hiding[0]}, "
       "styled by a linked stylesheet")
    form = read_form(response, "email")
    check(form.values.get("site_web") == [""], "the signup form's honeypot field site_web is missing or not empty")
    skills = form.choices.get("skills", [])
    check(skills, "the signup form offers no skills (is the default catalogue loaded?)")
    data = form.data(
        first_name="Inès", last_name="Roux", email="Ines.Roux@Example.org", phone="0612345678", postcode="27200",
        neighbourhood="Centre", frequency="monthly", radius_km="3", availability=["0", "4"], action_kinds=["0"],
        skills=[skills[0][0]], accept_charter="on", accept_data_processing="on",
    )
    response = public.post(target(form, signup.url), data)
    body = in_french(response, "the answer to the signup")
    check("Vérifiez votre boîte" in body, "the signup is not acknowledged in French ('Vérifiez votre boîte…')", response)
    volunteer = Volunteer.objects.get(email="ines.roux@example.org")
    ok(f"signed up with the skill {skills[0][1]!r}: volunteer {volunteer.pk}, status {volunteer.status}")
    return volunteer


def mail_dir():
    """Where the file backend writes: MAILERS on Django 6.1 (EMAIL_FILE_PATH is not readable beside it)."""
    if hasattr(settings, "MAILERS"):
        return settings.MAILERS["default"]["OPTIONS"]["file_path"]
    return settings.EMAIL_FILE_PATH


def sent_messages():
    messages = []
    for path in sorted(Path(mail_dir()).glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=policy.default))
    return messages


def confirm_by_email(public, volunteer, signup):
    messages = [m for m in sent_messages() if volunteer.email in str(m["To"])]
    check(len(messages) == 1, f"{len(messages)} e-mails to {volunteer.email} in {mail_dir()}, expected one")
    [message] = messages
    subject, sender = str(message["Subject"]), str(message["From"])
    check(not subject.startswith("[Django]"), f"the e-mail's subject starts with Django's prefix: {subject!r}")
    expected_subject = french("Confirm your address to become a volunteer")
    check(expected_subject in subject, f"the e-mail's subject is not the French one: {subject!r}, expected {expected_subject!r}")
    check(parseaddr(sender)[1] != "webmaster@localhost", f"the e-mail leaves from Django's default: {sender!r}")
    expected_sender = (getattr(settings, "WAGTAIL_HEURECIVIQUE", {}).get("EMAIL_FROM") or settings.DEFAULT_FROM_EMAIL)
    check(parseaddr(sender) == parseaddr(expected_sender),
          f"the e-mail leaves from {sender!r}, not the README's sender {expected_sender!r}")
    text = message.get_body(preferencelist=("plain",)).get_content()
    check(french("Confirm your address to become a volunteer") in subject and "Bonjour" in text,
          f"the e-mail is not in French:\n{text}")
    # Links to pages are on the page's own Wagtail site (the host's: www.vernon.fr), the
    # plugin's other links on WAGTAILADMIN_BASE_URL; none on a development address.
    base = signup.get_site().root_url
    admin_base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    links = re.findall(r"https?://[^\s<>\"']+", text)
    check(links and all(link.startswith((base + "/", admin_base + "/")) for link in links),
          f"the e-mail's links do not all start with the site's {base} or WAGTAILADMIN_BASE_URL {admin_base}: {links}")
    confirmation = [link for link in links if link.startswith(signup.get_full_url())]
    check(len(confirmation) == 1, f"no single confirmation link under {signup.get_full_url()} in the e-mail: {links}")
    [link] = confirmation
    ok(f"e-mail {subject!r} from {sender!r}, link {link}")
    path = link[len(base):]
    response = public.get(path)
    in_french(response, "the confirmation link")
    check(french("I confirm my address") in response.content.decode(), "the confirmation page has no French button")
    volunteer.refresh_from_db()
    check(volunteer.status != VolunteerStatus.TO_INTERVIEW, "following the link (a GET) confirmed the address")
    form = read_form(response, "csrfmiddlewaretoken")
    response = public.post(target(form, path), form.data())
    body = in_french(response, "the answer to the confirmation")
    check("votre adresse est confirmée" in body, "the confirmation is not acknowledged in French", response)
    volunteer.refresh_from_db()
    check(volunteer.status == VolunteerStatus.TO_INTERVIEW, f"the volunteer is {volunteer.status} after confirming")
    ok(f"address confirmed by the e-mailed link: the volunteer is now {volunteer.status!r}")


def report_need(public, report):
    response = public.get(report.url)
    in_french(response, "the need report page")
    form = read_form(response, "category")
    categories = [(value, label) for value, label in form.choices["category"] if value]
    check(categories, "the need form has no category to choose (is the default catalogue loaded?)")
    value, label = categories[0]
    data = form.data(
        reporter_kind="resident", reporter_name="Paul Martin", reporter_email="paul.martin@example.org",
        for_self="0", beneficiary_first_name="Jeanne", beneficiary_last_name="Lambert",
        beneficiary_phone="02 32 00 00 00", postcode="27200", category=value,
        description="Des courses une fois par semaine, elle ne peut plus porter de charges.", agreement="on",
    )
    response = public.post(target(form, report.url), data)
    body = in_french(response, "the answer to the need report")
    need = Need.objects.order_by("-pk").first()
    check(need is not None and need.reference in body, "the need report shows no tracking reference", response)
    ok(f"need reported by a resident in the category {label!r}: reference {need.reference} shown")


def open_data(public, commune):
    # Reached through the URL include of the README's urls.py step, outside i18n_patterns.
    url = reverse("wagtail_heurecivique:commune_indicators", args=(commune.insee_code,))
    response = public.get(url)
    check(response.status_code == 200 and response.json()["commune"]["name"] == commune.name,
          f"the open data of the commune {url} does not answer", response)
    ok(f"open data at {url} (the README's URL include)")


# --- Translating the host's home, with the programme inside it -----------------------------


def translate_home(client, commune):
    home = Site.objects.get(is_default_site=True).root_page
    french_locale = Locale.objects.get(language_code="fr")
    url = reverse("simple_translation:submit_page_translation", args=(home.pk,))
    response = client.get(url)
    check(response.status_code == 200, f"the translation form {url} does not open", response)
    form = read_form(response, "locales")
    check("include_subtree" in form.kinds, "the translation form offers no 'include subtree'")
    response = client.post(target(form, url), form.data(locales=[str(french_locale.pk)], include_subtree="on"))
    check(response.status_code == 302, "translating the home page with its subtree is refused", response)
    pages = Page.objects.descendant_of(home, inclusive=True).filter(locale=home.locale).specific()
    missing = [page.title for page in pages if page.get_translation_or_none(french_locale) is None]
    check(not missing, f"pages without a French copy after translating the subtree: {missing}")
    copies = CommuneHomePage.objects.filter(commune=commune).order_by("locale__language_code")
    check([p.locale.language_code for p in copies] == ["en-us", "fr"],
          f"the commune's homes are {[(p.title, p.locale.language_code) for p in copies]}")
    ok(f"home translated into French with its subtree: {len(pages)} pages copied, "
       "the commune's Heure Civique home included")


def main():
    admin = Client(HTTP_HOST=HOST)
    public = Client(HTTP_HOST=HOST)
    try:
        print("The administrator adds the commune and its pages")
        log_in(admin)
        commune = add_commune(admin)
        home_page, children = add_commune_home(admin, commune)
        print("A resident becomes a volunteer")
        volunteer = sign_up(public, home_page, children[VolunteerSignupPage])
        confirm_by_email(public, volunteer, children[VolunteerSignupPage])
        print("A resident reports a need for a neighbour")
        report_need(public, children[NeedReportPage])
        open_data(public, commune)
        print("The site's home is translated into French, with its subtree")
        translate_home(admin, commune)
    except Failed as failure:
        sys.exit(f"programme: {failure}")
    print("The programme works in French in the English commune site")


if __name__ == "__main__":
    main()
