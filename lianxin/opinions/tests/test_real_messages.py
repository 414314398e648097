"""Real citizens' messages (TipDM 2020 C, development part; read here, never copied into the
repository) through the public intake: every one is stored as typed, in its category."""

from __future__ import annotations

import csv

import pytest

from lianxin.casework.models import Case
from lianxin.testing.data import shared_data

DATA = shared_data("tipdm2020c_smartgov", "messages_labeled_sample.csv")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not DATA.exists(), reason="TipDM development data not present"),
]


def messages(n: int) -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # Every category, a few of each, in file order (deterministic).
    picked, per = [], {}
    for row in rows:
        label = row["一级分类"]
        if per.get(label, 0) < n:
            per[label] = per.get(label, 0) + 1
            picked.append(row)
    return picked


def test_real_messages_go_through_intake_stored_as_typed(api):
    rows = messages(4)
    assert len(rows) == 28
    for i, row in enumerate(rows):
        title = row["留言主题"].strip()[:100]
        content = row["留言详情"].strip()
        r = api.anon().post(
            "/api/v1/opinions",
            {"content": content, "title": title, "station": "YC-BGJD", "category": row["一级分类"]},
            headers={"Idempotency-Key": f"tipdm-{row['留言编号']}-{i}"},
        )
        if len(content) > 5000:
            assert r.status_code == 422
            continue
        assert r.status_code == 201, (row["留言编号"], r.json())
        case = Case.objects.get(pk=r.json()["id"])
        assert case.content == content and case.title == title
        assert case.category.name == row["一级分类"]
        track = api.anon().get(f"/api/v1/opinions/track/{case.tracking_code}").json()
        assert track["title"] == title and track["state"] == "registered"
