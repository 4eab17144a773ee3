"""The distributions installed in a Python environment, as ``code`` artifacts with their licenses and
the ``depends_on`` relations between them.

Three ways to name the environment (:func:`scan_python`):

* nothing: the running interpreter (``importlib.metadata`` over ``sys.path``);
* an interpreter (a path or a command on ``PATH``): a small self-contained script runs in it, in
  isolated mode without the site module (``python -I -S``: no user site, no ``PYTHONPATH``, no current
  folder on the path, no ``.pth`` file executed), importing only the standard library; it lists the
  interpreter's site-packages folders, reads each distribution's metadata file and prints JSON.
  Nothing of the scanned environment is imported or run;
* a folder: a ``site-packages`` folder, or a virtual environment (``pyvenv.cfg``; its
  ``lib/pythonX.Y/site-packages``) read from the files alone, without running anything. This is how a
  project's ``.venv`` is scanned (:func:`aiprov.scan.code.project_environments`).

Each distribution is ``pypi:<canonical name>`` with purl ``pkg:pypi/<name>@<version>`` and one license
(:mod:`aiprov.scan._pylicense`). ``Requires-Dist`` becomes ``depends_on`` between installed
distributions when its environment marker holds in the scanned interpreter (for a folder: the running
interpreter's platform with the folder's Python version). A requirement under an extra counts when
that extra is *installed*: every requirement of the extra that applies here is installed (pip does not
record which extras were asked for; this is what can be seen).
"""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

from aiprov.exceptions import InputError
from aiprov.graph import Artifact, Relation
from aiprov.scan._found import Found, Progress
from aiprov.scan._pylicense import choose_license, looks_like_text

__all__ = ["pypi_id", "pypi_purl", "scan_environment", "scan_python", "site_packages"]

_TASK = "python environment"
_TIMEOUT = 300.0  # seconds the other interpreter may take to list its distributions
_MAX_KEPT_TEXT = 300  # characters of a License field holding a whole text kept as a property
_EXTRA_IN_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")
_FOLDER = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+?)(?:-py\d[\w.]*)?\.(?:dist|egg)-info$")

#: Runs inside the named interpreter (``python -I -S -c``). Standard library only; reads metadata files
#: through importlib.metadata and prints one JSON document.
_CHILD = r"""
import json, os, platform, site, sys
from importlib import metadata

# Run with -S: the site module's main() did not run, so no .pth file of the environment was executed.
# Its site-packages folders are computed here as site.py would: a venv is the folder holding the
# pyvenv.cfg beside the executable or one level up; the base ones are added when it includes them,
# the user's when it is not a venv.
exe_dir = os.path.dirname(os.path.abspath(sys.executable))
prefix, base, user = sys.prefix, False, True
for folder in (exe_dir, os.path.dirname(exe_dir)):
    cfg = os.path.join(folder, "pyvenv.cfg")
    if os.path.isfile(cfg):
        prefix, user = folder, False
        with open(cfg, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition("=")
                if key.strip() == "include-system-site-packages":
                    base = value.strip().lower() == "true"
        break
paths = list(site.getsitepackages([prefix]))
if base:
    paths += [p for p in site.getsitepackages([sys.base_prefix]) if p not in paths]
if user:
    paths.append(site.getusersitepackages())
paths = [p for p in paths if os.path.isdir(p)]

def _fmt(info):
    v = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        v += info.releaselevel[0] + str(info.serial)
    return v

out = []
for dist in metadata.distributions(path=paths):
    path = getattr(dist, "_path", None)
    text, error = None, None
    try:
        text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    except Exception as exc:
        error = "%s: %s" % (type(exc).__name__, exc)
    out.append({"path": None if path is None else str(path), "metadata": text, "error": error})
env = {
    "implementation_name": sys.implementation.name,
    "implementation_version": _fmt(sys.implementation.version),
    "os_name": os.name,
    "platform_machine": platform.machine(),
    "platform_release": platform.release(),
    "platform_system": platform.system(),
    "platform_version": platform.version(),
    "python_full_version": platform.python_version(),
    "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]),
    "sys_platform": sys.platform,
}
sys.stdout.write(json.dumps({"executable": sys.executable, "env": env, "distributions": out}))
"""


@dataclass(slots=True)
class _Raw:
    """One distribution as read: its metadata text (or the error reading it) and where it is."""

    path: str | None
    metadata: str | None
    error: str | None
    where: str  # the found_in value: python:<interpreter or site-packages folder>


@dataclass(slots=True)
class _Dist:
    id: str
    name: str
    version: str | None
    meta: Message | None
    where: str
    path: str | None
    requires: list[str] = field(default_factory=list)


