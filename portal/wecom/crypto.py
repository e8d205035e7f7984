"""WeCom callback crypto, compatible with the official WXBizMsgCrypt.

Scheme (https://developer.work.weixin.qq.com/document/path/91144): the signature is the SHA-1
hex of the sorted concatenation of (token, timestamp, nonce, encrypt); the payload is
AES-256-CBC with key = base64(EncodingAESKey + "=") and IV = key[:16], over
`random(16) || len(msg) as 4 bytes big-endian || msg || receive_id`, PKCS#7-padded to 32 bytes.

Errors all derive from `CallbackCryptoError`: `InvalidAesKey`, `InvalidSignature`,
`InvalidBase64`, `InvalidPadding`, `InvalidLength`, `ReceiveIdMismatch`, `InvalidXml`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException

__all__ = [
    "CallbackCryptoError",
    "InvalidAesKey",
    "InvalidBase64",
    "InvalidLength",
    "InvalidPadding",
    "InvalidSignature",
    "InvalidXml",
    "ReceiveIdMismatch",
    "WeComCrypto",
    "parse_xml",
    "sign",
]

AES_KEY_LENGTH = 43
# WeCom pads to 32 bytes, not AES's 16: pad bytes run 1..32 (see wecom-api.md §5.4).
PAD_BLOCK = 32
_RANDOM_PREFIX = 16
_LENGTH_FIELD = 4


class CallbackCryptoError(Exception):
    """A callback could not be verified, decrypted or parsed."""


class InvalidAesKey(CallbackCryptoError):
    """The EncodingAESKey is not 43 base64 characters."""


class InvalidSignature(CallbackCryptoError):
    """msg_signature does not match the request."""


class InvalidBase64(CallbackCryptoError):
    """The ciphertext is not valid base64."""


class InvalidPadding(CallbackCryptoError):
    """The decrypted buffer does not end in valid 32-byte PKCS#7 padding."""


class InvalidLength(CallbackCryptoError):
    """The ciphertext or the embedded message length is impossible."""


class ReceiveIdMismatch(CallbackCryptoError):
    """The message was encrypted for another receive id (corp id or suite id)."""


