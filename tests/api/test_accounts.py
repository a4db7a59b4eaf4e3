"""Accounts: setup, register, login, logout, me; the organiser adds facilitators."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.api.conftest import (
    PASSWORD,
    NewBrowser,
    Serve,
    TestClient,
    add_facilitator,
    login,
    refused,
    register_organiser,
    schema_errors,
    set_cookie,
)

NO_MATCH = "that username and password do not match"
BAD_USERNAME = "username: use 3 to 40 letters, digits, '.', '_' or '-'"
SHORT_PASSWORD = "password: use at least 10 characters"


# -- setup and register ----------------------------------------------------------------


def test_setup_asks_for_an_organiser_until_the_first_account(client: TestClient) -> None:
    assert client.get("/api/setup").json() == {"needs_organiser": True}
    register_organiser(client)
    assert client.get("/api/setup").json() == {"needs_organiser": False}


def test_the_first_account_is_the_organiser_and_is_logged_in(client: TestClient) -> None:
    r = client.post("/api/auth/register", json={"username": "org", "password": PASSWORD})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "username", "role"}
    assert (body["username"], body["role"]) == ("org", "organiser")
    assert client.get("/api/auth/me").json() == body


def test_a_second_registration_is_refused(client: TestClient, browser: NewBrowser) -> None:
    register_organiser(client)
    r = browser().post("/api/auth/register", json={"username": "eve", "password": PASSWORD})
    assert refused(r, 403) == "accounts are added by the organiser"
    assert refused(client.post("/api/auth/login", json={"username": "eve", "password": PASSWORD}),
                   401) == NO_MATCH  # fmt: skip


def test_with_signup_allowed_later_registrations_are_facilitators(
    serve: Serve, browser: NewBrowser
) -> None:
    register_organiser(serve(allow_signup=True))
    newcomer = browser()
    r = newcomer.post("/api/auth/register", json={"username": "fay", "password": PASSWORD})
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "facilitator"
    assert newcomer.get("/api/auth/me").json()["username"] == "fay"


@pytest.mark.parametrize(
    "username",
    ["ab", "x" * 41, "has space", "fay@home", "", "émile"],
    ids=["2 chars", "41 chars", "space", "at sign", "empty", "non-ascii letter"],
)
def test_bad_usernames_are_refused_naming_the_field(client: TestClient, username: str) -> None:
    r = client.post("/api/auth/register", json={"username": username, "password": PASSWORD})
    assert refused(r, 400) == BAD_USERNAME
    assert client.get("/api/setup").json() == {"needs_organiser": True}


@pytest.mark.parametrize(
    "username", ["abc", "x" * 40, "Fay.O_Neil-2"], ids=["3", "40", "all kinds"]
)
def test_usernames_of_3_to_40_allowed_characters_are_accepted(
    client: TestClient, username: str
) -> None:
    r = client.post("/api/auth/register", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text


def test_short_passwords_are_refused_naming_the_field(client: TestClient) -> None:
    r = client.post("/api/auth/register", json={"username": "org", "password": "x" * 9})
    assert refused(r, 400) == SHORT_PASSWORD
    r = client.post("/api/auth/register", json={"username": "org", "password": "x" * 10})
    assert r.status_code == 201, r.text


def test_a_taken_username_is_a_conflict(serve: Serve, browser: NewBrowser) -> None:
    register_organiser(serve(allow_signup=True), "org")
    r = browser().post("/api/auth/register", json={"username": "org", "password": PASSWORD})
    assert refused(r, 409) == "username: that name is taken"


@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login"])
def test_credentials_with_extra_fields_are_refused(client: TestClient, path: str) -> None:
    body = {"username": "org", "password": PASSWORD, "role": "organiser"}
    assert schema_errors(client.post(path, json=body)) == [("extra_forbidden", "body", "role")]


@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login"])
def test_credentials_missing_a_field_are_refused(client: TestClient, path: str) -> None:
    assert schema_errors(client.post(path, json={"username": "org"})) == [
        ("missing", "body", "password")
    ]


# -- login, logout, me -----------------------------------------------------------------


def test_login_answers_the_account_and_sets_an_httponly_lax_cookie(
    organiser: TestClient, browser: NewBrowser
) -> None:
    fay_account = add_facilitator(organiser, "fay")
    fay = browser()
    r = fay.post("/api/auth/login", json={"username": "fay", "password": PASSWORD})
    assert r.status_code == 200
    assert (
        r.json()
        == fay_account
        == {"id": fay_account["id"], "username": "fay", "role": "facilitator"}
    )
    cookie = set_cookie(r, "airtime_auth")
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert cookie["secure"] == ""  # the server's public URL is not https
    assert cookie["path"] == "/"
    assert fay.get("/api/auth/me").json() == fay_account


def test_the_login_cookie_is_secure_when_the_public_url_is_https(serve: Serve) -> None:
    client = serve(base_url="https://testserver", public_url="https://airtime.example.org")
    r = client.post("/api/auth/register", json={"username": "org", "password": PASSWORD})
    assert set_cookie(r, "airtime_auth")["secure"] is True
    assert client.get("/api/auth/me").json()["username"] == "org"


def test_wrong_password_and_unknown_user_get_the_same_answer(
    organiser: TestClient, browser: NewBrowser
) -> None:
    stranger = browser()
    wrong = stranger.post(
        "/api/auth/login", json={"username": "org", "password": "not the password"}
    )
    unknown = stranger.post("/api/auth/login", json={"username": "nobody", "password": PASSWORD})
    assert refused(wrong, 401) == refused(unknown, 401) == NO_MATCH
    assert "set-cookie" not in wrong.headers
    assert refused(stranger.get("/api/auth/me"), 401) == "please log in"


def test_logout_ends_the_login_and_the_old_cookie_stops_working(organiser: TestClient) -> None:
    token = organiser.cookies["airtime_auth"]
    r = organiser.post("/api/auth/logout")
    assert r.status_code == 204
    assert r.content == b""
    assert set_cookie(r, "airtime_auth")["max-age"] == "0"
    assert refused(organiser.get("/api/auth/me"), 401) == "please log in"
    organiser.cookies.set("airtime_auth", token)  # a copy kept from before
    assert refused(organiser.get("/api/auth/me"), 401) == "please log in"
    assert refused(organiser.get("/api/users"), 401) == "please log in"
    assert refused(organiser.post("/api/auth/logout"), 401) == "please log in"
    organiser.cookies.clear()
    login(organiser, "org")
    assert organiser.get("/api/auth/me").json()["username"] == "org"


def test_logout_ends_only_that_login(organiser: TestClient, browser: NewBrowser) -> None:
    elsewhere = browser()
    login(elsewhere, "org")
    assert organiser.post("/api/auth/logout").status_code == 204
    assert elsewhere.get("/api/auth/me").json()["username"] == "org"


def test_anonymous_me_and_logout_are_unauthorized(client: TestClient) -> None:
    assert refused(client.get("/api/auth/me"), 401) == "please log in"
    assert refused(client.post("/api/auth/logout"), 401) == "please log in"
    client.cookies.set("airtime_auth", "at_made-up")
    assert refused(client.get("/api/auth/me"), 401) == "please log in"


# -- the organiser adds facilitators ---------------------------------------------------


def test_the_organiser_adds_and_lists_facilitators(organiser: TestClient) -> None:
    r = organiser.post(
        "/api/users", json={"username": "fay", "password": PASSWORD, "role": "facilitator"}
    )
    assert r.status_code == 201
    fay = r.json()
    assert set(fay) == {"id", "username", "role"}
    assert (fay["username"], fay["role"]) == ("fay", "facilitator")
    gil = add_facilitator(organiser, "gil")  # role defaults to facilitator
    assert gil["role"] == "facilitator"
    r = organiser.get("/api/users")
    assert r.status_code == 200
    listed = sorted(r.json(), key=lambda u: u["username"])
    me = organiser.get("/api/auth/me").json()
    assert listed == [fay, gil, me]  # no password hashes, nothing but the public fields


def test_the_organiser_cannot_add_another_organiser(organiser: TestClient) -> None:
    r = organiser.post(
        "/api/users", json={"username": "boss", "password": PASSWORD, "role": "organiser"}
    )
    assert [problem[:3] for problem in schema_errors(r)] == [("literal_error", "body", "role")]


def test_added_accounts_follow_the_same_rules(organiser: TestClient) -> None:
    add_facilitator(organiser, "fay")
    r = organiser.post("/api/users", json={"username": "fay", "password": PASSWORD})
    assert refused(r, 409) == "username: that name is taken"
    r = organiser.post("/api/users", json={"username": "f", "password": PASSWORD})
    assert refused(r, 400) == BAD_USERNAME
    r = organiser.post("/api/users", json={"username": "gil", "password": "short"})
    assert refused(r, 400) == SHORT_PASSWORD
    r = organiser.post("/api/users", json={"username": "gil", "password": PASSWORD, "admin": True})
    assert schema_errors(r) == [("extra_forbidden", "body", "admin")]


def test_facilitators_cannot_manage_accounts(fay: TestClient) -> None:
    r = fay.post("/api/users", json={"username": "gil", "password": PASSWORD})
    assert refused(r, 403) == "only the organiser can do this"
    assert refused(fay.get("/api/users"), 403) == "only the organiser can do this"


def test_anonymous_callers_cannot_manage_accounts(
    organiser: TestClient, browser: NewBrowser
) -> None:
    stranger = browser()
    r = stranger.post("/api/users", json={"username": "gil", "password": PASSWORD})
    assert refused(r, 401) == "please log in"
    assert refused(stranger.get("/api/users"), 401) == "please log in"


def test_the_organiser_resets_a_facilitators_password(organiser: TestClient, fay: TestClient,
                                                      browser: NewBrowser) -> None:  # fmt: skip
    fay_id = fay.get("/api/auth/me").json()["id"]
    url = f"/api/users/{fay_id}/password"
    refused(fay.put(url, json={"password": "a new long password"}), 403)
    assert "password" in refused(organiser.put(url, json={"password": "short"}), 400)
    assert organiser.put(url, json={"password": "a new long password"}).status_code == 204
    refused(fay.get("/api/auth/me"), 401)  # her old login ended
    assert browser().post("/api/auth/login", json={"username": "fay", "password": PASSWORD}).status_code == 401
    assert browser().post("/api/auth/login", json={"username": "fay", "password": "a new long password"}).status_code == 200
    me = organiser.get("/api/auth/me").json()["id"]
    refused(organiser.put(f"/api/users/{me}/password", json={"password": "a new long password"}), 404)


def test_logins_are_rate_limited_per_name_and_address(organiser: TestClient, fay: TestClient,
                                                       browser: NewBrowser) -> None:  # fmt: skip
    """RELIABILITY.md S7: guessing stops after ten wrong passwords, even a right one then waits."""
    guesser = browser()
    for _ in range(10):
        refused(guesser.post("/api/auth/login", json={"username": "fay", "password": "a wrong password"}), 401)
    detail = refused(guesser.post("/api/auth/login", json={"username": "fay", "password": PASSWORD}), 429)
    assert "too many failed logins" in detail
    # Another account is not locked by fay's guesser.
    assert guesser.post("/api/auth/login", json={"username": "org", "password": PASSWORD}).status_code == 200


def test_workers_sharing_a_database_count_the_same_failed_logins(serve: Serve, tmp_path: Path) -> None:
    """RELIABILITY.md S7 with several workers: spreading guesses over them gains nothing."""
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = serve(database_url=shared), serve(database_url=shared)
    register_organiser(first)
    for worker in (first, second) * 5:
        refused(worker.post("/api/auth/login", json={"username": "org", "password": "a wrong password"}), 401)
    for worker in (first, second):
        detail = refused(worker.post("/api/auth/login", json={"username": "org", "password": PASSWORD}), 429)
        assert "too many failed logins" in detail


def test_a_good_login_clears_the_failed_tries(client: TestClient) -> None:
    register_organiser(client)
    for _ in range(9):
        refused(client.post("/api/auth/login", json={"username": "org", "password": "a wrong password"}), 401)
    login(client, "org")
    for _ in range(9):  # nine more: the count started again
        refused(client.post("/api/auth/login", json={"username": "org", "password": "a wrong password"}), 401)
    login(client, "org")


def test_guesses_sent_at_once_count_too(organiser: TestClient, browser: NewBrowser) -> None:
    """Each try is counted before its password is checked (argon2 takes a while), in the
    transaction that reads the count: twenty wrong guesses at once get ten answers, not twenty."""
    guessers = [browser() for _ in range(20)]
    with ThreadPoolExecutor(len(guessers)) as pool:
        answers = list(pool.map(lambda g: g.post("/api/auth/login", json={"username": "fay", "password": "a wrong password"}).status_code,
                                guessers))  # fmt: skip
    assert sorted(answers) == [401] * 10 + [429] * 10
