"""Limits on the public intake (the scan-to-speak page and `POST /api/v1/opinions`), so that a
script cannot flood the offices or bomb a chosen phone with SMS: per client address and per
phone number given, settings with sane defaults (docs/settings.md). The daily cap of SMS per
number is the notifications app's (`LIANXIN_SMS_PER_NUMBER_PER_DAY`).

Near a limit (`LIANXIN_PUBLIC_CHALLENGE_AT`, a share of it: 0.8 by default) a submission must
also answer a small arithmetic question in Chinese, asked by the server with no third-party
service: the question is rendered with a signed token holding a keyed hash of the answer, a
ten-minute lifetime and a one-time nonce (a token answered once cannot be used again)."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from lianxin.core.errors import LianxinError, RateLimited
from lianxin.core.ratelimit import count, hit

CHALLENGE_SALT = "lianxin.opinions.challenge"
CHALLENGE_SECONDS = 600


class ChallengeRequired(LianxinError):
    """A submission near a limit without a right answer to the question: 400, with a new
    question (`challenge`: `question`, `token`) to answer in `challenge_answer` and
    `challenge_token`."""

    status = 400
    code = "challenge_required"

    def __init__(self, message: str, *, challenge: dict, **kwargs):
        super().__init__(message, **kwargs)
        self.challenge = challenge


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def _near(used: int, limit: int) -> bool:
    """From the share of the limit on, and until it: past the limit the answer is a 429."""
    share = float(settings.LIANXIN_PUBLIC_CHALLENGE_AT)
    return limit > 0 and share > 0 and max(1, math.ceil(limit * share)) <= used < limit


def challenge_needed(request, phone: str = "") -> bool:
    """Whether this address, or this phone number, is within the challenge share of its limit."""
    address = request.META.get("REMOTE_ADDR", "")
    window = settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS
    if _near(
        count("opinion-ip", address, seconds=window), settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP
    ):
        return True
    digits = _digits(phone)
    return _near(
        count("opinion-phone", digits, seconds=3600), settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE
    )


def _keyed(answer: str, nonce: str) -> str:
    key = hashlib.sha256(f"{CHALLENGE_SALT}|{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{nonce}|{answer}".encode(), hashlib.sha256).hexdigest()


def new_challenge() -> dict:
    """A question and its token: `{"question", "token"}`."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _keyed(str(a + b), nonce)}, salt=CHALLENGE_SALT)
    return {"question": _("%(a)s 加 %(b)s 等于多少？") % {"a": a, "b": b}, "token": token}


def challenge_passed(token: str, answer: str) -> bool:
    """Whether `answer` is the answer of the question of `token`, within its lifetime, and the
    token was not answered before."""
    answer = re.sub(r"\s", "", str(answer or ""))
    if not token or not answer.isdigit():
        return False
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_SECONDS)
        nonce, expected = str(data["n"]), str(data["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    if not hmac.compare_digest(_keyed(str(int(answer)), nonce), expected):
        return False
    return cache.add(f"challenge-used:{nonce}", 1, CHALLENGE_SECONDS + 60)


def check_challenge(request, phone: str, token: str, answer: str) -> None:
    """ChallengeRequired when this client is near a limit and did not answer right."""
    if not challenge_needed(request, phone) or challenge_passed(token, answer):
        return
    message = (
        _("验证答案不正确，请重新回答。") if answer else _("提交较为频繁，请先回答验证问题再提交。")
    )
    raise ChallengeRequired(message, challenge=new_challenge(), field="challenge_answer")


def check_public_submission(request, phone: str = "") -> None:
    """RateLimited (429) when this address or this phone number has submitted too often."""
    address = request.META.get("REMOTE_ADDR", "")
    wait = hit(
        "opinion-ip",
        address,
        limit=settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_IP,
        seconds=settings.LIANXIN_PUBLIC_SUBMISSION_WINDOW_SECONDS,
    )
    if wait is None:
        digits = _digits(phone)
        wait = hit(
            "opinion-phone",
            digits,
            limit=settings.LIANXIN_PUBLIC_SUBMISSIONS_PER_PHONE,
            seconds=3600,
        )
    if wait is not None:
        minutes = max(1, (wait + 59) // 60)
        raise RateLimited(
            _("提交过于频繁，请 %(minutes)s 分钟后再试。如有紧急情况，请直接联系联络站。")
            % {"minutes": minutes},
            retry_after=wait,
        )
