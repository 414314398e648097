"""Model fields for citizens' personal data (`core.crypto`).

`EncryptedCharField` reads and writes plain text through the ORM (`case.contact_phone` is the
number) and stores it sealed; it can be compared only with the empty text (`=""`, `isnull`):
any other lookup would compare a ciphertext and silently find nothing, so it is refused. An
equal value is found through the companion `LookupHashField`, which keeps the keyed hash of
its source field and is filled whenever the row is saved (`save`, `bulk_create`, `core.bulk`).
"""

from __future__ import annotations

from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: look an"
                " equal value up by its LookupHashField"
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """A short text (a name, a phone) sealed in the database. `max_length` is the length of the
    plain text (forms and validation); the column is as wide as its sealed form."""

    sealed = True  # core.bulk seals each value on its own (a fresh IV), never one per batch

    def __init__(self, *args, max_length=None, **kwargs):
        self.plain_max_length = max_length
        kwargs.pop("db_max_length", None)
        super().__init__(*args, max_length=crypto.sealed_length(max_length or 0), **kwargs)
        self.validators[:] = [
            v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)
        ]
        if max_length:
            self.validators.append(validators.MaxLengthValidator(max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in ("", None) or crypto.is_encrypted(value):
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def formfield(self, **kwargs):
        kwargs.setdefault("max_length", self.plain_max_length)
        return super().formfield(**kwargs)


class LookupHashField(models.CharField):
    """The keyed hash (`crypto.lookup_hash`) of the field `source` of the same row, indexed;
    `kind` is how the value is normalised ("phone": its digits; "name": without spaces)."""

    derived = True  # core.bulk fills it from its source, as save does

    def __init__(self, *args, source: str = "", kind: str = "phone", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        for key, value in (("max_length", 64), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                del kwargs[key]
        kwargs.pop("editable", None)
        if kwargs.get("db_index") is True:
            del kwargs["db_index"]
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.lookup_hash(getattr(model_instance, self.source) or "", kind=self.kind)
        setattr(model_instance, self.attname, value)
        return value


def seal_columns(connection, table: str, columns, *, open_=False, batch: int = 500) -> int:
    """Seal the plain values of `columns` (a list of (column, hash column or None, kind)) of
    `table` in place and fill the hashes: the data migration of a column that becomes an
    `EncryptedCharField`. With `open_`, the reverse: sealed values back to plain text (the
    hash columns are dropped by the migration's reverse). Raw SQL: the historical models read
    through the new field. Returns the rows changed."""
    qn = connection.ops.quote_name
    cols = [c for c, _h, _k in columns]
    changed, last = 0, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('id')}, {', '.join(qn(c) for c in cols)} FROM {qn(table)}"  # nosec B608 - table and column names are the models' own; values are parameters
                f" WHERE {qn('id')} > %s ORDER BY {qn('id')} LIMIT %s",
                [last, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, *values in rows:
                last = pk
                sets, params = [], []
                for (col, hash_col, kind), value in zip(columns, values, strict=True):
                    if not value:
                        continue
                    if open_:
                        if not crypto.is_encrypted(value):
                            continue
                        sets.append(f"{qn(col)} = %s")
                        params.append(crypto.decrypt(value))
                        continue
                    if crypto.is_encrypted(value):
                        continue
                    sets.append(f"{qn(col)} = %s")
                    params.append(crypto.encrypt(value))
                    if hash_col:
                        sets.append(f"{qn(hash_col)} = %s")
                        params.append(crypto.lookup_hash(value, kind=kind))
                if sets:
                    cursor.execute(
                        f"UPDATE {qn(table)} SET {', '.join(sets)} WHERE {qn('id')} = %s",  # nosec B608 - table and column names are the models' own; values are parameters
                        [*params, pk],
                    )
                    changed += 1
