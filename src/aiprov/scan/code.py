"""A project's own code: ``pyproject.toml`` and the models and datasets its ``.py`` and ``.ipynb``
files load.

* Each ``pyproject.toml`` is a ``project:<name>`` code artifact with its declared license (PEP 621 /
  PEP 639: an SPDX expression string, ``{text = ...}``, ``{file = ...}``, or the classifiers) and
  its dependencies: ``depends_on`` ``pypi:<name>`` for ``dependencies`` and
  ``optional-dependencies`` (the relation says which extra), ``built_with`` for the build system's
  and the dependency groups' requirements (tools, not parts of what ships). A dependency not
  installed in a scanned environment stays in the graph as an unresolved artifact.
* Python files are parsed with :mod:`ast` (never run; notebooks: their code cells, with IPython
  ``%`` / ``!`` lines blanked) for calls that load a Hugging Face model or dataset by id:
  ``from_pretrained``, ``load_dataset``, ``hf_hub_download``, ``snapshot_download``, ``pipeline``,
  ``SentenceTransformer``... The id is a string literal, or a name bound to one in the same file.
  The project ``depends_on`` the model ``hf:<org>/<name>`` or dataset ``hf-dataset:<org>/<name>``
  (``depends_on`` is what the graph allows from code to either), with the call, the file and the
  line on the relation. ``found_in`` is ``<path>:<line>`` (``<notebook>#cell-<n>:<line>`` in a
  notebook, cells counted from 1, markdown cells included).
* A file belongs to the nearest folder above it with a ``pyproject.toml``; files under no such
  folder belong to a project named after the scan root.

Skipped for code: hidden folders (``.git``, ``.venv``, ...), ``node_modules``, ``__pycache__``,
``site-packages`` and every virtual environment (a folder holding ``pyvenv.cfg``). A virtual
environment directly inside the root or a project folder is the project's environment:
:func:`project_environments` lists them, for :func:`aiprov.scan.pyenv.scan_python` to read.
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiprov.graph import Artifact
from aiprov.scan._found import Found, Progress
from aiprov.scan._pylicense import choose_license
from aiprov.scan.pyenv import pypi_id, pypi_purl

__all__ = ["project_environments", "scan_code"]

_TASK = "project code"
_MAX_SOURCE = 8 * 1024 * 1024  # a .py file or pyproject.toml over this is not read
_MAX_NOTEBOOK = 64 * 1024 * 1024  # notebooks carry outputs (images): a larger bound
_MAX_LICENSE_FILE = 512 * 1024
_SKIP_NAMES = frozenset({"node_modules", "__pycache__", "site-packages", "dist-packages"})
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?$")
_COMMIT = re.compile(r"^[0-9a-fA-F]{7,40}$")
#: ``load_dataset`` names that are builders shipped with ``datasets``, not Hub datasets
_BUILDERS = frozenset(
    {"csv", "json", "parquet", "text", "arrow", "pandas", "sql", "generator", "xml", "webdataset",
     "imagefolder", "audiofolder", "videofolder", "folder", "spark", "cache"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Call:
    """A loading call: which argument holds the id (position, keywords) and what kind it loads
    (``repo_type=`` may change it)."""

    kind: str
    positions: tuple[int, ...]
    keywords: tuple[str, ...]


_CALLS: dict[str, _Call] = {
    "from_pretrained": _Call("model", (0, 1), ("pretrained_model_name_or_path", "model_id")),
    "load_dataset": _Call("dataset", (0,), ("path",)),
    "load_dataset_builder": _Call("dataset", (0,), ("path",)),
    "hf_hub_download": _Call("model", (0,), ("repo_id",)),
    "snapshot_download": _Call("model", (0,), ("repo_id",)),
    "hf_hub_url": _Call("model", (0,), ("repo_id",)),
    "pipeline": _Call("model", (1,), ("model",)),
    "SentenceTransformer": _Call("model", (0,), ("model_name_or_path",)),
    "CrossEncoder": _Call("model", (0,), ("model_name", "model_name_or_path")),
}


@dataclass(slots=True)
class _Project:
    id: str
    folder: Path


@dataclass(slots=True)
class _Ref:
    """A model or dataset id found in code."""

    repo_id: str
    kind: str
    call: str
    line: int
    revision: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _is_env(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def _walk(root: Path, found: Found) -> Iterator[Path]:
    """Regular files under ``root`` (sorted, symlinked folders not followed, skipped folders left out)."""
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            if d.startswith(".") or d in _SKIP_NAMES or sub.is_symlink() or _is_env(sub):
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = here / name
            if path.suffix not in (".py", ".ipynb") and name != "pyproject.toml":
                continue
            try:
                st = path.stat()
            except OSError as exc:
                found.warn(None, f"{_rel(path, root)}: cannot be read: {exc.strerror or exc}")
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if path.is_symlink():
                try:
                    path.resolve().relative_to(root.resolve())
                except (ValueError, OSError, RuntimeError):
                    found.warn(None, f"{_rel(path, root)}: a symlink leaving the scanned folder; not read")
                    continue
            yield path


def project_environments(root: str | os.PathLike[str]) -> list[Path]:
    """The virtual environments (folders holding ``pyvenv.cfg``) directly inside ``root`` or inside a
    folder of it holding a ``pyproject.toml``: the project's own environment (``.venv``, ``venv``,
    ...), to be read with :func:`aiprov.scan.pyenv.scan_python` (from its files; nothing is run)."""
    base = Path(root)
    homes = [base] + [
        p.parent for p in _walk(base, Found()) if p.name == "pyproject.toml" and p.parent != base
    ]
    envs: list[Path] = []
    for home in homes:
        try:
            children = sorted(home.iterdir())
        except OSError:
            continue
        for child in children:
            if child.is_dir() and not child.is_symlink() and _is_env(child) and child not in envs:
                envs.append(child)
    return envs


# -- pyproject.toml ---------------------------------------------------------------------------------
def _load_toml(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    data: dict[str, Any] = tomllib.loads(text)
    return data


def _read(path: Path, limit: int) -> str:
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"over {limit // (1024 * 1024)} MiB")
    return data.decode("utf-8", errors="replace")


def _project_license(
    project: dict[str, Any], folder: Path, where: str, found: Found, pid: str
) -> tuple[str | None, dict[str, Any]]:
    """The project's license (PEP 639 string, PEP 621 table, classifiers) and properties saying how."""
    raw = project.get("license")
    expression: str | None = None
    text: str | None = None
    props: dict[str, Any] = {}
    if isinstance(raw, str):
        expression = raw
    elif isinstance(raw, dict):
        if isinstance(raw.get("text"), str):
            text = raw["text"]
        elif isinstance(raw.get("file"), str):
            file = (folder / raw["file"]).resolve()
            props["license_file_declared"] = raw["file"]
            try:
                file.relative_to(folder.resolve())
                text = _read(file, _MAX_LICENSE_FILE)
            except ValueError as exc:
                found.warn(
                    pid, f"{where}: license.file {raw['file']!r}: {exc or 'outside the project'}; not read"
                )
            except OSError as exc:
                found.warn(
                    pid, f"{where}: license.file {raw['file']!r}: cannot be read: {exc.strerror or exc}"
                )
    elif raw is not None:
        found.warn(pid, f"{where}: [project] license is neither a string nor a table; ignored")
    classifiers = [
        c for c in project.get("classifiers") or [] if isinstance(c, str) and c.startswith("License ::")
    ]
    choice = choose_license(expression, text, classifiers)
    if choice.source:
        props["license_source"] = {"License": "license.text", "License text": "license text"}.get(
            choice.source, choice.source
        )
    if choice.notes:
        props["license_notes"] = list(choice.notes)
    return choice.license, props


