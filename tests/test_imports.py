"""Start-up structure: importing the CLI (and running --help) must stay cheap.

Each check runs in a fresh interpreter, because this test process has long since imported
everything.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HEAVY = ("yaml", "pydantic", "rich", "markdown_it")
"""Third-party modules no start-up path may import before a command needs them."""
LAZY_OWN = ("cxcs.render", "cxcs.knowledge", "cxcs.engine", "cxcs.models", "cxcs.api")
"""cxcs packages imported only inside the commands that use them."""


def _probe_result(probe: str) -> Any:
    """Run ``probe`` in a fresh interpreter: the JSON value its last printed line holds."""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout.splitlines()[-1])


def _modules_after(code: str) -> set[str]:
    """The names in sys.modules after running ``code`` in a fresh interpreter."""
    return set(_probe_result(code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"))


def _loaded(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


def test_the_probe_sees_imports() -> None:
    """Control: the probe does report a module that was imported."""
    modules = _modules_after("import cxcs.knowledge.yamlio, cxcs.knowledge.load")
    assert _loaded(modules, "yaml")
    assert _loaded(modules, "pydantic")


@pytest.mark.parametrize("package", [*HEAVY, *LAZY_OWN])
def test_import_cxcs_cli_is_light(package: str) -> None:
    modules = _modules_after("import cxcs.cli")
    assert "cxcs.cli" in modules
    assert not _loaded(modules, package)


def test_import_cxcs_is_lighter_still() -> None:
    modules = _modules_after("import cxcs")
    own = _loaded(modules, "cxcs")
    assert own == ["cxcs"]
    for package in (*HEAVY, "typer", "click"):
        assert not _loaded(modules, package), package


def test_public_api_is_imported_on_first_use() -> None:
    modules = _modules_after("import cxcs\ncxcs.load_knowledge")
    assert "cxcs.api" in modules
    import cxcs

    with pytest.raises(AttributeError):
        _ = cxcs.no_such_name  # type: ignore[attr-defined]


def test_help_loads_no_knowledge_and_no_renderer() -> None:
    modules = _modules_after(
        "import contextlib, io\n"
        "from cxcs.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "assert 'compare' in out.getvalue(), out.getvalue()  # control: the help was printed"
    )
    for package in (*HEAVY, *LAZY_OWN):
        assert not _loaded(modules, package), package


def test_piped_compare_uses_neither_rich_nor_the_classifier() -> None:
    """compare to a pipe renders markdown: no terminal toolkit, no classifier engine."""
    modules = _modules_after(
        "import contextlib, io\n"
        "from cxcs.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()),"
        " contextlib.suppress(SystemExit):\n"
        "    main(['compare', 'cx', 'cs'])"
    )
    assert "cxcs.engine.compare" in modules  # control: the command really ran
    assert "cxcs.render.markdown" in modules
    for name in ("rich.table", "rich.console", "cxcs.render.table", "cxcs.engine.classify",
                 "cxcs.summary", "cxcs.batch", "cxcs.records", "cxcs.models.signals",
                 "cxcs.models.matrix"):  # fmt: skip
        assert name not in modules, name


def test_start_up_compiles_no_surrogate_pattern() -> None:
    """Compiling a character range past U+00FF is slow (the lone-surrogate range cost about
    2 million instructions); text holding a lone surrogate is rare, so that pattern is
    compiled only when such text turns up."""
    probe = (
        "import contextlib, io, json, re\n"
        "seen = []\n"
        "original = re.compile\n"
        "re.compile = lambda pattern, flags=0: seen.append(pattern) or original(pattern, flags)\n"
        "from cxcs.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()),"
        " contextlib.suppress(SystemExit):\n"
        "    main(['compare', 'cx', 'cs', '-f', 'markdown'])\n"
        "print(json.dumps([p for p in seen if isinstance(p, str)]))"
    )
    patterns = _probe_result(probe)
    assert any("\u202a" in p for p in patterns)  # control: cxcs's own patterns are seen
    assert not any("\ud800" in p or "\\ud800" in p for p in patterns)  # as text or as escape


def test_models_build_their_validators_on_first_use() -> None:
    """Defining cxcs's models builds no validator (``defer_build``): a command pays only for
    the models it validates (``compare cx cs`` never builds the matrix models)."""
    probe = (
        "import json\n"
        "from cxcs.models.compare import Side\n"
        "from cxcs.models.matrix import MatrixComparison\n"
        "from cxcs.models.knowledge import Knowledge\n"
        "before = [Side.__pydantic_complete__, MatrixComparison.__pydantic_complete__,"
        " Knowledge.__pydantic_complete__]\n"
        "Side.model_rebuild()\n"
        "print(json.dumps([before, Side.__pydantic_complete__,"
        " MatrixComparison.__pydantic_complete__]))"
    )
    before, side_after, matrix_after = _probe_result(probe)
    assert before == [False, False, False]
    assert side_after is True  # control: building one model on demand works
    assert matrix_after is False  # and builds only that one


GC_PROBE = (
    "import atexit, gc, sys\n"
    "early = []  # collections from the call of main() until the start-up objects are frozen\n"
    "def watch():\n"
    "    gc.callbacks.append(lambda phase, info: gc.get_freeze_count() or early.append(1))\n"
    "atexit.register(lambda: print(len(early), gc.get_freeze_count(), gc.isenabled(),"
    " file=sys.stderr))\n"
    "sys.argv = ['cxcs', 'axes', '-f', 'json']\n"
)


@pytest.mark.parametrize(
    ("launch", "collected", "frozen"),
    [
        ("from cxcs.__main__ import main; watch(); main()", False, True),  # console script
        ("from cxcs.cli import main; watch(); main()", True, True),  # started otherwise
        ("from cxcs.cli import main; watch(); main(sys.argv[1:])", True, False),  # a caller
    ],
)
def test_start_up_objects_are_never_collected(launch: str, collected: bool, frozen: bool) -> None:
    """The console script (and ``python -m cxcs``) starts with the garbage collector off:
    importing and parsing create only objects that live until exit. Before the command
    runs, the real process freezes them (``gc.freeze``: no collection rescans them) and
    switches the collector on; a caller running ``main([...])`` keeps its collector as it
    was."""
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE + launch],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(done.stdout)["command"] == "axes"  # control: the command ran
    early, freezes, enabled = done.stderr.splitlines()[-1].split()
    assert (int(early) > 0) is collected
    assert (int(freezes) > 0) is frozen
    assert enabled == "True"  # the command's own garbage is collected, as ever


LOAD_PROBE = (
    "import gc, inspect, json, sys\n"
    "during = []  # collections that start while the knowledge base is being loaded\n"
    "def watch(phase, info):\n"
    "    frame = inspect.currentframe()\n"
    "    while phase == 'start' and frame is not None:\n"
    "        if frame.f_code.co_name == 'load_knowledge':\n"
    "            during.append(info['generation'])\n"
    "            break\n"
    "        frame = frame.f_back\n"
    "gc.callbacks.append(watch)\n"
    "import atexit\n"
    "atexit.register(lambda: print(json.dumps(during), file=sys.stderr))\n"
    "sys.argv = ['cxcs', '--kb', sys.argv[1], 'compare', 'cx', 'cs', '-f', 'json']\n"
)


@pytest.mark.parametrize(
    ("launch", "collected"),
    [
        ("from cxcs.__main__ import main; main()", False),  # console script
        ("gc.enable(); from cxcs.cli import main; main(sys.argv[1:])", True),  # a caller
    ],
)
def test_the_knowledge_base_is_built_with_the_collector_off(
    tmp_path: Path, launch: str, collected: bool
) -> None:
    """The knowledge base lives until exit, like the start-up objects: the real process
    builds it with the collector off and then freezes it (a collection during the load
    would find nothing to free); a caller's collector is left as it was (control: there,
    the load does trigger collections). An overlay makes it a fresh load, not a cache hit."""
    (tmp_path / "metrics.yaml").write_text("metrics: {}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE + launch, str(tmp_path)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(done.stdout)["command"] == "compare"  # control: the command ran
    during = json.loads(done.stderr.splitlines()[-1])
    assert bool(during) is collected


READ_AT_START = ("cli.py", "params.py", "clitools.py", "models/knowledge.py", "models/signals.py",
                 "models/compare.py")  # fmt: skip
"""Modules whose annotations are read on every start: Typer reads the command signatures,
pydantic the fields of each model class it creates."""


@pytest.mark.parametrize("name", READ_AT_START)
def test_annotations_read_at_start_are_objects(name: str) -> None:
    """No postponed (string) annotations there: each would be evaluated on every start."""
    import cxcs

    tree = ast.parse((Path(cxcs.__file__).parent / name).read_text(encoding="utf-8"))
    futures = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    assert futures == []


def test_knowledge_models_declare_constraints_in_annotated_types() -> None:
    """A field's constraints (``min_length``, ``pattern``) live in ``Annotated`` types
    declared once, never in a ``Field(...)`` default on the field: pydantic builds a field
    from a ``Field()`` default at a higher cost, paid for every field on every start (about
    2 million instructions for the knowledge models). ``default_factory`` stays a default."""
    import cxcs

    tree = ast.parse((Path(cxcs.__file__).parent / "models/knowledge.py").read_text("utf-8"))
    defaults = [
        node.value
        for cls in tree.body
        if isinstance(cls, ast.ClassDef)
        for node in cls.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Call)
    ]
    fields = [c for c in defaults if isinstance(c.func, ast.Name) and c.func.id == "Field"]
    assert fields  # control: the default factories are seen
    assert all([k.arg for k in c.keywords] == ["default_factory"] for c in fields)
