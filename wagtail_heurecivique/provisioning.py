"""A département's communes from one CSV file: their records, home pages, sites and staff.

One row per commune: INSEE code, name, postcodes, département and, optionally, a host name
(one Wagtail Site for the commune) and the e-mail addresses of its référents and editors.
Each row is applied in its own transaction — all or nothing for that commune — and says
what it changed; applying the same file again changes nothing. The commune's groups,
collection and page permissions follow from its record and its memberships (receivers).
"""

import csv
import dataclasses
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext, override
from wagtail.models import Page, Site

from .enums import MembershipRole
from .language import public_language
from .models import Commune, CommuneHomePage, CommuneMembership

REQUIRED = ("insee_code", "name", "postcodes", "departement")
OPTIONAL = ("hostname", "referents", "editors")
ROLES = {"referents": MembershipRole.REFERENT, "editors": MembershipRole.EDITOR}


class ProvisioningError(Exception):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclasses.dataclass
class RowResult:
    line: int
    insee_code: str
    changes: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)


def read_rows(text):
    """The rows of the CSV ``text`` (comma or semicolon separated), with their line numbers."""
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise ProvisioningError(gettext("The file is empty."))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    missing = [name for name in REQUIRED if name not in reader.fieldnames]
    if missing:
        raise ProvisioningError(
            gettext("Columns missing from the file: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return [
        (reader.line_num, {key: (value or "").strip() for key, value in row.items() if key})
        for row in reader
        if any((value or "").strip() for value in row.values() if isinstance(value, str))
    ]


def _addresses(value):
    return [part.strip().lower() for part in value.replace(";", ",").replace(" ", ",").split(",") if part.strip()]


def _hostname_and_port(value):
    host, _sep, port = value.strip().lower().partition(":")
    return host, int(port) if port.isdigit() else 443


def _save(instance, reason, user):
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    instance.full_clean()
    instance.save()


def _commune(row, result, user):
    commune = Commune.objects.filter(insee_code=row["insee_code"]).first()
    wanted = {field: row[field] for field in ("name", "postcodes", "departement")}
    if commune is None:
        commune = Commune(insee_code=row["insee_code"], **wanted)
        _save(commune, gettext("Provisioned from a file"), user)
        result.changes.append(gettext("commune created"))
        return commune
    stale = {field: value for field, value in wanted.items() if getattr(commune, field) != value}
    if stale:
        for field, value in stale.items():
            setattr(commune, field, value)
        _save(commune, gettext("Provisioned from a file"), user)
        # The commune normalises its postcodes on save: compare what it keeps.
        commune.refresh_from_db()
        result.changes.append(gettext("commune updated: %(fields)s") % {"fields": ", ".join(sorted(stale))})
    return commune


def _home(commune, row, parent, result, user):
    home = CommuneHomePage.objects.filter(commune=commune).order_by("pk").first()
    hostname = row.get("hostname", "")
    if home is None:
        # A commune with its own host name is the root of its own Site, beside the others.
        under = Page.get_first_root_node() if hostname else parent
        with override(public_language()):
            title = gettext("L'Heure Civique in %(commune)s") % {"commune": commune.name}
        slug = slugify(f"heure-civique-{commune.name}") if hostname else slugify(commune.name)
        taken = set(Page.objects.child_of(under).values_list("slug", flat=True))
        if slug in taken:
            slug = f"{slug}-{commune.insee_code}"
        home = under.add_child(instance=CommuneHomePage(title=title, slug=slug, commune=commune, live=False))
        # Published as an editor would: the first publication creates its five pages.
        home.save_revision(user=user, log_action=True).publish(user=user)
        result.changes.append(gettext("home page and its pages created"))
        if commune.root_page_id != home.pk:
            commune.root_page = home
            _save(commune, gettext("Provisioned from a file"), user)
    if hostname:
        host, port = _hostname_and_port(hostname)
        site = Site.objects.filter(hostname=host, port=port).first()
        if site is None:
            Site.objects.create(hostname=host, port=port, root_page=home, site_name=commune.name)
            result.changes.append(gettext("site %(hostname)s created") % {"hostname": host})
        elif site.root_page_id != home.pk:
            raise ValidationError(
                gettext("The host name %(hostname)s is already the site of other pages.") % {"hostname": host}
            )
    return home


def _staff(commune, row, result, user):
    User = get_user_model()
    for column, role in ROLES.items():
        added = 0
        for address in _addresses(row.get(column, "")):
            validate_email(address)
            person = User.objects.filter(email__iexact=address).order_by("pk").first()
            if person is None:
                # No password: they choose one through the admin's "forgotten password" link.
                person = User(username=address[:150], email=address)
                person.set_unusable_password()
                person.save()
                result.changes.append(gettext("account created for %(email)s") % {"email": address})
            if not CommuneMembership.objects.filter(commune=commune, user=person, role=role).exists():
                _save(CommuneMembership(commune=commune, user=person, role=role), gettext("Provisioned from a file"),
                      user)
                added += 1
        if added:
            result.changes.append(
                ngettext("%(role)s: %(count)d person added", "%(role)s: %(count)d people added", added)
                % {"count": added, "role": role.label}
            )


def provision_row(line, row, *, parent, user=None, dry_run=False):
    """Create or update one commune and what it needs; nothing of it is kept on an error."""
    result = RowResult(line=line, insee_code=row.get("insee_code", ""))
    try:
        with transaction.atomic():
            missing = [field for field in REQUIRED if not row.get(field)]
            if missing:
                raise ValidationError(gettext("empty: %(columns)s") % {"columns": ", ".join(missing)})
            commune = _commune(row, result, user)
            _home(commune, row, parent, result, user)
            _staff(commune, row, result, user)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            result.errors = [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
        else:
            result.errors = list(error.messages)
        result.changes = []
    if dry_run:
        # A rolled-back Site stays in Wagtail's cache of site roots otherwise.
        Site.clear_site_root_paths_cache()
    return result


def provision(text, *, parent=None, user=None, dry_run=False):
    """Apply every row of the CSV ``text``; return one ``RowResult`` per row."""
    parent = parent or Site.objects.get(is_default_site=True).root_page
    return [provision_row(line, row, parent=parent, user=user, dry_run=dry_run) for line, row in read_rows(text)]
