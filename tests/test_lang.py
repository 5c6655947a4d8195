"""Languages: messages in Chinese by default and in English on request, on every command."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import perfrules
from perfrules import Expression
from perfrules._cli import _own_commands, main
from perfrules._diagnostics import Diagnostic, Location
from perfrules._lang import default_language
from perfrules._rules.targets import TargetError, parse_target
from perfrules.exceptions import ExpressionError, PerfrulesError

from .conftest import ROOT, SEED_FACTS, SEED_SPEC
from .test_messages import english_in_chinese

CORPUS = ROOT / "tests" / "hostile"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def run(*arguments: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in arguments])
    return result.exit_code, result.output


class TestDefault:
    @pytest.mark.parametrize(
        ("environment", "expected"),
        [
            ({}, "zh"),
            ({"PERFRULES_LANG": "en"}, "en"),
            ({"PERFRULES_LANG": "ZH", "LANG": "en_US.UTF-8"}, "zh"),
            ({"PERFRULES_LANG": "fr", "LANG": "en_GB.UTF-8"}, "en"),
            ({"LANG": "C.UTF-8"}, "zh"),
            ({"LANG": "zh_CN.UTF-8"}, "zh"),
            ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
            ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ],
    )
    def test_default_language(
        self, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
    ) -> None:
        """PERFRULES_LANG when it names a language, else the first locale variable set: en* is English."""
        for name in ("PERFRULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        assert expected == default_language()

    def test_chinese_without_option_on_a_c_locale(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """No --lang, no PERFRULES_LANG, a C locale: the problems are told in Chinese."""
        for name in ("PERFRULES_LANG", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", "C")
        facts = tmp_path / "facts.yaml"
        facts.write_text("facts: {executed: 1}\n", encoding="utf-8")
        code, out = run("score", SEED_SPEC, facts)
        assert 1 == code
        assert "填报数据与规范" in out and "缺少填报数据" in out


class TestEveryCommand:
    @pytest.mark.parametrize("name", sorted(_own_commands()))
    def test_takes_lang(self, name: str) -> None:
        """Every command of perfrules' own takes --lang zh|en."""
        command = _own_commands()[name]
        [option] = [p for p in command.params if isinstance(p, click.Option) and "--lang" in p.opts]
        assert ["zh", "en"] == list(option.type.choices)  # type: ignore[attr-defined]

    @pytest.mark.parametrize("name", sorted(_own_commands()))
    def test_help_in_both_languages(self, name: str) -> None:
        """Each command's one-line help says what it does in Chinese and in English."""
        short = _own_commands()[name].get_short_help_str(limit=200)
        assert CHINESE.search(short) and re.search(r" · [A-Z][a-z]+ ", short), short

    def test_usage_errors(self) -> None:
        """perfrules' own usage errors follow --lang (click's may stay English)."""
        assert "请给出 SPEC 和 FACTS" in run("score", SEED_SPEC, "--lang", "zh")[1]
        assert "give SPEC and FACTS" in run("score", SEED_SPEC, "--lang", "en")[1]
        assert "没有 'xml' 格式" in run("score", SEED_SPEC, SEED_FACTS, "--format", "xml", "--lang", "zh")[1]
        assert "中没有指标 '9.9'" in run("explain", SEED_SPEC, SEED_FACTS, "9.9", "--lang", "zh")[1]
        assert "no indicator '9.9'" in run("explain", SEED_SPEC, SEED_FACTS, "9.9", "--lang", "en")[1]

    def test_validate(self) -> None:
        """validate says the spec is fine in the language asked for."""
        assert "无误" in run("validate", SEED_SPEC, "--lang", "zh")[1]
        assert ": ok: " in run("validate", SEED_SPEC, "--lang", "en")[1]

    def test_plugins(self) -> None:
        """plugins names what each plugin registers in the language asked for."""
        assert "  函数: " in run("plugins", "--lang", "zh")[1]
        assert "  functions: " in run("plugins", "--lang", "en")[1]


