"""Learned triage (casework/triage.py): a model trained on past decisions proposes a category
and a unit, says when it is not sure, shows on the triage and assignment pages with a one-click
"adopt", and keeps staff's corrections for the next training. Trained here on part of the real
citizen messages of /work/shared/data/tipdm2020c_smartgov (read in place, never copied)."""

from __future__ import annotations

import csv
import html
import io
import random
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from lianxin.casework import actions, triage
from lianxin.casework.models import TriageCorrection
from lianxin.testing.data import shared_data

from .helpers import advance, category, client_for, fresh, new_opinion, user

DEV = shared_data("tipdm2020c_smartgov", "messages_labeled_full_dev.csv")
needs_data = pytest.mark.skipif(
    not DEV.exists(), reason=f"共享数据不在：{DEV}（tipdm2020c_smartgov 开发部分）"
)

# A message of the kind the data set files under 城乡建设 (housing, estates, property).
HOUSING = (
    "小区物业管理混乱，业主多次反映电梯故障、楼道堆放杂物，物业公司不予处理，"
    "开发商交房后房屋墙体开裂漏水，请住建部门督促整改。"
)
NAMES = {
    "城乡建设": "urban_construction",
    "环境保护": "environment",
    "交通运输": "transport",
    "教育文体": "education_culture",
    "劳动和社会保障": "labour_social_security",
    "商贸旅游": "commerce_tourism",
    "卫生计生": "health",
}


def _rows():
    with open(DEV, encoding="utf-8", newline="") as f:
        rows = [(r["text_seg"], NAMES[r["label"]]) for r in csv.DictReader(f)]
    random.Random(7).shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    """A model trained on 1 500 of the development messages (a few seconds), stored in a file."""
    if not DEV.exists():
        pytest.skip(f"共享数据不在：{DEV}")
    rows = _rows()[:1500]
    model = triage.train([t for t, _ in rows], {"category": [y for _, y in rows]}, segmented=True)
    path = tmp_path_factory.mktemp("triage") / "model.npz"
    model.save(path)
    return path


@pytest.fixture
def stored(model_file, settings):
    settings.LIANXIN_TRIAGE_MODEL = model_file
    return model_file


@needs_data
def test_the_model_classifies_real_messages_it_never_saw_and_abstains_when_unsure(stored):
    model = triage.Model.load(stored)  # read back from the file, as the pages do
    unseen = _rows()[1500:2100]
    result = triage.evaluate(model, [t for t, _ in unseen], [y for _, y in unseen])
    assert result.macro_f1 > 0.8, result
    assert set(result.per_class) == set(NAMES.values())
    # What it proposes with confidence it gets right more often than its best guesses overall.
    assert result.accuracy_when_sure >= result.macro_f1

    labels, confidence = model.predict("category", ["你好"])
    assert confidence[0] < 0.6  # a greeting: no grounds for any category

    assert model.predict("category", [HOUSING])[0] == ["urban_construction"]


@needs_data
@pytest.mark.django_db
def test_a_case_gets_a_proposal_with_its_words_and_a_greeting_gets_none(stored):
    p = triage.propose(new_opinion(HOUSING))
    assert p.category == category("urban_construction")
    assert p.category_confidence >= p.threshold
    assert p.words and all(w in HOUSING for w in p.words)
    assert p.unit is None  # trained without units: it proposes none

    p = triage.propose(new_opinion("您好，谢谢。"))
    assert p.category is None and p.words == [] and p.category_confidence < p.threshold


