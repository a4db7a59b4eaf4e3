"""Refusals: their body, how they are written, and how the OpenAPI document lists them.

Every refusal is `{"detail": "<one sentence>"}` (app/services/errors.py), or FastAPI's
list of problems for a 422. Each route's document lists the refusals it can give: those
of its rule in the permission table (added by `document_refusals`) and its own
(`refusals(...)` on the route), so a client, and schemathesis, know what to expect.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.api.access import ROUTES, Rule
from app.services.errors import ServiceError


class Problem(BaseModel):
    """Why a request was refused, in one sentence a person can read."""

    detail: str


WHY = {
    400: "Bad input: the sentence names the field and what it needs",
    401: "Not logged in, or the key is missing",
    403: "Not allowed",
    404: "No such thing, or none of yours",
    409: "Not in this state",
    410: "Gone: past the group's retention period",
    429: "Too many tries: the sentence says how long to wait",
}

# What `enforce` can answer for each rule before the route runs (app/api/access.py).
RULE_REFUSALS: dict[Rule, tuple[int, ...]] = {
    Rule.PUBLIC: (),
    Rule.ACCOUNT: (401,),
    Rule.ORGANISER: (401, 403),
    Rule.GROUP_FACILITATOR: (401, 404),
    Rule.GROUP_STAFF: (401, 404),
    Rule.SESSION_FACILITATOR: (401, 404),
    Rule.SESSION_PARTY: (404,),
    Rule.MEMBER_KEY: (401, 403),
    Rule.CONCERN_CONTACT: (401, 404),
    Rule.INGEST_KEY: (401, 403),
    Rule.SESSION_MEMBER: (404,),
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entries for these refusals."""
    return {status: {"model": Problem, "description": WHY[status]} for status in statuses}


def document_refusals(app: FastAPI) -> None:
    """Add each operation's rule's refusals to the OpenAPI document (FastAPI's way of
    extending it: wrap `app.openapi`); anywhere, a path parameter holding NUL is a 404 and
    a body that is not JSON text a 400."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # cached by FastAPI; adding again changes nothing
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                statuses = RULE_REFUSALS[ROUTES[(method.upper(), path)]]
                statuses += (404,) if "{" in path else ()  # `enforce`: no id holds NUL
                statuses += (400,) if "requestBody" in operation else ()  # not JSON text at all
                for status in statuses:
                    operation["responses"].setdefault(str(status), {
                        "description": WHY[status],
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    })  # fmt: skip
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


class ProblemResponse(JSONResponse):
    """Starlette's JSON, except that any text survives: a refusal may quote the input, and
    a lone surrogate from a JSON body ("\\ud800") cannot be encoded as UTF-8 (a 500 found
    while fuzzing). It can only stand inside a string, where `\\ud800` is its JSON escape."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")


async def service_error(_: Request, exc: Exception) -> ProblemResponse:
    assert isinstance(exc, ServiceError)
    return ProblemResponse({"detail": exc.detail}, status_code=exc.status)


async def invalid_request(_: Request, exc: Exception) -> ProblemResponse:
    """FastAPI's own 422 body, written so that the quoted input cannot break it."""
    assert isinstance(exc, RequestValidationError)
    return ProblemResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, service_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
