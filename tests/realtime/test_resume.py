"""A reconnecting client resumes from the last seq it saw (RELIABILITY.md O1): it gets exactly
the frames its view missed, from any worker that holds them, or a snapshot when none does."""

from __future__ import annotations

from typing import Any

from tests.realtime.test_faults import speaking_of
from tests.realtime.test_live_session import of_type
from tests.support.clients import Socket, join_member, moved, setup_facilitator, start_live
from tests.support.server import LiveServer

LOST = {"airtime"}  # refreshed every second and coalescible: a resume need not replay them


def seen(frames: list[dict[str, Any]], skip_person: str) -> list[tuple[int, dict[str, Any]]]:
    """Frames as (seq, body without the connection's own numbering), leaving out what may be
    lost and anything about `skip_person` (whose own connection changes differ by design)."""
    kept = []
    for frame in frames:
        body = {k: v for k, v in frame.items() if k != "n"}
        if frame["type"] in LOST or body.get("person", {}).get("id") == skip_person:
            continue
        kept.append((body.pop("seq"), body))
    return kept


async def miss_a_stretch(member: Socket, me: str, witness: Socket) -> None:
    """What happens while someone is away: a turn, a hand raised and lowered."""
    mark = witness.mark()
    for i, message in enumerate([{"type": "speaking", "on": True}, {"type": "speaking", "on": False},
                                 {"type": "hand", "raised": True}, {"type": "hand", "raised": False}]):  # fmt: skip
        await member.send(**message, id=f"away-{i}")
        await member.wait_for(of_type("ack", id=f"away-{i}"))
    await witness.wait_for(lambda f: f["type"] == "hands" and f["queue"] == [], since=mark)


async def test_a_dashboard_resumes_with_exactly_what_it_missed(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    witness = await Socket.open(server.ws_url, fac.http, fac.session_id)  # stays connected
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    http, joined = await join_member(server.url, fac.group["invite_code"], "Ana")
    ana, me = await Socket.open(server.ws_url, http, fac.session_id), joined["member"]["id"]
    await start_live(dash)
    await dash.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == me and f["person"]["present"])
    await ana.wait_for(of_type("session", confidentiality_read=True))
    await dash.send(type="heartbeat", id="last")
    last_seq = (await dash.wait_for(of_type("ack", id="last")))["seq"]
    await dash.close()
    away = witness.mark()

    await miss_a_stretch(ana, me, witness)
    bo_http, bo_joined = await join_member(server.url, fac.group["invite_code"], "Bo")
    bo = await Socket.open(server.ws_url, bo_http, fac.session_id)  # Bo comes and goes meanwhile
    await witness.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == bo_joined["member"]["id"])
    await bo.close()
    await witness.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == bo_joined["member"]["id"]
                           and not f["person"]["connected"])  # fmt: skip
    back = await Socket.open(server.ws_url, fac.http, fac.session_id, after=last_seq)
    resumed = await back.wait_for(lambda f: f["type"] in ("resumed", "snapshot"))
    assert resumed == {"type": "resumed", "n": 1, "seq": resumed["seq"], "after": last_seq}
    await back.wait_for(lambda f: f["type"] == "person" and f["person"]["id"] == bo_joined["member"]["id"]
                        and not f["person"]["connected"])  # fmt: skip
    fac_id = witness.frames[0]["you"]["id"]
    replayed, missed = seen(back.frames[1:], fac_id), seen(witness.frames[away:], fac_id)
    # The same frames, in the same order, with the same seqs; before them at most a few frames
    # sent while the log stood at last_seq, which state something whole and do no harm twice.
    extra = len(replayed) - len(missed)
    assert missed and replayed[extra:] == missed
    assert all(seq == last_seq for seq, _ in replayed[:extra])
    assert any(f["type"] == "person" and f["person"]["id"] == me and f["person"]["speaking"] for f in back.frames)
    assert [f["n"] for f in back.frames] == list(range(1, len(back.frames) + 1))  # O1: its own numbering


