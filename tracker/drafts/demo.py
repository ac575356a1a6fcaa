"""Demo drafts for `make run`: versions, threaded comments (replies, a resolved thread, a mention,
a thread on a question), questions, contributors, sign-offs,
submissions and outcomes on the demo consultations the seed already walked to each state, and
the workflow notifications their last steps sent (in the app, and emails the first sweep sends).

Idempotent: a consultation that already has a response is left alone. Flushes only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from tracker.consultations import notifications
from tracker.drafts import notices
from tracker.extensions import db
from tracker.models import City, Consultation, Role, Status, User
from tracker.models.drafts import (
    CitySupport,
    Comment,
    CommentMention,
    Contributor,
    Outcome,
    Question,
    Response,
    ResponseMode,
    ResponseVersion,
    Submission,
    SubmissionMethod,
    TakenUp,
)
from tracker.models.messages import Message, Notification
from tracker.timeutil import uk_today, utcnow

_STATUSES = (
    Status.DRAFTING,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.SUBMITTED,
    Status.OUTCOME_PUBLISHED,
)

_QUESTIONS = [
    "Do you agree with the proposed approach? Please explain your answer.",
    "What impact would the proposals have on local authorities and the people they serve?",
    "Is there anything else you would like to tell us?",
]


def _intro(c: Consultation) -> str:
    topic = c.title.split(":")[0]
    return (
        f"The Key Cities network of 25 urban councils welcomes the opportunity to respond on "
        f"**{topic.lower()}**. Our members serve more than six million residents across England and Wales.\n\n"
        "Our response draws on evidence from member cities and sets out three asks:\n\n"
        "- give councils **multi-year certainty** of funding;\n"
        "- design allocations around *need*, not competitive bidding;\n"
        "- involve urban councils early in the detailed design."
    )


def _revision(c: Consultation) -> str:
    return _intro(c).replace(
        "welcomes the opportunity",
        "strongly welcomes the opportunity",
    ) + (
        "\n\n## Evidence from member cities\n\n"
        "Hull, Preston and Wolverhampton each report that short-term funding rounds cost officer time "
        "that would be better spent on delivery."
    )


def _answers(questions: list[Question], round_: int) -> dict[str, str]:
    texts = [
        "Yes, in part. The network supports the aim but the timetable is too short for councils to plan.",
        "Urban councils face higher demand and tighter budgets; the proposals would add new burdens "
        "unless they are fully funded under the new burdens doctrine.",
        "We would welcome a meeting with officials to share evidence from member cities.",
    ]
    if round_ > 1:
        texts[0] += " A phased introduction over two years would help."
    return {str(q.id): texts[i % len(texts)] for i, q in enumerate(questions)}


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_demo() -> int:
    consultations = list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.status.in_([s.value for s in _STATUSES]))
            .order_by(Consultation.closes_at)
        )
    )
    coordinator = _user("coordinator@keycities.test")
    contributors = [u for u in (_user("contributor.newport@keycities.test"), _user("contributor.plymouth@keycities.test")) if u]
    cities = {c.name: c for c in db.session.scalars(select(City))}
    done = set(db.session.scalars(select(Response.consultation_id)))
    now = utcnow()
    created = 0
    told_threads = False
    for index, c in enumerate(consultations):
        if c.id in done:
            continue
        created += 1
        lead = c.policy_lead or db.session.scalar(
            select(User).where(User.role == Role.POLICY_LEAD.value, User.city_id == c.lead_city_id)
        )
        author = lead or coordinator
        by_questions = index % 2 == 0
        response = Response(
            consultation_id=c.id,
            mode=(ResponseMode.QUESTIONS if by_questions else ResponseMode.FREE).value,
            current_number=0,
        )
        db.session.add(response)
        db.session.flush()
        questions: list[Question] = []
        if by_questions:
            for n, text in enumerate(_QUESTIONS, start=1):
                q = Question(consultation_id=c.id, number=n, text=text)
                db.session.add(q)
                questions.append(q)
            db.session.flush()
        helper = contributors[index % len(contributors)] if contributors else None
        if helper is not None:
            db.session.add(Contributor(response_id=response.id, user_id=helper.id, added_by_id=author.id if author else None))

        rounds = [
            (author, _intro(c), _answers(questions, 1), "First draft", 9),
            (helper or author, _revision(c), _answers(questions, 2), "Added evidence from member cities", 6),
            (author, _revision(c) + "\n\nWe look forward to working with the department.", _answers(questions, 2), "Tidied the ending", 4),
        ]
        # Closed consultations were drafted before they closed.
        anchor = min(now, c.closes_at - timedelta(days=2))
        for number, (who, body, answers, note, days_ago) in enumerate(rounds, start=1):
            db.session.add(
                ResponseVersion(
                    response_id=response.id,
                    number=number,
                    author_id=who.id if who else None,
                    note=note,
                    body=body,
                    answers=answers,
                    search_text="\n\n".join([body, *answers.values()]),
                    created_at=anchor - timedelta(days=days_ago, hours=index),
                )
            )
        response.current_number = len(rounds)
        db.session.flush()

        _conversation(c, response, author, helper, coordinator, questions, anchor - timedelta(hours=index),
                      tell=not told_threads and Status(c.status) == Status.DRAFTING)
        told_threads = told_threads or Status(c.status) == Status.DRAFTING

        status = Status(c.status)
        if status in (Status.APPROVED, Status.SUBMITTED, Status.OUTCOME_PUBLISHED):
            response.approved_number = response.current_number
        if status != Status.DRAFTING:
            for name in ("Hull", "Salford", "Preston", "Coventry", "Newport", "Plymouth")[: 2 + index % 4]:
                city = cities.get(name) or next((v for k, v in cities.items() if k.startswith(name.split(" ")[0])), None)
                if city is not None:
                    db.session.add(CitySupport(consultation_id=c.id, city_id=city.id,
                                               recorded_by_id=coordinator.id if coordinator else None))
        if status in (Status.SUBMITTED, Status.OUTCOME_PUBLISHED):
            version = db.session.scalar(
                select(ResponseVersion).where(ResponseVersion.response_id == response.id,
                                              ResponseVersion.number == response.current_number)
            )
            submitted_at = min(c.closes_at - timedelta(days=1), now - timedelta(days=1))
            submission = Submission(
                consultation_id=c.id, version_id=version.id if version else None,
                method=(SubmissionMethod.ONLINE_FORM if index % 2 else SubmissionMethod.EMAIL).value,
                submitted_at=submitted_at, reference=f"KC-{c.id:04d}",
                recorded_by_id=coordinator.id if coordinator else None,
            )
            db.session.add(submission)
        if status == Status.OUTCOME_PUBLISHED:
            outcome = Outcome(
                consultation_id=c.id, url=(c.url or "https://www.gov.uk") + "/outcome",
                published_on=uk_today() - timedelta(days=7 + index),
                taken_up=(TakenUp.PARTLY if index % 2 else TakenUp.YES).value,
                notes="The government adopted a longer transition period, one of our three asks.",
                recorded_by_id=coordinator.id if coordinator else None,
            )
            db.session.add(outcome)
        db.session.flush()
        _tell(c, lead, coordinator, response.current_number, anchor - timedelta(days=1))
    _tell_assigned(coordinator, now)
    db.session.flush()
    return created


def _comment(response: Response, who: User | None, body: str, when: datetime, *, parent: Comment | None = None,
             question: Question | None = None) -> Comment:
    comment = Comment(response_id=response.id, author_id=who.id if who else None, body=body, kind="comment",
                      created_at=when, parent_id=parent.id if parent else None,
                      question_id=question.id if question else None)
    db.session.add(comment)
    db.session.flush()
    return comment


def _conversation(c: Consultation, response: Response, lead: User | None, helper: User | None,
                  coordinator: User | None, questions: list[Question], when: datetime, *, tell: bool) -> None:
    """A threaded discussion: a thread whose replies mention the helper, one resolved, and (question
    by question) one on question 2. ``tell``: the mention is notified, as the real verbs do."""
    if helper is None or lead is None:
        return
    city = helper.city.name if helper.city else "My city"
    first = _comment(response, helper, f"{city} can add figures on bus patronage if useful.", when - timedelta(days=8))
    asked = _comment(response, lead, f"Yes please, @{helper.name}: the last three years, by the end of the week if you "
                     "can.", when - timedelta(days=7, hours=20), parent=first)
    db.session.add(CommentMention(comment_id=asked.id, user_id=helper.id, typed=f"@{helper.name}"))
    _comment(response, helper, "Added to the evidence section in version 2.", when - timedelta(days=6), parent=first)
    if coordinator is not None:
        sharper = _comment(response, coordinator, "Good start. Can we make the **first ask** sharper?",
                           when - timedelta(days=5))
        _comment(response, lead, "Sharpened in version 3: it now names the funding period.", when - timedelta(days=4),
                 parent=sharper)
        sharper.resolved_at, sharper.resolved_by_id, sharper.version = when - timedelta(days=4), lead.id, 2
    if len(questions) > 1:
        _comment(response, helper, f"{city}'s experience backs this answer: our bus services fell by a fifth.",
                 when - timedelta(days=3), question=questions[1])
    db.session.flush()
    if tell:
        notices.comment_added(lead, c, asked, top=first, question=None, mentioned=[helper])


def _dated(consultation: Consultation, when: datetime) -> None:
    """Date the event's rows when it happened: the first sweep of `make run` then sends the
    emails (it sends what has waited a while), and the notification list reads naturally."""
    key = notifications.event_key(consultation)
    ids = list(db.session.scalars(select(Message.id).where(Message.event_key == key)))
    if ids:
        db.session.execute(update(Message).where(Message.id.in_(ids)).values(created_at=when))
        db.session.execute(update(Notification).where(Notification.message_id.in_(ids)).values(created_at=when))


def _tell(c: Consultation, lead: User | None, coordinator: User | None, number: int, when: datetime) -> None:
    """The notification of the last step each demo draft took, as the real verbs send it."""
    status = Status(c.status)
    if status == Status.IN_REVIEW:
        notifications.sent_for_review(lead, c, number)
    elif status == Status.APPROVED:
        notifications.approved(coordinator, c, number)
    elif status == Status.SUBMITTED:
        submission = db.session.scalar(select(Submission).where(Submission.consultation_id == c.id))
        if submission is not None:
            notifications.submitted(coordinator, c, submission, number)
    elif status == Status.OUTCOME_PUBLISHED:
        outcome = db.session.scalar(select(Outcome).where(Outcome.consultation_id == c.id))
        if outcome is not None:
            notifications.outcome_published(coordinator, c, outcome)
    else:
        return
    _dated(c, when)


def _tell_assigned(coordinator: User | None, now: datetime) -> None:
    """The assignment notices of the demo consultations still waiting for their first draft
    (once: the event key is the consultation's version)."""
    for c in db.session.scalars(
        select(Consultation).where(Consultation.status == Status.ASSIGNED.value, Consultation.closes_at > now)
    ):
        notifications.assigned(coordinator, c, before={"lead_city_id": None, "policy_lead_id": None})
        _dated(c, min(now, c.closes_at) - timedelta(days=3))
