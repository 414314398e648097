"""Photos sent with a case (a citizen's scan-to-speak photos) or added while it is handled:
images only, within the limits, re-encoded as JPEG, which drops every metadata block (EXIF with
GPS location, XMP, comments) and applies the orientation.

Every image upload, page or API, goes through `clean_photos` (`attachments.clean_upload` calls
it for images). An image is refused by what its header declares before any pixel is decoded:
a side over `PHOTO_MAX_SIDE_PX`, more than `LIANXIN_PHOTO_MAX_PIXELS` pixels, or with the
submission's other photos more than `LIANXIN_PHOTO_TOTAL_PIXELS` (a "decompression bomb" is a
small file that declares a huge image), and an animation (GIF, APNG, WebP with more than one
frame). Decoding is thus bounded by the pixel limits: about 4 bytes a pixel."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from lianxin.core.errors import ValidationFailed

MAX_PHOTOS = 3
PHOTO_MAX_SIDE = 2048  # the longest side of the stored JPEG
PHOTO_MAX_SIDE_PX = 16384  # the longest side an uploaded image may declare
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}
# MPO (a phone's JPEG with a depth or stereo frame) has more than one frame by design; only its
# first is used. Any other format with more than one frame is an animation.
MULTI_FRAME_FORMATS = {"MPO"}

# Pillow's own guard, set once: it warns above this many pixels and refuses above twice as many
# in `Image.open`. Ours (`_check_declared`) refuses from the limit itself, so the warning says
# nothing the refusal does not.
Image.MAX_IMAGE_PIXELS = settings.LIANXIN_PHOTO_MAX_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def photo_max_bytes() -> int:
    """The size limit of one photo (setting `OPINIONS_PHOTO_MAX_BYTES`, 5 MB by default)."""
    return getattr(settings, "OPINIONS_PHOTO_MAX_BYTES", 5 * 1024 * 1024)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:g}"


@dataclass
class Photo:
    name: str
    data: bytes


def _unreadable(name: str) -> ValidationFailed:
    return ValidationFailed(
        _("“%(name)s”不是可识别的图片，请上传 JPG 或 PNG 照片。") % {"name": name},
        field="photos",
    )


def _too_large(name: str) -> ValidationFailed:
    """Pillow refused the header already (more than twice `Image.MAX_IMAGE_PIXELS`)."""
    return ValidationFailed(
        _("照片“%(name)s”尺寸过大，请缩小到 %(mp)s 百万像素以内后再上传。")
        % {"name": name, "mp": _megapixels(settings.LIANXIN_PHOTO_MAX_PIXELS)},
        field="photos",
        code="too_many_pixels",
    )


def _check_declared(probe: Image.Image, name: str, total: int, total_limit: int) -> int:
    """Refuse by the header alone (nothing decoded yet); return the photo's pixel count."""
    width, height = probe.size
    pixels = width * height
    limit = settings.LIANXIN_PHOTO_MAX_PIXELS
    if pixels > limit or max(width, height) > PHOTO_MAX_SIDE_PX:
        raise ValidationFailed(
            _(
                "照片“%(name)s”尺寸过大（%(width)s×%(height)s 像素），"
                "请缩小到 %(mp)s 百万像素以内、长边不超过 %(side)s 像素后再上传。"
            )
            % {
                "name": name,
                "width": width,
                "height": height,
                "mp": _megapixels(limit),
                "side": PHOTO_MAX_SIDE_PX,
            },
            field="photos",
            code="too_many_pixels",
        )
    if total + pixels > total_limit:
        raise ValidationFailed(
            _("照片合计超过 %(mp)s 百万像素，请减少照片数量或缩小后再上传。")
            % {"mp": _megapixels(total_limit)},
            field="photos",
            code="too_many_pixels",
        )
    if probe.format not in MULTI_FRAME_FORMATS and getattr(probe, "is_animated", False):
        raise ValidationFailed(
            _("“%(name)s”是动图，请上传静态照片。") % {"name": name},
            field="photos",
            code="animated_image",
        )
    return pixels


def _reencode(raw: bytes) -> bytes:
    """The first frame, reduced to `PHOTO_MAX_SIDE`, turned upright, as a JPEG with no metadata
    (EXIF, XMP and comments are in `info`, which Pillow writes back on save)."""
    with Image.open(io.BytesIO(raw)) as img:
        img.seek(0)
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "L"):
            background = Image.new("RGB", img.size, "white")
            rgba = img.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            img = background
        img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        icc_profile = img.info.get("icc_profile")  # colours, not metadata: kept
        img.info = {}
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=85, optimize=True, icc_profile=icc_profile)
    return out.getvalue()


def clean_photos(files: Sequence, *, max_photos: int = MAX_PHOTOS) -> list[Photo]:
    """Images only, at most `max_photos` (three for a citizen's message), each within the size
    and pixel limits, re-encoded (see above)."""
    files = [f for f in files if f is not None and getattr(f, "size", 1)]
    if len(files) > max_photos:
        raise ValidationFailed(_("最多上传 %(n)s 张照片。") % {"n": max_photos}, field="photos")
    limit = photo_max_bytes()
    raws = []
    for upload in files:
        name = (getattr(upload, "name", "") or "photo")[-100:]
        if upload.size > limit:
            raise ValidationFailed(
                _("照片“%(name)s”超过 %(mb)s MB，请压缩后再上传。")
                % {"name": name, "mb": limit // (1024 * 1024)},
                field="photos",
            )
        raws.append((name, upload.read()))
    # Every photo's header is checked before any of them is decoded. The total bounds the work
    # of one submission: LIANXIN_PHOTO_TOTAL_PIXELS for three photos, in proportion for more
    # (a deputy's duty post takes nine).
    total = 0
    total_limit = settings.LIANXIN_PHOTO_TOTAL_PIXELS * max(max_photos, MAX_PHOTOS) // MAX_PHOTOS
    for name, raw in raws:
        try:
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise UnidentifiedImageError(probe.format)
                total += _check_declared(probe, name, total, total_limit)
                probe.verify()
        except Image.DecompressionBombError:
            raise _too_large(name) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _unreadable(name) from None
    result = []
    for name, raw in raws:
        try:
            data = _reencode(raw)
        except Image.DecompressionBombError:
            raise _too_large(name) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _unreadable(name) from None
        result.append(Photo(name=name, data=data))
    return result