def pypi_id(name: str) -> str:
    """``pypi:<canonical name>`` (PEP 503 normalization: lower case, runs of ``-_.`` as ``-``)."""
    from packaging.utils import canonicalize_name

    return f"pypi:{canonicalize_name(name)}"


def pypi_purl(name: str, version: str | None) -> str:
    """``pkg:pypi/<name>@<version>`` (the purl spec's pypi type: the canonical name)."""
    from packageurl import PackageURL
    from packaging.utils import canonicalize_name

    return str(
        PackageURL(type="pypi", name=str(canonicalize_name(name)), version=version or None).to_string()
    )


# -- where the distributions are ------------------------------------------------------------------
def site_packages(folder: Path) -> list[Path]:
    """The folders holding distributions in ``folder``: itself when it holds ``*.dist-info`` (a
    site-packages folder), else a virtual environment's ``lib/python*/site-packages`` (POSIX) or
    ``Lib/site-packages`` (Windows). Empty when it is neither."""
    try:
        if any(p.suffix in (".dist-info", ".egg-info") for p in folder.iterdir()):
            return [folder]
    except OSError:
        return []
    found: list[Path] = []
    for pattern in ("lib/python*/site-packages", "lib64/python*/site-packages", "Lib/site-packages"):
        for p in sorted(folder.glob(pattern)):
            if p.is_dir() and p.resolve() not in {f.resolve() for f in found}:
                found.append(p)
    return found


def _folder_env(folder: Path, sites: list[Path]) -> dict[str, str]:
    """Marker environment for a folder read without running it: the running interpreter's platform,
    with the folder's Python version (``pyvenv.cfg``, or the ``lib/pythonX.Y`` folder name)."""
    from packaging.markers import default_environment

    env = {k: str(v) for k, v in default_environment().items()}
    version: str | None = None
    cfg = folder / "pyvenv.cfg"
    if cfg.is_file():
        try:
            for line in cfg.read_text(encoding="utf-8", errors="replace").splitlines():
                key, _, value = line.partition("=")
                if key.strip() in ("version", "version_info"):
                    version = value.strip()
                    break
        except OSError:
            pass
    if version is None:
        for site in sites:
            m = re.search(r"python(\d+\.\d+)", site.as_posix())
            if m:
                version = m.group(1)
                break
    if version:
        numbers = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
        if numbers:
            env["python_version"] = f"{numbers.group(1)}.{numbers.group(2)}"
            env["python_full_version"] = ".".join(n for n in numbers.groups() if n is not None)
    return env


def _read_local(paths: list[str] | None, where: str | None) -> list[_Raw]:
    """Distributions on ``paths`` (``sys.path`` when None), read in this process."""
    from importlib import metadata

    raws: list[_Raw] = []
    dists = metadata.distributions() if paths is None else metadata.distributions(path=paths)
    for dist in dists:
        path = getattr(dist, "_path", None)
        text: str | None = None
        error: str | None = None
        try:
            text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        site = str(Path(path).parent) if path is not None else "?"
        raws.append(_Raw(None if path is None else str(path), text, error, where or f"python:{site}"))
    return raws


def _run_interpreter(interpreter: str) -> tuple[str, dict[str, str], list[_Raw]]:
    exe = interpreter
    if not Path(exe).exists():
        which = shutil.which(exe)
        if which is None:
            raise InputError("no such Python interpreter", source=interpreter)
        exe = which
    try:
        proc = subprocess.run(
            [exe, "-I", "-S", "-c", _CHILD],
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"did not list its distributions within {_TIMEOUT:.0f} s", source=interpreter
        ) from None
    except OSError as exc:
        raise InputError(f"cannot be run: {exc.strerror or exc}", source=interpreter) from None
    if proc.returncode != 0:
        last = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise InputError(
            f"is not a Python 3.8+ interpreter aiprov can read (exit {proc.returncode}: {last[0]})",
            source=interpreter,
        )
    try:
        doc = json.loads(proc.stdout.decode("utf-8"))
        executable = str(doc["executable"]) or exe
        env = {str(k): str(v) for k, v in doc["env"].items()}
        raws = [
            _Raw(d.get("path"), d.get("metadata"), d.get("error"), f"python:{executable}")
            for d in doc["distributions"]
        ]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"gave an answer aiprov cannot read ({exc})", source=interpreter) from None
    return executable, env, raws


# -- metadata -> artifacts --------------------------------------------------------------------------
def _parse(text: str) -> Message:
    # the headers only: the body is the long description, which nothing here reads
    head = text.replace("\r\n", "\n").partition("\n\n")[0]
    msg = email.message_from_string(head + "\n\n")
    # RFC 822 continuation lines (a License field holding a whole text): dedented, as importlib does
    for key, value in list(msg.items()):
        if isinstance(value, str) and "\n" in value:
            msg.replace_header(key, textwrap.dedent(" " * 8 + value))
    return msg


