"""Reception days: turning recurring rules and single dates into the dates a station receives.

Rules are kept as rules and expanded when read, so a schedule never runs out and a changed
rule changes every future date at once. A single date of a rule can be changed or cancelled
by a `ReceptionDay` that points at the rule (an exception).

Statutory holidays come from the maintained `chinese_calendar` library (with the State
Council's make-up workdays). For years it does not know yet, no date is treated as a holiday
and only weekends count as days off.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import chinese_calendar
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Each name whole, so that every language words it its own way ("星期一" / "Monday").
WEEKDAYS = [
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
]
ORDINALS = {
    1: gettext_lazy("第一个"),
    2: gettext_lazy("第二个"),
    3: gettext_lazy("第三个"),
    4: gettext_lazy("第四个"),
    -1: gettext_lazy("最后一个"),
}
# How far back a nominal date may lie and still be postponed into the window.
POSTPONE_REACH = dt.timedelta(days=15)
# How far ahead a rule is checked for producing at least one date.
RULE_HORIZON = dt.timedelta(days=366)


def weekday_label(weekday: int) -> str:
    return str(WEEKDAYS[weekday])


HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("元旦"),
    "Spring Festival": gettext_lazy("春节"),
    "Tomb-sweeping Day": gettext_lazy("清明节"),
    "Labour Day": gettext_lazy("劳动节"),
    "Dragon Boat Festival": gettext_lazy("端午节"),
    "National Day": gettext_lazy("国庆节"),
    "Mid-autumn Festival": gettext_lazy("中秋节"),
    "Anti-Fascist 70th Day": gettext_lazy("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
}


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday on `day` (not an ordinary weekend), in Chinese, if any."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    if not (on_holiday and name):
        return None
    return str(HOLIDAY_NAMES.get(name, name))


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def _months(start: dt.date, end: dt.date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    days = [
        dt.date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, d).weekday() == weekday
    ]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if 1 <= nth <= len(days) else None


def nominal_dates(
    *,
    frequency: str,
    day_of_month: int | None,
    weekday: int | None,
    week_of_month: int | None,
    start: dt.date,
    end: dt.date,
) -> Iterator[dt.date]:
    """The dates a rule names between start and end (both included), before holidays."""
    if start > end:
        return
    if frequency == "monthly":
        for year, month in _months(start, end):
            if day_of_month and day_of_month <= calendar.monthrange(year, month)[1]:
                day = dt.date(year, month, day_of_month)
                if start <= day <= end:
                    yield day
    elif frequency == "weekly":
        if weekday is None:
            return
        day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
        while day <= end:
            yield day
            day += dt.timedelta(days=7)
    elif frequency == "monthly_weekday":
        if weekday is None or week_of_month is None:
            return
        for year, month in _months(start, end):
            day = nth_weekday(year, month, weekday, week_of_month)
            if day is not None and start <= day <= end:
                yield day


def rule_dates(rule, start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date, str | None]]:
    """(actual date, nominal date, holiday name) of a rule's dates that fall in [start, end]."""
    lo = max(start - POSTPONE_REACH, rule.valid_from)
    hi = min(end, rule.valid_until) if rule.valid_until else end
    result = []
    for nominal in nominal_dates(
        frequency=rule.frequency,
        day_of_month=rule.day_of_month,
        weekday=rule.weekday,
        week_of_month=rule.week_of_month,
        start=lo,
        end=hi,
    ):
        holiday = holiday_name(nominal) if rule.holiday_policy != "keep" else None
        actual = nominal
        if holiday:
            if rule.holiday_policy == "skip":
                continue
            actual = next_workday(nominal)
        if start <= actual <= end:
            result.append((actual, nominal, holiday))
    return result


def first_date(rule, start: dt.date) -> dt.date | None:
    """The rule's first date on or after `start` within the horizon; None if it has none."""
    end = start + RULE_HORIZON
    if rule.valid_until:
        end = min(end, rule.valid_until)
    dates = rule_dates(rule, start, end)
    return dates[0][0] if dates else None


def time_range(start: dt.time, end: dt.time) -> str:
    return f"{start.hour}:{start.minute:02d}—{end.hour}:{end.minute:02d}"


def describe_rule(rule, *, short: bool = False) -> str:
    """每月15日 9:00—12:00（遇法定节假日顺延）; `short` leaves out the holiday rule."""
    if rule.frequency == "monthly":
        when = _("每月%(d)s日") % {"d": rule.day_of_month}
    elif rule.frequency == "weekly":
        when = _("每%(w)s") % {"w": weekday_label(rule.weekday)}
    else:
        when = _("每月%(n)s%(w)s") % {
            "n": str(ORDINALS.get(rule.week_of_month, "")),
            "w": weekday_label(rule.weekday),
        }
    text = f"{when} {time_range(rule.start_time, rule.end_time)}"
    if short:
        return text
    if rule.holiday_policy == "postpone":
        text += _("（遇法定节假日顺延）")
    elif rule.holiday_policy == "skip":
        text += _("（遇法定节假日不安排）")
    return text


@dataclass
class Occurrence:
    """One reception date of a station, as the public sees it."""

    station_id: int
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    place: str
    deputy_ids: list[int]
    rule_id: int | None = None
    day_id: int | None = None
    postponed_from: dt.date | None = None
    holiday: str | None = None
    note: str = ""
    deputies: list = field(default_factory=list)
    station: object = None

    @property
    def weekday(self) -> str:
        return weekday_label(self.date.weekday())

    @property
    def times(self) -> str:
        return time_range(self.start_time, self.end_time)

    @property
    def key(self) -> str:
        """Names this date in forms: r<rule id>-<date> or d<day id>."""
        return f"d{self.day_id}" if self.day_id else f"r{self.rule_id}-{self.date:%Y%m%d}"


def expand(rules: Iterable, days: Iterable, start: dt.date, end: dt.date) -> list[Occurrence]:
    """Every reception date in [start, end] from the rules and the single dates/exceptions.

    `rules` carry `deputy_ids` (a list) and `days` carry `deputy_ids`, both set by the caller
    so that expanding costs no further queries.
    """
    exceptions = {}
    singles = []
    for day in days:
        if day.rule_id:
            exceptions[(day.rule_id, day.date)] = day
        elif day.status == "scheduled" and start <= day.date <= end:
            singles.append(day)
    result = []
    for rule in rules:
        for actual, nominal, holiday in rule_dates(rule, start, end):
            exc = exceptions.get((rule.pk, actual))
            if exc is not None and exc.status == "cancelled":
                continue
            source = exc or rule
            result.append(
                Occurrence(
                    station_id=rule.station_id,
                    date=actual,
                    start_time=source.start_time,
                    end_time=source.end_time,
                    place=source.place,
                    deputy_ids=list(source.deputy_ids),
                    rule_id=rule.pk,
                    day_id=exc.pk if exc else None,
                    postponed_from=nominal if actual != nominal else None,
                    holiday=holiday,
                    note=exc.note if exc else rule.note,
                )
            )
    for day in singles:
        result.append(
            Occurrence(
                station_id=day.station_id,
                date=day.date,
                start_time=day.start_time,
                end_time=day.end_time,
                place=day.place,
                deputy_ids=list(day.deputy_ids),
                day_id=day.pk,
                note=day.note,
            )
        )
    result.sort(key=lambda o: (o.date, o.start_time, o.station_id))
    return result
