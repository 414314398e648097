"""core.forms.run_form_page: a page whose one form runs one action. The action runs once and
only for a valid POST; success answers with its message and redirect; a refusal shows on the
form (on the field it names when the form shows it, else above the form), with 422."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages.storage.cookie import CookieStorage
from django.shortcuts import redirect
from django.test import RequestFactory

from lianxin.core.errors import Conflict, ValidationFailed
from lianxin.core.forms import run_form_page

PAGE = "errors: {{ form.non_field_errors|join:'|' }} title: {{ form.title.errors|join:'|' }}"


class NoteForm(forms.Form):
    title = forms.CharField(max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput)


@pytest.fixture(autouse=True)
def _page_template(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [("django.template.loaders.locmem.Loader", {"note.html": PAGE})]
            },
        }
    ]


def _request(method: str, data: dict | None = None):
    factory = RequestFactory()
    request = factory.post("/notes/", data or {}) if method == "POST" else factory.get("/notes/")
    request._messages = CookieStorage(request)
    return request


def _page(request, act, *, success: str | None = "已保存。"):
    form = NoteForm(request.POST or None)
    response = run_form_page(
        request,
        form,
        act,
        success=success,
        on_success=lambda note_id: redirect(f"/notes/{note_id}/"),
        template="note.html",
        context={},
    )
    return form, response


def _messages(request) -> list[str]:
    return [m.message for m in request._messages]


def test_a_valid_post_runs_the_action_once_and_redirects_with_the_message():
    calls = []

    def act(data):
        calls.append(data)
        return 7

    request = _request("POST", {"title": "路灯", "version": "3"})
    _form, response = _page(request, act)
    assert calls == [{"title": "路灯", "version": 3}]
    assert response.status_code == 302
    assert response["Location"] == "/notes/7/"
    assert _messages(request) == ["已保存。"]


def test_without_a_success_message_on_success_alone_answers():
    request = _request("POST", {"title": "路灯", "version": "3"})
    _form, response = _page(request, lambda data: 7, success=None)
    assert response.status_code == 302
    assert _messages(request) == []


def test_a_get_shows_the_form_without_running_the_action():
    calls = []
    request = _request("GET")
    form, response = _page(request, calls.append)
    assert calls == []
    assert response.status_code == 200
    assert not form.is_bound


def test_a_refusal_naming_a_shown_field_lands_on_that_field():
    def act(data):
        raise ValidationFailed("标题与已有记录重复", field="title.text")

    request = _request("POST", {"title": "路灯", "version": "3"})
    form, response = _page(request, act)
    assert response.status_code == 422
    assert form.errors["title"] == ["标题与已有记录重复"]
    assert form.non_field_errors() == []
    assert "title: 标题与已有记录重复" in response.content.decode()
    assert _messages(request) == []


def test_a_refusal_naming_a_hidden_field_lands_above_the_form():
    def act(data):
        raise Conflict("记录已被他人修改，请刷新后重试", field="version")

    request = _request("POST", {"title": "路灯", "version": "3"})
    form, response = _page(request, act)
    assert response.status_code == 422
    assert "version" not in form.errors
    assert form.non_field_errors() == ["记录已被他人修改，请刷新后重试"]
    assert "errors: 记录已被他人修改，请刷新后重试" in response.content.decode()
    assert _messages(request) == []


def test_an_invalid_form_never_runs_the_action():
    calls = []
    request = _request("POST", {"title": "", "version": "3"})
    form, response = _page(request, calls.append)
    assert calls == []
    assert response.status_code == 422
    assert "title" in form.errors
    assert _messages(request) == []
