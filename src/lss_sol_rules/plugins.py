"""Build the plugin manager: hook specs, built-in plugins, installed plugins.

The manager is built in a function, never at import time, so tests and host
applications each get their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import entry_points

import pluggy

from . import hookspecs
from .builtin import national
from .errors import PluginError

__all__ = ["ENTRY_POINT_GROUP", "get_plugin_manager"]

ENTRY_POINT_GROUP = "lss_sol_rules"


def get_plugin_manager(plugins: bool | Iterable[object] = True) -> pluggy.PluginManager:
    """A new plugin manager with the national rules registered.

    :param plugins: ``True`` loads every plugin installed under the ``lss_sol_rules``
        entry-point group; ``False`` gives national law only; an iterable registers exactly
        those plugin objects (modules or instances with ``@hookimpl`` functions).
    """
    pm = pluggy.PluginManager("lss_sol_rules")
    pm.add_hookspecs(hookspecs)
    pm.register(national, name="national")
    if plugins is True:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(
                    ep.name,
                    f"failed to import {ep.value!r}: {exc}",
                    f"modulen {ep.value!r} kunde inte importeras "
                    f"({type(exc).__name__}, på engelska: {exc})",
                ) from exc
            _register(pm, plugin, ep.name)
    elif not isinstance(plugins, bool):
        for plugin in plugins:
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
            _register(pm, plugin, str(name))
    return pm


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    if pm.is_registered(plugin) or pm.get_plugin(name) is not None:
        raise PluginError(
            name,
            "is registered twice",
            "är registrerat två gånger; ange varje tillägg en gång",
        )
    try:
        pm.register(plugin, name=name)
    except (ValueError, pluggy.PluginValidationError) as exc:
        raise PluginError(
            name,
            f"is not a valid plugin: {exc}",
            f"är inte ett giltigt tillägg (pluggys beskrivning, på engelska: {exc})",
        ) from exc
