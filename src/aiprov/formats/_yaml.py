"""Reading YAML safely, for the readers that take it (manifests, Model Openness Tool files): the safe
loader only, aliases refused before anything is built (no alias bombs), errors that name the place."""

from __future__ import annotations

from typing import Any

import yaml

from aiprov.exceptions import ParseError

__all__ = ["NoAliasLoader", "load_yaml", "refuse_aliases", "yaml_error"]


class NoAliasLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """The safe loader (libyaml's when present); :func:`refuse_aliases` runs before it constructs."""


def refuse_aliases(text: str, source: str, message: str) -> None:
    """Raise ``message`` as a :class:`ParseError` at the first alias (``*ref``): a cheap event pass
    before composing. YAML errors met on the way propagate (see :func:`yaml_error`)."""
    for event in yaml.parse(text, Loader=NoAliasLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise ParseError(message, source=source, location=f"line {mark.line + 1}" if mark else None)


def yaml_error(exc: yaml.YAMLError, source: str) -> ParseError:
    """A YAML syntax error as a ParseError with its line and column."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return ParseError(
        f"not valid YAML: {problem}",
        source=source,
        location=f"line {mark.line + 1}, column {mark.column + 1}" if mark else None,
    )


def load_yaml(text: str, source: str, alias_message: str) -> Any:
    """The data of a YAML document, read with the safe loader: an alias refused (as ``alias_message``)
    before anything is built, and syntax errors placed."""
    try:
        refuse_aliases(text, source, alias_message)
        return yaml.load(text, Loader=NoAliasLoader)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, source) from None
