"""Every diagnostic and finding code: found in the source, met by a small input, worded in Chinese and in English."""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import perfrules
from perfrules import Diagnostic, Finding
from perfrules._inputs import facts as facts_reader
from perfrules._spec import reader
from perfrules.exceptions import PerfrulesError
from perfrules.testing import registry

from .conftest import ARTEFACTS, ROOT, SEED_SPEC
from .test_workbook import PROJECT_SPEC, edited, official_department, official_project, sheet_edited

PACKAGE = ROOT / "src" / "perfrules"
HAN = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"[a-z]+(-[a-z]+)+")
WORD = re.compile(r"[a-z]+(-[a-z]+)*")

# ---------------------------------------------------------------------------------------------------------------
# The codes in the source

NOT_CODES = {
    "perfrules-fresh-stack": "expression.py: the name of the thread that parses deep expressions",
}
"""Kebab-case constants of the source that are no diagnostic or finding code."""

# Calls whose argument at this position is a code: (name of the called function or class, position).
CODE_ARGUMENTS = {("Diagnostic", 1), ("Finding", 1), ("_error", 1), ("DocumentProblem", 2), ("YamlProblem", 3)}
CODE_FIRST = {"error", "fail", "problem", "warn"}  # reporting methods taking the code first, when it is a word


def _called(node: ast.Call) -> str | None:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)


