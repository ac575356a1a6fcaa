"""Requests per second of the main pages, as a share of the reference page (docs/architecture.md),
measured fairly.

Not a test: run it by hand and read the figures.

    .venv/bin/python benchmarks/pages.py --database sqlite --scale 10000
    .venv/bin/python benchmarks/pages.py --database postgresql --scale 100000

It builds the database (migrations, then ``flask seed --scale N``: years of closed consultations, a
few hundred open ones, responses with versions and comments), serves the tracker and the reference
page from the same gunicorn (4 sync workers; benchmarks/bench_app.py), signs in as the demo
coordinator through the real form (keeping the cookies a browser holds after its first page), and
loads each page with wrk (2 threads, 16 connections; the API with a token of the coordinator's,
the calendar feed at its secret address, the rest signed in),
interleaving reference and page runs: R P R P R P R. Each page run is divided by the mean of the
reference runs either side of it, and the page's share is the median of those ratios, so a change
of machine load during the run moves both. The last line is `worst page: <name> <NN>% of reference`.
PostgreSQL uses (and empties) the database named by --postgres-url.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COORDINATOR = ("coordinator@keycities.test", "coordinator-demo-2026")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/kc_bench"
# The API's per-token limit would turn a benchmark into a measure of 429s.
UNLIMITED = "1000000000 per hour"


@dataclass
class Run:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass(frozen=True)
class Page:
    path: str
    # "session": signed in with the browser's cookie; "token": the API's bearer token; "none": the
    # address is the credential (a calendar feed).
    auth: str = "session"


def build_database(url: str, scale: int) -> tuple[dict[str, Page], str]:
    """Migrate and seed; return the pages to measure and an API token of the coordinator's."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from tracker import create_app
    from tracker.account import services as account_services
    from tracker.account import tokens as feed_tokens
    from tracker.api.tokens import services as api_tokens
    from tracker.extensions import db
    from tracker.models import Consultation, User
    from tracker.models.drafts import Comment, Response
    from tracker.models.policy import PolicyAsk, ResponseAsk
    from tracker.scale import seed_scale

    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seed_scale(scale, echo=lambda line: print(f"  {line}"))
        db.session.commit()
        print(f"  seeded in {time.perf_counter() - started:.1f}s")
        comments = select(Comment.response_id, func.count().label("n")).group_by(Comment.response_id).subquery()
        # DESIGN's response page: a draft with at least 3 versions and 2 comments.
        draft = db.session.scalar(
            select(Response.consultation_id)
            .join(Consultation, Consultation.id == Response.consultation_id)
            .join(comments, comments.c.response_id == Response.id)
            .where(Consultation.status == "drafting", Response.current_number >= 3, comments.c.n >= 2)
            .limit(1)
        )
        assert draft is not None, "the scaled data set has a draft with 3 versions and 2 comments"
        # The ask pressed in the most responses: the longest ask page.
        ask = db.session.scalar(select(ResponseAsk.ask_id).group_by(ResponseAsk.ask_id)
                                .order_by(func.count().desc(), ResponseAsk.ask_id).limit(1))
        assert ask is not None and db.session.get(PolicyAsk, ask) is not None
        coordinator = db.session.scalar(select(User).where(User.email == COORDINATOR[0]))
        assert coordinator is not None
        _, api_token = api_tokens.create(coordinator, "Benchmark", next(iter(api_tokens.EXPIRY_CHOICES)))
        feed = feed_tokens.unseal(account_services.set_up_feeds(coordinator).token_sealed)
        db.session.commit()
    return {
        "dashboard": Page("/"),
        "list": Page("/consultations/"),
        "consultation page": Page(f"/consultations/{draft}"),
        "response page": Page(f"/consultations/{draft}/response"),
        "notifications": Page("/notifications"),
        "ask page": Page(f"/policy/asks/{ask}"),
        "engagement list": Page("/policy/engagements"),
        "reports": Page("/reports?period=last-12-months"),
        "account page": Page("/account"),
        "api list": Page("/api/v1/consultations", "token"),
        "calendar feed": Page(f"/calendar/network/{feed}.ics", "none"),
        "inbox": Page("/intake/"),
    }, api_token


def headers_for(page: Page, cookie: str, api_token: str) -> dict[str, str]:
    if page.auth == "token":
        return {"Authorization": f"Bearer {api_token}"}
    return {"Cookie": cookie} if page.auth == "session" else {}


