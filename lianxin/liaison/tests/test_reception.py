"""Reception days: rules and single dates through the actions, holidays, cancellations, records,
and the leaders' quarterly check."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lianxin.core import dates as core_dates
from lianxin.core.errors import Forbidden, ValidationFailed
from lianxin.liaison import actions, queries
from lianxin.liaison.models import ReceptionDay, ReceptionRecord, ReceptionRule, Station
from lianxin.org.models import Deputy, Person

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def on(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def station():
    return Station.objects.select_related("region", "congress__region").get(code="YC-BGJD")


@pytest.fixture
def fresh(station):
    """The station without its demo rules and dates, so each test sees only its own."""
    station.rules.all().delete()
    station.reception_days.all().delete()
    return station


def members(station):
    return list(Deputy.objects.filter(station_membership__station=station).order_by("pk"))


def dates(station, start, end):
    return [(o.date, o.times) for o in queries.reception_schedule([station.pk], start, end)]


def test_a_monthly_rule_gives_the_15th_of_each_month(fresh, users):
    with on(dt.date(2026, 9, 1)):
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly",
            day_of_month=15,
            start_time="09:00",
            end_time="11:30",
            holiday_policy="keep",
            acting_user=users["yc_station"],
        )
        got = dates(fresh, dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    assert got == [
        (dt.date(2026, 9, 15), "9:00—11:30"),
        (dt.date(2026, 10, 15), "9:00—11:30"),
        (dt.date(2026, 11, 15), "9:00—11:30"),
        (dt.date(2026, 12, 15), "9:00—11:30"),
    ]


def test_every_tuesday_afternoon_is_every_tuesday(fresh, users):
    with on(dt.date(2026, 11, 2)):
        rule = actions.do_add_reception_rule(
            fresh,
            frequency="weekly",
            weekday=1,
            start_time="14:30",
            end_time="17:00",
            acting_user=users["yc_staff"],
        )
        got = dates(fresh, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert [d for d, _t in got] == [dt.date(2026, 11, d) for d in (3, 10, 17, 24)]
    assert {t for _d, t in got} == {"14:30—17:00"}
    assert str(rule) == "每星期二 14:30—17:00（遇法定节假日顺延）"


def test_the_first_monday_and_the_last_friday_of_a_month(fresh, users):
    with on(dt.date(2026, 11, 1)):
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly_weekday",
            weekday=0,
            week_of_month=1,
            start_time="15:00",
            end_time="17:00",
            holiday_policy="keep",
            acting_user=users["yc_staff"],
        )
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly_weekday",
            weekday=4,
            week_of_month=-1,
            start_time="09:00",
            end_time="11:00",
            holiday_policy="keep",
            acting_user=users["yc_staff"],
        )
        got = [d for d, _t in dates(fresh, dt.date(2026, 11, 1), dt.date(2026, 12, 31))]
    assert got == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 27),
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 25),
    ]


def test_a_date_on_a_statutory_holiday_moves_to_the_next_working_day(fresh, users):
    with on(dt.date(2026, 9, 1)):
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly",
            day_of_month=5,
            start_time="09:00",
            end_time="11:00",
            holiday_policy="postpone",
            acting_user=users["yc_staff"],
        )
        occurrences = queries.reception_schedule(
            [fresh.pk], dt.date(2026, 10, 1), dt.date(2026, 10, 31)
        )
    # 5 October 2026 lies in the National Day holiday, which ends on the 7th.
    assert [(o.date, o.postponed_from, o.holiday) for o in occurrences] == [
        (dt.date(2026, 10, 8), dt.date(2026, 10, 5), "国庆节")
    ]


def test_a_date_on_a_statutory_holiday_can_be_left_out(fresh, users):
    with on(dt.date(2026, 9, 1)):
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly",
            day_of_month=1,
            start_time="09:00",
            end_time="11:00",
            holiday_policy="skip",
            acting_user=users["yc_staff"],
        )
        got = [d for d, _t in dates(fresh, dt.date(2026, 9, 1), dt.date(2026, 11, 30))]
    assert got == [dt.date(2026, 9, 1), dt.date(2026, 11, 1)]  # 1 October is National Day


def test_a_rule_that_produces_no_date_is_refused(fresh, users):
    with on(dt.date(2027, 2, 1)), pytest.raises(ValidationFailed) as exc:
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly",
            day_of_month=30,
            start_time="09:00",
            end_time="11:00",
            valid_from=dt.date(2027, 2, 1),
            valid_until=dt.date(2027, 2, 28),
            acting_user=users["yc_staff"],
        )
    assert "不会产生任何接待日" in exc.value.message
    assert not ReceptionRule.objects.filter(station=fresh).exists()


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"day_of_month": 32}, "day_of_month", "1 至 31"),
        ({"frequency": "weekly", "day_of_month": None}, "weekday", "星期几"),
        ({"end_time": "08:00"}, "end_time", "晚于开始时间"),
        ({"start_time": "9点"}, "start_time", "HH:MM"),
        ({"frequency": "yearly"}, "frequency", "接待周期"),
        ({"deputy_ids": [999999]}, "deputies", "找不到"),
    ],
)
def test_a_bad_rule_is_refused_with_a_clear_message(fresh, users, changes, field, words):
    args = {
        "frequency": "monthly",
        "day_of_month": 15,
        "start_time": "09:00",
        "end_time": "11:00",
        **changes,
    }
    with pytest.raises(ValidationFailed) as exc:
        actions.do_add_reception_rule(fresh, acting_user=users["yc_staff"], **args)
    assert exc.value.field == field
    assert words in exc.value.message


def test_a_deputy_of_another_county_cannot_be_on_duty_here(fresh, users):
    outsider = Deputy.objects.filter(congress__region__code="140703").first()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_add_reception_rule(
            fresh,
            frequency="monthly",
            day_of_month=15,
            start_time="09:00",
            end_time="11:00",
            deputy_ids=[outsider.pk],
            acting_user=users["yc_staff"],
        )
    assert "不在该人大的行政区域内" in exc.value.message


def test_a_reception_day_in_the_past_is_refused(fresh, users):
    with on(dt.date(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        actions.do_schedule_reception_day(
            fresh,
            date=dt.date(2026, 11, 19),
            start_time="09:00",
            end_time="11:00",
            acting_user=users["yc_station"],
        )
    assert exc.value.message == "接待日不能安排在今天之前。"
    assert not ReceptionDay.objects.filter(station=fresh).exists()


def test_a_single_date_with_deputies_on_duty_joins_the_schedule(fresh, users):
    duty = members(fresh)[:1]
    with on(dt.date(2026, 11, 20)):
        actions.do_schedule_reception_day(
            fresh,
            date=dt.date(2026, 11, 28),
            start_time="09:00",
            end_time="11:30",
            place="顺城街社区党群服务中心",
            deputy_ids=[d.pk for d in duty],
            acting_user=users["yc_station"],
        )
        got = queries.reception_schedule([fresh.pk], dt.date(2026, 11, 20), dt.date(2026, 12, 31))
    assert [(o.date, o.place, [d.pk for d in o.deputies]) for o in got] == [
        (dt.date(2026, 11, 28), "顺城街社区党群服务中心", [duty[0].pk])
    ]


def test_one_date_of_a_rule_can_be_cancelled(fresh, users):
    with on(dt.date(2026, 11, 1)):
        rule = actions.do_add_reception_rule(
            fresh,
            frequency="weekly",
            weekday=1,
            start_time="14:30",
            end_time="17:00",
            acting_user=users["yc_station"],
        )
        actions.do_cancel_reception_date(
            fresh, key=f"r{rule.pk}-20261110", acting_user=users["yc_station"]
        )
        got = [d for d, _t in dates(fresh, dt.date(2026, 11, 1), dt.date(2026, 11, 30))]
        with pytest.raises(ValidationFailed):
            actions.do_cancel_reception_date(
                fresh, key=f"r{rule.pk}-20261111", acting_user=users["yc_station"]
            )
    assert got == [dt.date(2026, 11, 3), dt.date(2026, 11, 17), dt.date(2026, 11, 24)]


def test_an_ended_rule_gives_no_more_dates(fresh, users):
    with on(dt.date(2026, 6, 1)):
        rule = actions.do_add_reception_rule(
            fresh,
            frequency="monthly",
            day_of_month=15,
            start_time="09:00",
            end_time="11:00",
            acting_user=users["yc_staff"],
        )
    with on(dt.date(2026, 8, 1)):
        actions.do_end_reception_rule(rule, acting_user=users["yc_staff"])
        got = [d for d, _t in dates(fresh, dt.date(2026, 6, 1), dt.date(2026, 12, 31))]
    assert got == [dt.date(2026, 6, 15), dt.date(2026, 7, 15)]


def test_another_station_manager_cannot_change_this_schedule(users):
    other = Station.objects.select_related("region", "congress").get(code="YC-002")
    with pytest.raises(Forbidden):
        actions.do_schedule_reception_day(
            other,
            date=core_dates.today() + dt.timedelta(days=3),
            start_time="09:00",
            end_time="11:00",
            acting_user=users["yc_station"],
        )


def test_a_reception_record_is_kept_and_asks_for_the_opinion_loop(station, users):
    deputy = members(station)[0]
    record = actions.do_record_reception(
        station,
        date=core_dates.today(),
        subject="小区加装电梯",
        content="六层住宅无电梯，老人上下楼困难。",
        deputy_ids=[deputy.pk],
        visitor_name="王大爷",
        visitor_phone="13800001111",
        visitor_count=2,
        raise_opinion=True,
        acting_user=users["yc_station"],
    )
    record.refresh_from_db()
    assert list(record.deputies.all()) == [deputy]
    assert record.recorded_by == users["yc_station"]
    assert record.opinion_state == ReceptionRecord.OpinionState.RAISED
    assert record.opinion_ref


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"date": dt.date.today() + dt.timedelta(days=5)}, "date"),
        ({"deputy_ids": []}, "deputies"),
        ({"subject": ""}, "subject"),
        ({"visitor_count": 0}, "visitor_count"),
        ({"visitor_phone": "call me"}, "visitor_phone"),
        ({"visitor_phone": "12345"}, "visitor_phone"),
    ],
)
def test_a_bad_reception_record_is_refused(station, users, changes, field):
    args = {
        "date": core_dates.today(),
        "subject": "供暖",
        "content": "室温偏低",
        "deputy_ids": [members(station)[0].pk],
        **changes,
    }
    before = ReceptionRecord.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.do_record_reception(station, acting_user=users["yc_station"], **args)
    assert exc.value.field == field
    assert ReceptionRecord.objects.count() == before


def test_the_quarterly_page_shows_who_has_and_has_not_received(station, users):
    person = Person.objects.create(
        name="季度领导", is_leading_cadre=True, occupation="榆次区副区长"
    )
    seat = Deputy.objects.create(
        person=person, congress=station.congress, term=station.congress.term
    )
    with on(dt.date(2026, 8, 20)):
        actions.do_assign_deputy(station, seat, acting_user=users["yc_staff"])
        actions.do_record_reception(
            station,
            date=dt.date(2026, 2, 10),
            subject="道路",
            content="村道坑洼",
            deputy_ids=[seat.pk],
            acting_user=users["yc_staff"],
        )
        rows = {r.name: r for r in queries.leaders_by_quarter(users["yc_staff"], 2026)}
    row = rows["季度领导"]
    assert row.quarters == [1, 0, 0, 0]
    assert row.missing == [2, 3]  # the fourth quarter has not begun on 20 August


def test_the_contact_log_reads_a_deputy_s_receptions_over_a_period(station, users):
    seat = Deputy.objects.get(person__user__username="deputy_demo", congress__level="city")
    other_seat = Deputy.objects.get(person__user__username="deputy_demo", congress__level="county")
    record = actions.do_record_reception(
        station,
        date=core_dates.today(),
        subject="垃圾清运",
        content="清运不及时",
        deputy_ids=[other_seat.pk],
        acting_user=users["yc_station"],
    )
    found = queries.reception_records_between(
        users["yc_staff"], deputy=seat, start=core_dates.today(), end=core_dates.today()
    )
    assert record in list(found)  # the county seat's reception counts for the person
    assert record not in list(queries.reception_records_between(users["tg_staff"], deputy=seat))
    mine = queries.reception_records_between(users["deputy_demo"], deputy=seat)
    assert record in list(mine)


def test_a_record_with_two_deputies_is_listed_once(station, users):
    two = members(station)[:2]
    assert len(two) == 2
    record = actions.do_record_reception(
        station,
        date=core_dates.today(),
        subject="停车难",
        content="小区周边停车位不足。",
        deputy_ids=[d.pk for d in two],
        visitor_count=1,
        acting_user=users["yc_station"],
    )
    for username in ("yc_station", "yc_staff"):
        listed = list(queries.records_for(users[username], station))
        assert [r.pk for r in listed].count(record.pk) == 1, username
        assert queries.records_for(users[username], station).filter(pk=record.pk).count() == 1