def _all(meta: Message | None, key: str) -> list[str]:
    if meta is None:
        return []
    return [str(v) for v in (meta.get_all(key) or [])]


def _one(meta: Message | None, key: str) -> str | None:
    values = _all(meta, key)
    return values[0].strip() if values and values[0].strip() else None


def _source_url(meta: Message | None) -> str | None:
    urls: dict[str, str] = {}
    for entry in _all(meta, "Project-URL"):
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("source", "source code", "repository", "code", "homepage", "home"):
        if urls.get(label):
            return urls[label]
    return _one(meta, "Home-page")


def _to_dist(raw: _Raw, found: Found) -> _Dist | None:
    folder = Path(raw.path).name if raw.path else "?"
    meta: Message | None = None
    problem = raw.error
    if raw.metadata is not None and problem is None:
        meta = _parse(raw.metadata)
    elif problem is None:
        problem = "no METADATA or PKG-INFO file"
    name = _one(meta, "Name")
    version = _one(meta, "Version")
    if name is None:
        m = _FOLDER.match(folder)
        if m is None:
            found.warn(None, f"{raw.path}: {problem or 'metadata names no distribution'}; skipped")
            return None
        name, version = m.group("name"), version or m.group("version")
        problem = problem or "metadata names no distribution (Name missing)"
    dist = _Dist(id=pypi_id(name), name=name, version=version, meta=meta, where=raw.where, path=raw.path)
    if problem:
        found.warn(dist.id, f"{raw.path}: {problem}; name and version taken from the folder name")
    return dist


def _artifact(dist: _Dist) -> Artifact:
    meta = dist.meta
    expression = _one(meta, "License-Expression")
    license_field = _one(meta, "License")
    classifiers = [c for c in _all(meta, "Classifier") if c.strip().startswith("License ::")]
    choice = choose_license(expression, license_field, classifiers)
    declared: dict[str, Any] = {}
    if expression:
        declared["License-Expression"] = expression
    if license_field:
        if looks_like_text(license_field) and len(license_field) > _MAX_KEPT_TEXT:
            declared["License"] = license_field[:_MAX_KEPT_TEXT] + "..."
        else:
            declared["License"] = license_field
    if classifiers:
        declared["classifiers"] = classifiers
    props: dict[str, Any] = {"found_in": dist.where}
    if dist.path:
        props["location"] = dist.path
    if choice.source:
        props["license_source"] = choice.source
    if declared:
        props["license_declared"] = declared
    if choice.notes:
        props["license_notes"] = list(choice.notes)
    license_files = _all(meta, "License-File")
    if license_files:
        props["license_files"] = license_files
    return Artifact(
        id=dist.id,
        kind="code",
        name=dist.name,
        version=dist.version,
        license=choice.license,
        purl=pypi_purl(dist.name, dist.version),
        source=_source_url(meta),
        properties=props,
    )


def _extra_of(marker: Any, env: Mapping[str, str], extras: Iterable[str]) -> tuple[bool, str | None]:
    """Whether a requirement's marker holds here without an extra (``(True, None)``), under one of
    ``extras`` (``(True, extra)``), or not at all (``(False, None)``)."""
    if marker is None:
        return True, None
    if marker.evaluate({**env, "extra": ""}):
        return True, None
    for extra in extras:
        if marker.evaluate({**env, "extra": extra}):
            return True, extra
    return False, None