def _requirement(text: Any, where: str, found: Found, pid: str) -> Any:
    from packaging.requirements import InvalidRequirement, Requirement

    if not isinstance(text, str):
        found.warn(pid, f"{where}: dependency {text!r} is not a string; ignored")
        return None
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        found.warn(pid, f"{where}: dependency {text!r}: {exc}")
        return None


def _depend(
    found: Found, pid: str, req: Any, text: str, where: str, kind: str, extra: dict[str, Any]
) -> None:
    target = pypi_id(req.name)
    found.add(
        Artifact(
            id=target,
            kind="code",
            name=req.name,
            license="NOASSERTION",
            purl=pypi_purl(req.name, None),
            properties={"found_in": where, "unresolved": True},
        )
    )
    found.relate(pid, kind, target, {"requirement": text, **extra})


def _poetry_dependencies(poetry: dict[str, Any], found: Found, pid: str, where: str) -> None:
    """``[tool.poetry.dependencies]`` -> depends_on; its dev-dependencies and groups -> built_with. The
    Poetry constraint (``^2.0``) is not PEP 440: it is kept as written on the relation."""
    from packaging.requirements import InvalidRequirement, Requirement

    tables: list[tuple[str, dict[str, Any] | None]] = [("depends_on", poetry.get("dependencies"))]
    tables.append(("built_with", poetry.get("dev-dependencies")))
    groups = poetry.get("group")
    for group in groups.values() if isinstance(groups, dict) else ():
        tables.append(("built_with", group.get("dependencies") if isinstance(group, dict) else None))
    for kind, table in tables:
        for dep, spec in table.items() if isinstance(table, dict) else ():
            if dep.lower() == "python":
                continue
            try:
                req = Requirement(dep)
            except InvalidRequirement as exc:
                found.warn(pid, f"{where}: Poetry dependency {dep!r}: {exc}")
                continue
            constraint = (
                spec
                if isinstance(spec, str)
                else (spec or {}).get("version")
                if isinstance(spec, dict)
                else None
            )
            _depend(
                found, pid, req, f"{dep} {constraint}" if constraint else dep, where, kind, {"poetry": True}
            )


