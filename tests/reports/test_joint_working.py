"""The reports' joint working: per partner network, the counted consultations it co-signed or
worked on as a partner, against the hand-computed network (tests/reports/conftest.py)."""

from __future__ import annotations

from sqlalchemy import select

from tests.reports.test_numbers import Q2
from tracker.extensions import db
from tracker.models.policy import ConsultationPartner, PartnerNetwork
from tracker.policy.reference import seed_partner_networks
from tracker.reports import queries, tables
from tracker.reports.queries import PartnerRow


def _partners(network) -> dict[str, int]:  # type: ignore[no-untyped-def]
    seed_partner_networks()
    ids = {n.name: n.id for n in db.session.scalars(select(PartnerNetwork))}
    core, lga = ids["Core Cities"], ids["Local Government Association"]
    c = network.by_name
    db.session.add_all([
        ConsultationPartner(consultation_id=c["A"].id, partner_id=core, role="co_signatory"),  # submitted, Hull
        ConsultationPartner(consultation_id=c["C"].id, partner_id=lga, role="partner"),  # submitted, Salford
        ConsultationPartner(consultation_id=c["E"].id, partner_id=lga, role="partner"),  # missed, Hull
        ConsultationPartner(consultation_id=c["F"].id, partner_id=core, role="partner"),  # received in Q3
    ])
    db.session.commit()
    return {"core": core, "lga": lga}


def test_the_networks_joint_working_in_a_quarter(network, coordinator) -> None:  # type: ignore[no-untyped-def]
    ids = _partners(network)
    report = queries.report(Q2, coordinator)
    assert report.partners == [
        PartnerRow(ids["core"], "Core Cities", co_signed=1, partnered=0, submitted=1),
        PartnerRow(ids["lga"], "Local Government Association", co_signed=0, partnered=2, submitted=1),
    ]
    table = tables.tables(report)["joint-working"]
    assert table.columns == ["partner_network", "co_signed", "partner", "submitted"]
    assert table.rows == [["Core Cities", 1, 0, 1], ["Local Government Association", 0, 2, 1]]


def test_a_lead_sees_their_own_citys_joint_working(network, lead) -> None:  # type: ignore[no-untyped-def]
    ids = _partners(network)
    assert queries.report(Q2, lead).partners == [
        PartnerRow(ids["core"], "Core Cities", co_signed=1, partnered=0, submitted=1),
        PartnerRow(ids["lga"], "Local Government Association", co_signed=0, partnered=1, submitted=0),
    ]


def test_the_page_and_the_download_show_it(network, as_user) -> None:  # type: ignore[no-untyped-def]
    _partners(network)
    client = as_user("coordinator")
    page = client.get("/reports?period=2026-Q2").get_data(as_text=True)
    assert "Joint working: responses with partner networks" in page
    assert "Local Government Association" in page
    csv = client.get("/reports/download.csv?table=joint-working&period=2026-Q2").get_data(as_text=True)
    assert csv.lstrip("\ufeff").splitlines() == [
        "partner_network,co_signed,partner,submitted", "Core Cities,1,0,1", "Local Government Association,0,2,1"]


def test_none_recorded(network, as_user) -> None:  # type: ignore[no-untyped-def]
    page = as_user("coordinator").get("/reports?period=2026-Q2").get_data(as_text=True)
    assert "No response to the consultations received in this period was made with a partner network." in page
