"""Files added to a case while it is handled: reply letters, documents, photos of the work done.

Through the API whoever may act on the case with a reply (`case.attach` in accounts/access.py)
uploads a file (`do_attach_case`), then names it in the reply (`"attachments": [ids]`): the
reply adopts the caller's own uploads that no reply holds yet (`adoptable`, `link`). Each
upload is an internal timeline entry (`attach`, with the file's id): that entry is what tells an
upload from a photo that came with the case at intake, which no reply ever takes over.

Images are re-encoded as the scan-to-speak photos are (metadata and location dropped, refused
by their declared size before decoding); PDF and Office documents are checked by their name,
their first bytes and what they hold (`core.documents`: a zip bomb, a PDF that is a web page
or a program), and kept as sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianxin.core import documents
from lianxin.core.errors import Conflict, Forbidden, ValidationFailed

from .models import Attachment, Case, CaseEvent
from .photos import clean_photos

ATTACH = "attach"  # the timeline action of an upload
MAX_PER_REPLY = 10
NAME_MAX = 200

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"}
# extension → (content type, what it holds: "pdf", "ole2:" and the legacy format (its streams in
# core.documents.OLE2_STREAMS) or the OOXML part folder)
DOCUMENT_TYPES: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "pdf"),
    ".doc": ("application/msword", "ole2:doc"),
    ".xls": ("application/vnd.ms-excel", "ole2:xls"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole2:ppt"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "word/",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ppt/",
    ),
}


def max_bytes() -> int:
    return int(settings.LIANXIN_ATTACHMENT_MAX_BYTES)


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def _unsupported(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("文件“%(name)s”类型不支持，可上传图片、PDF 或 Word、Excel、PowerPoint 文档。")
        % {"name": name[-60:]},
        field="file",
        code="unsupported_type",
    )


def _content_problem(data: bytes, signature: str) -> str | None:
    """None when the content is what the extension says (see `DOCUMENT_TYPES`), else the
    reason: a `core.documents` code, or "mismatch"."""
    if signature == "pdf":
        problem = documents.pdf_problem(data)
        return "mismatch" if problem == documents.NOT_A_PDF else problem
    if signature.startswith("ole2:"):
        problem = documents.ole2_problem(data, signature[5:])
        return "mismatch" if problem == documents.NOT_OLE2 else problem
    problem = documents.zip_problem(data)
    if problem:
        return "mismatch" if problem == documents.NOT_A_ZIP else problem
    names = documents.zip_names(data)
    if "[Content_Types].xml" in names and any(n.startswith(signature) for n in names):
        return None
    return "mismatch"


def _refusal(name: str, problem: str) -> ValidationFailed:
    name = name[-60:]
    if problem == documents.UNSAFE_ARCHIVE:
        message = _("文件“%(name)s”解压后过大或包含的文件过多，可能是恶意文件，不能上传。") % {
            "name": name
        }
    elif problem == documents.INVALID_PDF:
        message = _("文件“%(name)s”不是完整的 PDF 文档，请重新导出后再上传。") % {"name": name}
    elif problem == documents.UNSAFE_CONTENT:
        message = _("文件“%(name)s”含有网页或可执行程序的内容，不能作为 PDF 文档上传。") % {
            "name": name
        }
    elif problem == documents.MACROS:
        message = _(
            "文件“%(name)s”含有宏（VBA 代码），不能上传。请另存为不含宏的文档后再上传。"
        ) % {"name": name}
    elif problem == documents.INVALID_DOCUMENT:
        message = _(
            "文件“%(name)s”的文档结构已损坏或与其类型不符，请用办公软件重新保存后再上传。"
        ) % {"name": name}
    else:
        message = _("文件“%(name)s”的内容与其类型不符，请检查后重新上传。") % {"name": name}
        problem = "unsupported_type"
    return ValidationFailed(message, field="file", code=problem)


def clean_upload(upload) -> dict:
    """Check one uploaded file and return the fields of its `Attachment` (without the case).
    Refusals are 422 with a message naming the file."""
    if upload is None:
        raise ValidationFailed(_("请选择要上传的文件。"), field="file")
    name = (getattr(upload, "name", "") or "").replace("\x00", "").strip()[-NAME_MAX:] or "file"
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise ValidationFailed(_("文件“%(name)s”是空文件。") % {"name": name[-60:]}, field="file")
    if size > max_bytes():
        raise ValidationFailed(
            _("文件“%(name)s”超过 %(mb)s MB。")
            % {"name": name[-60:], "mb": max_bytes() // (1024 * 1024)},
            field="file",
            code="too_large",
        )
    ext = _extension(name)
    if ext in IMAGE_EXTENSIONS:
        # The same checks and re-encoding as the citizens' photos (type, size, metadata dropped).
        try:
            photo = clean_photos([upload])[0]
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="file", code=exc.code) from None
        return {
            "kind": Attachment.Kind.PHOTO,
            "file": ContentFile(photo.data, name=f"{secrets.token_hex(8)}.jpg"),
            "original_name": name,
            "content_type": "image/jpeg",
            "size": len(photo.data),
        }
    if ext not in DOCUMENT_TYPES:
        raise _unsupported(name)
    content_type, signature = DOCUMENT_TYPES[ext]
    data = upload.read()
    problem = _content_problem(data, signature)
    if problem:
        raise _refusal(name, problem)
    return {
        "kind": Attachment.Kind.DOCUMENT,
        "file": ContentFile(data, name=f"{secrets.token_hex(8)}{ext}"),
        "original_name": name,
        "content_type": content_type,
        "size": len(data),
    }


MAX_FILES_PER_FORM = 5


def clean_uploads(files, *, field: str = "attachments") -> list[dict]:
    """The files of a page form (a reply letter and its annexes, a suggestion's material), each
    checked as `clean_upload`; a refusal names the form's field."""
    files = list(files)
    if len(files) > MAX_FILES_PER_FORM:
        raise ValidationFailed(_("附件最多 %(n)s 个。") % {"n": MAX_FILES_PER_FORM}, field=field)
    specs = []
    for upload in files:
        try:
            specs.append(clean_upload(upload))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=field, code=exc.code) from None
    return specs


