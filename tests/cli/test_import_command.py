"""`airtime import` as a user runs it: the installed command on the configured database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.db import make_engine, migrate, session_scope
from app.domain.scenario import parse_rttm
from app.domain.simulate import simulate
from app.models import LiveSession, SessionReport
from app.models.accounts import AccountRole
from app.services import accounts, groups, sessions

AIRTIME = str(Path(sys.executable).parent / "airtime")
RTTM = (
    "SPEAKER mtg 1 0.00 4.00 <NA> <NA> alice <NA> <NA>\n"
    "SPEAKER mtg 1 3.00 3.00 <NA> <NA> bob <NA> <NA>\n"
    "SPEAKER mtg 1 10.00 2.50 <NA> <NA> alice <NA> <NA>\n"
)


def database(data: Path) -> str:
    return f"sqlite:///{data / 'airtime.db'}"


def open_session(data: Path) -> str:
    """A facilitator's group with an open session, as the server would have made them."""
    migrate(database(data))
    engine = make_engine(database(data))
    with session_scope(engine) as db:
        fay = accounts.create_user(db, "fay", "a long enough password", AccountRole.FACILITATOR)
        group = groups.create_group(db, fay, "Tuesday circle", None)
        session_id = sessions.open_session(db, group, fay).id
    engine.dispose()
    return session_id


def stored(data: Path, session_id: str) -> tuple[str, dict[str, object] | None]:
    engine = make_engine(database(data))
    with session_scope(engine) as db:
        session = db.get(LiveSession, session_id)
        report = db.get(SessionReport, session_id)
        assert session is not None
        found = session.state.value, None if report is None else json.loads(report.body)
    engine.dispose()
    return found


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "AIRTIME_DATABASE_URL"}
    return subprocess.run([AIRTIME, "import", *args], capture_output=True, text=True, check=False,
                          env=env | {"AIRTIME_DATA_DIR": str(data)}, timeout=60)  # fmt: skip


def test_imports_into_the_open_session_and_prints_one_line(tmp_path: Path) -> None:
    data, rttm = tmp_path / "data", tmp_path / "meeting.rttm"
    rttm.write_text(RTTM)
    session_id = open_session(data)
    result = run(
        data, str(rttm), "--session", session_id, "--confirm-consent", "--name", "alice=Ana"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"imported 2 speakers and 3 segments (12.5 s) into session {session_id}; "
                             "it has ended and its report is stored\n")  # fmt: skip
    state, report = stored(data, session_id)
    assert state == "ended" and report is not None
    expected = json.loads(json.dumps(simulate(parse_rttm(RTTM))))
    expected["members"][0]["name"] = "Ana"
    members = report["members"]
    assert isinstance(members, list)
    assert [{k: m[k] for k in expected["members"][0]} for m in members] == expected["members"]
    assert report["group"] == expected["group"]


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    data, rttm = tmp_path / "data", tmp_path / "meeting.rttm"
    rttm.write_text(RTTM)
    session_id = open_session(data)
    bad = tmp_path / "bad.rttm"
    bad.write_text(RTTM + "SPEAKER mtg 1 x 1 <NA> <NA> bob\n")
    missing = tmp_path / "nope.rttm"
    cases = {
        (str(missing), "--session", session_id, "--confirm-consent"):
            f"{missing}: cannot read: No such file or directory",
        (str(bad), "--session", session_id, "--confirm-consent"): f'{bad}: line 4: start "x" is not a number',
        (str(rttm), "--session", session_id):
            "--confirm-consent: confirm that everyone in the recording agreed to the group's agreement "
            "(no one's speech is tracked without consent)",
        (str(rttm), "--session", "s_nope", "--confirm-consent"): "--session s_nope: no such session",
        (str(rttm), "--session", session_id, "--confirm-consent", "--name", "alice"):
            "--name: expected LABEL=NAME, got 'alice'",
        (str(rttm), "--session", session_id, "--confirm-consent", "--duration", "soon"):
            "--duration: 'soon' is not a number",
    }  # fmt: skip
    for args, message in cases.items():
        result = run(data, *args)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n"), args
    assert stored(data, session_id) == ("open", None)  # nothing was written
    assert run(data, str(rttm), "--session", session_id, "--confirm-consent").returncode == 0
    again = run(data, str(rttm), "--session", session_id, "--confirm-consent")
    assert (again.returncode, again.stderr) == (
        2,
        f"--session {session_id}: this session has ended; import into a session that is open\n",
    )
