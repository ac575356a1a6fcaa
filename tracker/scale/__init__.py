"""`flask --app wsgi seed --scale N`: a realistic network of N consultations, for the benchmarks.

Years of closed consultations (submitted with their frozen version, outcomes, missed, declined,
monitored, withdrawn), a few hundred open ones near their deadlines, responses with versions,
comments, contributors and supporting cities, reminders and notifications, the activity log,
years of sign-ins that have ended or expired, and (scale/policy.py) the asks, the engagement log
and the triage inbox.
Rows go in with bulk inserts and ids chosen here, so that children can name their parents
without reading anything back; PostgreSQL's sequences are moved past them at the end. After the
commit, analyze() gives the planner the statistics of the new data.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, text

from tracker.extensions import Model, db
from tracker.models import ActivityLog, City, Consultation, Role, User, UserSession, WorkArea, drafts
from tracker.models.messages import Message, Notification
from tracker.scale.policy import seed_policy_and_intake
from tracker.seed import seed_demo_users, seed_reference_data
from tracker.timeutil import default_internal_deadline, uk_instant, uk_today, utcnow

BATCH = 5_000
YEARS = 8
CLOSED_MIX = [("submitted", 25), ("outcome_published", 20), ("missed", 10), ("declined", 20),
              ("monitoring", 20), ("withdrawn", 5)]
OPEN_MIX = [("new", 15), ("triaged", 15), ("assigned", 20), ("drafting", 25), ("in_review", 15), ("approved", 10)]
WITH_RESPONSE = {"drafting", "in_review", "approved", "submitted", "outcome_published"}
ASSIGNED = WITH_RESPONSE | {"assigned", "missed"}
ORGANISATIONS = [
    ("Department for Transport", "Transport"),
    ("Ministry of Housing, Communities and Local Government", "Housing"),
    ("Ministry of Housing, Communities and Local Government", "Towns and Urban Centres"),
    ("Department for Energy Security and Net Zero", "Climate Emergency"),
    ("Department of Health and Social Care", "Health and Social Care"),
    ("Department for Education", "Young People, Skills and Education"),
    ("Department for Culture, Media and Sport", "Culture"),
    ("Department for Business and Trade", "Brexit and Trade"),
    ("Home Office", "Community Cohesion"),
    ("HM Treasury", "Towns and Urban Centres"),
]
TOPICS = ["bus services", "rail fares", "housing supply", "planning fees", "homelessness funding",
          "adult social care", "public health grant", "skills bootcamps", "school funding", "museums",
          "heritage", "trade strategy", "freeports", "net zero", "flood defences", "recycling",
          "community cohesion", "electoral registration", "business rates", "devolution deals"]
PHRASES = [
    "The Key Cities network welcomes the opportunity to respond.",
    "Member councils serve more than six million residents across England and Wales.",
    "Councils need multi-year certainty of funding to plan services.",
    "Allocations should follow need rather than competitive bidding.",
    "Urban councils face higher demand and tighter budgets than the national average.",
    "We ask the department to involve urban councils early in the detailed design.",
    "Short-term funding rounds cost officer time that is better spent on delivery.",
    "The proposals would add new burdens unless they are fully funded.",
]

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
]


@dataclass
class ScaleSummary:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n


def _pick(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([m for m, _ in mix], weights=[w for _, w in mix])[0]


def _next_id(model: Any) -> int:
    return int(db.session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1


def _insert(model: type[Model], rows: list[dict[str, Any]], summary: ScaleSummary) -> None:
    """Bulk-load rows on the session's own connection (same transaction): COPY on PostgreSQL,
    executemany on SQLite, with values converted here once rather than per row by the ORM."""
    table = cast(Table, model.__table__)
    summary.add(table.name, len(rows))
    if not rows:
        return
    columns = list(rows[0])
    # psycopg's connection (COPY) or sqlite3's: the DB-API protocol type knows neither.
    dbapi: Any = db.session.connection().connection.dbapi_connection
    assert dbapi is not None
    names = ", ".join(f'"{c}"' for c in columns)
    if db.session.get_bind().dialect.name == "postgresql":
        from psycopg.types.json import Json

        with dbapi.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([Json(v) if isinstance(v, dict) else v for v in row.values()])
        return
    marks = ", ".join("?" for _ in columns)
    cursor = dbapi.cursor()
    for start in range(0, len(rows), BATCH):
        cursor.executemany(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',  # noqa: S608 - names from metadata
            [tuple(_sqlite(v) for v in row.values()) for row in rows[start : start + BATCH]],
        )
    cursor.close()


def _sqlite(value: Any) -> Any:
    """What SQLAlchemy's SQLite types store: UTC instants and dates as ISO text, JSON as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(PHRASES) for _ in range(sentences))