def do_attach_case(case: Case, *, upload, note: str = "", acting_user) -> Attachment:
    """Add one file to a case that is still being handled; an internal timeline entry records
    who added what. The case's state and version do not change."""
    from lianxin.accounts.access import can
    from lianxin.core.validators import clean_text

    from .actions import append_event

    spec = clean_upload(upload)
    note = clean_text(note, field="note", label=_("说明"), required=False, max_length=500)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.is_closed:
            raise Conflict(_("该案件已办结，不能再上传附件。"), code="case_closed")
        if not can(acting_user, "case.attach", locked):
            raise Forbidden(_("您不能为该案件上传附件。"))
        item = Attachment.objects.create(case=locked, uploaded_by=acting_user, **spec)
        append_event(
            locked,
            ATTACH,
            acting_user,
            from_state=locked.state,
            to_state=locked.state,
            note=note,
            data={"attachment": item.pk, "name": item.original_name},
        )
    return item


# --- Linking uploads to a reply ---------------------------------------------------------------


def _wanted(ids: Iterable) -> list[int]:
    wanted = []
    for value in ids or ():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationFailed(_("附件编号应为整数。"), field="attachments")
        wanted.append(value)
    wanted = list(dict.fromkeys(wanted))
    if len(wanted) > MAX_PER_REPLY:
        raise ValidationFailed(
            _("一份答复最多关联 %(n)s 个附件。") % {"n": MAX_PER_REPLY}, field="attachments"
        )
    return wanted


def uploaded_ids(case: Case, user=None) -> set[int]:
    """Ids of the files added to the case after intake (by `user`, if given). Reads the
    prefetched timeline when there is one."""
    cache = getattr(case, "_prefetched_objects_cache", {})
    if "events" in cache and user is None:
        events = [e for e in cache["events"] if e.action == ATTACH]
    else:
        qs = CaseEvent.objects.filter(case_id=case.pk, action=ATTACH)
        if user is not None:
            qs = qs.filter(actor=user)
        events = list(qs.only("data"))
    ids = set()
    for e in events:
        value = e.data.get("attachment") if isinstance(e.data, dict) else None
        if isinstance(value, int):
            ids.add(value)
    return ids


def adoptable(case: Case, ids: Iterable, *, acting_user) -> list[Attachment]:
    """The caller's own uploads to this case that no reply holds yet, locked; any other id is
    refused (422) and nothing is changed."""
    wanted = _wanted(ids)
    if not wanted:
        return []
    mine = uploaded_ids(case, acting_user) if acting_user is not None else set()
    rows = list(
        Attachment.objects.select_for_update()
        .filter(case_id=case.pk, pk__in=[i for i in wanted if i in mine], reply__isnull=True)
        .filter(uploaded_by=acting_user)
        .order_by("id")
    )
    found = {a.pk for a in rows}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise ValidationFailed(
            _("附件 %(ids)s 不存在，或不是您为该案件上传且尚未用于答复的文件。")
            % {"ids": "、".join(missing[:10])},
            field="attachments",
            code="unknown_attachment",
        )
    return rows


def link(rows: list[Attachment], reply) -> None:
    if rows:
        Attachment.objects.filter(pk__in=[a.pk for a in rows]).update(reply=reply)
        for a in rows:
            a.reply = reply


