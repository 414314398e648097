"""Files added to a case while it is handled, through the API: who may upload (`case.attach`,
every persona × every state), what is accepted, the download, and the reply that takes the
uploads as its attachments."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from PIL import Image

from lianxin.accounts.access import can, is_visible
from lianxin.casework.attachments import case_attachments
from lianxin.casework.models import Attachment, Case, CaseEvent, Reply
from lianxin.casework.queries import for_detail
from lianxin.testing.files import pdf_bytes
from lianxin.testing.ole2 import compound_file, word_document, workbook

from .helpers import STATES, advance, fresh, new_opinion, unit, user

pytestmark = pytest.mark.django_db

HIDDEN = None
OPEN = set(STATES) - {"concluded"}
HANDLED = {"handling", "replied", "fed_back", "evaluated"}

# Who may add a file to the opinion (a 榆次区 opinion to deputy_demo at 北关街道 station, lead
# unit 晋中市交通运输局 from `handling` on), by state: True / False, or HIDDEN when the persona
# does not see the case at all.
MAY_ATTACH: dict[str, dict[str, bool | None]] = {
    # The owning office, in every state until it is concluded.
    "yc_staff": {s: s in OPEN for s in STATES},
    # The deputy may answer directly only while no unit leads the case.
    "deputy_demo": {s: s in {"registered", "triaged"} for s in STATES},
    # The lead unit, from the assignment until the conclusion.
    "unit_demo": {
        s: (s in HANDLED) if s not in ("registered", "triaged") else HIDDEN for s in STATES
    },
    # The station triages and feeds back; it does not write replies.
    "yc_station": dict.fromkeys(STATES, False),
    # Readers: the city office, the leader, the administrator.
    "jz_staff": dict.fromkeys(STATES, False),
    "leader_demo": dict.fromkeys(STATES, False),
    "admin": dict.fromkeys(STATES, False),
    "unit_other": dict.fromkeys(STATES, HIDDEN),
    "tg_staff": dict.fromkeys(STATES, HIDDEN),
    "deputy_b": dict.fromkeys(STATES, HIDDEN),
    "member_demo": dict.fromkeys(STATES, HIDDEN),
    "cppcc_staff": dict.fromkeys(STATES, HIDDEN),
}


def pdf(name: str = "答复函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes("reply letter"), "application/pdf")


def xlsx(name: str = "维修清单.xlsx") -> SimpleUploadedFile:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "路灯编号"
    wb.active["A2"] = "BG-017"
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), "application/octet-stream")


def jpeg_with_gps(name: str = "现场.jpg") -> SimpleUploadedFile:
    img = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 41.0, 56.0), 3: "E", 4: (112.0, 44.0, 10.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


def upload(api, username: str, case: Case, file, **extra):
    return api.as_user(username).post_multipart(
        f"/api/v1/cases/{case.pk}/attachments", {"file": file, **extra}
    )


def reply(api, username: str, case: Case, body: dict):
    return api.as_user(username).post(f"/api/v1/cases/{case.pk}/actions/reply", body)


def download(api, username: str, case: Case, attachment_id: int):
    return api.as_user(username).get(f"/api/v1/cases/{case.pk}/attachments/{attachment_id}")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def counts() -> tuple[int, int, int]:
    return Attachment.objects.count(), Reply.objects.count(), CaseEvent.objects.count()


# --- Who may upload -------------------------------------------------------------------------------


@pytest.fixture
def cases_by_state(db) -> dict[str, Case]:
    return {
        state: advance(new_opinion(f"第{i}件：顺城街路灯不亮。"), state)
        for i, state in enumerate(STATES)
    }


def test_who_may_attach_a_file_in_each_state_follows_the_rule(cases_by_state):
    problems = []
    for username, by_state in MAY_ATTACH.items():
        person = user(username)
        for state, expected in by_state.items():
            case = fresh(cases_by_state[state])
            visible = is_visible(person, case)
            if expected is HIDDEN:
                if visible:
                    problems.append(f"{username} sees the {state} case")
                continue
            if not visible:
                problems.append(f"{username} does not see the {state} case")
            elif can(person, "case.attach", case) is not expected:
                problems.append(f"{username}/{state}: expected {expected}")
    assert not problems, "\n".join(problems)


def test_the_api_answers_each_persona_as_the_rule_says(api, cases_by_state):
    """Upload as every persona in two states: allowed → 201, visible but not allowed → 403,
    concluded → 409, not visible → 404; a refusal stores nothing."""
    for state in ("triaged", "handling", "concluded"):
        case = cases_by_state[state]
        for username, by_state in MAY_ATTACH.items():
            expected = by_state[state]
            before = counts()
            r = upload(api, username, case, pdf())
            if expected is HIDDEN:
                assert r.status_code == 404, (username, state)
            elif expected:
                assert r.status_code == 201, (username, state, r.json())
                continue
            elif state == "concluded":
                assert r.status_code == 409 and r.json()["code"] == "case_closed"
            else:
                assert r.status_code == 403, (username, state, r.json())
            assert r.json()["message"] and counts() == before, (username, state)


def test_a_co_handling_unit_may_attach_too(api):
    case = new_opinion()
    advance(case, "triaged")
    from lianxin.casework import actions

    actions.do_assign_case(
        case, lead_unit=unit(), co_units=[unit("JZ-ZFCXJSJ")], acting_user=user("yc_staff")
    )
    assert can(user("unit_other"), "case.attach", fresh(case))
    assert upload(api, "unit_other", case, pdf("协办意见.pdf")).status_code == 201


# --- What is accepted -----------------------------------------------------------------------------


def test_a_unit_uploads_a_document_and_gets_it_back(api):
    case = advance(new_opinion(), "handling")
    version = fresh(case).version
    r = upload(api, "unit_demo", case, xlsx(), note="维修清单")
    assert r.status_code == 201, r.json()
    out = r.json()
    assert set(out) == {"id", "name", "size", "content_type"}
    assert out["name"] == "维修清单.xlsx"
    assert out["content_type"].endswith("spreadsheetml.sheet")
    stored = Attachment.objects.get(pk=out["id"])
    assert stored.case_id == case.pk and stored.reply_id is None and out["size"] == stored.size
    assert stored.uploaded_by == user("unit_demo") and stored.file.name.endswith(".xlsx")
    # Recorded on the (internal) timeline; the case itself does not change.
    event = CaseEvent.objects.filter(case=case, action="attach").get()
    assert event.data["attachment"] == stored.pk and event.note == "维修清单"
    assert not event.is_public and event.actor_label
    assert fresh(case).version == version and fresh(case).state == "handling"

    got = download(api, "yc_staff", case, stored.pk)
    assert got.status_code == 200
    assert got["Content-Type"] == out["content_type"]
    assert got["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in got["Content-Disposition"].lower()
    wb = openpyxl.load_workbook(io.BytesIO(body_of(got)))
    assert wb.active["A2"].value == "BG-017"


def test_an_uploaded_photo_loses_its_location_data(api):
    case = advance(new_opinion(), "handling")
    r = upload(api, "unit_demo", case, jpeg_with_gps())
    assert r.status_code == 201 and r.json()["content_type"] == "image/jpeg"
    got = download(api, "unit_demo", case, r.json()["id"])
    assert got["Content-Disposition"].startswith("inline;")
    with Image.open(io.BytesIO(body_of(got))) as img:
        assert img.format == "JPEG" and not img.getexif() and "exif" not in img.info
    assert Attachment.objects.get(pk=r.json()["id"]).kind == "photo"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/octet-stream"), "类型不支持"),
        (SimpleUploadedFile("说明.txt", "文本".encode(), "text/plain"), "类型不支持"),
        (SimpleUploadedFile("noext", b"%PDF-1.4\n", "application/pdf"), "类型不支持"),
        (
            SimpleUploadedFile("假的.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
            "内容与其类型不符",
        ),
        (
            SimpleUploadedFile("假的.docx", b"PK\x03\x04broken", "application/zip"),
            "内容与其类型不符",
        ),
        (SimpleUploadedFile("假的.doc", b"%PDF-1.4\n", "application/msword"), "内容与其类型不符"),
        (SimpleUploadedFile("坏图.jpg", b"not an image", "image/jpeg"), "不是可识别的图片"),
        (SimpleUploadedFile("空.pdf", b"", "application/pdf"), "空文件"),
    ],
)
def test_a_file_of_another_type_is_refused_in_chinese_and_nothing_is_stored(api, file, message):
    case = advance(new_opinion(), "handling")
    before = counts()
    r = upload(api, "unit_demo", case, file)
    assert r.status_code == 422, r.json()
    assert message in r.json()["message"] and r.json()["code"]
    assert r.json()["field"] == "file"
    assert counts() == before


def test_an_xlsx_renamed_docx_is_refused_because_its_parts_are_a_workbook(api):
    case = advance(new_opinion(), "handling")
    r = upload(api, "unit_demo", case, xlsx("改名.docx"))
    assert r.status_code == 422 and "内容与其类型不符" in r.json()["message"]


def test_legacy_word_and_excel_files_with_their_streams_are_accepted_and_come_back(api):
    case = advance(new_opinion(), "handling")
    for name, data in (("旧版说明.doc", word_document()), ("旧版清单.xls", workbook())):
        r = upload(api, "unit_demo", case, SimpleUploadedFile(name, data, "application/msword"))
        assert r.status_code == 201, r.json()
        stored = Attachment.objects.get(pk=r.json()["id"])
        assert stored.original_name == name and stored.kind == "document"
        with stored.file.open("rb") as fh:
            assert fh.read() == data


MACRO_MESSAGE = "含有宏（VBA 代码），不能上传"
BROKEN_MESSAGE = "文档结构已损坏或与其类型不符"


@pytest.mark.parametrize(
    ("name", "data", "message", "code"),
    [
        ("带宏.doc", word_document(macros=True), MACRO_MESSAGE, "macros"),
        ("带宏.xls", workbook(macros=True), MACRO_MESSAGE, "macros"),
        # A workbook renamed .doc, and a document renamed .xls: the stream is not there.
        ("改名.doc", workbook(), BROKEN_MESSAGE, "invalid_document"),
        ("改名.xls", word_document(), BROKEN_MESSAGE, "invalid_document"),
        ("空容器.doc", compound_file({}), BROKEN_MESSAGE, "invalid_document"),
        # The signature alone, then a real file cut short after its header.
        ("只有开头.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 600, BROKEN_MESSAGE, None),
        ("截断.xls", workbook()[:700], BROKEN_MESSAGE, None),
    ],
)
def test_a_legacy_office_file_with_macros_or_without_its_stream_is_refused(
    api, name, data, message, code
):
    case = advance(new_opinion(), "handling")
    before = counts()
    r = upload(api, "unit_demo", case, SimpleUploadedFile(name, data, "application/msword"))
    assert r.status_code == 422, r.json()
    assert message in r.json()["message"] and name in r.json()["message"]
    assert r.json()["code"] == (code or "invalid_document")
    assert counts() == before


def test_a_file_over_the_configured_size_is_refused(api, settings):
    settings.LIANXIN_ATTACHMENT_MAX_BYTES = 1024 * 1024
    case = advance(new_opinion(), "handling")
    big = SimpleUploadedFile("大.pdf", pdf_bytes(size=1024 * 1024 + 1), "application/pdf")
    before = counts()
    r = upload(api, "unit_demo", case, big)
    assert r.status_code == 422 and "超过 1 MB" in r.json()["message"]
    assert r.json()["code"] == "too_large" and counts() == before


def test_an_upload_without_a_file_is_422_naming_the_field(api):
    case = advance(new_opinion(), "handling")
    r = api.as_user("unit_demo").post_multipart(
        f"/api/v1/cases/{case.pk}/attachments", {"note": "忘了选文件"}
    )
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert r.json()["message"] == "请选择要上传的文件。"
    r = api.as_user("unit_demo").post(f"/api/v1/cases/{case.pk}/attachments", {"file": "x"})
    assert r.status_code == 422


def test_an_unreadable_multipart_body_is_400_json_not_500(api):
    case = advance(new_opinion(), "handling")
    token_client = api.as_user("unit_demo")
    r = token_client.client.post(
        f"/api/v1/cases/{case.pk}/attachments",
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n',
        content_type="multipart/form-data; boundary=",
        headers=token_client._headers(None),
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_request" and r.json()["message"]


# --- Download -------------------------------------------------------------------------------------


def test_a_file_is_served_to_whoever_sees_the_case_and_is_404_to_anyone_else(api):
    case = advance(new_opinion(), "handling")
    other = advance(new_opinion("另一件：小区积水。"), "handling")
    item = upload(api, "unit_demo", case, pdf()).json()["id"]
    for username in ("yc_staff", "jz_staff", "leader_demo", "yc_station", "deputy_demo", "admin"):
        r = download(api, username, case, item)
        assert r.status_code == 200, username
        assert body_of(r).startswith(b"%PDF")
    for username in ("tg_staff", "unit_other", "deputy_b", "member_demo"):
        r = download(api, username, case, item)
        assert r.status_code == 404 and r.json()["code"] == "not_found", username
    # Through another case, or an id that does not exist: the same 404.
    assert download(api, "yc_staff", other, item).status_code == 404
    assert download(api, "yc_staff", case, 99999999).status_code == 404
    assert api.anon().get(f"/api/v1/cases/{case.pk}/attachments/{item}").status_code == 401


def test_a_citizens_photo_downloads_through_the_api_too(api):
    img = io.BytesIO()
    Image.new("RGB", (20, 20)).save(img, format="PNG")
    case = new_opinion(photos=[SimpleUploadedFile("a.png", img.getvalue(), "image/png")])
    photo = case.attachments.get()
    r = download(api, "yc_staff", case, photo.pk)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(body_of(r))) as got:
        assert got.size == (20, 20)


# --- The reply takes the uploads -------------------------------------------------------------------


def test_a_reply_takes_the_callers_uploads_as_its_attachments(api):
    case = advance(new_opinion(), "handling")
    letter = upload(api, "unit_demo", case, pdf()).json()["id"]
    sheet = upload(api, "unit_demo", case, xlsx()).json()["id"]
    detail = api.as_user("unit_demo").get(f"/api/v1/cases/{case.pk}").json()
    pending = {a["id"]: a for a in detail["attachments"]}
    assert pending[letter]["pending"] is True and pending[sheet]["pending"] is True
    assert pending[letter]["content_type"] == "application/pdf"

    r = reply(
        api,
        "unit_demo",
        case,
        {"content": "答复见附件。", "category": "A", "attachments": [letter, sheet, letter]},
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["state"] == "replied"
    files = body["replies"][0]["attachments"]
    assert [f["id"] for f in files] == [letter, sheet]
    assert files[0]["name"] == "答复函.pdf" and files[0]["content_type"] == "application/pdf"
    assert files[0]["url"] == f"/api/v1/cases/{case.pk}/attachments/{letter}"
    assert not any(a["id"] in (letter, sheet) for a in body["attachments"])
    stored = fresh(case).replies.get()
    assert sorted(stored.attachments.values_list("pk", flat=True)) == sorted([letter, sheet])
    event = CaseEvent.objects.filter(case=case, action="reply").get()
    assert event.data["attachments"] == [letter, sheet]
    # The address in the JSON is the download.
    got = api.as_user("yc_staff").get(files[0]["url"])
    assert got.status_code == 200 and body_of(got).startswith(b"%PDF")


def test_a_reply_without_attachments_works_as_before(api):
    case = advance(new_opinion(), "handling")
    r = reply(api, "unit_demo", case, {"content": "已修复。", "category": "A"})
    assert r.status_code == 200 and r.json()["replies"][0]["attachments"] == []


def test_a_reply_naming_a_file_that_is_not_the_callers_pending_upload_is_422_and_changes_nothing(
    api,
):
    img = io.BytesIO()
    Image.new("RGB", (20, 20)).save(img, format="PNG")
    case = new_opinion(photos=[SimpleUploadedFile("a.png", img.getvalue(), "image/png")])
    intake_photo = case.attachments.get().pk
    advance(case, "triaged")
    staff_file = upload(api, "yc_staff", case, pdf("工作机构材料.pdf")).json()["id"]
    advance(case, "handling")
    other_case = advance(new_opinion("另一件：小区积水。"), "handling")
    elsewhere = upload(api, "unit_demo", other_case, pdf()).json()["id"]
    mine = upload(api, "unit_demo", case, pdf()).json()["id"]
    for ids in (
        [mine, 99999999],  # does not exist
        [mine, staff_file],  # someone else's upload
        [intake_photo],  # the citizen's photo that came with the case
        [elsewhere],  # the caller's upload to another case
        list(range(1, 13)),  # too many
    ):
        before = counts()
        version = fresh(case).version
        r = reply(
            api, "unit_demo", case, {"content": "答复。", "category": "A", "attachments": ids}
        )
        assert r.status_code == 422, (ids, r.json())
        assert r.json()["field"] == "attachments" and r.json()["message"]
        assert counts() == before and fresh(case).state == "handling"
        assert fresh(case).version == version
        assert Attachment.objects.get(pk=mine).reply_id is None
    r = reply(api, "unit_demo", case, {"content": "答复。", "attachments": ["x"]})
    assert r.status_code == 422


def test_a_file_already_in_a_reply_cannot_be_taken_again(api):
    case = advance(new_opinion(), "handling")
    letter = upload(api, "unit_demo", case, pdf()).json()["id"]
    r = reply(api, "unit_demo", case, {"content": "答复。", "attachments": [letter]})
    assert r.status_code == 200
    from lianxin.casework import actions

    staff = user("yc_staff")
    actions.do_feedback_case(case, content="已答复。", acting_user=staff)
    actions.do_evaluate_case(fresh(case), rating="dissatisfied", as_citizen=True)
    actions.do_rehandle_case(fresh(case), reason="仍未解决", acting_user=staff)
    r = reply(api, "unit_demo", case, {"content": "再次答复。", "attachments": [letter]})
    assert r.status_code == 422 and fresh(case).replies.count() == 1


def test_the_deputy_answering_directly_attaches_a_file(api):
    case = advance(new_opinion(), "triaged")
    note = upload(api, "deputy_demo", case, pdf("现场照片说明.pdf")).json()["id"]
    r = reply(api, "deputy_demo", case, {"content": "已当面答复。", "attachments": [note]})
    assert r.status_code == 200, r.json()
    assert r.json()["replies"][0]["attachments"][0]["id"] == note


def test_a_suggestion_reply_takes_the_uploads_too(api):
    from lianxin.suggestions.tests.helpers import advance as advance_suggestion
    from lianxin.suggestions.tests.helpers import new_suggestion

    case = advance_suggestion(new_suggestion(), "handling")
    letter = upload(api, "unit_demo", case, pdf()).json()["id"]
    r = reply(
        api,
        "unit_demo",
        case,
        {"content": "答复函见附件。", "category": "A", "attachments": [letter]},
    )
    assert r.status_code == 200, r.json()
    assert list(fresh(case).replies.get().attachments.values_list("pk", flat=True)) == [letter]
    before = counts()
    r = reply(api, "unit_demo", case, {"content": "再答复。", "category": "A", "attachments": [1]})
    assert r.status_code in (409, 422) and counts() == before


def test_the_lead_sponsor_attaches_material_to_a_draft_suggestion_and_not_after_review(api):
    from lianxin.suggestions.tests.helpers import advance as advance_suggestion
    from lianxin.suggestions.tests.helpers import new_suggestion

    case = new_suggestion()
    assert fresh(case).state == "draft"
    r = upload(api, "deputy_demo", case, pdf(), note="调研报告")
    assert r.status_code == 201, r.json()
    assert Attachment.objects.filter(pk=r.json()["id"], case=case).exists()
    # Another deputy does not see the draft at all.
    assert upload(api, "deputy_b", case, pdf()).status_code == 404
    advance_suggestion(case, "accepted")
    before = counts()
    assert upload(api, "deputy_demo", case, pdf()).status_code == 403
    assert counts() == before


# --- Listing --------------------------------------------------------------------------------------


def test_the_case_lists_its_photos_and_pending_uploads_with_their_addresses(api):
    img = io.BytesIO()
    Image.new("RGB", (20, 20)).save(img, format="PNG")
    case = new_opinion(photos=[SimpleUploadedFile("a.png", img.getvalue(), "image/png")])
    advance(case, "handling")
    photo = case.attachments.get().pk
    doc = upload(api, "unit_demo", case, pdf()).json()["id"]
    loaded = for_detail(Case.objects.all()).get(pk=case.pk)
    listed = {a["id"]: a for a in case_attachments(loaded)}
    assert listed[photo]["pending"] is False and listed[photo]["kind"] == "photo"
    assert listed[doc]["pending"] is True and listed[doc]["kind"] == "document"
    assert listed[doc]["url"] == f"/api/v1/cases/{case.pk}/attachments/{doc}"
    # The staff page shows the citizen's photo as a picture and the upload as a link.
    client = Client()
    client.force_login(user("yc_staff"))
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'<img src="/cases/{case.pk}/attachments/{photo}/"' in html
    assert f'<img src="/cases/{case.pk}/attachments/{doc}/"' not in html
    assert f'href="/cases/{case.pk}/attachments/{doc}/">答复函.pdf</a>' in html


def test_the_case_page_lists_every_file_in_one_section_with_type_size_and_source(api):
    img = io.BytesIO()
    Image.new("RGB", (20, 20)).save(img, format="PNG")
    case = new_opinion(photos=[SimpleUploadedFile("井盖.png", img.getvalue(), "image/png")])
    advance(case, "handling")
    photo = case.attachments.get().pk
    doc = upload(api, "unit_demo", case, pdf("现场记录.pdf")).json()["id"]
    sheet = upload(api, "unit_demo", case, xlsx()).json()["id"]
    r = reply(api, "unit_demo", case, {"content": "见附件。", "attachments": [sheet]})
    assert r.status_code == 200, r.json()
    sheet_size = Attachment.objects.get(pk=sheet).size
    # The citizen's station, the deputy and the office see the same files.
    for username in ("yc_staff", "yc_station", "deputy_demo", "unit_demo"):
        client = Client()
        client.force_login(user(username))
        html = client.get(f"/cases/{case.pk}/").content.decode()
        section = html[html.index('id="attachments"') :]
        rows = dict(re.findall(r'<tr data-attachment="(\d+)"(.*?)</tr>', section, re.S))
        assert list(rows) == [str(photo), str(doc), str(sheet)], username
        assert f'<img src="/cases/{case.pk}/attachments/{photo}/"' in rows[str(photo)]
        assert "井盖.png" in rows[str(photo)] and "随件提交" in rows[str(photo)]
        assert "PDF 文档" in rows[str(doc)] and "后续上传" in rows[str(doc)]
        assert "<img" not in rows[str(doc)] and "现场记录.pdf</a>" in rows[str(doc)]
        assert "Excel 表格" in rows[str(sheet)] and "答复附件" in rows[str(sheet)]
        assert filesizeformat(sheet_size) in rows[str(sheet)]
        # The reply says which files are its own, with their type and size.
        article = re.search(r'<article class="reply".*?</article>', html, re.S).group(0)
        assert f'href="/cases/{case.pk}/attachments/{sheet}/">维修清单.xlsx</a>' in article
        assert "Excel 表格 · " + filesizeformat(sheet_size) in article


def test_the_upload_and_download_are_in_the_openapi_document(api):
    schema = api.anon().get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/cases/{case_id}/attachments"]["post"]
    form = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "file" in form["properties"] and form["required"] == ["file"]
    assert "note" in form["properties"]
    assert "/api/v1/cases/{case_id}/attachments/{attachment_id}" in schema["paths"]
    reply_schema = schema["components"]["schemas"]["ReplyIn"]
    assert "attachments" in reply_schema["properties"]