@needs_data
@pytest.mark.django_db
def test_the_triage_page_shows_the_proposal_and_adopt_fills_the_category(stored):
    case = new_opinion(HOUSING)
    client = client_for("yc_staff")
    page = client.get(f"/cases/{case.pk}/actions/triage/").content.decode()
    assert "分类建议" in page and "城乡建设" in page and "采用建议" in page
    adopt = html.unescape(re.search(r'id="adopt-proposal" href="([^"]+)"', page).group(1))
    filled = client.get(f"/cases/{case.pk}/actions/triage/{adopt}").content.decode()
    pk = category("urban_construction").pk
    assert re.search(rf'<option value="{pk}" selected>城乡建设</option>', filled)
    # Posting the filled form takes the proposal: no correction is kept.
    r = client.post(
        f"/cases/{case.pk}/actions/triage/{adopt}", {"category": pk, "version": case.version}
    )
    assert r.status_code == 302 and fresh(case).category_id == pk
    assert not TriageCorrection.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_without_a_model_the_page_says_so_and_triage_works(settings, tmp_path):
    settings.LIANXIN_TRIAGE_MODEL = tmp_path / "none.npz"
    case = new_opinion(HOUSING)
    client = client_for("yc_staff")
    page = client.get(f"/cases/{case.pk}/actions/triage/").content.decode()
    assert "暂无可用的分类模型" in page and "采用建议" not in page
    advance(case, "triaged")
    assert not TriageCorrection.objects.exists()


@needs_data
@pytest.mark.django_db
def test_a_correction_is_kept_and_the_next_training_uses_it(stored, tmp_path, settings):
    # Staff file the housing message under 卫生计生, not the proposed 城乡建设.
    case = new_opinion(HOUSING)
    actions.do_triage_case(case, category=category("health"), acting_user=user("yc_staff"))
    kept = TriageCorrection.objects.get(case=case)
    assert (kept.head, kept.proposed, kept.chosen) == ("category", "urban_construction", "health")
    assert kept.text == triage.case_text(case) and kept.corrected_by == user("yc_staff")

    texts, labels, weights = triage.training_rows()
    at = [i for i, t in enumerate(texts) if t == kept.text and weights[i] > 1]
    assert len(at) == 1 and labels["category"][at[0]] == "health"

    # The next training reads the database (the correction included) and outside data.
    data = tmp_path / "outside.csv"
    with open(data, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["正文", "类别"])
        names = {v: k for k, v in NAMES.items()}
        w.writerows([(t, names[y]) for t, y in _rows()[:600]])
    out = tmp_path / "retrained.npz"
    stdout = io.StringIO()
    call_command(
        "triage_train",
        "--csv",
        str(data),
        "--text",
        "正文",
        "--label",
        "类别",
        "--output",
        str(out),
        stdout=stdout,
    )
    assert "外部数据 600 条" in stdout.getvalue() and out.exists()
    retrained = triage.Model.load(out)
    assert retrained.info["messages"] == len(texts) + 600
    assert "unit" in retrained.heads  # the demo's assignments taught it units
    settings.LIANXIN_TRIAGE_MODEL = out
    assert triage.propose(fresh(case)).category_confidence > 0


@needs_data
@pytest.mark.django_db
def test_assigning_to_another_unit_than_proposed_is_a_correction(tmp_path, settings):
    # A model trained on the demo's own decisions: its lead units.
    out = tmp_path / "demo.npz"
    rows = _rows()[:400]
    texts, labels, weights = triage.training_rows()
    texts += [t for t, _ in rows]
    labels["category"] += [y for _, y in rows]
    labels["unit"] += [None] * len(rows)
    weights += [1.0] * len(rows)
    triage.train(texts, labels, weights=weights).save(out)
    settings.LIANXIN_TRIAGE_MODEL = out
    case = advance(new_opinion(HOUSING), "triaged")
    proposed = triage.current_model().predict("unit", [triage.case_text(case)])[0][0]
    from lianxin.casework.views import _units_for

    target = _units_for(case, user("yc_staff")).exclude(code=proposed).first()
    actions.do_assign_case(fresh(case), lead_unit=target, acting_user=user("yc_staff"))
    kept = TriageCorrection.objects.get(case=case, head="unit")
    assert kept.chosen == target.code and kept.proposed in ("", proposed)


@pytest.mark.django_db
def test_the_eval_command_refuses_a_csv_without_the_columns(tmp_path):
    from django.core.management.base import CommandError

    data = tmp_path / "x.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="CSV 中没有列：text"):
        call_command("triage_eval", "--csv", str(data), "--text", "text", "--label", "b")
