"""The one phone rule: a mainland mobile or a landline with its area code, everywhere."""

import pytest

from lianxin.core.errors import ValidationFailed
from lianxin.core.validators import clean_phone


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        (13812345678.0, "13812345678"),  # a number cell of a spreadsheet
        ("0354-3012345", "0354-3012345"),
        ("03543012345", "03543012345"),
        ("(0354)3012345", "03543012345"),
        ("010-12345678", "010-12345678"),
        ("0354-3012345-801", "0354-3012345-801"),
        ("0354-3012345转801", "0354-3012345转801"),
        ("", ""),
        (None, ""),
    ],
)
def test_mobiles_and_landlines_with_area_code_are_kept(typed, kept):
    assert clean_phone(typed, field="contact_phone", label="联系电话") == kept


@pytest.mark.parametrize(
    "typed", ["12345", "123", "1381234567", "12812345678", "3012345", "call me", "电话号码"]
)
def test_short_and_malformed_numbers_are_refused_naming_the_field_shown(typed):
    with pytest.raises(ValidationFailed) as exc:
        clean_phone(typed, field="visitor_phone", label="联系电话")
    assert exc.value.field == "visitor_phone"
    assert exc.value.message == "联系电话格式不正确：请填写手机号码或带区号的固定电话。"


@pytest.mark.django_db
def test_the_admin_person_form_uses_the_same_rule():
    from lianxin.org.admin import PersonForm

    form = PersonForm(data={"name": "测试", "phone": "12345"})
    assert not form.is_valid()
    assert form.errors["phone"] == ["手机号码格式不正确：请填写手机号码或带区号的固定电话。"]


def test_text_is_trimmed_and_required_or_optional_as_the_caller_says():
    from lianxin.core.validators import clean_text

    assert clean_text("  问题\x00 ", field="content", label="内容", required=True) == "问题"
    assert clean_text(None, field="note", label="说明", required=False) == ""
    with pytest.raises(ValidationFailed) as exc:
        clean_text(" ", field="content", label="内容", required=True)
    assert (exc.value.field, exc.value.message) == ("content", "请填写内容。")
    with pytest.raises(ValidationFailed) as exc:
        clean_text("长" * 6, field="note", label="说明", required=False, max_length=5)
    assert exc.value.message == "说明不能超过 5 字（现有 6 字）。"
    with pytest.raises(TypeError):
        clean_text("x", field="note", label="说明")  # whether it is required is always said
