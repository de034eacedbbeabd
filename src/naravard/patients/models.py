"""Persons: identity (personnummer / samordningsnummer), protected identity, contact details."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin, utcnow


class Person(IdMixin, TimestampMixin, Base):
    __tablename__ = "person"

    # Canonical 12-digit form (YYYYMMDDNNNC), the form HL7 Sweden's base profiles use.
    identifier: Mapped[str] = mapped_column(String(12), unique=True)
    identifier_kind: Mapped[str] = mapped_column(String(20))  # personnummer | samordningsnummer
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(8))  # female | male (juridiskt kön from the birth number)
    # Sekretessmarkering / skyddad folkbokföring: never found by name, address never shown.
    protected_identity: Mapped[bool] = mapped_column(default=False)
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __mapper_args__ = {"version_id_col": version}
