"""`airtime simulate` as a user runs it: the installed command, real files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

AIRTIME = str(Path(sys.executable).parent / "airtime")
EXAMPLE = {
    "duration_s": 60,
    "facilitator": "Fay",
    "members": [{"name": "Ana"}, {"name": "Ben"}],
    "events": [
        {"t": 1.74, "type": "speaking", "member": "Ana", "on": True},
        {"t": 11.74, "type": "speaking", "member": "Ana", "on": False},
        {"t": 20, "type": "speaking", "member": "Ben", "on": True},
        {"t": 25, "type": "speaking", "member": "Ben", "on": False},
    ],
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AIRTIME, "simulate", *args], capture_output=True, text=True, check=False,
                          input=stdin, timeout=60)  # fmt: skip


def test_prints_the_report(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(EXAMPLE))
    result = run(str(scenario))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [m["airtime_s"] for m in report["members"]] == [10.0, 5.0]
    assert report["group"]["total_speech_s"] == 15.0
    assert report["prompts"] == []


def test_reads_standard_input() -> None:
    result = run("-", stdin=json.dumps(EXAMPLE))
    assert result.returncode == 0
    assert json.loads(result.stdout)["duration_s"] == 60.0


def test_malformed_input_is_one_line_with_its_place(tmp_path: Path) -> None:
    bad = dict(EXAMPLE, events=[*EXAMPLE["events"], {"t": 3, "type": "leave", "member": "Zed"}])
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(bad))
    result = run(str(scenario))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f'{scenario}: events[4].member: unknown member "Zed"\n'


def test_invalid_json_and_missing_files_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"duration_s": 10,')
    result = run(str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{broken}: invalid JSON: line 1")
    assert result.stderr.count("\n") == 1
    missing = run(str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_rttm_with_duration(tmp_path: Path) -> None:
    rttm = tmp_path / "meeting.rttm"
    rttm.write_text(
        "SPEAKER mtg 1 0.00 4.00 <NA> <NA> alice <NA> <NA>\n"
        "SPEAKER mtg 1 3.00 3.00 <NA> <NA> bob <NA> <NA>\n"
        "SPEAKER mtg 1 10.00 2.50 <NA> <NA> alice <NA> <NA>\n"
    )
    report = json.loads(run("--rttm", str(rttm)).stdout)
    assert [m["name"] for m in report["members"]] == ["alice", "bob"]
    assert report["duration_s"] == 12.5
    assert report["group"]["overlap_s"] == 1.0
    cut = json.loads(run("--rttm", "--duration", "11", str(rttm)).stdout)
    assert cut["duration_s"] == 11.0 and cut["members"][0]["airtime_s"] == 5.0
    bad = run("--rttm", "--duration", "soon", str(rttm))
    assert bad.returncode == 2 and bad.stderr == "--duration: 'soon' is not a number\n"


def test_bad_rttm_line(tmp_path: Path) -> None:
    rttm = tmp_path / "bad.rttm"
    rttm.write_text("SPEAKER mtg 1 0.00 4.00 <NA> <NA> alice <NA> <NA>\nSPEAKER mtg 1 x 1 <NA> <NA> bob\n")
    result = run("--rttm", str(rttm))
    assert result.returncode == 2
    assert result.stderr == f'{rttm}: line 2: start "x" is not a number\n'


def test_writes_the_html_report_too(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(EXAMPLE))
    out = tmp_path / "report.html"
    result = run(str(scenario), "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["group"]["total_speech_s"] == 15.0  # the JSON is printed as before
    assert result.stderr.strip() == f"wrote the report to {out}"
    page = out.read_text()
    assert 'id="report-data"' in page and "vegaEmbed" in page and "/static/" not in page  # one offline file
    embedded = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert [s["person"] for s in json.loads(embedded)["details"]["segments"]] == ["Ana", "Ben"]


def test_an_unwritable_html_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(EXAMPLE))
    result = run(str(scenario), "--html", str(tmp_path / "missing" / "report.html"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr
