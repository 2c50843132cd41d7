"""Image decoding, description, transforms and PDF reports with Pillow alone.

Everything here is classic image processing (colour quantization, luminance
statistics, an edge filter), so the example API can "describe" an image on any CPU
without a vision model, while still answering from the actual pixels.
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import io
import re
import textwrap
from dataclasses import asdict, dataclass
from enum import Enum

from PIL import Image, ImageFilter, ImageOps, ImageStat, UnidentifiedImageError
from PIL.ImageDraw import Draw
from PIL.ImageFont import FreeTypeFont, ImageFont, load_default

# Hue ranges (degrees, upper bound exclusive) of the everyday colour words; the
# lightness rules in `color_name` then say "dark blue", "brown", "pink" and so on.
HUE_NAMES: tuple[tuple[float, str], ...] = (
    (15, "red"),
    (40, "orange"),
    (65, "yellow"),
    (160, "green"),
    (195, "cyan"),
    (255, "blue"),
    (285, "purple"),
    (320, "magenta"),
    (345, "pink"),
    (361, "red"),
)
# Special names for some hue and lightness combinations: (hue, dark, light) names.
SHADE_NAMES: dict[str, tuple[str, str]] = {
    "red": ("dark red", "pink"),
    "orange": ("brown", "beige"),
    "yellow": ("olive", "light yellow"),
    "cyan": ("teal", "light cyan"),
    "magenta": ("purple", "light magenta"),
    "pink": ("dark pink", "light pink"),
}

TIMES = "\u00d7"  # the multiplication sign, as in "640 by 480"; escaped for linters
MAX_PIXELS = 40_000_000  # refuse decompression bombs long before Pillow's own limit


class ImageError(ValueError):
    """The request's image could not be decoded; the API turns this into HTTP 422."""


class Operation(str, Enum):
    """The transforms offered by `POST /transform`."""

    grayscale = "grayscale"
    blur = "blur"
    edges = "edges"
    posterize = "posterize"
    rotate = "rotate"
    thumbnail = "thumbnail"


@dataclass(frozen=True)
class DominantColor:
    """One named colour of the image and the share of pixels closest to it."""

    name: str
    hex: str
    share: float


@dataclass(frozen=True)
class ImageDescription:
    """What ``describe`` measured, plus the sentence built from it."""

    description: str
    width: int
    height: int
    orientation: str
    format: str
    dominant_colors: list[DominantColor]
    brightness: float
    contrast: float
    sharpness: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (dataclasses nest, so ``asdict`` covers the colours too)."""
        return asdict(self)


def decode_image(data: str) -> Image.Image:
    """Decode a base64 string (optionally a ``data:`` URL) into a loaded Pillow image.

    Raises :class:`ImageError` with a message meant for the API user.
    """
    payload = re.sub(r"^data:[^,]*;base64,", "", data.strip())
    payload = re.sub(r"\s+", "", payload)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImageError(f"'image' is not valid base64: {exc}") from exc
    if not raw:
        raise ImageError("'image' is empty: send a base64-encoded JPEG or PNG")
    try:
        image = Image.open(io.BytesIO(raw))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageError(
            "'image' decoded from base64 but is not an image Pillow can read (send a JPEG or PNG)"
        ) from exc
    if image.width * image.height > MAX_PIXELS:
        raise ImageError(f"'image' is too large ({image.width}{TIMES}{image.height} pixels)")
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"'image' is a truncated or corrupt {image.format} file") from exc
    return image


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes of ``image``."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def to_rgb(image: Image.Image) -> Image.Image:
    """Flatten any mode (palette, alpha, 16-bit, CMYK) onto white as RGB."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def orientation(width: int, height: int) -> str:
    """'landscape', 'portrait' or 'square' (within 2 %, as people would say)."""
    if abs(width - height) <= 0.02 * max(width, height):
        return "square"
    return "landscape" if width > height else "portrait"


def color_name(rgb: tuple[int, int, int]) -> str:
    """An everyday name for ``rgb``: grays by lightness, other colours by hue and shade.

    Rules on hue, lightness and chroma name the mid-saturation colours of photos (a
    steel-blue sky, brown fur) the way people do; the nearest entry of a small palette
    calls many of them "gray".
    """
    r, g, b = (channel / 255 for channel in rgb)
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    chroma = max(r, g, b) - min(r, g, b)
    if chroma < 0.1 or lightness < 0.08:
        return _gray_name(lightness)
    degrees = hue * 360
    name = next(label for bound, label in HUE_NAMES if degrees < bound)
    if name == "orange" and saturation < 0.5:  # muted oranges: wood, fur, sand, skin
        return "brown" if lightness < 0.6 else "beige"
    dark, light = SHADE_NAMES.get(name, (f"dark {name}", f"light {name}"))
    if lightness < (0.35 if name in ("orange", "yellow") else 0.3):
        return dark
    if lightness > 0.75:
        return light
    return name


