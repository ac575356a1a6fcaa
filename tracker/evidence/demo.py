"""Demo evidence for `make run`: Salford, leading the response on the decent homes standard (answered
question by question), has asked Wolverhampton, Preston and Newport for local evidence on its first
two questions (their contributors told too). Wolverhampton has replied, on a question and on the
whole, with a CSV of figures; Preston has nothing to add; Newport has not answered yet: the panel
beside the draft shows every state and replies to quote. (Hull's bus draft, in free text, instead
when the seed has no Salford draft.)

Made through the feature's own verbs, as the demo's people, so the activity log and the
notifications are the real ones. Idempotent: nothing is added once any request exists. Flushes only.
"""

from __future__ import annotations

import io

from flask import current_app
from sqlalchemy import select

from tracker.evidence import files, replies, services
from tracker.extensions import db
from tracker.models import City, Consultation, Status, User
from tracker.models.drafts import Question
from tracker.models.evidence import EvidenceRequest
from tracker.timeutil import uk_today

# (consultation, the lead city's demo policy lead), the first one still being drafted.
DRAFTS = [("Renters' rights: implementing the decent homes standard", "lead.salford@keycities.test"),
          ("Bus services: improving accessibility information", "lead.hull@keycities.test")]
ASKED = ("Wolverhampton", "Preston", "Newport")
BRIEF = ("We want to show what enforcing the decent homes standard costs and achieves locally. Please send "
         "figures on inspections, hazards found and put right, and what your private rented sector teams cost.")
FIGURES = ("year,inspections,category 1 hazards found,hazards put right,enforcement officers\n"
           "2023,412,188,141,6\n2024,497,203,176,7\n2025,583,219,201,8\n")
FINDINGS = ("Wolverhampton's selective licensing areas had **583** inspections in 2025, up 41% on 2023, and "
            "92% of the category 1 hazards found were put right within six months: the figures are attached.")
COST = "Each enforcement officer costs us about £48,000 a year with on-costs; fees cover a third of that."


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_demo() -> int:
    if db.session.scalar(select(EvidenceRequest.id).limit(1)) is not None:
        return 0
    found = [(c, _user(email)) for title, email in DRAFTS
             if (c := db.session.scalar(select(Consultation).where(Consultation.title == title))) is not None
             and c.status == Status.DRAFTING and services.latest_reply_by(c) >= uk_today()]
    consultation, lead = found[0] if found else (None, None)
    wolverhampton = _user("lead.wolverhampton@keycities.test")
    preston = _user("lead.preston@keycities.test")
    if consultation is None or lead is None:
        return 0
    cities = {c.name: c.id for c in db.session.scalars(select(City).where(City.name.in_(ASKED)))}
    questions = list(db.session.scalars(
        select(Question).where(Question.consultation_id == consultation.id).order_by(Question.number)))
    request = services.ask(lead, consultation, services.AskInput(
        brief=BRIEF, reply_by=services.proposed_reply_by(consultation), city_ids=[cities[n] for n in ASKED if n in cities],
        question_ids=[q.id for q in questions[:2]], include_contributors=True), seen_version=consultation.version)
    if wolverhampton is not None:
        text: dict[int | None, str] = (
            {questions[0].id: FINDINGS, None: COST} if questions else {None: f"{FINDINGS}\n\n{COST}"})
        upload = files.check("Wolverhampton decent homes enforcement 2023-2025.csv", io.BytesIO(FIGURES.encode()),
                             max_bytes=current_app.config["EVIDENCE_MAX_FILE_BYTES"])
        replies.reply(wolverhampton, consultation, request.id, replies.ReplyInput(answers=text, uploads=[upload]),
                      seen_version=1, max_reply_bytes=current_app.config["EVIDENCE_MAX_REPLY_BYTES"])
    if preston is not None:
        replies.nothing_to_add(preston, consultation, request.id, seen_version=1)
    db.session.flush()
    return 1
