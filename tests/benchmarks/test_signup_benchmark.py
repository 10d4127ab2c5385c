"""Benchmark: the signup form (GET) against a bare Wagtail page at the same depth (issue 21).

Goal: ≤ 1.5× the render of a bare ``wagtailcore.Page`` placed beside the signup page (same
parent), both warm and interleaved through the test client, compared by the workers' CPU
time (``time.process_time``) rather than wall time on a shared machine. 45 boxes: 21
availability slots, the action kinds and 21 skills. Also recorded: a signup POST's CPU,
against the same peer (the rate limits raised for the run). Run with
``pytest -m benchmark tests/benchmarks/test_signup_benchmark.py``.

The GET goal is not met yet: 2.96× on SQLite (28 ms of CPU against 9.6) once the boxes are
built in Python (``site.forms.CheckboxList``); the assertion holds what is reached, with
room for noise (``BOUND_RATIO``), so that a regression fails; lower it to ``GOAL_RATIO``
when the goal is met.
"""

import statistics

import pytest
from django.test import Client, override_settings
from wagtail.models import Page

from tests import builders, factories
from tests.benchmarks import report
from wagtail_heurecivique.models import Skill, Volunteer

RUNS = 40
GOAL_RATIO = 1.5  # issue 21's goal
BOUND_RATIO = 3.5  # what is reached (2.96×), with room for noise
POST_GOAL_RATIO = 2.0


@pytest.mark.benchmark
@pytest.mark.django_db
@override_settings(WAGTAIL_HEURECIVIQUE={"PUBLIC_FORM_RATE_PER_IP": "1000/h"})
def test_the_signup_form_costs_little_more_than_a_bare_page():
    pages = builders.site_pages(factories.commune())
    for n in range(20):
        Skill.objects.create(name=f"Savoir-faire {n:02d}", slug=f"savoir-faire-{n:02d}")
    signup = pages["signup"]
    bare = pages["home"].add_child(instance=Page(title="Une page", slug="une-page"))
    assert bare.depth == signup.depth
    client = Client()
    for url in (signup.url, bare.url):
        assert client.get(url).status_code == 200
    assert client.get(signup.url).content.decode().count('type="checkbox"') >= 45
    signup_cpu, bare_cpu, signup_wall, bare_wall = [], [], [], []
    for _run in range(RUNS):
        walls, cpus = report.timings(lambda: client.get(signup.url), 1)
        signup_wall += walls
        signup_cpu += cpus
        walls, cpus = report.timings(lambda: client.get(bare.url), 1)
        bare_wall += walls
        bare_cpu += cpus
    ratio = statistics.median(signup_cpu) / statistics.median(bare_cpu)
    report.record("signup form GET (45 boxes), CPU", signup_wall, peer="bare page, same depth", ratio=ratio,
                  goal=GOAL_RATIO, cpu_seconds=signup_cpu)
    report.record("bare page beside the signup", bare_wall, cpu_seconds=bare_cpu)

    emails = iter(range(RUNS))

    def post():
        response = client.post(signup.url, {**builders.SIGNUP, "email": f"v{next(emails)}@example.org"})
        assert response.status_code == 200

    post_wall, post_cpu = report.timings(post, RUNS)
    assert Volunteer.objects.count() == RUNS
    post_ratio = statistics.median(post_cpu) / statistics.median(bare_cpu)
    report.record("signup POST, CPU", post_wall, peer="bare page, same depth", ratio=post_ratio,
                  goal=POST_GOAL_RATIO, cpu_seconds=post_cpu)
    assert ratio <= BOUND_RATIO, ratio
