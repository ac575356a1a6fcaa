"""Comments that work like a conversation (issue 23): replies under a comment, threads resolved and
reopened by who may (checked on the thread's version: of two people resolving from the same page,
the second is told who did), ``@name`` mentions refused with the candidates when they name no one
or several (the typed text kept), threads on a question shown under it, and the thread's steps in
the consultation's history."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.threads import at_once
from tracker.drafts import conversation, mentions, queries, versions
from tracker.errors import DomainError, PermissionDenied, Stale
from tracker.extensions import db
from tracker.models import ActivityLog, Consultation, Role, Status, User
from tracker.models.drafts import Comment, CommentMention


def _page(client, consultation: Consultation) -> str:  # type: ignore[no-untyped-def]
    return html_lib.unescape(client.get(f"/consultations/{consultation.id}/response").get_data(as_text=True))


def _thread_html(page: str, top_id: int) -> str:
    """The markup of one thread: from its wrapper to the next thread or the end of its section."""
    start = page.index(f'id="comment-{top_id}"')
    after = re.compile(r'<div class="kc-thread(?: kc-thread--resolved)?"|</section>|<h2 ').search(page, start)
    return page[start:after.start() if after else len(page)]


def _post(client, consultation: Consultation, path: str = "", **data: object):  # type: ignore[no-untyped-def]
    return client.post(f"/consultations/{consultation.id}/response/comments{path}", data=data)


def _committed(body):  # type: ignore[no-untyped-def]
    result = body()
    db.session.commit()
    return result


def _comments(consultation: Consultation) -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Comment).join(Comment.author).order_by(Comment.id)))


def test_a_reply_sits_under_its_comment_and_a_reply_to_a_reply_joins_the_thread(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    contributor, lead = as_user("contributor"), as_user("lead")
    assert _post(contributor, c, body="Newport can add **bus** figures.").status_code == 302
    (top,) = _comments(c)
    assert (top.parent_id, top.question_id, top.resolved_at) == (None, None, None)
    r = _post(lead, c, f"/{top.id}/replies", body="Yes please, by Friday.")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#comment-{top.id + 1}")
    reply = _comments(c)[1]
    # A reply to the reply is one more reply in the same thread (threads are one level deep).
    assert _post(contributor, c, f"/{reply.id}/replies", body="Done: see version 2.").status_code == 302
    rows = _comments(c)
    assert [(x.body, x.parent_id) for x in rows] == [
        ("Newport can add **bus** figures.", None), ("Yes please, by Friday.", top.id), ("Done: see version 2.", top.id)]

    page = _page(as_user("other_lead"), c)
    assert "Comments (3)" in page
    thread = _thread_html(page, top.id)
    assert "<strong>bus</strong>" in thread and "Yes please, by Friday." in thread and "Done: see version 2." in thread
    assert thread.count("kc-comment--reply") == 2
    assert f'action="/consultations/{c.id}/response/comments/{top.id}/replies"' in thread
    # The steps are in the consultation's history, as comments always were.
    history = html_lib.unescape(as_user("coordinator").get(f"/consultations/{c.id}").get_data(as_text=True))
    assert "Commented on the draft" in history and "Replied to a comment on the draft" in history


def test_a_refused_reply_is_shown_again_in_its_thread_with_the_text(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    top = conversation.add_comment(users["contributor"], c, "First thought.")
    db.session.commit()
    r = _post(as_user("lead"), c, f"/{top.id}/replies", body="Ask @Nobody Known about it.")
    assert r.status_code == 400
    page = html_lib.unescape(r.get_data(as_text=True))
    assert "<title>Error: " in page
    assert re.search(rf'href="#reply-{top.id}"', page)
    thread = _thread_html(page, top.id)
    assert "Ask @Nobody Known about it.</textarea>" in thread and "<details class=\"govuk-details kc-thread__reply\" open>" in thread
    assert len(_comments(c)) == 1


def test_who_may_resolve_and_reopen_a_thread(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    top = conversation.add_comment(users["contributor"], c, "Is the second ask too broad?")
    colleague = factories.make_user(Role.CONTRIBUTOR, city_name="Newport", name="Nia Newport")
    db.session.commit()

    def resolve(who: str | User, action: str = "resolve"):  # type: ignore[no-untyped-def]
        client = as_user(who) if isinstance(who, str) else as_user(None)
        if isinstance(who, User):
            from tests.conftest import login

            login(client, who)
        db.session.expire_all()
        version = db.session.get(Comment, top.id).version
        return client.post(f"/consultations/{c.id}/response/comments/{top.id}/{action}", data={"version": version})

    # Another city's lead and another contributor may not; the page offers them no button.
    assert resolve("other_lead").status_code == 403
    assert resolve(colleague).status_code == 403
    assert "Resolve<span" not in _page(as_user("other_lead"), c)
    # The thread's author may; the lead city's lead may reopen it; a coordinator may resolve it again.
    assert "Resolve<span" in _page(as_user("contributor"), c)
    assert resolve("contributor").status_code == 302
    assert db.session.get(Comment, top.id).resolved_by_id == users["contributor"].id
    assert resolve("lead", "reopen").status_code == 302
    assert db.session.get(Comment, top.id).resolved_at is None
    assert resolve("coordinator").status_code == 302
    resolved = db.session.get(Comment, top.id)
    assert (resolved.resolved_by_id, resolved.version) == (users["coordinator"].id, 4)
    actions = list(db.session.scalars(select(ActivityLog.action).where(ActivityLog.subject_type == "comment",
                                                                      ActivityLog.subject_id == top.id)
                                      .order_by(ActivityLog.id)))
    assert actions == ["comment", "comment_resolved", "comment_reopened", "comment_resolved"]

    # Resolved: collapsed on the page, with who resolved it, and no reply form.
    page = _page(as_user("lead"), c)
    thread = _thread_html(page, top.id)
    assert '<details class="govuk-details kc-thread__details">' in thread
    assert "Resolved: Is the second ask too broad? (1 comment)" in thread
    assert "Resolved by Cora Coordinator on" in thread
    assert "/replies" not in thread and "Reopen<span" in thread


def test_two_people_resolving_from_the_same_page_the_second_is_told_who_did(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    top = conversation.add_comment(users["contributor"], c, "Shall we add a fourth ask?")
    db.session.commit()
    lead, coordinator = as_user("lead"), as_user("coordinator")
    seen = re.search(rf'comments/{top.id}/resolve">.*?name="version" value="(\d+)"', _page(lead, c), re.S)
    assert seen and seen.group(1) == "1"
    assert re.search(rf'comments/{top.id}/resolve">.*?name="version" value="1"', _page(coordinator, c), re.S)

    first = lead.post(f"/consultations/{c.id}/response/comments/{top.id}/resolve", data={"version": 1})
    assert first.status_code == 302
    second = coordinator.post(f"/consultations/{c.id}/response/comments/{top.id}/resolve", data={"version": 1},
                              follow_redirects=True)
    text = html_lib.unescape(second.get_data(as_text=True))
    assert "This thread changed after you opened the page, so it was not resolved: Lena Lead (Hull) resolved it on" in text
    # And a reopen from the page drawn before the resolve is refused too: it would undo what it never saw.
    again = coordinator.post(f"/consultations/{c.id}/response/comments/{top.id}/reopen", data={"version": 1},
                             follow_redirects=True)
    assert "so it was not reopened" in html_lib.unescape(again.get_data(as_text=True))
    db.session.expire_all()
    row = db.session.get(Comment, top.id)
    assert (row.resolved_by_id, row.version) == (users["lead"].id, 2)
    assert db.session.scalar(select(func.count()).select_from(ActivityLog)
                             .where(ActivityLog.action == "comment_resolved")) == 1


@pytest.mark.committed  # the other resolve runs in a thread with its own connection and commits
def test_a_resolve_that_read_the_thread_before_another_committed_is_refused(app, make_draft, users) -> None:
    c = make_draft(Status.DRAFTING)
    top = conversation.add_comment(users["contributor"], c, "Check the figures.")
    db.session.commit()
    cid, top_id, lead_id, coordinator_id = c.id, top.id, users["lead"].id, users["coordinator"].id
    # The coordinator's request has read the thread at version 1...
    row = db.session.get(Comment, top_id)
    assert row.version == 1
    # ...when the lead's resolve commits on another connection.
    (done,) = at_once(app, lambda: _committed(lambda: conversation.set_resolved(
        db.session.get(User, lead_id), db.session.get(Consultation, cid), top_id, resolved=True, seen=1).version), 1)
    assert done == 2
    with pytest.raises(Stale) as refused:
        conversation.set_resolved(db.session.get(User, coordinator_id), db.session.get(Consultation, cid), top_id,
                                  resolved=True, seen=1)
    assert "Lena Lead (Hull) resolved it on" in refused.value.message
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Comment, top_id).resolved_by_id == lead_id


def test_a_reply_to_a_thread_resolved_meanwhile_is_refused_with_the_text_kept(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    top = conversation.add_comment(users["contributor"], c, "Done?")
    db.session.commit()
    conversation.set_resolved(users["lead"], c, top.id, resolved=True, seen=1)
    db.session.commit()
    r = _post(as_user("coordinator"), c, f"/{top.id}/replies", body="One more point on this.")
    assert r.status_code == 409
    page = html_lib.unescape(r.get_data(as_text=True))
    assert "This thread was resolved while you were writing (Lena Lead (Hull) resolved it on" in page
    assert "One more point on this.</textarea>" in _thread_html(page, top.id)


def test_mentions_name_members_by_name_email_or_a_unique_first_name(users) -> None:
    twin = factories.make_user(Role.POLICY_LEAD, city_name="Salford", name="Lena Lowe", email="lena.lowe@salford.test")
    db.session.commit()
    found = mentions.find("Thanks @Lena Lead, and @cai — see `@nobody` and @lena.lowe@salford.test. Email a@b.test.")
    assert [(m.typed, m.user_id) for m in found] == [
        ("@Lena Lead", users["lead"].id), ("@cai", users["contributor"].id), ("@lena.lowe@salford.test", twin.id)]
    # "@Lena" is both Lena Lead and Lena Lowe; an unknown name gets suggestions; an unknown address says so.
    with pytest.raises(DomainError) as ambiguous:
        mentions.find("Over to @Lena.")
    assert "“@Lena” could be Lena Lead (Hull, " in ambiguous.value.message
    assert "or Lena Lowe (Salford, lena.lowe@salford.test): type @ and their full name or email address." in (
        ambiguous.value.message)
    with pytest.raises(DomainError) as unknown:
        mentions.find("Ask @Lenna Leed")
    assert "No member is called “@Lenna”. Did you mean Lena Lead (Hull" in unknown.value.message
    with pytest.raises(DomainError) as address:
        mentions.find("Ask @someone@nowhere.test")
    assert "No member has the email address “someone@nowhere.test”" in address.value.message
    # A disabled account cannot be named.
    users["other_lead"].is_enabled = False
    db.session.flush()
    with pytest.raises(DomainError):
        mentions.find("Ask @Omar Other")


def test_an_ambiguous_mention_is_refused_on_the_form_with_the_text_kept(make_draft, as_user, users) -> None:
    factories.make_user(Role.CONTRIBUTOR, city_name="Wrexham", name="Lena Lewis")
    c = make_draft(Status.DRAFTING)
    typed = "Can @Lena check the <figures> in para 2?"
    r = _post(as_user("contributor"), c, body=typed)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert "Can @Lena check the &lt;figures&gt; in para 2?</textarea>" in page
    text = html_lib.unescape(page)
    assert "“@Lena” could be Lena Lead (Hull, " in text and "Lena Lewis (Wrexham, " in text
    assert re.search(r'<div class="govuk-error-summary".*?href="#body"', page, re.S)
    assert _comments(c) == []


def test_mentions_are_stored_and_drawn_as_highlighted_escaped_names(make_draft, as_user, users) -> None:
    odd = factories.make_user(Role.CONTRIBUTOR, city_name="Lincoln", name="Bob <b>Bold</b>", email="bob@lincoln.test")
    c = make_draft(Status.DRAFTING)
    comment = conversation.add_comment(users["coordinator"], c, "@bob@lincoln.test and @lena lead: see **this**.")
    db.session.commit()
    stored = {(m.typed, m.user_id) for m in db.session.scalars(select(CommentMention))}
    assert stored == {("@bob@lincoln.test", odd.id), ("@lena lead", users["lead"].id)}
    page = as_user("contributor").get(f"/consultations/{c.id}/response").get_data(as_text=True)
    thread = _thread_html(page, comment.id)
    assert '<mark class="kc-mention">@Bob &lt;b&gt;Bold&lt;/b&gt;</mark> and <mark class="kc-mention">@Lena Lead</mark>' in thread
    assert "<strong>this</strong>" in thread and "<b>" not in thread


def test_comments_on_a_question_are_shown_under_the_question(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    lead = as_user("lead")
    for text in ("First question?", "Second question?"):
        versions.add_question(users["lead"], db.session.get(Consultation, c.id), text)
        db.session.commit()
    q1, q2 = queries.questions(db.session.get(Consultation, c.id))
    assert _post(lead, c, body="About question 2: too long.", question_id=q2.id).status_code == 302
    assert _post(lead, c, body="On the whole response.").status_code == 302
    anchored, general = _comments(c)
    assert (anchored.question_id, general.question_id) == (q2.id, None)

    page = _page(as_user("contributor"), c)
    under_q2 = page[page.index('id="question-2"'):page.index('id="comments"')]
    assert "About question 2: too long." in under_q2 and "Comments on question 2 (1 thread)" in under_q2
    assert "About question 2: too long." not in page[page.index('id="question-1"'):page.index('id="question-2"')]
    comments_section = page[page.index('id="comments"'):page.index('id="people"')]
    assert "On the whole response." in comments_section and "About question 2" not in comments_section
    assert f'<input type="hidden" name="question_id" value="{q1.id}">' in page  # a form on each question
    # A refused comment on a question comes back under that question, with its text.
    r = _post(lead, c, body="Ask @Zebedee", question_id=q1.id)
    assert r.status_code == 400
    refused = html_lib.unescape(r.get_data(as_text=True))
    assert f'href="#comment-q-{q1.id}"' in refused
    assert "Ask @Zebedee</textarea>" in refused[refused.index('id="question-1"'):refused.index('id="question-2"')]

    # Written as free text again: the question's thread stays, with the others, labelled.
    versions.set_mode(users["lead"], db.session.get(Consultation, c.id), "free")
    db.session.commit()
    page = _page(as_user("contributor"), c)
    comments_section = page[page.index('id="comments"'):page.index('id="people"')]
    assert "On question 2" in comments_section and "About question 2: too long." in comments_section


def test_a_comment_form_sent_twice_adds_one_comment(make_draft, as_user) -> None:
    c = make_draft(Status.DRAFTING)
    client = as_user("contributor")
    token = re.search(r'name="token" value="([^"]+)"', _page(client, c)).group(1)
    for _ in range(2):
        assert _post(client, c, body="Only once, please.", token=token).status_code == 302
    assert [x.body for x in _comments(c)] == ["Only once, please."]
    # The same page's form used again for a different comment is a new comment.
    assert _post(client, c, body="Something else.", token=token).status_code == 302
    assert len(_comments(c)) == 2


def test_authors_edit_their_own_comments_on_the_version_they_read(make_draft, as_user, users) -> None:
    c = make_draft(Status.DRAFTING)
    mine = conversation.add_comment(users["contributor"], c, "Typo in para 3.")
    db.session.commit()
    url = f"/consultations/{c.id}/response/comments/{mine.id}/edit"
    assert as_user("lead").get(url).status_code == 403
    client = as_user("contributor")
    assert "Typo in para 3.</textarea>" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"body": "Typo in para 4.", "version": 1}).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Comment, mine.id).body, db.session.get(Comment, mine.id).version) == ("Typo in para 4.", 2)
    assert "· edited" in _page(client, c)
    stale = client.post(url, data={"body": "Typo in para 5.", "version": 1})
    assert stale.status_code == 409
    text = html_lib.unescape(stale.get_data(as_text=True))
    assert "This comment changed after you opened it" in text
    assert "Typo in para 5.</textarea>" in text and "Typo in para 4." in text


def test_resolving_needs_the_thread_of_this_response(make_draft, users) -> None:
    c, other = make_draft(Status.DRAFTING), make_draft(Status.DRAFTING)
    top = conversation.add_comment(users["contributor"], other, "Elsewhere.")
    db.session.commit()
    with pytest.raises(DomainError) as missing:
        conversation.set_resolved(users["coordinator"], c, top.id, resolved=True, seen=1)
    assert missing.value.status_code == 404
    with pytest.raises(PermissionDenied):
        conversation.set_resolved(users["other_lead"], other, top.id, resolved=True, seen=1)
