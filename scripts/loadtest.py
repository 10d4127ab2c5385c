"""Load test of the public signup: gunicorn + PostgreSQL + Redis, a bounded load on loopback.

Usage: ``make loadtest`` (or ``python scripts/loadtest.py [--seconds 60] [--clients 8]``).
It starts a throwaway PostgreSQL (``scripts/postgres.sh``) and Redis (``scripts/redis.sh``),
migrates and loads the demo with the example site's production settings, serves them with
gunicorn (4 workers), then has ``--clients`` threads sign up for ``--seconds``: each
signup is a GET of a commune's "Je deviens volontaire" page (its CSRF token and cookie)
and a POST with a unique e-mail address, from its own address as a proxy would give it
(``X-Forwarded-For``, ``TRUSTED_PROXY_COUNT=1``) so that the per-address rate limit
counts each resident alone. It prints the throughput, the latency percentiles, the errors,
the volunteers, consents and queued e-mails written against the successful answers, and
the workers' memory (RSS) before and after. Everything it starts is stopped at the end.

The e-mails stay queued (``django_tasks_db``): no worker sends them during the run, so the
run measures the web side alone. The load generator shares the machine's cores with the
server: on a 2-core machine its own CPU is part of what limits the figure.
"""

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
DOMAIN = "charge.example.org"


def sh(command, env, capture=False):
    result = subprocess.run(command, cwd=ROOT, env=env, check=True, text=True,
                            stdout=subprocess.PIPE if capture else None)
    return result.stdout


def django_output(python, code, env):
    """What ``code`` prints once Django is set up (``manage.py shell`` adds its own lines)."""
    return sh([python, "-c", "import django\ndjango.setup()\n" + code], env, capture=True)


def exports(output):
    """The ``export NAME=value`` lines that postgres.sh and redis.sh print."""
    return dict(re.findall(r"^export (\w+)=(\S+)$", output, re.MULTILINE))


def rss_kib(pids):
    sizes = {}
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        sizes[pid] = int(re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE).group(1))
    return sizes


