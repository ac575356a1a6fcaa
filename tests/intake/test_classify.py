"""Classification: organisation rules and keywords suggest a work area, with reasons."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tests.intake.govuk_server import make_item
from tracker.extensions import db
from tracker.intake import classify, rules
from tracker.models import WorkArea
from tracker.models.intake import IntakeItem, OrganisationRule


@pytest.fixture
def classifier() -> classify.Classifier:
    rules.ensure_default_rules()
    db.session.commit()
    return classify.Classifier()


def _name(suggestion: classify.Suggestion) -> str | None:
    return db.session.get(WorkArea, suggestion.work_area_id).name if suggestion.work_area_id else None


@pytest.mark.parametrize(
    ("organisation", "title", "expected"),
    [
        ("Department for Transport", "Street works permits", "Transport"),
        ("Department of Health and Social Care", "Workforce pay", "Health and Social Care"),
        ("Department for Education", "Teacher pay", "Young People, Skills and Education"),
        ("Department for Culture, Media and Sport", "Gambling levy", "Culture"),
        ("Department for Business and Trade", "Product safety", "Brexit and Trade"),
        ("Department for Energy Security and Net Zero", "Grid connections", "Climate Emergency"),
        ("Department for Environment, Food and Rural Affairs", "Water quality", "Climate Emergency"),
        # MHCLG points at two areas: the keywords decide.
        ("Ministry of Housing, Communities and Local Government", "Social housing rents", "Housing"),
        ("Ministry of Housing, Communities and Local Government", "High street rental auctions",
         "Towns and Urban Centres"),
    ],
)
def test_organisation_rules(classifier, organisation, title, expected):
    suggestion = classifier.suggest(title, "", [organisation])
    assert _name(suggestion) == expected
    assert any(organisation in reason for reason in suggestion.reasons)


def test_acronym_matches_a_rule_written_as_an_acronym(classifier):
    db.session.add(OrganisationRule(organisation="ORR", work_area=factories.work_area("Transport")))
    db.session.commit()
    suggestion = classify.Classifier().suggest("Track access charges", "", ["Office of Rail and Road"], ["ORR"])
    assert _name(suggestion) == "Transport"


@pytest.mark.parametrize(
    ("title", "summary", "expected", "reason"),
    [
        ("Business rates relief for high street shops", "", "Towns and Urban Centres", "“high street” in the title"),
        ("Concessionary fares", "Free travel on local buses for older people.", "Transport",
         "“buses” in the summary"),
        ("Heat pump grants", "", "Climate Emergency", "“heat pump” in the title"),
    ],
)
def test_keywords_when_no_organisation_rule_matches(classifier, title, summary, expected, reason):
    suggestion = classifier.suggest(title, summary, ["HM Treasury"])
    assert _name(suggestion) == expected
    assert reason in suggestion.reasons


def test_keywords_need_whole_words(classifier):
    suggestion = classifier.suggest("Business investment zones", "", ["HM Treasury"])
    # "bus" is not in "business"; "investment" points at trade.
    assert _name(suggestion) == "Brexit and Trade"


def test_no_match_leaves_the_choice_to_the_coordinator(classifier):
    suggestion = classifier.suggest("Annual report", "Nothing relevant.", ["Cabinet Office"])
    assert suggestion.work_area_id is None
    assert "choose the work area yourself" in suggestion.reasons[0]


def test_default_rules_are_seeded_once(app):
    assert rules.ensure_default_rules() is True
    db.session.commit()
    db.session.execute(OrganisationRule.__table__.delete())
    db.session.commit()
    assert rules.ensure_default_rules() is False
    assert db.session.scalars(select(OrganisationRule)).all() == []


def test_import_stores_the_suggestion_and_its_reasons(govuk, run_import):
    govuk.add(*make_item(40, title="Leasehold reform", org="HMT", summary="Ground rents and leasehold homes."))
    run_import()
    item = db.session.scalar(select(IntakeItem))
    assert item.suggested_work_area.name == "Housing"
    assert "“leasehold” in the title" in item.suggestion_reasons
