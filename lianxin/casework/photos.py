"""Photos sent with a case (a citizen's scan-to-speak photos) or added while it is handled:
images only, within the limits, re-encoded as JPEG, which drops every metadata block (EXIF with
GPS location, XMP, comments) and applies the orientation."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lianxin.core.errors import ValidationFailed

MAX_PHOTOS = 3
PHOTO_MAX_SIDE = 2048
PHOTO_MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


def photo_max_bytes() -> int:
    """The size limit of one photo (setting `OPINIONS_PHOTO_MAX_BYTES`, 5 MB by default)."""
    return getattr(settings, "OPINIONS_PHOTO_MAX_BYTES", 5 * 1024 * 1024)


@dataclass
class Photo:
    name: str
    data: bytes


def clean_photos(files: Sequence, *, max_photos: int = MAX_PHOTOS) -> list[Photo]:
    """Images only, at most `max_photos` (three for a citizen's message), each within the size
    limit, re-encoded (see above)."""
    files = [f for f in files if f is not None and getattr(f, "size", 1)]
    if len(files) > max_photos:
        raise ValidationFailed(_("最多上传 %(n)s 张照片。") % {"n": max_photos}, field="photos")
    result = []
    limit = photo_max_bytes()
    for upload in files:
        name = (getattr(upload, "name", "") or "photo")[-100:]
        if upload.size > limit:
            raise ValidationFailed(
                _("照片“%(name)s”超过 %(mb)s MB，请压缩后再上传。")
                % {"name": name, "mb": limit // (1024 * 1024)},
                field="photos",
            )
        raw = upload.read()
        try:
            Image.MAX_IMAGE_PIXELS = PHOTO_MAX_PIXELS
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise UnidentifiedImageError(probe.format)
                probe.verify()
            with Image.open(io.BytesIO(raw)) as img:
                img.seek(0)
                img = ImageOps.exif_transpose(img)
                if img.mode not in ("RGB", "L"):
                    background = Image.new("RGB", img.size, "white")
                    rgba = img.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    img = background
                img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
                out = io.BytesIO()
                img.save(out, format="JPEG", quality=85, optimize=True)
        except (
            UnidentifiedImageError,
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
        ):
            raise ValidationFailed(
                _("“%(name)s”不是可识别的图片，请上传 JPG 或 PNG 照片。") % {"name": name},
                field="photos",
            ) from None
        result.append(Photo(name=name, data=out.getvalue()))
    return result
