"""Rate limits: the address counted behind a proxy, and one count shared by every server process."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from tests.builders import SIGNUP
from wagtail_heurecivique.models import Volunteer
from wagtail_heurecivique.site.protection import client_ip, over_limit

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # the site's reverse proxy: every request reaches Django from it
REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="REDIS_URL is not set: start a throwaway Redis with `eval \"$(scripts/redis.sh start)\"`"
)


def request(forwarded=None, remote=PROXY, header="HTTP_X_FORWARDED_FOR"):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta[header] = forwarded
    return RequestFactory().post("/", **meta)


def behind(count=1, header="HTTP_X_FORWARDED_FOR", **more):
    return override_settings(WAGTAIL_HEURECIVIQUE={"TRUSTED_PROXY_HEADER": header, "TRUSTED_PROXY_COUNT": count, **more})


def test_without_the_setting_the_header_is_never_read():
    assert client_ip(request("198.51.100.7")) == PROXY


@pytest.mark.parametrize(
    "forwarded,count,expected",
    [
        ("198.51.100.7", 1, "198.51.100.7"),  # nginx appended the client's address
        # A client that sent an X-Forwarded-For of its own: what it wrote stands left of what
        # the proxy appended, and is not read.
        ("127.0.0.1, 198.51.100.7", 1, "198.51.100.7"),
        ("203.0.113.9, 8.8.8.8, 198.51.100.7", 1, "198.51.100.7"),
        ("not-an-address, 198.51.100.7", 1, "198.51.100.7"),
        # Two proxies (a CDN, then nginx): nginx appended the CDN's address, the CDN the client's.
        ("198.51.100.7, 192.0.2.50", 2, "198.51.100.7"),
        ("6.6.6.6, 198.51.100.7, 192.0.2.50", 2, "198.51.100.7"),
        # A request that reached nginx without the CDN: the one entry nginx wrote.
        ("198.51.100.7", 2, "198.51.100.7"),
        # IPv6, and the ports some proxies keep.
        ("2001:db8::1", 1, "2001:db8::1"),
        ("6.6.6.6, [2001:db8::1]:443", 1, "2001:db8::1"),
        ("6.6.6.6, 198.51.100.7:51234", 1, "198.51.100.7"),
        ("6.6.6.6,198.51.100.7", 1, "198.51.100.7"),
    ],
)
def test_the_right_most_address_the_proxies_did_not_write_is_the_clients(forwarded, count, expected):
    with behind(count):
        assert client_ip(request(forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", " , ", "198.51.100.7, garbage", "6.6.6.6, 999.1.1.1"])
def test_no_header_or_no_address_where_the_proxy_writes_counts_the_proxy(forwarded):
    with behind(1):
        assert client_ip(request(forwarded)) == PROXY


def test_another_header_such_as_x_real_ip():
    with behind(1, header="HTTP_X_REAL_IP"):
        assert client_ip(request("198.51.100.7", header="HTTP_X_REAL_IP")) == "198.51.100.7"
        assert client_ip(request("198.51.100.7")) == PROXY  # X-Forwarded-For is not the header named


@pytest.mark.django_db
def test_behind_the_proxy_each_resident_has_their_own_count_and_forging_the_header_escapes_nothing(
    client, site_pages, commit
):
    url = site_pages["signup"].url

    def sign_up(number, forwarded):
        data = {**SIGNUP, "email": f"personne{number}@example.org"}
        return commit(client.post, url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    with behind(1, PUBLIC_FORM_RATE_PER_IP="2/h", PUBLIC_FORM_RATE_PER_EMAIL="10/h"):
        # A resident who sends a new X-Forwarded-For each time: nginx appends their real address.
        assert [sign_up(n, f"10.9.9.{n}, 198.51.100.7") for n in range(3)] == [200, 200, 429]
        # A neighbour behind the same proxy is not counted with them.
        assert sign_up(3, "198.51.100.8") == 200
    assert Volunteer.objects.count() == 3
    # Without the setting, the whole town is one address: the proxy's.
    with override_settings(WAGTAIL_HEURECIVIQUE={"PUBLIC_FORM_RATE_PER_IP": "2/h", "PUBLIC_FORM_RATE_PER_EMAIL": "10/h"}):
        assert sign_up(4, "198.51.100.9") == 200
        assert sign_up(5, "198.51.100.10") == 200
        assert sign_up(6, "198.51.100.11") == 429


def test_ipv6_clients_are_counted_by_their_slash_64_as_django_ratelimit_does():
    with behind(1, PUBLIC_FORM_RATE_PER_IP="2/h"):
        group = f"test-{uuid.uuid4().hex}"
        assert not over_limit(request("2001:db8:1:2::a"), group)
        assert not over_limit(request("2001:db8:1:2::b"), group)
        assert over_limit(request("2001:db8:1:2:ffff::1"), group)  # same /64
        assert not over_limit(request("2001:db8:1:3::a"), group)


# --- One count for every server process ---------------------------------------------------

#: One server process: THREADS threads (each with its own cache client, as Django gives
#: each thread its own) submit EACH times from the same address; prints how many passed.
WORKER = """
import sys, threading, time
import django
from django.conf import settings

