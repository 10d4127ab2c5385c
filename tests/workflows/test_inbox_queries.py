"""The référent's inbox asks the database the same number of times whatever it holds (issue 21).

Its tasks are found through the processes' own commune column: a need or a volunteer that
moves commune takes its process along, and the inbox of each commune follows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.workflow_helpers import Desk, received
from wagtail_heurecivique.core.enums import MembershipRole, VolunteerStatus
from wagtail_heurecivique.models import CommuneMembership
from workflows.flows import start_onboarding
from workflows.models import NeedProcess, OnboardingProcess

pytestmark = pytest.mark.django_db


def add_tasks(commune, needs, welcomes):
    """``needs`` needs to qualify and ``welcomes`` volunteers to interview, in ``commune``."""
    for _ in range(needs):
        received(factories.need(commune))
    for _ in range(welcomes):
        start_onboarding(factories.volunteer(commune, status=VolunteerStatus.TO_INTERVIEW))


def inbox_queries(desk, **params):
    desk.client.get(reverse("heurecivique_inbox"), params)  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        response = desk.client.get(reverse("heurecivique_inbox"), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_inbox_asks_as_often_with_many_tasks_in_many_communes(commune_a, commune_b, referent_a):
    desk = Desk(referent_a)
    add_tasks(commune_a, needs=2, welcomes=1)
    small, content = inbox_queries(desk)
    small_page_two, _content = inbox_queries(desk, p=2)
    assert content.count("<td><a href=") == 3

    # More tasks in A, a second commune of the référent's, and a commune that is not theirs.
    commune_c = factories.commune(name="Colombes", insee_code="92025", postcodes="92700")
    CommuneMembership.objects.create(commune=commune_c, user=referent_a, role=MembershipRole.REFERENT)
    add_tasks(commune_a, needs=20, welcomes=5)
    add_tasks(commune_c, needs=10, welcomes=5)
    add_tasks(commune_b, needs=5, welcomes=2)
    large, content = inbox_queries(desk)
    large_page_two, page_two = inbox_queries(desk, p=2)

    assert content.count("<td><a href=") == 25
    assert page_two.count("<td><a href=") == 3 + 25 + 15 - 25
    assert "Beaumont-sur-Oise" not in content + page_two
    assert (large, large_page_two) == (small, small_page_two)


def test_filtering_by_commune_asks_as_often(commune_a, referent_a):
    commune_c = factories.commune(name="Colombes", insee_code="92025", postcodes="92700")
    CommuneMembership.objects.create(commune=commune_c, user=referent_a, role=MembershipRole.REFERENT)
    desk = Desk(referent_a)
    add_tasks(commune_c, needs=1, welcomes=1)
    small, _content = inbox_queries(desk, commune=commune_c.pk)
    add_tasks(commune_c, needs=12, welcomes=4)
    add_tasks(commune_a, needs=12, welcomes=4)
    large, content = inbox_queries(desk, commune=commune_c.pk)
    assert content.count("<td><a href=") == 18
    assert large == small


def test_a_process_starts_with_its_subjects_commune(commune_a):
    need = received(factories.need(commune_a))
    volunteer = factories.volunteer(commune_a, status=VolunteerStatus.TO_INTERVIEW)
    start_onboarding(volunteer)
    assert NeedProcess.objects.get(need=need).commune == commune_a
    assert OnboardingProcess.objects.get(volunteer=volunteer).commune == commune_a


def test_a_need_or_volunteer_that_moves_commune_takes_its_tasks_along(commune_a, commune_b, referent_a, referent_b):
    need = received(factories.need(commune_a, title="Courses de Mme Martin"))
    volunteer = factories.volunteer(commune_a, first_name="Lucien", last_name="Moreau",
                                    status=VolunteerStatus.TO_INTERVIEW)
    start_onboarding(volunteer)
    a, b = Desk(referent_a), Desk(referent_b)
    assert "Courses de Mme Martin" in inbox_queries(a)[1] and "Lucien" in inbox_queries(a)[1]

    need.commune = commune_b
    need.save()
    volunteer.commune = commune_b
    volunteer.save(update_fields=["commune"])

    assert NeedProcess.objects.get(need=need).commune == commune_b
    assert OnboardingProcess.objects.get(volunteer=volunteer).commune == commune_b
    in_a, in_b = inbox_queries(a)[1], inbox_queries(b)[1]
    assert "Courses de Mme Martin" not in in_a and "Lucien" not in in_a
    assert "Courses de Mme Martin" in in_b and "Lucien" in in_b


def test_saving_other_fields_leaves_the_process_alone(commune_a):
    volunteer = factories.volunteer(commune_a, status=VolunteerStatus.TO_INTERVIEW)
    start_onboarding(volunteer)
    volunteer.phone = "06 12 34 56 78"
    with CaptureQueriesContext(connection) as captured:
        volunteer.save(update_fields=["phone"])
    assert captured.captured_queries
    assert not [query for query in captured.captured_queries if OnboardingProcess._meta.db_table in query["sql"]]
