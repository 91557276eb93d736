"""Draw the program's icon once: resources/icons/jobraad.png (window icon, Linux) and
jobraad.ico (the Windows build, build.spec). Run again only to change the icon; the files
are committed. Usage: .venv/bin/python scripts/make-icon.py"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "DejaVuSans-Bold.ttf"


def draw(size: int = 256) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((8, 8, size - 8, size - 8), radius=size // 6, fill=(27, 94, 140, 255))
    font = ImageFont.truetype(str(FONT), int(size * 0.62))
    pen.text((size / 2, size / 2 + size * 0.02), "j", font=font, fill=(255, 255, 255, 255), anchor="mm")
    # a tick: the checklist that runs through the caseworker's day
    pen.line(
        [(size * 0.60, size * 0.70), (size * 0.70, size * 0.80), (size * 0.86, size * 0.58)],
        fill=(255, 214, 102, 255),
        width=max(2, size // 16),
        joint="curve",
    )
    return image


if __name__ == "__main__":
    ICONS.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.save(ICONS / "jobraad.png")
    icon.save(ICONS / "jobraad.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
