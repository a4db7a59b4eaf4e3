"""The `airtime` command: serve, demo, simulate, migrate."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from app.domain.scenario import ScenarioError, parse_rttm, parse_scenario
from app.domain.simulate import simulate as run_simulation

cli = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Airtime: real-time facilitation for peer support groups.")  # fmt: skip


def fail(message: str) -> NoReturn:
    """One line on stderr and exit status 2, for any bad input."""
    typer.echo(message, err=True)
    raise typer.Exit(2)


@cli.command()
def simulate(
    file: Annotated[Path, typer.Argument(help="scenario JSON (or RTTM with --rttm); - for stdin")],
    rttm: Annotated[bool, typer.Option("--rttm", help="read an RTTM diarization file")] = False,
    duration: Annotated[str | None, typer.Option(help="session length in seconds (RTTM)")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="also write the visual report to this HTML file")] = None,
) -> None:
    """Run a session scenario through the engine and print the report JSON."""
    name = "stdin" if str(file) == "-" else str(file)
    if duration is not None and not rttm:
        fail("--duration goes with --rttm")
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{name}: cannot read: {getattr(exc, 'strerror', None) or exc}")
    length: Decimal | None = None
    if duration is not None:
        try:
            length = Decimal(duration)
        except InvalidOperation:
            fail(f"--duration: {duration!r} is not a number")
        if not length.is_finite() or length < 0:
            fail("--duration: must be a number >= 0")
    try:
        scenario = parse_rttm(text, length) if rttm else parse_scenario(text)
    except ScenarioError as exc:
        fail(f"{name}: {exc}")
    report = run_simulation(scenario, details=html is not None)
    if html is not None:
        write_html_report(report, html, name)
        report = {key: value for key, value in report.items() if key != "details"}
    typer.echo(json.dumps(report, indent=2))


def write_html_report(report: dict[str, Any], out: Path, source: str) -> None:
    """The same report page as the app's, as one offline file."""
    from app.reports.files import standalone_html
    from app.settings import REPO_ROOT

    page = standalone_html(report, REPO_ROOT / "web", "Session report", f"from {Path(source).name}")
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}")
    typer.echo(f"wrote the report to {out}", err=True)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    reload: Annotated[bool, typer.Option(help="restart when the code changes")] = False,
    certfile: Annotated[Path | None, typer.Option(help="TLS certificate (for phones' microphones)")] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key")] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes (needs Redis and PostgreSQL)")] = 1,
) -> None:
    """Run the Airtime server."""
    import uvicorn

    from app.settings import MAX_FRAME_BYTES, get_settings, production_refusal

    if (certfile is None) != (keyfile is None):
        fail("--certfile and --keyfile go together")
    if workers > 1:
        problem = get_settings().multi_worker_problem()
        if problem:
            fail(f"--workers {workers}: {problem}")
    if problems := get_settings().production_problems(workers):
        fail(production_refusal(problems))  # RELIABILITY.md V5
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, reload=reload,
                ssl_certfile=certfile, ssl_keyfile=keyfile, proxy_headers=True, workers=workers,
                ws_per_message_deflate=False, ws_max_size=MAX_FRAME_BYTES)  # fmt: skip


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (the server also does this at start)."""
    from app.db import migrate as run
    from app.settings import get_settings

    run(get_settings().db_url)
    typer.echo("database is up to date")


@cli.command("create-organiser")
def create_organiser(
    username: Annotated[str, typer.Argument(help="the organiser's username")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from standard input")] = False,
) -> None:
    """Create the first account, the organiser, without the web page (fresh installations only)."""
    from app.db import make_engine, migrate, session_scope
    from app.models.accounts import AccountRole
    from app.services import accounts
    from app.services.errors import ServiceError
    from app.settings import get_settings

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    url = get_settings().db_url
    migrate(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as db:
            if accounts.has_accounts(db):
                fail("this installation already has accounts; the organiser adds the others")
            accounts.create_user(db, username, password, AccountRole.ORGANISER)
    except ServiceError as exc:
        fail(exc.detail)
    finally:
        engine.dispose()
    typer.echo(f"organiser {username!r} created; log in at the server's address")


@cli.command()
def purge(
    now: Annotated[str | None, typer.Option(help="pretend it is this time (ISO 8601)")] = None,
) -> None:
    """Delete what has passed each group's retention (the server also does this hourly)."""
    from datetime import UTC, datetime

    from app.db import make_engine, migrate, session_scope
    from app.services.retention import purge as run
    from app.settings import get_settings

    try:
        when = datetime.fromisoformat(now) if now else datetime.now(UTC)
    except ValueError:
        fail(f"--now: {now!r} is not an ISO 8601 time")
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    url = get_settings().db_url
    migrate(url)
    engine = make_engine(url)
    with session_scope(engine) as db:
        done = run(db, when)
    engine.dispose()
    typer.echo(f"purged {done.events} events, {done.reports} reports, {done.texts} proposed rules")


@cli.command()
def demo(
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    members: Annotated[int, typer.Option(min=2, max=12, help="simulated members")] = 6,
) -> None:
    """Start a server with a sample group and simulated members in a live session."""
    from app.demo import run_demo

    run_demo(port, members)


@cli.command("import")
def import_rttm(
    file: Annotated[Path, typer.Argument(help="RTTM diarization file; - for stdin")],
    session: Annotated[str | None, typer.Option(help="the open session's id")] = None,
    confirm_consent: Annotated[bool, typer.Option(
        "--confirm-consent", help="everyone recorded agreed to the group's agreement")] = False,
    duration: Annotated[str | None, typer.Option(help="session length in seconds")] = None,
    name: Annotated[list[str] | None, typer.Option(help="LABEL=NAME: a speaker's name")] = None,
) -> None:
    """Import an RTTM file's speaker turns into an open session, which then ends with its report."""
    from app.cli_import import BadOption, run_import

    try:
        typer.echo(run_import(file, session, duration, name or [], confirm_consent))
    except BadOption as exc:
        fail(str(exc))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
