"""One test per data rule of the knowledge files (the rules marked [R] in the headers of
data/functions.yaml and data/metrics.yaml). Each breaks one rule in a copy of the shipped
files and checks that loading (``cxcs validate``) names the problem; the control shows the
unbroken copy is valid, so every failure below comes from its one edit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from cxcs.errors import KnowledgeError
from cxcs.knowledge.load import data_dir, load_knowledge, validate_dir
from tests.support import copy_kb, run_cli

Breakage = tuple[str, Callable[[str], str]]
"""A knowledge file and the edit that breaks its text."""


def _sub(old: str, new: str, file: str = "functions.yaml") -> Breakage:
    """Replace the first ``old`` in ``file`` with ``new``."""

    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return file, edit


def _in_cell(fid: str, axis: str, old: str, new: str) -> Breakage:
    """Replace ``old`` inside one function's cell of functions.yaml only."""

    def edit(text: str) -> str:
        start = text.index(f"\n  {fid}:\n")
        cell = text.index(f"\n      {axis}:\n", start)
        end = re.compile(r"^ {0,6}\S", re.MULTILINE).search(text, cell + len(axis) + 10)
        stop = end.start() if end else len(text)
        body = text[cell:stop]
        assert old in body, (fid, axis, old)
        return text[:cell] + body.replace(old, new, 1) + text[stop:]

    return "functions.yaml", edit


