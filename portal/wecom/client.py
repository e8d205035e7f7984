"""`WeComClient`: one injected `httpx.AsyncClient`, one `_request()`, API areas as attributes.

Retry policy (wecom-api.md §1.1, §1.3):
- `AccessTokenInvalid` (40014/42001/40001): drop the failing token with compare-and-swap,
  refresh, and retry the call once; a token error after our own refresh is raised. When
  another process had already replaced the token, the retry with its token does not count
  (it may be revoked too), so a call makes at most three tries.
- `SystemBusy` / `ConcurrencyLimited` / `WeComUnavailable`: idempotent GETs only, exponential
  backoff with jitter, at most `max_attempts` tries in total. POSTs (message sends above all)
  are never retried inline; the outbox owns their retries.
- `RateLimited` (45009) is never retried here.

Logs carry method, path, errcode and timing, never query strings, so the access token,
secret, OAuth code and user_ticket stay out of them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from portal.wecom.agents import Agents
from portal.wecom.contacts import Contacts
from portal.wecom.errors import (
    GETTOKEN_PATH,
    AccessTokenInvalid,
    ConcurrencyLimited,
    SystemBusy,
    WeComError,
    WeComUnavailable,
    error_for,
)
from portal.wecom.jssdk import JsSdk
from portal.wecom.messages import Messages
from portal.wecom.oauth import OAUTH_BASE, WEB_LOGIN_BASE, OAuth
from portal.wecom.schedule import Schedules
from portal.wecom.tokens import (
    ACCESS_TOKEN,
    AGENT_CONFIG_TICKET,
    JSAPI_TICKET,
    FetchedToken,
    TokenManager,
    TokenStore,
)

log = logging.getLogger(__name__)

API_BASE = "https://qyapi.weixin.qq.com"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0, pool=5.0)

JSON = dict[str, Any]
Params = Mapping[str, str | int]

_RETRYABLE = (SystemBusy, ConcurrencyLimited, WeComUnavailable)
# A rejected token, another process's replacement, then one we refreshed ourselves.
_MAX_TOKEN_TRIES = 3
# Failures that happen before a single byte reaches WeCom.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class WeComClient:
    """An async client for one WeCom self-built app (corp id + app secret + agent id).

    Areas: `message`, `oauth`, `user` (contacts), `jssdk`, `schedule`, `agent` (the app's
    own settings and visible range). `api_base` may carry a path prefix (the demo's sandbox
    lives at `http://host:port/_sandbox`); `/cgi-bin/…` is appended to it.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        corp_id: str,
        corp_secret: str,
        agent_id: int,
        token_store: TokenStore,
        api_base: str = API_BASE,
        oauth_base: str = OAUTH_BASE,
        web_login_base: str = WEB_LOGIN_BASE,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_attempts: int = 3,
        backoff: float = 0.5,
        token_margin: float = 300.0,
        token_jitter: float = 60.0,
        rng: Callable[[], float] = random.random,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        on_call: Callable[[str, str], None] | None = None,
    ) -> None:
        self._http = http
        # Told (endpoint, errcode) after every call: "0", "45009", "http_503", "unreachable".
        self._on_call = on_call or (lambda endpoint, errcode: None)
        self.corp_id = corp_id
        self.agent_id = agent_id
        self._secret = corp_secret
        self._cgi = api_base.rstrip("/") + "/cgi-bin/"
        self._timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self._backoff = backoff
        self._rng = rng
        self._sleep = sleep
        self.clock = clock  # Unix seconds; the portal passes its own clock
        self.tokens = TokenManager(
            token_store,
            corp_id=corp_id,
            agent_id=agent_id,
            margin=token_margin,
            jitter=token_jitter,
            rng=rng,
            clock=clock,
        )
        self.tokens.register(ACCESS_TOKEN, self._fetch_access_token)
        self.tokens.register(JSAPI_TICKET, self._fetch_jsapi_ticket, needs=ACCESS_TOKEN)
        self.tokens.register(
            AGENT_CONFIG_TICKET, self._fetch_agent_config_ticket, needs=ACCESS_TOKEN
        )
        self.message = Messages(self)
        self.oauth = OAuth(self, oauth_base=oauth_base, web_login_base=web_login_base)
        self.user = Contacts(self)
        self.jssdk = JsSdk(self)
        self.schedule = Schedules(self)
        self.agent = Agents(self)

    def __repr__(self) -> str:
        return f"WeComClient(corp_id={self.corp_id!r}, agent_id={self.agent_id!r})"

    async def get(self, path: str, params: Params | None = None) -> JSON:
        """GET `/cgi-bin/{path}`; transient failures are retried (GETs are idempotent)."""
        return await self._request("GET", path, params=params, retry_transient=True)

    async def post(self, path: str, body: JSON, *, params: Params | None = None) -> JSON:
        """POST a JSON body to `/cgi-bin/{path}`; only a token error is retried (once)."""
        return await self._request("POST", path, params=params, body=body, retry_transient=False)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: JSON | None = None,
        retry_transient: bool,
        authenticated: bool = True,
    ) -> JSON:
        refreshed = False
        token_tries = 0
        attempt = 1
        while True:
            token = await self.tokens.access_token() if authenticated else None
            try:
                return await self._call(method, path, params, body, token)
            except AccessTokenInvalid:
                token_tries += 1
                if token is None or refreshed or token_tries >= _MAX_TOKEN_TRIES:
                    raise
                # When the store no longer held our token, another process had replaced it
                # and the retry uses theirs, which a revocation may have hit as well: that
                # retry does not count as our refresh.
                refreshed = await self.tokens.invalidate(ACCESS_TOKEN, token)
                log.info("wecom %s: access token rejected; refreshing and retrying", path)
            except _RETRYABLE as exc:
                if not retry_transient or attempt >= self.max_attempts:
                    raise
                delay = self._backoff * 2 ** (attempt - 1) * (0.5 + self._rng())
                log.info("wecom %s: %s; retry %d in %.2fs", path, _kind(exc), attempt, delay)
                attempt += 1
                await self._sleep(delay)

    async def _call(
        self, method: str, path: str, params: Params | None, body: JSON | None, token: str | None
    ) -> JSON:
        query: dict[str, str | int] = dict(params or {})
        if token is not None:
            query["access_token"] = token
        content = None
        headers = {}
        if body is not None:
            # UTF-8, not \uXXXX escapes: some WeCom endpoints mangle escaped Chinese (§8.8).
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json; charset=utf-8"
        started = time.perf_counter()
        try:
            response = await self._http.request(
                method,
                self._cgi + path,
                params=query,
                content=content,
                headers=headers,
                timeout=self._timeout,
            )
        except httpx.RequestError as exc:
            sent = not isinstance(exc, _NOT_SENT)
            log.warning("wecom %s %s failed: %s", method, path, type(exc).__name__)
            self._on_call(path, "unreachable")
            raise WeComUnavailable(type(exc).__name__, path, request_sent=sent) from exc
        elapsed = (time.perf_counter() - started) * 1000
        try:
            data = _decode(response, path)
        except WeComUnavailable:
            code = response.status_code
            self._on_call(path, f"http_{code}" if code != 200 else "bad_response")
            raise
        errcode = data.get("errcode") or 0
        self._on_call(path, str(errcode))
        log.debug("wecom %s %s -> errcode %s in %.0f ms", method, path, errcode, elapsed)
        if errcode != 0:
            errmsg = str(data.get("errmsg", ""))
            log.warning("wecom %s %s -> errcode %s: %s", method, path, errcode, errmsg)
            raise error_for(int(errcode), errmsg, path)
        return data

    async def _fetch_access_token(self) -> FetchedToken:
        data = await self._request(
            "GET",
            GETTOKEN_PATH,
            params={"corpid": self.corp_id, "corpsecret": self._secret},
            retry_transient=True,
            authenticated=False,
        )
        log.info("wecom: fetched a new access token for agent %s", self.agent_id)
        return _fetched(data, "access_token", GETTOKEN_PATH)

    async def _fetch_jsapi_ticket(self) -> FetchedToken:
        return _fetched(await self.get("get_jsapi_ticket"), "ticket", "get_jsapi_ticket")

    async def _fetch_agent_config_ticket(self) -> FetchedToken:
        data = await self.get("ticket/get", {"type": "agent_config"})
        return _fetched(data, "ticket", "ticket/get")