class TestDiagnostic:
    def test_line(self) -> None:
        """A diagnostic's line: where, how serious, what, which indicator, the code; English where no Chinese."""
        both = Diagnostic("error", "fact-range", "x is 3, above 2", "1.1", Location("f.yaml", 3, 5), "x 为 3，高于 2")
        assert "f.yaml:3:5: 错误：x 为 3，高于 2 [1.1] (fact-range)" == both.line("zh")
        assert "f.yaml:3:5: error: x is 3, above 2 [1.1] (fact-range)" == both.line("en") == str(both)
        english = Diagnostic("warning", "yaml", "bad", None, None)
        assert "警告：bad (yaml)" == english.line("zh")


class TestFacts:
    def test_every_problem_of_the_facts_in_chinese(self, tmp_path: Path) -> None:
        """Each kind of problem fitting facts to a spec, and the headline, is worded in Chinese under --lang zh,
        and in English under --lang en."""
        facts = tmp_path / "facts.yaml"
        facts.write_text(
            "facts: {executed: abc, budget_full_year: -1, 未知: 1}\n"
            "assessments: {'1': {score: 1}, '9.9': {score: 1}, '1.1.3': {score: 99}}\n",
            encoding="utf-8",
        )
        code, out = run("score", SEED_SPEC, facts, "--lang", "zh")
        assert 1 == code
        lines = [line for line in out.splitlines() if line.strip()]
        assert len(lines) > 5
        assert all(CHINESE.search(line.split(": ", 1)[-1]) for line in lines), out
        code, english = run("score", SEED_SPEC, facts, "--lang", "en")
        assert "problems fitting the facts" in english and "must be a number" in english


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.yaml")))
def test_hostile_corpus_in_chinese(tmp_path: Path, name: str) -> None:
    """Under --lang zh every message score, summary, explain, review, template and validate print for the hostile
    corpus says what it says in Chinese (besides paths, ids, codes and quoted values)."""
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts: {x: 1}\n", encoding="utf-8")
    spec, facts_file = (CORPUS / name, facts) if name.startswith("spec-") else (SEED_SPEC, CORPUS / name)
    commands = [
        ("score", spec, facts_file),
        ("summary", spec, facts_file),
        ("explain", spec, facts_file),
        ("review", spec, facts_file),
        ("template", spec, "-o", tmp_path / "form.xlsx"),
    ]
    if name.startswith("spec-"):
        commands.append(("validate", spec))
    for command in commands:
        result = CliRunner().invoke(main, [str(a) for a in (*command, "--lang", "zh")])
        # What the command says: its messages; and validate's verdict (a report's own lines are the form's).
        said_lines = result.stderr + (result.stdout if command[0] == "validate" else "")
        for line in said_lines.splitlines():
            said = re.sub(
                r"'[^']*'|\"[^\"]*\"|\([a-z-]+\)$|\[[^]]*\]|错误：|警告：|提示：", "", line.split(": ", 1)[-1]
            )
            if re.search(r"[A-Za-z]", said):  # not a rule of a table, nor a row of figures
                assert CHINESE.search(said), (command[0], line)


def test_table_report_follows_lang() -> None:
    """The table report words its remarks in the language of --lang; after the command, the default again."""
    assert "警告：[1.1.3] 自评 9.91 分" in run("score", SEED_SPEC, SEED_FACTS, "--lang", "zh")[1]
    assert "warning: [1.1.3] claimed 9.91" in run("score", SEED_SPEC, SEED_FACTS)[1]  # PERFRULES_LANG=en here
    assert "warning: [1.1.3] claimed 9.91" in run("score", SEED_SPEC, SEED_FACTS, "--lang", "en")[1]


def test_isolated_scoring_speaks_the_language_asked_for(tmp_path: Path) -> None:
    """--isolate renders in the worker in the language of --lang, and its errors keep their Chinese."""
    assert "警告：[1.1.3]" in run("score", "--isolate", SEED_SPEC, SEED_FACTS, "--lang", "zh")[1]
    assert "warning: [1.1.3]" in run("score", "--isolate", SEED_SPEC, SEED_FACTS, "--lang", "en")[1]
    facts = tmp_path / "facts.yaml"
    facts.write_text("facts: {executed: 1}\n", encoding="utf-8")
    assert "填报数据与规范" in run("score", "--isolate", SEED_SPEC, facts, "--lang", "zh")[1]


