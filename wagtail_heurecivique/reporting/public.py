"""The figures a commune's public counters show, cached per commune and period.

A commune's home (and a host's page listing every commune) showed counters that ran the whole
``indicators.compute()`` — fifteen aggregates over twelve months — on every view, for each
commune. ``public_counters(communes, start, end)`` computes only the six figures the counters
show, for any number of communes in six grouped queries, and keeps them in Django's cache
(the ``default`` one, shared by every server process in production) under a key holding the
commune, the period and the commune's public version (``core.public_cache``), bumped by
``reporting.receivers`` when the commune's volunteers, hours, needs, proposals, actions,
registrations or pages are saved or deleted: its next view computes again. Writes that send no signal (``QuerySet.update``, raw SQL) are caught up by the TTL,
``PUBLIC_FIGURES_CACHE_SECONDS``.

What is cached is values only (small counts already suppressed, as ``public_figures``
publishes them): the labels are translated when the counters are rendered, in the page's
language.
"""

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

from wagtail_heurecivique.core.enums import NeedStatus, ProposalStatus, RegistrationStatus, VolunteerStatus
from wagtail_heurecivique.core.models.needs import HoursRecord, Need, Proposal
from wagtail_heurecivique.core.models.people import Volunteer
from wagtail_heurecivique.core.models.registrations import Registration
from wagtail_heurecivique.core.public_cache import versions
from wagtail_heurecivique.core.settings import get_setting
from wagtail_heurecivique.reporting.indicators import held_actions, period_bounds, suppress_small_counts
from wagtail_heurecivique.site.homes import CommuneHomePage

#: The counters, in the order they are shown, with the labels and units of ``compute()``'s rows.
COUNTERS = {
    "volunteers_active": (_("Active volunteers"), ""),
    "hours_total": (_("Hours given"), "h"),
    "needs_status_done": (None, ""),  # "Needs: done", labelled as compute() does (below)
    "beneficiaries_helped": (_("Beneficiaries helped"), ""),
    "actions_held": (_("Actions held"), ""),
    "action_participants": (_("Participants in the actions held (places taken)"), ""),
}
#: Counts of people, suppressed below ``SMALL_COUNT`` (the others are amounts: hours, actions).
SUPPRESSED = ("volunteers_active", "needs_status_done", "beneficiaries_helped", "action_participants")

FIGURES_KEY = "heurecivique:public-figures:{pk}:{version}:{start:%Y-%m-%d}:{end:%Y-%m-%d}"


def label(key):
    if key == "needs_status_done":
        return _("Needs: %(status)s") % {"status": NeedStatus.DONE.label}
    return str(COUNTERS[key][0])


def public_counters(communes, start, end):
    """``{commune pk: {counter key: value}}`` for ``communes`` (communes or their pks), ``start`` to ``end`` included.

    Two cache reads whatever the number of communes; the communes missing from the cache are
    computed together, in six queries.
    """
    ids = [getattr(commune, "pk", commune) for commune in communes]
    keys = {pk: FIGURES_KEY.format(pk=pk, version=version, start=start, end=end) for pk, version in versions(ids).items()}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in found]
    computed = compute_counters(missing, start, end) if missing else {}
    if computed:
        cache.set_many({keys[pk]: figures for pk, figures in computed.items()},
                       timeout=get_setting("PUBLIC_FIGURES_CACHE_SECONDS"))
    return {pk: found[keys[pk]] if keys[pk] in found else computed[pk] for pk in ids}


def compute_counters(commune_ids, start, end):
    """The counters of ``commune_ids`` from the database: six grouped queries, whatever their number.

    The same figures as ``indicators.public_figures`` (and ``compute()``'s rows of these keys).
    """
    begin, finish = period_bounds(start, end)
    raw = {pk: dict.fromkeys(COUNTERS, 0) for pk in commune_ids}

    def gather(key, rows):
        for pk, value in rows:
            if pk in raw:
                raw[pk][key] = value or 0

    gather("volunteers_active", Volunteer.objects.filter(commune__in=commune_ids, status=VolunteerStatus.ACTIVE)
           .order_by().values("commune").annotate(n=Count("pk")).values_list("commune", "n"))
    gather("hours_total", HoursRecord.objects.filter(volunteer__commune__in=commune_ids, date__gte=start, date__lte=end)
           .order_by().values("volunteer__commune").annotate(m=Sum("minutes")).values_list("volunteer__commune", "m"))
    gather("needs_status_done", Need.objects.filter(
        commune__in=commune_ids, created_at__gte=begin, created_at__lt=finish, status=NeedStatus.DONE,
    ).order_by().values("commune").annotate(n=Count("pk")).values_list("commune", "n"))
    gather("beneficiaries_helped", Proposal.objects.filter(
        need__commune__in=commune_ids, proposed_at__gte=begin, proposed_at__lt=finish, status=ProposalStatus.DONE,
    ).order_by().values("need__commune").annotate(n=Count("need__beneficiary", distinct=True))
           .values_list("need__commune", "n"))

    # An action's commune is the home's above it (``held_actions``): grouped by that home's commune.
    def home_commune(path):
        return Subquery(CommuneHomePage.objects.filter(
            commune__in=commune_ids, path=Substr(OuterRef(path), 1, Length("path")),
        ).order_by().values("commune")[:1])

    actions = held_actions(commune_ids, begin, finish)
    gather("actions_held", actions.annotate(home_commune=home_commune("path"))
           .values("home_commune").annotate(n=Count("pk")).values_list("home_commune", "n"))
    gather("action_participants", Registration.objects.filter(
        action__in=actions.values("pk"), status=RegistrationStatus.REGISTERED,
    ).order_by().annotate(home_commune=home_commune("action__path"))
           .values("home_commune").annotate(n=Count("pk")).values_list("home_commune", "n"))

    counters = {}
    for pk, figures in raw.items():
        figures["hours_total"] = round(figures["hours_total"] / 60, 1)
        counters[pk] = {key: suppress_small_counts(value) if key in SUPPRESSED else value
                        for key, value in figures.items()}
    return counters


def displayed(figures):
    """The counters of one commune as the template shows them: label, value, unit."""
    return [{"label": label(key), "value": figures[key], "unit": COUNTERS[key][1]} for key in COUNTERS]
