"""A département's communes, from one CSV file or one form: records, home pages, sites and staff.

One row per commune: INSEE code, name, postcodes, département and, optionally, a host name
(one Wagtail Site for the commune) and the e-mail addresses of its référents and editors.
``provision_row`` applies one row in its own transaction — all or nothing for that commune —
and says what it changed; applying the same row again changes nothing. The management
command (``provision``, a whole file) and the back office's form (one commune) both go
through it. The commune's groups, collection and page permissions follow from its record and
its memberships (receivers).
"""

import csv
import dataclasses
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import DomainNameValidator, validate_email, validate_ipv46_address
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext, override
from wagtail.models import Page, Site

from wagtail_heurecivique.core.enums import MembershipRole
from wagtail_heurecivique.core.language import public_language
from wagtail_heurecivique.core.models.communes import Commune, CommuneMembership
from wagtail_heurecivique.site.homes import CommuneHomePage
from wagtail_heurecivique.tenancy.pages import create_missing_pages

REQUIRED = ("insee_code", "name", "postcodes", "departement")
OPTIONAL = ("hostname", "referents", "editors")
ROLES = {"referents": MembershipRole.REFERENT, "editors": MembershipRole.EDITOR}


class ProvisioningError(Exception):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclasses.dataclass
class RowResult:
    """What one row changed, or why nothing of it was kept.

    ``field_errors`` maps a column (``None``: the row as a whole) to its messages, so that a
    form shows each one next to its field; ``errors`` says them on one line each, for a command.
    """

    line: int | None
    insee_code: str
    changes: list = dataclasses.field(default_factory=list)
    field_errors: dict = dataclasses.field(default_factory=dict)

    @property
    def errors(self):
        return [
            f"{column}: {' '.join(messages)}" if column else " ".join(messages)
            for column, messages in self.field_errors.items()
        ]


