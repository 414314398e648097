"""Seed the policy data: categories, reply categories (A/B/C) and default deadlines.
Administrators edit them afterwards; this runs once."""

from django.db import migrations

CATEGORIES = [
    ("urban_construction", "城乡建设"),
    ("environment", "环境保护"),
    ("transport", "交通运输"),
    ("education_culture", "教育文体"),
    ("labour_social_security", "劳动和社会保障"),
    ("commerce_tourism", "商贸旅游"),
    ("health", "卫生计生"),
    ("agriculture", "农业农村"),
    ("social_governance", "社会治理"),
    ("public_services", "政务服务"),
    ("rule_of_law", "法治建设"),
    ("economy", "经济发展"),
    ("other", "其他"),
]

REPLY_CATEGORIES = [
    ("A", "已解决或采纳", "所提问题已经解决或建议已被采纳"),
    ("B", "正在解决或列入计划解决", "所提问题正在解决或已列入计划，须写明承诺事项及完成时限"),
    ("C", "留作参考", "因条件限制或其他原因暂时无法解决，须说明理由"),
]

# (kind, step, amount, unit, note): the numbers of DOMAIN.md.
DEADLINES = [
    ("opinion", "triage", 1, "workdays", ""),
    ("opinion", "handle", 15, "workdays", ""),
    ("opinion", "feedback", 2, "workdays", "答复后"),
    ("opinion", "return_window", 3, "workdays", ""),
    ("opinion", "rehandle", 10, "workdays", ""),
    ("opinion", "auto_conclude", 7, "days", "反馈后未评价"),
    ("opinion", "remind_before", 2, "workdays", ""),
    ("suggestion", "handle", 3, "months", "《代表法》第四十九条：自交办之日起三个月内答复"),
    ("suggestion", "handle_complex", 6, "months", "《代表法》第四十九条：涉及面广、处理难度大的，六个月内答复"),
    ("suggestion", "return_window", 7, "workdays", ""),
    ("suggestion", "co_opinion", 1, "months", "协办单位向主办单位提出会办意见"),
    ("suggestion", "rehandle", 1, "months", ""),
    ("suggestion", "remind_before", 10, "workdays", ""),
    ("proposal", "handle", 3, "months", ""),
    ("proposal", "return_window", 7, "workdays", ""),
    ("proposal", "rehandle", 1, "months", ""),
    ("proposal", "remind_before", 10, "workdays", ""),
]


def seed(apps, schema_editor):
    Category = apps.get_model("casework", "Category")
    ReplyCategory = apps.get_model("casework", "ReplyCategory")
    DeadlinePolicy = apps.get_model("casework", "DeadlinePolicy")
    for i, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i * 10})
    for code, label, description in REPLY_CATEGORIES:
        ReplyCategory.objects.get_or_create(
            code=code, defaults={"label": label, "description": description}
        )
    for kind, step, amount, unit, note in DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            kind=kind, step=step, defaults={"amount": amount, "unit": unit, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