# --- Reading ------------------------------------------------------------------------------------


def attachment_out(case: Case, a: Attachment) -> dict:
    from django.urls import reverse

    return {
        "id": a.pk,
        "kind": a.kind,
        "name": a.original_name or str(_("附件")),
        "size": a.size,
        "content_type": a.content_type,
        "url": reverse(
            "api:download_attachment", kwargs={"case_id": case.pk, "attachment_id": a.pk}
        ),
        "created_at": a.created_at,
    }


def case_attachments(case: Case) -> list[dict]:
    """The files of the case that no reply holds: photos that came with it, and uploads waiting
    for a reply (`pending`). Uses the prefetched `attachments` and `events` of
    `queries.for_detail`."""
    uploads = uploaded_ids(case)
    return [
        {**attachment_out(case, a), "pending": a.pk in uploads}
        for a in case.attachments.all()
        if a.reply_id is None
    ]


def reply_attachments(case: Case, reply) -> list[dict]:
    return [attachment_out(case, a) for a in reply.attachments.all()]


WORD = gettext_lazy("Word 文档")
EXCEL = gettext_lazy("Excel 表格")
POWERPOINT = gettext_lazy("PowerPoint 演示文稿")
TYPE_LABELS = {
    "application/pdf": gettext_lazy("PDF 文档"),
    **{DOCUMENT_TYPES[ext][0]: WORD for ext in (".doc", ".docx")},
    **{DOCUMENT_TYPES[ext][0]: EXCEL for ext in (".xls", ".xlsx")},
    **{DOCUMENT_TYPES[ext][0]: POWERPOINT for ext in (".ppt", ".pptx")},
}

# Where a file on the case page came from.
WITH_CASE = "with_case"  # sent with the case: a citizen's photos, a suggestion's material
ADDED = "added"  # added while the case is handled, not yet in a reply
IN_REPLY = "in_reply"  # part of a reply
SOURCES = {
    WITH_CASE: gettext_lazy("随件提交"),
    ADDED: gettext_lazy("后续上传"),
    IN_REPLY: gettext_lazy("答复附件"),
}


def type_label(item: Attachment) -> str:
    """The file's type in words: "JPEG 图片", "PDF 文档", "Word 文档", …"""
    if item.content_type in TYPE_LABELS:
        return str(TYPE_LABELS[item.content_type])
    if item.content_type.startswith("image/"):
        return _("%(format)s 图片") % {"format": item.content_type[6:].upper()}
    return _("文件")


def for_page(case: Case, user) -> list[dict]:
    """Every file of the case for its page, whatever the kind: those sent with it, those added
    while it is handled and those of the replies `user` may read (`rules.sees_reply`), each
    with its type, size, where it came from and the address of the access-checked download
    (`case_attachment`). Uses the prefetched `attachments` and `events` of
    `queries.for_detail`."""
    from django.urls import reverse

    uploads = uploaded_ids(case)
    replies = {r.pk: r for r in case.replies.all()}
    hidden = _hidden_replies(case, user, replies.values())
    files = []
    for a in case.attachments.all():
        if not a.file or a.reply_id in hidden:
            continue
        source = IN_REPLY if a.reply_id else ADDED if a.pk in uploads else WITH_CASE
        reply = replies.get(a.reply_id)
        files.append(
            {
                "id": a.pk,
                "name": a.original_name or str(_("附件")),
                "kind": a.kind,
                "is_image": a.content_type.startswith("image/"),
                "type_label": type_label(a),
                "size": a.size,
                "source": source,
                "source_label": str(SOURCES[source]),
                "reply_id": a.reply_id,
                "reply_at": reply.created_at if reply else None,
                "created_at": a.created_at,
                "url": reverse("case_attachment", args=[case.pk, a.pk]),
            }
        )
    order = list(SOURCES)
    return sorted(files, key=lambda f: (order.index(f["source"]), f["id"]))


def _hidden_replies(case: Case, user, replies) -> set[int]:
    """The replies of `case` that `user` may not read yet (a letter awaiting sign-off)."""
    from lianxin.accounts.access import grants

    from .rules import sees_reply

    g = grants(user)
    return {r.pk for r in replies if not sees_reply(g, case, r)}


def get_for_case(case: Case, attachment_id, user) -> Attachment:
    """One file of `case` for `user`, who sees the case; a file of a reply the user may not
    read yet is 404, as for no file."""
    item = (
        Attachment.objects.filter(case_id=case.pk, pk=attachment_id).select_related("reply").first()
    )
    if item is None or not item.file:
        raise Http404
    if item.reply_id is not None and _hidden_replies(case, user, [item.reply]):
        raise Http404
    return item


def file_response(item: Attachment) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition_header(
        not item.content_type.startswith("image/"), item.original_name or "file"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
