"""The référent's ranked suggestions for a need, in the back office."""

import pytest
from wagtail_modeladmin.helpers import AdminURLHelper

from tests import factories
from tests.workflow_helpers import Desk, received
from wagtail_heurecivique.core.enums import ActionKind
from wagtail_heurecivique.models import Need, Proposal, Skill, Volunteer

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
def test_referent_sees_ranked_suggestions(client, referent_a, need_with_helpers):
    need, (roux, petit) = need_with_helpers
    url = NEEDS.get_action_url("suggestions", need.pk)
    client.force_login(referent_a)
    assert url in client.get(NEEDS.index_url).content.decode()

    content = client.get(url).content.decode()
    assert "compétences : Courses" in content and "pas encore sollicité ce mois-ci" in content
    assert content.index("Roux") < content.index("Petit")  # tie broken by id, stable
    # Proposals go through the need workflow's task, not this page.
    assert "« Proposer aux volontaires »" in content
    assert client.post(url, {"volunteer": petit.pk}).status_code == 405
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
def test_a_neighbouring_communes_volunteer_can_be_proposed(client, commune_a, commune_b, referent_a):
    commune_a.neighbour_communes.add(commune_b)
    category = factories.category()
    skill = Skill.objects.create(name="Courses", slug="courses", category=category)
    need = factories.need(commune_a, category=category, kind=ActionKind.INTERPERSONAL)
    need.skills.set([skill])
    neighbour = factories.volunteer(commune_b, last_name="Voisin")
    neighbour.skills.set([skill])
    url = AdminURLHelper(Need).get_action_url("suggestions", need.pk)
    client.force_login(referent_a)
    content = client.get(url).content.decode()
    assert "Voisin" in content
    assert AdminURLHelper(Volunteer).get_action_url("inspect", neighbour.pk) not in content
    received(need)
    desk = Desk(referent_a)
    desk.qualify(need)
    response = desk.propose(need, neighbour)
    assert response.status_code == 302
    assert Proposal.objects.get().volunteer == neighbour
