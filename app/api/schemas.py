"""Request bodies: strict, no unexpected fields (DOMAIN.md E1).

Length caps here only bound the input; the services own the rules (a username's
3 to 40 characters) and refuse with a readable 400.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