def _users(rng: random.Random, summary: ScaleSummary) -> tuple[dict[int, list[int]], list[int], list[int]]:
    """Policy leads and contributors in every city, a few coordinators; the demo users stay."""
    cities = list(db.session.scalars(select(City.id)))
    first = _next_id(User)
    now = utcnow()
    rows = []
    for i in range(len(cities) * 6 + 4):
        uid = first + i
        if i < 4:
            role, city_id = Role.COORDINATOR.value, None
        else:
            city_id = cities[(i - 4) % len(cities)]
            role = Role.POLICY_LEAD.value if (i - 4) // len(cities) < 3 else Role.CONTRIBUTOR.value
        rows.append({"id": uid, "email": f"officer{uid}@scale.test", "name": f"Officer {uid}", "job_title": "",
                     "password_hash": "!", "role": role, "city_id": city_id, "is_enabled": True,
                     "created_at": now})
    _insert(User, rows, summary)
    leads: dict[int, list[int]] = {}
    contributors: list[int] = []
    coordinators: list[int] = []
    for uid, role, city_id in db.session.execute(select(User.id, User.role, User.city_id)):
        if role == Role.POLICY_LEAD.value and city_id:
            leads.setdefault(city_id, []).append(uid)
        elif role == Role.CONTRIBUTOR.value:
            contributors.append(uid)
        elif role in (Role.COORDINATOR.value, Role.ADMIN.value):
            coordinators.append(uid)
    return leads, contributors, coordinators


def _closing(rng: random.Random, is_open: bool, today: date) -> datetime:
    if is_open:
        day = today + timedelta(days=rng.randint(1, 120))
    else:
        day = today - timedelta(days=rng.randint(1, YEARS * 365))
    return uk_instant(day, rng.choice([time(23, 59), time(23, 45), time(17, 0)]))


