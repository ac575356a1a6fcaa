"""Finding questions: each layout, the options and follow-ups, and what must give nothing."""

from __future__ import annotations

from tracker.documents.blocks import heading, item, paragraph, row
from tracker.documents.htmlblocks import html_blocks
from tracker.documents.questions import Found, find_questions, merge


def found(markup: str) -> list[tuple[str, str, list[str]]]:
    return [(q.number, q.text, q.options) for q in find_questions(html_blocks(markup))]


def test_question_as_its_own_heading_with_its_text_after() -> None:
    assert found("<h2>2. Fares</h2><h3>Question 1</h3><p>Do you agree with a national fare cap?</p>"
                 "<ul><li>Yes</li><li>No</li><li>Don’t know</li></ul><p>Please explain your answer.</p>"
                 "<p>2.2 The cap would cost 150 million pounds a year.</p>") == [
        ("1", "Do you agree with a national fare cap?\nPlease explain your answer.", ["Yes", "No", "Don’t know"])]


def test_question_as_its_own_paragraph() -> None:
    assert found("<p><strong>Question 4</strong></p><p>How should the levy be spent?</p>") == [
        ("4", "How should the levy be spent?", [])]


def test_labels_on_the_same_line() -> None:
    assert found("<p>Question 1: Should councils set fares?</p><p>Q2. Should operators share data?</p>"
                 "<p>Q3 What else should we consider?</p><p>Consultation question 4: Any other comments?</p>"
                 "<p>Question 5 – Who should pay?</p>") == [
        ("1", "Should councils set fares?", []), ("2", "Should operators share data?", []),
        ("3", "What else should we consider?", []), ("4", "Any other comments?", []), ("5", "Who should pay?", [])]


def test_chapter_numbering_and_sub_parts() -> None:
    assert found("<p>Question 2.1: Do you agree that there should be gateway assessments:</p>"
                 "<p>(a) at the start;</p><p>(b) before submission?</p><p>2.3 Other text.</p>"
                 "<p>Question 2.2: Who should carry them out?</p>") == [
        ("2.1", "Do you agree that there should be gateway assessments:\n(a) at the start;\n(b) before submission?", []),
        ("2.2", "Who should carry them out?", [])]


def test_options_on_the_question_line_and_tick_boxes() -> None:
    assert found("<p>Question 1: Do you agree? (Yes/No/Unsure)</p><p>Question 2: Do you support it?</p>"
                 "<p>☐ Strongly agree ☐ Agree ☐ Disagree</p><p>Comments:</p>") == [
        ("1", "Do you agree?", ["Yes", "No", "Unsure"]),
        ("2", "Do you support it?", ["Strongly agree", "Agree", "Disagree"])]


def test_ordered_list_under_a_questions_heading() -> None:
    assert found("<h2>Consultation questions</h2><p>Answer any you wish.</p><ol start=\"3\">"
                 "<li>Which buildings should connect?<p>Please give reasons.</p></li><li>Who should pay?</li></ol>"
                 "<h2>Next steps</h2><ol><li>Do you want updates? We will write to you.</li></ol>") == [
        ("3", "Which buildings should connect?\nPlease give reasons.", []), ("4", "Who should pay?", [])]


def test_unnumbered_questions_under_a_questions_heading_are_numbered_in_order() -> None:
    assert found("<h2>Questions</h2><p>We would like your views on the following.</p>"
                 "<p>What barriers stop organisations applying?</p><p>If so, which ones matter most?</p>"
                 "<p>How should funding be shared between places?</p><h2>How to respond</h2>"
                 "<p>What to do next? Email us.</p>") == [
        ("1", "What barriers stop organisations applying?\nIf so, which ones matter most?", []),
        ("2", "How should funding be shared between places?", [])]


def test_a_paragraph_that_introduces_questions_and_its_list() -> None:
    assert found("<p>The Committee invites evidence on the following questions:</p>"
                 "<ul><li>How effective has funding been?</li><li>What barriers remain?</li></ul>"
                 "<p>Submissions should be no longer than 3,000 words.</p><ul><li>What is your name?</li></ul>") == [
        ("1", "How effective has funding been?", []), ("2", "What barriers remain?", [])]


