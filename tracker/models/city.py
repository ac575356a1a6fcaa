"""Member cities and the work areas they lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model

if TYPE_CHECKING:
    from tracker.models.user import User


class City(Model):
    """A member council of the network."""

    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    nation: Mapped[str] = mapped_column(String(20), default="England")
    is_member: Mapped[bool] = mapped_column(Boolean, default=True)
    # The council's own accounts, so that a first sign-in with one is matched to an invitation for
    # its email address: its Microsoft Entra ID tenant (tid) and its Google Workspace domain (hd).
    entra_tenant_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    google_domain: Mapped[str | None] = mapped_column(String(253), unique=True)
    # Set by the city's policy leads: its contributors may record the city's support for a response.
    contributors_record_support: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    users: Mapped[list[User]] = relationship(back_populates="city")
    work_areas: Mapped[list[WorkArea]] = relationship(back_populates="lead_city")

    def __repr__(self) -> str:
        return f"<City {self.name}>"


class WorkArea(Model):
    """A policy area of the network, led by one member city."""

    __tablename__ = "work_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    lead_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("city.id", ondelete="SET NULL"), index=True
    )

    lead_city: Mapped[City | None] = relationship(back_populates="work_areas")

    def __repr__(self) -> str:
        return f"<WorkArea {self.name}>"
