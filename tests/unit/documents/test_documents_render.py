"""Rendering every kind: text, fonts, page image, context contract (no database)."""
from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from casework.documents import KINDS, render
from casework.documents.formatting import capital_yuan, cn_date, format_number, number_key
from casework.documents.samples import KIND_CONTEXTS, full_context
from casework.errors import InvalidInput

RED = (0xC8, 0x16, 0x1D)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {kind: render(kind, full_context(kind)) for kind in KINDS}


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    return re.sub(r"—\d+—", "", text)  # page numbers land mid-sentence at page breaks


def png_page1(data: bytes, tmp_path) -> tuple[int, int, bytes]:
    """Page 1 through `pdftoppm -r 50 -png`, decoded by a tiny PNG reader (8-bit RGB)."""
    src = tmp_path / "doc.pdf"
    src.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(src),
                    str(tmp_path / "page")], check=True)
    raw = next(tmp_path.glob("page*.png")).read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos:pos + 4])
        tag, body = raw[pos + 4:pos + 8], raw[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert (depth, colour, interlace) == (8, 2, 0), header
    stream, stride = zlib.decompress(idat), width * 3
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        row = y * (stride + 1)
        kind, line = stream[row], bytearray(stream[row + 1:row + 1 + stride])
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0
            b, c = prev[x], prev[x - 3] if x >= 3 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        out += line
        prev = line
    return width, height, bytes(out)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_carries_number_party_and_organ(pdfs, kind):
    text = text_of(pdfs[kind])
    number = format_number("太公(视)", KINDS[kind].code, 2026, 1)
    assert number in text
    assert KINDS[kind].title_zh in text
    assert "太原市公安局" in text
    assert "太原市迎泽区晋阳商贸有限公司" in text
    assert "二〇二六年三月二日" in text
    if kind != "service_receipt":
        assert "91140106MA0KX1234Q" in text and "迎泽大街100号" in text and "王建国" in text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_quotes_its_articles(pdfs, kind):
    text = text_of(pdfs[kind])
    ctx = KIND_CONTEXTS[kind]
    for key in ("violated", "applied", "basis"):
        for provision in ctx.get(key, []):
            assert provision["article"] in text
            assert re.sub(r"\s+", "", provision["text"])[:30] in text


def test_penalty_decision_has_everything_apl_59_lists(pdfs):
    text = text_of(pdfs["penalty_decision"])
    assert "人民币800元（大写：捌佰元整）" in text
    assert "十五日内" in text and "第六十七条" in text  # how and when to pay
    assert "中国工商银行太原迎泽支行" in text
    assert "每日按罚款数额的百分之三加处罚款（即每日24元）" in text  # APL art. 72
    assert "不得超出罚款的数额（即最多800元）" in text
    assert "六十日内向太原市人民政府申请行政复议" in text
    assert "六个月内依法向太原市迎泽区人民法院提起行政诉讼" in text
    assert "现场检查笔录" in text  # evidence
    assert "太公(视)罚告字〔2026〕第0007号" in text  # prior notice
    assert "（印章）" in text


def test_notices_carry_deadlines_and_consequences(pdfs):
    rect = text_of(pdfs["rectification_order"])
    assert "二〇二六年三月十六日（含当日）前改正" in rect
    assert "逾期不改正的" in rect and "500元以上1000元以下罚款" in rect
    notice = text_of(pdfs["penalty_notice"])
    assert "第四十四条" in notice and "二〇二六年三月五日" in notice
    assert "二〇二六年三月九日" in notice and "听证" in notice
    reminder = text_of(pdfs["payment_reminder"])
    assert "合计人民币1,376元（大写：壹仟叁佰柒拾陆元整）" in reminder
    assert "送达十日后" in reminder and "第五十四条" in reminder
    hearing = text_of(pdfs["hearing_notice"])
    assert "二〇二六年三月十三日上午九时三十分" in hearing and "一至二人代理" in hearing


def test_fonts_are_embedded_and_subset(pdfs):
    reader = PdfReader(io.BytesIO(pdfs["penalty_decision"]))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            names.add(str(font["/BaseFont"]))
    assert names and all(re.match(r"^/[A-Z]{6}\+", n) for n in names), names
    assert any("Noto-Serif-CJK-SC" in n for n in names)
    assert len(pdfs["penalty_decision"]) < 600_000


def test_page_one_is_not_blank_and_has_the_red_header(pdfs, tmp_path):
    width, height, px = png_page1(pdfs["rectification_order"], tmp_path)
    dark = red = 0
    for i in range(0, len(px), 3):
        r, g, b = px[i], px[i + 1], px[i + 2]
        if r + g + b < 450:
            dark += 1
        if r > 150 and g < 90 and b < 90:
            red += 1
    assert dark > width * height * 0.01  # text
    assert red > 500  # 太原市公安局 and the rule, in #c8161d


def test_english_labels(tmp_path):
    text = text_of(render("penalty_decision", full_context("penalty_decision"), "en"))
    assert "AdministrativePenaltyDecision" in text
    assert "within60days" in text and "3%ofthefineperday" in text


def test_missing_field_is_named():
    ctx = full_context("penalty_decision")
    del ctx["review"]["court"]
    with pytest.raises(InvalidInput, match=r"penalty_decision\.review\.court"):
        render("penalty_decision", ctx)
    ctx = full_context("rectification_order")
    ctx["deadline"] = None
    with pytest.raises(InvalidInput, match=r"rectification_order\.deadline"):
        render("rectification_order", ctx)


def test_rules_of_law_are_checked():
    ctx = full_context("payment_reminder")
    ctx["surcharge_amount"] = "900"  # more than the fine: APL art. 72
    with pytest.raises(InvalidInput, match="surcharge_amount"):
        render("payment_reminder", ctx)
    ctx = full_context("hearing_notice")
    ctx["hearing_at"] = "2026-03-06T09:00"  # fewer than 7 days: APL art. 64(2)
    with pytest.raises(InvalidInput, match="7 working days"):
        render("hearing_notice", ctx)
    ctx = full_context("penalty_decision")
    ctx["fine_amount"] = 800.0  # floats are refused
    with pytest.raises(InvalidInput, match="fine_amount"):
        render("penalty_decision", ctx)


def test_formatting():
    assert cn_date(date(2026, 3, 2)) == "二〇二六年三月二日"
    assert cn_date(date(2026, 12, 31)) == "二〇二六年十二月三十一日"
    assert capital_yuan(Decimal("800")) == "捌佰元整"
    assert capital_yuan(Decimal("10001")) == "壹万零壹元整"
    assert capital_yuan(Decimal("1203.5")) == "壹仟贰佰零叁元伍角"
    assert format_number("太公(视)", "限改", 2026, 1) == "太公(视)限改字〔2026〕第0001号"
    assert number_key("太公(视)限改字〔2026〕第0001号") == "太公-视-限改字-2026-第0001号"
