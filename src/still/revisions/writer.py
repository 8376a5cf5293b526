"""Write a new revision file from a template.

Templates are plain text with `${name}` placeholders (no template engine):
`${message}`, `${create_date}`, `${revision}` (the bare id), `${revises}` (the down
revisions, comma-separated, for the docstring), `${down_revision}`, `${branch_labels}`,
`${depends_on}` (Python literals: None, "id" or ("a", "b")), `${upgrade}` and
`${downgrade}` (function bodies). A multi-line value is indented like its placeholder's
line. Any other `$` text is left alone.
"""

from __future__ import annotations

import datetime as _dt
import re
import secrets
from pathlib import Path

from still.errors import StillError
from still.revisions.header import parse_header, read_header
from still.revisions.ids import check_id, check_new_revision

DEFAULT_TEMPLATE = '''"""${message}

Revision ID: ${revision}
Revises: ${revises}
Create Date: ${create_date}
"""

from still import op
import sqlalchemy as sa${imports}

revision = "${revision}"
down_revision = ${down_revision}
branch_labels = ${branch_labels}
depends_on = ${depends_on}


def upgrade() -> None:
    ${upgrade}


def downgrade() -> None:
    ${downgrade}
'''

PLACEHOLDERS = ("message", "create_date", "revision", "revises", "down_revision", "branch_labels",
                "depends_on", "upgrade", "downgrade", "imports")
_PLACEHOLDER = re.compile(r"\$\{(" + "|".join(PLACEHOLDERS) + r")\}")
_SLUG_MAX = 40


def new_revision_id() -> str:
    return secrets.token_hex(6)


def slugify(message: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    if len(slug) > _SLUG_MAX:
        slug = slug[:_SLUG_MAX].rsplit("_", 1)[0] or slug[:_SLUG_MAX]
    return slug


def python_literal(values: tuple[str, ...]) -> str:
    """None, "a" or ("a", "b") — how a header names zero, one or several ids."""
    if not values:
        return "None"
    if len(values) == 1:
        return _quote(values[0])
    return "(" + ", ".join(_quote(v) for v in values) + ")"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _docstring_text(message: str) -> str:
    text = " ".join(message.split())  # the header's message is one line
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _docstring_line(line: str) -> str:
    return line.rstrip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def render_template(template: str, values: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        value = values[match.group(1)]
        if "\n" not in value:
            return value
        line_start = match.string.rfind("\n", 0, match.start()) + 1
        prefix = match.string[line_start:match.start()]
        indent = prefix if not prefix.strip() else ""
        first, *rest = value.split("\n")
        return "\n".join([first] + [indent + line if line.strip() else "" for line in rest])

    return _PLACEHOLDER.sub(substitute, template)


def write_revision(directory: Path | str, message: str, head: tuple[str, ...] = (),
                   rev_id: str | None = None, branch_labels: tuple[str, ...] | list[str] = (),
                   depends_on: tuple[str, ...] | list[str] = (), template: Path | str | None = None,
                   upgrade_body: str = "pass", downgrade_body: str = "pass",
                   imports: tuple[str, ...] | list[str] = (), summary: str = "") -> Path:
    """Create `<id>_<slug>.py` in `directory` and return its path; `imports` are extra import
    lines placed after `import sqlalchemy as sa`; `summary` goes into the docstring under the
    message (generate puts the operation counts and every REVIEW finding there)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise StillError(f"revision directory {directory} does not exist: run 'still init' or check "
                         f"'script_location'")
    head, branch_labels, depends_on = tuple(head), tuple(branch_labels), tuple(depends_on)
    existing = _existing_ids(directory)
    if rev_id is None:
        rev_id = new_revision_id()
        while rev_id in existing:
            rev_id = new_revision_id()
    else:
        check_id(rev_id, "revision id")
        if rev_id in existing:
            raise StillError(f"revision id '{rev_id}' already exists in {existing[rev_id]}: choose another")
    check_new_revision(rev_id, branch_labels)
    for parent in (*head, *depends_on):
        check_id(parent, "parent revision id")
    if template is not None:
        try:
            text = Path(template).read_text(encoding="utf-8")
        except OSError as err:
            raise StillError(f"cannot read revision template {template}: {err}") from None
    else:
        text = DEFAULT_TEMPLATE
    values = {
        "message": _docstring_text(message) + "".join(
            f"\n{_docstring_line(line)}" for line in ([""] + summary.strip().splitlines() if summary.strip() else [])),
        "create_date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        "revision": rev_id,
        "revises": ", ".join(head) or "(base)",
        "imports": "".join(f"\n{line}" for line in imports),
        "down_revision": python_literal(head),
        "branch_labels": python_literal(branch_labels),
        "depends_on": python_literal(depends_on),
        "upgrade": upgrade_body.strip("\n") or "pass",
        "downgrade": downgrade_body.strip("\n") or "pass",
    }
    content = render_template(text, values)
    slug = slugify(message)
    path = inside(directory, f"{rev_id}_{slug}.py" if slug else f"{rev_id}.py")
    written = parse_header(content, path)  # a template that breaks the header fails here, not later
    if written.revision != rev_id:
        raise StillError(f"revision template {template} does not set revision = \"${{revision}}\"")
    if path.exists():
        raise StillError(f"{path} already exists: choose another message or id")
    path.write_text(content, encoding="utf-8")
    return path


def inside(directory: Path, name: str) -> Path:
    """`directory / name`, made sure to be a file directly in `directory`: a name built from
    user input (an id, a message) never reaches another directory."""
    path = directory / name
    if Path(name).name != name or name in ("", ".", "..") or path.resolve().parent != directory.resolve():
        raise StillError(f"refusing to write {name!r}: a revision file name must stay in {directory}")
    return path


def _existing_ids(directory: Path) -> dict[str, Path]:
    found = {}
    for path in directory.glob("*.py"):
        if path.name.startswith("_"):
            continue
        try:
            found[read_header(path).revision] = path
        except StillError:
            continue  # a broken neighbour is the graph's problem, not this writer's
    return found
