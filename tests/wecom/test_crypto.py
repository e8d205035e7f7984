"""Callback crypto: the official vectors, round trips, and one distinct error per failure."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from portal.clock import FrozenClock
from portal.wecom.crypto import (
    CallbackCryptoError,
    InvalidAesKey,
    InvalidBase64,
    InvalidLength,
    InvalidPadding,
    InvalidSignature,
    InvalidXml,
    ReceiveIdMismatch,
    WeComCrypto,
    parse_xml,
    sign,
)
from tests.support.when import NOW

# Vector A (wecom-api.md §5.7): Tencent's official Python sample.
TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"
A1_ECHOSTR = (
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
)
A2_ENCRYPT = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTk"
    "AgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJP"
    "QbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7Mhm"
    "EbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/"
    "oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)
A2_PLAINTEXT = (
    "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
    "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
    "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
)
A3_ENCRYPT = (
    "cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2"
    "S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKI"
    "ivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7N"
    "Rj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU="
)
A2_BODY = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>"
    "<AgentID><![CDATA[1000002]]></AgentID>"
    f"<Encrypt><![CDATA[{A2_ENCRYPT}]]></Encrypt></xml>"
).encode()


@pytest.fixture
def crypto() -> WeComCrypto:
    return WeComCrypto(TOKEN, AES_KEY, CORP_ID)


def _raw_encrypt(buffer: bytes) -> str:
    """Encrypt an arbitrary (already padded) buffer under Vector A's key."""
    key = base64.b64decode(AES_KEY + "=")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(buffer) + encryptor.finalize()).decode()


def test_verify_url_vector_a1_returns_echo(crypto: WeComCrypto) -> None:
    signature = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
    assert crypto.verify_url(signature, "1476416373", "47744683", A1_ECHOSTR) == (
        "1288432023552776189"
    )


def test_decrypt_message_vector_a2_returns_inner_xml(crypto: WeComCrypto) -> None:
    signature = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"
    inner = crypto.decrypt_message(A2_BODY, signature, "1476422779", "1597212914")
    assert inner.decode("utf-8") == A2_PLAINTEXT
    assert parse_xml(inner)["Content"] == "你好"


def test_sign_vector_a3_matches_and_decrypts(crypto: WeComCrypto) -> None:
    assert sign(TOKEN, "1409659813", "1372623149", A3_ENCRYPT) == (
        "e3647471e395139e2308c1fa963f2d648a00b90e"
    )
    assert b'"Content": "hello"' in crypto.decrypt(A3_ENCRYPT)


@pytest.mark.parametrize("size", [0, 1, 11, 12, 27, 28, 100, 1000])
def test_encrypt_any_length_round_trips(crypto: WeComCrypto, size: int) -> None:
    message = ("面" * size).encode()[:size]
    assert crypto.decrypt(crypto.encrypt(message)) == message


def test_encrypt_aligned_buffer_adds_full_32_byte_block(crypto: WeComCrypto) -> None:
    # 16 random + 4 length + 12 message + 18-byte receive id = 50; 14 more bytes reach 64.
    sealed = base64.b64decode(crypto.encrypt(b"x" * 12))
    assert len(sealed) == 64
    aligned = base64.b64decode(crypto.encrypt(b"x" * 26))  # 64 exactly: a whole pad block
    assert len(aligned) == 96


def test_encrypt_message_envelope_verifies_and_decrypts(clock: FrozenClock) -> None:
    crypto = WeComCrypto(
        TOKEN, AES_KEY, CORP_ID, nonce_factory=lambda: "123", clock=clock.timestamp
    )
    envelope = crypto.encrypt_message("<xml><Content>好</Content></xml>")
    fields = parse_xml(envelope.encode())
    stamp = str(int(clock.timestamp()))
    assert fields["TimeStamp"] == stamp and fields["Nonce"] == "123"
    inner = crypto.decrypt_message(envelope.encode(), fields["MsgSignature"], stamp, "123")
    assert inner.decode() == "<xml><Content>好</Content></xml>"


def test_encrypt_random_factory_is_used() -> None:
    crypto = WeComCrypto(TOKEN, AES_KEY, CORP_ID, random_factory=lambda n: b"\0" * n)
    assert crypto.encrypt("same") == crypto.encrypt("same")


