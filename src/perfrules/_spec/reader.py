"""Reading a spec: a document checked before any facts exist, every problem reported at once, each with
file:line:column and the indicator concerned."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from attrs import evolve

from .._diagnostics import Diagnostic, Location, did_you_mean
from .._document import Document, DocumentReader, Source, is_file, is_text
from .._inputs.facts import AGREES_WITH
from .._inputs.review import FINAL_SCORE_RULES
from .._numbers import ROUNDING_MODES, decimal_places, exact, to_text
from .._plugins.registry import Registry
from .._rules.expression import Expression, arity_problem, spreadsheet_hint
from .._rules.functions import BUILTIN_RETURNS
from .._rules.kinds import Rule
from .._rules.names import ALIASES, is_fact_name, normal
from .._rules.targets import QUALITATIVE_TIERS, plain
from .._slips import quote_hint
from .._unicode import describe
from .._yaml import Path as DataPath
from ..exceptions import ExpressionError, SpecError
from .grading import GradeBand, GradingScale, band_problem_words
from .inheritance import merge
from .model import (
    DEFAULT_SLOT_KINDS,
    FORMAT_VERSION,
    FactDeclaration,
    Indicator,
    Slot,
    Spec,
)
from .sources import read_base, read_spec_document, registered_spec

INDICATOR_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
SPEC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*")
MAX_TREE_DEPTH = 10
RESERVED_NAMES = frozenset(ALIASES.values())
"""What every rule may read besides the facts (the Chinese aliases are read as these)."""
_FACT_TYPES = ("number", "boolean", "text")

_SPEC_KEYS = (
    "spec", "id", "version", "name", "name_en", "note", "total", "precision",
    "rounding", "round_at", "claims", "final_score", "layout", "years", "facts", "vocabulary", "indicators", "grades",
    "extends", "overrides",
)  # fmt: skip
_FACT_KEYS = ("type", "min", "max", "values", "unit", "label", "label_en", "optional", "agrees_with")
_INDICATOR_KEYS = (
    "id", "name", "name_en", "weight", "explanation", "explanation_en", "note", "kind", "children", "not_applicable",
)  # fmt: skip
_PARENT_KEYS = (*_INDICATOR_KEYS, "alternatives")
_SLOT_KEYS = ("id", "name", "name_en", "weight", "explanation", "explanation_en", "note", "not_applicable", "slot")
NOT_APPLICABLE_POLICIES = ("exclude", "zero", "full")
LAYOUTS = ("department", "project")
_GRADE_KEYS = ("min", "label", "label_en")


@exact
def read_spec(source: Source, registry: Registry, *, year: int | None = None) -> Spec:
    """Load and validate a spec with *registry* (`perfrules.load_spec`, with the registry given).

    Raises:
        SpecError: listing every problem found.
        SourceNotFoundError: no such file or registered spec.
    """
    name = None
    if isinstance(source, str) and not is_text(source) and not is_file(source):
        name = registered_spec(source, registry, year=year)
        source = registry.specs[name]
    document = read_spec_document(source)
    document, bases = merge(document, lambda reference, by: read_base(reference, by, registry))
    spec = evolve(SpecReader(document, registry).read(), bases=bases)
    if name is None:
        return spec
    if f"{spec.id}@{spec.version}" != name:
        problem = Diagnostic(
            "error",
            "spec-name",
            f"registered as {name!r}, but the document is {spec.id}@{spec.version}",
            location=document.location(("id",)),
            message_zh=f"登记名为 {name!r}，但文件中的规范是 {spec.id}@{spec.version}",
        )
        zh = f"{document.file}：规范与其登记名不符"
        raise SpecError(f"{document.file}: the spec does not match its registered name", [problem], message_zh=zh)
    return evolve(spec, provider=registry.provider("specs", name))


class SpecReader(DocumentReader):
    """Turns a spec document into a `Spec`, collecting every problem on the way."""

    what = "spec"
    what_zh = "规范"

    def __init__(self, document: Document, registry: Registry, *, within: Spec | None = None) -> None:
        """Read *document*; *within* a spec, its indicators are read as new leaves of that spec's tree."""
        super().__init__(document)
        self.registry = registry
        self.locations: dict[str, Location] = dict(within.indicator_locations()) if within else {}
        self.precision = within.precision if within else 2
        self.facts: Mapping[str, FactDeclaration] = within.facts if within else {}
        self.vocabulary: Mapping[str, str] = within.vocabulary if within else {}

    def read(self) -> Spec:
        data = self.document.data
        if not isinstance(data, dict):
            self.error(
                "spec-shape",
                "a spec is a mapping with keys such as id, version, indicators",
                (),
                zh="规范应为映射，包含 id、version、indicators 等键",
            )
            raise self._failure()
        self.unknown_keys(data, (), _SPEC_KEYS)
        if "overrides" in data:  # merged away when the spec extends another
            self.error(
                "bad-value",
                "overrides change the spec named by 'extends'; this spec extends none",
                ("overrides",),
                key=True,
                zh="overrides 用于改写 extends 所继承的规范；本规范没有 extends",
            )
        if type(data.get("spec")) is not int or data.get("spec") != FORMAT_VERSION:
            self.error(
                "spec-format",
                f"'spec: {FORMAT_VERSION}' is required (the format version); found {data.get('spec')!r}",
                ("spec",),
                zh=f"须写明 'spec: {FORMAT_VERSION}'（规范格式版本），现为 {data.get('spec')!r}",
            )
        spec_id = self.text(data, (), "id", required=True)
        if spec_id and not SPEC_ID.fullmatch(spec_id):
            self.error(
                "bad-id",
                f"spec id {spec_id!r} must be words separated by '/'",
                ("id",),
                zh=f"规范 id {spec_id!r} 应为以 '/' 分隔的词",
            )
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            version = str(version)
        elif not isinstance(version, str) or not version:
            self.error(
                "missing-key",
                "'version' is required, as text such as \"2022\"",
                ("version",),
                zh="须填写 'version'（版本），写作文字，如 \"2022\"",
            )
            version = ""
        name = self.text(data, (), "name", required=True)
        name_en, note = self.text(data, (), "name_en"), self.text(data, (), "note")
        self.precision = self.choice(data, "precision", range(7), 2)
        rounding = self.choice(data, "rounding", tuple(ROUNDING_MODES), "half_up")
        round_at = self.choice(data, "round_at", ("indicator", "total"), "indicator")
        claims = self.choice(data, "claims", ("self", "computed"), "self")
        final_score = self.choice(data, "final_score", FINAL_SCORE_RULES, "reviewer")
        layout = self.choice(data, "layout", LAYOUTS, "department") if "layout" in data else None
        years = self.read_years(data["years"]) if "years" in data else None
        total = self.number(data, (), "total") if "total" in data else None
        self.facts = self.read_facts(self.mapping(data, (), "facts", "fact names to declarations"))
        self.vocabulary = self.read_vocabulary(self.mapping(data, (), "vocabulary", "tiers to phrases"))
        indicators = self.read_indicators(data.get("indicators"), ("indicators",), parent=None, depth=1)
        top = sum((i.weight for i in indicators), Decimal(0))
        if total is not None and indicators and top != total:
            self.error(
                "total-sum",
                f"the top-level indicators weigh {to_text(top)} in all, not the declared total {to_text(total)}",
                ("total",),
                zh=f"一级指标分值合计 {to_text(top)}，与声明的总分 {to_text(total)} 不符",
            )
        grades, grades_name = self.read_grades(data.get("grades"), total if total is not None else top)
        if self.problems:
            raise self._failure()
        return Spec(
            id=spec_id or "",
            version=version,
            name=name or "",
            name_en=name_en,
            note=note,
            total=total,
            precision=self.precision,
            rounding=rounding,
            round_at=round_at,
            claims=claims,
            final_score=final_score,
            facts=self.facts,
            vocabulary=self.vocabulary,
            layout=layout,
            years=years,
            indicators=tuple(indicators),
            grades=grades,
            grades_name=grades_name,
            file=self.document.file,
            sha256=self.document.sha256,
            registry=self.registry,
            locations=self.locations,
        )

    def _failure(self) -> SpecError:
        return SpecError(self.summary(), self.problems, message_zh=self.summary_zh())

    def choice(self, data: dict[str, Any], key: str, allowed: Any, default: Any) -> Any:
        value = data.get(key, default)
        if type(value) is not type(default) or value not in allowed:
            shown = ", ".join(map(str, allowed))
            self.error(
                "bad-value",
                f"{key!r} must be one of {shown}, not {value!r}",
                (key,),
                zh=f"{key!r} 应为 {shown} 之一，现为 {value!r}",
            )
            return default
        return value

    def read_years(self, raw: Any) -> tuple[int, int | None] | None:
        """``years: 2022`` (that year) or ``years: {from: 2020, to: 2025}`` (``to`` left out: no last year)."""
        if _is_year(raw):
            return raw, raw
        if isinstance(raw, dict) and set(raw) <= {"from", "to"} and _is_year(raw.get("from")):
            last = raw.get("to")
            if last is None or (_is_year(last) and last >= raw["from"]):
                return raw["from"], last
        message = f"years is a year (2022) or {{from: 2020, to: 2025}}, not {raw!r:.60}"
        zh = f"years（适用年度）应为一个年度（2022）或 {{from: 2020, to: 2025}}，现为 {raw!r:.60}"
        self.error("bad-value", message, ("years",), zh=zh)
        return None

    def read_vocabulary(self, raw: dict[str, Any]) -> dict[str, str]:
        """``{达成: [运行良好, ...], 部分达成: [...], 未达成: [...]}`` as each phrase's tier."""
        vocabulary: dict[str, str] = {}
        for tier, phrases in raw.items():
            path: DataPath = ("vocabulary", tier)
            if tier not in QUALITATIVE_TIERS:
                msg = f"a vocabulary's tiers are {', '.join(QUALITATIVE_TIERS)}, not {tier!r:.40}"
                zh = f"vocabulary 的档次应为 {'、'.join(QUALITATIVE_TIERS)}，现为 {tier!r:.40}"
                self.error("bad-value", msg, path, key=True, zh=zh)
                continue
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                msg = f"{tier}: a list of phrases as forms write them, e.g. [运行良好, 无安全事故]"
                zh = f"{tier}：应为表中所写短语的列表，如 [运行良好, 无安全事故]"
                self.error("bad-value", msg, path, zh=zh)
                continue
            for index, phrase in enumerate(phrases):
                key = plain(phrase)
                if key in vocabulary and vocabulary[key] != tier:
                    msg = f"{phrase!r} is listed under both {vocabulary[key]} and {tier}"
                    zh = f"{phrase!r} 同时列在 {vocabulary[key]} 和 {tier} 下"
                    self.error("bad-value", msg, (*path, index), zh=zh)
                vocabulary[key] = tier
        return vocabulary

    def read_facts(self, raw: dict[str, Any]) -> dict[str, FactDeclaration]:
        facts: dict[str, FactDeclaration] = {}
        written: dict[str, str] = {}
        for key, declaration in raw.items():
            path: DataPath = ("facts", key)
            name = normal(key)
            if not is_fact_name(name):
                msg = (
                    f"fact name {key!r} must be a letter or a Han character, then letters, digits, '_' or Han"
                    " characters (at most 64), and not a reserved word"
                )
                zh = (
                    f"填报数据名 {key!r} 应以字母或汉字开头，由字母、数字、'_' 或汉字组成（至多 64 个字符），"
                    "且不能是保留字"
                )
                self.error("bad-name", msg, path, key=True, zh=zh)
                continue
            if name in written:
                msg = f"fact names {written[name]!r} and {key!r} are the same name once normalised (NFKC): keep one"
                zh = f"填报数据名 {written[name]!r} 与 {key!r} 只是全角、半角等写法不同，实为同一名称（NFKC），只能保留一个"
                self.error("bad-name", msg, path, key=True, zh=zh)
                continue
            written[name] = key
            if not isinstance(declaration, dict):
                message = f"fact {name!r} needs a mapping such as {{type: number, min: 0}}"
                zh = f"填报数据 {name!r} 的声明应为映射，如 {{type: number, min: 0}}"
                self.error("bad-value", message, path, zh=zh)
                continue
            self.unknown_keys(declaration, path, _FACT_KEYS)
            fact_type = declaration.get("type", "number")
            if fact_type not in _FACT_TYPES:
                self.error(
                    "bad-value",
                    f"fact type must be one of {', '.join(_FACT_TYPES)}, not {fact_type!r}",
                    (*path, "type"),
                    zh=f"填报数据类型应为 {', '.join(_FACT_TYPES)} 之一，现为 {fact_type!r}",
                )
                fact_type = "number"
            low = self.number(declaration, path, "min") if "min" in declaration else None
            high = self.number(declaration, path, "max") if "max" in declaration else None
            if (low is not None or high is not None) and fact_type != "number":
                self.error(
                    "bad-value", "only number facts have min and max", path, zh="只有数字型填报数据才有 min 和 max"
                )
            if low is not None and high is not None and low > high:
                message = f"min {to_text(low)} is above max {to_text(high)}"
                self.error("bad-value", message, (*path, "min"), zh=f"下限 {to_text(low)} 高于上限 {to_text(high)}")
            values = self.fact_values(declaration, path, fact_type)
            optional = declaration.get("optional", False)
            if not isinstance(optional, bool):
                message = f"optional is true or false, not {optional!r:.40}"
                zh = f"optional（可不填）应为 true 或 false，现为 {optional!r:.40}"
                self.error("bad-value", message, (*path, "optional"), zh=zh)
            agrees_with = self.text(declaration, path, "agrees_with")
            if agrees_with is not None and not AGREES_WITH.fullmatch(agrees_with):
                msg = (
                    f"agrees_with is budget/<line> or funds/<row>/<initial|full_year|executed>, not {agrees_with!r:.80}"
                )
                zh = f"agrees_with 应写作 budget/<行> 或 funds/<行>/<initial|full_year|executed>，现为 {agrees_with!r:.80}"
                self.error("bad-value", msg, (*path, "agrees_with"), zh=zh)
            if agrees_with is not None and fact_type != "number":
                message = "only number facts agree with a table's figure"
                self.error("bad-value", message, (*path, "agrees_with"), zh="只有数字型填报数据才能与表中数字核对")
            facts[name] = FactDeclaration(
                name,
                fact_type,
                low,
                high,
                values,
                self.text(declaration, path, "unit"),
                self.text(declaration, path, "label"),
                self.text(declaration, path, "label_en"),
                optional is True,
                agrees_with,
            )
        return facts

    def fact_values(self, declaration: dict[str, Any], path: DataPath, fact_type: str) -> tuple[str, ...] | None:
        raw = declaration.get("values")
        if raw is None:
            return None
        if fact_type != "text":
            self.error(
                "bad-value",
                "only text facts have a list of values",
                (*path, "values"),
                zh="只有文字型填报数据才有取值列表",
            )
            return None
        if not isinstance(raw, list) or not raw or not all(isinstance(v, str) and v for v in raw):
            message = "values is a list of texts, e.g. [达成, 部分达成, 未达成]"
            self.error("bad-value", message, (*path, "values"), zh="values 应为文字列表，如 [达成, 部分达成, 未达成]")
            return None
        if len(set(raw)) != len(raw):
            self.error("bad-value", "values lists a value twice", (*path, "values"), zh="values 中有重复的取值")
            return None
        return tuple(raw)

    def read_indicators(self, raw: Any, path: DataPath, *, parent: str | None, depth: int) -> list[Indicator]:
        if not isinstance(raw, list) or not raw:
            where = f"indicator {parent!r}'s children" if parent else "'indicators'"
            where_zh = f"指标 {parent!r} 的下级指标" if parent else "'indicators'（指标）"
            message = f"{where} must be a non-empty list of indicators"
            self.error("bad-value", message, path, indicator=parent, zh=f"{where_zh}应为非空的指标列表")
            return []
        if depth > MAX_TREE_DEPTH:
            message = f"the indicator tree is deeper than {MAX_TREE_DEPTH} levels"
            self.error("too-deep", message, path, indicator=parent, zh=f"指标层级超过 {MAX_TREE_DEPTH} 级")
            return []
        indicators = []
        for index, node in enumerate(raw):
            indicator = self.read_indicator(node, (*path, index), depth)
            if indicator is not None:
                indicators.append(indicator)
        return indicators

    def read_indicator(self, node: Any, path: DataPath, depth: int) -> Indicator | None:
        if not isinstance(node, dict):
            message = "an indicator is a mapping with id, name, weight and a kind or children"
            zh = "指标应为映射，包含 id（编号）、name（名称）、weight（分值），以及 kind（计分类型）或 children（下级指标）"
            self.error("bad-value", message, path, zh=zh)
            return None
        indicator_id = self.indicator_id(node, path)
        self.locations.setdefault(indicator_id, self.document.location(path))
        name = self.text(node, path, "name", required=True, indicator=indicator_id) or ""
        slot = self.slot(node, path, indicator_id) if "slot" in node else None
        weight = self.weight(node, path, indicator_id) if slot is None or "weight" in node else Decimal(0)
        if slot is not None and weight is not None and "weight" in node:
            slot = evolve(slot, weight=weight)
        children: list[Indicator] = []
        kind_name: str | None = None
        parameters: dict[str, Any] = {}
        rule: Rule | None = None
        alternatives = None
        if "children" in node:
            self.unknown_keys(node, path, _PARENT_KEYS, indicator=indicator_id)
            if "kind" in node:
                msg = "a parent is scored from its children; remove 'kind' or 'children'"
                zh = "上级指标的得分由下级指标汇总；请删去 'kind' 或 'children'"
                self.error("parent-kind", msg, (*path, "kind"), indicator=indicator_id, key=True, zh=zh)
            children = self.read_indicators(node["children"], (*path, "children"), parent=indicator_id, depth=depth + 1)
            total = sum((c.weight for c in children), Decimal(0))
            complete = isinstance(node["children"], list) and len(children) == len(node["children"])
            open_slots = any(c.slot is not None and c.slot.weight is None for c in children)
            if "alternatives" in node:
                alternatives = self.alternatives(node, path, indicator_id, weight, children)
            elif weight is not None and complete and not open_slots and total != weight:
                msg = (
                    f"the children of {indicator_id!r} weigh {to_text(total)} in all, not its weight {to_text(weight)}"
                )
                zh = f"指标 {indicator_id!r} 的下级指标分值合计 {to_text(total)}，与其分值 {to_text(weight)} 不符"
                self.problems.append(
                    Diagnostic("error", "weight-sum", msg, indicator_id, self.sum_location(path, node), zh)
                )
        elif slot is None:
            kind_name, parameters, rule = self.leaf_rule(node, path, indicator_id, weight)
        if weight is None:
            return None
        return Indicator(
            id=indicator_id,
            name=name,
            weight=weight,
            kind=kind_name,
            parameters=parameters,
            rule=rule,
            name_en=self.text(node, path, "name_en", indicator=indicator_id),
            explanation=self.text(node, path, "explanation", indicator=indicator_id),
            explanation_en=self.text(node, path, "explanation_en", indicator=indicator_id),
            note=self.text(node, path, "note", indicator=indicator_id),
            assumed=self.flag(node, path, "assumed", indicator_id),
            not_applicable=self.policy(node, path, indicator_id),
            alternatives=alternatives,
            slot=slot,
            children=tuple(children),
        )

    def flag(self, node: dict[str, Any], path: DataPath, key: str, indicator_id: str) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            message = f"{key} is true or false, not {value!r:.40}"
            zh = f"{key} 应为 true 或 false，现为 {value!r:.40}"
            self.error("bad-value", message, (*path, key), indicator=indicator_id, zh=zh)
        return value is True

    def slot(self, node: dict[str, Any], path: DataPath, indicator_id: str) -> Slot | None:
        self.unknown_keys(node, path, _SLOT_KEYS, indicator=indicator_id)
        raw = node["slot"]
        at = (*path, "slot")
        if not isinstance(raw, dict) or not set(raw) <= {"kinds", "min", "max"}:
            message = "slot is {kinds: [...], min: 0, max: 20}"
            zh = "slot（自设指标位置）应写作 {kinds: [...], min: 0, max: 20}"
            self.error("bad-value", message, at, indicator=indicator_id, zh=zh)
            return None
        kinds = raw.get("kinds", list(DEFAULT_SLOT_KINDS))
        known = self.registry.indicator_kinds
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k in known for k in kinds):
            self.error(
                "bad-value",
                f"slot kinds are registered kinds such as {', '.join(DEFAULT_SLOT_KINDS)}",
                (*at, "kinds"),
                indicator=indicator_id,
                zh=f"slot 的 kinds 应为已登记的计分类型，如 {', '.join(DEFAULT_SLOT_KINDS)}",
            )
            return None
        low, high = raw.get("min", 0), raw.get("max")
        if type(low) is not int or low < 0 or (high is not None and (type(high) is not int or high < max(low, 1))):
            message = "slot min and max are whole numbers, 0 <= min <= max"
            zh = "slot 的 min 和 max 应为整数，且 0 <= min <= max"
            self.error("bad-value", message, at, indicator=indicator_id, zh=zh)
            return None
        return Slot(tuple(kinds), low, high)

    def policy(self, node: dict[str, Any], path: DataPath, indicator_id: str) -> str | None:
        policy = node.get("not_applicable")
        if policy is not None and policy not in NOT_APPLICABLE_POLICIES:
            shown = ", ".join(NOT_APPLICABLE_POLICIES)
            self.error(
                "bad-value",
                f"not_applicable is one of {shown}, not {policy!r:.40}",
                (*path, "not_applicable"),
                indicator=indicator_id,
                zh=f"not_applicable（不适用时的处理）应为 {shown} 之一，现为 {policy!r:.40}",
            )
            return None
        return policy

    def alternatives(
        self, node: dict[str, Any], path: DataPath, indicator_id: str, weight: Decimal | None, children: list[Indicator]
    ) -> str | None:
        """``alternatives: best`` or ``alternatives: {chosen_by: <text fact>}``: one child is scored for the parent."""
        raw = node["alternatives"]
        at = (*path, "alternatives")
        for child in children:
            if weight is not None and child.weight != weight:
                message = f"alternative {child.id!r} weighs {to_text(child.weight)}; each alternative carries the parent's whole weight {to_text(weight)}"
                zh = f"备选指标 {child.id!r} 分值为 {to_text(child.weight)}；每个备选指标应承担上级指标的全部分值 {to_text(weight)}"
                self.error("weight-sum", message, at, indicator=indicator_id, zh=zh)
        if raw == "best":
            return "best"
        fact = raw.get("chosen_by") if isinstance(raw, dict) and set(raw) == {"chosen_by"} else None
        declaration = self.facts.get(fact) if isinstance(fact, str) else None
        if declaration is None or declaration.type != "text":
            self.error(
                "bad-value",
                "alternatives is 'best' or {chosen_by: <a text fact naming the chosen child>}",
                at,
                indicator=indicator_id,
                zh="alternatives（备选）应为 'best'（取最高）或 {chosen_by: <指明所选下级指标的文字型填报数据>}",
            )
            return None
        ids = [c.id for c in children]
        if declaration.values is not None and not set(declaration.values) <= set(ids):
            stray = ", ".join(v for v in declaration.values if v not in ids)
            self.error(
                "bad-value",
                f"fact {fact!r} lists values that are not children of {indicator_id!r}: {stray}",
                at,
                indicator=indicator_id,
                zh=f"填报数据 {fact!r} 的取值中有不是指标 {indicator_id!r} 下级指标的：{stray}",
            )
        return fact

    def sum_location(self, path: DataPath, node: dict[str, Any]) -> Location:
        """The parent's weight; or, in a spec that extends another, the weight it changed there."""
        places = [(*path, "weight")] + [(*path, "children", i, "weight") for i in range(len(node["children"]))]
        locations = [location for place in places if (location := self.document.location(place)).line]
        own = [location for location in locations if location.file == self.document.file]
        return (own or locations or [self.document.location(places[0])])[0]

    def indicator_id(self, node: dict[str, Any], path: DataPath) -> str:
        raw = node.get("id")
        fallback = f"#{'.'.join(str(p) for p in path if isinstance(p, int))}"
        if raw is None:
            self.error("missing-key", "every indicator needs an 'id'", path, zh="每个指标都须有 'id'（编号）")
            return fallback
        if not isinstance(raw, str):
            hint = (
                f'; quote it: id: "{to_text(raw) if isinstance(raw, Decimal) else raw}"'
                if isinstance(raw, (int, Decimal))
                else ""
            )
            zh_hint = hint.replace("; quote it:", "；请加引号：")
            self.error(
                "bad-id",
                f"indicator id {raw!r} is not text{hint}",
                (*path, "id"),
                zh=f"指标编号 {raw!r} 不是文字{zh_hint}",
            )
            return fallback
        if not INDICATOR_ID.fullmatch(raw):
            odd = next((char for char in raw if not char.isascii()), None)
            found = f" (it has {describe(odd)})" if odd else ""
            msg = (
                f"indicator id {raw!r} must be 1-64 ASCII letters, digits, '.', '_' or '-',"
                f" starting with a letter or digit{found}"
            )
            zh = f"指标编号 {raw!r} 应由 1 至 64 个半角字母、数字、'.'、'_' 或 '-' 组成，以字母或数字开头" + (
                f"（其中有 {describe(odd)}）" if odd else ""
            )
            msg, zh = msg + quote_hint(raw), zh + quote_hint(raw, "zh")
            self.error("bad-id", msg, (*path, "id"), zh=zh)
        elif raw in self.locations:
            first = self.locations[raw]
            where = f"line {first.line}" if first.file == self.document.file else str(first)
            self.error(
                "duplicate-id",
                f"indicator id {raw!r} is already used at {where}",
                (*path, "id"),
                indicator=raw,
                zh=f"指标编号 {raw!r} 已在{f'第 {first.line} 行' if first.file == self.document.file else f' {first} '}用过",
            )
        return raw

    def weight(self, node: dict[str, Any], path: DataPath, indicator_id: str) -> Decimal | None:
        if "weight" not in node:
            if not any(did_you_mean(key, ["weight"]) for key in node):  # else reported as a misspelt key
                self.error(
                    "missing-key",
                    "every indicator needs a 'weight'",
                    path,
                    indicator=indicator_id,
                    zh="每个指标都须有 'weight'（分值）",
                )
            return None
        weight = self.number(node, path, "weight", indicator=indicator_id)
        if weight is None:
            return None
        if weight < 0:
            self.error(
                "weight-negative",
                f"weight {to_text(weight)} is below 0",
                (*path, "weight"),
                indicator=indicator_id,
                zh=f"分值 {to_text(weight)} 小于 0",
            )
        if decimal_places(weight) > self.precision:
            msg = f"weight {to_text(weight)} has more decimals than the precision {self.precision}"
            zh = f"分值 {to_text(weight)} 的小数位数超过规定的 {self.precision} 位（precision）"
            self.error("weight-decimals", msg, (*path, "weight"), indicator=indicator_id, zh=zh)
        return weight

    def leaf_rule(
        self, node: dict[str, Any], path: DataPath, indicator_id: str, weight: Decimal | None
    ) -> tuple[str | None, dict[str, Any], Rule | None]:
        kind_name = node.get("kind", "expression" if "expression" in node else None)
        if kind_name is None:
            msg = "a leaf needs a 'kind' (self_assessed, bands, ...) or an 'expression'; a parent needs 'children'"
            zh = "末级指标须有 'kind'（计分类型，如 self_assessed、bands）或 'expression'（计分公式）；上级指标须有 'children'"
            self.error("missing-kind", msg, path, indicator=indicator_id, zh=zh)
            return None, {}, None
        try:
            kind = self.registry.indicator_kinds[kind_name]
        except (KeyError, TypeError):
            kinds = self.registry.indicator_kinds
            known = ", ".join(sorted(kinds))
            meant = next((name for name, k in kinds.items() if kind_name in getattr(k, "words_zh", ())), None)
            if meant is not None:
                msg = f"unknown kind {kind_name!r}: kinds are written by their English names; for {kind_name} write {meant!r}"
                zh = f"无法识别的计分类型 {kind_name!r}：计分类型须写英文名称，{kind_name}请写作 {meant!r}"
            else:
                msg = f"unknown kind {kind_name!r}{did_you_mean(str(kind_name), kinds)}; known: {known}"
                zh = f"无法识别的计分类型 {kind_name!r}{did_you_mean(str(kind_name), kinds, 'zh')}；可用：{known}"
            self.error("unknown-kind", msg, (*path, "kind"), indicator=indicator_id, zh=zh)
            return None, {}, None
        self.unknown_keys(node, path, (*_INDICATOR_KEYS, "assumed", *sorted(kind.parameters)), indicator=indicator_id)
        for key in sorted(kind.required - set(node)):
            zh = f"计分类型 {kind_name!r} 须有 {key!r}"
            self.error("missing-key", f"kind {kind_name!r} needs {key!r}", path, indicator=indicator_id, zh=zh)
        parameters = {key: node[key] for key in kind.parameters if key in node}
        if weight is None or kind.required - set(node):
            return kind_name, parameters, None
        context = _KindContext(self, path, indicator_id, weight)
        rule = self.compile(kind_name, kind, parameters, context)
        if rule is not None and rule.expression is not None:
            self.check_expression(rule.expression, path, indicator_id)
        return kind_name, parameters, rule

    def compile(self, name: str, kind: Any, parameters: dict[str, Any], context: _KindContext) -> Rule | None:
        """The kind's rule; whatever goes wrong in the kind's code becomes a located problem naming the kind."""
        provider = self.registry.provider("indicator_kinds", name)
        origin = f"kind {name!r} from {provider or 'an unknown plugin'}"
        origin_zh = f"来自{provider.text('zh') if provider else '未知插件'}的计分类型 {name!r}"
        try:
            rule = kind.compile(parameters, context)
        except ExpressionError as e:
            message = f"{origin} made an invalid rule: {e.args[0]}"
            context.error(message, zh=f"{origin_zh} 生成的计分规则无效：{e.text('zh')}")
            return None
        except Exception as e:
            message = f"{origin} failed: {type(e).__name__}: {e}"
            context.error(message, code="kind-failed", zh=f"{origin_zh} 出错：{type(e).__name__}: {e}")
            return None
        if rule is not None and not isinstance(rule, Rule):
            message = f"{origin} returned {rule!r:.80}, not a Rule"
            context.error(message, code="kind-failed", zh=f"{origin_zh} 返回了 {rule!r:.80}，而不是 Rule")
            return None
        return rule

    def check_expression(self, expression: Expression, path: DataPath, indicator_id: str) -> None:
        at = (*path, "expression")
        known = {*self.facts, *RESERVED_NAMES}
        for name in sorted(expression.names - known):
            msg = f"unknown name {name!r} in {expression.source!r}{did_you_mean(name, known)}"
            zh = f"公式 {expression.source!r} 中的名称 {name!r} 未声明{did_you_mean(name, known, 'zh')}"
            self.error("unknown-name", msg, at, indicator=indicator_id, zh=zh)
        functions = self.registry.functions
        for name in sorted(expression.functions - set(functions)):
            hint = spreadsheet_hint(expression.source) or did_you_mean(name, functions)
            hint_zh = spreadsheet_hint(expression.source, "zh") or did_you_mean(name, functions, "zh")
            msg = f"unknown function {name!r:.80} in {expression.source!r:.120}{hint}"
            zh = f"公式 {expression.source!r:.120} 中的函数 {name!r:.80} 无法识别{hint_zh}"
            self.error("unknown-function", msg, at, indicator=indicator_id, zh=zh)
        for name, count in expression.call_arities():
            wrong = arity_problem(functions[name], count) if name in functions else None
            if wrong:
                message = f"{name}() {wrong[0]} in {expression.source!r:.120}"
                zh = f"公式 {expression.source!r:.120} 中 {name}() 的参数个数不对：{wrong[1]}"
                self.error("arity", message, at, indicator=indicator_id, zh=zh)
        types = {name: declaration.type for name, declaration in self.facts.items()} | dict.fromkeys(
            RESERVED_NAMES, "number"
        )
        for problem, problem_zh in expression.type_problem_words(types, BUILTIN_RETURNS):
            message = f"{problem} in {expression.source!r:.120}"
            zh = f"公式 {expression.source!r:.120} 中：{problem_zh}"
            self.error("expression-type", message, at, indicator=indicator_id, zh=zh)

    def read_grades(self, raw: Any, full_marks: Decimal) -> tuple[GradingScale, str | None]:
        name = "default" if raw is None else raw
        if isinstance(name, str):
            scales = self.registry.grading_scales
            if name not in scales:
                message = f"unknown grading scale {name!r}{did_you_mean(name, scales)}"
                zh = f"无法识别的等级标准 {name!r}{did_you_mean(name, scales, 'zh')}"
                self.error("unknown-scale", message, ("grades",), zh=zh)
                return _placeholder_scale(), None
            scale = scales[name]
            unreachable = [band for band in scale.bands if band.min > full_marks]
            if unreachable:
                shown = ", ".join(f"{band.label} from {to_text(band.min)}" for band in scale.bands)
                shown_zh = "、".join(f"{band.label} {to_text(band.min)} 分起" for band in scale.bands)
                msg = (
                    f"the grading scale {name!r} ({shown}) needs a total of at least {to_text(unreachable[-1].min)};"
                    f" declare 'grades:' for a total of {to_text(full_marks)}"
                )
                zh = (
                    f"等级标准 {name!r}（{shown_zh}）要求总分至少 {to_text(unreachable[-1].min)}；"
                    f"总分为 {to_text(full_marks)} 时请自行声明 'grades:'"
                )
                at = ("grades",) if raw is not None else ("indicators",)
                self.error("grades-unreachable", msg, at, key=True, zh=zh)
            return scale, name
        if not isinstance(raw, list):
            message = "'grades' is a list of {min, label} (highest first) or a scale's name"
            zh = "'grades'（等级）应为 {min, label} 列表（从高到低），或等级标准的名称"
            self.error("bad-value", message, ("grades",), zh=zh)
            return _placeholder_scale(), None
        bands = []
        for index, band in enumerate(raw):
            path: DataPath = ("grades", index)
            if not isinstance(band, dict):
                self.error(
                    "bad-value", "a grade is {min: 90, label: 优}", path, zh="一档等级应写作 {min: 90, label: 优}"
                )
                continue
            self.unknown_keys(band, path, _GRADE_KEYS)
            low = self.number(band, path, "min")
            label = self.text(band, path, "label", required=True)
            if low is not None and label is not None:
                bands.append(GradeBand(low, label, self.text(band, path, "label_en")))
        if len(bands) != len(raw):
            return _placeholder_scale(), None
        for index, code, message, zh in band_problem_words(bands):
            self.error(code, message, ("grades", index), zh=zh)
        self.check_reachable(bands, full_marks, lambda index: ("grades", index, "min"))
        if self.problems:
            return _placeholder_scale(), None
        return GradingScale(bands), None

    def check_reachable(self, bands: Any, full_marks: Decimal, path_of: Any) -> None:
        for index, band in enumerate(bands):
            if band.min > full_marks:
                msg = f"grade {band.label!r} starts at {to_text(band.min)}, above the total {to_text(full_marks)}"
                zh = f"等级 {band.label!r} 起点 {to_text(band.min)} 高于总分 {to_text(full_marks)}"
                self.error("grades-unreachable", msg, path_of(index), zh=zh)


def _placeholder_scale() -> GradingScale:
    return GradingScale((GradeBand(Decimal(0), "?"),))


class _KindContext:
    """What a kind sees of the spec while compiling one indicator."""

    def __init__(self, reader: SpecReader, path: DataPath, indicator_id: str, weight: Decimal) -> None:
        self._reader = reader
        self._path = path
        self._indicator_id = indicator_id
        self.weight = weight
        self.precision = reader.precision
        self.facts = reader.facts
        self.vocabulary = reader.vocabulary

    def error(self, message: str, *path: str | int, code: str = "kind-parameter", zh: str | None = None) -> None:
        self._reader.error(code, message, (*self._path, *path), indicator=self._indicator_id, zh=zh)


def _is_year(value: object) -> bool:
    return type(value) is int and 1900 <= value <= 2999
