"""Classification rules: the defaults seeded once, and the admins' edits to organisation rules
and keywords. Like every service here they check, change, log and flush; callers commit."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker import activity
from tracker.auth.permissions import require
from tracker.errors import DomainError, one_line
from tracker.extensions import db, dialect_insert
from tracker.models import User, WorkArea
from tracker.models.intake import OrganisationRule, WorkAreaKeywords

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
    # Select committees (the committee plays the organisation's part), by their names on
    # Parliament's site; Housing's committee has had both names.
    ("Transport Committee", "Transport"),
    ("Levelling Up, Housing and Communities Committee", "Housing"),
    ("Levelling Up, Housing and Communities Committee", "Towns and Urban Centres"),
    ("Housing, Communities and Local Government Committee", "Housing"),
    ("Housing, Communities and Local Government Committee", "Towns and Urban Centres"),
    ("Health and Social Care Committee", "Health and Social Care"),
    ("Education Committee", "Young People, Skills and Education"),
    ("Environmental Audit Committee", "Climate Emergency"),
    ("Energy Security and Net Zero Committee", "Climate Emergency"),
    ("Culture, Media and Sport Committee", "Culture"),
    ("Business and Trade Committee", "Brexit and Trade"),
    ("Home Affairs Committee", "Community Cohesion"),
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
        db.session.execute(dialect_insert(WorkAreaKeywords).on_conflict_do_nothing(index_elements=["work_area_id"]), keywords)
    if first_time:
        rules = [{"organisation": organisation, "work_area_id": areas[area_name].id}
                 for organisation, area_name in DEFAULT_ORGANISATION_RULES if area_name in areas]
        if rules:
            db.session.execute(dialect_insert(OrganisationRule).on_conflict_do_nothing(
                index_elements=["organisation", "work_area_id"]), rules)
    db.session.flush()
    return first_time



def _require_admin(actor: User) -> None:
    require(actor, "admins", "change the classification rules")


def add_organisation_rule(actor: User, organisation: str, work_area: WorkArea) -> OrganisationRule:
    _require_admin(actor)
    organisation = one_line(organisation, field="organisation", limit=200,
                            missing="Enter the organisation's name as GOV.UK writes it, or its acronym.",
                            too_long="The organisation's name must be 200 characters or fewer.")
    duplicate = db.session.scalar(
        select(OrganisationRule).where(
            func.lower(OrganisationRule.organisation) == organisation.lower(),
            OrganisationRule.work_area_id == work_area.id,
        )
    )
    if duplicate:
        raise DomainError(f"{organisation} already points at {work_area.name}.", field="organisation")
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
        raise DomainError("Keep the keywords under 5,000 characters.", field="keywords")
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