@pytest.mark.parametrize(
    ("key", "error"),
    [("short", InvalidAesKey), ("!" * 43, InvalidAesKey), (AES_KEY + "A", InvalidAesKey)],
)
def test_init_bad_aes_key_raises(key: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        WeComCrypto(TOKEN, key, CORP_ID)


def test_verify_url_wrong_signature_raises_invalid_signature(crypto: WeComCrypto) -> None:
    with pytest.raises(InvalidSignature):
        crypto.verify_url("0" * 40, "1476416373", "47744683", A1_ECHOSTR)


def test_decrypt_message_tampered_timestamp_raises_invalid_signature(
    crypto: WeComCrypto,
) -> None:
    signature = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"
    with pytest.raises(InvalidSignature):
        crypto.decrypt_message(A2_BODY, signature, "1476422780", "1597212914")


def test_decrypt_other_receive_id_raises_receive_id_mismatch() -> None:
    other = WeComCrypto(TOKEN, AES_KEY, "wwsomeoneelse00000")
    with pytest.raises(ReceiveIdMismatch):
        other.decrypt(A2_ENCRYPT)


@pytest.mark.parametrize(
    ("ciphertext", "error"),
    [
        ("not base64!!", InvalidBase64),
        ("", InvalidLength),
        (base64.b64encode(b"x" * 20).decode(), InvalidLength),
        (_raw_encrypt(b"\x00" * 31 + b"\x21"), InvalidPadding),
        (_raw_encrypt(b"\x00" * 31 + b"\x00"), InvalidPadding),
        (_raw_encrypt(b"\x00" * 30 + b"\x01\x02"), InvalidPadding),
        (_raw_encrypt(b"\x00" * 16 + b"\x00\x00\x01\x00" + b"\x0c" * 12), InvalidLength),
        (_raw_encrypt(b"\x00" * 16 + b"\x10" * 16), InvalidLength),
    ],
    ids=["base64", "empty", "not-block", "pad-33", "pad-0", "pad-mixed", "overrun", "short"],
)
def test_decrypt_malformed_raises_distinct_error(
    crypto: WeComCrypto, ciphertext: str, error: type[CallbackCryptoError]
) -> None:
    with pytest.raises(error):
        crypto.decrypt(ciphertext)


def test_errors_all_subclass_callback_crypto_error() -> None:
    errors = [InvalidAesKey, InvalidBase64, InvalidLength, InvalidPadding, InvalidSignature]
    errors += [InvalidXml, ReceiveIdMismatch]
    assert all(issubclass(e, CallbackCryptoError) for e in errors)
    assert len(set(errors)) == 7


def test_decrypt_message_without_encrypt_raises_invalid_xml(crypto: WeComCrypto) -> None:
    with pytest.raises(InvalidXml):
        crypto.decrypt_message(b"<xml><ToUserName>x</ToUserName></xml>", "s", "1", "2")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xml><Encrypt>&lol3;</Encrypt></xml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><Encrypt>&xxe;</Encrypt></xml>"""
PLAIN_DTD = b'<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://example.com/x.dtd"><xml/>'


@pytest.mark.parametrize(
    "hostile",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, PLAIN_DTD, b"<xml><open></xml>", b""],
    ids=["billion-laughs", "external-entity", "dtd", "malformed", "empty"],
)
def test_parse_xml_hostile_or_broken_raises_invalid_xml(hostile: bytes) -> None:
    with pytest.raises(InvalidXml):
        parse_xml(hostile)


def test_decrypt_message_billion_laughs_raises_invalid_xml(crypto: WeComCrypto) -> None:
    with pytest.raises(InvalidXml):
        crypto.decrypt_message(BILLION_LAUGHS, "s", "1", "2")


def test_parse_xml_template_card_event_keeps_selected_items() -> None:
    event = f"""<xml><ToUserName><![CDATA[wwcorp]]></ToUserName>
    <FromUserName><![CDATA[zhangwei]]></FromUserName><CreateTime>{int(NOW.timestamp())}</CreateTime>
    <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>
    <EventKey><![CDATA[rsvp:42:accept]]></EventKey><TaskId><![CDATA[itv42]]></TaskId>
    <CardType><![CDATA[vote_interaction]]></CardType><ResponseCode><![CDATA[RC]]></ResponseCode>
    <AgentID>1000002</AgentID>
    <SelectedItems><SelectedItem><QuestionKey><![CDATA[q1]]></QuestionKey>
    <OptionIds><OptionId><![CDATA[o1]]></OptionId><OptionId><![CDATA[o2]]></OptionId></OptionIds>
    </SelectedItem></SelectedItems></xml>""".encode()
    fields = parse_xml(event)
    assert fields["Event"] == "template_card_event" and fields["EventKey"] == "rsvp:42:accept"
    assert fields["AgentID"] == "1000002" and fields["ResponseCode"] == "RC"
    assert fields["CreateTime"] == str(int(NOW.timestamp()))
    assert json.loads(fields["SelectedItems"]) == [{"QuestionKey": "q1", "OptionIds": ["o1", "o2"]}]


def test_parse_xml_update_button_reply_keeps_nested_object() -> None:
    reply = (
        b"<xml><MsgType>update_button</MsgType><Button><ReplaceName>OK</ReplaceName></Button></xml>"
    )
    assert json.loads(parse_xml(reply)["Button"]) == {"ReplaceName": "OK"}
