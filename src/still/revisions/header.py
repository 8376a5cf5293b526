"""Read a revision file's header without importing it.

The header is the module docstring (message, create date) and four module-level
assignments: `revision`, `down_revision`, `branch_labels`, `depends_on`. Only literals
are allowed there (a string, None, or a tuple/list of strings), so `ast` can read them
and the graph can be built without running any user code.

Speed: most of a revision file is its `upgrade()`/`downgrade()` bodies, which the header
never needs, so only the text before the first top-level `def` is parsed. If that prefix
does not parse or lacks `revision`, the whole file is parsed, so the result is the same
as parsing everything.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from still.errors import StillError
from still.revisions.ids import problem, shown
from still.revisions.quick_header import quick_values

HEADER_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")

_FIRST_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]", re.MULTILINE)
_CREATE_DATE = re.compile(r"^[ \t]*Create Date:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


class Revision:
    """One revision file, as its header describes it. Immutable; equal when every field is.
    (A plain class rather than a dataclass: `still heads` then never imports dataclasses,
    and on 10,000 revisions each one is made faster.)"""

    __slots__ = ("revision", "down_revisions", "branch_labels", "depends_on", "message", "path", "create_date")

    revision: str
    down_revisions: tuple[str, ...]
    branch_labels: tuple[str, ...]
    depends_on: tuple[str, ...]
    message: str
    path: Path
    create_date: str | None

    def __init__(self, revision: str, down_revisions: tuple[str, ...], branch_labels: tuple[str, ...],
                 depends_on: tuple[str, ...], message: str, path: Path, create_date: str | None = None):
        put = object.__setattr__
        put(self, "revision", revision)
        put(self, "down_revisions", down_revisions)
        put(self, "branch_labels", branch_labels)
        put(self, "depends_on", depends_on)
        put(self, "message", message)
        put(self, "path", path)
        put(self, "create_date", create_date)

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in Revision.__slots__)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field {name!r}: a Revision is immutable")

    def __delattr__(self, name):
        raise AttributeError(f"cannot delete field {name!r}: a Revision is immutable")

    def __eq__(self, other):
        if other.__class__ is not Revision:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self):
        return hash(self._fields())

    def __repr__(self):
        return "Revision(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in Revision.__slots__) + ")"

    @property
    def is_merge(self) -> bool:
        return len(self.down_revisions) > 1

    @property
    def is_base(self) -> bool:
        return not self.down_revisions

    @property
    def parents(self) -> tuple[str, ...]:
        """Everything that must be applied before this revision: down revisions, then dependencies."""
        return self.down_revisions + tuple(d for d in self.depends_on if d not in self.down_revisions)


_FIRST_DEF_BYTES = re.compile(rb"^(?:async[ \t]+)?def[ \t]", re.MULTILINE)
_CHUNK = 8192


def read_header(path: Path | str) -> Revision:
    """The `Revision` a file declares; a `StillError` naming the file if it is not a valid one."""
    path = Path(path)
    try:
        with open(path, "rb") as file:
            data = file.read(_CHUNK)
            match = _FIRST_DEF_BYTES.search(data)
            if match is None and len(data) == _CHUNK:
                data += file.read()
                match = _FIRST_DEF_BYTES.search(data)
            if match is not None and match.start() > 0:
                prefix = data[: match.start()].decode("utf-8-sig")
                quick = quick_header(prefix, path)
                if quick is not None:
                    return quick
                module = _parse_prefix(prefix, path)
                if module is not None:
                    return _revision_from_module(module, path)
            if len(data) >= _CHUNK:
                data += file.read()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise StillError(f"cannot read revision file {path}: {err}") from None
    return _revision_from_module(_parse_whole(text, path), path)


def parse_header(text: str, path: Path) -> Revision:
    """Like `read_header`, for text already in memory."""
    match = _FIRST_DEF.search(text)
    if match is not None and match.start() > 0:
        quick = quick_header(text[: match.start()], path)
        if quick is not None:
            return quick
        module = _parse_prefix(text[: match.start()], path)
        if module is not None:
            return _revision_from_module(module, path)
    return _revision_from_module(_parse_whole(text, path), path)


def quick_header(text: str, path: Path) -> Revision | None:
    """The header of the text before the first `def`, read without `ast` when that text
    is in the plain shape every generated file has; None when it is not (then `ast`
    decides, so both routes always agree)."""
    found = quick_values(text)
    if found is None:
        return None
    values, docstring = found
    revision = values.get("revision")
    if not isinstance(revision, str) or not revision.strip() or _bad_id(values) is not None:
        return None  # missing or invalid: let the ast route say what is wrong, and where
    return _revision(values, docstring, path)


def _parse_prefix(text: str, path: Path) -> ast.Module | None:
    """The module up to its first top-level `def`, if that parses and sets `revision`."""
    try:
        module = ast.parse(text, filename=str(path))
    except SyntaxError:
        return None  # e.g. a `def` inside a docstring: parse the whole file instead
    for node in module.body:
        if "revision" in _targets(node):
            return module
    return None


def _parse_whole(text: str, path: Path) -> ast.Module:
    try:
        return ast.parse(text, filename=str(path))
    except SyntaxError as err:
        raise StillError(f"{path}:{err.lineno}: syntax error in revision file: {err.msg}") from None


def _targets(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return [node.target.id]
    return []


def _revision_from_module(module: ast.Module, path: Path) -> Revision:
    values: dict[str, tuple[str, ...] | str | None] = {}
    lines: dict[str, int] = {}
    for node in module.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            continue
        for name in _targets(node):
            if name in HEADER_NAMES:
                values[name] = _literal(node.value, name, path)
                lines[name] = node.lineno
    if "revision" not in values:
        raise StillError(f"{path}: not a revision file: no module-level 'revision = \"...\"'")
    revision = values["revision"]
    if not isinstance(revision, str) or not revision.strip():
        raise StillError(f"{path}:{lines['revision']}: 'revision' must be a non-empty string")
    bad = _bad_id(values)
    if bad is not None:
        name, value, reason = bad
        raise StillError(f"{path}:{lines[name]}: invalid {_WHAT[name]} {shown(value)}: {reason}")
    return _revision(values, _docstring(module), path)


_WHAT = {"revision": "revision id", "down_revision": "down_revision id", "branch_labels": "branch label",
         "depends_on": "depends_on id"}


def _bad_id(values: dict) -> tuple[str, str, str] | None:
    """(header name, value, why) for the first id or label that breaks the rule (ids.py)."""
    for name in HEADER_NAMES:
        for value in _as_tuple(values.get(name)) if name != "revision" else (values[name],):
            reason = problem(value)
            if reason is not None:
                return name, value, reason
    return None


def _revision(values: dict, docstring: str, path: Path) -> Revision:
    message = docstring.lstrip().split("\n", 1)[0].strip()
    date = _CREATE_DATE.search(docstring)
    return Revision(
        revision=values["revision"],
        down_revisions=_as_tuple(values.get("down_revision")),
        branch_labels=_as_tuple(values.get("branch_labels")),
        depends_on=_as_tuple(values.get("depends_on")),
        message=message,
        path=path,
        create_date=(date.group(1) or None) if date else None,
    )


def _docstring(module: ast.Module) -> str:
    if module.body:
        first = module.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            return first.value.value
    return ""


def _literal(node: ast.expr | None, name: str, path: Path) -> tuple[str, ...] | str | None:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)) and name != "revision":
        items = []
        for item in node.elts:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                break
            items.append(item.value)
        else:
            return tuple(items)
    line = getattr(node, "lineno", None)
    where = f"{path}:{line}" if line else str(path)
    allowed = "a string literal" if name == "revision" else "None, a string or a tuple of strings"
    raise StillError(f"{where}: '{name}' must be {allowed} (revision headers are read without running the file)")


def _as_tuple(value: tuple[str, ...] | str | None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    seen: dict[str, None] = {}
    for item in value:
        seen.setdefault(item, None)
    return tuple(seen)
