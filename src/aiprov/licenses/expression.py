"""Turn what people write into a canonical license expression.

Accepts SPDX ids and expressions (``AND``, ``OR``, ``WITH``, parentheses, ``+``, any
case, deprecated ids), ``LicenseRef-`` ids, ScanCode keys, Hugging Face ``license:``
identifiers and common free text ("Apache 2.0", "GPLv3", "CC BY-NC 4.0"). Never raises
on text: what cannot be resolved comes back with status ``unknown`` or ``invalid`` and
the reason.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

from aiprov.licenses.catalog import Catalog, default_catalog, hf_unknown_ids

__all__ = ["LicenseExpression", "Normalized", "normalize_license", "parse_expression"]

Status = Literal["ok", "unknown", "invalid"]

_NO_LICENSE = {"", "none", "noassertion", "n/a", "na", "tbd", "todo", "unlicensed", "proprietary?"}
_MAX_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class LicenseExpression:
    """A parsed, canonical license expression: a tree of ``AND``/``OR`` over ids (with ``WITH``)."""

    op: Literal["id", "AND", "OR"]
    id: str | None = None
    exception: str | None = None
    args: tuple[LicenseExpression, ...] = ()

    def ids(self) -> tuple[str, ...]:
        """Every license id in the expression, in order of first appearance, without duplicates."""
        seen: dict[str, None] = {}
        for node in self._leaves():
            assert node.id is not None
            seen.setdefault(node.id, None)
        return tuple(seen)

    def _leaves(self) -> list[LicenseExpression]:
        if self.op == "id":
            return [self]
        out: list[LicenseExpression] = []
        for arg in self.args:
            out.extend(arg._leaves())
        return out

    def leaves(self) -> tuple[LicenseExpression, ...]:
        return tuple(self._leaves())

    def choices(self) -> list[tuple[LicenseExpression, ...]]:
        """Every way to satisfy the expression: a list of conjunctions of leaves (disjunctive normal form)."""
        if self.op == "id":
            return [(self,)]
        if self.op == "OR":
            result: list[tuple[LicenseExpression, ...]] = []
            for arg in self.args:
                result.extend(arg.choices())
            return result
        combos: list[tuple[LicenseExpression, ...]] = [()]
        for arg in self.args:
            combos = [c + d for c in combos for d in arg.choices()][:256]
        return combos

    def __str__(self) -> str:
        if self.op == "id":
            assert self.id is not None
            return f"{self.id} WITH {self.exception}" if self.exception else self.id
        parts = []
        for arg in self.args:
            text = str(arg)
            if arg.op != "id" and arg.op != self.op:
                text = f"({text})"
            parts.append(text)
        return f" {self.op} ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Normalized:
    """The result of :func:`normalize_license`: never an exception, always a reason."""

    input: str
    expression: str | None
    status: Status
    reason: str
    unknown_ids: tuple[str, ...] = ()
    parsed: LicenseExpression | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def ids(self) -> tuple[str, ...]:
        return self.parsed.ids() if self.parsed is not None else ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "expression": self.expression,
            "status": self.status,
            "reason": self.reason,
            "ids": list(self.ids),
            "unknown_ids": list(self.unknown_ids),
        }


# -- tokenizer and parser ---------------------------------------------------------------
_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
_OPERATORS = {"and": "AND", "or": "OR", "with": "WITH"}


class _Syntax(ValueError):
    pass


def _tokens(text: str) -> list[str]:
    pos, out = 0, []
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            break
        out.append(match.group(1))
        pos = match.end()
    return out


class _Parser:
    """Recursive descent over ``or-expr := and-expr (OR and-expr)*``; ``and-expr := term (AND term)*``;
    ``term := '(' or-expr ')' | words [WITH words]``. A run of plain words is one operand, so that
    free text such as ``Apache License 2.0 OR MIT`` parses."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Any:
        if not self.tokens:
            raise _Syntax("empty expression")
        node = self.or_expr()
        if self.peek() is not None:
            raise _Syntax(f"unexpected {self.peek()!r} at token {self.pos + 1}")
        return node

    def or_expr(self) -> Any:
        args = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.lower() == "or":
            self.take()
            args.append(self.and_expr())
        return args[0] if len(args) == 1 else ("OR", args)

    def and_expr(self) -> Any:
        args = [self.term()]
        while (tok := self.peek()) is not None and tok.lower() == "and":
            self.take()
            args.append(self.term())
        return args[0] if len(args) == 1 else ("AND", args)

    def words(self) -> str:
        words = []
        while (tok := self.peek()) is not None and tok not in "()" and tok.lower() not in _OPERATORS:
            words.append(self.take())
        if not words:
            found = self.peek()
            raise _Syntax(
                f"expected a license at token {self.pos + 1}, found {found!r}"
                if found
                else "expression ends where a license was expected"
            )
        return " ".join(words)

    def term(self) -> Any:
        tok = self.peek()
        if tok == "(":
            self.take()
            node = self.or_expr()
            if self.peek() != ")":
                raise _Syntax("unbalanced parenthesis")
            self.take()
            return node
        name = self.words()
        if (tok := self.peek()) is not None and tok.lower() == "with":
            self.take()
            return ("WITH", name, self.words())
        return name


