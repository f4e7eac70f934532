"""The penalty settings' numbers (casework/services/penalty/settings.toml) are quoted from their
texts, like the rulebooks': each quote sits in the article it cites and holds its numbers. No
jurisdiction's text sets a hearing threshold, so each uses the Ministry's, saying so."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from casework.rulebooks import load_rulebook
from casework.rulebooks.loader import SOURCES_DIR
from casework.services.penalty import terms
from tests.unit.law.test_rulebooks_data import SHARED, cn_to_int, has_number, norm

SETTINGS = Path(terms.__file__).with_name("settings.toml")
JURISDICTIONS = ("anyang", "taiyuan", "tengchong", "inner_mongolia", "changzhou")
QUOTES = ("quote", "defers_quote")
NUMERAL = "零一二三四五六七八九十百"  # national texts pass 第一百条: 第一百零一条 ...


def article_spans(text: str) -> dict[int, tuple[int, int]]:
    """Article number -> its span, from headings in increasing order (cross-references skipped)."""
    starts, expected = [], 1
    for match in re.finditer(rf"第([{NUMERAL}]+)条", text):
        if cn_to_int(match.group(1)) == expected:
            starts.append((expected, match.start()))
            expected += 1
    ends = [start for _n, start in starts[1:]] + [len(text)]
    return {number: (start, end) for (number, start), end in zip(starts, ends)}


def _cited() -> list[tuple[str, dict]]:
    data = tomllib.loads(SETTINGS.read_text("utf-8"))
    return [(f"{code}.{name}", entry) for code, section in data.items() for name, entry in section.items()
            if isinstance(entry, dict) and "quote" in entry]


@pytest.mark.parametrize("path,entry", _cited(), ids=[p for p, _ in _cited()])
def test_every_settings_quote_sits_in_the_article_it_cites(path, entry):
    if not SHARED.is_dir():
        pytest.skip("shared regulations folder not present")
    text = (SHARED / entry["source_file"]).read_text(encoding="utf-8")
    spans = article_spans(text)
    article = cn_to_int(re.search(rf"第([{NUMERAL}]+)条", entry["article"]).group(1))
    for key in (k for k in QUOTES if k in entry):
        pattern = r"\s*".join(map(re.escape, norm(entry[key])))
        hits = [m.start() for m in re.finditer(pattern, text)]
        start, end = spans[article]
        assert any(start <= h < end for h in hits), f"{path}.{key} not in {entry['article']}"
    for key in ("unit", "person"):
        if key in entry:
            assert has_number(entry["quote"], entry[key]), f"{path}.{key} = {entry[key]} not quoted"


@pytest.mark.parametrize("code", JURISDICTIONS)
def test_no_jurisdiction_sets_a_hearing_threshold_so_the_ministrys_applies(code):
    found = terms.hearing_threshold(code)
    assert found["set_locally"] is False
    assert load_rulebook(code).instrument.title in found["searched"]  # the text read
    text = norm((SOURCES_DIR / load_rulebook(code).source_file).read_text(encoding="utf-8"))
    assert "听证" not in text and "较大数额" not in text  # ... and found silent
    assert (found["unit"], found["person"]) == (10000, 2000)
    assert (found["source"], found["article"]) == ("公安机关办理行政案件程序规定", "第一百二十三条第二款")
    # a local government rule: the Ministry's rule defers to a local provision the library lacks
    assert found["local_rule"] is (code in ("taiyuan", "inner_mongolia"))
    assert bool(found["missing"]) is found["local_rule"]


def test_hearing_right_follows_the_threshold_per_party():
    assert terms.hearing_right("tengchong", "business", "fine", 10000)
    assert not terms.hearing_right("tengchong", "other", "fine", 9999)
    assert terms.hearing_right("changzhou", "person", "fine", 2000)
    assert not terms.hearing_right("changzhou", "person", "fine", 1999)
    assert terms.setting("taiyuan", "hearing") == terms.hearing_threshold("taiyuan")


def test_the_guidance_says_where_the_thresholds_come_from():
    local = {"min": 5000, "max": 10000, "source": "inner_mongolia", "article": "第二十三条"}
    zh = [line["zh"] for line in terms.hearing_guidance("inner_mongolia", local)]
    assert "单位处10000元以上、对个人处2000元以上" in zh[0] and "第一百二十三条第二款" in zh[0]
    assert "第203号" in zh[1] and "未规定较大数额罚款的标准" in zh[1] and "全国标准" in zh[1]
    assert "地方政府规章" in zh[2] and "内蒙古自治区关于适用听证的罚款数额的地方规定未收录" in zh[2]
    national = {**local, "source": "national"}  # a fine under the State Council's regulation
    assert len(terms.hearing_guidance("inner_mongolia", national)) == 2
    assert len(terms.hearing_guidance("changzhou", local | {"source": "changzhou"})) == 2