def _relate(dists: dict[str, _Dist], env: Mapping[str, str], found: Found) -> None:
    from packaging.markers import InvalidMarker, UndefinedComparison, UndefinedEnvironmentName
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version

    seen = {(r.source, r.kind, r.target) for r in found.relations}

    def relate(source: str, target: str, props: dict[str, Any]) -> None:
        # once per pair (a package may list a requirement twice, under two markers); a set, not
        # Found.relate's scan of the list, so thousands of requirements stay linear
        if (source, "depends_on", target) not in seen:
            seen.add((source, "depends_on", target))
            found.relations.append(
                Relation(source=source, kind="depends_on", target=target, properties=props)
            )

    for dist in dists.values():
        requires = _all(dist.meta, "Requires-Dist")
        # the declared extras, and those only markers name (metadata older than Provides-Extra)
        named = [
            *_all(dist.meta, "Provides-Extra"),
            *(m for t in requires for m in _EXTRA_IN_MARKER.findall(t)),
        ]
        extras = list(dict.fromkeys(str(canonicalize_name(e)) for e in named))
        plain: list[tuple[Any, str]] = []
        by_extra: dict[str, list[tuple[Any, str]]] = {}
        for text in requires:
            try:
                req = Requirement(text)
                applies, extra = _extra_of(req.marker, env, extras)
            except InvalidRequirement as exc:
                found.warn(dist.id, f"{dist.path}: Requires-Dist {text!r}: {exc}")
                continue
            except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as exc:
                found.warn(dist.id, f"{dist.path}: Requires-Dist {text!r}: marker: {exc}")
                continue
            if not applies:
                continue
            (plain if extra is None else by_extra.setdefault(extra, [])).append((req, text))

        def satisfied(req: Any) -> bool:
            target = dists.get(pypi_id(req.name))
            if target is None:
                return False
            if not req.specifier or not target.version:
                return True
            try:
                return bool(req.specifier.contains(Version(target.version), prereleases=True))
            except InvalidVersion:
                return True

        for req, text in plain:
            target = dists.get(pypi_id(req.name))
            if target is None:
                found.warn(dist.id, f"{dist.path}: requires {text!r}, which is not installed")
                continue
            if target.id != dist.id:
                relate(dist.id, target.id, {"requirement": text})
            if not satisfied(req):
                found.warn(
                    dist.id, f"{dist.path}: requires {text!r} but {target.name} {target.version} is installed"
                )
        for extra, reqs in by_extra.items():
            if not all(satisfied(req) for req, _ in reqs):
                continue  # this extra is not installed (or not as it asks)
            for req, text in reqs:
                target_id = pypi_id(req.name)
                if target_id != dist.id:
                    relate(dist.id, target_id, {"requirement": text, "extra": extra})


def _ordered(raws: list[_Raw]) -> list[_Raw]:
    """Folders in path order (the first copy of a distribution is the one imported), and within a folder
    by name: the order a folder lists its entries in differs between filesystems; the output must not."""
    rank: dict[str, int] = {}
    for raw in raws:
        rank.setdefault(str(Path(raw.path).parent) if raw.path else "", len(rank))
    return sorted(raws, key=lambda r: (rank[str(Path(r.path).parent) if r.path else ""], r.path or ""))


def scan_python(
    interpreter: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> Found:
    """The distributions installed in a Python environment, with their licenses and dependencies.

    ``interpreter``: None for the running interpreter; a Python executable (path or command name),
    run in isolated mode to list its distributions; or a folder (site-packages or a virtual
    environment) read without running anything. ``progress(task, advance, total)`` is called once per
    distribution.

    Raises :class:`~aiprov.exceptions.InputError` when the interpreter cannot be run or the folder
    holds no Python environment. A broken distribution (unreadable or missing METADATA, a requirement
    that does not parse) is a warning, never dropped.
    """
    from packaging.markers import default_environment

    env: dict[str, str]
    if interpreter is None:
        env = {k: str(v) for k, v in default_environment().items()}
        raws = _read_local(None, f"python:{sys.executable}")
    else:
        path = Path(interpreter)
        if path.is_dir():
            sites = site_packages(path)
            if not sites:
                raise InputError(
                    "is not a Python environment (no site-packages, *.dist-info or pyvenv.cfg)",
                    source=str(interpreter),
                )
            env = _folder_env(path, sites)
            raws = _read_local([str(s.absolute()) for s in sites], None)
        else:
            _, env, raws = _run_interpreter(str(interpreter))
    raws = _ordered(raws)
    found = Found()
    if progress is not None:
        progress(_TASK, 0, float(len(raws)))
    dists: dict[str, _Dist] = {}
    for raw in raws:
        dist = _to_dist(raw, found)
        if progress is not None:
            progress(_TASK, 1, float(len(raws)))
        if dist is None:
            continue
        first = dists.get(dist.id)
        if first is not None:  # the first on the path is the one imported; the other is shadowed
            found.warn(
                first.id,
                f"{dist.path}: {dist.name} {dist.version} is also installed, shadowed by {first.path}",
            )
            continue
        dists[dist.id] = dist
    for dist in dists.values():
        found.add(_artifact(dist))
    _relate(dists, env, found)
    return found


def scan_environment(folder: str | os.PathLike[str], *, progress: Progress | None = None) -> Found:
    """The distributions of a virtual environment or site-packages folder, read from its files alone:
    its interpreter is never run (running it would execute the environment's ``.pth`` files). What
    :func:`aiprov.scan.scan` uses for an environment found inside a scanned folder.

    Raises :class:`~aiprov.exceptions.InputError` when ``folder`` is not a folder holding one."""
    path = Path(folder)
    if not path.is_dir():
        raise InputError("is not a folder (a virtual environment or site-packages)", source=str(folder))
    return scan_python(path, progress=progress)
