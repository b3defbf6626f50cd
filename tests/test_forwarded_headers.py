"""Forwarded headers count only from configured proxies; a DPoP proof names PUBLIC_URL, not the Host."""

from __future__ import annotations

import sys

import httpx

from api.app import create_app
from db.accounts.tables import RateLimitCounter
from tests.factories import make_family
from tests.fixtures.api import client_from
from tests.pairing_builders import pair_phone
from tests.server import free_port, start_app_server

SPOOFED = "203.0.113.66"


async def _limited_keys() -> set[str]:
    """The per-IP keys the password-check limit counted."""
    rows = await RateLimitCounter.select(RateLimitCounter.key).where(RateLimitCounter.key.like("password-check:ip:%"))
    return {row["key"].removeprefix("password-check:ip:") for row in rows}


async def _check_from(app, peer: str, headers: dict[str, str]) -> None:
    async with client_from(app, peer) as client:
        response = await client.post("/api/accounts/password-check", json={"password": "x"}, headers=headers)
        assert response.status_code == 200


async def test_without_trusted_proxies_a_forwarded_header_changes_nothing(app):
    await _check_from(app, "127.0.0.1", {"X-Forwarded-For": SPOOFED})
    await _check_from(app, "192.0.2.10", {"X-Forwarded-For": SPOOFED, "Forwarded": f"for={SPOOFED}"})
    assert await _limited_keys() == {"127.0.0.1", "192.0.2.10"}


async def test_a_trusted_proxy_names_the_client_and_no_one_else_does(configure):
    configure(TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1")
    app = create_app()
    await _check_from(app, "10.1.2.3", {"X-Forwarded-For": "198.51.100.4"})
    # A client's own forged entry is left of what the proxy appended: the proxy's view wins.
    await _check_from(app, "192.0.2.1", {"X-Forwarded-For": f"{SPOOFED}, 198.51.100.5"})
    # Not a trusted proxy: its header is ignored, the peer is the client.
    await _check_from(app, "192.0.2.99", {"X-Forwarded-For": SPOOFED})
    await _check_from(app, "127.0.0.1", {"X-Forwarded-For": SPOOFED})
    assert await _limited_keys() == {"198.51.100.4", "198.51.100.5", "192.0.2.99", "127.0.0.1"}


async def test_the_real_server_trusts_no_forwarded_header_from_loopback_by_default():
    """uvicorn alone would believe X-Forwarded-For from 127.0.0.1; `python -m api` turns that off."""
    port = free_port()
    process = start_app_server(port, env={"TRUSTED_PROXIES": None, "HOST": None}, command=[sys.executable, "-m", "api"])
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.post(
                "/api/accounts/password-check", json={"password": "x"}, headers={"X-Forwarded-For": SPOOFED}
            )
            assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert await _limited_keys() == {"127.0.0.1"}


async def test_a_proof_for_another_host_fails_when_public_url_is_set(configure, new_client):
    family = await make_family()
    phone = await pair_phone(await new_client(), await new_client(), family.parent)
    assert (await phone.request("GET", "/api/pairing/profile")).status_code == 200  # development: own Host

    configure(PUBLIC_URL="https://cartable.example")
    path = "/api/pairing/profile"
    forged = {
        "Host": "evil.example",
        "Authorization": f"DPoP {phone.access_token}",
        "DPoP": phone.key.proof("GET", f"http://evil.example{path}", access_token=phone.access_token),
    }
    refused = await phone.client.get(path, headers=forged)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "proof_invalid"
    public = {
        "Host": "evil.example",
        "Authorization": f"DPoP {phone.access_token}",
        "DPoP": phone.key.proof("GET", f"https://cartable.example{path}", access_token=phone.access_token),
    }
    assert (await phone.client.get(path, headers=public)).status_code == 200
