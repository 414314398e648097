"""The two pickers every form uses to choose a region or handling units by name.

`PickOne` / `PickMany`: radios or checkboxes under a filter box (lianxin/pickers.js reveals it;
typing keeps the options whose name contains the text, arrows move between them, Space picks,
the chosen ones show as removable chips). Without JavaScript they are a plain list of radios or
checkboxes.

`RegionPicker`: a select of the regions in the user's scope by name, which pickers.js turns
into a cascade city → county → township, each level fetched from the `region_children`
endpoint. Either way the form receives the region's code, so the validation stays the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The depth of a region by the length of its code (14 → 1407 → 140702 → 140702001).
_DEPTH = {2: 0, 4: 1, 6: 2, 9: 3, 12: 4}


class _PickList:
    template_name = "core/widgets/pick_list.html"
    # action_form.html and others wrap a picker in a fieldset whose legend is the field label.
    is_picker = True


class PickOne(_PickList, forms.RadioSelect):
    """One choice (a lead unit) from a long list, by name."""


class PickMany(_PickList, forms.CheckboxSelectMultiple):
    """Several choices (co-units) from a long list, by name."""


class RegionPicker(forms.Select):
    """A region chosen by name. `regions` are plain rows (code, name, full_name, parent, kind),
    as `lianxin.org.queries.region_choices` gives them; `blank_label` names "no region";
    `label_of(code)` names a value outside them (a region kept from registration), which still
    shows by name (core knows no app, so the caller says how)."""

    template_name = "core/widgets/region_picker.html"

    def __init__(
        self,
        attrs=None,
        regions=(),
        blank_label=None,
        label_of: Callable[[str], str] | None = None,
    ):
        super().__init__(attrs)
        self.regions = list(regions)
        self.label_of = label_of or str
        self.blank_label = blank_label if blank_label is not None else _("（不限）")

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.regions = list(self.regions)
        return obj

    def get_context(self, name: str, value: Any, attrs) -> dict:
        code = "" if value in (None, "") else str(value[0] if isinstance(value, list) else value)
        by_code = {r["code"]: r for r in self.regions}
        top = min((len(r["code"]) for r in self.regions), default=0)
        self.choices = [("", self.blank_label)]
        if code and code not in by_code:
            # A region outside the user's scope (kept from registration) still shows by name.
            self.choices.append((code, self.label_of(code)))
        for r in self.regions:
            indent = "\u3000" * max(0, _DEPTH.get(len(r["code"]), 0) - _DEPTH.get(top, 0))
            self.choices.append((r["code"], f"{indent}{r['name']}"))
        context = super().get_context(name, code, attrs)
        context["widget"]["children_url"] = reverse("region_children")
        context["widget"]["levels"] = self._levels(code, by_code)
        return context

    def _levels(self, code: str, by_code: dict) -> list[dict]:
        """The cascade's selects for the current value: the roots, then each level down the
        value's chain, then the value's children to go deeper."""
        children: dict[str, list[dict]] = {}
        roots = []
        for r in self.regions:
            if r["parent"] in by_code:
                children.setdefault(r["parent"], []).append(r)
            else:
                roots.append(r)
        chain = []
        if code in by_code:
            node = by_code[code]
            while node is not None:
                chain.insert(0, node["code"])
                node = by_code.get(node["parent"])
        elif code:
            roots = [{"code": code, "name": self.label_of(code), "kind": ""}, *roots]
            chain = [code]
        levels = [level(roots, chain[0] if chain else "", self.blank_label)]
        for i, parent in enumerate(chain):
            below = children.get(parent, [])
            if below:
                levels.append(level(below, chain[i + 1] if i + 1 < len(chain) else ""))
        return levels


def level(options: list[dict], selected: str = "", blank=None) -> dict:
    """One select of the cascade (also what the children endpoint returns)."""
    return {
        "options": options,
        "selected": selected,
        "blank": blank if blank is not None else _("（不再细分）"),
        "label": next((o["kind"] for o in options if o.get("kind")), "") or _("区划"),
    }


class DayInput(forms.DateInput):
    """A date picker (`<input type="date">`). Its value is always YYYY-MM-DD, the only form the
    browser accepts: with the locale's format (2026/12/07 in Chinese) an initial date would show
    as an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
