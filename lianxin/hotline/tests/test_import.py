"""Importing hotline files through the API, the page and the command: real citizen messages
(TipDM 2020 C) as GBK CSV, Excel and JSON; the same file twice; files with errors."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lianxin.casework.models import Assignment, Case, CaseEvent, Kind
from lianxin.core.models import TrailEvent

from ..models import ImportJob, WorkOrder
from . import helpers

pytestmark = pytest.mark.django_db

URL = "/api/v1/work-orders/imports"


def _post(api, data: bytes, name: str, **fields):
    return api.post_multipart(
        URL,
        {"file": SimpleUploadedFile(name, data), "source": fields.pop("source"), **fields},
    )


def test_ten_thousand_gbk_rows_import_with_progress_and_again_add_nothing(
    api, django_capture_on_commit_callbacks
):
    src = helpers.source()
    table = helpers.rows(10_000)
    data = helpers.csv_bytes(table, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really GBK
    staff = api.as_user("jz_staff")
    started = time.monotonic()
    # The upload's own callback (the import task) is run; the indexing task the import queues
    # is left unrun here (it is run in test_xlsx_and_json_import_through_the_page).
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _post(staff, data, "工单.csv", source=src.name)
    for callback in queued:
        callback()
    elapsed = time.monotonic() - started
    print(f"10,000 GBK rows imported in {elapsed:.1f} s: {response.json().get('id')}")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["encoding"] == "gb18030" and body["file_format"] == "csv"
    job = ImportJob.objects.get(pk=body["id"])
    print("phases (s):", job.report["seconds"])
    assert job.status == "done" and job.created_count == 10_000
    progress = staff.get(f"{URL}/{job.pk}").json()["progress"]
    assert progress == {"phase": "done", "done": 10_000, "total": 10_000, "percent": 100}
    orders = WorkOrder.objects.filter(source=src)
    assert orders.count() == 10_000
    first = orders.select_related("case__category").get(number="T000001")
    assert first.case.content == table[0][3]
    assert first.case.category.name == table[0][5]
    assert first.case.state == "dispatched" and first.hotline_state == "已派发"
    assert Assignment.objects.get(case=first.case).unit.name == "晋中市交通运输局"
    second = orders.get(number="T000002").case
    assert second.state == "received" and second.congress.region.code == "1407"
    assert CaseEvent.objects.filter(case__kind=Kind.WORK_ORDER, action="import").count() >= 10_000
    assert TrailEvent.objects.filter(action="hotline.import", object_id=str(job.pk)).exists()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        again = _post(staff, data, "工单.csv", source=src.name)
    for callback in queued:
        callback()
    assert again.status_code == 202
    body = again.json()
    assert body["existing"] == 10_000 and body["valid"] == 0
    assert ImportJob.objects.get(pk=body["id"]).created_count == 0
    assert WorkOrder.objects.filter(source=src).count() == 10_000


def test_xlsx_and_json_import_through_the_page(django_capture_on_commit_callbacks, users):
    src = helpers.source()
    table = helpers.rows(300, prefix="X")
    client = Client()
    client.force_login(users["jz_staff"])
    response = client.post(
        "/work-orders/imports/",
        {"source": src.pk, "file": SimpleUploadedFile("工单.xlsx", helpers.xlsx_bytes(table))},
    )
    assert response.status_code == 302
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    # The preview shows the first rows with the mapping applied.
    assert 'id="preview"' in page and table[0][0] in page and table[0][2][:20] in page
    assert 'id="row-count">300<' in page
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(job_url, {})
    assert confirmed.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.file_format == "xlsx" and job.created_count == 300
    fragment = client.get(f"/work-orders/imports/{job.pk}/progress/").content.decode()
    assert 'data-percent="100"' in fragment and 'id="first-order"' in fragment
    assert "hx-trigger" not in fragment  # polling stops at the end
    # The indexing task ran after the import: the orders are found by full-text search and
    # have their same-issue terms.
    from lianxin.casework.models import CaseTerms

    first = WorkOrder.objects.get(source=src, number="X000001")
    assert CaseTerms.objects.filter(case_id=first.case_id).exists()
    hits = helpers_api("jz_staff").get("/api/v1/search", {"q": table[0][2][:8]}).json()
    assert first.case_id in [h["id"] for h in hits["items"]], hits

    # JSON, the same columns; rows 1–300 again add nothing, 301–310 are new.
    more = helpers.rows(310, prefix="X")
    body = json.dumps([dict(zip(helpers.HEADER, r, strict=True)) for r in more]).encode()
    response = client.post(
        "/work-orders/imports/",
        {"source": src.pk, "file": SimpleUploadedFile("工单.json", body)},
    )
    page = client.get(response["Location"]).content.decode()
    assert 'id="existing-count">300<' in page and 'id="valid-count">10<' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {})
    assert WorkOrder.objects.filter(source=src).count() == 310


def helpers_api(username):
    from lianxin.conftest import ApiClient

    return ApiClient().as_user(username)


def _bad_file():
    table = helpers.rows(50, prefix="E")
    table[3][5] = "星际旅行"  # unknown category
    table[5][1] = "昨天下午"  # bad date
    table[7][0] = table[2][0]  # the number of row 4 again
    table[9][6] = "火星管理局"  # unknown unit
    table[10][7] = "挂起"  # unknown state
    table[12][3] = ""  # content missing
    return table


def test_a_file_with_errors_imports_nothing_and_reports_each_row_and_cell(api):
    src = helpers.source()
    response = _post(
        api.as_user("jz_staff"), helpers.csv_bytes(_bad_file()), "e.csv", source=src.name
    )
    assert response.status_code == 422, response.content.decode()[:3000]
    body = response.json()
    assert body["code"] == "import_invalid" and body["message"]
    found = {(i["row"], i["column"]) for i in body["issues"]}
    assert found == {
        (5, "一级分类"),
        (7, "留言时间"),
        (9, "留言编号"),
        (11, "承办单位"),
        (12, "状态"),
        (14, "留言详情"),
    }
    by_row = {i["row"]: i for i in body["issues"]}
    assert "星际旅行" in by_row[5]["message"] and "火星管理局" in by_row[11]["message"]
    assert "第 4 行" in by_row[9]["message"]
    assert body["error_rows"] == 6 and body["valid"] == 44
    assert not WorkOrder.objects.filter(source=src).exists()
    assert not Case.objects.filter(kind=Kind.WORK_ORDER, work_order__source=src).exists()


def test_import_valid_rows_only_imports_only_those(api, django_capture_on_commit_callbacks):
    src = helpers.source()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            api.as_user("jz_staff"),
            helpers.csv_bytes(_bad_file()),
            "e.csv",
            source=src.name,
            valid_rows_only="true",
        )
    assert response.status_code == 202, response.content
    numbers = set(WorkOrder.objects.filter(source=src).values_list("number", flat=True))
    assert len(numbers) == 44
    # Row 4 (E000003) is kept; row 9 repeats its number and is left out with the other five.
    assert "E000003" in numbers and "E000008" not in numbers
    assert not {"E000004", "E000006", "E000010", "E000011", "E000013"} & numbers


def test_missing_columns_and_unreadable_files_are_refused(api):
    src = helpers.source()
    staff = api.as_user("jz_staff")
    header = [h if h != "留言时间" else "时间" for h in helpers.HEADER]
    response = _post(
        staff, helpers.csv_bytes(helpers.rows(3), header=header), "a.csv", source=src.name
    )
    assert response.status_code == 422
    assert "留言时间" in response.json()["message"]
    broken = _post(staff, b"PK\x03\x04not really a zip", "a.xlsx", source=src.name)
    assert broken.status_code == 422 and set(broken.json()) >= {"code", "message"}
    unknown = _post(staff, helpers.csv_bytes(helpers.rows(3)), "a.csv", source="没有的来源")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_source"


def test_other_countys_staff_get_404(api):
    src = helpers.source()
    response = _post(
        api.as_user("yc_staff"), helpers.csv_bytes(helpers.rows(3)), "a.csv", source=src.name
    )
    assert response.status_code == 404
    assert not WorkOrder.objects.filter(source=src).exists()


def test_the_command_imports_a_file(tmp_path, capsys):
    src = helpers.source()
    path = tmp_path / "orders.csv"
    path.write_bytes(helpers.csv_bytes(helpers.rows(20, prefix="C"), encoding="gbk"))
    call_command("import_work_orders", str(path), "--source", src.name)
    assert WorkOrder.objects.filter(source=src).count() == 20
    call_command("import_work_orders", str(path), "--source", src.name)
    assert WorkOrder.objects.filter(source=src).count() == 20
    assert "已导入过 20 件" in capsys.readouterr().out


def test_the_page_reports_errors_and_imports_valid_rows_only_when_asked(
    django_capture_on_commit_callbacks, users
):
    src = helpers.source()
    client = Client()
    client.force_login(users["jz_staff"])
    response = client.post(
        "/work-orders/imports/",
        {"source": src.pk, "file": SimpleUploadedFile("e.csv", helpers.csv_bytes(_bad_file()))},
    )
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    for row, field in [(5, "category"), (7, "received_at"), (9, "number"), (14, "content")]:
        assert f'data-row="{row}" data-field="{field}"' in page
    assert 'id="valid-rows-only"' in page
    refused = client.post(job_url, {})
    assert refused.status_code == 422
    assert "仅导入有效行" in refused.content.decode()
    assert not WorkOrder.objects.filter(source=src).exists()
    # Confirmed: the job is queued and its page polls the progress fragment until it is done.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(job_url, {"valid_rows_only": "on"}).status_code == 302
    fragment = client.get(f"{job_url}progress/").content.decode()
    assert 'data-phase="queued"' in fragment and 'hx-trigger="every 1s"' in fragment
    for callback in queued:
        callback()
    fragment = client.get(f"{job_url}progress/").content.decode()
    assert 'data-phase="done"' in fragment and "hx-trigger" not in fragment
    assert WorkOrder.objects.filter(source=src).count() == 44
    # A second confirmation of the same job is refused.
    assert client.post(job_url, {"valid_rows_only": "on"}).status_code == 409


def test_check_and_write_report_their_progress(users):
    from .. import importing
    from ..models import ImportJob

    src = helpers.source()
    data = helpers.csv_bytes(helpers.rows(1_200, prefix="P"))
    checked_steps, written_steps = [], []
    checked = importing.check(src, data, "p.csv", progress=checked_steps.append)
    assert checked_steps == [1000] and len(checked.rows) == 1_200
    job = ImportJob.objects.create(
        source=src, uploaded_by=users["jz_staff"], file_name="p.csv", content=data
    )
    ids = importing.write(
        job, checked, acting_user=users["jz_staff"], progress=written_steps.append
    )
    assert written_steps == [500, 1000, 1200] and len(ids) == 1_200


def test_the_staff_save_a_sources_mapping_and_the_next_file_is_read_with_it(
    django_capture_on_commit_callbacks, users
):
    src = helpers.source()
    client = Client()
    client.force_login(users["jz_staff"])
    url = f"/work-orders/sources/{src.pk}/"
    assert 'id="source-form"' in client.get(url).content.decode()
    columns = {f"col_{k}": v for k, v in helpers.MAPPING.items()}
    columns["col_number"] = "编号"
    bad = client.post(url, {"name": src.name, "states": "已派发 dispatched", **columns})
    assert bad.status_code == 422 and "第 1 行" in bad.content.decode()
    saved = client.post(
        url,
        {
            "name": src.name,
            "states": "挂起 = 已接收\n待处理 = received\n已派发 = dispatched",
            **columns,
        },
    )
    assert saved.status_code == 302
    src.refresh_from_db()
    assert src.mapping["number"] == "编号"
    assert src.state_mapping == {"挂起": "received", "待处理": "received", "已派发": "dispatched"}
    assert TrailEvent.objects.filter(action="hotline.source_change", object_id=str(src.pk)).exists()
    table = helpers.rows(5, prefix="M")
    table[1][7] = "挂起"
    header = ["编号" if h == "留言编号" else h for h in helpers.HEADER]
    response = client.post(
        "/work-orders/imports/",
        {
            "source": src.pk,
            "file": SimpleUploadedFile("m.csv", helpers.csv_bytes(table, header=header)),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {})
    job = ImportJob.objects.latest("pk")
    assert job.status == "done", job.report
    assert WorkOrder.objects.get(source=src, number="M000002").hotline_state == "挂起"
    other = Client()
    other.force_login(users["yc_staff"])
    assert other.get(url).status_code == 404
