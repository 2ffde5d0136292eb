"""What every command shares on the terminal: omscore errors turned into one message and exit status 1, the
audit verdict after ``demo`` and ``run``, and the progress bar on stderr. It is also where a missing ``cli``
extra (typer, rich) is noticed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from omscore.boundary.errors import InvalidDocument
from omscore.demo import Summary
from omscore.domain.errors import OmsError

try:
    import typer
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
except ModuleNotFoundError as _missing:  # the ``cli`` extra is not installed: no command is loaded, ``main`` says so
    MISSING_EXTRA: str | None = _missing.name or "typer"
else:
    MISSING_EXTRA = None


def _stderr() -> Console:
    return Console(stderr=True, highlight=False)


@contextmanager
def _reported() -> Iterator[None]:
    """Turn omscore errors and unreadable files into one message on stderr and exit status 1."""
    try:
        yield
    except InvalidDocument as error:
        err = _stderr()
        err.print(f"[bold red]error:[/] {escape(str(error))}")
        for problem in error.errors[1:10]:
            err.print(f"  also {escape(problem.field)}: {escape(problem.reason)} (got {escape(repr(problem.value))})")
        raise typer.Exit(1) from None
    except OmsError as error:
        _stderr().print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    except OSError as error:
        _stderr().print(f"[bold red]error:[/] {escape(str(error))}")
        raise typer.Exit(1) from None


def _fail_unless_clean(summary: Summary, command: str) -> None:
    """Exit with status 1, naming the audit's findings on stderr, when the audit of the store is not clean."""
    if summary.audit_ok:
        return
    err = _stderr()
    err.print(f"[bold red]error:[/] omscore {command}: the audit of the store is not clean")
    for problem in summary.audit_problems or ("(the audit gave no details)",):
        err.print(f"  {escape(problem)}")
    raise typer.Exit(1)


@contextmanager
def _progress_bar(total: int, what: str) -> Iterator[Callable[[int, str], None]]:
    """A progress bar on stderr; yields ``tell(done, description)``."""
    with Progress(
        TextColumn("[bold]{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(what),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=total)

        def tell(done: int, description: str) -> None:
            progress.update(task, completed=done, description=description)

        yield tell
