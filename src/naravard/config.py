"""Settings: one validated tree, built once and passed to `create_app(settings)`.

Nothing is read at import time. Every setting is documented in docs/settings.md (a test keeps them in step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "demo", "test", "production"]


class Settings(BaseSettings):
    """Runtime settings, from the environment (prefix ``NARAVARD_``) or keyword arguments."""

    model_config = SettingsConfigDict(env_prefix="NARAVARD_", extra="ignore")

    environment: Environment = Field(
        default="development", description="development, demo, test or production."
    )
    database_url: str = Field(
        default="sqlite:///naravard-data/naravard.db",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://... in production.",
    )
    secret_key: str = Field(
        default="",
        description="Secret for signing (at least 32 characters). Required in production.",
    )
    audit_hmac_key: str = Field(
        default="",
        description="Key for the audit hash chain (HMAC-SHA256). Required in production; "
        "keep it outside the database so a database writer cannot rebuild the chain.",
    )
    audit_checkpoint_dir: Path | None = Field(
        default=None,
        description="Folder (outside the database, ideally on other storage) where signed checkpoints of the "
        "audit chain's head are written on a schedule, so `naravard audit verify` detects deleted newest rows; "
        "unset: no checkpoints.",
    )
    audit_seal_seconds: float = Field(
        default=1.0,
        ge=0,
        le=3600,
        description="Seconds between the app's passes that seal new audit rows into the chain (and write a "
        "checkpoint); 0: no sealing in the app (run `naravard audit seal`).",
    )
    session_cookie_secure: bool = Field(
        default=True,
        description="Mark the session cookie Secure (browsers still send it to http://127.0.0.1).",
    )
    session_hours: int = Field(default=10, ge=1, le=24, description="Session lifetime in hours.")
    request_body_seconds: float = Field(
        default=15.0,
        gt=0,
        le=600,
        description="Seconds a client has to send a request's whole body; a slower one gets 408 (no request "
        "slot is held while a body arrives).",
    )
    request_body_max_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Largest request body in bytes; a larger one gets 413.",
    )
    demo_password: str = Field(
        default="",
        description="Password of the demo users (demo only); generated per data dir when empty.",
    )
    default_language: Literal["sv", "en"] = Field(
        default="sv", description="UI language when the user has not chosen one."
    )
    data_dir: Path = Field(default=Path("naravard-data"), description="Folder for files the app keeps.")
    small_cell_threshold: int = Field(
        default=5,
        ge=1,
        description="Follow-up cells whose denominator is below this count are suppressed.",
    )
    lake_dir: Path | None = Field(
        default=None, description="Event lake folder read by the follow-up pages; data_dir/lake if unset."
    )
    results_dir: Path | None = Field(
        default=None,
        description="Follow-up results folder read by the API and dashboards; data_dir/results if unset.",
    )
    targets_file: Path | None = Field(
        default=None,
        description="JSON or YAML file of follow-up targets per indicator and scope, added to the national "
        "targets; the region's own targets in the database replace its entries of equal specificity; unset: "
        "national targets (and the region's own) only.",
    )

    # OpenID Connect logins (docs/adr/0005-oidc-logins.md): one identity provider for staff (SITHS eID
    # behind the region's OIDC provider) and one for patients (BankID/Freja behind theirs). An audience
    # whose issuer is empty has no OIDC login; the local password login stays either way.
    oidc_staff_issuer: str = Field(
        default="",
        description="Issuer URL of the staff identity provider (its discovery document is at "
        "<issuer>/.well-known/openid-configuration); empty: no OIDC login for staff.",
    )
    oidc_staff_client_id: str = Field(default="", description="Our client id at the staff identity provider.")
    oidc_staff_client_secret: str = Field(
        default="", description="Our client secret at the staff identity provider."
    )
    oidc_staff_scopes: str = Field(
        default="openid", description="Scopes asked of the staff identity provider, space-separated."
    )
    oidc_staff_claim: str = Field(
        default="employeeHsaId",
        description="ID token claim holding the staff member's HSA-id, matched to a practitioner's HSA-id.",
    )
    oidc_patient_issuer: str = Field(
        default="",
        description="Issuer URL of the patients' identity provider; empty: no OIDC login for patients.",
    )
    oidc_patient_client_id: str = Field(
        default="", description="Our client id at the patients' identity provider."
    )
    oidc_patient_client_secret: str = Field(
        default="", description="Our client secret at the patients' identity provider."
    )
    oidc_patient_scopes: str = Field(
        default="openid https://id.oidc.se/scope/naturalPersonNumber",
        description="Scopes asked of the patients' identity provider, space-separated.",
    )
    oidc_patient_claim: str = Field(
        default="https://id.oidc.se/claim/personalIdentityNumber",
        description="ID token claim holding the patient's personnummer, matched to a person's identifier.",
    )

    @model_validator(mode="after")
    def _refuse_weak_secrets_in_production(self) -> Settings:
        if self.environment == "production":
            if len(self.secret_key) < 32:
                raise ValueError("NARAVARD_SECRET_KEY must be set (32+ characters) in production")
            if len(self.audit_hmac_key) < 32:
                raise ValueError("NARAVARD_AUDIT_HMAC_KEY must be set (32+ characters) in production")
            if self.database_url.startswith("sqlite"):
                raise ValueError("production runs on PostgreSQL; set NARAVARD_DATABASE_URL")
        return self

    @property
    def effective_lake_dir(self) -> Path:
        return self.lake_dir or self.data_dir / "lake"

    @property
    def effective_results_dir(self) -> Path:
        return self.results_dir or self.data_dir / "results"
