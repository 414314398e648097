import datetime as dt

import pytest
from django.utils import timezone

from lianxin.duty import actions
from lianxin.duty.models import Activity
from lianxin.org.models import Congress, Deputy, Expertise, Level


@pytest.fixture
def yuci(db):
    return Congress.objects.get(region__code="140702", level=Level.COUNTY)


@pytest.fixture
def seat_of(yuci):
    def find(user, congress=None):
        return Deputy.objects.get(person=user.person, congress=congress or yuci)

    return find


@pytest.fixture
def make_activity(users, yuci):
    def make(starts_in=dt.timedelta(minutes=30), lasting=dt.timedelta(hours=2), **fields):
        starts = timezone.now() + starts_in
        data = {
            "title": "全区养老服务工作视察",
            "kind": Activity.Kind.INSPECTION,
            "topic": "养老",
            "expertise": [Expertise.objects.get(name="养老服务").pk],
            "starts_at": starts,
            "ends_at": starts + lasting,
            "place": "榆次区社会福利中心",
            **fields,
        }
        return actions.do_create_activity(yuci, data, acting_user=users["yc_staff"])

    return make