def test_a_table_with_a_question_column() -> None:
    blocks = [heading("Summary"), row(["No.", "Question", "Options"], header=True),
              row(["1", "Do you support the levy?", "Yes / No"]), row(["", "Part B: spending", ""]),
              row(["2", "How should it be spent?", ""])]
    assert [(q.number, q.text, q.options) for q in find_questions(blocks)] == [
        ("1", "Do you support the levy?", ["Yes", "No"]), ("2", "How should it be spent?", [])]


def test_a_form_table_of_label_and_question_cells() -> None:
    blocks = [row(["Question 1", "Do you agree with the cap?"]), row(["☐ Yes", "☐ No"]), row(["Your response", ""])]
    assert [(q.number, q.text, q.options) for q in find_questions(blocks)] == [
        ("1", "Do you agree with the cap?", ["Yes", "No"])]


def test_where_it_was_found() -> None:
    blocks = [heading("Chapter 2: Housing", page=4), paragraph("Question 7: Should rents be capped?", page=5)]
    assert find_questions(blocks)[0].where == "page 5, Chapter 2: Housing"


def test_numbered_paragraphs_and_prose_about_questions_give_nothing() -> None:
    assert found("<h2>1. Purpose</h2><p>1.1 This guidance explains the regime.</p>"
                 "<p>1.2 Question 3 of the 2023 consultation asked about fares; question 4 asked about routes.</p>"
                 "<p>As question 3 of the 2023 consultation showed, most agreed.</p>"
                 "<p>Q1 2026 figures show 12 authorities have done so.</p><p>2. Do authorities need consent?</p>"
                 "<ol><li>Read the guidance.</li><li>What happens next is set out below.</li></ol>") == []


def test_faqs_and_contact_sections_give_nothing() -> None:
    assert found("<h2>Frequently asked questions</h2><h3>How do I apply?</h3><p>Do you need consent? No.</p>"
                 "<h2>Questions about this guidance</h2><p>You can email questions to us.</p>"
                 "<h2>Questions and answers</h2><p>What is a franchise?</p>") == []


def test_a_document_without_questions_gives_nothing() -> None:
    assert found("<h1>Impact assessment</h1><p>The costs are set out below.</p><table><tr><th>Cost</th>"
                 "<th>Amount</th></tr><tr><td>Staff</td><td>£1m</td></tr></table>") == []
    assert find_questions([]) == []


def test_a_label_with_no_text_after_it_gives_nothing() -> None:
    assert find_questions([heading("Question 1"), heading("Chapter 2")]) == []


def test_merge_keeps_one_of_each_with_the_fuller_text_and_the_options() -> None:
    body = Found("1", "Do you agree?\nPlease explain your answer.", ["Yes", "No"], "Chapter 1")
    annex = Found("1", "Do you agree?", [], "Annex A")
    other = Found("2", "Who should pay for the new services in each area?", [], "Chapter 2")
    unnumbered_copy = Found("1", "Who should pay for the new services in each area?", [], "Questions", numbered=False)
    different_same_number = Found("2", "Anything else?", [], "Chapter 9")
    kept = merge([(annex, "annex"), (body, "body"), (other, "body"), (unnumbered_copy, "html"),
                  (different_same_number, "body")])
    assert [(q.number, q.text, q.options, source) for q, source in kept] == [
        ("1", "Do you agree?\nPlease explain your answer.", ["Yes", "No"], "body"),
        ("2", "Who should pay for the new services in each area?", [], "body"),
        ("2", "Anything else?", [], "body")]


def test_list_items_nested_under_a_question_stay_in_it() -> None:
    blocks = [paragraph("Question 3: Which of the following should be included:"), item("bus lanes"),
              item("fares"), paragraph("3.4 Unrelated text follows.")]
    assert find_questions(blocks)[0].text == "Which of the following should be included:\nbus lanes\nfares"


def test_hostile_documents_are_bounded_and_stay_text() -> None:
    many = "".join(f"<p>Question {n}: Do you agree with proposal {n}?</p>" for n in range(1, 3000))
    assert len(find_questions(html_blocks(many))) == 500
    deep = "<div>" * 5000 + "<p>Question 1: Is this deep?</p>" + "</div>" * 5000
    assert found(deep) == [("1", "Is this deep?", [])]
    hostile = ("<p>Question 1: Do you agree <script>alert(1)</script>with <b onclick=x>this</b>?\x00\x1b</p>"
               "<style>p{}</style><p>☐ Yes <img src=x onerror=alert(1)> ☐ No</p>")
    assert found(hostile) == [("1", "Do you agree with this?", ["Yes", "No"])]