def _read_pyproject(path: Path, root: Path, found: Found) -> _Project:
    where = _rel(path, root)
    folder = path.parent
    fallback = folder.name or "project"
    try:
        data = _load_toml(_read(path, _MAX_SOURCE))
    except (OSError, ValueError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        pid = f"project:{fallback}"
        found.add(Artifact(id=pid, kind="code", name=fallback, properties={"found_in": where}))
        found.warn(pid, f"{where}: not read: {message}")
        return _Project(pid, folder)
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(project, dict)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool, dict) and isinstance(tool.get("poetry"), dict) else {}
    assert isinstance(poetry, dict)
    for key in ("name", "version", "license", "description", "classifiers"):  # Poetry 1 keeps them here
        if key not in project and key in poetry:
            project = {**project, key: poetry[key]}
    name = project.get("name") if isinstance(project.get("name"), str) else fallback
    pid = f"project:{name}"
    assert isinstance(name, str)
    version = project.get("version") if isinstance(project.get("version"), str) else None
    license_, props = _project_license(project, folder, where, found, pid)
    props["found_in"] = where
    if isinstance(project.get("description"), str):
        props["description"] = project["description"]
    found.add(
        Artifact(
            id=pid,
            kind="code",
            name=name,
            version=version,
            license=license_,
            properties=props,
        )
    )
    for text in project.get("dependencies") or []:
        req = _requirement(text, where, found, pid)
        if req is not None:
            _depend(found, pid, req, text, where, "depends_on", {})
    _poetry_dependencies(poetry, found, pid, where)
    optional = project.get("optional-dependencies") or {}
    for extra, texts in optional.items() if isinstance(optional, dict) else ():
        for text in texts if isinstance(texts, list) else ():
            req = _requirement(text, where, found, pid)
            if req is not None:
                _depend(found, pid, req, text, where, "depends_on", {"extra": extra})
    build = data.get("build-system") if isinstance(data.get("build-system"), dict) else {}
    assert isinstance(build, dict)
    for text in build.get("requires") or []:
        req = _requirement(text, where, found, pid)
        if req is not None:
            _depend(found, pid, req, text, where, "built_with", {"group": "build-system"})
    groups = data.get("dependency-groups") if isinstance(data.get("dependency-groups"), dict) else {}
    assert isinstance(groups, dict)
    for group, texts in groups.items():
        for text in texts if isinstance(texts, list) else ():
            if isinstance(text, dict):  # {include-group = "..."}: its requirements are listed there
                continue
            req = _requirement(text, where, found, pid)
            if req is not None:
                _depend(found, pid, req, text, where, "built_with", {"group": group})
    return _Project(pid, folder)


