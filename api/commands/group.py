"""The root command group: the one failure idiom, and sub-commands imported only when run.

Failing: a command raises a :class:`~api.services.errors.ServiceError` (or lets an engine
error through); :class:`CommandGroup` maps it, once, to ``error: …`` on stderr and the
error's exit status. No command prints its own errors or builds its own ``Exit``.

Loading: :class:`LazyGroup` lists its commands from a table (name, module, one-line help), so
``scenehub --help`` imports no command module; running a command imports its module (and
what that needs: Scrapy for a crawl, FastAPI for ``serve``) and nothing else. This module
imports only typer and the service errors, on purpose.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup

from api.services.errors import ServiceError, translate


class CommandGroup(TyperGroup):
    """The root group: domain errors become one ``error:`` line and their exit status."""

    def invoke(self, ctx: Any) -> Any:  # typer vendors click: its Context type is private
        try:
            with translate():
                return super().invoke(ctx)
        except ServiceError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from exc


@dataclass(frozen=True)
class Lazy:
    """A top-level command in the listing: the module whose ``register(app)`` defines it, and
    the first paragraph of its help (a test checks it against the command's own)."""

    module: str
    help: str


_LOADED: dict[str, Any] = {}


def load(name: str, module: str) -> Any:
    """The real click command ``name`` that ``module.register`` defines."""
    if module not in _LOADED:
        holder = typer.Typer(add_completion=False)
        importlib.import_module(module).register(holder)
        _LOADED[module] = typer.main.get_group(holder)
    return _LOADED[module].commands[name]


class LazyCommand(typer.core.TyperCommand):
    """Stands for a command in the listing; parsing its arguments loads the real one."""

    def __init__(self, name: str, entry: Lazy) -> None:
        super().__init__(name, help=entry.help)
        self.entry = entry

    def real(self) -> Any:
        assert self.name is not None
        return load(self.name, self.entry.module)

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        return self.real().make_context(info_name, args, parent=parent, **extra)


class LazyGroup(CommandGroup):
    """A :class:`CommandGroup` whose commands come from :attr:`table`, loaded when run."""

    table: ClassVar[dict[str, Lazy]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, entry in self.table.items():
            self.commands.setdefault(name, LazyCommand(name, entry))
