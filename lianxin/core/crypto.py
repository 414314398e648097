"""Citizens' personal data encrypted at rest, behind one interface.

`encrypt(text)` / `decrypt(token)` and `lookup_hash(text, kind=...)` are all the rest of the
platform uses (through `core.fields.EncryptedCharField` and `LookupHashField`), so the
algorithm behind them is chosen here only.

- **Cipher:** SM4 (GB/T 32907) in CBC mode with PKCS#7 padding and a random 16-byte IV per
  value, from the `gmssl` package; then **HMAC-SM3** (GB/T 32905, OpenSSL's through hashlib)
  over the version, key id, IV and ciphertext (encrypt-then-MAC). The MAC is checked before
  anything is decrypted: a changed byte, a wrong key or a key not in the ring is a
  `DecryptionFailed`, never garbage.
- **Stored form:** ``sm4$<key id>$<base64 of IV ‖ ciphertext ‖ MAC>``; the key id says which key
  of the ring opens it, so keys can be rotated (`manage.py rotate_data_key` re-encrypts with the
  newest) while older rows stay readable.
- **Key ring:** `LIANXIN_DATA_KEYS`, ``id:base64key,id:base64key`` (each key 16 bytes or more,
  standard or URL-safe base64, the last one written with); two keys are derived from each (one for SM4, one for the MAC).
- **Lookup hash:** HMAC-SM3 with its own key (`LIANXIN_LOOKUP_KEY`) over the normalised value
  (a phone's digits, a name without spaces), so that an equal value is found by an indexed
  equality (`contact_phone_hash = lookup_hash(phone, kind="phone")`) without storing it.
- **Demo, development and tests** (`LIANXIN_DEBUG=1` or `LIANXIN_DEMO=1`) without keys use a
  fixed demo key (key id ``demo``; not a secret: demo data only). **Production** (`DEBUG=0`, `DEMO=0`) without
  `LIANXIN_DATA_KEYS` and `LIANXIN_LOOKUP_KEY` refuses to start (`check_keys`, run by gunicorn
  when it starts, and `manage.py check --deploy` error lianxin.E002).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4$"
_VERSION = b"lianxin-sm4-cbc-hmac-sm3-v1"
_IV = 16
_MAC = 32  # HMAC-SM3 output


class DecryptionFailed(ValueError):
    """A stored value that does not open: changed, cut short, or sealed with a key that is not
    in the ring (or not the same key under that id)."""


@dataclass(frozen=True)
class DataKey:
    id: str
    cipher_key: bytes  # 16 bytes for SM4
    mac_key: bytes  # 32 bytes for HMAC-SM3


def _sm3(key: bytes, *parts: bytes) -> bytes:
    mac = hmac.new(key, digestmod="sm3")
    for part in parts:
        mac.update(len(part).to_bytes(4, "big"))
        mac.update(part)
    return mac.digest()


def _derive(key_id: str, master: bytes) -> DataKey:
    return DataKey(
        id=key_id,
        cipher_key=_sm3(master, b"lianxin data key: sm4")[:16],
        mac_key=_sm3(master, b"lianxin data key: hmac-sm3"),
    )


def _is_production() -> bool:
    return not settings.DEBUG and not getattr(settings, "LIANXIN_DEMO", False)


def _demo_master(purpose: str) -> bytes:
    """The demo's key: the same on every demo instance and in every test process (a demo's
    backup opens on another machine, a test's child process reads its parent's rows), hence
    no secret at all, and refused in production."""
    return _sm3(b"lianxin demo key: not a secret, never for real data", purpose.encode())


def _b64(text: str) -> bytes:
    """Base64, standard or URL-safe (what `secrets.token_urlsafe` prints), padding optional."""
    text = text.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _parse_ring(text: str) -> list[DataKey]:
    ring: list[DataKey] = []
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not key_id or not key_id.isalnum() or len(key_id) > 16:
            raise ImproperlyConfigured(
                "LIANXIN_DATA_KEYS：每项应为“编号:base64密钥”，编号为不超过16位的字母或数字。"
                " (LIANXIN_DATA_KEYS items are id:base64key, the id alphanumeric, at most 16)"
            )
        try:
            master = _b64(encoded)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"LIANXIN_DATA_KEYS：密钥 {key_id} 不是有效的 base64。 (key {key_id} is not base64)"
            ) from None
        if len(master) < 16:
            raise ImproperlyConfigured(
                f"LIANXIN_DATA_KEYS：密钥 {key_id} 不足16字节。 (key {key_id} is under 16 bytes)"
            )
        if any(k.id == key_id for k in ring):
            raise ImproperlyConfigured(
                f"LIANXIN_DATA_KEYS：密钥编号 {key_id} 重复。 (key id {key_id} given twice)"
            )
        ring.append(_derive(key_id, master))
    return ring


@lru_cache(maxsize=4)
def _ring_for(keys: str, lookup: str, production: bool):
    ring = _parse_ring(keys)
    if lookup:
        try:
            lookup_key = _b64(lookup)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                "LIANXIN_LOOKUP_KEY 不是有效的 base64。 (LIANXIN_LOOKUP_KEY is not base64)"
            ) from None
        if len(lookup_key) < 16:
            raise ImproperlyConfigured(
                "LIANXIN_LOOKUP_KEY 不足16字节。 (LIANXIN_LOOKUP_KEY is under 16 bytes)"
            )
    else:
        lookup_key = b""
    if production and (not ring or not lookup_key):
        raise ImproperlyConfigured(
            "生产环境（DEBUG=0、LIANXIN_DEMO=0）必须设置个人信息加密密钥 LIANXIN_DATA_KEYS 和查找密钥"
            " LIANXIN_LOOKUP_KEY（见 docs/settings.md）。"
            " (production settings need LIANXIN_DATA_KEYS and LIANXIN_LOOKUP_KEY)"
        )
    if not ring:
        ring = [_derive("demo", _demo_master("data"))]
    if not lookup_key:
        lookup_key = _demo_master("lookup")
    return tuple(ring), _sm3(lookup_key, b"lianxin lookup key")


def _ring() -> tuple[tuple[DataKey, ...], bytes]:
    return _ring_for(
        getattr(settings, "LIANXIN_DATA_KEYS", ""),
        getattr(settings, "LIANXIN_LOOKUP_KEY", ""),
        _is_production(),
    )


def keys() -> tuple[DataKey, ...]:
    """The key ring, oldest first; the last one seals new values."""
    return _ring()[0]


def current_key_id() -> str:
    return keys()[-1].id


def check_keys() -> None:
    """ImproperlyConfigured when the keys are missing under production settings or malformed."""
    _ring()


@checks.register(checks.Tags.security, deploy=True)
def data_key_check(app_configs=None, **kwargs):
    try:
        check_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="lianxin.E002")]
    return []


# --- Sealing and opening ----------------------------------------------------------------------


@lru_cache(maxsize=32)
def _cipher(key: bytes, encrypt: bool):
    """One gmssl cipher per key and direction: its round keys are computed once (as costly as
    a block), and after `set_key` it is only read, so threads may share it."""
    from gmssl.sm4 import SM4_DECRYPT, SM4_ENCRYPT, CryptSM4

    c = CryptSM4()
    c.set_key(key, SM4_ENCRYPT if encrypt else SM4_DECRYPT)
    return c


def _sm4(key: bytes, iv: bytes, data: bytes, *, encrypt: bool) -> bytes:
    return _cipher(key, encrypt).crypt_cbc(iv, data)


def is_encrypted(value: str) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(token: str) -> str:
    if not is_encrypted(token):
        raise DecryptionFailed("不是加密的值 (not an encrypted value)")
    return token[len(PREFIX) :].partition("$")[0]


def encrypt(text: str, *, key_id: str | None = None) -> str:
    """`text` sealed with the newest key (or the ring's key `key_id`). The empty text stays
    empty: a blank field says only that nothing was given."""
    if text is None or text == "":
        return text
    ring = keys()
    key = ring[-1] if key_id is None else next(k for k in ring if k.id == key_id)
    iv = os.urandom(_IV)
    body = _sm4(key.cipher_key, iv, str(text).encode("utf-8"), encrypt=True)
    mac = _sm3(key.mac_key, _VERSION, key.id.encode(), iv, body)
    return f"{PREFIX}{key.id}${base64.b64encode(iv + body + mac).decode('ascii')}"


def decrypt(token: str) -> str:
    """The text sealed in `token`; `DecryptionFailed` if it does not open. The empty text is
    the empty text; any other value that is not sealed is refused too (a column written
    around this interface)."""
    if token is None or token == "":
        return token
    if not is_encrypted(token):
        raise DecryptionFailed("不是加密的值 (a personal-data column holds an unsealed value)")
    key_id, sep, encoded = token[len(PREFIX) :].partition("$")
    key = next((k for k in keys() if k.id == key_id), None)
    if not sep or key is None:
        raise DecryptionFailed(f"密钥 {key_id!r} 不在密钥环中 (key {key_id!r} is not in the ring)")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionFailed("密文已损坏 (the sealed value is not base64)") from None
    if len(raw) < _IV + 16 + _MAC or (len(raw) - _IV - _MAC) % 16:
        raise DecryptionFailed("密文长度不对 (the sealed value is cut short)")
    iv, body, mac = raw[:_IV], raw[_IV:-_MAC], raw[-_MAC:]
    expected = _sm3(key.mac_key, _VERSION, key.id.encode(), iv, body)
    if not hmac.compare_digest(mac, expected):
        raise DecryptionFailed(
            f"完整性校验失败：密文被改动，或密钥 {key_id!r} 不是加密时的密钥"
            f" (MAC mismatch: the value was altered or key {key_id!r} is not the one it was sealed"
            " with)"
        )
    try:
        return _sm4(key.cipher_key, iv, body, encrypt=False).decode("utf-8")
    except (UnicodeDecodeError, ValueError, IndexError):
        raise DecryptionFailed("解密失败 (the value does not decrypt)") from None


def sealed_length(plain_chars: int) -> int:
    """The longest stored form of a text of `plain_chars` characters (4 UTF-8 bytes each)."""
    padded = (plain_chars * 4 // 16 + 1) * 16
    raw = _IV + padded + _MAC
    return len(PREFIX) + 16 + 1 + 4 * ((raw + 2) // 3)


# --- Lookup by equality ------------------------------------------------------------------------


def normalise(text: str, *, kind: str) -> str:
    """What two spellings of one value share: a phone's digits (spaces, dashes and full-width
    digits aside), a name in NFKC without spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    if kind == "phone":
        return "".join(c for c in text if c.isdigit())
    return "".join(text.split())


def lookup_hash(text: str, *, kind: str) -> str:
    """The keyed hash an equal value is found by (hex, 64 characters); empty for no value."""
    value = normalise(text, kind=kind)
    if not value:
        return ""
    return _sm3(_ring()[1], kind.encode(), value.encode("utf-8")).hex()


def hash_of(data: bytes) -> str:
    """SM3 digest (hex) of `data`, for deployments that must use the national algorithms."""
    return hashlib.new("sm3", data).hexdigest()
