"""`casework rulebook list|show` through click's CliRunner (no database)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from casework.cli import main


def run(*args):
    result = CliRunner().invoke(main, ["rulebook", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_show_taiyuan_json_has_local_and_effective_rules(clock):
    data = json.loads(run("show", "taiyuan", "--json"))
    assert data["on"] == "2026-03-02" and data["expired"] is False
    local = data["rulebook"]
    assert local["retention"]["min_days"] == 15 and local["retention"]["article"] == "第十九条第三项"
    filing = local["filing"]["after_acceptance"]
    assert (filing["period"], filing["article"]) == ("30d", "第十六条第一款")
    for code, article in (("not_built_mandatory", "第二十四条"), ("not_filed", "第二十六条"),
                          ("short_retention", "第二十七条")):
        fine = local["violations"][code]["fines"][0]
        assert (fine["min"], fine["max"], fine["article"]) == (500, 1000, article)
    eff = data["effective"]
    assert eff["retention"]["min_days"] == 30 and eff["retention"]["source"] == "national"
    assert eff["filing"]["after_acceptance"]["source"] == "taiyuan"
    reasons = {d["topic"]: d for d in eff["decisions"]}
    considered = {(c["source"], c["article"]) for c in reasons["retention"]["considered"]}
    assert considered == {("taiyuan", "第十九条第三项"), ("national", "第十七条")}


def test_show_on_a_past_date_and_expired_rulebook(clock):
    old = json.loads(run("show", "taiyuan", "--json", "--on", "2020-01-01"))
    assert old["effective"]["retention"]["min_days"] == 15
    gone = json.loads(run("show", "tengchong", "--json"))
    assert gone["expired"] is True and gone["effective"] is None
    assert "2022-09-04" in gone["effective_error"]
    text = run("show", "taiyuan")
    assert "第十九条第三项" in text and "保存期限" in text


def test_show_lists_the_attachments_a_filing_needs(clock):
    data = json.loads(run("show", "changzhou", "--json"))
    listed = data["rulebook"]["filing"]["after_acceptance"]["attachments"]
    assert listed["items"] == ["design_plan", "acceptance_documents", "equipment_list"]
    assert data["effective"]["filing"]["after_acceptance"]["attachments"]["article"] == "第十七条"
    text = run("show", "taiyuan")
    assert "须附材料 attachments: 系统设计（建设）方案、合同书" in text
    assert "[taiyuan 第十六条第一款]" in text and "[taiyuan 第三十条]" in text


def test_list_shows_validity_and_expiry(clock):
    out = run("list")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert set(lines) == {"national", "anyang", "taiyuan", "tengchong", "inner_mongolia",
                          "changzhou"}
    assert "expired" in lines["tengchong"] and "2022-09-04" in lines["tengchong"]
    assert "in force" in lines["taiyuan"]


def test_unknown_code_is_one_clear_line(clock):
    result = CliRunner().invoke(main, ["rulebook", "show", "atlantis"])
    assert result.exit_code == 1 and "atlantis" in result.output