LONG = "x" * 241
RULES: dict[str, tuple[Breakage, str]] = {
    # rule: (the file and the edit that breaks the rule, what loading must say)
    # functions.yaml: values fit their axis kind
    "text at most 240 characters": (
        _in_cell("cx", "goal", 'value: "Customers', f'value: "{LONG} Customers'),
        "at most 240",
    ),
    "ordinal value on its scale": (
        _in_cell("cx", "level", 'value: "strategic"', 'value: "galactic"'),
        "'galactic' is not on the scale of 'level'",
    ),
    "set cells list items": (
        _in_cell(
            "ux",
            "metrics",
            "items:",
            'value: "sus"\n        sources: ["practice § X"]\n        items:',
        ),
        "a set cell has 'items' only",
    ),
    "set items come from the vocabulary": (
        _in_cell(
            "ux",
            "skills",
            "          communication:",
            '          clairvoyance: ["practice § X"]\n          communication:',
        ),
        "unknown item 'clairvoyance' (not in vocabulary 'skills')",
    ),
    "set axes name a known vocabulary": (
        _sub("    vocabulary: skills\n", "    vocabulary: talents\n"),
        "unknown vocabulary 'talents'",
    ),
    "ordinal axes take no vocabulary": (
        _sub(
            "    scale: [tactical, operational, strategic]\n",
            "    scale: [tactical, operational, strategic]\n    vocabulary: skills\n",
        ),
        "an ordinal axis takes no 'vocabulary'",
    ),
    "vocabulary labels are lowercase": (
        _sub('    empathy: "empathy"', '    empathy: "Empathy"'),
        "label 'Empathy' must be lowercase",
    ),
    "vocabulary keys are sorted": (
        _sub('    empathy: "empathy"\n', '    empathy: "empathy"\n    aardvark: "aardvark"\n'),
        "keys must be sorted: 'aardvark'",
    ),
    "item keys are sorted": (
        _in_cell(
            "ux",
            "skills",
            "          communication:",
            '          zzz_first: ["practice § X"]\n          communication:',
        ),
        "keys must be sorted: 'communication'",
    ),
    # the dispute policy
    "a dispute names two different articles": (
        _in_cell(
            "success", "scope", '"cx-versus-cs § Timeframe"', '"crucial-differences § Elsewhere"'
        ),
        "is cited on both sides",
    ),
    "practice never takes a side": (
        _in_cell("success", "scope", '"cx-versus-cs § Timeframe"', '"practice § Hunch"'),
        "practitioner knowledge cannot take a side",
    ),
    "a primary without a majority needs a reason": (
        _in_cell("cx", "timeframe", "        reason:", "        note:"),
        "give a 'reason'",
    ),
    "a disputed item cites different articles": (
        _in_cell("cx", "metrics", 'disputed_by: ["cs-vs-cx-saas', 'disputed_by: ["cx-versus-cs'),
        "is cited on both sides",
    ),
    "one dispute takes one primary side in every cell": (
        _in_cell("success", "metrics", "primary: out", "primary: in"),
        "the dispute over 'ces' is read two ways",
    ),
    "disputed flag matches disputed items": (
        _in_cell("cx", "metrics", "        disputed: true\n", ""),
        "'disputed: true' must be set exactly when an item has 'disputed_by'",
    ),
    "claims of a dispute differ": (
        _in_cell("success", "scope", 'value: "whole journey"', 'value: "post-purchase lifecycle"'),
        "same value: not a dispute",
    ),
    "an undisputed cell has one claim": (
        _in_cell(
            "cx",
            "level",
            "        value:",
            '        primary: {value: tactical, sources: ["practice § X"]}\n        value:',
        ),
        "'primary'/'minority' claims need 'disputed: true'",
    ),
    # names
    "aliases are lowercase": (
        _sub("aliases: [customer-experience,", "aliases: [Customer-Experience,"),
        "alias 'Customer-Experience' must be lowercase",
    ),
    "hidden aliases are lowercase": (
        _sub("hidden_aliases: [custmer experience,", "hidden_aliases: [Custmer Experience,"),
        "alias 'Custmer Experience' must be lowercase",
    ),
    "'cs' is reserved": (
        _sub("aliases: [customer-success,", "aliases: [cs, customer-success,"),
        "'cs' is reserved",
    ),
    # umbrella and journey
    "under names a known function": (
        _sub("    under:\n      function: cx\n", "    under:\n      function: cxx\n"),
        "'under' names unknown or same function 'cxx'",
    ),
    "journey stages come from the stages vocabulary": (
        _sub("  stages: [awareness,", "  stages: [daydreaming, awareness,"),
        "unknown stage 'daydreaming'",
    ),
    "a journey role needs the stage in the function's journey_stages": (
        _sub(
            "    renewal:\n      success:",
            '    renewal:\n      support: {role: leads, sources: ["practice § X"]}\n      success:',
        ),
        "'support' has a role at 'renewal' but its journey_stages cell lacks it",
    ),
    "the journey holds every stage a journey_stages cell lists": (
        _sub(" retention, renewal, expansion,", " retention, expansion,"),
        "'success' lists stage 'renewal' in its journey_stages cell, but 'journey.stages' does not",
    ),
    "journey roles are leads or contributes": (
        _sub("      success: {role: leads,", "      success: {role: dabbles,"),
        "leads",
    ),
    "sources name declared articles": (
        _sub('["crucial-differences § ', '["nowhere § '),
        "unknown article 'nowhere'",
    ),
    # metrics.yaml
    "metric disputed flag agrees with functions.yaml": (
        _sub(
            "    owners: [cx, success]\n    disputed: true",
            "    owners: [cx, success]\n    disputed: false",
            file="metrics.yaml",
        ),
        "'disputed' must be true",
    ),
    "metric owners are known functions": (
        _sub("    owners: [cx, success]\n", "    owners: [cx, succes]\n", file="metrics.yaml"),
        "unknown owner 'succes'",
    ),
}


def _broken(tmp_path: Path, breakage: Breakage) -> Path:
    """A copy of the shipped knowledge files with ``breakage`` made."""
    file, edit = breakage
    directory = copy_kb(tmp_path / "kb")
    path = directory / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return directory