def _gray_name(lightness: float) -> str:
    if lightness < 0.12:
        return "black"
    if lightness < 0.38:
        return "dark gray"
    if lightness < 0.65:
        return "gray"
    if lightness < 0.9:
        return "light gray"
    return "white"


def dominant_colors(image: Image.Image, count: int = 6) -> list[DominantColor]:
    """The image's main colours, merged by name, largest share first.

    Median-cut quantization of a small copy finds the clusters; naming them and adding
    up shares of clusters with the same name gives what a person would list.
    """
    small = to_rgb(image)
    small.thumbnail((128, 128))
    quantized = small.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    total = small.width * small.height
    shares: dict[str, float] = {}
    hexes: dict[str, str] = {}
    for pixels, index in sorted(quantized.getcolors() or [], reverse=True):
        assert isinstance(index, int)  # "P" images count palette indices
        rgb = (palette[3 * index], palette[3 * index + 1], palette[3 * index + 2])
        name = color_name(rgb)
        shares[name] = shares.get(name, 0.0) + pixels / total
        hexes.setdefault(name, "#{:02x}{:02x}{:02x}".format(*rgb))
    ranked = sorted(shares.items(), key=lambda item: -item[1])
    return [DominantColor(name, hexes[name], round(share, 3)) for name, share in ranked]


def brightness(rgb: Image.Image) -> float:
    """Mean brightness in 0..1: the average of luma and HSV value.

    Luma alone calls saturated red or blue "dark"; HSV value alone rates yellow and
    blue equally bright. Their mean matches how people describe both.
    """
    luma = ImageStat.Stat(rgb.convert("L")).mean[0]
    value = ImageStat.Stat(rgb.convert("HSV").getchannel("V")).mean[0]
    return round((luma + value) / 2 / 255, 3)


def contrast(rgb: Image.Image) -> float:
    """Standard deviation of luma, in 0..1 (0.5 would be half black, half white)."""
    return round(ImageStat.Stat(rgb.convert("L")).stddev[0] / 255, 3)


EDGE_FLOOR = 8  # edge responses below this (of 255) are noise or smooth shading


