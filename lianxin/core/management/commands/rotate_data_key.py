from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connections, router, transaction
from django.utils.translation import gettext as _

from lianxin.core import crypto
from lianxin.core.audit import record
from lianxin.core.models import AuditLog


def sealed_columns():
    """(model, [field, …]) of every installed model with personal data sealed at rest."""
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if getattr(f, "sealed", False)]
        if fields:
            yield model, fields


def rotate(model, fields, *, key_id: str, batch_size: int, progress=None) -> int:
    """Re-seal with the key `key_id` every value of `fields` sealed with another key, a batch
    of rows per transaction, in the order of the key. What is done stays done: a run that stops
    (or a second run) takes up only the rows still under an older key. Returns the rows
    changed."""
    db = router.db_for_write(model)
    connection = connections[db]
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    cols = [qn(f.column) for f in fields]
    current = f"{crypto.PREFIX}{key_id}$%"
    stale = " OR ".join(f"({c} <> '' AND {c} NOT LIKE %s)" for c in cols)
    changed, last = 0, None
    while True:
        with transaction.atomic(using=db), connection.cursor() as cursor:
            where = f"({stale})" + ("" if last is None else f" AND {pk} > %s")
            params = [current] * len(cols) + ([] if last is None else [last])
            cursor.execute(
                f"SELECT {pk}, {', '.join(cols)} FROM {table} WHERE {where} ORDER BY {pk} LIMIT %s",  # nosec B608 - identifiers are the models' own; values are parameters
                [*params, batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            for row_pk, *values in rows:
                last = row_pk
                sets, args = [], []
                for col, value in zip(cols, values, strict=True):
                    if value and crypto.key_id_of(value) != key_id:
                        sets.append(f"{col} = %s")
                        args.append(crypto.encrypt(crypto.decrypt(value), key_id=key_id))
                # The identifiers are the models' own table and column names; values are parameters.
                sql = f"UPDATE {table} SET {', '.join(sets)} WHERE {pk} = %s"  # nosec B608
                cursor.execute(sql, [*args, row_pk])
            changed += len(rows)
        if progress:
            progress(changed)


class Command(BaseCommand):
    help = (
        "用密钥环中最新的密钥（LIANXIN_DATA_KEYS 的最后一个）重新加密全部个人信息；分批提交，"
        "中断后再次运行从未完成处继续。完成后旧密钥即可从密钥环中删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, metavar="N")

    def handle(self, *args, **options):
        crypto.check_keys()
        key_id = crypto.current_key_id()
        counts = {}
        for model, fields in sealed_columns():
            label = model._meta.label

            def progress(n, label=label):
                self.stdout.write(_("%(table)s：已重新加密 %(n)s 行") % {"table": label, "n": n})

            counts[label] = rotate(
                model, fields, key_id=key_id, batch_size=options["batch_size"], progress=progress
            )
            self.stdout.write(
                _("%(table)s：共重新加密 %(n)s 行，均使用密钥 %(key)s")
                % {"table": label, "n": counts[label], "key": key_id}
            )
        record(AuditLog.Kind.DATA_KEY_ROTATED, target=key_id, key=key_id, rows=counts)