# -- references in code ----------------------------------------------------------------------------
def _callee(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _string(node: ast.AST | None, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def _constants(tree: ast.AST) -> dict[str, str]:
    """Names bound once, anywhere in the file, to a string literal (``MODEL = "org/name"``)."""
    seen: dict[str, str | None] = {}
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        value: ast.AST | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                text = (
                    value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
                )
                seen[target.id] = text if target.id not in seen else None  # bound twice: not a constant
    return {k: v for k, v in seen.items() if v is not None}


def _aliases(tree: ast.AST) -> dict[str, str]:
    """``from transformers import pipeline as hf_pipeline``: the local name -> the loading call's name."""
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname and alias.name in _CALLS:
                    found[alias.asname] = alias.name
    return found


def _references(tree: ast.AST, folder: Path) -> list[_Ref]:
    names = _constants(tree)
    aliases = _aliases(tree)
    refs: list[_Ref] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node)
        if callee is not None and isinstance(node.func, ast.Name):
            callee = aliases.get(callee, callee)
        spec = _CALLS.get(callee or "")
        if spec is None or callee is None:
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg is not None}
        value: str | None = None
        for key in spec.keywords:
            if key in keywords:
                value = _string(keywords[key], names)
                break
        else:
            for pos in spec.positions:
                if pos < len(node.args):
                    value = _string(node.args[pos], names)
                    if value is not None:
                        break
        if value is None:
            continue
        kind = spec.kind
        repo_type = _string(keywords.get("repo_type"), names)
        if repo_type == "dataset":
            kind = "dataset"
        elif repo_type == "space":
            continue
        value = value.strip()
        if not _REPO_ID.match(value) or value.startswith((".", "/", "~")) or (folder / value).exists():
            continue  # a local path, not a Hub id
        if kind == "dataset" and value.lower() in _BUILDERS:
            continue
        revision = _string(keywords.get("revision"), names)
        refs.append(_Ref(value, kind, callee, getattr(node, "lineno", 0), revision))
    refs.sort(key=lambda r: r.line)
    return refs


