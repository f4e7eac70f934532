"""Every quote is in its source text, under the article it cites, and holds every number."""
from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from casework.config import PROJECT_ROOT
from casework.rulebooks import list_codes, load_rulebook, vocabulary
from casework.rulebooks.loader import DATA_DIR, SOURCES_DIR

SHARED = PROJECT_ROOT.parent / "shared" / "regulations"  # ../shared beside the clone
DIGITS = "零一二三四五六七八九"
CN_VALUES = {c: i for i, c in enumerate(DIGITS)} | {"两": 2, "〇": 0}


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cn(n: int) -> str:
    """Chinese numeral for 0 < n < 10000 (十五, 三十, 五百, 一千)."""
    out, started = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if out and not started:
                out += "零"
            out += ("" if unit == "十" and not out and d == 1 else DIGITS[d]) + unit
            started = True
        elif out:
            started = False
    return out


def number_forms(n: int) -> list[str]:
    forms = [cn(n)] if n < 10000 else []
    if n % 10000 == 0:
        forms += [f"{n // 10000}万", f"{cn(n // 10000)}万"]
    if n == 2:
        forms.append("两")
    return forms


def has_number(quote: str, n: int) -> bool:
    q = norm(quote)
    return bool(re.search(rf"(?<!\d){n}(?!\d)", q)) or any(f in q for f in number_forms(n))


def has_date(quote: str, day: date) -> bool:
    q = norm(quote)
    if f"{day.year}年{day.month}月{day.day}日" in q:
        return True
    year_cn = "".join(DIGITS[int(c)] for c in str(day.year))
    chinese = f"{year_cn}年{cn(day.month)}月{cn(day.day)}日"
    return chinese in q or chinese.replace("零", "") in q  # OCR lost the 〇


def cn_to_int(text: str) -> int:
    total, current = 0, 0
    for ch in text:
        if ch in CN_VALUES:
            current = CN_VALUES[ch]
        else:
            unit = {"十": 10, "百": 100}[ch]
            total += (current or 1) * unit
            current = 0
    return total + current


def raw(code: str) -> dict:
    return tomllib.loads((DATA_DIR / f"{code}.toml").read_text(encoding="utf-8"))


def cited_tables(node, path=""):
    """Yield (path, table) for every table that has a quote."""
    if isinstance(node, dict):
        if "quote" in node:
            yield path, node
        for key, value in node.items():
            yield from cited_tables(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from cited_tables(value, f"{path}[{i}]")


def uncited_numbers(node, path=""):
    """Numbers that sit in a table without a quote (none may, but schema_version)."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if "quote" not in node and key != "schema_version" and (
                    isinstance(value, (int, date)) and not isinstance(value, bool)):
                yield here
            yield from uncited_numbers(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from uncited_numbers(value, f"{path}[{i}]")


CODES = list_codes()


@pytest.mark.parametrize("code", CODES)
def test_every_quote_is_in_its_source_text(code):
    data = raw(code)
    source = norm((SOURCES_DIR / data["source_file"]).read_text(encoding="utf-8"))
    missing = [f"{p}: {t[k]}" for p, t in cited_tables(data) for k in ("quote", "date_quote")
               if k in t and norm(t[k]) not in source]
    assert not missing, "\n".join(missing)


def article_spans(text: str) -> dict[int, list[tuple[int, int]]]:
    """Article number -> spans in `text`, from headings in increasing order."""
    heading = re.compile(r"第([一二三四五六七八九十百]+)条")  # the first "article N" after N-1
    starts, expected = [], 1
    for match in heading.finditer(text):
        number = cn_to_int(match.group(1))
        if number == expected:
            starts.append((number, match.start(1)))
            expected += 1
    spans: dict[int, list[tuple[int, int]]] = {}
    for i, (number, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        spans.setdefault(number, []).append((start, end))
    return spans


@pytest.mark.parametrize("code", CODES)
def test_every_quote_sits_in_the_article_it_cites(code):
    data = raw(code)
    text = (SOURCES_DIR / data["source_file"]).read_text(encoding="utf-8")
    spans = article_spans(text)
    assert len(spans) >= 20, "article headings not found"
    wrong = []
    for path, table in cited_tables(data):
        article = cn_to_int(re.match(r"第([一二三四五六七八九十百]+)条", table["article"]).group(1))
        pattern = r"\s*".join(map(re.escape, norm(table["quote"])))
        hits = [m.start() for m in re.finditer(pattern, text)]
        if not any(s <= h < e for h in hits for s, e in spans.get(article, [])):
            wrong.append(f"{path}: {table['article']} does not contain {table['quote'][:30]}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("code", CODES)
def test_every_number_appears_in_its_quote(code):
    data = raw(code)
    problems = list(uncited_numbers(data))
    for path, table in cited_tables(data):
        quote = table["quote"] + table.get("date_quote", "")
        for key, value in table.items():
            if isinstance(value, bool):
                continue
            if isinstance(value, date):
                ok = has_date(quote, value)
            elif isinstance(value, int):
                ok = has_number(quote, value)
            elif key == "period" and value == "promptly":
                ok = "及时" in norm(quote)
            elif key == "period":
                ok = has_number(quote, int(value[:-1])) and (
                    value.endswith("d") and "日" in quote or value.endswith("m") and "月" in quote)
            else:
                continue
            if not ok:
                problems.append(f"{path}.{key} = {value} not in {table['quote']!r}")
    assert not problems, "\n".join(problems)


def test_number_forms_cover_both_scripts():
    assert has_number("至少留存三十日", 30) and has_number("不少于30日", 30)
    assert has_number("处1万元以下罚款", 10000) and has_number("一千元", 1000)
    assert has_number("不得少于两人", 2) and not has_number("5000元", 500)
    assert has_date("自 2017 年 9 月 5 日起", date(2017, 9, 5))
    assert has_date("二 七年八月一日", date(2007, 8, 1))


def test_sources_are_the_shared_texts():
    if not SHARED.is_dir():
        pytest.skip("shared regulations folder not present")
    for path in SOURCES_DIR.iterdir():
        shared = SHARED / path.name
        if not shared.exists():
            shared = SHARED / "national" / path.name
        assert path.read_bytes() == shared.read_bytes(), path.name


def test_every_rulebook_loads_and_uses_only_vocabulary_codes():
    vocab = vocabulary()
    for code in CODES:
        book = load_rulebook(code)
        assert len(book.sha256) == 64
        assert set(book.violations) <= set(vocab["violations"])
        for item in book.mandatory_sites:
            assert set(item.categories) <= set(vocab["site_categories"])


def test_filing_attachments_are_the_windows_cited_data():
    taiyuan = load_rulebook("taiyuan").filing["after_acceptance"].attachments
    assert taiyuan.items == ("design_plan", "contract", "acceptance_documents", "equipment_list")
    assert (taiyuan.source, taiyuan.article) == ("taiyuan", "第十六条第一款")
    assert load_rulebook("taiyuan").filing["after_dismantling"].attachments is None
    assert load_rulebook("changzhou").filing["after_acceptance"].attachments.article == "第十七条"
    assert all(r.attachments is None for r in load_rulebook("national").filing.values())


def test_digest_counts_match_the_texts():
    counts = {"anyang": 11, "taiyuan": 12, "tengchong": 15, "inner_mongolia": 13, "changzhou": 13}
    for code, n in counts.items():
        assert len(load_rulebook(code).mandatory_sites) == n, code
    assert load_rulebook("tengchong").valid_until == date(2022, 9, 4)
    assert load_rulebook("national").valid_from == date(2025, 4, 1)