def cpu_seconds(pids):
    """User + system CPU of the processes, from /proc (clock ticks)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def worker_pids(master):
    output = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], text=True, stdout=subprocess.PIPE).stdout
    return [int(pid) for pid in output.split()]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


class Client(threading.Thread):
    """One resident after another on one keep-alive connection: GET the form, POST it."""

    def __init__(self, number, port, paths, deadline, results):
        super().__init__(daemon=True)
        self.number, self.port, self.paths, self.deadline, self.results = number, port, paths, deadline, results

    def request(self, connection, method, path, body=None, headers=None):
        began = time.perf_counter()
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        content = response.read()
        return response, content, time.perf_counter() - began

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        count = 0
        while time.monotonic() < self.deadline:
            count += 1
            path = self.paths[count % len(self.paths)]
            address = f"10.{self.number}.{count // 250 % 250}.{count % 250 + 1}"
            email = f"v{self.number}-{count}-{secrets.token_hex(3)}@{DOMAIN}"
            try:
                forwarded = {"X-Forwarded-For": address}
                response, content, seconds = self.request(connection, "GET", path, headers=forwarded)
                self.results.append(("GET", response.status, seconds, None))
                cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
                token = TOKEN.search(content)
                if response.status != 200 or not cookie or not token:
                    continue
                body = urllib.parse.urlencode({
                    "csrfmiddlewaretoken": token.group(1).decode(), "first_name": "Camille",
                    "last_name": f"Charge {count}", "email": email, "phone": "0612345678", "postcode": "92270",
                    "frequency": "monthly", "radius_km": "5", "availability": ["0", "4", "10"],
                    "action_kinds": ["0"], "accept_charter": "on", "accept_data_processing": "on",
                }, doseq=True)
                response, content, seconds = self.request(connection, "POST", path, body=body, headers={
                    **forwarded, "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={cookie.group(1)}",
                })
                self.results.append(("POST", response.status, seconds, email if response.status == 200 else None))
            except (OSError, http.client.HTTPException) as error:
                self.results.append(("error", 0, 0.0, repr(error)))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=int(os.environ.get("HC_LOADTEST_PORT", "8765")))
    arguments = parser.parse_args()
    python = sys.executable
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(40), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "TRUSTED_PROXY_COUNT": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.update(exports(sh(["scripts/postgres.sh", "start"], env, capture=True)))
    env.update(exports(sh(["scripts/redis.sh", "start"], env, capture=True)))
    server = None
    try:
        sh([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        sh([python, "manage.py", "heurecivique_setup"], env, capture=True)
        sh([python, "manage.py", "load_demo"], env, capture=True)
        paths = django_output(python, (
            "from wagtail_heurecivique.models import VolunteerSignupPage\n"
            "for p in VolunteerSignupPage.objects.live(): print(p.get_url_parts()[2])"
        ), env).split()
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "example_site.wsgi", "-w", str(arguments.workers),
             "-b", f"127.0.0.1:{arguments.port}", "--access-logfile", "-", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", arguments.port, timeout=2).request("GET", paths[0])
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        # Each worker renders the form once (imports, templates) before memory is measured.
        warm = http.client.HTTPConnection("127.0.0.1", arguments.port, timeout=30)
        for _round in range(4 * arguments.workers):
            warm.request("GET", paths[0])
            warm.getresponse().read()
        warm.close()
        counts = (
            "from wagtail_heurecivique.models import Consent, Volunteer\n"
            "from wagtail_heurecivique.core.models.notifications import Notification\n"
            f"v = Volunteer.objects.filter(email__endswith='@{DOMAIN}')\n"
            "print(v.count(), Consent.objects.filter(volunteer__in=v).count(),"
            " Notification.objects.filter(volunteer__in=v, status='queued').count())"
        )
        workers = worker_pids(server.pid)
        before, cpu_before = rss_kib(workers), cpu_seconds(workers)
        results = []
        clients = [Client(n + 1, arguments.port, paths, time.monotonic() + arguments.seconds, results)
                   for n in range(arguments.clients)]
        began = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - began
        after, cpu_after = rss_kib(workers), cpu_seconds(workers)
        volunteers, consents, queued = map(int, django_output(python, counts, env).split())
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        sh(["scripts/redis.sh", "stop"], env, capture=True)
        sh(["scripts/postgres.sh", "stop"], env, capture=True)

    posts = [r for r in results if r[0] == "POST"]
    gets = [r for r in results if r[0] == "GET"]
    signed_up = [r for r in posts if r[1] == 200]
    errors = [r for r in results if r[0] == "error" or r[1] != 200]
    print(f"load test: {arguments.clients} clients, {elapsed:.1f} s, gunicorn {arguments.workers} workers, "
          f"{os.cpu_count()} cores (shared with the load generator and whatever else runs)")
    print(f"requests: {len(gets) + len(posts)} ({len(gets)} GET, {len(posts)} POST); "
          f"signups: {len(signed_up)} ({len(signed_up) / elapsed:.1f}/s, GET+POST)")
    if signed_up:
        print(f"workers' CPU: {(cpu_after - cpu_before) * 1000 / len(signed_up):.1f} ms per signup (GET+POST)")
    for name, rows in (("GET", gets), ("POST", posts)):
        seconds = [r[2] * 1000 for r in rows if r[1] == 200]
        if seconds:
            print(f"{name:5} p50 {statistics.median(seconds):6.1f} ms  p95 {percentile(seconds, 0.95):6.1f} ms  "
                  f"p99 {percentile(seconds, 0.99):6.1f} ms")
    statuses = {}
    for row in errors:
        statuses[row[1] or row[3]] = statuses.get(row[1] or row[3], 0) + 1
    print(f"errors: {len(errors)} {statuses if statuses else ''}")
    print(f"rows: {volunteers} volunteers, {consents} consents, {queued} e-mails queued, "
          f"for {len(signed_up)} successful signups; lost: {len(signed_up) - volunteers}")
    for pid in workers:
        print(f"worker {pid}: RSS {before.get(pid, 0) / 1024:.1f} MiB before, {after.get(pid, 0) / 1024:.1f} MiB "
              f"after {len(results)} requests")
    ok = not errors and volunteers == len(signed_up) and consents == 2 * volunteers and queued == volunteers
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
