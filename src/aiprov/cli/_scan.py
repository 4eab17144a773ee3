"""``aiprov scan PATH... [--hf-cache [DIR]] [--python [INTERPRETER]] [--hub] [--no-hash] [--to FORMAT] [-o OUT]``.

Also the door through which ``check``, ``obligations`` and ``openness`` read a folder: it is
scanned, then judged (:func:`load_or_scan`). Scan warnings go to stderr; a progress bar (rich when
installed, else tqdm, which huggingface_hub brings) is shown only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from aiprov.cli._common import EXIT_OK, CliError, warn, write_output
from aiprov.graph import AIBOM

__all__ = ["load_or_scan", "register"]

TARGETS = (
    "manifest",
    "manifest-json",
    "cyclonedx-json",
    "cyclonedx-xml",
    "spdx3-json",
    "spdx2-json",
    "spdx2-tv",
)
_SHOWN_WARNINGS = 40


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "scan",
        help="build an AI-BOM from model folders, the Hugging Face cache, a Python environment and code",
        description="Discover the supply chain on disk: Hugging Face repository folders and the cache "
        "(cards, base models, datasets, adapter and config files, weight headers, sha256 of weights and "
        "data), LICENSE texts, a Python environment's distributions, and a project's pyproject.toml and "
        "model references in .py / .ipynb files. Offline unless --hub. Writes an aibom manifest (YAML) "
        "by default. Exit 0 on success (warnings on stderr), 2 when a path cannot be read.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="folders or files to scan")
    parser.add_argument(
        "--hf-cache",
        nargs="?",
        const=True,
        default=None,
        metavar="DIR",
        help="also scan a Hugging Face cache (default DIR: where huggingface_hub looks, HF_HUB_CACHE / HF_HOME)",
    )
    parser.add_argument(
        "--python",
        nargs="?",
        const=True,
        default=None,
        metavar="INTERPRETER",
        help="also list the distributions installed in a Python environment (default: this interpreter)",
    )
    parser.add_argument(
        "--hub", action="store_true", help="fill gaps from the Hugging Face Hub (network; off by default)"
    )
    parser.add_argument(
        "--no-hash", action="store_true", help="do not compute the sha256 of weight and data files"
    )
    parser.add_argument(
        "--to", choices=TARGETS, default="manifest", help="the format to write (default: manifest, YAML)"
    )
    parser.add_argument("-o", "--output", default="-", help="file to write (default: stdout; '-' for stdout)")
    parser.set_defaults(run=_run)


class _Bar:
    """A rich progress bar fed by the scanners' ``progress(task, advance, total)`` calls."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            console=_stderr_console(),
            transient=True,
        )
        self._tasks: dict[str, Any] = {}

    def __call__(self, task: str, advance: float, total: float | None) -> None:
        handle = self._tasks.get(task)
        if handle is None:
            handle = self._tasks[task] = self._progress.add_task(task, total=total)
        elif total is not None:
            current = self._progress.tasks[handle].total or 0
            self._progress.update(handle, total=current + total)
        if advance:
            self._progress.advance(handle, advance)

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


class _TqdmBar:
    """The same, with tqdm (installed with huggingface_hub) where rich is not installed."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self._bars: dict[str, Any] = {}

    def __call__(self, task: str, advance: float, total: float | None) -> None:
        bar = self._bars.get(task)
        if bar is None:
            unit = "B" if task == "hashing" else "it"
            bar = self._bars[task] = self._tqdm(
                desc=task, total=total, unit=unit, unit_scale=unit == "B", leave=False, file=sys.stderr
            )
        elif total is not None:
            bar.total = (bar.total or 0) + total
            bar.refresh()
        if advance:
            bar.update(advance)

    def __enter__(self) -> _TqdmBar:
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self._bars.values():
            bar.close()


def _progress_bar() -> _Bar | _TqdmBar | None:
    """A progress bar on a terminal (rich, else tqdm), none when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    try:
        return _Bar()
    except ImportError:
        pass
    try:
        return _TqdmBar()
    except ImportError:
        return None


def scan_with_feedback(
    paths: list[str],
    *,
    hf_cache: Any = None,
    python: Any = None,
    hub: bool = False,
    hashes: bool = True,
) -> AIBOM:
    """:func:`aiprov.scan.scan` with a progress bar on a terminal and the warnings on stderr."""
    from aiprov.scan import scan

    bar = _progress_bar()
    if bar is None:
        bom = scan(*paths, hf_cache=hf_cache, python=python, hub=hub, hashes=hashes)
    else:
        with bar:
            bom = scan(*paths, hf_cache=hf_cache, python=python, hub=hub, hashes=hashes, progress=bar)
    warnings = bom.metadata.get("scan", {}).get("warnings", [])
    for message in warnings[:_SHOWN_WARNINGS]:
        warn(str(message))
    if len(warnings) > _SHOWN_WARNINGS:
        print(
            f"aiprov: warning: ... and {len(warnings) - _SHOWN_WARNINGS} more (each is kept on its artifact "
            "as scan_warnings)",
            file=sys.stderr,
        )
    return bom


def load_or_scan(path: str) -> AIBOM:
    """A document (any format aiprov reads), or a folder: scanned (with hashes), then returned. A folder
    in which nothing is found is bad input (exit 2), like an empty document."""
    if Path(path).is_dir():
        bom = scan_with_feedback([path])
        if not len(bom):
            raise CliError(
                f"{path}: is a folder in which aiprov found nothing to judge (no model, dataset, weights or code)"
            )
        return bom
    from aiprov.formats import load

    return load(path)


def _run(args: argparse.Namespace) -> int:
    if not args.paths and args.hf_cache is None and args.python is None:
        raise CliError("nothing to scan: give a PATH, --hf-cache or --python")
    bom = scan_with_feedback(
        list(args.paths), hf_cache=args.hf_cache, python=args.python, hub=args.hub, hashes=not args.no_hash
    )
    from aiprov.formats import dumps

    fmt = "manifest-json" if args.to == "manifest-json" else args.to
    text = dumps(bom, fmt)
    write_output(text, args.output)
    return EXIT_OK
