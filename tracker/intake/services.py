"""Intake verbs: import from GOV.UK, classify, accept, dismiss, edit the rules.

Like every service here they check, change, log and flush; the CLI, the task and the
views commit.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from tracker import activity
from tracker.consultations import services as consultation_services
from tracker.consultations import workflow
from tracker.consultations.services import ConsultationData
from tracker.errors import DomainError, PermissionDenied
from tracker.extensions import db
from tracker.intake.govuk import (
    ApiSource,
    BadData,
    DirSource,
    Facts,
    FetchError,
    Gone,
    GovukClient,
    Source,
    fingerprint,
    parse_facts,
)
from tracker.models import Consultation, Role, User, WorkArea
from tracker.models import Source as ConsultationSource
from tracker.models.intake import (
    OUTCOME_TYPES,
    GovukItem,
    ImportRun,
    ItemState,
    OrganisationRule,
    WorkAreaKeywords,
)
from tracker.timeutil import to_uk, utcnow

log = logging.getLogger("tracker.intake")

# Pending items are followed this long after closing (to notice withdrawal or an outcome).
PENDING_FOLLOW_DAYS = 30
# Accepted ones much longer: outcomes often take months.
ACCEPTED_FOLLOW_DAYS = 400

DEFAULT_ORGANISATION_RULES: list[tuple[str, str]] = [
    ("Department for Transport", "Transport"),
    ("Ministry of Housing, Communities and Local Government", "Housing"),
    ("Ministry of Housing, Communities and Local Government", "Towns and Urban Centres"),
    ("Department for Energy Security and Net Zero", "Climate Emergency"),
    ("Department for Environment, Food & Rural Affairs", "Climate Emergency"),
    ("Department of Health and Social Care", "Health and Social Care"),
    ("Department for Education", "Young People, Skills and Education"),
    ("Department for Culture, Media and Sport", "Culture"),
    ("Department for Business and Trade", "Brexit and Trade"),
    ("Home Office", "Community Cohesion"),
]

DEFAULT_KEYWORDS: dict[str, list[str]] = {
    "Towns and Urban Centres": ["town centre", "town centres", "high street", "high streets", "regeneration",
                                "levelling up", "local growth", "devolution", "local government"],
    "Culture": ["culture", "arts", "museum", "museums", "heritage", "library", "libraries",
                "creative industries", "tourism"],
    "Brexit and Trade": ["trade", "trade agreement", "export", "exports", "tariff", "tariffs", "customs",
                         "investment", "brexit"],
    "Health and Social Care": ["health", "nhs", "social care", "public health", "care homes", "mental health"],
    "Housing": ["housing", "homes", "planning", "homelessness", "renting", "renters", "leasehold",
                "building safety", "landlord", "landlords"],
    "Young People, Skills and Education": ["school", "schools", "education", "skills", "apprenticeship",
                                           "apprenticeships", "young people", "children", "send",
                                           "further education"],
    "Transport": ["transport", "bus", "buses", "rail", "railway", "roads", "cycling", "active travel",
                  "electric vehicle", "electric vehicles"],
    "Community Cohesion": ["community cohesion", "cohesion", "integration", "faith", "asylum", "refugees",
                           "local democracy", "elections"],
    "Climate Emergency": ["climate", "net zero", "carbon", "emissions", "flooding", "flood", "energy efficiency",
                          "heat pump", "heat pumps", "recycling", "biodiversity", "environment"],
}

ORGANISATION_POINTS = 3
TITLE_KEYWORD_POINTS = 2
SUMMARY_KEYWORD_POINTS = 1


def _norm(text: str) -> str:
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


# --- Rules ------------------------------------------------------------------------------


def ensure_default_rules() -> bool:
    """Seed the default rules once: the keyword rows (one per work area) mark it done.

    An admin who deletes every organisation rule does not get them back; a work area
    added later gets an empty keyword row. Safe to run concurrently (several first
    imports, or an import and the rules page at once): rows another transaction wrote
    first are left alone rather than clashing with them.
    """
    areas = {a.name: a for a in db.session.scalars(select(WorkArea))}
    existing = set(db.session.scalars(select(WorkAreaKeywords.work_area_id)))
    first_time = not existing
    keywords = [
        {"work_area_id": area.id, "keywords": "\n".join(DEFAULT_KEYWORDS.get(name, []) if first_time else [])}
        for name, area in areas.items() if area.id not in existing
    ]
    if keywords:
        db.session.execute(_insert_new(WorkAreaKeywords, ["work_area_id"]), keywords)
    if first_time:
        rules = [{"organisation": organisation, "work_area_id": areas[area_name].id}
                 for organisation, area_name in DEFAULT_ORGANISATION_RULES if area_name in areas]
        if rules:
            db.session.execute(_insert_new(OrganisationRule, ["organisation", "work_area_id"]), rules)
    db.session.flush()
    return first_time


def _insert_new(model: type[db.Model], keys: list[str]):  # type: ignore[name-defined,no-untyped-def]
    """INSERT ... ON CONFLICT DO NOTHING on either database."""
    table = model.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=keys)


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied("Only admins can change the classification rules.")


def add_organisation_rule(actor: User, organisation: str, work_area: WorkArea) -> OrganisationRule:
    _require_admin(actor)
    organisation = " ".join(organisation.split())
    if not organisation:
        raise DomainError("Enter the organisation's name as GOV.UK writes it, or its acronym.")
    if len(organisation) > 200:
        raise DomainError("The organisation's name must be 200 characters or fewer.")
    duplicate = db.session.scalar(
        select(OrganisationRule).where(
            func.lower(OrganisationRule.organisation) == organisation.lower(),
            OrganisationRule.work_area_id == work_area.id,
        )
    )
    if duplicate:
        raise DomainError(f"{organisation} already points at {work_area.name}.")
    rule = OrganisationRule(organisation=organisation, work_area=work_area)
    db.session.add(rule)
    db.session.flush()
    activity.record(
        "intake_rule_add", actor=actor, subject_type="organisation_rule", subject_id=rule.id,
        message=f"Organisation rule added: {organisation} → {work_area.name}",
        after={"organisation": organisation, "work_area": work_area.name},
    )
    return rule


def delete_organisation_rule(actor: User, rule: OrganisationRule) -> None:
    _require_admin(actor)
    activity.record(
        "intake_rule_delete", actor=actor, subject_type="organisation_rule", subject_id=rule.id,
        message=f"Organisation rule removed: {rule.organisation} → {rule.work_area.name}",
        before={"organisation": rule.organisation, "work_area": rule.work_area.name},
    )
    db.session.delete(rule)
    db.session.flush()


def set_keywords(actor: User, work_area: WorkArea, text: str) -> WorkAreaKeywords:
    _require_admin(actor)
    if len(text) > 5000:
        raise DomainError("Keep the keywords under 5,000 characters.")
    row = db.session.scalar(select(WorkAreaKeywords).where(WorkAreaKeywords.work_area_id == work_area.id))
    if row is None:
        row = WorkAreaKeywords(work_area=work_area, keywords="")
        db.session.add(row)
    before = row.keyword_list
    row.keywords = "\n".join(WorkAreaKeywords(keywords=text).keyword_list)
    db.session.flush()
    if before != row.keyword_list:
        activity.record(
            "intake_keywords", actor=actor, subject_type="work_area", subject_id=work_area.id,
            message=f"Keywords for {work_area.name} changed",
            before={"keywords": before}, after={"keywords": row.keyword_list},
        )
    return row


# --- Classification ----------------------------------------------------------------------


@dataclass
class Suggestion:
    work_area_id: int | None
    reasons: list[str]


class Classifier:
    """Suggests a work area from the organisation and keywords; loaded once per run."""

    def __init__(self) -> None:
        self.areas = {a.id: a for a in db.session.scalars(select(WorkArea).order_by(WorkArea.name))}
        self.org_rules: dict[str, list[int]] = {}
        for rule in db.session.scalars(select(OrganisationRule)):
            self.org_rules.setdefault(_norm(rule.organisation), []).append(rule.work_area_id)
        self.keywords: list[tuple[int, str, re.Pattern[str]]] = []
        for row in db.session.scalars(select(WorkAreaKeywords)):
            for word in row.keyword_list:
                pattern = re.compile(r"(?<![a-z0-9])" + re.escape(word) + r"(?![a-z0-9])", re.IGNORECASE)
                self.keywords.append((row.work_area_id, word, pattern))

    def suggest(self, title: str, summary: str, organisations: Iterable[str], acronyms: Iterable[str] = ()) -> Suggestion:
        scores: dict[int, int] = {}
        reasons: dict[int, list[str]] = {}
        by_org: set[int] = set()
        for org in [*organisations, *[a for a in acronyms if a]]:
            for area_id in self.org_rules.get(_norm(org), []):
                if area_id in by_org:
                    continue
                by_org.add(area_id)
                scores[area_id] = scores.get(area_id, 0) + ORGANISATION_POINTS
                reasons.setdefault(area_id, []).append(f"Issued by {org}, which the rules link to this work area")
        for area_id, word, pattern in self.keywords:
            if pattern.search(title):
                scores[area_id] = scores.get(area_id, 0) + TITLE_KEYWORD_POINTS
                reasons.setdefault(area_id, []).append(f"“{word}” in the title")
            elif pattern.search(summary):
                scores[area_id] = scores.get(area_id, 0) + SUMMARY_KEYWORD_POINTS
                reasons.setdefault(area_id, []).append(f"“{word}” in the summary")
        if not scores:
            return Suggestion(None, ["No organisation rule or keyword matched: choose the work area yourself"])
        names = {i: a.name for i, a in self.areas.items()}
        best = max(scores, key=lambda i: (scores[i], i in by_org, -len(names.get(i, "")), names.get(i, "")))
        explanation = list(reasons[best])
        others = sorted((i for i in scores if i != best), key=lambda i: -scores[i])
        if others:
            explanation.append(
                "Also considered: " + ", ".join(f"{names.get(i, i)} ({scores[i]} points)" for i in others[:3])
            )
        explanation.insert(0, f"{names.get(best, best)}: {scores[best]} points")
        return Suggestion(best, explanation)


# --- Import -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    found: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    requests: int = 0
    run_id: int | None = None

    @property
    def closing_line(self) -> str:
        return f"found {self.found}, new {self.new}, updated {self.updated}, skipped {self.skipped}"


def make_api_source() -> ApiSource:
    config = current_app.config
    client = GovukClient(
        config["GOVUK_API_BASE_URL"],
        user_agent=(
            f"KeyCitiesTracker/1.0 (+{config['BASE_URL']}; consultation tracker of the "
            f"{config['NETWORK_NAME']} network)"
        ),
        per_second=float(config["GOVUK_REQUESTS_PER_SECOND"]),
        timeout=(float(config["GOVUK_CONNECT_TIMEOUT"]), float(config["GOVUK_READ_TIMEOUT"])),
        max_retries=int(config["GOVUK_MAX_RETRIES"]),
        backoff=float(config["GOVUK_RETRY_BACKOFF_SECONDS"]),
        max_wait=float(config["GOVUK_MAX_RETRY_WAIT_SECONDS"]),
    )
    return ApiSource(client, page_size=int(config["GOVUK_PAGE_SIZE"]))


def make_dir_source(path: str) -> DirSource:
    return DirSource(path)


def document_types() -> list[str]:
    raw = current_app.config["GOVUK_DOCUMENT_TYPES"]
    return [t.strip() for t in raw.split(",") if t.strip()]


class _Importer:
    def __init__(self, source: Source, *, dry_run: bool, trigger: str, echo: Callable[[str], None] | None):
        self.source = source
        self.dry_run = dry_run
        self.trigger = trigger
        self.echo = echo
        self.result = ImportResult()
        self.now = utcnow()
        self.classifier = Classifier()
        self.items = {
            i.content_id: i
            for i in db.session.scalars(select(GovukItem).options(selectinload(GovukItem.consultation)))
        }
        self.seen: set[str] = set()

    def error(self, where: str, message: str) -> None:
        line = f"{where}: {message}"
        log.warning("GOV.UK import: %s", line)
        self.result.errors.append(line)

    def change(self, text: str) -> None:
        self.result.changes.append(text)
        if self.echo:
            self.echo(text)

    def run(self) -> ImportResult:
        for document_type in document_types():
            for page in self.source.search_pages(document_type):
                if isinstance(page, FetchError):
                    self.error("search", str(page))
                    continue
                for result in page["results"]:
                    self.search_result(result)
        self.follow_up()
        self.mark_seen()
        self.result.requests = self.source.requests_made
        return self.result

    def search_result(self, result: object) -> None:
        if not isinstance(result, dict):
            self.result.found += 1
            self.result.skipped += 1
            self.error("search", "a result that is not an object")
            return
        content_id = result.get("content_id")
        link = result.get("link")
        where = str(content_id or link or "a search result")[:120]
        if not isinstance(content_id, str) or not content_id or not isinstance(link, str) or not link.startswith("/"):
            self.result.found += 1
            self.result.skipped += 1
            self.error(where, "no content_id or link in the search result")
            return
        if content_id in self.seen:
            return  # listed under both document types or on two pages: once is enough
        self.seen.add(content_id)
        self.result.found += 1
        item = self.items.get(content_id)
        digest = fingerprint(result)
        if item is not None:
            if item.state == ItemState.DISMISSED or item.search_fingerprint == digest:
                self.result.skipped += 1
                return
        self.fetch_and_apply(item, link, result, digest, where)

    def fetch_and_apply(
        self, item: GovukItem | None, link: str, result: dict, digest: str, where: str, *, follow_up: bool = False
    ) -> None:
        """Fetch the content item and create or update our row, inside a savepoint.

        Follow-ups (items no longer in the search lists) are not part of "found", so an
        unchanged one counts nowhere and a failed one only as an error.
        """
        skipped = 0 if follow_up else 1
        try:
            content = self.source.content(link)
            facts = parse_facts(result, content)
        except Gone:
            if item is not None and item.withdrawn_at is None:
                savepoint = db.session.begin_nested()
                self.apply_withdrawn(item, "The page was removed from GOV.UK")
                savepoint.commit()
                self.result.updated += 1
            else:
                self.result.skipped += skipped
            return
        except (FetchError, BadData) as exc:
            self.result.skipped += skipped
            self.error(where, str(exc))
            return
        expected = item.content_id if item is not None else result.get("content_id")
        if expected and facts.content_id != expected:
            # Trusting either id would let the next run create a duplicate or clash.
            self.result.skipped += skipped
            self.error(where, f"the content item says its content_id is {facts.content_id}")
            return
        savepoint = db.session.begin_nested()
        try:
            if item is None:
                created = self.create(facts, digest)
                changed = True
            else:
                changed = self.update(item, facts, digest)
            savepoint.commit()
        except (DomainError, ValueError) as exc:
            savepoint.rollback()
            self.result.skipped += skipped
            self.error(where, str(getattr(exc, "message", exc)))
            return
        except Exception as exc:  # one bad row must not stop the run
            savepoint.rollback()
            self.result.skipped += skipped
            log.exception("GOV.UK import: %s failed", where)
            self.error(where, f"could not be saved ({type(exc).__name__})")
            return
        if item is None:
            self.items[created.content_id] = created
            self.result.new += 1
        elif changed:
            self.result.updated += 1
        else:
            self.result.skipped += skipped

    def create(self, facts: Facts, digest: str) -> GovukItem:
        suggestion = self.classifier.suggest(facts.title, facts.summary, facts.organisations, facts.acronyms)
        item = GovukItem(
            content_id=facts.content_id,
            search_fingerprint=digest,
            suggested_work_area_id=suggestion.work_area_id,
            suggestion_reasons=suggestion.reasons,
            state=ItemState.WITHDRAWN.value if facts.withdrawn else ItemState.PENDING.value,
            withdrawn_at=self.now if facts.withdrawn else None,
            outcome_seen_at=self.now if facts.document_type in OUTCOME_TYPES else None,
            first_seen_at=self.now,
            last_seen_at=self.now,
            last_changed_at=self.now,
        )
        self._copy_facts(item, facts)
        db.session.add(item)
        db.session.flush()
        flag = "" if item.applies_to_network else " [does not apply to England or Wales]"
        if facts.withdrawn:
            flag += " [withdrawn]"
        area = self.classifier.areas.get(suggestion.work_area_id) if suggestion.work_area_id else None
        self.change(
            f"new: {facts.title} ({facts.content_id}), closes {to_uk(facts.closes_at):%-d %b %Y %H:%M}, "
            f"suggested {area.name if area else 'no work area'}{flag}"
        )
        return item

    @staticmethod
    def _copy_facts(item: GovukItem, facts: Facts) -> None:
        item.base_path = facts.base_path
        item.document_type = facts.document_type
        item.title = facts.title
        item.summary = facts.summary
        item.organisations = facts.organisations
        item.opened_at = facts.opened_at
        item.closes_at = facts.closes_at
        item.public_updated_at = facts.public_updated_at
        item.ways_to_respond = facts.ways_to_respond
        item.national_applicability = facts.national_applicability
        item.applies_to_network = facts.applies_to_network

    def update(self, item: GovukItem, facts: Facts, digest: str) -> bool:
        old_closes, old_type = item.closes_at, item.document_type
        before = (item.title, item.summary, item.organisations, item.opened_at, item.closes_at,
                  item.document_type, item.ways_to_respond, item.national_applicability)
        self._copy_facts(item, facts)
        item.search_fingerprint = digest
        after = (item.title, item.summary, item.organisations, item.opened_at, item.closes_at,
                 item.document_type, item.ways_to_respond, item.national_applicability)
        changed = before != after
        if item.state == ItemState.PENDING and changed:
            suggestion = self.classifier.suggest(facts.title, facts.summary, facts.organisations, facts.acronyms)
            item.suggested_work_area_id = suggestion.work_area_id
            item.suggestion_reasons = suggestion.reasons
        if old_closes != facts.closes_at:
            self.change(
                f"closing date: {facts.title} ({facts.content_id}) "
                f"{to_uk(old_closes):%-d %b %Y %H:%M} → {to_uk(facts.closes_at):%-d %b %Y %H:%M}"
                if old_closes else f"closing date: {facts.title} now closes {to_uk(facts.closes_at):%-d %b %Y}"
            )
            self.closing_date_changed(item)
        if old_type != facts.document_type:
            self.change(f"document type: {facts.title} ({facts.content_id}) {old_type} → {facts.document_type}")
            if facts.document_type in OUTCOME_TYPES and item.outcome_seen_at is None:
                self.outcome_published(item)
        if facts.withdrawn and item.withdrawn_at is None:
            self.apply_withdrawn(item, facts.withdrawn_explanation or "Withdrawn on GOV.UK")
            changed = True
        if changed:
            item.last_changed_at = self.now
            if old_closes == facts.closes_at and old_type == facts.document_type:
                self.change(f"updated: {facts.title} ({facts.content_id})")
        db.session.flush()
        return changed

    def closing_date_changed(self, item: GovukItem) -> None:
        consultation = item.consultation
        if consultation is None or item.closes_at is None:
            return
        data = ConsultationData(
            title=consultation.title,
            issuing_organisation=consultation.issuing_organisation,
            closes_at=item.closes_at,
            url=consultation.url,
            summary=consultation.summary,
            opened_at=consultation.opened_at,
        )
        if data.opened_at and data.opened_at > data.closes_at:
            data.opened_at = item.opened_at
        consultation_services.update_consultation(None, consultation, data)

    def outcome_published(self, item: GovukItem) -> None:
        item.outcome_seen_at = self.now
        consultation = item.consultation
        if consultation is None:
            return
        link = _public_url(item.base_path)
        if workflow.allowed(None, consultation, "publish_outcome"):
            workflow.apply(
                consultation, "publish_outcome", None,
                message=f"GOV.UK published the outcome: {link}",
            )
        else:
            activity.record(
                "govuk_outcome", actor=None, consultation=consultation,
                message=f"GOV.UK published the outcome ({link}); the status stays "
                f"{consultation.status_label.lower()}",
            )
        if self.dry_run:
            return
        from tracker.reminders.notify import notify

        recipients: list[User] = [consultation.policy_lead] if consultation.policy_lead else _coordinators()
        notify(
            recipients,
            kind="outcome",
            subject=f"Outcome published: {consultation.title}"[:300],
            body=(
                f"The government has published its outcome for “{consultation.title}”.\n\n"
                f"Read it on GOV.UK: {link}\n\nRecord whether it took up the network's asks in the tracker."
            ),
            consultation=consultation,
        )

    def apply_withdrawn(self, item: GovukItem, explanation: str) -> None:
        item.withdrawn_at = self.now
        item.last_changed_at = self.now
        if item.state in (ItemState.PENDING, ItemState.ACCEPTED):
            item.state = ItemState.WITHDRAWN.value
        self.change(f"withdrawn: {item.title} ({item.content_id}): {explanation}")
        consultation = item.consultation
        if consultation is None:
            return
        if workflow.allowed(None, consultation, "withdraw"):
            workflow.apply(consultation, "withdraw", None, message=f"Withdrawn on GOV.UK: {explanation}"[:1000])
        else:
            activity.record(
                "govuk_withdrawn", actor=None, consultation=consultation,
                message=f"GOV.UK marked it withdrawn ({explanation}); the status stays "
                f"{consultation.status_label.lower()}"[:1000],
            )
        db.session.flush()

    def follow_up(self) -> None:
        """Items that left the open lists: closed, withdrawn or with an outcome now."""
        pending_since = self.now - timedelta(days=PENDING_FOLLOW_DAYS)
        accepted_since = self.now - timedelta(days=ACCEPTED_FOLLOW_DAYS)
        for item in list(self.items.values()):
            if item.content_id in self.seen or item.withdrawn_at is not None or item.outcome_seen_at is not None:
                continue
            if item.state == ItemState.PENDING:
                if item.closes_at is not None and item.closes_at < pending_since:
                    continue
            elif item.state == ItemState.ACCEPTED:
                if item.closes_at is not None and item.closes_at < accepted_since:
                    continue
            else:
                continue
            self.fetch_and_apply(
                item, item.base_path, {}, item.search_fingerprint, item.content_id, follow_up=True
            )

    def mark_seen(self) -> None:
        """One UPDATE per 500 seen items rather than one per item."""
        ids = sorted(self.seen)
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(GovukItem)
                .where(GovukItem.content_id.in_(ids[start : start + 500]))
                .values(last_seen_at=self.now)
                .execution_options(synchronize_session=False)
            )


def _coordinators() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.COORDINATOR.value, User.is_enabled.is_(True)))
    )


def _public_url(base_path: str) -> str:
    return current_app.config["GOVUK_API_BASE_URL"].rstrip("/") + base_path


def run_import(
    source: Source,
    *,
    dry_run: bool = False,
    trigger: str = "cli",
    echo: Callable[[str], None] | None = None,
) -> ImportResult:
    """Read GOV.UK and bring our items up to date. Flushes; the caller commits (or, for a
    dry run, rolls back: nothing is written and nobody is notified)."""
    ensure_default_rules()
    run = ImportRun(started_at=utcnow(), source=source.name[:500], trigger=trigger[:20])
    db.session.add(run)
    # Writing the run first opens the transaction, so the per-item savepoints sit inside it.
    db.session.flush()
    importer = _Importer(source, dry_run=dry_run, trigger=trigger, echo=echo)
    result = importer.run()
    run.finished_at = utcnow()
    run.found, run.new, run.updated, run.skipped = result.found, result.new, result.updated, result.skipped
    run.error_count = len(result.errors)
    run.errors = "\n".join(result.errors)[:50000]
    run.requests = result.requests
    db.session.flush()
    result.run_id = run.id
    log.info("GOV.UK import (%s): %s, %d errors", source.name, result.closing_line, len(result.errors))
    return result


# --- Triage ---------------------------------------------------------------------------------


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied("Only coordinators can triage imported consultations.")


def accept_item(actor: User, item: GovukItem, work_area: WorkArea | None = None) -> Consultation:
    """The item becomes a consultation in status `new`, in the chosen (or suggested) work area."""
    _require_coordinator(actor)
    if item.state != ItemState.PENDING:
        raise DomainError(f"This item is already {item.state_enum.label.lower()}.")
    if item.closes_at is None:
        raise DomainError("GOV.UK gave no closing date for this item, so it cannot be tracked.")
    area = work_area or item.suggested_work_area
    existing = db.session.scalar(
        select(Consultation).where(
            Consultation.source == ConsultationSource.GOVUK.value, Consultation.external_id == item.content_id
        )
    )
    if existing is not None:
        consultation = existing
    else:
        data = ConsultationData(
            title=item.title,
            issuing_organisation=(item.organisation_text or "GOV.UK")[:200],
            closes_at=item.closes_at,
            url=_public_url(item.base_path)[:500],
            summary=item.summary,
            opened_at=item.opened_at,
        )
        # The importer is the author of the facts (actor None): a closed item may still be
        # tracked, e.g. to follow its outcome. Who accepted it is logged just below.
        consultation = consultation_services.create_consultation(
            None, data, source=ConsultationSource.GOVUK, external_id=item.content_id, work_area=area
        )
    item.state = ItemState.ACCEPTED.value
    item.consultation = consultation
    item.decided_by = actor
    item.decided_at = utcnow()
    activity.record(
        "govuk_accept", actor=actor, consultation=consultation,
        message=f"Accepted from the GOV.UK inbox ({area.name if area else 'no work area'})",
        after={"govuk_content_id": item.content_id, "work_area": area.name if area else None},
    )
    db.session.flush()
    return consultation


def dismiss_item(actor: User, item: GovukItem, reason: str) -> None:
    _require_coordinator(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("Give a reason for dismissing it, so colleagues can see why.")
    if len(reason) > 1000:
        raise DomainError("Keep the reason to 1,000 characters or fewer.")
    if item.state != ItemState.PENDING:
        raise DomainError(f"This item is already {item.state_enum.label.lower()}.")
    item.state = ItemState.DISMISSED.value
    item.dismissal_reason = reason
    item.decided_by = actor
    item.decided_at = utcnow()
    activity.record(
        "govuk_dismiss", actor=actor, subject_type="govuk_item", subject_id=item.id,
        message=f"Dismissed “{item.title}” from the GOV.UK inbox: {reason}",
        after={"state": item.state, "reason": reason},
    )
    db.session.flush()


def inbox_count() -> int:
    return db.session.scalar(
        select(func.count(GovukItem.id)).where(GovukItem.state == ItemState.PENDING.value)
    ) or 0


def item_for_consultation(consultation: Consultation) -> GovukItem | None:
    if consultation is None or getattr(consultation, "id", None) is None:
        return None
    return db.session.scalar(
        select(GovukItem)
        .options(selectinload(GovukItem.suggested_work_area))
        .where(GovukItem.consultation_id == consultation.id)
    )


def is_closed(item: GovukItem, now: datetime | None = None) -> bool:
    return item.closes_at is not None and item.closes_at <= (now or utcnow())
