"""`portal sandbox` plays the corp the WECOM_* settings name (the demo corp when unset), and
its card buttons post to PORTAL_BASE_URL + /wecom/callback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.settings import SettingsError, load_wecom_sandbox_settings
from portal.wecom import sandbox as demo
from portal.wecom.crypto import WeComCrypto, parse_xml
from tests.support.servers import free_port, serve_in_thread

REPO = Path(__file__).resolve().parents[2]
STAGING = {
    "WECOM_CORP_ID": "wwstaging00000042",
    "WECOM_SECRET": "staging-secret-0123456789abcdefghijklmnopqrstu",
    "WECOM_AGENT_ID": "1000042",
    "WECOM_CALLBACK_TOKEN": "stagingToken42",
    "WECOM_CALLBACK_AES_KEY": "6RmnU2Q5ikSfhgrq3dxX+gUCFFpOY5Wd2zPEF6SNwNo",
}
CARD = {
    "msgtype": "template_card",
    "template_card": {
        "card_type": "button_interaction",
        "main_title": {"title": "Can you interview Wang Wu?"},
        "task_id": "itv42-r1",
        "button_list": [{"text": "Accept", "style": 1, "key": "rsvp:42:accept"}],
    },
}


def test_sandbox_settings_unset_fall_back_to_demo_corp() -> None:
    found = load_wecom_sandbox_settings({}, env_file=None)
    assert (found.corp_id, found.secret, found.agent_id) == (
        demo.DEMO_CORP_ID,
        demo.DEMO_SECRET,
        demo.DEMO_AGENT_ID,
    )
    assert found.callback_token == demo.DEMO_CALLBACK_TOKEN
    assert found.callback_aes_key == demo.DEMO_CALLBACK_AES_KEY
    assert found.callback_url == "http://127.0.0.1:8000/wecom/callback"


def test_sandbox_settings_set_are_the_sandbox_corp() -> None:
    environ = {**STAGING, "PORTAL_BASE_URL": "https://portal.staging.example.com/"}
    found = load_wecom_sandbox_settings(environ, env_file=None)
    assert found.corp_id == STAGING["WECOM_CORP_ID"]
    assert found.secret == STAGING["WECOM_SECRET"]
    assert found.agent_id == 1000042
    assert found.callback_token == STAGING["WECOM_CALLBACK_TOKEN"]
    assert found.callback_aes_key == STAGING["WECOM_CALLBACK_AES_KEY"]
    assert found.callback_url == "https://portal.staging.example.com/wecom/callback"


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"WECOM_CALLBACK_AES_KEY": "tooshort"}, "WECOM_CALLBACK_AES_KEY"),
        ({"WECOM_AGENT_ID": "abc"}, "WECOM_AGENT_ID"),
        ({"PORTAL_BASE_URL": "portal.example.com"}, "PORTAL_BASE_URL"),
    ],
)
def test_sandbox_settings_bad_value_names_the_variable(
    override: dict[str, str], variable: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_wecom_sandbox_settings({**STAGING, **override}, env_file=None)
    assert caught.value.variable == variable


class Receiver:
    """A stand-in portal: records each callback POST to /wecom/callback."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    async def callback(self, request: Request) -> Response:
        self.requests.append({"params": dict(request.query_params), "body": await request.body()})
        return Response("")

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/wecom/callback", self.callback, methods=["POST"])])


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver()
    with serve_in_thread(found.app(), lifespan="off") as url:
        yield found, url


@pytest.fixture
def staging_sandbox(tmp_path: Path, receiver: tuple[Receiver, str]) -> Iterator[str]:
    """`portal sandbox` in a subprocess, configured as the staging corp."""
    port = free_port()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), **STAGING}
    env["PORTAL_BASE_URL"] = receiver[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "portal", "sandbox", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, "portal sandbox exited"
        try:
            httpx.get(url + "/_control/stats", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("portal sandbox did not start")


def _token(http: httpx.Client, corp_id: str, secret: str) -> dict[str, Any]:
    params = {"corpid": corp_id, "corpsecret": secret}
    answer: dict[str, Any] = http.get("/cgi-bin/gettoken", params=params).json()
    return answer


@pytest.mark.slow
def test_sandbox_command_uses_wecom_settings_for_tokens_and_callbacks(
    staging_sandbox: str, receiver: tuple[Receiver, str]
) -> None:
    with httpx.Client(base_url=staging_sandbox, timeout=10) as http:
        answer = _token(http, STAGING["WECOM_CORP_ID"], STAGING["WECOM_SECRET"])
        assert answer["errcode"] == 0, answer
        assert _token(http, demo.DEMO_CORP_ID, demo.DEMO_SECRET)["errcode"] == 40013
        body = {"touser": demo.DEMO_INTERVIEWER_USERID, "agentid": 1000042, **CARD}
        sent = http.post(
            "/cgi-bin/message/send", params={"access_token": answer["access_token"]}, json=body
        ).json()
        assert sent["errcode"] == 0, sent
        click = {"msgid": sent["msgid"], "userid": demo.DEMO_INTERVIEWER_USERID}
        pressed = http.post("/_control/click", json={**click, "key": "rsvp:42:accept"})
        assert pressed.status_code == 200, pressed.text
    [request] = receiver[0].requests
    crypto = WeComCrypto(
        STAGING["WECOM_CALLBACK_TOKEN"],
        STAGING["WECOM_CALLBACK_AES_KEY"],
        STAGING["WECOM_CORP_ID"],
    )
    params = request["params"]
    event = parse_xml(
        crypto.decrypt_message(
            request["body"], params["msg_signature"], params["timestamp"], params["nonce"]
        )
    )
    assert event["ToUserName"] == STAGING["WECOM_CORP_ID"]
    assert event["EventKey"] == "rsvp:42:accept"
