"""The permission table drives every socket check (RELIABILITY.md S5), cell by cell."""

from __future__ import annotations

import pytest

from app.realtime.actions import HANDLERS
from app.realtime.messages import MESSAGE_TYPES
from app.realtime.permissions import MESSAGE_ROLES, ROLES
from tests.realtime.test_live_session import of_type
from tests.support.clients import Socket, join_member, setup_facilitator
from tests.support.server import LiveServer

# A well-formed example of every message type, so that only the role can refuse it.
EXAMPLES = {
    "speaking": {"on": False}, "heartbeat": {}, "hand": {"raised": False}, "call": {"member": "{m}"},
    "lower_all": {}, "listening": {"on": False}, "pause": {"on": False},
    "session": {"action": "start"}, "snapshot": {}, "prompt": {"prompt": 1, "action": "dismiss"},
    "reorder": {"member": "{m}", "position": 1}, "round": {"action": "end"},
    "turn": {"action": "next"}, "remove": {"member": "{m}"}, "admit": {"member": "{m}"},
    "lead": {"on": False}, "cofacilitator": {"action": "end"}, "propose": {"text": "Be kind."},
    "consent": {"on": True}, "pulse": {"phase": "check_in", "included": 4},
    "concern": {"text": "Something felt off."},
}  # fmt: skip


def test_every_message_type_has_a_row_a_handler_and_an_example() -> None:
    assert set(MESSAGE_ROLES) == set(MESSAGE_TYPES) == set(HANDLERS) == set(EXAMPLES)
    assert all(roles <= set(ROLES) for roles in MESSAGE_ROLES.values())


@pytest.mark.server
async def test_members_are_refused_every_message_the_table_denies_them(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    http, _ = await join_member(server.url, fac.group["invite_code"], "Ana")
    _, other = await join_member(server.url, fac.group["invite_code"], "Ben")
    sock = await Socket.open(server.ws_url, http, fac.session_id)
    await sock.wait_for(of_type("snapshot"))
    denied = [kind for kind, roles in MESSAGE_ROLES.items() if "member" not in roles]
    assert denied  # the table does deny members something
    for kind in denied:
        body = {k: (v.format(m=other["member"]["id"]) if isinstance(v, str) else v)
                for k, v in EXAMPLES[kind].items()}  # fmt: skip
        await sock.send(type=kind, id=f"try-{kind}", **body)
        error = await sock.wait_for(of_type("error", id=f"try-{kind}"))
        assert error["code"] == "forbidden", kind
    state = (await fac.http.get(f"/api/sessions/{fac.session_id}")).json()
    assert state["state"] == "open"  # nothing the member tried changed the session

