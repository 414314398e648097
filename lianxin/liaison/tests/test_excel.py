"""Excel import and export with real .xlsx files, built here and read back."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from lianxin.core.errors import ValidationFailed
from lianxin.liaison import excel
from lianxin.liaison.models import Point, Station, StationMembership
from lianxin.org.models import Congress, Deputy

pytestmark = pytest.mark.django_db

STATION_HEAD = ["站点编码", "名称", "类别", "区划代码", "地址", "经度", "纬度", "联系电话"]
POINT_HEAD = ["所属站点编码", "联络点名称", "类别", "村（社区）", "地址"]
MEMBER_HEAD = ["站点编码", "代表编号", "代表姓名", "所属人大区划代码"]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def yc():
    return Congress.objects.select_related("region").get(region__code="140702", level="county")


@pytest.fixture
def township_deputy():
    return (
        Deputy.objects.filter(congress__region__code="140702100", status="serving")
        .select_related("person", "congress__region")
        .first()
    )


def run(data: bytes, yc, user, **kwargs):
    return excel.check_and_import(data, congress=yc, acting_user=user, **kwargs)


def good_file(deputy) -> bytes:
    return xlsx(
        {
            "联络站": [
                STATION_HEAD,
                [
                    "YC-NEW1",
                    "东阳镇第二代表联络站",
                    "代表联络站",
                    140702101,
                    "东阳镇东阳村",
                    112.85,
                    37.66,
                    "0354-7654321",
                ],
                ["YC-NEW2", "榆次区金融观察站", "专业联络站", "140702006", "经纬街道", "", "", ""],
            ],
            "联络点": [
                POINT_HEAD,
                ["YC-NEW1", "东阳村联络点", "代表联络点", "东阳村", "东阳村委会"],
                ["YC-NEW1", "西河村联络点", "", "西河村", ""],
                ["YC-BGJD", "新华苑社区联络点", "基层立法联系点", "新华苑社区", ""],
            ],
            "代表进站": [
                MEMBER_HEAD,
                ["YC-NEW1", deputy.pk, deputy.person.name, deputy.congress.region.code],
            ],
        }
    )


def test_a_good_file_imports_stations_points_and_deputies(yc, users, township_deputy):
    report = run(good_file(township_deputy), yc, users["yc_staff"])
    assert report.ok and report.imported, [i.text() for i in report.issues]
    new1 = Station.objects.get(code="YC-NEW1")
    assert new1.congress == yc
    assert new1.region.code == "140702101"
    assert str(new1.longitude) == "112.850000"
    assert Station.objects.get(code="YC-NEW2").kind == "specialised"
    assert sorted(new1.points.values_list("name", flat=True)) == ["东阳村联络点", "西河村联络点"]
    assert Point.objects.get(name="新华苑社区联络点").kind == "legislative_contact_point"
    assert StationMembership.objects.get(deputy=township_deputy).station == new1
    sheets = {s.name: (s.created, s.updated) for s in report.sheets.values()}
    assert sheets["联络站"] == (2, 0)
    assert sheets["联络点"] == (3, 0)
    assert sheets["代表进站"] == (0, 1)  # the deputy moved from the demo station


def test_a_file_that_is_not_excel_is_refused(yc, users):
    for data in (b"station,name\nYC-1,x\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, b""):
        with pytest.raises(ValidationFailed) as exc:
            run(data, yc, users["yc_staff"])
        assert exc.value.field == "file"
        assert "Excel" in exc.value.message or "空" in exc.value.message


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_opened(api):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    before = Station.objects.count()
    r = api.as_user("yc_staff").post_multipart(
        "/api/v1/stations/import", {"file": io.BytesIO(out.getvalue())}
    )
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert "解压后过大" in r.json()["message"]
    assert Station.objects.count() == before


def test_wrong_columns_are_named_and_nothing_is_imported(yc, users):
    before = Station.objects.count()
    data = xlsx(
        {"联络站": [["站点编码", "站名", "区划", "备注"], ["YC-X1", "某站", "140702001", ""]]}
    )
    report = run(data, yc, users["yc_staff"])
    assert not report.imported
    text = " ".join(report.file_errors)
    assert "缺少必填列：名称、区划代码" in text
    assert "站名（B 列）" in text and "区划（C 列）" in text and "备注（D 列）" in text
    assert Station.objects.count() == before


def test_a_workbook_without_our_sheets_is_refused(yc, users):
    report = run(xlsx({"Sheet1": [["a", "b"]]}), yc, users["yc_staff"])
    assert not report.imported
    assert "联络站" in report.file_errors[0] and "Sheet1" in report.file_errors[0]


def test_every_bad_row_and_cell_is_reported_and_nothing_is_imported(yc, users, township_deputy):
    stations_before = Station.objects.count()
    points_before = Point.objects.count()
    memberships_before = list(StationMembership.objects.values_list("deputy_id", "station_id"))
    data = xlsx(
        {
            "联络站": [
                STATION_HEAD,
                ["YC-OK1", "好站", "代表联络站", "140702101", "", "", "", ""],
                ["YC-BAD1", "坏区划站", "代表联络站", "999999999", "", "", "", ""],
                ["YC-OK1", "重复编码站", "代表联络站", "140702101", "", "", "", ""],
                ["TG-ZX", "别人的站", "代表联络站", "140702101", "", "", "", ""],
                ["YC-BAD2", "", "会客厅", "140703101", "", 190, 37.5, "电话"],
            ],
            "联络点": [
                POINT_HEAD,
                ["YC-OK1", "好点", "", "", ""],
                ["YC-BAD1", "坏站的点", "", "", ""],
                ["YC-NONE", "无站的点", "", "", ""],
            ],
            "代表进站": [
                MEMBER_HEAD,
                ["YC-OK1", "", "查无此人", "140702"],
                ["YC-OK1", "", township_deputy.person.name, "1499"],
                ["YC-OK1", township_deputy.pk, "别的名字", township_deputy.congress.region.code],
            ],
        }
    )
    report = run(data, yc, users["yc_staff"])
    assert not report.imported
    found = {(i.sheet, i.row, i.column) for i in report.issues}
    assert ("联络站", 3, "D") in found  # unknown region code
    assert ("联络站", 4, "A") in found  # duplicate code within the file
    assert ("联络站", 5, "A") in found  # a code of another congress's station
    assert {("联络站", 6, c) for c in ("B", "C", "D", "F", "H")} <= found
    assert ("联络点", 3, "A") in found  # its station's row is bad
    assert ("联络点", 4, "A") in found  # its station exists nowhere
    assert ("代表进站", 2, "C") in found  # no such deputy
    assert ("代表进站", 3, "D") in found  # no such region
    assert ("代表进站", 4, "B") in found  # id and name disagree
    texts = [i.text() for i in report.issues]
    assert "工作表“联络站”第 3 行 D 列（区划代码）：区划代码 999999999 不存在。" in texts
    assert any("与第 2 行重复" in t for t in texts)
    assert any("已被其他人大的联络站使用" in t for t in texts)
    assert "未导入任何数据" in report.summary()
    assert Station.objects.count() == stations_before
    assert Point.objects.count() == points_before
    assert (
        list(StationMembership.objects.values_list("deputy_id", "station_id")) == memberships_before
    )


def test_the_good_rows_alone_can_be_imported_when_asked(yc, users):
    data = xlsx(
        {
            "联络站": [
                STATION_HEAD,
                ["YC-OK1", "好站", "代表联络站", "140702101", "", "", "", ""],
                ["YC-BAD1", "坏区划站", "代表联络站", "999999999", "", "", "", ""],
            ],
            "联络点": [
                POINT_HEAD,
                ["YC-OK1", "好点", "", "", ""],
                ["YC-BAD1", "坏站的点", "", "", ""],
            ],
        }
    )
    report = run(data, yc, users["yc_staff"], import_valid_rows=True)
    assert report.imported and report.issues
    assert Station.objects.filter(code="YC-OK1").exists()
    assert not Station.objects.filter(code="YC-BAD1").exists()
    assert list(Point.objects.filter(station__code="YC-OK1").values_list("name", flat=True)) == [
        "好点"
    ]
    assert not Point.objects.filter(name="坏站的点").exists()


def test_a_dry_run_only_checks(yc, users, township_deputy):
    report = run(good_file(township_deputy), yc, users["yc_staff"], dry_run=True)
    assert report.ok and not report.imported
    assert not Station.objects.filter(code="YC-NEW1").exists()


def test_another_county_cannot_import_into_yuci(yc, users):
    from lianxin.core.errors import Forbidden

    with pytest.raises(Forbidden):
        run(xlsx({"联络站": [STATION_HEAD]}), yc, users["tg_staff"])


def test_the_export_reads_back_and_imports_again_unchanged(yc, users):
    data = excel.export(Station.objects.filter(congress=yc))
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames == ["联络站", "联络点", "代表进站"]
    rows = list(wb["联络站"].iter_rows(values_only=True))
    assert rows[0][:2] == ("站点编码", "名称")
    codes = {r[0] for r in rows[1:]}
    assert "YC-BGJD" in codes and len(codes) == Station.objects.filter(congress=yc).count()
    members = list(wb["代表进站"].iter_rows(values_only=True))[1:]
    assert len(members) == StationMembership.objects.filter(station__congress=yc).count()
    wb.close()
    report = run(data, yc, users["yc_staff"])
    assert report.ok, [i.text() for i in report.issues][:5]
    assert report.imported
    sheets = {s.name: (s.created, s.updated) for s in report.sheets.values()}
    assert sheets["联络站"][0] == 0 and sheets["联络点"][0] == 0
    assert sheets["代表进站"] == (0, 0)


def test_the_template_has_the_three_sheets_and_their_columns():
    wb = load_workbook(io.BytesIO(excel.template()))
    assert wb.sheetnames == ["联络站", "联络点", "代表进站", "填写说明"]
    header = [c.value for c in wb["联络站"][1]]
    assert header == [c.label for c in excel.STATION_COLUMNS]
    assert wb["联络站"]["A1"].comment is not None  # the required column says so


def test_the_api_imports_a_file_and_returns_the_report(api, township_deputy):
    client = api.as_user("yc_staff")
    ok = client.post_multipart(
        "/api/v1/stations/import",
        {"file": io.BytesIO(good_file(township_deputy))},
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["imported"] and body["code"] == "imported"
    assert {s["name"]: s["created"] for s in body["sheets"]}["联络站"] == 2

    bad = client.post_multipart(
        "/api/v1/stations/import",
        {
            "file": io.BytesIO(
                xlsx({"联络站": [STATION_HEAD, ["YC-Z", "站", "", "1", "", "", "", ""]]})
            )
        },
    )
    assert bad.status_code == 422
    body = bad.json()
    assert body["code"] == "import_invalid" and not body["imported"]
    assert body["errors"][0]["row"] == 2 and body["errors"][0]["column"] == "D"
    assert "区划代码 1 不存在" in body["errors"][0]["text"]

    not_excel = client.post_multipart(
        "/api/v1/stations/import", {"file": io.BytesIO(b"%PDF-1.4 not a workbook")}
    )
    assert not_excel.status_code == 422
    assert "不是有效的 Excel" in not_excel.json()["message"]

    missing = client.post_multipart("/api/v1/stations/import", {})
    assert missing.status_code == 422

    other = api.as_user("tg_staff").post_multipart(
        "/api/v1/stations/import",
        {"file": io.BytesIO(good_file(township_deputy)), "congress": "999999"},
    )
    assert other.status_code == 422
    assert api.anon().post_multipart("/api/v1/stations/import", {}).status_code == 401
