"""The idempotency key of a submission moves onto its case (one row written per public
submission instead of two), and a case can be acknowledged before its registration entry and
notifications are written (`intake_pending`, completed by the intake loop)."""

from django.db import migrations, models


def copy_keys(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    IntakeKey = apps.get_model("casework", "IntakeKey")
    for row in IntakeKey.objects.values("case_id", "key", "fingerprint").iterator():
        Case.objects.filter(pk=row["case_id"]).update(
            intake_key=row["key"], intake_fingerprint=row["fingerprint"]
        )


def copy_keys_back(apps, schema_editor):
    Case = apps.get_model("casework", "Case")
    IntakeKey = apps.get_model("casework", "IntakeKey")
    IntakeKey.objects.bulk_create(
        IntakeKey(case_id=pk, key=key, fingerprint=fp)
        for pk, key, fp in Case.objects.filter(intake_key__isnull=False).values_list(
            "pk", "intake_key", "intake_fingerprint"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_case_kind_state_cover"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="intake_fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="case",
            name="intake_key",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=120,
                null=True,
                unique=True,
                verbose_name="提交幂等键",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="intake_pending",
            field=models.BooleanField(default=False, editable=False, verbose_name="登记待完成"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("intake_pending", True)),
                fields=["id"],
                name="case_intake_pending",
            ),
        ),
        migrations.RunPython(copy_keys, copy_keys_back),
        migrations.RemoveField(model_name="intakekey", name="case"),
        migrations.DeleteModel(name="IntakeKey"),
    ]
