"""A phrase with a value inside it is one message for the translators ("承诺 {{ date }} 前完成"),
never fragments around the value ("承诺" … "前完成") that no other language can reorder."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "suggestions"

# A translated fragment and a value with nothing but spaces between them, either way round.
SPLIT = [
    re.compile(r"\{\{[^}]*\}\}[ \t]*\{%-?\s*(translate|trans|blocktranslate|blocktrans)\b"),
    re.compile(r"\{%\s*(translate|trans)\s+(\"[^\"]*\"|'[^']*')\s*%\}[ \t]*\{\{"),
    re.compile(r"\{%\s*(endblocktranslate|endblocktrans)\s*%\}[ \t]*\{\{"),
]


def _templates() -> list[Path]:
    found = sorted(TEMPLATES.glob("*.html"))
    assert found, TEMPLATES
    return found


def test_no_template_splits_a_phrase_around_a_value():
    problems = []
    for path in _templates():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for pattern in SPLIT:
                for m in pattern.finditer(line):
                    problems.append(f"{path.name}:{number}: {m.group(0)}")
    assert not problems, "\n".join(problems)


def _messages(name: str) -> tuple[set[str], set[str]]:
    path = name if "/" in name else f"suggestions/{name}"
    template = engines["django"].get_template(path).template
    simple = {
        str(n.filter_expression.var.literal)
        for n in template.nodelist.get_nodes_by_type(TranslateNode)
        if getattr(n.filter_expression.var, "literal", None)
    }
    blocks = set()
    for n in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        text, _vars = n.render_token_list(n.singular)
        blocks.add(text)
    return simple, blocks


def test_the_phrases_that_were_split_are_whole_messages_now():
    expected = {
        "detail.html": {"承诺 %(date)s 前完成", "%(c)s 类"},
        "commitment_close.html": {"承诺 %(date)s 前完成"},
        "public.html": {"%(c)s 类"},
        "list.html": {"%(unit)s 主办", "领衔 %(name)s"},
        "write.html": {"提出人：%(c)s代表 %(name)s"},
        # The print layout of every figures report (casework.reportdoc).
        "casework/report_print.html": {"统计时间 %(at)s", "第 %(page)s 页，共 %(pages)s 页"},
    }
    fragments = {"承诺", "前完成", "类", "主办", "领衔", "第", "页，共", "页", "统计时间"}
    for name, phrases in expected.items():
        simple, blocks = _messages(name)
        assert phrases <= blocks, (name, phrases - blocks)
        assert not (simple & fragments), (name, simple & fragments)
