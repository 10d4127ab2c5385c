"""The référent's ranked suggestions for a need, in the back office."""

import pytest
from wagtail_modeladmin.helpers import AdminURLHelper

from wagtail_heurecivique.enums import ActionKind, NeedStatus
from wagtail_heurecivique.models import Need, Proposal, Skill

from . import factories

NEEDS = AdminURLHelper(Need)


@pytest.fixture
def need_with_helpers(commune_a):
    category = factories.category("Courses")
    skill = Skill.objects.create(name="Courses", slug="courses", category=category)
    need = factories.need(commune_a, category=category, kind=ActionKind.INTERPERSONAL, postcode="92270")
    need.skills.set([skill])
    helpers = []
    for name in ("Roux", "Petit"):
        volunteer = factories.volunteer(commune_a, last_name=name)
        volunteer.skills.set([skill])
        helpers.append(volunteer)
    return need, helpers


@pytest.mark.django_db
def test_referent_sees_ranked_suggestions_and_proposes(client, referent_a, need_with_helpers):
    need, (roux, petit) = need_with_helpers
    url = NEEDS.get_action_url("suggestions", need.pk)
    client.force_login(referent_a)
    assert url in client.get(NEEDS.index_url).content.decode()

    content = client.get(url).content.decode()
    assert "compétences : Courses" in content and "pas encore sollicité ce mois-ci" in content
    assert content.index("Roux") < content.index("Petit")  # tie broken by id, stable

    response = client.post(url, {"volunteer": petit.pk}, follow=True)
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert proposal.volunteer == petit and proposal.proposed_by == referent_a
    assert "compétences : Courses" in proposal.score_explanation
    assert proposal.history.get().history_user == referent_a
    assert "Petit" not in response.content.decode().split("<tbody>")[1]  # no longer suggested


@pytest.mark.django_db
def test_a_forged_or_ineligible_volunteer_is_refused(client, referent_a, commune_b, need_with_helpers):
    need, _helpers = need_with_helpers
    stranger = factories.volunteer(commune_b)
    client.force_login(referent_a)
    response = client.post(NEEDS.get_action_url("suggestions", need.pk), {"volunteer": stranger.pk})
    assert response.status_code == 400
    assert "ne peut plus être proposé" in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.django_db
def test_suggestions_are_scoped_and_permission_checked(client, referent_b, coordinator, need_with_helpers):
    need, _helpers = need_with_helpers
    url = NEEDS.get_action_url("suggestions", need.pk)
    client.force_login(referent_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"volunteer": 1}).status_code == 404
    client.force_login(coordinator)  # reads everything, proposes nothing
    assert client.get(url).status_code in (302, 403)


@pytest.mark.django_db
def test_closed_need_takes_no_proposal(client, referent_a, need_with_helpers):
    need, (roux, _petit) = need_with_helpers
    need.status = NeedStatus.CLOSED
    need.save()
    client.force_login(referent_a)
    client.post(NEEDS.get_action_url("suggestions", need.pk), {"volunteer": roux.pk})
    assert not Proposal.objects.exists()
