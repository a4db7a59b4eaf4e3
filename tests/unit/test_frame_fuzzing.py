"""Hypothesis-generated WebSocket frames against the message decoder (RELIABILITY.md S6).

Whatever arrives, the decoder either returns a typed message of a known type or raises
BadMessage with a code and a readable message: never another exception, never a crash.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.realtime.messages import MESSAGE_TYPES, BadMessage, parse

CODES = {"bad_json", "unknown_type", "invalid"}
FIELDS = ["type", "id", "on", "raised", "member", "action", "text", "position", "prompt", "phase",
          "included", "space", "ago_ms", "anonymous", "about_contact", "kind", "order", "extra"]  # fmt: skip
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                           max_size=4), max_leaves=12)  # fmt: skip
plausible = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(MESSAGE_TYPES)) | st.text(max_size=12)},
    optional={name: values for name in FIELDS[1:]},
)


def decoded(frame: str | bytes) -> Any:
    try:
        message = parse(frame)
    except BadMessage as exc:
        assert exc.code in CODES and exc.message
        return None
    assert message.type in MESSAGE_TYPES
    return message


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_any_text_or_bytes(frame: str | bytes) -> None:
    decoded(frame)


@settings(max_examples=600, deadline=None)
@given(plausible)
def test_messages_that_look_almost_right(message: dict[str, Any]) -> None:
    accepted = decoded(json.dumps(message))
    if accepted is not None:  # nothing accepted carries a field the type does not define
        assert set(message) <= {"type", "id", *type(accepted).model_fields}


@settings(max_examples=100, deadline=None)
@given(st.integers(5, 5000))
def test_deep_nesting_is_refused_without_recursion(depth: int) -> None:
    frame = '{"type": "hand", "raised": ' + "[" * depth + "]" * depth + "}"
    assert decoded(frame) is None
