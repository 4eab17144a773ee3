"""Reading YAML safely, for the readers that take it (manifests, Model Openness Tool files): the safe
loader only, aliases refused before anything is built (no alias bombs), repeated keys refused (no
silent "last one wins"), errors that name the place."""

from __future__ import annotations

from typing import Any

import yaml

from aiprov.exceptions import ParseError

__all__ = ["NoAliasLoader", "Refused", "load_yaml", "refuse_aliases", "yaml_error"]


class Refused(yaml.constructor.ConstructorError):
    """A well-formed YAML document that aiprov refuses to read as written (a repeated key, a number
    Python will not convert, a date that does not exist): reported without "not valid YAML"."""


class NoAliasLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """The safe loader (libyaml's when present); :func:`refuse_aliases` runs before it constructs.

    Stricter than YAML's "last key wins": a key repeated in a mapping is an error at its line (a
    manifest saying ``license: CC-BY-NC-4.0`` then ``license: MIT`` must not be judged as MIT); so
    are integers of more than 4,300 digits and dates that do not exist (2024-02-30)."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]
        pairs = list(node.value)
        merges = any(key.tag == "tag:yaml.org,2002:merge" for key, _ in pairs)
        seen: set[tuple[str, str]] = set()
        for key_node, _ in pairs:  # the same text twice: named before anything is built
            if isinstance(key_node, yaml.ScalarNode):
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise _repeated(key_node)
                seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if not merges and len(mapping) < len(pairs):  # one key written two ways (1 and 0x1, 1.0 and 1.)
            built: set[Any] = set()
            for key_node, _ in pairs:
                key = self.construct_object(key_node, deep=True)
                if key in built:
                    raise _repeated(key_node)
                built.add(key)
        return mapping

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            value: int = super().construct_yaml_int(node)
        except ValueError:
            raise Refused(None, None, "a number of more than 4,300 digits", node.start_mark) from None
        return value

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise Refused(None, None, f"no such date {node.value!r} ({exc})", node.start_mark) from None


def _repeated(key_node: yaml.Node) -> Refused:
    return Refused(
        None, None, f"duplicate key {key_node.value!r} (a key may appear once)", key_node.start_mark
    )


NoAliasLoader.add_constructor("tag:yaml.org,2002:int", NoAliasLoader.construct_yaml_int)
NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", NoAliasLoader.construct_yaml_timestamp)


def refuse_aliases(text: str, source: str, message: str) -> None:
    """Raise ``message`` as a :class:`ParseError` at the first alias (``*ref``): a cheap event pass
    before composing. YAML errors met on the way propagate (see :func:`yaml_error`)."""
    try:
        for event in yaml.parse(text, Loader=NoAliasLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise ParseError(message, source=source, location=f"line {mark.line + 1}" if mark else None)
    except UnicodeEncodeError as exc:  # a str with a lone surrogate (only from the Python API)
        raise ParseError(f"not valid text: {exc.reason} (character {exc.start})", source=source) from None


def yaml_error(exc: yaml.YAMLError, source: str) -> ParseError:
    """A YAML syntax error as a ParseError with its line and column."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return ParseError(
        problem if isinstance(exc, Refused) else f"not valid YAML: {problem}",
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