def _blank_magics(source: str) -> str:
    """IPython ``%magic`` / ``!shell`` lines become blank (line numbers kept)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!", "?")) else line for line in source.split("\n"))


def _add_refs(found: Found, project: _Project, refs: list[_Ref], where: str) -> None:
    from aiprov.scan.huggingface import dataset_id, model_id, purl_for

    for ref in refs:
        art_id = model_id(ref.repo_id) if ref.kind == "model" else dataset_id(ref.repo_id)
        pinned = ref.revision if ref.revision and _COMMIT.match(ref.revision) else None
        namespace, _, name = ref.repo_id.rpartition("/")
        props: dict[str, Any] = {"found_in": f"{where}:{ref.line}", "unresolved": True}
        if ref.revision:
            props["revision"] = ref.revision
        found.add(
            Artifact(
                id=art_id,
                kind=ref.kind,
                name=name,
                supplier=namespace or None,
                license="NOASSERTION",
                purl=purl_for(ref.repo_id, pinned) if ref.kind == "model" else None,
                source=f"https://huggingface.co/{'datasets/' if ref.kind == 'dataset' else ''}{ref.repo_id}",
                properties=props,
            )
        )
        rel_props: dict[str, Any] = {"call": ref.call, "found_in": f"{where}:{ref.line}"}
        if ref.revision:
            rel_props["revision"] = ref.revision
        found.relate(project.id, "depends_on", art_id, rel_props)


def _scan_python_file(path: Path, root: Path, project: _Project, found: Found) -> None:
    where = _rel(path, root)
    try:
        source = _read(path, _MAX_SOURCE)
    except (OSError, ValueError) as exc:
        found.warn(project.id, f"{where}: not read: {exc.strerror if isinstance(exc, OSError) else exc}")
        return
    try:
        tree = ast.parse(source, filename=where)
    except SyntaxError as exc:
        found.warn(
            project.id, f"{where}: line {exc.lineno}: not Python this parser reads ({exc.msg}); skipped"
        )
        return
    except (ValueError, RecursionError, MemoryError) as exc:
        found.warn(project.id, f"{where}: not parsed ({type(exc).__name__}); skipped")
        return
    _add_refs(found, project, _references(tree, path.parent), where)


def _scan_notebook(path: Path, root: Path, project: _Project, found: Found) -> None:
    where = _rel(path, root)
    try:
        doc = json.loads(_read(path, _MAX_NOTEBOOK))
    except json.JSONDecodeError as exc:
        found.warn(
            project.id,
            f"{where}: line {exc.lineno}, column {exc.colno}: not a notebook (not JSON: {exc.msg})",
        )
        return
    except (OSError, ValueError) as exc:
        found.warn(project.id, f"{where}: not read: {exc.strerror if isinstance(exc, OSError) else exc}")
        return
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        found.warn(project.id, f"{where}: not a notebook (no cells list)")
        return
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        raw = cell.get("source", "")
        source = "".join(s for s in raw if isinstance(s, str)) if isinstance(raw, list) else raw
        if not isinstance(source, str):
            continue
        try:
            tree = ast.parse(_blank_magics(source))
        except SyntaxError as exc:
            found.warn(
                project.id, f"{where}#cell-{number}: line {exc.lineno}: not Python ({exc.msg}); cell skipped"
            )
            continue
        except (ValueError, RecursionError, MemoryError) as exc:
            found.warn(project.id, f"{where}#cell-{number}: not parsed ({type(exc).__name__}); cell skipped")
            continue
        _add_refs(found, project, _references(tree, path.parent), f"{where}#cell-{number}")


def scan_code(root: str | os.PathLike[str], *, progress: Progress | None = None) -> Found:
    """Projects (``pyproject.toml``) under ``root`` and the models and datasets their code loads.

    ``progress(task, advance, total)`` is called once per file read. Nothing is run or imported:
    Python is parsed, notebooks are read as JSON. A file that cannot be read or parsed is a warning.
    A folder with neither a ``pyproject.toml`` nor a reference in code gives nothing.
    """
    base = Path(root).absolute()
    found = Found()
    files = list(_walk(base, found))
    if progress is not None:
        progress(_TASK, 0, float(len(files)))
    projects: dict[Path, _Project] = {}
    for path in files:
        if path.name == "pyproject.toml":
            projects[path.parent] = _read_pyproject(path, base, found)
            if progress is not None:
                progress(_TASK, 1, float(len(files)))
    default: _Project | None = None
    for path in files:
        if path.name == "pyproject.toml":
            continue
        owner = next((projects[p] for p in path.parents if p in projects), None)
        if owner is None:
            if default is None:
                name = base.name or "project"
                default = _Project(f"project:{name}", base)
            owner = default
        before = len(found.relations), len(found.warnings)
        if path.suffix == ".ipynb":
            _scan_notebook(path, base, owner, found)
        else:
            _scan_python_file(path, base, owner, found)
        if (
            owner is default
            and (len(found.relations), len(found.warnings)) != before
            and default.id not in found.artifacts
        ):
            found.add(
                Artifact(
                    id=default.id, kind="code", name=default.id.split(":", 1)[1], properties={"found_in": "."}
                )
            )
        if progress is not None:
            progress(_TASK, 1, float(len(files)))
    return found
