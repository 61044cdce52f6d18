"""Turning what a user types into values: dates, amounts, phones, e-mails, text.

Every function raises ``UsageError`` (exit 2) with a message that quotes the bad
input, so the command line can show it as it is.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from salescrm.core.errors import Msg, UsageError

When = date | datetime  # a moment: a whole day, or a day and a time

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?", re.ASCII)  # as _DATETIME_FORMATS
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")
_RELATIVE = re.compile(r"^([+-]\d{1,4})d$")
_WORDS = {"today": 0, "今天": 0, "tomorrow": 1, "明天": 1, "yesterday": -1, "昨天": -1}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _normal(text: str) -> str:
    # Full-width digits and punctuation (２０２４－０５－０３) are what an IME types.
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(text: str, today: date | None = None, what: str = "date") -> date:
    """A calendar day: ISO ``2024-05-03`` (also ``2024/05/03``, ``2024年5月3日``).

    With ``today`` given, ``today``, ``tomorrow``, ``今天``, ``明天`` and ``+3d`` work too.
    """
    value = _normal(text)
    if today is not None:
        if value.lower() in _WORDS:
            return today + timedelta(days=_WORDS[value.lower()])
        relative = _RELATIVE.match(value)
        if relative:
            return today + timedelta(days=int(relative.group(1)))
    if _ISO_DAY.fullmatch(value):  # the common case, without importing _strptime (~1.5 ms)
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise UsageError(
        Msg("bad {what} {text!r}", what=what, text=text),
        hint=Msg("write dates as YYYY-MM-DD, e.g. 2024-05-03"),
    )


def parse_when(text: str, today: date | None = None, what: str = "date") -> When:
    """A day (``2024-05-03``) or a day and time (``2024-05-03T10:00``)."""
    value = _normal(text)
    if _ISO_MOMENT.fullmatch(value):  # the common case, read in C (strptime: ~10 µs, 20 a file)
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(value)
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return parse_date(value, today, what)
    except UsageError:
        raise UsageError(
            Msg("bad {what} {text!r}", what=what, text=text),
            hint=Msg("write YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2024-05-03T10:00"),
        ) from None


def as_datetime(moment: When) -> datetime:
    """A whole day counts from its start."""
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day)


def day_of(moment: When) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def format_when(moment: When) -> str:
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="minutes")  # strftime("%Y") would not pad year 26
    return moment.isoformat()


_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")
_UNITS = {
    "万": Decimal(10_000),
    "w": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "k": Decimal(1000),
}
MAX_AMOUNT = Decimal("1000000000000")  # 1e12 CNY: more is a typing mistake


def parse_amount(text: str, what: str = "amount", allow_zero: bool = False) -> Decimal:
    """An exact amount of money: ``250000``, ``248000.50``, ``1,000``, ``５０００``, ``5万``.

    Refused: negative, NaN, infinity, exponents, more than two decimals, and zero
    unless ``allow_zero``.
    """
    value = _normal(text).replace("，", ",").replace(" ", "")
    for prefix in ("¥", "￥", "CNY", "RMB"):
        value = value.removeprefix(prefix)
    for suffix in ("元", "CNY", "RMB"):
        value = value.removesuffix(suffix)
    unit = Decimal(1)
    if value[-1:].lower() in _UNITS:
        unit = _UNITS[value[-1:].lower()]
        value = value[:-1]
    if _GROUPED.match(value):
        value = value.replace(",", "")
    if not (_AMOUNT.match(value) or (unit != 1 and re.match(r"^\d+(\.\d+)?$", value))):
        raise UsageError(
            Msg("bad {what} {text!r}: not an amount of money", what=what, text=text),
            hint=Msg("write a plain number such as 250000 or 248000.50 (also 1,000 or 5万)"),
        )
    try:
        amount = (Decimal(value) * unit).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise UsageError(Msg("bad {what} {text!r}: not an amount of money", what=what, text=text)) from None
    if amount > MAX_AMOUNT:
        raise UsageError(
            Msg(
                "bad {what} {text!r}: larger than {MAX_AMOUNT:,}", what=what, text=text, MAX_AMOUNT=MAX_AMOUNT
            )
        )
    if amount == 0 and not allow_zero:
        raise UsageError(Msg("bad {what} {text!r}: must be more than zero", what=what, text=text))
    return normal_amount(amount)


def normal_amount(amount: Decimal) -> Decimal:
    """``250000.00`` → ``250000``; ``0.50`` stays two places: what files store."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount.quantize(Decimal("0.01"))


def parse_percent(text: str, what: str = "probability") -> Decimal:
    """``40``, ``40%`` or ``0.4`` → ``40`` (a percentage from 0 to 100)."""
    value = _normal(text).removesuffix("%")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise UsageError(Msg("bad {what} {text!r}: not a number", what=what, text=text)) from None
    if not number.is_finite():
        raise UsageError(Msg("bad {what} {text!r}: not a number", what=what, text=text))
    if 0 < number < 1 and "." in value and not text.strip().endswith("%"):
        number *= 100
    if not 0 <= number <= 100:
        raise UsageError(Msg("bad {what} {text!r}: must be between 0 and 100", what=what, text=text))
    return normal_amount(number)


_PHONE = re.compile(r"^\+?[\d\s\-()]{5,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_phone(text: str) -> str:
    value = _normal(text)
    if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 5:
        raise UsageError(
            Msg("bad phone {text!r}", text=text),
            hint=Msg("digits, spaces, '-', '+' and brackets only, e.g. 021-5555-5678"),
        )
    return value


def parse_email(text: str) -> str:
    value = _normal(text)
    if not _EMAIL.match(value) or len(value) > 254 or _CONTROL.search(value):
        raise UsageError(Msg("bad e-mail {text!r}", text=text), hint=Msg("write it as name@example.com"))
    return value


def parse_birthday(text: str) -> str:
    """``MM-DD`` or ``YYYY-MM-DD``; stored as given once checked."""
    value = _normal(text)
    if re.match(r"^\d{2}-\d{2}$", value):
        try:
            datetime.strptime(f"2000-{value}", "%Y-%m-%d")  # 2000 is a leap year: 02-29 is fine
        except ValueError:
            raise UsageError(
                Msg("bad birthday {text!r}", text=text), hint=Msg("write MM-DD or YYYY-MM-DD")
            ) from None
        return value
    try:
        return parse_date(value, what="birthday").isoformat()
    except UsageError:
        raise UsageError(
            Msg("bad birthday {text!r}", text=text), hint=Msg("write MM-DD or YYYY-MM-DD")
        ) from None


def parse_text(text: str | None, what: str, max_length: int = 2000, multiline: bool = False) -> str:
    """Required free text: not empty, no control characters, not absurdly long."""
    value = unicodedata.normalize("NFC", text or "").strip()
    if not value:
        raise UsageError(Msg("{what} must not be empty", what=what))
    if len(value) > max_length:
        raise UsageError(
            Msg(
                "{what} is {count} characters long; at most {max_length} are allowed",
                what=what,
                count=len(value),
                max_length=max_length,
            )
        )
    control = _CONTROL.search(value if multiline else value.replace("\t", " "))
    if control or (not multiline and ("\n" in value or "\r" in value)):
        raise UsageError(
            Msg("{what} contains a control character", what=what), hint=Msg("remove line breaks and such")
        )
    return value
