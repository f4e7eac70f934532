"""Hostile and awkward context values: markup, fetches, control characters, size, layout."""
from __future__ import annotations

import io
import re
import socket
import subprocess
import threading

import pytest
from PIL import Image
from pypdf import PdfReader

from casework.documents import render
from casework.documents.render import pdf_from_html, render_html
from casework.documents.samples import full_context
from casework.errors import InvalidInput


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def image_count(data: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(data)).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        count += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")
    return count


def pages_as_images(data: bytes, tmp_path, dpi: int = 50) -> list[Image.Image]:
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(tmp_path / "p")],
                   check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("p*.png"))]


def test_markup_in_a_party_name_prints_as_text():
    ctx = full_context("penalty_decision")
    ctx["party"]["name"] = '晋阳<img src="file:///etc/passwd"><b>商贸</b>'
    ctx["facts"] = "</p><style>*{color:red;background:url(file:///etc/passwd)}</style>事实"
    html = render_html("penalty_decision", ctx)
    assert "<img src=" not in html and "<style>*{" not in html
    data = render("penalty_decision", ctx)
    text = text_of(data)
    assert '晋阳<imgsrc="file:///etc/passwd"><b>商贸</b>' in text
    assert "</p><style>*{color:red;background:url(file:///etc/passwd)}</style>事实" in text
    assert image_count(data) == 0


@pytest.fixture
def png_file(tmp_path):
    path = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), (0, 0, 255)).save(path)
    return path


def test_no_local_file_is_fetched_even_if_markup_gets_through(png_file):
    """The second wall: the WeasyPrint url_fetcher refuses everything outside templates/."""
    url = png_file.as_uri()
    html = (f'<html><head><style>@import url("{url}"); div {{ background: url("{url}"); '
            f'height: 20mm }}</style></head><body><img src="{url}"><div>x</div>'
            f'<img src="file:///etc/passwd"></body></html>')
    assert image_count(pdf_from_html(html)) == 0


def test_no_network_fetch():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(3)
    port = server.getsockname()[1]
    hits: list[bool] = []

    def accept() -> None:
        try:
            conn, _ = server.accept()
            hits.append(True)
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    pdf_from_html(f'<html><body><img src="http://127.0.0.1:{port}/x.png">'
                  f'<p style="background:url(http://127.0.0.1:{port}/y.png)">x</p></body></html>')
    server.close()
    thread.join()
    assert hits == []


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\u202e", "\u200b", "\ue000", "\x7f"])
def test_control_and_format_characters_are_refused(bad):
    ctx = full_context("rectification_order")
    ctx["facts"] = f"经查{bad}你单位"
    with pytest.raises(InvalidInput, match=r"rectification_order\.facts"):
        render_html("rectification_order", ctx)


def test_a_party_name_with_a_bidi_override_is_refused():
    ctx = full_context("penalty_decision")
    ctx["party"]["name"] = "晋阳商贸\u202e司公限有"
    with pytest.raises(InvalidInput, match=r"envelope\.party\.name"):
        render_html("penalty_decision", ctx)


def test_line_breaks_and_tabs_are_text():
    ctx = full_context("rectification_order")
    ctx["facts"] = "第一行\r\n第二行\t第三行"
    assert "第一行" in render_html("rectification_order", ctx)


def test_huge_values_are_refused_quickly():
    ctx = full_context("rectification_order")
    ctx["facts"] = "很长" * 500_000
    with pytest.raises(InvalidInput, match=r"facts.*longer than"):
        render_html("rectification_order", ctx)
    ctx = full_context("access_register_extract")
    ctx["entries"] = ctx["entries"] * 1000
    with pytest.raises(InvalidInput, match=r"entries has more than"):
        render_html("access_register_extract", ctx)


def _right_margin_is_clear(images: list[Image.Image]) -> bool:
    """Nothing printed in the outer 20 mm of the 26 mm right margin."""
    for image in images:
        width, height = image.size
        strip = image.crop((width - int(width * 20 / 210), 0, width, height))
        if strip.getextrema()[0] < 128:
            return False
    return True


def test_long_unbroken_names_wrap_instead_of_leaving_the_page(tmp_path):
    ctx = full_context("penalty_decision")
    name = "ShanxiJinyangTradingAndLogisticsInternationalHoldingsGroupCompanyLimitedBranchNo7"
    ctx["party"]["name"] = name
    ctx["payment_place"] = "非税收入账户" + "6222020200112233445566778899" * 2
    data = render("penalty_decision", ctx)
    assert name in text_of(data)
    assert _right_margin_is_clear(pages_as_images(data, tmp_path))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_wide_tables_stay_inside_the_page(tmp_path, lang):
    ctx = full_context("access_register_extract")
    ctx["entries"] = ctx["entries"] * 4
    ctx["entries"][0] = {**ctx["entries"][0], "requester": "B" * 60}
    data = render("access_register_extract", ctx, lang)
    assert _right_margin_is_clear(pages_as_images(data, tmp_path))
    text = text_of(data)
    assert text.count("迎泽分局负责人批准") == 8  # no column fell off the page


def test_a_long_organ_name_keeps_the_red_header_on_one_line():
    ctx = full_context("penalty_decision")
    ctx["organ"] = "太原市公安局迎泽分局治安管理支队"
    html = render_html("penalty_decision", ctx)
    assert 'class="organ long"' in html


def test_the_seal_block_keeps_with_the_text(tmp_path):
    """However long the facts, the last page has body text above the signature."""
    for extra in range(0, 300, 20):
        ctx = full_context("rectification_order")
        ctx["facts"] += "补充事实" * extra
        data = render("rectification_order", ctx)
        reader = PdfReader(io.BytesIO(data))
        last = re.sub(r"\s+", "", reader.pages[-1].extract_text())
        assert "太原市公安局" in last
        body = last.split("联系人及电话")[0]
        assert len(re.sub(r"—\d+—", "", body)) > 10, (extra, last)
