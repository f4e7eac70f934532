"""Every kind of case has its title in Chinese (stored when the case opens, as before) and in
English (derived from the stored one for English pages, the unit's name kept as entered); a
task's English title is its form's (its version's when known); a legal basis in English names
the instrument by its rulebook's English title and keeps the article as cited."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from casework.engine.model.deploy import default_forms_dir
from casework.models.cases import CASE_KINDS
from casework.rulebooks import list_codes, load_rulebook
from casework.services.cases.titles import cited_text, national_instruments
from casework.services.penalty.terms import ARTICLES as PENALTY_ARTICLES
from casework.services.cases.titles import (KIND_TITLES, TITLES, case_title, citation, instrument_title,
                                            stored_title, task_title)

REGULATIONS = Path(__file__).resolve().parents[3] / "shared" / "regulations"
UNIT = "太原市某某商贸有限公司（迎泽店）"
# What rows stored before this module existed: f"{TITLES[kind]}：{unit.name}", written out.
OLD_ROWS = {"acceptance": "竣工验收", "filing": "备案", "rectification": "责令限期改正",
            "inspection": "监督检查", "footage_access": "查阅、复制、调取录像", "penalty": "行政处罚"}


def test_every_case_kind_has_a_title_in_both_languages():
    assert set(TITLES) == set(KIND_TITLES) == set(CASE_KINDS) == set(OLD_ROWS)
    assert TITLES["penalty"] == "行政处罚"
    for zh, en in KIND_TITLES.values():
        assert zh and en and en.isascii()


@pytest.mark.parametrize("kind", sorted(OLD_ROWS))
def test_new_and_old_rows_show_chinese_as_stored_and_english_derived(kind):
    new = stored_title(kind, UNIT)
    old = f"{OLD_ROWS[kind]}：{UNIT}"
    assert new == old  # the stored form did not change: old rows and new rows are alike
    assert case_title(old, "zh") == old
    assert case_title(old, "en") == f"{KIND_TITLES[kind][1]}: {UNIT}"  # the unit's name as entered


def test_a_title_in_no_known_form_is_shown_as_stored():
    assert case_title("人工录入的标题", "en") == "人工录入的标题"
    assert case_title("", "en") == ""
    assert case_title("备案的补充：x", "en") == "备案的补充：x"  # not the kind's name followed by ：


def test_a_task_is_titled_by_its_form_in_english():
    forms = {p.stem: json.loads(p.read_text(encoding="utf-8"))["title"] for p in default_forms_dir().glob("*.json")}
    for key, title in forms.items():
        assert task_title("任务名", key, "en") == title["en"]
        assert task_title("任务名", key, "zh") == "任务名"
    assert task_title("无表单的任务", None, "en") == "无表单的任务"
    assert task_title("未知表单", "no_such_form", "en") == "未知表单"


def test_a_task_is_titled_by_the_forms_of_its_version_when_given():
    edited = {"rectification_draft": "Draft the order (edited)"}
    assert task_title("拟制责令限期改正通知", "rectification_draft", "en", edited) == "Draft the order (edited)"
    assert task_title("拟制责令限期改正通知", "rectification_draft", "zh", edited) == "拟制责令限期改正通知"
    assert task_title("拟制", "not_in_this_version", "en", edited) == "拟制"  # its own name, not the shipped form


def test_every_rulebook_instrument_has_an_english_title_marked_unofficial():
    for code in list_codes():
        inst = load_rulebook(code).instrument
        assert inst.title_en.isascii() and inst.title_en[0].isupper() and not inst.title_en_official, code
        assert instrument_title(inst.title, "zh") == inst.title
        assert instrument_title(inst.title, "en") == f"{inst.title_en} (unofficial translation)"


def test_a_legal_basis_in_english_keeps_the_article_as_cited():
    zh = "太原市公共安全视频图像信息系统管理办法"
    assert citation(zh, "第十六条第一款", "zh") == f"《{zh}》第十六条第一款"
    assert citation(zh, "第十六条第一款", "en") == (
        "Measures of Taiyuan Municipality for the Administration of Public Security Video Image "
        "Information Systems (unofficial translation), 第十六条第一款")
    assert citation("", "第十六条", "en") == "第十六条"  # no instrument: the article alone, as before
    assert citation("某某条例", "第四十四条", "en") == "《某某条例》第四十四条"  # no English known: as written


APL_EN = "Administrative Penalty Law of the People's Republic of China"
PROCEDURE_EN = ("Provisions on the Procedures for Handling Administrative Cases by Public Security Organs"
                " (unofficial translation)")


def test_national_instruments_have_english_titles_in_one_place_official_only_where_published():
    listed = {inst["title"]: inst for inst in national_instruments()}
    assert listed["中华人民共和国行政处罚法"]["official"] is True  # the NPC's English text
    assert [t for t, inst in listed.items() if inst["official"]] == ["中华人民共和国行政处罚法"]
    for title, inst in listed.items():
        assert inst["title_en"].isascii() and inst["title_en"][0].isupper(), title
        if inst["file"] and REGULATIONS.is_dir():  # the text it names is there and is this instrument
            text = (REGULATIONS / inst["file"]).read_text(encoding="utf-8")
            assert text.lstrip("# ").startswith(title), title
    assert instrument_title("中华人民共和国行政处罚法", "en") == APL_EN
    assert instrument_title("行政处罚法", "en") == APL_EN  # the short name it is cited by
    assert instrument_title("公安机关办理行政案件程序规定", "en") == PROCEDURE_EN
    assert instrument_title("公安机关办理行政案件程序规定", "zh") == "公安机关办理行政案件程序规定"


def test_every_citation_of_a_penalty_period_names_its_instruments_in_english():
    for key, cited in PENALTY_ARTICLES.items():
        assert cited_text(cited, "zh") == cited
        shown = cited_text(cited, "en")
        assert "《" not in shown and "》" not in shown, key
        for article in re.findall(r"第[一二三四五六七八九十百零]+条", cited):
            assert article in shown, (key, article)  # the articles as cited
    assert cited_text(PENALTY_ARTICLES["service"], "en") == (
        f"{APL_EN}, 第六十一条; {PROCEDURE_EN}, 第三十六条")
    assert citation("", "《中华人民共和国行政处罚法》第六十条", "en") == f"{APL_EN}, 第六十条"  # written out whole
    assert cited_text("《某某条例》第一条；国办发〔2018〕118号", "en") == "《某某条例》第一条; 国办发〔2018〕118号"
    assert cited_text("", "en") == "" and cited_text("第十条", "en") == "第十条"
