"""The modeler shows server texts in the page's language: one half of "中文 / English", or a keyed
problem's own line."""
from __future__ import annotations

import pytest

from web.i18n import one_language, problem


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("草稿已变更 / the draft changed", "草稿已变更", "the draft changed"),
    ("第 1 行第 2 列 / line 1 column 2", "第 1 行第 2 列", "line 1 column 2"),
    # a label inside the Chinese half written in both languages: split where the Chinese ends
    ("元素 t1：循环条件 / loop expression 不安全：x / element t1: loop expression refused: x",
     "元素 t1：循环条件 / loop expression 不安全：x", "element t1: loop expression refused: x"),
    ("form larger than 10 bytes", "form larger than 10 bytes", "form larger than 10 bytes"),  # English only
    ("a / b", "a / b", "a / b"),
    ("泳道「复核」 / lane 复核", "泳道「复核」 / lane 复核", "泳道「复核」 / lane 复核"),  # no clean split: all
])
def test_one_language_takes_the_half_of_the_page_language(text, zh, en):
    assert one_language(text, "zh") == zh and one_language(text, "en") == en


def test_a_keyed_problem_uses_its_own_line_an_older_one_half_of_its_message():
    keyed = {"element": "t1", "key": "form_key_missing", "params": {}, "message": "元素 t1：缺少 / element t1: missing",
             "message_zh": "元素 t1（userTask）：缺少 formKey 属性", "message_en": "element t1 (userTask): missing"}
    assert problem(keyed, "zh")["text"] == "元素 t1（userTask）：缺少 formKey 属性"
    assert problem(keyed, "en") == {**keyed, "text": "element t1 (userTask): missing"}
    older = {"element": "t1", "message": "元素 t1：缺少 formKey 属性 / element t1: missing the formKey property"}
    assert problem(older, "en")["text"] == "element t1: missing the formKey property"

