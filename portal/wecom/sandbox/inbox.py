"""Inbox pages: what each member received, and card buttons that fire real callbacks."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .callbacks import ClickRejected, click
from .context import Sandbox, sandbox_of
from .i18n import LABELS, pick_lang, switch_query
from .org import STATUS_ACTIVE, Member
from .render import message_view
from .state import CallbackRecord


def _with_lang(url: str, lang: str) -> str:
    return url if lang == "zh" else f"{url}?lang={lang}"


def _page(request: Request, sandbox: Sandbox, here: str, **context: Any) -> dict[str, Any]:
    lang = pick_lang(request.query_params)
    return {
        "t": LABELS[lang],
        "lang": lang,
        "switch_url": f"{here}?{switch_query(request.query_params, lang)}",
        "index_url": _with_lang(sandbox.path_for(request, "inbox-index"), lang),
        "callback_url": sandbox.state.callback_url or "",
        **context,
    }


def _member_row(request: Request, sandbox: Sandbox, member: Member, count: int) -> dict[str, Any]:
    url = sandbox.path_for(request, "inbox", userid=member.userid)
    return {
        "userid": member.userid,
        "name": member.name,
        "name_en": member.name_en,
        "position": member.position,
        "active": member.status == STATUS_ACTIVE,
        "count": count,
        "url": _with_lang(url, pick_lang(request.query_params)),
    }


def _error(request: Request, sandbox: Sandbox, message: str, status: int) -> Response:
    here = sandbox.path_for(request, "inbox-index")
    return sandbox.render(
        request, "error.html", _page(request, sandbox, here, errors=[message]), status
    )


async def inbox_index(request: Request) -> Response:
    """Every member with the number of messages they received."""
    sandbox = sandbox_of(request)
    counts = sandbox.state.mailbox.counts()
    members = [
        _member_row(request, sandbox, m, counts[m.userid])
        for m in sandbox.config.org.existing_members()
    ]
    here = sandbox.path_for(request, "inbox-index")
    return sandbox.render(
        request, "inbox_index.html", _page(request, sandbox, here, members=members)
    )


def _callback_view(record: CallbackRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "delivery_id": record.delivery_id,
        "key": record.key,
        "url": record.url or "",
        "status": "-" if record.status is None else record.status,
        "ok": record.status == 200 and record.error is None,
        "error": record.error or "",
        "response": record.response,
    }


def _record(sandbox: Sandbox, raw_id: str) -> CallbackRecord | None:
    records = sandbox.state.callbacks
    if raw_id.isdigit() and 1 <= int(raw_id) <= len(records):
        return records[int(raw_id) - 1]
    return None


async def inbox(request: Request) -> Response:
    """One member's messages, newest first, with the last callback result if any."""
    sandbox = sandbox_of(request)
    userid = request.path_params["userid"]
    member = sandbox.config.org.member(userid)
    if member is None:
        return _error(request, sandbox, f"unknown member {userid!r}", 404)
    deliveries = sandbox.state.mailbox.inbox(member.userid)
    messages = [
        message_view(d, sandbox.path_for(request, "inbox-click", userid=d.touser, delivery_id=d.id))
        for d in deliveries
    ]
    context = _page(
        request,
        sandbox,
        sandbox.path_for(request, "inbox", userid=member.userid),
        member=_member_row(request, sandbox, member, len(messages)),
        messages=messages,
        callback=_callback_view(_record(sandbox, request.query_params.get("callback", ""))),
    )
    return sandbox.render(request, "inbox.html", context)


async def inbox_click(request: Request) -> Response:
    """A card button press: fire the callback, then show the inbox with its result."""
    sandbox = sandbox_of(request)
    userid = request.path_params["userid"]
    delivery = sandbox.state.mailbox.find(request.path_params["delivery_id"])
    form = await request.form()
    try:
        if delivery is None:
            raise ClickRejected("no such message")
        record = await click(sandbox, delivery, userid, str(form.get("key", "")))
    except ClickRejected as exc:
        return _error(request, sandbox, str(exc), 400)
    target = sandbox.path_for(request, "inbox", userid=userid)
    query = f"?callback={record.id}" + ("&lang=en" if form.get("lang") == "en" else "")
    return RedirectResponse(f"{target}{query}#m{record.delivery_id}", status_code=303)


routes = [
    Route("/inbox", inbox_index, name="inbox-index"),
    Route("/inbox/{userid}", inbox, name="inbox"),
    Route(
        "/inbox/{userid}/messages/{delivery_id:int}/click",
        inbox_click,
        methods=["POST"],
        name="inbox-click",
    ),
]
