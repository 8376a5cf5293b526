"""Write small revision files by hand (not through the writer, so the reader is tested alone)."""

from __future__ import annotations

from pathlib import Path

from still.revisions import RevisionGraph


def literal(value):
    if value is None:
        return "None"
    if isinstance(value, str):
        return repr(value)
    return "(" + ", ".join(repr(v) for v in value) + ("," if len(value) == 1 else "") + ")"


def write(directory: Path, rev: str, down=None, labels=None, depends=None, message=None,
          date="2026-11-23 20:00:00") -> Path:
    message = message or f"revision {rev}"
    revises = ", ".join([down] if isinstance(down, str) else list(down or ()))
    path = directory / f"{rev}_{message.replace(' ', '_')}.py"
    path.write_text(
        f'"""{message}\n\nRevision ID: {rev}\nRevises: {revises}\nCreate Date: {date}\n"""\n'
        "from still import op\nimport sqlalchemy as sa\n\n"
        f"revision = {rev!r}\ndown_revision = {literal(down)}\n"
        f"branch_labels = {literal(labels)}\ndepends_on = {literal(depends)}\n\n\n"
        "def upgrade() -> None:\n    op.create_table('t', sa.Column('id', sa.Integer))\n\n\n"
        "def downgrade() -> None:\n    op.drop_table('t')\n"
    )
    return path


def build(directory: Path, spec) -> RevisionGraph:
    """spec: [(id, down, {labels=..., depends=...}), ...] written as files, then loaded."""
    for item in spec:
        rev, down, *rest = item
        write(directory, rev, down, **(rest[0] if rest else {}))
    return RevisionGraph.load([directory])
