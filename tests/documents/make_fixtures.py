"""Writes the PDF and DOCX fixtures under tests/documents/fixtures/assets (committed; run this after
changing a text here):  .venv/bin/python -m tests.documents.make_fixtures

The content items, HTML publications and the expected questions are JSON files beside them."""

from __future__ import annotations

from pathlib import Path

from tests.documents.builders import docx_file, pdf

ASSETS = Path(__file__).resolve().parent / "fixtures" / "assets"

BUS_Q1 = ("Do you agree that all local transport authorities should have access to franchising powers without "
          "the Secretary of State's consent?")
BUS_Q2 = "How could the franchising assessment be made simpler and quicker, while still protecting value for money?"
BUS_Q3 = ("Which of the following should an enhanced partnership be able to set: minimum service frequencies, "
          "maximum fares, vehicle standards?")
BUS_Q4 = "Should local transport authorities be able to set up their own bus companies?"
BUS_Q5 = "Do you have any other comments on the proposals in this consultation?"


def bus_consultation_pdf() -> bytes:
    """The PDF version of the bus franchising HTML publication: "Question 1" in bold on its own line."""
    return pdf([
        ("title", "Bus franchising reform: consultation document"),
        ("h1", "1. Introduction"),
        ("body", "1.1 The government wants local leaders to have the powers they need to improve bus services "
                 "in their areas, so that more people can rely on the bus to get to work, education and services."),
        ("body", "1.2 In 2023 we consulted on bus service improvement plans. Question 3 of the 2023 consultation "
                 "asked about fares, and the answers shaped this proposal."),
        ("h1", "2. Franchising"),
        ("body", "2.1 Franchising lets a local transport authority decide the routes, timetables and fares of "
                 "the buses in its area, and contract operators to run them."),
        ("bold", "Question 1"),
        ("body", BUS_Q1),
        ("body", "Yes / No / Don't know"),
        ("body", "Please explain your answer."),
        ("body", "2.2 Some authorities told us that the assessment process is too long and too costly for a "
                 "smaller authority to complete."),
        ("bold", "Question 2"),
        ("body", BUS_Q2),
        ("h1", "3. Enhanced partnerships"),
        ("bold", "Question 3"),
        ("body", BUS_Q3),
        ("bold", "Question 4"),
        ("body", BUS_Q4),
        ("body", "Yes / No / Don't know"),
        ("body", "If not, why not?"),
        ("h1", "4. Other comments"),
        ("bold", "Question 5"),
        ("body", BUS_Q5),
    ], break_before=(12,))


def bus_impact_assessment_pdf() -> bytes:
    """No questions: numbered paragraphs and prose that mention questions."""
    paragraphs = [("title", "Bus franchising reform: impact assessment")]
    for number in range(1, 9):
        paragraphs.append(("h2", f"{number}. Costs and benefits, part {number}"))
        paragraphs.append(("body", f"{number}.1 This section sets out the costs to local transport authorities of "
                                   "preparing a franchising assessment, which the consultation question on "
                                   "assessments asks about. It draws on the evidence gathered in 2023."))
        paragraphs.append(("body", f"{number}.2 As question 3 of the 2023 consultation showed, most respondents "
                                   "expected savings from simpler assessments, although some disagreed."))
    return pdf(paragraphs)


SKILLS = [
    ("Do you agree that the funding formula should give more weight to learners in areas of high deprivation, "
     "as set out in paragraph 2.1?"),
    "What evidence should we use to measure the outcomes of adult learning, beyond qualifications achieved?",
    ("Should providers publish an annual statement of their outcomes? Please give examples of what it should "
     "include."),
    "How can we reduce the burden of data returns on small providers?",
]


def skills_pdf() -> bytes:
    """"Q1." and "Q2 ..." labels, questions wrapped over lines, a page break mid-document."""
    return pdf([
        ("title", "Adult Skills Fund: funding and accountability"),
        ("h1", "1. Introduction"),
        ("body", "1.1 The Adult Skills Fund supports adults to gain the skills they need for work, an "
                 "apprenticeship or further learning. It is worth 1.4 billion pounds a year."),
        ("body", "1.2 This consultation proposes changes to how the fund is allocated and how providers account "
                 "for it. The questions are in sections 2 and 3."),
        ("h1", "2. Funding formula"),
        ("body", "2.1 We propose that the formula gives more weight to learners who live in the 20% most deprived "
                 "areas, and to learners with no qualifications at level 2."),
        ("body", f"Q1. {SKILLS[0]}"),
        ("body", "Yes / No / Not sure"),
        ("body", "Please explain your answer."),
        ("body", f"Q2 {SKILLS[1]}"),
        ("h1", "3. Accountability"),
        ("body", "3.1 Providers already return data on every learner several times a year."),
        ("body", f"Q3. {SKILLS[2]}"),
        ("body", f"Q4 {SKILLS[3]}"),
        ("h1", "4. Next steps"),
        ("body", "4.1 We will publish our response within 12 weeks of the consultation closing."),
    ], break_before=(10,))


