"""Names of facts: Chinese as well as ASCII, compared in NFKC, ``分值`` and ``自评分`` read as ``weight`` and
``claim``; every shipped spec and example scores the same with its facts renamed in Chinese."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfrules
from perfrules._rules.names import RESERVED, is_fact_name, normal
from perfrules._yaml import dump_yaml, load_yaml
from perfrules.exceptions import PerfrulesError, SpecError

from .conftest import ROOT, SEED_FACTS

HEAD = "spec: 1\nid: t/names\nversion: '1'\nname: 名称\n"
GRADES = "grades: [{min: 9, label: 优}, {min: 0, label: 差}]\n"


def spec_text(facts: str, expression: str) -> str:
    leaf = f"  - {{id: '1', name: 执行率, weight: 10, expression: '{expression}'}}\n"
    return f"{HEAD}facts:\n{facts}indicators:\n{leaf}{GRADES}"


CHINESE = spec_text(
    "  全年预算数: {type: number, min: 0}\n  执行数: {type: number, min: 0}\n", "分值 * min(执行数 / 全年预算数, 1)"
)
ENGLISH = spec_text(
    "  budget: {type: number, min: 0}\n  spent: {type: number, min: 0}\n", "weight * min(spent / budget, 1)"
)


class TestTheRule:
    @pytest.mark.parametrize("name", ["执行数", "全年预算数A", "x", "a执行_2", "𠀀数", "ｅｘｅｃｕｔｅｄ", "数" * 64])
    def test_names_taken(self, name: str) -> None:
        """ASCII letters, digits and '_' and Han ideographs (Extension B too), read in NFKC, up to 64."""
        assert is_fact_name(normal(name))

    @pytest.mark.parametrize(
        "name",
        ["1数", "_数", "数-值", "数 值", "数·值", "аbc", "ο", "数" * 65, "if", "分值", "自评分", "weight", "claim"],
    )
    def test_names_refused(self, name: str) -> None:
        """Digits or '_' first, punctuation, other scripts (Cyrillic а, Greek ο), too long, keywords, reserved."""
        assert not is_fact_name(normal(name))

    def test_every_reserved_name_has_both_spellings(self) -> None:
        """weight and claim, and their Chinese names."""
        assert {"weight", "claim", "分值", "自评分"} == RESERVED


class TestChineseNames:
    def test_chinese_rule_scores_as_the_english_one(self) -> None:
        """The rule written with Chinese names and 分值 gives what the English one gives, on both engines."""
        for engine in ("compiled", "interpreter"):
            chinese = perfrules.evaluate(
                perfrules.load_spec(CHINESE), {"facts": {"全年预算数": "1291.73", "执行数": "1288.38"}}, engine=engine
            )
            english = perfrules.evaluate(
                perfrules.load_spec(ENGLISH), {"facts": {"budget": "1291.73", "spent": "1288.38"}}, engine=engine
            )
            assert (Decimal("9.97"), Decimal("9.97")) == (chinese.total, english.total)

    def test_claim_in_chinese(self) -> None:
        """自评分 is the unit's claim, as claim is."""
        text = spec_text("  执行数: {type: number, min: 0}\n", "min(自评分, 执行数, 分值)")
        result = perfrules.evaluate(
            perfrules.load_spec(text), {"facts": {"执行数": 8}, "assessments": {"1": {"score": "7.5"}}}
        )
        assert Decimal("7.50") == result.total

    def test_explanation_shows_the_names_as_written(self) -> None:
        """The explanation's rule and inputs read as the spec writes them."""
        result = perfrules.evaluate(perfrules.load_spec(CHINESE), {"facts": {"全年预算数": 10, "执行数": 5}})
        text = perfrules.explain(result, "1").text("zh")
        assert "分值 * min(执行数 / 全年预算数, 1)" in text and "全年预算数 = 10" in text

    def test_misspelt_chinese_name_gets_a_suggestion(self) -> None:
        """A rule's name one character off the declared one is suggested it, in both languages."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(CHINESE.replace("/ 全年预算数", "/ 全年预算"))
        [problem] = info.value.diagnostics
        assert "unknown-name" == problem.code
        assert "(did you mean '全年预算数'?)" in problem.message and "（是否应为 '全年预算数'？）" in str(
            problem.message_zh
        )

    def test_facts_key_misspelt_in_chinese(self) -> None:
        """An undeclared Chinese key in the facts is suggested the declared one."""
        with pytest.raises(PerfrulesError) as info:
            perfrules.evaluate(perfrules.load_spec(CHINESE), {"facts": {"全年预算数": 10, "执行额": 5}})
        assert "fact '执行额' is not declared by the spec (did you mean '执行数'?)" in [
            problem.message for problem in info.value.diagnostics
        ]

    def test_names_equal_in_nfkc_declared_twice(self) -> None:
        """Two declarations that are one name in NFKC are an error naming both."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(spec_text("  rate: {type: number}\n  ｒａｔｅ: {type: number}\n", "weight * rate"))
        [problem] = info.value.diagnostics
        assert ("bad-name", "fact names 'rate' and 'ｒａｔｅ' are the same name once normalised (NFKC): keep one") == (
            problem.code,
            problem.message,
        )

    @pytest.mark.parametrize("name", ["分值", "自评分"])
    def test_a_fact_cannot_take_a_reserved_name(self, name: str) -> None:
        """分值 and 自评分 name the weight and the claim, so no fact is called by them."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(spec_text(f"  {name}: {{type: number}}\n", "weight"))
        assert ["bad-name"] == [problem.code for problem in info.value.diagnostics]


class TestKindsInChinese:
    def kinds(self) -> dict[str, Any]:
        return dict(perfrules.default_registry().indicator_kinds)

    def test_each_word_names_one_kind(self) -> None:
        """The built-in kinds' Chinese words are all different, so each names one kind."""
        words = [word for kind in self.kinds().values() for word in getattr(kind, "words_zh", ())]
        assert len(words) == len(set(words)) and len(words) >= 13

    @pytest.mark.parametrize(
        ("word", "kind"), [("自评", "self_assessed"), ("比率", "ratio"), ("扣分", "step_deduction"), ("区间", "bands")]
    )
    def test_a_chinese_kind_is_told_its_name(self, word: str, kind: str) -> None:
        """kind: 自评 is refused with the name to write instead."""
        with pytest.raises(SpecError) as info:
            perfrules.load_spec(f"{HEAD}indicators:\n  - {{id: '1', name: 甲, weight: 10, kind: {word}}}\n{GRADES}")
        [problem] = info.value.diagnostics
        assert f"for {word} write {kind!r}" in problem.message
        assert f"{word}请写作 {kind!r}" in str(problem.message_zh)


