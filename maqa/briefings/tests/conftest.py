from __future__ import annotations

import io
from pathlib import Path

import pytest

from maqa.briefings.types import BriefingRecord
from maqa.testing.briefings import sample_record


@pytest.fixture
def record() -> BriefingRecord:
    return sample_record(children=6, findings=15)


def png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 72, 72), fill=(29, 112, 184))
    draw.rectangle((90, 30, 230, 50), fill=(15, 122, 82))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def logo_file(tmp_path: Path) -> Path:
    path = tmp_path / "logo.png"
    path.write_bytes(png_bytes())
    return path
