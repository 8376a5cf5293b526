"""Plan -> revision file text: `render_plan(plan, dialect)` gives the upgrade() and
downgrade() bodies as `op.*` calls, a summary, and the imports they need."""

from still.render.plan import RenderedRevision, function_body, render_plan
from still.render.types import render_type

__all__ = ["RenderedRevision", "function_body", "render_plan", "render_type"]