def query_counts(url: str, pages: dict[str, Page], api_token: str) -> dict[str, int]:
    """SQL statements per page, counted in-process."""
    from flask import request_finished
    from flask_sqlalchemy.record_queries import get_recorded_queries
    from sqlalchemy import select

    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import User

    app = create_app("development", overrides={"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_RECORD_QUERIES": True,
                                               "WTF_CSRF_ENABLED": False, "API_RATE_LIMIT": UNLIMITED})
    client = app.test_client()
    stranger = app.test_client()  # no session: the API and the feed
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == COORDINATOR[0]))
        assert user is not None
        from tracker.auth import sessions

        token = sessions.start(user)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
    out = {}
    for name, page in pages.items():
        captured: list[int] = []

        def count(sender: object, response: object, captured: list[int] = captured, **extra: object) -> None:
            captured.append(len(get_recorded_queries()))

        request_finished.connect(count, app)
        response = (client if page.auth == "session" else stranger).get(
            page.path, headers=headers_for(page, "", api_token) if page.auth == "token" else None)
        request_finished.disconnect(count, app)
        assert response.status_code == 200, (page.path, response.status_code)
        out[name] = captured[0] if captured else -1
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, path: str = "/__reference__", timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def sign_in(port: int, email: str, password: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no CSRF token on the sign-in page"
    body = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"sign-in failed: HTTP {response.status}"
    # The session's cookie and the device cookie, in whatever order the server sent them.
    cookies = dict(c.split(";")[0].split("=", 1) for c in response.msg.get_all("Set-Cookie") or [])
    # Then the first page, as a browser opens it: its answer gives the session the form token
    # every later page reuses (without it, each page would make and sign a new one).
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = conn.getresponse()
    response.read()
    assert response.status == 200, f"the dashboard after sign-in: HTTP {response.status}"
    cookies.update(c.split(";")[0].split("=", 1) for c in response.msg.get_all("Set-Cookie") or [])
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)", text)
    assert match, text
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(port: int, path: str, headers: dict[str, str], seconds: int) -> Run:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    return Run(rate, p50, p99, errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", type=int, default=10_000, help="consultations (seed --scale)")
    parser.add_argument("--pairs", type=int, default=3, help="page runs per page, each between two reference runs")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pages", default="", help="comma-separated names of the pages to measure (default: all)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kc-bench-"))
    if args.database == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite'}"
    else:
        url = args.postgres_url
        name = url.rsplit("/", 1)[1]
        for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"], check=True)
    os.environ["TRACKER_INSTANCE_DIR"] = str(workdir)
    print(f"database: {args.database}, {args.scale:,} consultations")
    pages, api_token = build_database(url, args.scale)
    if args.pages:
        chosen = [name.strip() for name in args.pages.split(",")]
        unknown = sorted(set(chosen) - set(pages))
        if unknown:
            raise SystemExit(f"unknown pages: {', '.join(unknown)} (choose from: {', '.join(pages)})")
        pages = {name: pages[name] for name in chosen}
    print("SQL statements per page (coordinator, in-process):")
    for name, n in query_counts(url, pages, api_token).items():
        print(f"  {name:20s} {n}")

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_ENV": "development", "LOG_LEVEL": "WARNING",
           "TRACKER_INSTANCE_DIR": str(workdir), "API_RATE_LIMIT": UNLIMITED}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "benchmarks.bench_app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        cookie = sign_in(port, *COORDINATOR)
        signed_in = {"Cookie": cookie}
        for page in pages.values():  # warm every worker's caches
            wrk(port, page.path, headers_for(page, cookie, api_token), 1)
        print(f"\nwrk -t2 -c16 -d{args.seconds}s against gunicorn -w {args.workers}; coordinator signed in")
        print(f"{'page':20s} {'req/s':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'ref req/s':>10s} {'share':>7s}")
        shares: dict[str, float] = {}
        for name, page in pages.items():
            headers = headers_for(page, cookie, api_token)
            refs = [wrk(port, "/__reference__", signed_in, args.seconds)]
            ratios: list[float] = []
            runs: list[Run] = []
            for _ in range(args.pairs):
                runs.append(wrk(port, page.path, headers, args.seconds))
                refs.append(wrk(port, "/__reference__", signed_in, args.seconds))
                ratios.append(runs[-1].rate / ((refs[-2].rate + refs[-1].rate) / 2))
            shares[name] = statistics.median(ratios)
            errors = sum(r.errors for r in runs)
            print(f"{name:20s} {statistics.median(r.rate for r in runs):8.0f} "
                  f"{statistics.median(r.p50_ms for r in runs):8.2f} {statistics.median(r.p99_ms for r in runs):8.2f} "
                  f"{statistics.median(r.rate for r in refs):10.0f} {100 * shares[name]:6.0f}%"
                  + (f"  ({errors} non-2xx responses)" if errors else ""))
        worst = min(shares, key=lambda n: shares[n])
        print(f"worst page: {worst} {100 * shares[worst]:.0f}% of reference")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