def test_seed_warning_in_chinese() -> None:
    """The seed form's claim-differs warning carries its Chinese text."""
    code, out = run("score", SEED_SPEC, SEED_FACTS, "--format", "json", "--lang", "zh")
    assert 0 == code
    assert "自评 9.91 分，按规则计算为 9.97 分" in out


ERRORS = {
    *("SpecError", "FactsError", "EvaluationError", "ReviewError", "ExpressionError", "PluginError", "OutOfRange"),
    *("NotRegisteredError", "UnknownIndicatorError", "FunctionFailure", "AlreadyRegisteredError", "PerfrulesError"),
    *("MissingExtraError", "LimitExceededError", "SourceNotFoundError", "DocumentProblem", "YamlProblem"),
}


def untranslated_sites() -> list[str]:
    """Each call that makes a diagnostic or a perfrules error without its Chinese text, as ``file:line``."""
    package = ROOT / "src" / "perfrules"
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            keywords = {keyword.arg for keyword in node.keywords}
            if None in keywords:  # **words: a pass-through of what the caller gave
                continue
            if name == "Diagnostic":
                chinese = len(node.args) >= 6 or "message_zh" in keywords
            elif name == "error" and path.name == "binding.py":  # error(code, en, zh, path, ...)
                chinese = len(node.args) >= 4
            elif name == "_TypeRule":  # _TypeRule(english, chinese)
                chinese = len(node.args) >= 2
            elif name == "fail" and path.name == "_cli.py":  # click's ParamType.fail: worded in the chosen language
                continue
            elif name in ("error", "fail", "problem"):
                chinese = "zh" in keywords
            elif name in ERRORS:
                chinese = bool(keywords & {"message_zh", "zh"})
            else:
                continue
            if not chinese:
                found.append(f"{path.relative_to(package).as_posix()}:{node.lineno}")
    return found


def test_every_message_is_born_bilingual() -> None:
    """Every place that makes a diagnostic or a perfrules error gives its Chinese text too."""
    assert [] == untranslated_sites()


@pytest.mark.parametrize(
    "text",
    [
        "a： 1\nb: 2\n",
        "a:\n\tb: 1\n",
        "a: {b: 1， c: 2}\n",
        "a: {b: 1\n",
        "a: [1, 2\nb: 3\n",
        "a:\n  b: 1\n c: 2\n",
        "a: 1\n- b\n",
        'a: "abc\n',
        'a: "\\q"\n',
        "a: @x\n",
        "- a\nb: 1\n",
        "%YAML 2.0\n---\na: 1\n",
    ],
)
def test_yaml_mistakes_in_chinese(text: str) -> None:
    """The YAML parser's usual complaints are put in Chinese words, not passed through in English."""
    with pytest.raises(PerfrulesError) as info:
        perfrules.load_spec(text)
    [problem] = info.value.diagnostics
    assert problem.message_zh and [] == english_in_chinese(problem.message_zh), problem.message_zh
    assert [] != english_in_chinese(problem.message)


@pytest.mark.parametrize(
    "source",
    ["a +", "(a + b", "a + b)", "max(a b)", "'abc", "a if b", "[a + b)", "1a", "a ¥ b", "01 + a", "x \\ y", "a, b"],
)
def test_formula_mistakes_in_chinese(source: str) -> None:
    """Python's words for a formula that does not parse are put in Chinese."""
    with pytest.raises(ExpressionError) as info:
        Expression.parse(source)
    assert [] == english_in_chinese(info.value.text("zh")), info.value.text("zh")


@pytest.mark.parametrize("written", ["≥95%以下", "≥9月底前", "2月30日", "≥很好", "90%-95%", "5%人", "1e99999"])
def test_target_mistakes_in_chinese(written: str) -> None:
    """A 年度指标值 that cannot be read is explained in Chinese as well as English."""
    with pytest.raises(TargetError) as info:
        parse_target(written)
    assert CHINESE.search(re.sub(r"'[^']*'", "", info.value.zh)) and [] == english_in_chinese(info.value.zh)
    assert info.value.zh != info.value.args[0]