backend, location, group, rate, threads, each, start_at = sys.argv[1:]
settings.configure(
    CACHES={"default": {"BACKEND": backend, "LOCATION": location}},
    WAGTAIL_HEURECIVIQUE={"PUBLIC_FORM_RATE_PER_IP": rate},
)
django.setup()
from django.test import RequestFactory
from wagtail_heurecivique.site.protection import over_limit

passed = []

def submit():
    for _ in range(int(each)):
        passed.append(not over_limit(RequestFactory().post("/", REMOTE_ADDR="203.0.113.7"), group))

workers = [threading.Thread(target=submit) for _ in range(int(threads))]
while time.time() < float(start_at):
    time.sleep(0.01)
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(sum(passed), len(passed))
"""


def submissions_that_passed(backend, location, processes=3, threads=5, each=10, rate="100/h"):
    """``processes`` server processes submit at once from one address; how many got through, of how many."""
    group = f"test-{uuid.uuid4().hex}"  # counts of earlier runs in the same Redis do not count
    start_at = str(time.time() + 3)  # every process has started before any submits
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, backend, location, group, rate, str(threads), str(each), start_at],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    passed = total = 0
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        got, made = map(int, out.split())
        passed, total = passed + got, total + made
    return passed, total


@needs_redis
def test_150_submissions_from_one_address_across_processes_respect_the_limit_in_redis():
    passed, total = submissions_that_passed("django.core.cache.backends.redis.RedisCache", REDIS_URL)
    assert (passed, total) == (100, 150)


def test_in_local_memory_each_process_counts_alone():
    """What system check W007 warns about: the same 150 submissions all pass in three processes' own memory."""
    passed, total = submissions_that_passed("django.core.cache.backends.locmem.LocMemCache", "hc-rate-limits")
    assert (passed, total) == (150, 150)


@needs_redis
@pytest.mark.django_db
def test_the_public_forms_count_in_redis_where_another_client_reads_the_count(client, site_pages):
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                         "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=redis, WAGTAIL_HEURECIVIQUE={"PUBLIC_FORM_RATE_PER_IP": "3/h"}):
        url = site_pages["signup"].url
        statuses = [client.post(url, {**SIGNUP, "email": f"p{n}@example.org"}).status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429]
        # The count is in Redis, not in this process: a new client of the same server sees it.
        fresh = caches.create_connection("default")
        assert fresh.__class__.__name__ == "RedisCache"
        keys = fresh._cache.get_client().keys(f"{redis['default']['KEY_PREFIX']}:*")
        assert keys and any(fresh._cache.get_client().get(key) == b"4" for key in keys)
