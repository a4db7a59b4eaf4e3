"""Request bodies: strict, no unexpected fields (DOMAIN.md E1).

Length caps here only bound the input; the services own the rules (a username's
3 to 40 characters) and refuse with a readable 400.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        """PostgreSQL text cannot hold NUL characters: refuse them here, with a 422, rather
        than fail in the database with a 500 (found fuzzing the API on PostgreSQL)."""
        if has_nul(data):
            raise ValueError("text must not contain NUL characters (\\u0000)")
        return data


def has_nul(value: Any) -> bool:
    """Whether a JSON value holds a NUL character in any string, key or value."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


class Credentials(Body):
    username: str = Field(max_length=200)
    password: str = Field(max_length=200)


class NewUser(Credentials):
    role: Literal["facilitator"] = "facilitator"


class NewGroup(Body):
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=4000)
    facilitators: list[str] | None = Field(
        default=None, max_length=20
    )  # usernames; organisers only


class FacilitatorList(Body):
    facilitators: list[str] = Field(min_length=1, max_length=20)  # usernames


class JoinRequest(Body):
    display_name: str = Field(max_length=200)
    accept: bool
    member_key: str | None = Field(default=None, max_length=100)
    agreement_version: int | None = Field(default=None, ge=1)  # the version the member read


class AgreementChange(Body):
    confidentiality: str | None = Field(default=None, max_length=8000)
    ground_rules: list[str] | None = Field(default=None, max_length=50)
    tracking: str | None = Field(default=None, max_length=8000)
    adopt: list[str] = Field(default_factory=list, max_length=50)


class TicketRequest(Body):
    as_: Literal["facilitator", "member"] | None = Field(default=None, alias="as")
