"""GET|POST /wecom/callback: verification, refusals without a body, events applied once."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from portal.db.database import Database
from portal.db.people import get_person_by_userid
from portal.db.tables import interview_interviewers, outbox
from portal.db.wecom_events import event_count
from portal.notifications import kinds
from portal.scheduling.rsvp import CARD_DECLINED
from portal.wecom import WeComCrypto
from portal.wecom import sandbox as demo
from tests.factories import add_interview, add_person, force_status, queue
from tests.support.when import NOW

CRYPTO = WeComCrypto(demo.DEMO_CALLBACK_TOKEN, demo.DEMO_CALLBACK_AES_KEY, demo.DEMO_CORP_ID)
URL = "/wecom/callback"
STAMP = int(NOW.timestamp())  # WeCom's clock agrees with the portal's (the frozen `clock`)


def envelope(
    plaintext: str, *, crypto: WeComCrypto = CRYPTO, stamp: int | None = None
) -> tuple[dict[str, str], str]:
    timestamp, nonce = str(stamp if stamp is not None else STAMP), "1597212914"
    encrypt = crypto.encrypt(plaintext)
    body = (
        f"<xml><ToUserName><![CDATA[{demo.DEMO_CORP_ID}]]></ToUserName>"
        f"<AgentID><![CDATA[{demo.DEMO_AGENT_ID}]]></AgentID>"
        f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    )
    params = {
        "msg_signature": CRYPTO.signature(timestamp, nonce, encrypt),
        "timestamp": timestamp,
        "nonce": nonce,
    }
    return params, body


def card_click(userid: str, key: str, *, created: int = STAMP, code: str = "RC-1") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{demo.DEMO_CORP_ID}]]></ToUserName>"
        f"<FromUserName><![CDATA[{userid}]]></FromUserName><CreateTime>{created}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>"
        f"<EventKey><![CDATA[{key}]]></EventKey><TaskId><![CDATA[itv1-ob1-1]]></TaskId>"
        "<CardType><![CDATA[button_interaction]]></CardType>"
        f"<ResponseCode><![CDATA[{code}]]></ResponseCode><AgentID>1000002</AgentID></xml>"
    )


async def _post(
    client: httpx.AsyncClient,
    plaintext: str,
    *,
    crypto: WeComCrypto = CRYPTO,
    stamp: int | None = None,
) -> httpx.Response:
    params, body = envelope(plaintext, crypto=crypto, stamp=stamp)
    return await client.post(URL, params=params, content=body, headers={"Content-Type": "text/xml"})


async def _rsvp(db: Database, interview: int, userid: str) -> tuple[str, str | None]:
    person = await get_person_by_userid(db, userid)
    assert person is not None
    row = await db.fetch_one(
        sa.select(interview_interviewers.c.rsvp, interview_interviewers.c.rsvp_reason).where(
            interview_interviewers.c.interview_id == interview,
            interview_interviewers.c.person_id == person.id,
        )
    )
    assert row is not None
    return row["rsvp"], row["rsvp_reason"]


async def _kinds(db: Database) -> list[str]:
    rows = await db.fetch_all(sa.select(outbox.c.kind).order_by(outbox.c.id))
    return [row["kind"] for row in rows]


async def test_callback_url_verification_answers_the_bare_echostr(
    client: httpx.AsyncClient,
) -> None:
    stamp, nonce = str(STAMP), "47744683"
    echostr = CRYPTO.encrypt("1288432023552776189")
    params = {
        "msg_signature": CRYPTO.signature(stamp, nonce, echostr),
        "timestamp": stamp,
        "nonce": nonce,
        "echostr": echostr,
    }
    response = await client.get(URL, params=params)
    assert response.status_code == 200
    assert response.content == b"1288432023552776189"


async def test_callback_url_verification_bad_signature_is_403_without_body(
    client: httpx.AsyncClient,
) -> None:
    echostr = CRYPTO.encrypt("42")
    params = {
        "msg_signature": "0" * 40,
        "timestamp": str(STAMP),
        "nonce": "1",
        "echostr": echostr,
    }
    response = await client.get(URL, params=params)
    assert response.status_code == 403 and response.content == b""


async def test_callback_missing_parameters_is_400(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 400
    assert (await client.post(URL, content=b"<xml/>")).status_code == 400


async def test_callback_accept_records_reply_and_queues_card_update(
    client: httpx.AsyncClient, db: Database
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    response = await _post(client, card_click("zhangwei", f"rsvp:{interview}:1:accept"))
    assert response.status_code == 200 and response.content == b""
    assert await _rsvp(db, interview, "zhangwei") == ("accepted", None)
    rows = await db.fetch_all(sa.select(outbox).where(outbox.c.kind == kinds.CARD_UPDATE))
    # The card's outbox row (its task_id names it) remembers what its buttons now say.
    assert [dict(r)["payload"] for r in rows] == [
        {"response_code": "RC-1", "answer": "accept", "card": 1}
    ]


async def test_callback_repeated_event_is_applied_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"], created_by="liuyang")).interview_id
    click = card_click("zhangwei", f"rsvp:{interview}:1:decline")
    for _ in range(3):  # WeCom retries an unanswered callback with the same event
        assert (await _post(client, click)).status_code == 200
    assert await _rsvp(db, interview, "zhangwei") == ("declined", CARD_DECLINED)
    assert await _kinds(db) == [kinds.INTERVIEWER_DECLINED, kinds.CARD_UPDATE]
    assert await event_count(db) == 1


async def test_callback_same_answer_twice_changes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"], created_by="liuyang")).interview_id
    await _post(client, card_click("zhangwei", f"rsvp:{interview}:1:decline"))
    second = card_click("zhangwei", f"rsvp:{interview}:1:decline", created=STAMP + 1, code="RC-2")
    await _post(client, second)
    assert await _kinds(db) == [kinds.INTERVIEWER_DECLINED, kinds.CARD_UPDATE, kinds.CARD_UPDATE]


@pytest.mark.parametrize("key", ["rsvp:{id}:1:accept", "rsvp:{id}:accept"])
async def test_callback_press_on_a_replaced_card_records_nothing(
    client: httpx.AsyncClient, db: Database, key: str
) -> None:
    # A card without a version in its keys (sent before they had one) is read from its row.
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await queue(db, kinds.INVITED, "zhangwei", interview)  # outbox row 1: the pressed card
    await queue(db, kinds.CHANGED, "zhangwei", interview, version=2)
    await _post(client, card_click("zhangwei", key.format(id=interview)))
    assert await _rsvp(db, interview, "zhangwei") == ("pending", None)
    row = await db.fetch_one(sa.select(outbox.c.payload).where(outbox.c.kind == kinds.CARD_UPDATE))
    assert row is not None and row["payload"]["answer"] == "changed"


async def test_callback_click_on_cancelled_interview_is_unavailable(
    client: httpx.AsyncClient, db: Database
) -> None:
    interview = (await add_interview(db, panel=["zhangwei"])).interview_id
    await force_status(db, interview, "cancelled")
    await _post(client, card_click("zhangwei", f"rsvp:{interview}:1:accept"))
    assert await _rsvp(db, interview, "zhangwei") == ("pending", None)
    row = await db.fetch_one(sa.select(outbox.c.payload))
    assert row is not None and row["payload"]["answer"] == "unavailable"


async def test_callback_bad_signature_is_403_and_stores_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    params, body = envelope(card_click("zhangwei", "rsvp:1:accept"))
    params["msg_signature"] = "f" * 40
    response = await client.post(URL, params=params, content=body)
    assert response.status_code == 403 and response.content == b""
    assert await event_count(db) == 0


async def test_callback_stale_timestamp_is_403(client: httpx.AsyncClient, db: Database) -> None:
    response = await _post(client, card_click("zhangwei", "rsvp:1:accept"), stamp=STAMP - 301)
    assert response.status_code == 403 and response.content == b""
    assert await event_count(db) == 0


async def test_callback_other_receive_id_is_403(client: httpx.AsyncClient, db: Database) -> None:
    other = WeComCrypto(demo.DEMO_CALLBACK_TOKEN, demo.DEMO_CALLBACK_AES_KEY, "ww-another-corp")
    response = await _post(client, card_click("zhangwei", "rsvp:1:accept"), crypto=other)
    assert response.status_code == 403
    assert await event_count(db) == 0


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<xml><Encrypt>&lol3;</Encrypt></xml>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Encrypt>&xxe;</Encrypt></xml>"
)


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE, "<xml><Encrypt>", "not xml at all", ""])
async def test_callback_hostile_or_malformed_envelope_is_400(
    client: httpx.AsyncClient, db: Database, body: str
) -> None:
    params = {"msg_signature": "a" * 40, "timestamp": str(STAMP), "nonce": "1"}
    response = await client.post(URL, params=params, content=body.encode())
    assert response.status_code == 400 and response.content == b""
    assert await event_count(db) == 0


async def test_callback_hostile_inner_xml_is_400(client: httpx.AsyncClient, db: Database) -> None:
    response = await _post(client, XXE)
    assert response.status_code == 400
    assert await event_count(db) == 0


async def test_callback_oversized_body_is_400(client: httpx.AsyncClient, db: Database) -> None:
    params, _ = envelope("<xml/>")
    response = await client.post(URL, params=params, content=b"<xml>" + b" " * 70_000 + b"</xml>")
    assert response.status_code == 400
    assert await event_count(db) == 0


async def test_callback_unknown_event_is_acknowledged(
    client: httpx.AsyncClient, db: Database
) -> None:
    enter = (
        f"<xml><ToUserName>{demo.DEMO_CORP_ID}</ToUserName><FromUserName>lina</FromUserName>"
        f"<CreateTime>{STAMP}</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event>"
        "<EventKey></EventKey><AgentID>1000002</AgentID></xml>"
    )
    response = await _post(client, enter)
    assert response.status_code == 200 and response.content == b""
    assert await event_count(db) == 1 and await _kinds(db) == []


def contact_change(change: str, userid: str) -> str:
    return (
        f"<xml><ToUserName>{demo.DEMO_CORP_ID}</ToUserName><FromUserName>sys</FromUserName>"
        f"<CreateTime>{STAMP}</CreateTime><MsgType>event</MsgType><Event>change_contact</Event>"
        f"<ChangeType>{change}</ChangeType><UserID>{userid}</UserID><Department>6</Department></xml>"
    )


async def test_callback_contact_deleted_deactivates_the_person(
    client: httpx.AsyncClient, db: Database
) -> None:
    await add_person(db, "lina")
    assert (await _post(client, contact_change("delete_user", "lina"))).status_code == 200
    person = await get_person_by_userid(db, "lina")
    assert person is not None and not person.active


async def test_callback_contact_updated_queues_a_refresh(
    client: httpx.AsyncClient, db: Database
) -> None:
    assert (await _post(client, contact_change("update_user", "lina"))).status_code == 200
    assert await _kinds(db) == [kinds.CONTACT_REFRESH]