# ---------------------------------------------------------------------------------------------------------------
# Every shipped spec and example, renamed in Chinese

PAIRS = [
    ("guangzhou/department-overall@2022", SEED_FACTS, {}),
    ("guangzhou/huangpu-department-overall@2022", SEED_FACTS, {"carried_over": "11.7"}),
    (ROOT / "specs" / "hunan" / "department-worked-2018.yaml", ROOT / "examples" / "hunan-worked-2018.yaml", {}),
    (ROOT / "specs" / "national" / "project-2020.yaml", ROOT / "examples" / "putuo-sports-2022.yaml", {}),
    (ROOT / "specs" / "national" / "project-2020.yaml", ROOT / "examples" / "zhongjiang-water-2022.yaml", {}),
    ("sichuan/dazhou-department@1", None, {}),
]
REFUSED_AS_PUBLISHED = {"zhongjiang-water-2022.yaml"}
"""Examples whose published figures do not add up, so the same problems are compared, not scores."""


def chinese_names(spec: perfrules.Spec) -> dict[str, str]:
    """A Chinese name for each fact: its label, kept to the characters names allow, or 数据N."""
    names: dict[str, str] = {}
    for index, (name, declaration) in enumerate(spec.facts.items()):
        label = re.sub(r"[^0-9A-Za-z_\u4e00-\u9fff]", "", declaration.label or "")
        chosen = label if label and is_fact_name(label) and label not in names.values() else f"数据{index}"
        names[name] = chosen
    return names


