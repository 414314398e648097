"""The co-handling units' reminder before their opinion is due becomes a policy row
administrators can edit (step `co_opinion_remind`), seeded with the 3 working days the
suggestions' deadline scan used as a constant. Only suggestions have co-handling opinion
deadlines (motions are not assigned to units)."""

from django.db import migrations, models

# (kind, step, amount, unit, note)
DEADLINES = [
    ("suggestion", "co_opinion_remind", 3, "workdays", "协办单位会办意见到期前提醒"),
]


def seed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("casework", "DeadlinePolicy")
    for kind, step, amount, unit, note in DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            kind=kind, step=step, defaults={"amount": amount, "unit": unit, "note": note}
        )


def unseed(apps, schema_editor):
    DeadlinePolicy = apps.get_model("casework", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(step="co_opinion_remind").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_intake_on_case"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadlinepolicy",
            name="step",
            field=models.CharField(
                choices=[
                    ("triage", "梳理（审查）"),
                    ("handle", "办理答复"),
                    ("handle_complex", "复杂事项办理答复"),
                    ("feedback", "答复后反馈"),
                    ("return_window", "申请退回期限"),
                    ("co_opinion", "协办意见"),
                    ("rehandle", "重新办理"),
                    ("auto_conclude", "反馈后未评价自动办结"),
                    ("remind_before", "到期前提醒"),
                    ("co_opinion_remind", "协办意见到期前提醒"),
                ],
                max_length=32,
                verbose_name="环节",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
