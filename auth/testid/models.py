"""Tables of the built-in test identity provider: its authorization codes and its sessions.

Kept in the database (not in process memory) so codes stay single-use and sessions can be
ended however many worker processes serve the provider. Only synthetic persons ever pass
through here.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from catalogue.models import utcnow


class ProviderCode(SQLModel, table=True):
    """An authorization code, with what the tester picked. ``used_at`` makes it single-use."""

    __tablename__ = "testid_code"

    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(max_length=120, unique=True, index=True)
    client_id: str = Field(max_length=100)
    redirect_uri: str = Field(max_length=300)
    scope: str = Field(default="", max_length=200)
    nonce: str = Field(default="", max_length=200, index=True)
    code_challenge: str = Field(default="", max_length=128)
    code_challenge_method: str = Field(default="", max_length=10)
    pid: str = Field(max_length=11)
    name: str = Field(default="", max_length=200)
    acr: str = Field(max_length=50)
    sid: str = Field(max_length=64, index=True)
    auth_time: int = 0
    authorization_details: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    used_at: Optional[datetime] = None

    # What Authlib's grant and OpenID extension ask of a code.
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str]:
        return ["TestID"]


class ProviderSession(SQLModel, table=True):
    """The provider's own login session (its ``sid``), ended by logout at the provider."""

    __tablename__ = "testid_session"

    id: Optional[int] = Field(default=None, primary_key=True)
    sid: str = Field(max_length=64, unique=True, index=True)
    client_id: str = Field(max_length=100)
    name: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: Optional[datetime] = None
