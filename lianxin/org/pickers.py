"""The region picker of a user's forms and filters (lianxin.core.widgets.RegionPicker), filled
with the regions in the user's scope."""

from __future__ import annotations

from lianxin.core.widgets import RegionPicker

from .models import Region
from .queries import region_choices


def region_label(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return str(region) if region else code


def region_picker(user, *, blank_label=None, attrs=None) -> RegionPicker:
    return RegionPicker(
        attrs=attrs, regions=region_choices(user), blank_label=blank_label, label_of=region_label
    )
