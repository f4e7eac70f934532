"""The schema rejects unknown keys and wrong types, naming the file and key path."""
from __future__ import annotations

import copy
import tomllib

import pytest

from casework.errors import InvalidInput
from casework.rulebooks import RulebookSchemaError, vocabulary
from casework.rulebooks.loader import DATA_DIR, parse_rulebook


@pytest.fixture
def taiyuan():
    return tomllib.loads((DATA_DIR / "taiyuan.toml").read_text(encoding="utf-8"))


def check(data, *needles):
    with pytest.raises(RulebookSchemaError) as info:
        parse_rulebook(data, "taiyuan.toml", vocabulary())
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    return message


def test_valid_file_parses(taiyuan):
    assert parse_rulebook(taiyuan, "taiyuan.toml", vocabulary()).retention.min_days == 15


def test_unknown_key_is_an_error(taiyuan):
    taiyuan["retention"]["max_days"] = 40
    check(taiyuan, "taiyuan.toml", "retention", "max_days", "unexpected")


def test_unknown_top_level_key(taiyuan):
    taiyuan["penalties"] = {}
    check(taiyuan, "taiyuan.toml: (top level)", "penalties")


def test_wrong_type_names_the_path(taiyuan):
    taiyuan["violations"]["not_filed"]["fines"][0]["max"] = "1000"
    check(taiyuan, "violations.not_filed.fines[0].max", "is not of type 'integer'")


def test_date_must_be_a_toml_date(taiyuan):
    taiyuan["instrument"]["valid_from"] = "2010-10-01"
    check(taiyuan, "instrument.valid_from", "'date'")


def test_unknown_violation_code_and_category(taiyuan):
    taiyuan["violations"]["jaywalking"] = copy.deepcopy(taiyuan["violations"]["not_filed"])
    taiyuan["mandatory_sites"][0]["categories"] = ["spaceport"]
    check(taiyuan, "violations", "jaywalking", "mandatory_sites[0].categories[0]", "spaceport")


def test_filing_attachments_use_vocabulary_codes_and_are_cited(taiyuan):
    listed = taiyuan["filing"]["after_acceptance"]["attachments"]
    listed["items"] = ["design_plan", "blueprints"]
    del listed["quote"]
    check(taiyuan, "filing.after_acceptance.attachments.items[1]", "blueprints",
          "'quote' is a required property")


def test_bad_period_article_and_missing_quote(taiyuan):
    taiyuan["filing"]["after_acceptance"]["period"] = "30 days"
    taiyuan["retention"]["article"] = "art. 19"
    del taiyuan["access"]["quote"]
    check(taiyuan, "filing.after_acceptance.period", "retention.article",
          "access: 'quote' is a required property")


def test_code_must_match_file_name_and_fine_band_order(taiyuan):
    taiyuan["code"] = "anyang"
    taiyuan["violations"]["not_filed"]["fines"][0]["min"] = 5000
    check(taiyuan, "must equal the file name", "violations.not_filed.fines[0]: min > max")


def test_schema_error_is_invalid_input():
    assert issubclass(RulebookSchemaError, InvalidInput)
