import datetime as dt

import pytest
from django.utils import timezone

from lianxin.consultation import actions
from lianxin.org.models import Congress, Deputy, Expertise, Level

DRAFT = """晋中市榆次区养老服务条例（草案）
第一章 总则
第一条 为了规范养老服务，保障老年人合法权益，制定本条例。
第二条 本条例适用于本区行政区域内的养老服务及其监督管理活动。
第三条 区人民政府应当将养老服务纳入国民经济和社会发展规划。
"""


@pytest.fixture
def yuci(db):
    return Congress.objects.get(region__code="140702", level=Level.COUNTY)


@pytest.fixture
def seat_of(yuci):
    def find(user, congress=None):
        return Deputy.objects.get(person=user.person, congress=congress or yuci)

    return find


@pytest.fixture
def open_consultation(users, yuci):
    def make(opens_in=dt.timedelta(hours=-1), lasting=dt.timedelta(days=10), **fields):
        opens = timezone.now() + opens_in
        data = {
            "kind": "draft",
            "title": "榆次区养老服务条例（草案）",
            "text": DRAFT,
            "opens_at": opens,
            "closes_at": opens + lasting,
            "audience": "all",
            **fields,
        }
        return actions.do_open_consultation(yuci, data, acting_user=users["yc_staff"])

    return make


@pytest.fixture
def elderly_care(db):
    return Expertise.objects.get(name="养老服务")