def default_parent():
    """Where a commune without a host name of its own gets its home: the default site's root page."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site is not None else None


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


def _is_host(host):
    if host == "localhost":
        return True
    for validate in (DomainNameValidator(), validate_ipv46_address):
        try:
            validate(host)
        except ValidationError:
            continue
        return True
    return False


def _hostname_and_port(value):
    host, _sep, port = value.strip().lower().partition(":")
    return host, int(port) if port.isdigit() else 443


def _check(row):
    """Every error of the row that needs no database, at once: a form shows them all together."""
    errors = {}
    missing = [field for field in REQUIRED if not row.get(field)]
    if missing:
        errors[NON_FIELD_ERRORS] = [gettext("empty: %(columns)s") % {"columns": ", ".join(missing)}]
    # The commune's own validators (INSEE code, postcodes, département), before anything is written.
    candidate = Commune(**{field: row.get(field, "") for field in REQUIRED})
    try:
        candidate.clean_fields(exclude=[f.name for f in Commune._meta.fields if f.name not in REQUIRED])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if row.get(field):  # an empty one is already said
                errors[field] = messages
    hostname = row.get("hostname", "")
    if hostname:
        host, _sep, port = hostname.strip().lower().partition(":")
        if not _is_host(host) or (port and not port.isdigit()):
            errors["hostname"] = [
                gettext("“%(hostname)s” is not a host name such as heurecivique.vernon.fr (without https:// or /).")
                % {"hostname": hostname}
            ]
    for column in ROLES:
        wrong = []
        for address in _addresses(row.get(column, "")):
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            errors[column] = [
                ngettext(
                    "Not an e-mail address: %(addresses)s.", "Not e-mail addresses: %(addresses)s.", len(wrong)
                )
                % {"addresses": ", ".join(wrong)}
            ]
    if errors:
        raise ValidationError(errors)


def _save(instance, reason, user):
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    instance.full_clean()
    instance.save()


def _commune(row, result, user, reason):
    commune = Commune.objects.filter(insee_code=row["insee_code"]).first()
    wanted = {field: row[field] for field in ("name", "postcodes", "departement")}
    if commune is None:
        commune = Commune(insee_code=row["insee_code"], **wanted)
        _save(commune, reason, user)
        result.changes.append(gettext("commune created"))
        return commune
    stale = {field: value for field, value in wanted.items() if getattr(commune, field) != value}
    if stale:
        for field, value in stale.items():
            setattr(commune, field, value)
        _save(commune, reason, user)
        # The commune normalises its postcodes on save: compare what it keeps.
        commune.refresh_from_db()
        result.changes.append(gettext("commune updated: %(fields)s") % {"fields": ", ".join(sorted(stale))})
    return commune


def _parent_for_home(parent):
    if parent is None:
        raise ValidationError(
            {"parent_page": gettext("There is no default site: choose the page the commune's home goes under.")}
        )
    if not CommuneHomePage.can_create_at(parent):
        raise ValidationError(
            {"parent_page": gettext("A commune's home cannot go under the page “%(page)s”: choose another page.")
             % {"page": parent.get_admin_display_title()}}
        )
    return parent


def _home(commune, row, parent, result, user, reason):
    home = CommuneHomePage.objects.filter(commune=commune).order_by("pk").first()
    hostname = row.get("hostname", "")
    if home is None:
        # A commune with its own host name is the root of its own Site, beside the others.
        under = Page.get_first_root_node() if hostname else _parent_for_home(parent)
        with override(public_language()):
            title = gettext("L'Heure Civique in %(commune)s") % {"commune": commune.name}
        slug = slugify(f"heure-civique-{commune.name}") if hostname else slugify(commune.name)
        taken = set(Page.objects.child_of(under).values_list("slug", flat=True))
        if slug in taken:
            slug = f"{slug}-{commune.insee_code}"
        home = under.add_child(
            instance=CommuneHomePage(title=title, slug=slug, commune=commune, live=False, owner=user)
        )
        revision = home.save_revision(user=user, log_action=True)
        # Its five pages before its first publication (which then finds none missing), published
        # in the user's name whatever their page permissions: a coordinator provisions communes
        # with none on their pages (see ``tenancy``), and was allowed to by ``provisioning_admin``.
        create_missing_pages(home, user=user, publish=True)
        revision.publish(user=user, skip_permission_checks=True)
        result.changes.append(gettext("home page and its pages created"))
        if commune.root_page_id != home.pk:
            commune.root_page = home
            _save(commune, reason, user)
    if hostname:
        host, port = _hostname_and_port(hostname)
        site = Site.objects.filter(hostname=host, port=port).first()
        if site is None:
            Site.objects.create(hostname=host, port=port, root_page=home, site_name=commune.name)
            result.changes.append(gettext("site %(hostname)s created") % {"hostname": host})
        elif site.root_page_id != home.pk:
            raise ValidationError(
                {"hostname": gettext("The host name %(hostname)s is already the site of other pages.")
                 % {"hostname": host}}
            )
    return home


def _account(User, address, column):
    person = User.objects.filter(email__iexact=address).order_by("pk").first()
    if person is not None:
        return person, False
    username = address[:150]
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {column: gettext("The user name %(username)s belongs to an account with another e-mail address: "
                             "give that account the address, or use another one.") % {"username": username}}
        )
    # No password: they choose one through the admin's "forgotten password" link.
    person = User(username=username, email=address)
    person.set_unusable_password()
    person.save()
    return person, True


def _staff(commune, row, result, user, reason):
    User = get_user_model()
    for column, role in ROLES.items():
        added = 0
        for address in _addresses(row.get(column, "")):
            person, created = _account(User, address, column)
            if created:
                result.changes.append(gettext("account created for %(email)s") % {"email": address})
            if not CommuneMembership.objects.filter(commune=commune, user=person, role=role).exists():
                _save(CommuneMembership(commune=commune, user=person, role=role), reason, user)
                added += 1
        if added:
            result.changes.append(
                ngettext("%(role)s: %(count)d person added", "%(role)s: %(count)d people added", added)
                % {"count": added, "role": role.label}
            )


def provision_row(row, *, parent=None, user=None, dry_run=False, reason=None, line=None):
    """Create or update one commune and what it needs; nothing of it is kept on an error.

    ``row``: the columns of ``REQUIRED`` and ``OPTIONAL``, as stripped strings. ``parent``: the
    page a new home without a host name goes under (default: ``default_parent()``). ``reason``:
    the history's change reason of the records written, by ``user``. ``dry_run``: everything is
    done, then rolled back, so that the result says exactly what would change.
    """
    result = RowResult(line=line, insee_code=row.get("insee_code", ""))
    reason = reason or gettext("Provisioned from a file")
    try:
        with transaction.atomic():
            _check(row)
            commune = _commune(row, result, user, reason)
            _home(commune, row, parent if parent is not None else default_parent(), result, user, reason)
            _staff(commune, row, result, user, reason)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            result.field_errors = {
                (None if field == NON_FIELD_ERRORS else field): messages
                for field, messages in error.message_dict.items()
            }
        else:
            result.field_errors = {None: list(error.messages)}
        result.changes = []
    if dry_run:
        # A rolled-back Site stays in Wagtail's cache of site roots otherwise.
        Site.clear_site_root_paths_cache()
    return result


def provision(text, *, parent=None, user=None, dry_run=False):
    """Apply every row of the CSV ``text``; return one ``RowResult`` per row."""
    parent = parent or default_parent()
    return [
        provision_row(row, parent=parent, user=user, dry_run=dry_run, line=line) for line, row in read_rows(text)
    ]
