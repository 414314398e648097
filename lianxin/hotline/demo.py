"""Demo 12345 work orders of 晋中市: the city's hotline as a source (its column headers and
state names) and a few orders imported through the real import, at several states."""

from __future__ import annotations

from lianxin.org.models import Congress, Region

from . import jobs
from .models import Source

MAPPING = {
    "number": "工单编号",
    "received_at": "来电时间",
    "title": "标题",
    "content": "来电内容",
    "channel": "来源方式",
    "category": "业务类别",
    "unit": "承办单位",
    "state": "工单状态",
    "place": "事发地址",
    "contact_name": "来电人",
    "contact_phone": "来电号码",
}
STATES = {
    "待处理": "received",
    "已分类": "triaged",
    "已派发": "dispatched",
    "处理中": "handling",
    "已回复": "replied",
}
ROWS = [
    (
        "JZ12345-0001",
        "2026-11-02 09:12:00",
        "顺城街路灯不亮",
        "顺城街中段三盏路灯连续一周不亮，夜间出行不便。",
        "电话",
        "",
        "",
        "待处理",
        "顺城街",
        "王先生",
        "13800000101",
    ),
    (
        "JZ12345-0002",
        "2026-11-03 10:40:00",
        "锦纶路公交站台破损",
        "锦纶路公交站台顶棚破损漏雨，请尽快维修。",
        "网络",
        "交通运输",
        "",
        "已分类",
        "锦纶路",
        "李女士",
        "13800000102",
    ),
    (
        "JZ12345-0003",
        "2026-11-04 15:05:00",
        "蕴华街道路坑洼",
        "蕴华街与定阳路口路面坑洼积水，车辆通行困难。",
        "电话",
        "交通运输",
        "晋中市交通运输局",
        "已派发",
        "蕴华街",
        "赵先生",
        "13800000103",
    ),
    (
        "JZ12345-0004",
        "2026-11-05 08:30:00",
        "城区公交班次少",
        "8路公交早高峰班次太少，候车时间过长。",
        "微信",
        "交通运输",
        "晋中市交通运输局",
        "处理中",
        "",
        "孙女士",
        "13800000104",
    ),
]


def load(ctx) -> None:
    users = ctx.users
    if "jz_staff" not in users:
        return
    congress = Congress.objects.filter(region__code="1407").first()
    if congress is None:
        return
    source, _created = Source.objects.get_or_create(
        name="晋中市12345热线",
        defaults={
            "congress": congress,
            "default_region": Region.objects.get(code="1407"),
            "mapping": MAPPING,
            "state_mapping": STATES,
        },
    )
    header = [
        MAPPING[k]
        for k in (
            "number",
            "received_at",
            "title",
            "content",
            "channel",
            "category",
            "unit",
            "state",
            "place",
            "contact_name",
            "contact_phone",
        )
    ]
    lines = [",".join(header)] + [",".join(row) for row in ROWS]
    data = ("\n".join(lines) + "\n").encode("gb18030")
    job = jobs.upload(source, data, "晋中市12345工单（演示）.csv", acting_user=users["jz_staff"])
    if job.report.get("issue_count") or job.report.get("file_errors"):
        return
    job = jobs.confirm(job, valid_rows_only=False, acting_user=users["jz_staff"])
    job.refresh_from_db()
    if job.status == job.Status.QUEUED:
        jobs.run(job.pk)
