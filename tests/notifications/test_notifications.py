"""E-mails: what each person receives, the links in them, the ledger, preferences, retries."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.workflow_helpers import Desk, answer, need_with_volunteers, received
from wagtail_heurecivique.core.enums import NotificationKind, NotificationStatus
from wagtail_heurecivique.models import Need, Notification, Proposal, Volunteer

pytestmark = pytest.mark.django_db



def parts(message):
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    return message.body, html


def path_of(url):
    return url.replace("http://testserver", "")


def links(text):
    return re.findall(r"http://testserver/\S+", text)


def proposed(commune, referent, commit, **need_kwargs):
    need, volunteers = need_with_volunteers(commune, **need_kwargs)
    received(need)
    desk = Desk(referent)
    commit(desk.qualify, need)
    commit(desk.propose, need, volunteers[0])
    return need, volunteers, desk


def test_the_proposal_e_mail_carries_working_answer_links(commune_a, referent_a, commit):
    need, (volunteer, _other), _desk = proposed(commune_a, referent_a, commit)
    [message] = [m for m in mail.outbox if volunteer.email in m.to]
    assert message.subject == f"[Heure Civique] Une proposition pour vous : {need.title}"
    text, html = parts(message)
    assert "Bonjour Camille," in text and need.description in text and "Bois-Colombes" in html
    assert "06 11 22 33 44" not in text + html  # no contact before acceptance
    accept, decline, unsubscribe = links(text)
    assert accept.endswith("?reponse=accept") and decline.endswith("?reponse=decline")
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = Client().get(path_of(accept))
    assert page.status_code == 200 and "autofocus" in page.content.decode()
    ledger = Notification.objects.get(kind=NotificationKind.PROPOSAL)
    assert (ledger.status, ledger.attempts, ledger.volunteer) == (NotificationStatus.SENT, 1, volunteer)
    assert ledger.subject == message.subject


def test_acceptance_confirms_with_the_contact_and_the_referrer_hears_without_details(commune_a, referent_a, commit):
    need, (volunteer, _other), desk = proposed(commune_a, referent_a, commit, referrer_email="docteur@example.org")
    mail.outbox.clear()
    commit(answer, Proposal.objects.get(), "accept")
    to_volunteer = [m for m in mail.outbox if m.to == [volunteer.email]]
    to_referrer = [m for m in mail.outbox if m.to == ["docteur@example.org"]]
    assert len(to_volunteer) == 1 and "06 11 22 33 44" in to_volunteer[0].body
    assert [m.subject for m in to_referrer] == [f"[Heure Civique] Votre orientation {need.reference} : Planifié"]
    text, html = parts(to_referrer[0])
    assert need.beneficiary.last_name not in text + html and volunteer.last_name not in text + html
    assert "Planifié" in html

    mail.outbox.clear()
    commit(desk.do, need, "follow_up", {"outcome": "done", "present": [Proposal.objects.get().pk],
                                         "date": timezone.localdate().isoformat(), "minutes": 75})
    thanks = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert len(thanks) == 1 and "75 minutes sont comptées" in thanks[0].body
    assert [m.to for m in mail.outbox if "Réalisé" in m.subject] == [["docteur@example.org"]]


def test_referrers_hear_each_news_once_and_can_unsubscribe(commune_a, referent_a, commit):
    need, _volunteers = need_with_volunteers(commune_a, count=0, referrer_email="ccas@example.org")
    received(need)
    commit(Desk(referent_a).qualify, need, decision="redirect", redirected_to="ccas", message="Voir le CCAS")
    [message] = mail.outbox
    assert "Réorienté" in message.subject
    unsubscribe = path_of(message.extra_headers["List-Unsubscribe"][1:-1])
    # The mail client's one-click button: a POST without CSRF token.
    response = Client(enforce_csrf_checks=True).post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.referrer_wants_updates is False


def test_reminders_and_did_it_happen_are_sent_once(commune_a, referent_a, commit):
    need, (volunteer, _other), desk = proposed(commune_a, referent_a, commit)
    commit(answer, Proposal.objects.get(), "accept")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Need.objects.filter(pk=need.pk).update(planned_date=tomorrow)
    mail.outbox.clear()
    commit(call_command, "heurecivique_reminders", stdout=mock.Mock())
    commit(call_command, "heurecivique_reminders", stdout=mock.Mock())
    assert [m.subject for m in mail.outbox] == [f"[Heure Civique] Demain : {need.title}"]

    Need.objects.filter(pk=need.pk).update(planned_date=timezone.localdate() - datetime.timedelta(days=1))
    mail.outbox.clear()
    commit(call_command, "heurecivique_reminders", stdout=mock.Mock())
    commit(call_command, "heurecivique_reminders", stdout=mock.Mock())
    [follow_up] = mail.outbox
    assert follow_up.subject.startswith("[Heure Civique] Cela a-t-il eu lieu ?")
    page = links(follow_up.body)[0]
    assert "Oui, cela a eu lieu" in Client().get(path_of(page)).content.decode()
    response = Client().post(path_of(page), {"answer": "happened", "comment": "Super après-midi"})
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert proposal.volunteer_feedback == "Cela a eu lieu. Super après-midi"
    desk.claim(need, "follow_up")
    assert "Super après-midi" in desk.client.get(desk.task_url(need, "follow_up")).content.decode()


def test_a_volunteer_who_unsubscribed_or_bounces_gets_nothing(commune_a, referent_a, commit):
    need, (first, second) = need_with_volunteers(commune_a, volunteers_wanted=2)
    Volunteer.objects.filter(pk=first.pk).update(wants_proposal_emails=False)
    Volunteer.objects.filter(pk=second.pk).update(email_bounced_at=timezone.now())
    received(need)
    desk = Desk(referent_a)
    commit(desk.qualify, need)
    commit(desk.propose, need, first, second)
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SKIPPED}


def test_the_volunteer_unsubscribes_from_reminders_through_the_page(commune_a, referent_a, commit):
    _need, (volunteer, _other), _desk = proposed(commune_a, referent_a, commit)
    token_url = path_of(links(mail.outbox[0].body)[-1])
    client = Client()
    assert "Ne plus recevoir" in client.get(token_url).content.decode()
    client.post(token_url)
    volunteer.refresh_from_db()
    assert volunteer.wants_proposal_emails is False
    assert volunteer.history.first().history_change_reason == "Désabonnement par le lien d’un e-mail"
    assert Client().get("/heurecivique/desabonnement/forged/").status_code == 404


def test_a_failed_send_is_recorded_then_retried_once_fixed(commune_a, referent_a, commit):
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP indisponible")):
        proposed(commune_a, referent_a, commit)
    ledger = Notification.objects.get()
    assert (ledger.status, ledger.attempts) == (NotificationStatus.FAILED, 1)
    assert "SMTP indisponible" in ledger.error and mail.outbox == []
    commit(call_command, "heurecivique_send_pending", stdout=mock.Mock())
    assert mail.outbox == []  # too young: its own task may still be running
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    commit(call_command, "heurecivique_send_pending", stdout=mock.Mock())
    commit(call_command, "heurecivique_send_pending", stdout=mock.Mock())
    ledger.refresh_from_db()
    assert (ledger.status, ledger.attempts) == (NotificationStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_the_referent_digest_says_something_or_nothing(commune_a, commune_b, referent_a, referent_b, commit):
    need = factories.need(commune_a, title="Courses de Mme Blanc")
    received(need)
    commit(call_command, "heurecivique_referent_digest", stdout=mock.Mock())
    commit(call_command, "heurecivique_referent_digest", stdout=mock.Mock())
    [digest] = mail.outbox
    assert digest.to == [referent_a.email]
    assert "Courses de Mme Blanc" in digest.body and "1 tâche à prendre en charge" in digest.body
    assert "http://testserver/admin/heurecivique/taches/" in digest.body
    assert not Notification.objects.filter(user=referent_b).exists()


def test_a_referent_reads_the_digest_in_their_admin_language(commune_a, referent_a, commit):
    from wagtail.users.models import UserProfile

    UserProfile.objects.create(user=referent_a, preferred_language="en")
    received(factories.need(commune_a, title="Courses de Mme Blanc"))
    commit(call_command, "heurecivique_referent_digest", stdout=mock.Mock())
    [digest] = mail.outbox
    assert "1 task to take on" in digest.body and "tâche" not in digest.body


def test_the_ledger_shows_on_the_volunteer_s_page(client, commune_a, referent_a, referent_b, commit):
    from wagtail_modeladmin.helpers import AdminURLHelper

    proposed(commune_a, referent_a, commit)
    volunteer = Notification.objects.get().volunteer
    client.force_login(referent_a)
    content = client.get(AdminURLHelper(Volunteer).get_action_url("inspect", volunteer.pk)).content.decode()
    assert "Courriels envoyés" in content and "Une proposition pour vous" in content
    ledger = AdminURLHelper(Notification)
    assert volunteer.email in client.get(ledger.index_url).content.decode()
    other = Client()
    other.force_login(referent_b)
    assert volunteer.email not in other.get(ledger.index_url).content.decode()
    assert client.get(ledger.create_url).status_code in (302, 403)
    row = Notification.objects.get()
    assert client.get(ledger.get_action_url("edit", row.pk)).status_code in (302, 403)
    assert client.post(ledger.get_action_url("delete", row.pk), {"reason": "x"}).status_code in (302, 403)
    assert Notification.objects.filter(pk=row.pk).exists()
    assert other.get(ledger.get_action_url("inspect", row.pk)).status_code == 404


def test_a_retry_does_not_send_what_no_longer_holds(commune_a, referent_a, commit):
    need, (volunteer, _other), _desk = proposed(commune_a, referent_a, commit)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("panne")):
        commit(answer, Proposal.objects.get(), "accept")
    accepted = Notification.objects.get(kind=NotificationKind.ACCEPTED)
    assert accepted.status == NotificationStatus.FAILED
    Proposal.objects.update(status="cancelled")
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    mail.outbox.clear()
    commit(call_command, "heurecivique_send_pending", stdout=mock.Mock())
    accepted.refresh_from_db()
    assert accepted.status == NotificationStatus.SKIPPED and mail.outbox == []


def test_subjects_are_plain_text(commune_a, referent_a, commit):
    need, (volunteer, _other), _desk = proposed(commune_a, referent_a, commit, title="Courses d'Éric & Zoé")
    assert mail.outbox[0].subject.endswith("Courses d'Éric & Zoé")


def test_the_ledger_on_a_volunteer_s_page_is_scoped(client, commune_a, commune_b, referent_a, referent_b, commit):
    from wagtail_modeladmin.helpers import AdminURLHelper

    commune_a.neighbour_communes.add(commune_b)
    need, _ = need_with_volunteers(commune_a, count=0, title="Courses de Mme Blanc")
    helper = factories.volunteer(commune_b)
    helper.skills.set(need.skills.all())
    received(need)
    desk = Desk(referent_a)
    commit(desk.qualify, need)
    commit(desk.propose, need, helper)
    assert Notification.objects.get().volunteer == helper
    client.force_login(referent_b)
    content = client.get(AdminURLHelper(Volunteer).get_action_url("inspect", helper.pk)).content.decode()
    assert "Mme Blanc" not in content


def test_the_monthly_message_once_per_volunteer_and_month(commune_a, commit):
    import datetime as dt

    from tests.builders import make_actions
    from wagtail_heurecivique.models import HoursRecord, VolunteerSpacePage

    index, [action] = make_actions(commune_a, start=timezone.now() + dt.timedelta(hours=2))
    space = index.get_parent().add_child(instance=VolunteerSpacePage(title="Mon espace", slug="mon-espace"))
    month = timezone.localtime(action.start).date()
    active = factories.volunteer(commune_a, first_name="Inès")
    HoursRecord.objects.create(volunteer=active, date=timezone.localdate(), minutes=90)
    factories.volunteer(commune_a, wants_monthly_message=False)
    factories.volunteer(commune_a, status="pending")
    for _run in range(2):
        commit(call_command, "heurecivique_monthly", month=f"{month:%Y-%m}", stdout=mock.Mock())
    [message] = mail.outbox
    assert message.to == [active.email]
    name = _month_name(month)
    elided = f"d’{name}" if name[0] in "aeiou" else f"de {name}"  # d’avril, d’août, d’octobre
    assert message.subject == f"[Heure Civique] Votre Heure Civique {elided}"
    text, html = parts(message)
    assert action.title in text and action.get_full_url() in html
    assert "90 minutes" in text
    assert f"Modifiez-la dans votre espace bénévole : {space.get_full_url()}" in text
    assert "desabonnement" in message.extra_headers["List-Unsubscribe"]
    with pytest.raises(Exception, match="AAAA-MM"):
        call_command("heurecivique_monthly", month="décembre", stdout=mock.Mock())


def _month_name(day):
    from django.utils.dateformat import format as date_format
    from django.utils.translation import override

    with override("fr"):
        return date_format(day, "F")


def _add_action(index, title, start):
    from wagtail_heurecivique.models import ActionPage

    return index.add_child(instance=ActionPage(
        title=title, slug=title.lower().replace(" ", "-"), kind="collective", start=start, place="Parc Lagravère",
        capacity=10,
    ))


def _at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 14, 0))


def test_quarterly_volunteers_hear_in_january_april_july_october_about_the_quarter(commune_a, commit):
    from django.utils.translation import override

    from tests.builders import make_actions
    from wagtail_heurecivique.core.enums import MessageFrequency
    from wagtail_heurecivique.models import HoursRecord

    year = timezone.localdate().year + 1  # a quarter wholly ahead: its actions are all to come
    index, _ = make_actions(commune_a, start=_at(year, 4, 2))
    _add_action(index, "Repas partagé de mai", _at(year, 5, 20))
    _add_action(index, "Fête de juillet", _at(year, 7, 14))
    monthly = factories.volunteer(commune_a, first_name="Mona")
    quarterly = factories.volunteer(commune_a, first_name="Quentin", message_frequency=MessageFrequency.QUARTERLY)
    HoursRecord.objects.create(volunteer=quarterly, date=datetime.date(year, 1, 10), minutes=60)
    HoursRecord.objects.create(volunteer=quarterly, date=datetime.date(year, 3, 5), minutes=45)
    HoursRecord.objects.create(volunteer=quarterly, date=datetime.date(year - 1, 12, 5), minutes=500)

    commit(call_command, "heurecivique_monthly", month=f"{year}-03", stdout=mock.Mock())
    assert [m.to for m in mail.outbox] == [[monthly.email]]
    mail.outbox.clear()
    for _run in range(2):
        commit(call_command, "heurecivique_monthly", month=f"{year}-04", stdout=mock.Mock())
    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2 and set(by_person) == {monthly.email, quarterly.email}

    to_monthly = by_person[monthly.email]
    assert "avril" in to_monthly.subject and "juin" not in to_monthly.subject
    text, _html = parts(to_monthly)
    assert "Nettoyage des berges 0" in text and "Repas partagé de mai" not in text

    to_quarterly = by_person[quarterly.email]
    assert "avril" in to_quarterly.subject and "juin" in to_quarterly.subject
    assert to_quarterly.subject != to_monthly.subject
    text, html = parts(to_quarterly)
    for part in (text, html):
        assert "Nettoyage des berges 0" in part and "Repas partagé de mai" in part
        assert "Fête de juillet" not in part
        assert "105 minutes" in part  # January to March; not last December's
    with override("fr"):
        assert str(MessageFrequency.QUARTERLY.label) in text
    assert Notification.objects.filter(volunteer=quarterly).count() == 1

    mail.outbox.clear()
    commit(call_command, "heurecivique_monthly", month=f"{year}-05", stdout=mock.Mock())
    assert [m.to for m in mail.outbox] == [[monthly.email]]


def test_the_quarterly_message_says_so_when_nothing_is_planned(commune_a, commit):
    from django.utils.translation import gettext, override

    from wagtail_heurecivique.core.enums import MessageFrequency

    year = timezone.localdate().year + 1
    quarterly = factories.volunteer(commune_a, message_frequency=MessageFrequency.QUARTERLY)
    commit(call_command, "heurecivique_monthly", month=f"{year}-10", stdout=mock.Mock())
    [message] = mail.outbox
    assert message.to == [quarterly.email]
    assert "octobre" in message.subject and "décembre" in message.subject
    text, _html = parts(message)
    with override("fr"):
        this_month = gettext("No collective action is planned this month yet: the town hall may propose you a need near you.")
        these_months = gettext(
            "No collective action is planned for these three months yet: the town hall may propose you a need near you."
        )
    assert these_months in text and this_month not in text


def test_a_paused_volunteer_gets_no_monthly_message(commune_a, commit):
    year = timezone.localdate().year + 1
    first = datetime.date(year, 2, 1)
    paused = factories.volunteer(commune_a, paused_until=first)
    back = factories.volunteer(commune_a, paused_until=first - datetime.timedelta(days=1))
    commit(call_command, "heurecivique_monthly", month=f"{year}-02", stdout=mock.Mock())
    assert [m.to for m in mail.outbox] == [[back.email]]
    assert not Notification.objects.filter(volunteer=paused).exists()


def test_a_pause_asked_for_after_the_message_was_queued_stops_it(commune_a, commit):
    from wagtail_heurecivique.notifications import events
    from wagtail_heurecivique.notifications.delivery import deliver

    year = timezone.localdate().year + 1
    volunteer = factories.volunteer(commune_a)
    ledger = events.monthly_message(volunteer, datetime.date(year, 3, 1))  # its task not run yet
    Volunteer.objects.filter(pk=volunteer.pk).update(paused_until=datetime.date(year, 3, 31))
    assert deliver(ledger.pk) == NotificationStatus.SKIPPED
    ledger.refresh_from_db()
    assert "pause" in ledger.error
    assert mail.outbox == []


def test_the_monthly_subject_elides_before_a_vowel_in_french():
    from django.utils.translation import override

    from wagtail_heurecivique.notifications.delivery import MONTHLY_SUBJECTS

    with override("fr"):
        subjects = {month: str(subject) for month, subject in MONTHLY_SUBJECTS.items()}
    assert (subjects[4], subjects[8], subjects[10]) == (
        "Votre Heure Civique d’avril", "Votre Heure Civique d’août", "Votre Heure Civique d’octobre")
    assert (subjects[1], subjects[12]) == ("Votre Heure Civique de janvier", "Votre Heure Civique de décembre")
