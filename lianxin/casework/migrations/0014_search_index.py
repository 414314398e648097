"""The full-text index of cases (casework.search): an FTS5 virtual table on SQLite, a table with
a generated tsvector column and a GIN index on PostgreSQL. Each statement runs only on its
database; the model (`SearchEntry`) is unmanaged."""

from django.db import migrations, models
import django.db.models.deletion


class VendorSQL(migrations.RunSQL):
    """RunSQL on one database vendor only."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SQLITE = """
CREATE VIRTUAL TABLE casework_search USING fts5(
    words, grams, tokenize = 'unicode61 remove_diacritics 0'
)
"""

POSTGRESQL = [
    """
    CREATE TABLE casework_search (
        rowid integer PRIMARY KEY REFERENCES casework_case (id) ON DELETE CASCADE,
        words text NOT NULL DEFAULT '',
        grams text NOT NULL DEFAULT '',
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, words), 'A')
            || setweight(to_tsvector('simple'::regconfig, grams), 'B')
        ) STORED
    )
    """,
    "CREATE INDEX casework_search_tsv ON casework_search USING gin (tsv)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0013_case_follow"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="casework.case",
                    ),
                ),
                ("words", models.TextField()),
                ("grams", models.TextField()),
            ],
            options={"db_table": "casework_search", "managed": False},
        ),
        VendorSQL("sqlite", SQLITE, "DROP TABLE casework_search"),
        VendorSQL("postgresql", POSTGRESQL, "DROP TABLE casework_search"),
    ]
