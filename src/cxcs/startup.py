"""Start-up shortcuts that change no behaviour.

pydantic looks for plugins on first model creation by importing ``importlib.metadata``
(about 20 ms, most of it the ``email`` package) even when ``PYDANTIC_DISABLE_PLUGINS=__all__``
says there are none to find. cxcs uses no plugins: when plugins are disabled, it answers
"no plugins" without that import. Any other name pydantic may ask of that module is served by
the real module, loaded on demand, so a future pydantic keeps working.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

_LOADER = "pydantic.plugin._loader"


def skip_pydantic_plugin_scan() -> None:
    """Install the "no plugins" answer if plugins are disabled and pydantic has not looked yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") != "__all__" or _LOADER in sys.modules:
        return
    stub = types.ModuleType(_LOADER)

    def get_plugins() -> Iterable[Any]:
        return ()

    def real_attribute(name: str) -> Any:
        if name.startswith("__"):  # import machinery probing (e.g. __path__): not a package
            raise AttributeError(name)
        return getattr(_real_loader(), name)

    stub.get_plugins = get_plugins  # type: ignore[attr-defined]
    stub.__getattr__ = real_attribute  # type: ignore[method-assign]
    sys.modules[_LOADER] = stub


def _real_loader() -> types.ModuleType:
    package = importlib.util.find_spec("pydantic.plugin")
    if package is None or not package.submodule_search_locations:
        raise ImportError(_LOADER)
    path = os.path.join(next(iter(package.submodule_search_locations)), "_loader.py")
    spec = importlib.util.spec_from_file_location(f"{_LOADER}_real", path)
    if spec is None or spec.loader is None:
        raise ImportError(_LOADER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
