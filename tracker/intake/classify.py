"""Suggesting a work area for an imported item from the organisation and keyword rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import WorkArea
from tracker.models.intake import OrganisationRule, WorkAreaKeywords

ORGANISATION_POINTS = 3
TITLE_KEYWORD_POINTS = 2
SUMMARY_KEYWORD_POINTS = 1


def _norm(text: str) -> str:
    text = text.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())

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