CULTURE = [
    ("To what extent do you agree that cultural investment should be shared more evenly between the "
     "regions of England?"),
    ("What barriers stop cultural organisations in towns and smaller cities from applying for national "
     "funding?"),
    "How should local authorities be involved in deciding where cultural investment goes?",
]


def culture_pdf() -> bytes:
    """"Consultation question N:" labels; the second question runs over a page break."""
    return pdf([
        ("title", "Cultural investment in places: consultation"),
        ("h1", "Chapter 1: Sharing investment"),
        ("body", "1.1 National cultural investment has been concentrated in a few places, and most of it in "
                 "London. We want every part of England to share in it."),
        ("body", f"Consultation question 1: {CULTURE[0]}"),
        ("body", "Strongly agree / Agree / Neither agree nor disagree / Disagree / Strongly disagree"),
        ("h1", "Chapter 2: Barriers"),
        ("body", "2.1 Smaller organisations told us that applying for funding takes time they do not have. "
                 + "They said that the forms are long, that the rules change from one round to the next, and "
                 "that they cannot pay for a specialist to write their bids. " * 16
                 + " Others agreed with them, and said that the same was true of their partners in the area."),
        ("body", f"Consultation question 2: {CULTURE[1]}"),
        ("h1", "Chapter 3: Local decisions"),
        ("body", f"Consultation question 3: {CULTURE[2]}"),
    ])


def bus_response_form_docx() -> bytes:
    """The department's response form: respondent details, then a table with a "Question" column."""
    return docx_file([
        ("h1", "Bus franchising reform: response form"),
        ("h2", "About you"),
        ("p", "Name:"),
        ("p", "Are you responding on behalf of an organisation?"),
        ("boxes", ["Yes", "No"]),
        ("h2", "Consultation questions"),
        ("p", "Please answer as many questions as you wish."),
        ("table", [["No.", "Question", "Your response"],
                   ["1", BUS_Q1, ""], ["2", BUS_Q2, ""], ["3", BUS_Q3, ""], ["4", BUS_Q4, ""], ["5", BUS_Q5, ""]]),
    ])


HOUSING = [
    "Do you agree that all senior housing managers should hold a relevant qualification?",
    "How long should existing managers be given to gain a qualification?",
    "What support would small landlords need to meet the standards?",
]


def housing_form_docx() -> bytes:
    """A numbered list (Word's List Number) under "Consultation questions", with tick boxes."""
    return docx_file([
        ("h1", "Social housing competence standards: response form"),
        ("h2", "About you"),
        ("p", "Are you a registered provider of social housing?"),
        ("boxes", ["Yes", "No"]),
        ("h2", "Consultation questions"),
        ("number", HOUSING[0]),
        ("boxes", ["Yes", "No", "Don't know"]),
        ("p", "Please explain your answer."),
        ("p", "Comments:"),
        ("number", HOUSING[1]),
        ("symbols", ["2 years", "3 years", "4 years"]),
        ("number", HOUSING[2]),
        ("p", "Comments:"),
        ("h2", "Thank you"),
        ("p", "Send the completed form to the address on the consultation page."),
    ])


FILES = {
    "bus-franchising-consultation.pdf": bus_consultation_pdf,
    "bus-franchising-impact-assessment.pdf": bus_impact_assessment_pdf,
    "bus-franchising-response-form.docx": bus_response_form_docx,
    "adult-skills-fund.pdf": skills_pdf,
    "cultural-investment.pdf": culture_pdf,
    "housing-standards-response-form.docx": housing_form_docx,
}


def main() -> None:
    ASSETS.mkdir(parents=True, exist_ok=True)
    for name, build in FILES.items():
        (ASSETS / name).write_bytes(build())
        print(f"wrote {ASSETS / name}")


if __name__ == "__main__":
    main()