def _decode(response: httpx.Response, path: str) -> JSON:
    if response.status_code != 200:
        log.warning("wecom %s -> HTTP %d", path, response.status_code)
        raise WeComUnavailable(
            f"HTTP {response.status_code}", path, status_code=response.status_code
        )
    try:
        data = response.json()
    except ValueError as exc:
        raise WeComUnavailable("response is not JSON", path, status_code=200) from exc
    if not isinstance(data, dict):
        raise WeComUnavailable("response is not a JSON object", path, status_code=200)
    return data


def _fetched(data: JSON, field: str, path: str) -> FetchedToken:
    value, expires_in = data.get(field), data.get("expires_in")
    if not isinstance(value, str) or not value or not isinstance(expires_in, int):
        raise WeComUnavailable(f"answer lacks {field} or expires_in", path, status_code=200)
    return FetchedToken(value, expires_in)


def _kind(exc: WeComError) -> str:
    return f"errcode {exc.errcode}" if exc.errcode is not None else exc.errmsg


_SECRET_PARAMS = re.compile(r"((?:access_token|corpsecret|code|user_ticket|ticket)=)[^&\s\"']*")


def redact(text: str) -> str:
    """`text` with the values of secret query parameters masked."""
    return _SECRET_PARAMS.sub(r"\1***", text)


class RedactSecrets(logging.Filter):
    """Masks secret query parameters in records (httpx logs full request URLs at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact(str(arg)) if isinstance(arg, str | httpx.URL) else arg for arg in record.args
            )
        return True


def install_log_redaction(logger_name: str = "httpx") -> None:
    """Attach `RedactSecrets` to `logger_name` once (idempotent).

    A process using the client calls this at start-up (the portal does in `open_state`); the
    client itself leaves global logging alone.
    """
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