def renamed_spec(spec: perfrules.Spec, names: dict[str, str]) -> str:
    """The spec's text with every fact renamed and ``weight`` in rules written 分值: the declarations' keys
    renamed, then every other mention in a value (not a key, nor a table's column such as ``funds/总额/executed``)
    rewritten as text, so nothing but the names changes."""
    data, _ = load_yaml(perfrules.dump_spec(spec), "<dump>")
    data["facts"] = {names[name]: declaration for name, declaration in data.get("facts", {}).items()}
    text = dump_yaml(data)
    for old, new in names.items():
        text = re.sub(rf"(?<![\w/.]){re.escape(old)}(?![\w/:])", new, text)
    return re.sub(r"(?<![\w])weight(?![\w:])", "分值", text)


def renamed_facts(
    spec: perfrules.Spec, path: Path | None, names: dict[str, str], extra: dict[str, str], folder: Path
) -> Path:
    """The facts file with its facts renamed (and *extra* facts added), written to *folder*; without a file, full
    marks claimed on every leaf of *spec*."""
    if path is None:
        claims = {leaf.id: {"score": leaf.weight} for leaf in spec.walk() if leaf.is_leaf}
        data: dict[str, Any] = {"assessments": claims}
    else:
        data, _ = load_yaml(path.read_text(encoding="utf-8"), str(path))
    if "facts" in data or extra:
        data["facts"] = {names.get(key, key): value for key, value in {**data.get("facts", {}), **extra}.items()}
    folder.mkdir()
    written = folder / "facts.yaml"
    written.write_text(dump_yaml(data), encoding="utf-8")
    return written


def outcome(spec: perfrules.Spec | str, facts: Path) -> Any:
    """The scores, total and grade, or the codes and indicators of the problems."""
    try:
        result = perfrules.evaluate(spec, facts)
    except PerfrulesError as error:
        return sorted((problem.code, problem.indicator or "") for problem in error.diagnostics)
    return [(item.id, item.score, item.computed) for item in result.walk()], result.total, result.grade.label


@pytest.mark.parametrize(
    ("spec_source", "facts_path", "extra"),
    PAIRS,
    ids=["guangzhou", "huangpu", "hunan", "putuo", "zhongjiang", "dazhou"],
)
def test_shipped_forms_score_alike_with_chinese_names(
    tmp_path: Path, spec_source: Any, facts_path: Path | None, extra: dict[str, str]
) -> None:
    """Each shipped spec (inheritance resolved) with its facts named in Chinese, and its example facts renamed
    alike, scores exactly as before: every indicator, the total and the grade, or the same problems."""
    spec = perfrules.load_spec(spec_source)
    names = chinese_names(spec)
    english_facts = renamed_facts(spec, facts_path, {}, extra, tmp_path / "en")  # the same file, written alike
    chinese_facts = renamed_facts(spec, facts_path, names, extra, tmp_path / "zh")
    chinese = perfrules.load_spec(renamed_spec(spec, names))
    assert set(chinese.facts) == set(names.values())
    before = outcome(spec, english_facts)
    assert before == outcome(chinese, chinese_facts)
    refused = facts_path is not None and facts_path.name in REFUSED_AS_PUBLISHED
    assert isinstance(before, tuple) != refused


def test_documented_example_scores() -> None:
    """The Chinese-named example of docs/spec-format.md loads and scores."""
    text = (ROOT / "docs" / "spec-format.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL) if "全年预算数:" in b]
    result = perfrules.evaluate(
        perfrules.load_spec(HEAD + block + GRADES), {"facts": {"全年预算数": "1291.73", "执行数": "1288.38"}}
    )
    assert Decimal("9.97") == result.total
