"""The shipped knowledge base, and the loader's rejection of broken knowledge files."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cxcs.errors import KnowledgeError, UsageError
from cxcs.knowledge.checks import normalize_name
from cxcs.knowledge.load import data_dir, load_knowledge, validate_dir
from cxcs.knowledge.resolve import name_index, resolve_function
from cxcs.models.knowledge import Knowledge, metric_label
from tests.support import block, copy_kb, line_number, run_cli

REQUIRED_METRICS = (
    "nps", "csat", "ces", "customer_retention_rate", "revenue_retention_rate",
    "net_revenue_retention", "customer_churn_rate", "revenue_churn_rate", "renewal_rate",
    "expansion_revenue", "product_adoption_rate", "product_usage", "customer_health_score",
    "first_response_time", "resolution_time", "resolution_rate", "acquisition_rate",
    "conversion_rate", "task_success_rate", "sus",
)  # fmt: skip
METRIC_FIELDS = (
    "name", "abbreviation", "definition", "formula", "unit", "direction", "owners", "disputed",
    "sources",
)  # fmt: skip
REQUIRED_ALIASES = {
    "customer-experience": "cx",
    "customer experience": "cx",
    "Customer Experience": "cx",
    "customer-success": "success",
    "csm": "success",
    "customer-service": "service",
    "customer-support": "support",
    "tech-support": "support",
    "technical-support": "support",
    "user-experience": "ux",
}


def _values(value: str | tuple[str, ...]) -> frozenset[str] | str:
    return frozenset(value) if isinstance(value, tuple) else value


# --------------------------------------------------------------------------- shipped content


def test_every_function_has_a_cell_for_every_axis(kb: Knowledge) -> None:
    assert len(kb.functions) >= 5
    for fid, function in kb.functions.items():
        assert set(function.cells) == set(kb.axis_ids), fid


def test_every_claim_has_a_source_whose_article_exists(kb: Knowledge) -> None:
    claims = 0
    for fid, function in kb.functions.items():
        for axis_id, cell in function.cells.items():
            for claim in cell.claims:
                claims += 1
                assert claim.sources, (fid, axis_id)
                for source in claim.sources:
                    assert source.article in kb.articles, (fid, axis_id, source.article)
                    assert source.section.strip(), (fid, axis_id)
    assert claims >= len(kb.functions) * len(kb.axes)
    for mid, metric in kb.metrics.items():
        assert metric.sources, mid
        for source in metric.sources:
            assert source.article in kb.articles, (mid, source.article)


def test_every_article_is_cited(kb: Knowledge) -> None:
    cited = {s.article for f in kb.functions.values() for c in f.cells.values() for s in c.sources}
    cited |= {s.article for m in kb.metrics.values() for s in m.sources}
    assert set(kb.articles) == cited


def test_axes_cover_three_kinds_and_ordinals_have_scales(kb: Knowledge) -> None:
    assert len(kb.axes) >= 18
    assert len(set(kb.axis_ids)) == len(kb.axes)
    assert {a.kind for a in kb.axes} == {"ordinal", "set", "text"}
    for axis in kb.axes:
        if axis.kind == "ordinal":
            assert axis.scale is not None and len(axis.scale) >= 2, axis.id
            assert len(set(axis.scale)) == len(axis.scale), axis.id
        else:
            assert axis.scale is None, axis.id


def test_cell_values_fit_their_axis(kb: Knowledge) -> None:
    for fid, function in kb.functions.items():
        for axis in kb.axes:
            for claim in function.cells[axis.id].claims:
                where = (fid, axis.id)
                if axis.kind == "ordinal":
                    assert axis.scale is not None and claim.value in axis.scale, where
                elif axis.kind == "set":
                    assert isinstance(claim.value, tuple) and claim.value, where
                    assert len(set(claim.value)) == len(claim.value), where
                    if axis.id == "metrics":
                        assert set(claim.value) <= set(kb.metrics), where
                else:
                    assert isinstance(claim.value, str), where
                    assert 0 < len(claim.value) <= 240, where


def test_disputed_cells_follow_the_dispute_policy(kb: Knowledge) -> None:
    """Disputed: opposite claims from different articles, a primary and a minority reading."""
    disputed = [
        (fid, axis_id, cell)
        for fid, function in kb.functions.items()
        for axis_id, cell in function.cells.items()
        if cell.disputed
    ]
    assert len(disputed) >= 4
    for fid, axis_id, cell in disputed:
        assert len(cell.claims) == 2, (fid, axis_id)
        assert len({_values(c.value) for c in cell.claims}) == 2, (fid, axis_id)
        if cell.items is None:
            assert cell.primary is not None and cell.minority is not None
            sides = [cell.primary.sources, cell.minority.sources]
        else:
            item = next(i for i in cell.items.values() if i.disputed)
            sides = [item.sources, item.disputed_by]
        ours, theirs = ({s.article for s in side} for side in sides)
        assert ours and theirs and not ours & theirs, f"{fid}.{axis_id}: one article on both sides"
        assert "practice" not in ours | theirs, (fid, axis_id)
    undisputed = [c for f in kb.functions.values() for c in f.cells.values() if not c.disputed]
    assert all(len(c.claims) == 1 for c in undisputed)


def test_required_metrics_are_present_with_every_field(kb: Knowledge) -> None:
    raw = yaml.safe_load((data_dir() / "metrics.yaml").read_text(encoding="utf-8"))["metrics"]
    for mid in REQUIRED_METRICS:
        assert mid in kb.metrics, mid
        missing = [f for f in METRIC_FIELDS if f not in raw[mid]]
        assert not missing, f"{mid} lacks {missing}"
        metric = kb.metrics[mid]
        for text in (metric.name, metric.definition, metric.formula, metric.unit):
            assert text.strip(), mid
        assert metric.direction in {"higher", "lower"}
        assert metric.owners and set(metric.owners) <= set(kb.functions), mid
        if metric.disputed:
            assert metric.note, f"{mid} is disputed but has no note explaining why"


def test_metric_owners_agree_with_the_metrics_cells(kb: Knowledge) -> None:
    """metrics.yaml documents this: a function owns a metric when any claim lists it."""
    for mid, metric in kb.metrics.items():
        owners = {
            fid
            for fid, function in kb.functions.items()
            if any(mid in claim.value for claim in function.cells["metrics"].claims)
        }
        assert owners == set(metric.owners), mid


def test_both_files_declare_the_same_version(kb: Knowledge) -> None:
    versions = {
        name: yaml.safe_load((data_dir() / name).read_text(encoding="utf-8"))["version"]
        for name in ("functions.yaml", "metrics.yaml")
    }
    assert len(set(versions.values())) == 1, versions
    assert kb.version == versions["functions.yaml"]
    assert re.fullmatch(r"[0-9a-f]{64}", kb.origin.sha256)


@pytest.mark.parametrize(("alias", "function_id"), sorted(REQUIRED_ALIASES.items()))
def test_required_aliases_resolve(kb: Knowledge, alias: str, function_id: str) -> None:
    resolved = resolve_function(kb, alias)
    assert resolved.function_id == function_id
    assert resolved.note is None


def test_every_declared_name_resolves_to_its_function(kb: Knowledge) -> None:
    for fid, function in kb.functions.items():
        names = [fid, function.name, *function.aliases, *function.hidden_aliases]
        names += [function.abbreviation] if function.abbreviation else []
        for name in names:
            assert resolve_function(kb, name).function_id == fid, name


@pytest.mark.parametrize("name", ["cs", "CS", " cs "])
def test_cs_resolves_to_success_with_a_note_about_service(kb: Knowledge, name: str) -> None:
    assert "cs" not in name_index(kb), "'cs' must stay ambiguous, not an alias"
    resolved = resolve_function(kb, name)
    assert resolved.function_id == "success"
    assert resolved.note is not None
    assert "service" in resolved.note
    assert "\n" not in resolved.note


def test_did_you_mean_never_reveals_a_hidden_alias(kb: Knowledge) -> None:
    """Hidden aliases are accepted but never shown, not even as a suggestion."""
    hidden = {normalize_name(h) for f in kb.functions.values() for h in f.hidden_aliases}
    assert hidden
    for name in sorted(hidden):
        typo = name[:-1] + ("x" if name[-1] != "x" else "y")
        if normalize_name(typo) in name_index(kb):
            continue
        with pytest.raises(UsageError) as caught:
            resolve_function(kb, typo)
        suggested = re.search(r"did you mean '([^']+)'", str(caught.value))
        if suggested:
            assert suggested.group(1) not in hidden, f"{typo!r} -> {suggested.group(0)}"


# --------------------------------------------------------------------------- loader rejections

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
)
"""Billion laughs: nine levels of nine-fold aliases (9**9 'lol's once expanded)."""


@dataclass
class Breakage:
    """A way to break the knowledge files and what the loader must say about it."""

    file: str
    mutate: Callable[[str], str]
    problem: str
    """A fragment of the problem statement (the part after ``file:line:``)."""
    lines: Callable[[str], set[int | None]]
    """The acceptable lines, worked out from the broken text."""


def _in_block(text: str, fid: str, old: str, new: str) -> str:
    start, end = block(text, fid)
    part = text[start:end]
    assert old in part, f"{old!r} not in the {fid} block"
    return text[:start] + part.replace(old, new, 1) + text[end:]


def _insert_after_name(fid: str, line: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        start, _ = block(text, fid)
        at = text.index("\n", text.index("\n    name:", start) + 1) + 1
        return text[:at] + line + "\n" + text[at:]

    return mutate


def _replace_name(fid: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        start, _ = block(text, fid)
        head = text.index("\n    name:", start) + 1
        end = text.index("\n", head)
        return text[:head] + new + text[end:]

    return mutate


def _cell_value(text: str, fid: str, axis: str) -> re.Match[str]:
    start, end = block(text, fid)
    found = re.compile(rf"^      {axis}:\n        value: (.*)$", re.MULTILINE).search(
        text, start, end
    )
    assert found, f"no undisputed {fid}.{axis} cell"
    return found


def _ordinal_off_scale(text: str) -> str:
    found = _cell_value(text, "cx", "level")
    return text[: found.start(1)] + "galactic" + text[found.end(1) :]


def _drop_cell(text: str) -> str:
    found = _cell_value(text, "cx", "level")
    end = re.compile(r"^ {0,6}\S", re.MULTILINE).search(text, text.index("\n", found.end()) + 1)
    assert end is not None
    return text[: found.start()] + text[end.start() :]


def _unknown_metric(text: str) -> str:
    start, end = block(text, "cx")
    cell = text.index("\n      metrics:\n", start, end)
    before = text.index("\n          nps:", cell) + 1
    return text[:before] + '          no_such_metric: ["practice § Metrics"]\n' + text[before:]


def _unsorted(text: str) -> str:
    start, end = block(text, "ux")
    ux = text[start:end]
    cx = text.index("\n  cx:\n") + 1
    rest = text[:start] + text[end:]
    return rest[:cx] + ux + rest[cx:]


def _bomb(text: str) -> str:
    at = text.index("\n", text.index("\nversion:") + 1) + 1
    return text[:at] + BOMB + text[at:]


def _first_in_block(fid: str, needle: str) -> Callable[[str], set[int | None]]:
    def lines(text: str) -> set[int | None]:
        return {line_number(text, needle, block(text, fid)[0])}

    return lines


def _first(needle: str) -> Callable[[str], set[int | None]]:
    return lambda text: {line_number(text, needle)}


def _key_of_cx(text: str) -> set[int | None]:
    """A function lacking a cell is reported where the function is defined (its key)."""
    return {line_number(text, "  cx:\n", block(text, "cx")[0])}


BREAKAGES = {
    "unknown field": Breakage(
        "functions.yaml", _insert_after_name("cx", "    colour: blue"),
        "unknown field 'colour'", _first("colour: blue"),
    ),
    "unknown metric in a metrics cell": Breakage(
        "functions.yaml", _unknown_metric,
        "unknown metric id 'no_such_metric'", _first("no_such_metric"),
    ),
    "unknown article": Breakage(
        "functions.yaml",
        lambda t: re.sub(r'\["[\w-]+ § ', '["nowhere-article § ', t, count=1),
        "unknown article 'nowhere-article'", _first("nowhere-article"),
    ),
    "duplicate alias across functions": Breakage(
        "functions.yaml",
        lambda t: _in_block(t, "success", "aliases: [", "aliases: [customer-experience, "),
        "duplicate alias 'customer-experience': it names both 'cx' and 'success'",
        _first("aliases: [customer-experience, customer-success"),
    ),
    "duplicate key": Breakage(
        "functions.yaml", _insert_after_name("support", "    name: Second name"),
        "duplicate key 'name'", _first("name: Second name"),
    ),
    "unsorted function keys": Breakage(
        "functions.yaml", _unsorted,
        "keys must be sorted: 'cx' comes before 'ux'", lambda t: {line_number(t, "\n  cx:\n") + 1},
    ),
    "YAML syntax error": Breakage(
        "functions.yaml", _replace_name("service", "    name: Customer: service"),
        "mapping values are not allowed", _first("name: Customer: service"),
    ),
    "alias bomb": Breakage(
        "metrics.yaml", _bomb, "aliases",
        # the anchor that is referenced again, or the first place it is referenced
        lambda t: {line_number(t, "a: &a"), line_number(t, "b: &b")},
    ),
    "python object tag": Breakage(
        "functions.yaml",
        _replace_name("ux", "    name: !!python/object/apply:os.system ['echo pwned']"),
        "tags that build objects", _first("!!python/object"),
    ),
    "empty file": Breakage("metrics.yaml", lambda t: "", "file is empty", lambda t: {None, 1}),
    "blank file": Breakage(
        "metrics.yaml", lambda t: "\n  \n\n", "file is empty", lambda t: {None, 1}
    ),
    "top level is not a mapping": Breakage(
        "metrics.yaml", lambda t: "- nps\n- csat\n", "top level must be a mapping",
        lambda t: {1},
    ),
    "list where a string is expected": Breakage(
        "functions.yaml", _replace_name("cx", "    name: [Customer, experience]"),
        "functions.cx.name", _first("name: [Customer, experience]"),
    ),
    "ordinal value not on its scale": Breakage(
        "functions.yaml", _ordinal_off_scale,
        "'galactic' is not on the scale of 'level'", _first("value: galactic"),
    ),
    "missing axis cell": Breakage(
        "functions.yaml", _drop_cell, "function 'cx' has no cell for axis 'level'", _key_of_cx,
    ),
    "team outside a mutual axis's vocabulary": Breakage(
        "functions.yaml", lambda t: _in_block(t, "cx", "team: cx_team", "team: cx_squad"),
        "team 'cx_squad' is not an item of axis 'collaborates_with''s vocabulary",
        _first("team: cx_squad"),
    ),
    "mutual ordinal axis": Breakage(
        "functions.yaml",
        lambda t: t.replace("mixed, proactive]\n", "mixed, proactive]\n    mutual: true\n", 1),
        "an ordinal axis cannot be 'mutual'",
        lambda t: {line_number(t, "  - id: proactivity"), line_number(t, "mutual: true")},
    ),
}  # fmt: skip


def _break(kb_dir: Path, breakage: Breakage) -> tuple[Path, str]:
    path = kb_dir / breakage.file
    broken = breakage.mutate(path.read_text(encoding="utf-8"))
    assert broken != path.read_text(encoding="utf-8")
    path.write_text(broken, encoding="utf-8")
    return path, broken


def _check(error: KnowledgeError, path: Path, broken: str, breakage: Breakage) -> None:
    assert error.file == str(path)
    assert breakage.problem in error.problem
    assert error.line in breakage.lines(broken), f"line {error.line}: {error.message}"
    where = f"{path}:{error.line}" if error.line else str(path)
    assert error.message.startswith(f"{where}: ")
    assert "ValidationError" not in error.message
    assert "pydantic" not in error.message.lower()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    return copy_kb(tmp_path / "kb")


def test_the_copied_knowledge_is_valid(kb_dir: Path, kb: Knowledge) -> None:
    """The starting point of every rejection below loads (so the breakage is the cause)."""
    copied = validate_dir(kb_dir)
    assert copied.functions == kb.functions
    assert copied.metrics == kb.metrics
    assert load_knowledge(base=kb_dir).axes == kb.axes


LOADERS: dict[str, Callable[[Path], Knowledge]] = {
    "validate_dir": validate_dir,
    "load_knowledge": lambda directory: load_knowledge(base=directory),
}


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_loading_rejects(kb_dir: Path, case: str, loader: str) -> None:
    breakage = BREAKAGES[case]
    path, broken = _break(kb_dir, breakage)
    with pytest.raises(KnowledgeError) as caught:
        LOADERS[loader](kb_dir)
    _check(caught.value, path, broken, breakage)


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_cli_validate_rejects(kb_dir: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    breakage = BREAKAGES[case]
    path, broken = _break(kb_dir, breakage)
    run = run_cli(capsys, "validate", str(kb_dir))
    assert run.code == 1
    assert run.out == ""
    located = re.search(rf"{re.escape(str(path))}(?::(\d+))?: (.*)", run.err)
    assert located, run.err
    line = int(located.group(1)) if located.group(1) else None
    assert line in breakage.lines(broken)
    assert breakage.problem in located.group(2)
    assert "Traceback" not in run.err


def test_unsorted_keys_are_the_only_problem(kb_dir: Path) -> None:
    """Moving a function must not cause knock-on errors (owners, aliases) as well."""
    _break(kb_dir, BREAKAGES["unsorted function keys"])
    with pytest.raises(KnowledgeError) as caught:
        validate_dir(kb_dir)
    assert caught.value.details.get("count", 1) == 1


def test_every_problem_is_reported_not_only_the_first(kb_dir: Path) -> None:
    path = kb_dir / "functions.yaml"
    path.write_text(_ordinal_off_scale(_unknown_metric(path.read_text())), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        validate_dir(kb_dir)
    everything = [caught.value.message, *caught.value.details["more"]]
    assert any("galactic" in m for m in everything)
    assert any("no_such_metric" in m for m in everything)


def test_python_tag_is_never_executed(kb_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = kb_dir / "functions.yaml"
    mutate = _replace_name("cx", f"    name: !!python/object/apply:os.system ['touch {marker}']")
    path.write_text(mutate(path.read_text()), encoding="utf-8")
    with pytest.raises(KnowledgeError):
        validate_dir(kb_dir)
    assert not marker.exists()


def test_alias_bomb_fails_fast_in_a_fresh_process(kb_dir: Path) -> None:
    """Rejected before expansion: quick, and small (the address space is capped at 1 GiB)."""
    _break(kb_dir, BREAKAGES["alias bomb"])
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from cxcs.cli import main\n"
        "main(['validate', sys.argv[1]])\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(kb_dir)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    assert done.returncode == 1, done.stderr
    assert "aliases" in done.stderr
    assert "MemoryError" not in done.stderr
    assert elapsed < 10


def test_alias_bomb_is_rejected_in_milliseconds(kb_dir: Path) -> None:
    _break(kb_dir, BREAKAGES["alias bomb"])
    started = time.perf_counter()
    with pytest.raises(KnowledgeError):
        validate_dir(kb_dir)
    assert time.perf_counter() - started < 2.0


def test_validate_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_cli(capsys, "validate", str(tmp_path / "nowhere"))
    assert run.code == 2  # a usage error, as for any FILE argument that does not exist
    assert f"{tmp_path / 'nowhere'}: no such directory" in run.err


def test_cli_validate_accepts_a_valid_copy(
    kb_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "validate", str(kb_dir), "--format", "json")
    assert run.code == 0, run.err
    assert '"valid": true' in run.out
    assert str(kb_dir / "functions.yaml") in run.out


def test_the_metric_vocabulary_is_worked_out_once_and_handed_out_as_a_copy(
    kb: Knowledge,
) -> None:
    axis = next(a for a in kb.axes if a.vocabulary == "metrics")
    labels = kb.vocabulary(axis)
    assert labels == {mid: metric_label(m) for mid, m in kb.metrics.items()}
    first = next(iter(labels))
    labels[first] = "changed by a caller"
    assert kb.vocabulary(axis)[first] != "changed by a caller"
    assert kb.metric_labels is kb.metric_labels  # cached


@pytest.mark.parametrize(
    ("overlay", "line", "problem"),
    [
        ("functions:\n  success:\n    name: CS\n", 4, "'cs' is reserved"),
        (
            "functions:\n  cx:\n    aliases: [ux]\n",
            4,
            "duplicate alias 'ux': it names both 'cx' and 'ux'",
        ),
    ],
)
def test_a_name_problem_points_at_the_overlay_line_that_gives_the_name(
    kb: Knowledge,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    overlay: str,
    line: int,
    problem: str,
) -> None:
    """An overlay's `name: CS` is refused at that line of the overlay, not at the shipped
    file's aliases; an alias two functions would answer to names both of them."""
    directory = tmp_path / "my-kb"
    directory.mkdir()
    version = f'version: "{kb.origin.version}"\n'
    (directory / "functions.yaml").write_text(version + overlay, "utf-8")
    run = run_cli(capsys, "validate", str(directory))
    assert run.code == 1
    assert f"{directory / 'functions.yaml'}:{line}: {problem}" in run.err, run.err
