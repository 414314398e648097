"""What logs must not keep: a full mobile number or a tracking code (whoever holds the code
reads the case and may rate it). `mask` rewrites text the way a log line may show it; `MaskFilter`
applies it to every record of a logging handler: Django's (settings.LOGGING) and gunicorn's
access and error logs (gunicorn.conf.py). No Django import here: gunicorn reads this module
with its configuration, before Django is set up."""

from __future__ import annotations

import logging
import re

# A mainland mobile number standing alone: 13812345678 → 138****5678.
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# The code in a tracking address, page or API: /t/ABCDEFGHJK, /opinions/track/ABCDEFGHJK.
_TRACK_PATH = re.compile(r"(/t/|/track/)[^/?#\s\"']+")
# The code typed into the lookup form: /t/?code=ABCDEFGHJK.
_CODE_PARAM = re.compile(r"([?&]code=)[^&#\s\"']*")
# A tracking code on its own (ten characters of casework.models.TRACKING_ALPHABET), as in the
# body of a text message ("查询码 ABCDEFGHJK").
_CODE = re.compile(r"(?<![0-9A-Za-z])[2-9A-HJKMNP-Z]{10}(?![0-9A-Za-z])")
HIDDEN = "***"


def mask(text: str, *, codes: bool = False) -> str:
    """`text` with every mobile number shortened to 138****5678 and the code of every tracking
    address hidden; with `codes`, every word that looks like a tracking code as well."""
    text = _PHONE.sub(r"\1****\2", text)
    text = _TRACK_PATH.sub(rf"\1{HIDDEN}", text)
    text = _CODE_PARAM.sub(rf"\1{HIDDEN}", text)
    if codes:
        text = _CODE.sub(HIDDEN, text)
    return text


class MaskFilter(logging.Filter):
    """Rewrites each record's message through `mask` (arguments merged in first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is the handler's to report
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line (`LIANXIN_LOG_FORMAT=json`): time, level, logger, message and,
    for an error, the exception's type and traceback. The message has been through `MaskFilter`
    (the handler's filter) and the traceback is masked here; nothing else of the record (no
    request, no user) is written."""

    def format(self, record: logging.LogRecord) -> str:
        import json

        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
            "pid": record.process,
        }
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
            entry["traceback"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