class InvalidXml(CallbackCryptoError):
    """The XML is malformed, hostile (DTD/entities) or lacks a required element."""


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """Return WeCom's msg_signature for these four values."""
    joined = "".join(sorted([token, timestamp, nonce, encrypt]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def _default_nonce() -> str:
    return str(secrets.randbelow(10**10))


def _pad(data: bytes) -> bytes:
    amount = PAD_BLOCK - len(data) % PAD_BLOCK
    return data + bytes([amount]) * amount


def _unpad(data: bytes) -> bytes:
    amount = data[-1] if data else 0
    if not 1 <= amount <= PAD_BLOCK or amount > len(data):
        raise InvalidPadding(f"pad byte {amount} is outside 1..{PAD_BLOCK}")
    if data[-amount:] != bytes([amount]) * amount:
        raise InvalidPadding("pad bytes differ")
    return data[:-amount]


def _cdata(value: str) -> str:
    # "]]>" cannot appear inside one CDATA section; split it across two.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class WeComCrypto:
    """Sign, verify, encrypt and decrypt WeCom callback payloads for one receive id."""

    def __init__(
        self,
        token: str,
        encoding_aes_key: str,
        receive_id: str,
        *,
        nonce_factory: Callable[[], str] = _default_nonce,
        random_factory: Callable[[int], bytes] = os.urandom,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(encoding_aes_key) != AES_KEY_LENGTH:
            raise InvalidAesKey(f"EncodingAESKey must be {AES_KEY_LENGTH} characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error as exc:
            raise InvalidAesKey("EncodingAESKey is not base64") from exc
        self.token = token
        self.receive_id = receive_id
        self._key = key
        self._nonce_factory = nonce_factory
        self._random_factory = random_factory
        self._clock = clock

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        """Return the msg_signature for these values under this token."""
        return sign(self.token, timestamp, nonce, encrypt)

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        """Raise InvalidSignature unless msg_signature matches (constant time)."""
        expected = self.signature(timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected.encode(), msg_signature.lower().encode()):
            raise InvalidSignature("msg_signature does not match")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, plaintext: str | bytes) -> str:
        """Encrypt a message for this receive id and return base64 ciphertext."""
        message = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        buffer = b"".join(
            [
                self._random_factory(_RANDOM_PREFIX),
                len(message).to_bytes(_LENGTH_FIELD, "big"),
                message,
                self.receive_id.encode("utf-8"),
            ]
        )
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(_pad(buffer)) + encryptor.finalize()
        return base64.b64encode(sealed).decode("ascii")

    def decrypt(self, ciphertext_b64: str) -> bytes:
        """Decrypt base64 ciphertext, check the receive id, and return the message bytes."""
        try:
            sealed = base64.b64decode(ciphertext_b64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidBase64("ciphertext is not base64") from exc
        if not sealed or len(sealed) % 16:
            raise InvalidLength(f"ciphertext length {len(sealed)} is not a positive multiple of 16")
        decryptor = self._cipher().decryptor()
        buffer = _unpad(decryptor.update(sealed) + decryptor.finalize())
        header = _RANDOM_PREFIX + _LENGTH_FIELD
        if len(buffer) < header:
            raise InvalidLength("decrypted buffer is shorter than its header")
        size = int.from_bytes(buffer[_RANDOM_PREFIX:header], "big")
        if header + size > len(buffer):
            raise InvalidLength(f"message length {size} overruns the buffer")
        receive_id = buffer[header + size :]
        if not hmac.compare_digest(receive_id, self.receive_id.encode("utf-8")):
            raise ReceiveIdMismatch("payload was encrypted for another receive id")
        return buffer[header : header + size]

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Answer WeCom's URL verification: check the signature and return the plain echostr."""
        self.check_signature(msg_signature, timestamp, nonce, echostr)
        try:
            return self.decrypt(echostr).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidLength("echostr is not UTF-8") from exc

    def decrypt_message(
        self, xml_body: bytes, msg_signature: str, timestamp: str, nonce: str
    ) -> bytes:
        """Verify and decrypt a POSTed callback envelope; return the inner XML bytes."""
        encrypt = parse_xml(xml_body).get("Encrypt", "")
        if not encrypt:
            raise InvalidXml("envelope has no Encrypt element")
        self.check_signature(msg_signature, timestamp, nonce, encrypt)
        return self.decrypt(encrypt)

    def encrypt_message(
        self, reply_xml: str, timestamp: str | int | None = None, nonce: str | None = None
    ) -> str:
        """Encrypt a passive reply and return the signed envelope XML."""
        stamp = str(int(self._clock()) if timestamp is None else timestamp)
        nonce = self._nonce_factory() if nonce is None else nonce
        encrypt = self.encrypt(reply_xml)
        signature = self.signature(stamp, nonce, encrypt)
        return (
            f"<xml><Encrypt>{_cdata(encrypt)}</Encrypt>"
            f"<MsgSignature>{_cdata(signature)}</MsgSignature>"
            f"<TimeStamp>{_cdata(stamp)}</TimeStamp>"
            f"<Nonce>{_cdata(nonce)}</Nonce></xml>"
        )


def _element_value(element: Element) -> Any:
    children = list(element)
    if not children:
        return element.text or ""
    tags = {child.tag for child in children}
    # Containers such as SelectedItems / OptionIds hold repeated children: keep them as a list.
    if len(tags) == 1 and (len(children) > 1 or element.tag.endswith("s")):
        return [_element_value(child) for child in children]
    return {child.tag: _element_value(child) for child in children}


def parse_xml(data: bytes | str) -> dict[str, str]:
    """Parse WeCom XML safely into its top-level fields.

    Leaf elements map to their text; nested elements (e.g. SelectedItems of a
    template_card_event) map to a JSON string of their structure, with repeated children as
    lists. DTDs, entities and external references are rejected with InvalidXml.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise InvalidXml(f"rejected XML: {exc}") from exc
    fields: dict[str, str] = {}
    for child in root:
        value = _element_value(child)
        fields[child.tag] = (
            value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        )
    return fields