def test_control_the_copy_is_valid(tmp_path: Path) -> None:
    validate_dir(copy_kb(tmp_path / "kb"))


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_rule_is_enforced_on_load(tmp_path: Path, rule: str) -> None:
    breakage, problem = RULES[rule]
    with pytest.raises(KnowledgeError) as caught:
        validate_dir(_broken(tmp_path, breakage))
    everything = [caught.value.message, *caught.value.details.get("more", [])]
    assert any(problem in m for m in everything), (problem, everything[:5])


def test_validate_reports_a_rule_as_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breakage, _ = RULES["aliases are lowercase"]
    run = run_cli(capsys, "validate", str(_broken(tmp_path, breakage)))
    assert run.code == 1
    assert re.search(r"functions\.yaml:\d+: .*must be lowercase", run.err), run.err


def test_the_rules_are_written_in_the_file_headers() -> None:
    header = (data_dir() / "functions.yaml").read_text(encoding="utf-8").split("\nversion:")[0]
    assert header.count("[R]") >= 20
    for phrase in ("Dispute policy", "at most 240", "vocabulary", "lowercase", "journey"):
        assert phrase in header


# --------------------------------------------------------------------------- signals.yaml

TWO_TIERS = (
    "signals:\n"
    "  phrases:\n"
    "    cx:\n"
    "      strong: [foo bar baz]\n"
    "      medium:\n"
    "        - qux quux\n"
    "        - foo bar baz\n"
)
"""An overlay listing one phrase in two tiers of the same function (the medium one is on
line 7)."""


def _signals_overlay(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "overlay"
    directory.mkdir()
    (directory / "signals.yaml").write_text(text, encoding="utf-8")
    return directory


def test_the_shipped_signals_list_each_phrase_in_one_tier() -> None:
    kb = validate_dir(data_dir())
    assert kb.signals is not None
    assert "complaint trends" in kb.signals.phrases["cx"].strong  # kept where it counted most


def test_validate_refuses_a_phrase_in_two_tiers_of_one_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overlay = _signals_overlay(tmp_path, TWO_TIERS)
    run = run_cli(capsys, "validate", str(overlay))
    assert run.code == 1
    assert run.err.splitlines() == [
        f"cxcs: error: {overlay / 'signals.yaml'}:7: function 'cx' lists 'foo bar baz' in both"
        " 'strong' and 'medium': a phrase belongs to one tier of a function"
    ]


def test_loading_refuses_a_phrase_in_two_tiers_of_one_function(tmp_path: Path) -> None:
    overlay = _signals_overlay(tmp_path, TWO_TIERS)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([overlay])
    assert (caught.value.file, caught.value.line) == (str(overlay / "signals.yaml"), 7)
    assert caught.value.details["count"] == 1


def test_two_spellings_that_stem_alike_are_one_phrase(tmp_path: Path) -> None:
    """The lexicon matches stems, so "invoice runs" and "invoicing run" are one phrase."""
    text = (
        "signals:\n  phrases:\n    none:\n"
        "      medium: [invoice runs]\n      weak: [invoicing run]\n"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge([_signals_overlay(tmp_path, text)])
    assert caught.value.problem == (
        "function 'none' lists 'invoice runs' in 'medium' and 'invoicing run' in 'weak'"
        " (the same words once stemmed): a phrase belongs to one tier of a function"
    )


def test_different_functions_may_share_a_phrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "signals:\n  phrases:\n    cx:\n      strong: [foo bar baz]\n"
        "    ux:\n      medium: [foo bar baz]\n"
    )
    overlay = _signals_overlay(tmp_path, text)
    run = run_cli(capsys, "validate", str(overlay))
    assert run.code == 0, run.err
    kb = load_knowledge([overlay])
    assert kb.signals is not None
    assert "foo bar baz" in kb.signals.phrases["ux"].medium


def test_the_signals_rule_is_written_in_the_file_header() -> None:
    header = (data_dir() / "signals.yaml").read_text(encoding="utf-8").split("\nversion:")[0]
    assert header.count("one tier of a function") == 1
