"""The import: read a source's open list and bring our items (and the consultations made from
them) up to date. One pipeline for every source (GOV.UK, Parliament's select committees); what
differs is in each source's adapter (adapter.py). Whether the run read everything, and which of
its failures were reported before, is kept by completeness.py. Flushes; the CLI and the tasks
commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from tracker.documents.queue import read_after_commit
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.intake.adapter import SourceAdapter
from tracker.intake.classify import Classifier, Suggestion
from tracker.intake.completeness import Completeness, KnownProblems, row_digest, row_key
from tracker.intake.effects import ConsultationEffects
from tracker.intake.govuk import BadData, Facts, FetchError, Gone, Source, Unavailable
from tracker.intake.paging import PageFailure
from tracker.intake.rules import ensure_default_rules
from tracker.intake.sources import adapter_for
from tracker.models.intake import OUTCOME_TYPES, ImportRun, IntakeItem, ItemSource, ItemState
from tracker.timeutil import to_uk, utcnow

log = logging.getLogger("tracker.intake")


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
    known_bad: list[str] = field(default_factory=list)  # failed as on an earlier run: not news
    incomplete: str = ""  # "Incomplete: read 3 of 7 ..." when the lists were not read in full
    listed: int = 0
    declared: int | None = None

    @property
    def closing_line(self) -> str:
        return f"found {self.found}, new {self.new}, updated {self.updated}, skipped {self.skipped}"

    @property
    def exit_status(self) -> int:
        """0 when every page was read and every item imported or known bad; else 1."""
        return 1 if self.incomplete or self.errors else 0


class _Importer(ConsultationEffects):
    def __init__(self, source: SourceAdapter, *, dry_run: bool, trigger: str, echo: Callable[[str], None] | None):
        self.source = source
        self.dry_run = dry_run
        self.trigger = trigger
        self.echo = echo
        self.result = ImportResult()
        self.now = utcnow()
        self.classifier = Classifier()
        query = select(IntakeItem).where(IntakeItem.source == source.key.value)
        if source.feed_source_id is not None:
            query = query.where(IntakeItem.feed_source_id == source.feed_source_id)
        self.items = {
            i.content_id: i for i in db.session.scalars(query.options(selectinload(IntakeItem.consultation)))
        }
        self.seen: set[str] = set()
        self.completeness = Completeness()
        self.problems = KnownProblems(source.problem_source or source.key.value, self.now)

    def error(self, where: str, message: str) -> None:
        line = f"{where}: {message}"
        log.warning("%s import: %s", self.source.label, line)
        self.result.errors.append(line)

    def item_failed(self, where: str, message: str, key: str, fingerprint: str, *, lasting: bool = True) -> None:
        """An item not taken: a new failure, or known bad when it failed just so before (only
        reasons of the item's own are remembered; see completeness.py)."""
        if not lasting:
            self.problems.failed_again(key)
            self.error(where, message)
            return
        known = self.problems.report(key, fingerprint, message)
        if known is None:
            self.error(where, message)
        else:
            self.result.known_bad.append(KnownProblems.line(where, known))

    def change(self, text: str) -> None:
        self.result.changes.append(text)
        if self.echo:
            self.echo(text)

    def run(self) -> ImportResult:
        for page in self.source.listings():
            tally = self.completeness.tally(page)
            if isinstance(page, PageFailure):
                self.error(page.where, page.message)
                continue
            tally.rows += len(page.results)
            for result in page.results:
                listed = self.search_result(result)
                if listed is None:
                    tally.unkeyed += 1
                else:
                    tally.items.add(listed)
        self.follow_up()
        self.mark_seen()
        self.result.incomplete = self.completeness.summary()
        self.result.listed, self.result.declared = self.completeness.listed, self.completeness.declared
        self.problems.forget_resolved(self.seen, complete=not self.result.incomplete)
        self.result.requests = self.source.requests_made
        return self.result

    def search_result(self, result: object) -> tuple[str, str] | None:
        """Take one listed row; returns its (key, locator), None for a row without an id."""
        if not isinstance(result, dict):
            self.result.found += 1
            self.result.skipped += 1
            self.item_failed("a listed item", "a result that is not an object", row_key(result), row_digest(result))
            return None
        listed = self.source.identify(result)
        content_id, link, where = listed.key, listed.locator, listed.where
        if content_id is None:
            self.result.found += 1
            self.result.skipped += 1
            self.item_failed(where, listed.problem, row_key(result), row_digest(result))
            return None
        if content_id in self.seen:
            return content_id, link  # listed under both document types or on two pages: once is enough
        self.seen.add(content_id)
        self.result.found += 1
        item = self.items.get(content_id)
        digest = self.source.fingerprint(result)
        if item is not None:
            if item.state == ItemState.DISMISSED or item.search_fingerprint == digest:
                self.result.skipped += 1
                return content_id, link
        self.fetch_and_apply(item, content_id, link, result, digest, where)
        return content_id, link

    def fetch_and_apply(
        self, item: IntakeItem | None, key: str, link: str, result: dict, digest: str, where: str, *,
        follow_up: bool = False,
    ) -> None:
        """Fetch the item's facts and create or update our row, inside a savepoint.

        Follow-ups (items no longer in the search lists) are not part of "found", so an
        unchanged one counts nowhere and a failed one only as an error.
        """
        skipped = 0 if follow_up else 1
        try:
            facts = self.source.facts(link, result)
        except Gone:
            if item is not None and item.withdrawn_at is None:
                savepoint = db.session.begin_nested()
                self.apply_withdrawn(item, self.source.gone_message)
                savepoint.commit()
                self.result.updated += 1
            else:
                self.result.skipped += skipped
            return
        except (FetchError, BadData) as exc:
            self.result.skipped += skipped
            self.item_failed(where, str(exc), key, digest, lasting=not isinstance(exc, Unavailable))
            return
        expected = item.content_id if item is not None else result.get("content_id")
        if expected and facts.content_id != expected:
            # Trusting either id would let the next run create a duplicate or clash.
            self.result.skipped += skipped
            self.item_failed(where, f"the full record says its id is {facts.content_id}"
                             if self.source.key != ItemSource.GOVUK else
                             f"the content item says its content_id is {facts.content_id}", key, digest)
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
            self.item_failed(where, str(getattr(exc, "message", exc)), key, digest)
            return
        except Exception as exc:  # one bad row must not stop the run
            savepoint.rollback()
            self.result.skipped += skipped
            log.exception("%s import: %s failed", self.source.label, where)
            self.item_failed(where, f"could not be saved ({type(exc).__name__})", key, digest, lasting=False)
            return
        if item is None:
            self.items[created.content_id] = created
            self.result.new += 1
        elif changed:
            self.result.updated += 1
        else:
            self.result.skipped += skipped

    def suggest(self, facts: Facts) -> Suggestion:
        suggestion = self.classifier.suggest(facts.title, facts.summary, facts.organisations, facts.acronyms)
        default = self.classifier.areas.get(self.source.default_work_area_id or 0)
        if suggestion.work_area_id is None and default is not None:
            return Suggestion(default.id, [f"{default.name}: the default work area of {self.source.label}"])
        return suggestion

    def create(self, facts: Facts, digest: str) -> IntakeItem:
        suggestion = self.suggest(facts)
        item = IntakeItem(
            feed_source_id=self.source.feed_source_id,
            source=self.source.key.value,
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
        tracked = None if facts.withdrawn else self.link_tracked(item)
        db.session.add(item)
        db.session.flush()
        if tracked is not None:
            self.change(f"already tracked: {facts.title} ({facts.content_id}) is “{tracked.title}”")
            return item
        flag = "" if item.applies_to_network else " [does not apply to England or Wales]"
        if self.source.key != ItemSource.GOVUK:
            flag += f" [{item.organisation_text}]"
        if facts.withdrawn:
            flag += " [withdrawn]"
        area = self.classifier.areas.get(suggestion.work_area_id) if suggestion.work_area_id else None
        self.change(
            f"new: {facts.title} ({facts.content_id}), closes {to_uk(facts.closes_at):%-d %b %Y %H:%M}, "
            f"suggested {area.name if area else 'no work area'}{flag}"
        )
        return item

    @staticmethod
    def _copy_facts(item: IntakeItem, facts: Facts) -> None:
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

    def update(self, item: IntakeItem, facts: Facts, digest: str) -> bool:
        old_closes, old_type = item.closes_at, item.document_type
        old_updated, old_summary = item.public_updated_at, item.summary
        before = (item.title, item.summary, item.organisations, item.opened_at, item.closes_at,
                  item.document_type, item.ways_to_respond, item.national_applicability)
        self._copy_facts(item, facts)
        item.search_fingerprint = digest
        after = (item.title, item.summary, item.organisations, item.opened_at, item.closes_at,
                 item.document_type, item.ways_to_respond, item.national_applicability)
        changed = before != after
        if item.state == ItemState.PENDING and changed:
            suggestion = self.suggest(facts)
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
        new_version = item.public_updated_at != old_updated or (
            item.source == ItemSource.COMMITTEES and item.summary != old_summary)
        if item.consultation_id is not None and new_version:
            # A new version of its documents (a committee's scope is its summary): read them again
            # once the run commits.
            read_after_commit(db.session(), item.consultation_id)
        if changed:
            item.last_changed_at = self.now
            if old_closes == facts.closes_at and old_type == facts.document_type:
                self.change(f"updated: {facts.title} ({facts.content_id})")
        db.session.flush()
        return changed

    def follow_up(self) -> None:
        """Items that left the open lists: closed, withdrawn or with an outcome now."""
        if not self.source.follows_up:
            return
        pending_since = self.now - timedelta(days=self.source.pending_follow_days)
        accepted_since = self.now - timedelta(days=self.source.accepted_follow_days)
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
                item, item.content_id, self.source.locator(item), {}, item.search_fingerprint, item.content_id,
                follow_up=True,
            )

    def mark_seen(self) -> None:
        """One UPDATE per 500 seen items rather than one per item."""
        ids = sorted(self.seen)
        for start in range(0, len(ids), 500):
            db.session.execute(
                update(IntakeItem)
                .where(IntakeItem.source == self.source.key.value, IntakeItem.content_id.in_(ids[start : start + 500]))
                .values(last_seen_at=self.now)
                .execution_options(synchronize_session=False)
            )


def run_import(
    source: Source | SourceAdapter,
    *,
    dry_run: bool = False,
    trigger: str = "cli",
    echo: Callable[[str], None] | None = None,
) -> ImportResult:
    """Read a source (GOV.UK's, given as such or in its adapter, or another source's adapter)
    and bring our items up to date. Flushes; the caller commits (or, for a dry run, rolls
    back: nothing is written and nobody is notified)."""
    source = adapter_for(source)
    ensure_default_rules()
    run = ImportRun(started_at=utcnow(), source=source.name[:500], trigger=trigger[:20],
                    feed_source_id=source.feed_source_id)
    db.session.add(run)
    # Writing the run first opens the transaction, so the per-item savepoints sit inside it.
    db.session.flush()
    importer = _Importer(source, dry_run=dry_run, trigger=trigger, echo=echo)
    result = importer.run()
    run.finished_at = utcnow()
    run.found, run.new, run.updated, run.skipped = result.found, result.new, result.updated, result.skipped
    run.error_count = len(result.errors)
    run.errors = "\n".join(result.errors)[:50000]
    run.known_bad_count = len(result.known_bad)
    run.known_bad = "\n".join(result.known_bad)[:50000]
    run.listed, run.declared, run.incomplete = result.listed, result.declared, result.incomplete[:50000]
    run.requests = result.requests
    db.session.flush()
    result.run_id = run.id
    count = len(result.errors)
    log.log(logging.WARNING if result.exit_status else logging.INFO,
            "%s import (%s): %s, %s, %d known bad%s%s", source.label, source.name, result.closing_line,
            "1 new error" if count == 1 else f"{count} new errors", len(result.known_bad),
            f". {result.incomplete}" if result.incomplete else "",
            " (each item and its reason on the Import runs page, /intake/runs)" if count else "")
    return result

