"""The ``fleksmon`` command: one Typer app, one module per command.

Errors: the library raises :class:`~fleksmon.errors.FleksmonError`; this is the
one place that turns it into ``Error: …`` on stderr and exit code 2
(``--debug`` shows the traceback instead).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from fleksmon import __version__
from fleksmon.errors import FleksmonError


def _as_written(command: Any) -> None:
    """Escape rich markup in a command's help texts, so ``--help`` shows every character
    they were written with (``[grupper]``), and move the docstring's closing
    ``Example:`` paragraph below the options, so the help ends with it."""
    if command.help:
        text, sep, example = command.help.rstrip().rpartition("\n\n")
        if sep and example.lstrip().startswith("Example:") and not command.epilog:
            command.help, command.epilog = text, escape(example.strip())
        command.help = escape(command.help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = escape(param.help)


class _Command(TyperCommand):
    """A command whose help shows its texts as written (no rich markup)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _as_written(self)


class _Group(TyperGroup):
    """Turns library errors into one line on stderr and exit code 2.

    With ``--debug`` the traceback is printed instead, without locals and with
    anything CPR-shaped masked (chained exceptions included). Help texts show as
    written (no rich markup).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _as_written(self)

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except Exception as exc:
                fault = _storage_fault(exc)
                if fault is None:
                    raise
                raise fault from exc
        except FleksmonError as exc:
            from fleksmon.cli.output import err_console

            if (ctx.obj or {}).get("debug"):
                err_console.print(_masked_traceback(exc), markup=False, end="")
            err_console.print(f"Error: {exc.line()}", markup=False)
            ctx.exit(2)
        except (typer.exceptions.TyperException, typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            _mask_chain(exc)
            raise


def _storage_fault(exc: Exception) -> FleksmonError | None:
    """A disk or file error that escaped the library, as one line (``None`` for a bug)."""
    from fleksmon.errors import mask_cpr
    from fleksmon.store import os_error

    found = os_error(exc)
    if found is not None and not isinstance(found, BrokenPipeError):
        where = f"{found.filename}: " if found.filename else ""
        return FleksmonError(
            mask_cpr(f"{where}{found.strerror or found}"),
            "check the path, the folder's permissions and the free disk space "
            "(--debug shows where it happened)",
        )
    if type(exc).__name__ == "ComputeError" and str(exc).startswith("parquet:"):
        return FleksmonError(
            f"a stored Parquet file could not be read ({str(exc).splitlines()[0]})",
            "run 'fleksmon store --check' to find the damaged batch, then re-ingest its source",
        )
    return None


def _masked_traceback(exc: BaseException) -> str:
    """The standard traceback text (no locals) with CPR-shaped numbers masked."""
    import traceback

    from fleksmon.errors import mask_cpr

    return mask_cpr("".join(traceback.format_exception(exc)))


def _mask_chain(exc: BaseException) -> None:
    """Mask CPR-shaped numbers in the messages of an unexpected exception and its causes."""
    from fleksmon.errors import mask_cpr

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(mask_cpr(a) if isinstance(a, str) else a for a in current.args)
        current = current.__cause__ or current.__context__


app = typer.Typer(
    cls=_Group,
    name="fleksmon",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fleksmon {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """How far is a kommune from its flexjob targets, and how many people is that?

    Load Jobindsats extracts or person-level data with 'ingest', then ask 'gap' or
    'compute'.

    Example: fleksmon gap --criterion 3 --kommune Viborg
    """
    ctx.obj = {"debug": debug}


def _register() -> None:
    from fleksmon.cli import (
        chart,
        compute,
        export,
        fetch,
        gap,
        ingest,
        noegletal,
        overblik,
        rank,
        report,
        rf,
        store_cmd,
        synth,
    )

    app.command("fetch", cls=_Command)(fetch.fetch)
    app.command("ingest", cls=_Command)(ingest.ingest)
    app.command("compute", cls=_Command)(compute.compute)
    app.command("gap", cls=_Command)(gap.gap)
    app.command("store", cls=_Command)(store_cmd.store)
    app.command("noegletal", cls=_Command)(noegletal.noegletal)
    app.command("rank", cls=_Command)(rank.rank)
    app.command("overblik", cls=_Command)(overblik.overblik)
    app.command("export", cls=_Command)(export.export)
    app.command("chart", cls=_Command)(chart.chart)
    app.command("report", cls=_Command)(report.report)
    app.command("rf", cls=_Command)(rf.rf)
    app.command("synth", cls=_Command)(synth.synth)


_register()


def main() -> None:
    """Console-script entry point."""
    from fleksmon.system import plain_console

    plain_console()
    app()