async def test_a_member_resumes_with_her_own_frames_only(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    people = [await join_member(server.url, fac.group["invite_code"], name) for name in ("Ana", "Bo")]
    ana, bo = [await Socket.open(server.ws_url, http, fac.session_id) for http, _ in people]
    ana_id, bo_id = (joined["member"]["id"] for _, joined in people)
    await start_live(dash)
    await ana.wait_for(of_type("session", confidentiality_read=True))
    await ana.send(type="hand", raised=True, id="up")
    await ana.wait_for(of_type("ack", id="up"))
    await ana.send(type="heartbeat", id="last")
    last_seq = (await ana.wait_for(of_type("ack", id="last")))["seq"]
    await ana.close()

    await bo.send(type="hand", raised=True, id="bo-up")  # Ana moves to... still first; Bo second
    await bo.wait_for(of_type("ack", id="bo-up"))
    await dash.send(type="call", member=ana_id, id="call")  # Ana is called while away
    await dash.wait_for(of_type("ack", id="call"))
    back = await Socket.open(server.ws_url, people[0][0], fac.session_id, after=last_seq)
    await back.wait_for(of_type("resumed", after=last_seq))
    await back.wait_for(of_type("called"))
    mine = await back.wait_for(lambda f: f["type"] == "person" and f["person"]["hand"] is None)
    assert mine["person"]["id"] == ana_id
    assert not any(bo_id in str(f) for f in back.frames)  # nothing of Bo's (DOMAIN.md E6)
    assert not any(f["type"] in ("hands", "prompt", "snapshot") for f in back.frames)


async def test_a_resume_the_server_cannot_serve_gets_a_snapshot(server: LiveServer) -> None:
    fac = await setup_facilitator(server.url)
    dash = await Socket.open(server.ws_url, fac.http, fac.session_id)
    await start_live(dash)
    seq = dash.frames[-1]["seq"]
    for after in (seq + 50, "x1", -1):  # ahead of the log, or not a position: a snapshot
        sock = await Socket.open(server.ws_url, fac.http, fac.session_id, after=after)  # type: ignore[arg-type]
        assert (await sock.wait_for(lambda f: True))["type"] == "snapshot"
        await sock.close()
    server.stop()  # a restart: what was sent before is no longer held
    server.start()
    sock = await Socket.open(server.ws_url, fac.http, fac.session_id, after=seq)
    snapshot = await sock.wait_for(lambda f: True)
    assert snapshot["type"] == "snapshot" and snapshot["session"]["state"] == "live"


async def test_a_dashboard_resumes_on_another_worker(workers: tuple[LiveServer, LiveServer]) -> None:
    first, second = workers
    fac = await setup_facilitator(first.url)
    dash = await Socket.open(first.ws_url, fac.http, fac.session_id)
    http, joined = await join_member(second.url, fac.group["invite_code"], "Ana")
    ana, me = await Socket.open(second.ws_url, http, fac.session_id, origin=second.url), joined["member"]["id"]
    await start_live(dash)
    await ana.wait_for(of_type("session", confidentiality_read=True))
    await dash.send(type="heartbeat", id="last")
    last_seq = (await dash.wait_for(of_type("ack", id="last")))["seq"]
    await dash.close()  # the first worker's dashboard goes away...

    await ana.send(type="speaking", on=True, id="on")
    await ana.wait_for(of_type("ack", id="on"))
    back = await Socket.open(second.ws_url, moved(fac.http, second.url), fac.session_id, origin=second.url,
                             after=last_seq)  # fmt: skip
    await back.wait_for(of_type("resumed", after=last_seq))  # ...and comes back to the second
    turn = await back.wait_for(speaking_of(me, True))
    assert turn["seq"] > last_seq
    assert not any(f["type"] == "snapshot" for f in back.frames)