# -- resolution -------------------------------------------------------------------------
def _lynx(text: str) -> str | None:
    try:
        from licenselynx import LicenseLynx
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        found = LicenseLynx.map(text)
    except (KeyError, ValueError, TypeError, OSError):
        return None
    return found.id if found is not None else None


class _Resolver:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.unknown: list[str] = []

    def name(self, text: str) -> str:
        found = self.catalog.resolve(text)
        if found is None and text.endswith("+"):
            base = self.catalog.resolve(text[:-1])
            if base is not None:
                later = self.catalog.resolve(re.sub(r"-only$", "", base) + "-or-later")
                found = later or f"{base}+"
        if found is None:
            lynx = _lynx(text)
            if lynx is not None:
                found = self.catalog.resolve(lynx) or lynx
        if found is None:
            if text.startswith(("LicenseRef-", "DocumentRef-")):
                self.unknown.append(text)
                return text
            self.unknown.append(text)
            return "LicenseRef-unknown-" + re.sub(r"[^A-Za-z0-9.\-]+", "-", text).strip("-")
        return found

    def build(self, node: Any) -> LicenseExpression:
        if isinstance(node, str):
            return LicenseExpression("id", id=self.name(node))
        if node[0] == "WITH":
            _, name, exc = node
            exception = self.catalog.resolve_exception(exc)
            if exception is None:
                self.unknown.append(exc)
                exception = exc
            return LicenseExpression("id", id=self.name(name), exception=exception)
        op, args = node
        flat: list[LicenseExpression] = []
        for arg in args:
            built = self.build(arg)
            if built.op == op:
                flat.extend(built.args)
            else:
                flat.append(built)
        deduped = tuple(dict.fromkeys(flat))
        if len(deduped) == 1:
            return deduped[0]
        return LicenseExpression(op, args=deduped)


def parse_expression(text: str, catalog: Catalog | None = None) -> Normalized:
    """Parse and canonicalize ``text`` with the given (or the shipped) catalog."""
    return _normalize(text, catalog or default_catalog())


@functools.lru_cache(maxsize=8192)
def normalize_license(text: str) -> Normalized:
    """Normalize what people write into a canonical expression. Never raises on text.

    >>> normalize_license("Apache 2.0").expression
    'Apache-2.0'
    >>> normalize_license("gpl-2.0+ or mit").expression
    'GPL-2.0-or-later OR MIT'
    """
    return _normalize(text, default_catalog())


def _normalize(text: Any, catalog: Catalog) -> Normalized:
    if not isinstance(text, str):
        return Normalized(input=repr(text), expression=None, status="invalid", reason="not a string")
    raw = text
    text = " ".join(text.split())
    if len(text) > _MAX_LENGTH:
        return Normalized(
            input=raw[:80] + "...",
            expression=None,
            status="invalid",
            reason=f"longer than {_MAX_LENGTH} characters",
        )
    lowered = text.lower()
    if lowered in _NO_LICENSE:
        return Normalized(
            input=raw,
            expression=None,
            status="unknown",
            reason="no license given" if not lowered else f"{text!r} names no license",
        )
    if lowered in hf_unknown_ids():
        return Normalized(
            input=raw,
            expression=None,
            status="unknown",
            reason=f"{text!r} names no license: the actual terms must be read from the text",
        )
    # A whole-string alias first: free text such as "Apache License, Version 2.0" or "MIT or later".
    compound = re.search(r"\s(and|or|with)\s|[()]", text, re.IGNORECASE) is not None
    whole = catalog.resolve(text, fuzzy=not compound)
    if whole is None and not compound:
        lynx = _lynx(text)
        whole = (catalog.resolve(lynx) or lynx) if lynx else None
    if whole is not None:
        parsed = LicenseExpression("id", id=whole)
        return Normalized(input=raw, expression=whole, status="ok", reason="resolved", parsed=parsed)
    try:
        tree = _Parser(_tokens(text)).parse()
    except _Syntax as exc:
        return Normalized(input=raw, expression=None, status="invalid", reason=str(exc))
    resolver = _Resolver(catalog)
    parsed = resolver.build(tree)
    if resolver.unknown:
        unknown = tuple(dict.fromkeys(resolver.unknown))
        known = [i for i in parsed.ids() if not i.startswith("LicenseRef-unknown-") and i not in unknown]
        return Normalized(
            input=raw,
            expression=str(parsed) if known or all(u.startswith("LicenseRef-") for u in unknown) else None,
            status="unknown",
            reason="not a license aiprov knows: " + ", ".join(repr(u) for u in unknown),
            unknown_ids=unknown,
            parsed=parsed,
        )
    return Normalized(input=raw, expression=str(parsed), status="ok", reason="resolved", parsed=parsed)