def seed_scale(n: int, *, seed: int = 2026, echo: Callable[[str], None] = print) -> ScaleSummary:
    """Add ``n`` consultations (and everything around them) to the database. Flushes only."""
    rng = random.Random(seed)
    summary = ScaleSummary()
    seed_reference_data()
    seed_demo_users()
    db.session.flush()
    leads, contributors, coordinators = _users(rng, summary)
    areas = {name: area_id for area_id, name in db.session.execute(select(WorkArea.id, WorkArea.name))}
    area_city = dict(db.session.execute(select(WorkArea.id, WorkArea.lead_city_id)).tuples().all())
    cities = list(db.session.scalars(select(City.id)))
    today = uk_today()
    now = utcnow()
    open_count = min(max(n // 50, 50), 400, n)

    ids = {m: _next_id(m) for m in (Consultation, drafts.Response, drafts.ResponseVersion, drafts.Comment,
                                    drafts.Contributor, drafts.CitySupport, drafts.Submission, drafts.Outcome,
                                    ActivityLog, Message, Notification)}

    def take(model: Any) -> int:
        value = ids[model]
        ids[model] += 1
        return value

    rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in ids}
    for i in range(n):
        is_open = i < open_count
        status = _pick(rng, OPEN_MIX if is_open else CLOSED_MIX)
        organisation, area_name = rng.choice(ORGANISATIONS)
        area_id = areas[area_name]
        closes_at = _closing(rng, is_open, today)
        created_at = min(now, closes_at - timedelta(days=rng.randint(30, 80)))
        cid = take(Consultation)
        topic = rng.choice(TOPICS)
        row: dict[str, Any] = {
            "id": cid, "title": f"{topic.capitalize()}: consultation {cid}", "issuing_organisation": organisation,
            "url": f"https://www.gov.uk/government/consultations/scale-{cid}",
            "summary": f"The government is seeking views on {topic}.", "source": "manual", "external_id": None,
            "opened_at": closes_at - timedelta(days=56), "closes_at": closes_at, "status": status,
            "decision": None, "decision_reason": "", "work_area_id": area_id, "lead_city_id": None,
            "policy_lead_id": None, "internal_deadline": None, "created_by_id": rng.choice(coordinators),
            "created_at": created_at, "updated_at": created_at,
        }
        if status != "new":
            row["decision"] = {"monitoring": "monitor", "declined": "no_response"}.get(status, "respond")
        if status in ASSIGNED:
            city_id = area_city.get(area_id) or rng.choice(cities)
            row["lead_city_id"] = city_id
            row["policy_lead_id"] = rng.choice(leads[city_id]) if leads.get(city_id) else None
            row["internal_deadline"] = default_internal_deadline(closes_at, 5)
        rows[Consultation].append(row)
        coordinator = row["created_by_id"]
        lead = row["policy_lead_id"] or coordinator

        history = [("create", "Logged the consultation", coordinator)]
        if status != "new":
            history.append(("triage", f"Triaged: {row['decision'].replace('_', ' ')}", coordinator))
        if status in ASSIGNED:
            history.append(("assign", "Assigned", coordinator))
        if status in WITH_RESPONSE:
            versions = rng.randint(1, 5)
            rid = take(drafts.Response)
            approved = versions if status in {"approved", "submitted", "outcome_published"} else None
            rows[drafts.Response].append({"id": rid, "consultation_id": cid, "mode": "free", "current_number": versions,
                                   "approved_number": approved, "created_at": created_at,
                                   "updated_at": created_at})
            version_id = 0
            for number in range(1, versions + 1):
                body = f"## {topic.capitalize()}\n\n" + _text(rng, rng.randint(6, 14))
                version_id = take(drafts.ResponseVersion)
                rows[drafts.ResponseVersion].append({
                    "id": version_id, "response_id": rid, "number": number, "author_id": lead,
                    "created_at": created_at + timedelta(days=number), "note": f"Draft {number}", "body": body,
                    "answers": {}, "search_text": body})
                history.append(("save_draft", f"Saved version {number}", lead))
            for _ in range(rng.randint(0, 3)):
                rows[drafts.Comment].append({"id": take(drafts.Comment), "response_id": rid, "author_id": rng.choice(contributors),
                                      "body": rng.choice(PHRASES), "kind": "comment",
                                      "created_at": created_at + timedelta(days=2)})
            for uid in rng.sample(contributors, rng.randint(0, 2)):
                rows[drafts.Contributor].append({"id": take(drafts.Contributor), "response_id": rid, "user_id": uid,
                                          "added_by_id": lead, "created_at": created_at})
            if status in {"submitted", "outcome_published"}:
                for city_id in rng.sample(cities, rng.randint(2, 8)):
                    rows[drafts.CitySupport].append({"id": take(drafts.CitySupport), "consultation_id": cid, "city_id": city_id,
                                              "recorded_by_id": coordinator, "created_at": created_at})
                rows[drafts.Submission].append({
                    "id": take(drafts.Submission), "consultation_id": cid, "version_id": version_id, "method": "email",
                    "submitted_at": closes_at - timedelta(days=1), "reference": "", "recorded_by_id": coordinator,
                    "created_at": closes_at - timedelta(days=1)})
                history.append(("submit", "Submitted", coordinator))
            if status == "outcome_published":
                published = min(today, (closes_at + timedelta(days=rng.randint(30, 200))).date())
                rows[drafts.Outcome].append({
                    "id": take(drafts.Outcome), "consultation_id": cid, "url": "https://www.gov.uk/government/response",
                    "published_on": published, "taken_up": rng.choice(["yes", "partly", "no"]), "notes": "",
                    "recorded_by_id": coordinator, "created_at": now})
                history.append(("publish_outcome", "Outcome published", coordinator))
        if status in {"missed", "withdrawn"}:
            history.append(("mark_missed" if status == "missed" else "withdraw", status.capitalize(), None))
        for step, (action, message, actor) in enumerate(history):
            rows[ActivityLog].append({
                "id": take(ActivityLog), "created_at": created_at + timedelta(hours=step), "actor_id": actor,
                "consultation_id": cid, "subject_type": "consultation", "subject_id": cid, "action": action,
                "message": message, "before": None, "after": None})
        if status in ASSIGNED and row["policy_lead_id"]:
            deadline = row["internal_deadline"]
            for kind in ("before_14", "before_7") if is_open else ("before_7", "before_1"):
                reminder_id = take(Message)
                sent = created_at + timedelta(days=7)
                rows[Message].append({
                    "id": reminder_id, "consultation_id": cid, "recipient_id": row["policy_lead_id"], "kind": kind,
                    "deadline": deadline, "subject": f"Internal deadline coming up: {row['title']}"[:300],
                    "body": "", "delivery": "immediate", "state": "sent", "attempts": 1, "next_attempt_at": None,
                    "claimed_at": sent, "sent_at": sent, "last_error": "", "digest_run_id": None,
                    "created_at": sent})
                rows[Notification].append({
                    "id": take(Notification), "user_id": row["policy_lead_id"], "consultation_id": cid,
                    "message_id": reminder_id, "kind": kind, "subject": f"Internal deadline: {row['title']}"[:300],
                    "body": "", "created_at": sent, "read_at": None if is_open else sent})
    for model, batch in rows.items():
        _insert(model, batch, summary)
    _sessions(rng, n, summary)
    db.session.flush()
    for table, count in seed_policy_and_intake(rng, n, now, today).items():
        summary.add(table, count)
    _move_sequences()
    echo(", ".join(f"{count:,} {table}" for table, count in summary.counts.items()))
    return summary


def _sessions(rng: random.Random, n: int, summary: ScaleSummary) -> None:
    """About one sign-in per consultation over the years, all over now: sessions are kept when they
    end (the Sessions page, sign-out everywhere), so the table grows as the network works. Their
    token hashes are the id and random bits (unique however often this runs), not the hash of any
    token: none of them could sign anyone in even if it had not ended."""
    users = list(db.session.scalars(select(User.id)))
    first = _next_id(UserSession)
    now = utcnow()
    rows = []
    for i in range(n):
        created = now - timedelta(days=1, minutes=rng.randint(0, YEARS * 365 * 24 * 60))
        seen = created + timedelta(minutes=rng.randint(0, 8 * 60))
        signed_out = rng.random() < 0.6  # the rest simply expired
        rows.append({
            "id": first + i, "user_id": rng.choice(users), "token_hash": f"{first + i:016x}{rng.getrandbits(192):048x}",
            "created_at": created, "expires_at": created + timedelta(hours=12), "last_seen_at": seen,
            "ended_at": seen + timedelta(minutes=1) if signed_out else None,
            "ended_reason": "signed out" if signed_out else "", "user_agent": rng.choice(USER_AGENTS),
            "ip_address": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"})
    _insert(UserSession, rows, summary)


def _move_sequences() -> None:
    """PostgreSQL hands out ids from sequences; move them past the ids chosen here."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608 - table names from metadata
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table.name}\"), false)"
            ))


def analyze() -> None:
    """Statistics for the planner once the data is committed: plans made with the empty tables'
    statistics are not the plans production's data gets.

    On PostgreSQL, VACUUM as well: autovacuum would get round to the freshly loaded tables at
    some moment, and until then their visibility map is empty, so counts cannot be index-only;
    vacuuming now makes the plans the same in every run. VACUUM cannot run in a transaction."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        return
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("PRAGMA optimize")
