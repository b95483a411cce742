"""The start-up shortcut for pydantic's plugin scan changes no behaviour (fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys


def _run(code: str, env_value: str | None) -> dict[str, object]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if env_value is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = env_value
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


PROBE = """
import json, sys
from cxcs.startup import skip_pydantic_plugin_scan
skip_pydantic_plugin_scan()
from cxcs.knowledge.load import load_knowledge
kb = load_knowledge(signals=False)
loader = sys.modules.get("pydantic.plugin._loader")
print(json.dumps({
    "functions": len(kb.functions),
    "metadata_imported": "importlib.metadata" in sys.modules,
    "group": getattr(loader, "PYDANTIC_ENTRY_POINT_GROUP", None),
    "plugins": list(loader.get_plugins()) if loader else None,
}))
"""


def test_disabled_plugins_skip_the_metadata_import_and_still_work() -> None:
    result = _run(PROBE, "__all__")
    assert result["functions"] == 5
    assert result["metadata_imported"] is False  # read before "group" touches the real module
    assert result["plugins"] == []
    # any other name is served by the real module, loaded on demand
    assert result["group"] == "pydantic"


def test_nothing_changes_when_plugins_are_not_disabled() -> None:
    result = _run(PROBE, None)
    assert result["functions"] == 5
    assert result["metadata_imported"] is True
    assert result["group"] == "pydantic"


def test_cli_path_does_not_import_importlib_metadata() -> None:
    code = (
        "import json, sys\nfrom cxcs.cli import main\n"
        "try:\n    main(['compare', 'cx', 'success', '-f', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps({'m': 'importlib.metadata' in sys.modules}))"
    )
    assert _run(code, None)["m"] is False
