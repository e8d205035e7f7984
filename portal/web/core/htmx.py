"""The htmx protocol in one place: request details and response headers."""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response


@dataclass(frozen=True)
class HtmxDetails:
    """What an htmx request says about itself (all false/None for a plain request)."""

    request: bool
    boosted: bool
    target: str | None
    trigger: str | None
    current_url: str | None

    @classmethod
    def of(cls, conn: HTTPConnection) -> HtmxDetails:
        headers = conn.headers
        return cls(
            request=headers.get("HX-Request") == "true",
            boosted=headers.get("HX-Boosted") == "true",
            target=headers.get("HX-Target"),
            trigger=headers.get("HX-Trigger"),
            current_url=headers.get("HX-Current-URL"),
        )

    @property
    def wants_fragment(self) -> bool:
        # A boosted request navigates, so it gets the whole page.
        return self.request and not self.boosted


def vary_on_htmx(response: Response) -> Response:
    """Caches must keep the fragment and the full page apart."""
    existing = response.headers.get("Vary")
    response.headers["Vary"] = f"{existing}, HX-Request" if existing else "HX-Request"
    return response


def hx_redirect(response: Response, url: str) -> Response:
    response.headers["HX-Redirect"] = url
    return response


def hx_trigger(response: Response, name: str, *, after: str | None = None) -> Response:
    """Ask htmx to fire `name` on the page; `after` is None, "swap" or "settle"."""
    header = {"settle": "HX-Trigger-After-Settle", "swap": "HX-Trigger-After-Swap"}.get(
        after or "", "HX-Trigger"
    )
    existing = response.headers.get(header)
    if not existing:
        response.headers[header] = name
        return response
    events: dict[str, object] = (
        json.loads(existing)
        if existing.startswith("{")
        else dict.fromkeys(part.strip() for part in existing.split(","))
    )
    events[name] = None
    response.headers[header] = json.dumps(events)
    return response


def retarget(response: Response, target: str, *, swap: str = "innerHTML") -> Response:
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response