def sharpness(rgb: Image.Image) -> float:
    """How crisp the strongest edges are, 0..1, measured on a copy at most 512 px.

    It is the mean of the strongest edge responses: the top 0.5 % of all pixels, or
    the top quarter of the edge pixels if edges are rarer than that. The strongest
    edges, not the mean over the image, measure crispness: a two-tone picture with one
    hard boundary is sharp although almost all of it is flat. Resizing first makes the
    number comparable across sizes; the border is cropped because the edge filter
    treats it specially.
    """
    gray = rgb.convert("L")
    gray.thumbnail((512, 512))
    edges = gray.filter(ImageFilter.FIND_EDGES)
    if edges.width > 2 and edges.height > 2:
        edges = edges.crop((1, 1, edges.width - 1, edges.height - 1))
    histogram = edges.histogram()
    edge_pixels = sum(histogram[EDGE_FLOOR:])
    if not edge_pixels:
        return 0.0
    wanted = max(1, min(edge_pixels // 4, edges.width * edges.height // 200))
    taken = total = 0
    for level in range(255, EDGE_FLOOR - 1, -1):
        take = min(histogram[level], wanted - taken)
        taken += take
        total += take * level
        if taken >= wanted:
            break
    return round(total / wanted / 255, 3)


def describe(image: Image.Image) -> ImageDescription:
    """Measure ``image`` and phrase the measurements as one readable sentence."""
    width, height = image.size
    rgb = to_rgb(image)
    colors = dominant_colors(rgb)
    bright, spread, sharp = brightness(rgb), contrast(rgb), sharpness(rgb)
    shape = orientation(width, height)
    sentence = (
        f"A {width}{TIMES}{height} {shape} image, mostly {_color_phrase(colors)}, "
        f"{_brightness_word(bright)}, {_contrast_phrase(spread)}, "
        f"{_detail_phrase(sharp, spread)}."
    )
    return ImageDescription(
        description=sentence,
        width=width,
        height=height,
        orientation=shape,
        format=image.format or "unknown",
        dominant_colors=colors,
        brightness=bright,
        contrast=spread,
        sharpness=sharp,
    )


def _color_phrase(colors: list[DominantColor]) -> str:
    """'red', 'dark blue and white' or 'gray, blue and white': names of the big shares."""
    names = [c.name for c in colors if c.share >= 0.15][:3] or [colors[0].name]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _brightness_word(value: float) -> str:
    """A word for :func:`brightness`; 0.65 keeps pure red and blue "moderately bright"."""
    if value < 0.2:
        return "very dark"
    if value < 0.4:
        return "dark"
    if value < 0.65:
        return "moderately bright"
    if value < 0.85:
        return "bright"
    return "very bright"


def _contrast_phrase(value: float) -> str:
    """A phrase for :func:`contrast` (luma standard deviation)."""
    if value < 0.01:
        return "uniform"
    if value < 0.1:
        return "low contrast"
    if value < 0.25:
        return "medium contrast"
    return "high contrast"


def _detail_phrase(sharp: float, spread: float) -> str:
    """A phrase for :func:`sharpness`; flat images have no detail to judge."""
    # Thresholds measured on photos: crisp ones score 0.75-1.0, after a 2 px Gaussian
    # blur 0.1-0.25, after 5 px 0.03-0.06; smooth gradients score 0.
    if spread < 0.01:
        return "with no visible detail"
    if sharp >= 0.5:
        return "with sharp detail"
    if sharp >= 0.08:
        return "with soft detail"
    return "with no hard edges"


def transform(image: Image.Image, operation: Operation, amount: float) -> Image.Image:
    """Apply ``operation`` with strength ``amount`` (0..10); see ``TRANSFORM_HELP``."""
    if operation is Operation.grayscale:
        return ImageOps.grayscale(to_rgb(image))
    if operation is Operation.blur:
        return to_rgb(image).filter(ImageFilter.GaussianBlur(radius=amount))
    if operation is Operation.edges:
        edges = ImageOps.grayscale(to_rgb(image)).filter(ImageFilter.FIND_EDGES)
        return ImageOps.autocontrast(edges, cutoff=min(amount, 10) / 2)
    if operation is Operation.posterize:
        return ImageOps.posterize(to_rgb(image), bits=max(1, 8 - round(amount)))
    if operation is Operation.rotate:
        return image.convert("RGBA").rotate(
            amount * 18, expand=True, resample=Image.Resampling.BICUBIC
        )
    side = max(16, round(512 / 2 ** (amount / 2)))
    thumb = image.copy()
    thumb.thumbnail((side, side))
    return thumb


TRANSFORM_HELP = (
    "Strength from 0 to 10: grayscale ignores it; blur uses it as the Gaussian "
    "radius in pixels; edges clips that percentage of the darkest and brightest pixels "
    "(halved) before stretching contrast; posterize keeps 8 - amount bits per channel "
    "(at least 1); rotate turns counter-clockwise by amount * 18 degrees (5 is a quarter turn); "
    "thumbnail fits the image in a square of 512 / 2^(amount/2) pixels (2 gives 256 px)."
)


def _font(size: int) -> FreeTypeFont | ImageFont:
    """Pillow's bundled font at ``size``, or its bitmap font when FreeType is missing."""
    try:
        return load_default(size=size)
    except (ImportError, OSError, TypeError):
        return load_default()


def report_pdf(image: Image.Image, info: ImageDescription) -> bytes:
    """A one-page A4 PDF (150 dpi) with the image, its description and its colours."""
    page = Image.new("RGB", (1240, 1754), "white")
    draw = Draw(page)
    margin = 100
    draw.text((margin, margin), "Image report", fill="black", font=_font(56))
    picture = to_rgb(image)
    picture.thumbnail((page.width - 2 * margin, 900))
    top = margin + 100
    page.paste(picture, (margin, top))
    draw.rectangle(
        (margin - 1, top - 1, margin + picture.width, top + picture.height), outline="gray"
    )
    y = top + picture.height + 50
    body = _font(30)
    # Pillow's bundled font has no multiplication sign: write "640 x 480" instead.
    for line in textwrap.wrap(info.description.replace(TIMES, " x "), width=60):
        draw.text((margin, y), line, fill="black", font=body)
        y += 42
    y += 30
    for color in info.dominant_colors[:6]:
        draw.rectangle((margin, y, margin + 36, y + 36), fill=color.hex, outline="black")
        label = f"{color.name}  {color.hex}  {color.share:.0%}"
        draw.text((margin + 56, y), label, fill="black", font=body)
        y += 52
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150.0, title="Image report")
    return buffer.getvalue()
