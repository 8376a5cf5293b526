"""Revision files, the revision graph, target resolution and step computation (no database)."""

from still.revisions.graph import RevisionGraph
from still.revisions.header import Revision, parse_header, read_header
from still.revisions.steps import Step
from still.revisions.writer import DEFAULT_TEMPLATE, slugify, write_revision

__all__ = ["DEFAULT_TEMPLATE", "Revision", "RevisionGraph", "Step", "parse_header", "read_header",
           "slugify", "write_revision"]