def _words_in_code_positions(tree: ast.Module, constants: dict[str, str]) -> Iterator[str]:
    """The lower-case words a module passes or defaults as a code; a name stands for the constant it is bound to."""

    def word(node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and WORD.fullmatch(node.value):
            return node.value
        return None

    for node in ast.walk(tree):
        found: list[ast.expr | None] = []
        if isinstance(node, ast.Call):
            name = _called(node)
            found += [keyword.value for keyword in node.keywords if keyword.arg == "code"]
            found += [node.args[i] for called, i in CODE_ARGUMENTS if called == name and len(node.args) > i]
            if name in CODE_FIRST and node.args:
                found.append(node.args[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            positional = [*arguments.posonlyargs, *arguments.args]
            defaults = zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True)
            found += [
                d
                for a, d in [*defaults, *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)]
                if a.arg == "code"
            ]
        yield from filter(None, map(word, found))


def codes_in_source() -> set[str]:
    """Every diagnostic and finding code in src/perfrules: each kebab-case string constant (less `NOT_CODES`),
    and each word written where a code goes (a code argument, a ``code`` parameter's default, a module constant
    passed as one)."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))]
    constants = {
        target.id: statement.value.value
        for tree in trees
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    kebab = {
        node.value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value)
    }
    words = {word for tree in trees for word in _words_in_code_positions(tree, constants)}
    return (kebab - set(NOT_CODES)) | words


# ---------------------------------------------------------------------------------------------------------------
# Small inputs

Said = Diagnostic | Finding
Case = Callable[[Path], Iterable[Said]]

FACTS = """\
  done: {type: number, min: 0, max: 100}
  due: {type: number, min: 0}
  ok: {type: boolean}
  level: {type: text, values: [达成, 未达成]}
"""
LEAF = "  - {id: '1', name: 甲, weight: 10, kind: self_assessed}\n"
GRADES = "[{min: 0, label: 差}]"
VALUES = "done: 5, due: 0, ok: true, level: 达成"


def spec(indicators: str = LEAF, *, facts: str = FACTS, grades: str = GRADES, extra: str = "") -> str:
    """A small spec's text: the four facts of `FACTS`, *indicators* (YAML list items) and one grade."""
    head = f"spec: 1\nid: test/messages\nversion: '1'\nname: 消息\n{extra}"
    return f"{head}facts:\n{facts}indicators:\n{indicators}grades: {grades}\n"


def leaf(rule: str, *, weight: str = "10", ident: str = "'1'") -> str:
    """One leaf of `spec` scored by *rule* (a kind and its parameters, or an expression)."""
    return f"  - {{id: {ident}, name: 甲, weight: {weight}, {rule}}}\n"


def facts(claims: str = "'1': {score: 8, reason: 有}", *, values: str = VALUES, more: str = "") -> str:
    """Facts for `spec`: the facts' *values* and the *claims* (assessments by id)."""
    return f"facts: {{{values}}}\nassessments: {{{claims}}}\n{more}"


def said(action: Callable[[], object]) -> list[Said]:
    """What perfrules says doing *action*: an error's problems, or a result's warnings and findings."""
    try:
        result = action()
    except PerfrulesError as error:
        return list(error.diagnostics)
    if isinstance(result, perfrules.Evaluation):
        return [*result.diagnostics, *perfrules.findings(result)]
    return []


def loaded(text: str) -> list[Said]:
    return said(lambda: perfrules.load_spec(text))


def scored(spec_text: perfrules.Spec | str, facts_text: Any, **options: Any) -> list[Said]:
    return said(lambda: perfrules.evaluate(spec_text, facts_text, **options))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def band_spec(*ranges: str, score: str = "5") -> str:
    listed = ", ".join(f"{{range: '{r}', score: {score}}}" for r in ranges)
    return spec(leaf(f"kind: bands, input: done, bands: [{listed}]"))


ALTERNATIVES = spec(
    "  - {id: A, name: 择一, weight: 10, alternatives: ALTERNATIVES, children: ["
    "{id: A.a, name: 甲, weight: 10, kind: self_assessed}, {id: A.b, name: 乙, weight: 10, kind: self_assessed}]}\n",
    facts=FACTS + "  pick: {type: text}\n",
)
PARENT = (
    "  - {id: P, name: 父, weight: 10, children: ["
    "{id: P.1, name: 甲, weight: 4, kind: self_assessed}, {id: P.2, name: 乙, weight: 6, kind: self_assessed}]}\n"
)
SLOTS = spec(
    "  - {id: '1', name: 产出, weight: 10, children: [{id: '1.1', name: 数量, slot: {kinds: [self_assessed], min: 1}}]}\n"
)
FINDINGS = spec(
    leaf("kind: self_assessed", ident="'1.1'") + leaf("expression: 'weight * min(done / 10, 1)'", ident="'1.2'"),
    facts="  done: {type: number, min: 0, optional: true}\n"
    "  budget: {type: number, label: 全年预算数, label_en: full-year budget, agrees_with: budget/总预算}\n",
    grades="[{min: 18, label: 优}, {min: 0, label: 差}]",
)
"""A form for the reviewer's findings: a claim beside a rule, an optional fact, a fact the budget table repeats."""
FINE = "'1.1': {score: 8, reason: 滞后}, '1.2': {score: 5, reason: 差一半}"
"""Claims for `FINDINGS` that give nothing to find."""
FINE_VALUES = "done: 5, budget: 100"


def deep(levels: int) -> str:
    """Indicators nested *levels* deep, each the only child of the one above."""
    text = "{id: L0, name: 叶, weight: 10, kind: self_assessed}"
    for level in range(1, levels):
        text = f"{{id: L{level}, name: 层{level}, weight: 10, children: [{text}]}}"
    return f"  - {text}\n"


def workbook(folder: Path, form: list[list[Any]], data: list[list[Any]] | None = None) -> Path:
    """A workbook whose first sheet holds *form*'s rows and, if given, a 数据 sheet *data*'s."""
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in form:
        sheet.append(row)
    if data is not None:
        facts_sheet = book.create_sheet("数据")
        for row in data:
            facts_sheet.append(row)
    path = folder / "form.xlsx"
    book.save(path)
    return path


def merged_score(folder: Path) -> Path:
    """The hand-typed seed form with one score cell merged over two indicators' rows."""
    path: Path = official_department(folder / "merged.xlsx")
    book = openpyxl.load_workbook(path)
    book.worksheets[0].merge_cells("H10:H11")
    book.save(path)
    return path


def cycle(folder: Path) -> Path:
    """Two specs in *folder* extending each other; the path of one."""
    write(folder, "a.yaml", "spec: 1\nid: t/a\nversion: '1'\nextends: b.yaml\n")
    return write(folder, "b.yaml", "spec: 1\nid: t/b\nversion: '1'\nextends: a.yaml\n")


def seed(path: Path) -> list[Said]:
    return scored(perfrules.load_spec(SEED_SPEC), path)


def project(path: Path) -> list[Said]:
    return scored(perfrules.load_spec(PROJECT_SPEC), path)


class Raises:
    """An indicator kind whose compile raises, as a broken plugin's may."""

    parameters = required = frozenset[str]()

    def compile(self, parameters: Any, context: Any) -> None:
        raise ZeroDivisionError("oops")


def big(value: Decimal) -> bool:
    """A plugin's function giving a condition where a rule wants a number, which no check before scoring sees."""
    return value > 1


class Region:
    """A plugin (the class itself): a kind that raises, a function giving a condition, a spec under another's name."""

    @staticmethod
    @perfrules.hookimpl
    def perfrules_register_indicator_kinds(register: Callable[[str, Any], None]) -> None:
        register("raises", Raises())

    @staticmethod
    @perfrules.hookimpl
    def perfrules_register_functions(register: Callable[[str, Any], None]) -> None:
        register("big", big)

    @staticmethod
    @perfrules.hookimpl
    def perfrules_register_specs(register: Callable[[str, Any], None]) -> None:
        register("test/other@1", spec())


def custom(spec_text: str, facts_text: str = "") -> list[Said]:
    """Score with the built-ins and `Region` only."""
    return said(lambda: perfrules.evaluate(perfrules.load_spec(spec_text, registry=registry(Region)), facts_text))


CATALOGUE: dict[str, Case] = {
    "alternative-choice": lambda _: scored(
        ALTERNATIVES.replace("ALTERNATIVES", "{chosen_by: pick}"),
        facts("A.a: {score: 1}", values=VALUES + ", pick: zz"),
    ),
    "alternative-chosen": lambda _: scored(
        ALTERNATIVES.replace("ALTERNATIVES", "best"),
        facts("A.a: {score: 1}, A.b: {score: 2}", values=VALUES + ", pick: x"),
    ),
    "arity": lambda _: loaded(spec(leaf("expression: 'clamp(done, 1)'"))),
    "bad-id": lambda _: loaded(spec(leaf("kind: self_assessed", ident="'a b'"))),
    "bad-name": lambda _: loaded(spec(facts="  x-y: {type: number}\n")),
    "bad-number": lambda _: loaded(spec(leaf("kind: self_assessed", weight="heavy"))),
    "bad-value": lambda _: loaded(spec(extra="precision: 9\n")),
    "band-gap": lambda _: loaded(band_spec("[0, 50)", "(50, 100]")),
    "band-overlap": lambda _: loaded(band_spec("[0, 50]", "[50, 100]")),
    "band-range": lambda _: loaded(band_spec("[1, 0]")),
    "band-score": lambda _: loaded(band_spec("[0, 100]", score="11")),
    "budget-twice": lambda tmp: seed(edited(official_department(tmp / "form.xlsx"), G7="基本支出")),
    "budget-unnamed": lambda tmp: seed(edited(official_department(tmp / "form.xlsx"), "B5:B7", B5=None)),
    "claim-decimals": lambda _: scored(spec(), facts("'1': {score: 7.125}")),
    "claim-differs": lambda _: scored(spec(leaf("expression: 'weight * done / 10'")), facts("'1': {score: 4}")),
    "claim-on-parent": lambda _: scored(spec(PARENT), facts("P: {score: 9}, P.1: {score: 4}, P.2: {score: 6}")),
    "claim-range": lambda _: scored(spec(), facts("'1': {score: 11}")),
    "descriptive-full-score": lambda _: scored(
        perfrules.load_spec(PROJECT_SPEC),
        {
            "facts": {"budget_initial": 1, "budget_full_year": 1, "executed": 1},
            "indicators": {
                "1.1": [{"id": "a", "name": "甲", "weight": 50, "score": 50}],
                "2.1": [
                    {"id": "b", "name": "乙", "weight": 30, "target": "运行良好", "actual": "正在推进", "score": 30}
                ],
                "3.1": [{"id": "c", "name": "丙", "weight": 10, "score": 10}],
            },
        },
    ),
    "duplicate-id": lambda _: loaded(spec(LEAF + LEAF.replace("甲", "乙"))),
    "evaluation": lambda _: scored(spec(leaf("expression: 'weight * done / due'")), facts("")),
    "expression": lambda _: loaded(spec(leaf("expression: 'done +'"))),
    "expression-type": lambda _: loaded(spec(leaf("expression: 'done > 1'"))),
    "extends-cycle": lambda tmp: loaded(str(cycle(tmp))),
    "extends-missing": lambda tmp: loaded(
        str(write(tmp, "c.yaml", "spec: 1\nid: t/c\nversion: '1'\nextends: no.yaml\n"))
    ),
    "extends-outside": lambda tmp: loaded(
        str(write(tmp, "c.yaml", "spec: 1\nid: t/c\nversion: '1'\nextends: ../secret.yaml\n"))
    ),
    "fact-range": lambda _: scored(spec(), facts(values="done: 101, due: 0, ok: true, level: 达成")),
    "fact-twice": lambda _: scored(spec(), facts(values=VALUES + ", ｄｏｎｅ: 5")),
    "fact-type": lambda _: scored(spec(), facts(values="done: 5, due: 0, ok: 1, level: 达成")),
    "fact-value": lambda _: scored(spec(), facts(values="done: 5, due: 0, ok: true, level: 达")),
    "facts-shape": lambda _: said(lambda: perfrules.load_facts("[1, 2]")),
    "facts-sheet": lambda tmp: scored(spec(), workbook(tmp, [["一级指标", "得分"]], [["甲", "乙"]])),
    "figures-differ": lambda _: scored(FINDINGS, facts(FINE, values=FINE_VALUES, more="budget: {总预算: 90}\n")),
    "funds-sum": lambda _: scored(
        FINDINGS, facts(FINE, values=FINE_VALUES, more="funds: {总额: {executed: 10}, 拨款: {executed: 9}}\n")
    ),
    "funds-twice": lambda tmp: project(edited(official_project(tmp / "form.xlsx"), B6="年度资金总额")),
    "funds-unnamed": lambda tmp: project(edited(official_project(tmp / "form.xlsx"), B6=None)),
    "grade-ticked-twice": lambda tmp: seed(official_department(tmp / "form.xlsx", grade="☑优 ☑良")),
    "grades-duplicate": lambda _: loaded(spec(grades="[{min: 9, label: 优}, {min: 0, label: 优}]")),
    "grades-empty": lambda _: loaded(spec(grades="[]")),
    "grades-floor": lambda _: loaded(spec(grades="[{min: 9, label: 优}, {min: 1, label: 差}]")),
    "grades-negative": lambda _: loaded(spec(grades="[{min: 9, label: 优}, {min: -5, label: 差}]")),
    "grades-order": lambda _: loaded(spec(grades="[{min: 5, label: 优}, {min: 9, label: 良}, {min: 0, label: 差}]")),
    "grades-unreachable": lambda _: [
        *loaded(spec(grades="[{min: 20, label: 优}, {min: 0, label: 差}]")),
        *loaded(spec(grades="default")),  # a registered scale, named with its bands
    ],
    "indicator-twice": lambda tmp: seed(
        edited(official_department(tmp / "form.xlsx"), E12="部门整体绩效目标效益指标完成情况")
    ),
    "kind-failed": lambda _: custom(spec(leaf("kind: raises"))),
    "kind-parameter": lambda _: loaded(spec(leaf("kind: ratio, actual: done, target: 0"))),
    "merged-number": lambda tmp: seed(merged_score(tmp)),
    "missing-claim": lambda _: scored(spec(), facts("'1': {reason: 无}")),
    "missing-fact": lambda _: scored(spec(), facts(values="done: 5, ok: true, level: 达成")),
    "missing-year": lambda _: scored(
        spec(), "facts: {done: 5, due: 0, ok: true, level: 达成}\nassessments: {'1': {score: 8}}\n"
    ),
    "year-outside": lambda _: scored(spec(extra="years: {from: 2020, to: 2021}\n"), facts(more="year: 2022\n")),
    "missing-key": lambda _: loaded(spec("  - {id: '1', weight: 10, kind: self_assessed}\n")),
    "missing-kind": lambda _: loaded(spec(leaf("note: 无"))),
    "no-form": lambda tmp: seed(workbook(tmp, [["部门名称", "某单位"]])),
    "no-score-column": lambda tmp: seed(workbook(tmp, [["一级指标", "分值"]])),
    "not-a-boolean": lambda tmp: scored(
        spec(), workbook(tmp, [["一级指标", "得分"]], [["名称", "值"], ["ok", "也许"]])
    ),
    "not-a-number": lambda tmp: [
        *seed(official_department(tmp / "form.xlsx", overrides={"1.1.2": "九分"})),
        *custom(spec(leaf("expression: 'big(done)'")), facts("")),
    ],
    "not-applicable": lambda _: scored(spec(), facts("'1': {score: /}")),
    "parent-kind": lambda _: loaded(spec(PARENT.replace("children:", "kind: self_assessed, children:"))),
    "reason-missing": lambda _: scored(
        FINDINGS, facts("'1.1': {score: 8}, '1.2': {score: 5, reason: r}", values=FINE_VALUES)
    ),
    "reason-on-full-score": lambda _: scored(
        FINDINGS, facts("'1.1': {score: 10, reason: 无}, '1.2': {score: 5, reason: r}", values=FINE_VALUES)
    ),
    "refused-character": lambda _: said(lambda: perfrules.load_facts('subject: "单位\\u202e名称"\nfacts: {x: 1}\n')),
    "review": lambda tmp: scored(spec(), facts(), review=write(tmp, "review.yaml", "indicators: {'9': {score: 1}}\n")),
    "review-differs": lambda tmp: scored(
        spec(), facts(), review=write(tmp, "review.yaml", "indicators: {'1': {score: 6, note: 佐证不足}}\n")
    ),
    "score-clamped": lambda _: scored(spec(leaf("expression: 'weight * done'")), facts()),
    "slot-count": lambda _: scored(SLOTS, "indicators: {'1.1': []}\n"),
    "slot-kind": lambda _: scored(
        SLOTS, "indicators: {'1.1': [{id: a, name: 甲, weight: 10, expression: weight, score: 10}]}\n"
    ),
    "spec-format": lambda _: loaded(spec().replace("spec: 1", "spec: 2")),
    "spec-name": lambda _: said(lambda: perfrules.load_spec("test/other@1", registry=registry(Region))),
    "spec-shape": lambda _: loaded("[1, 2]"),
    "stated-grade": lambda _: scored(FINDINGS, facts(FINE, values=FINE_VALUES, more="stated: {grade: 优}\n")),
    "stated-total": lambda _: scored(FINDINGS, facts(FINE, values=FINE_VALUES, more="stated: {total: 16}\n")),
    "target": lambda _: loaded(spec(leaf("kind: target, target: ≥100万元, actual: 99元"))),
    "too-deep": lambda _: loaded(spec(deep(11))),
    "too-large": lambda tmp: seed(
        sheet_edited(tmp, rb'<mergeCell ref="A5:A8" ?/>', b'<mergeCell ref="C1:XFD1048576"/>')
    ),
    "total-sum": lambda _: loaded(spec(extra="total: 100\n")),
    "unknown-fact": lambda _: scored(spec(), facts(values=VALUES + ", dnoe: 1")),
    "unknown-function": lambda _: loaded(spec(leaf("expression: 'sqrt(done)'"))),
    "unknown-indicator": lambda _: scored(spec(), facts("'1': {score: 8, reason: r}, '2': {score: 1}")),
    "unknown-key": lambda _: loaded(spec(extra="precison: 2\n")),
    "unknown-kind": lambda _: loaded(spec(leaf("kind: selfassessed"))),
    "unknown-name": lambda _: loaded(spec(leaf("expression: 'done / duee'"))),
    "unknown-scale": lambda _: loaded(spec(grades="defualt")),
    "unknown-slot": lambda _: scored(
        SLOTS, "indicators: {'9.9': [{id: a, name: 甲, weight: 10, kind: self_assessed, score: 5}]}\n"
    ),
    "unreadable": lambda _: loaded("a: 1\na: 2\n"),
    "unsupported-score": lambda _: scored(FINDINGS, facts(FINE, values="budget: 100")),
    "weight-decimals": lambda _: loaded(spec(leaf("kind: self_assessed", weight="0.125"))),
    "weight-negative": lambda _: loaded(spec(leaf("kind: self_assessed", weight="-1"))),
    "weight-sum": lambda _: loaded(spec(PARENT.replace("weight: 6", "weight: 5"))),
}
"""For each code, a small input that makes perfrules say it."""

# ---------------------------------------------------------------------------------------------------------------
# What each says


def words(item: Said) -> tuple[str, str, str, str]:
    """*item*'s message in Chinese and in English, and the whole line in each (a finding's line is its message)."""
    if isinstance(item, Finding):
        return item.message, item.message_en, item.message, item.message_en
    return item.text("zh"), item.text("en"), item.line("zh"), item.line("en")


QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”")
NAMES_IN_THE_INPUTS = {"甲", "乙", "产出", "数量", "达成", "未达成", "总额", "总预算", "万元", "元", *"优良中差"}
"""Han names, values and units the catalogue's inputs use, which English messages repeat as given."""
FORM_WORDS = {"一级指标", "得分", "评价等级", "全年执行数", "数据", "名称", "值", "是", "否"}
"""Words printed on the official form (headers, labels, what to tick or type), which English messages name so that
the user finds the cell."""
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NOT_WORDS = re.compile(r"\S*[/\\<]\S*|U\+[0-9A-F]{4,6}(?: [A-Z-]+)*|\b[A-Z][A-Za-z]+Error\b")
"""Paths, characters by their Unicode names and Python's exception names: not words to translate."""
FORMAT_WORDS = {
    *reader._SPEC_KEYS,
    *reader._PARENT_KEYS,
    *reader._FACT_KEYS,
    *reader.NOT_APPLICABLE_POLICIES,
    *facts_reader._KEYS,
    *perfrules.default_registry().indicator_kinds,
    *perfrules.default_registry().functions,
    *("true", "false", "True", "False", "YAML", "Tab", "NFKC"),
}
"""The format's own words (keys, kinds, functions, YAML and its booleans, the Tab key, NFKC), which Chinese messages name
as written."""
INPUT_WORDS = {"done", "due", "ok", "oops", "test", "messages"}
"""Fact names, ids and a plugin's own text of the catalogue's inputs, which messages repeat as given."""


def han_in_english(text: str) -> set[str]:
    """The runs of Han characters in an English message, quoted values aside."""
    return set(re.findall(r"[\u4e00-\u9fff]+", QUOTED.sub("", text)))


def english_in_chinese(text: str) -> list[str]:
    """The English words in a Chinese message, outside quoted values, the format's words and the inputs' names."""
    words = IDENTIFIER.findall(NOT_WORDS.sub("", QUOTED.sub("", text)))
    return [word for word in words if len(word) > 1 and word not in FORMAT_WORDS | INPUT_WORDS]


class Outcomes:
    """Each case's diagnostics and findings, met once per module in a folder of its own."""

    def __init__(self, folders: pytest.TempPathFactory) -> None:
        self.folders = folders
        self.met: dict[str, list[Said]] = {}
        self.folder: dict[str, Path] = {}

    def __getitem__(self, code: str) -> list[Said]:
        if code not in self.met:
            self.folder[code] = self.folders.mktemp(code)
            self.met[code] = list(CATALOGUE[code](self.folder[code]))
        return self.met[code]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Outcomes:
    return Outcomes(tmp_path_factory)


def test_every_code_has_a_case() -> None:
    """Each code in the source has a case in the catalogue, and nothing else does."""
    assert codes_in_source() == set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_each_code_is_met_and_worded_in_both_languages(outcomes: Outcomes, code: str) -> None:
    """The case meets its code; each message with that code has Chinese words in Chinese, none in English but the
    inputs' and the form's, and says it differently in the two."""
    met = [item for item in outcomes[code] if item.code == code]
    assert met, f"{code} not met; the case met {sorted({item.code for item in outcomes[code]})}"
    for item in met:
        zh, en, zh_line, en_line = words(item)
        assert HAN.search(zh), zh_line
        assert zh != en and zh_line != en_line, en_line
        assert han_in_english(en) <= NAMES_IN_THE_INPUTS | FORM_WORDS, en_line


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_chinese_says_no_english_phrase(outcomes: Outcomes, code: str) -> None:
    """Each Chinese message is Chinese throughout, quoted values aside."""
    phrases = [p for item in outcomes[code] if item.code == code for p in english_in_chinese(words(item)[0])]
    assert not phrases, (code, phrases)


def test_every_code_rendered_for_review(outcomes: Outcomes) -> None:
    """build/test-artefacts/messages.md shows, for each code, its first message as printed in Chinese and in
    English."""
    rows = []
    for code in sorted(CATALOGUE):
        item = next(item for item in outcomes[code] if item.code == code)
        # Files by their names alone: the temporary folder differs from run to run.
        zh_line, en_line = (line.replace(f"{outcomes.folder.get(code)}{os.sep}", "") for line in words(item)[2:])
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in (code, zh_line, en_line)) + " |")
    lines = ["# Messages in both languages", "", "| code | 中文 | English |", "| --- | --- | --- |", *rows]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "messages.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(CATALOGUE) == len(rows)
