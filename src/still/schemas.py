"""JSON Schemas of the machine-readable outputs, generated from the pydantic models.

`python -m still.schemas DIR` (`make schemas`) rewrites them; a test fails when the
committed files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def generated() -> dict[str, str]:
    """File name -> JSON Schema text for every published model."""
    from still.lint.findings import LintReport
    from still.plan import PlanReport
    from still.snapshot import Snapshot
    from still.snapshot_file import SnapshotFile

    models = {"snapshot.schema.json": Snapshot, "plan.schema.json": PlanReport, "lint.schema.json": LintReport,
              "snapshot-file.schema.json": SnapshotFile}
    return {
        name: json.dumps(model.model_json_schema(mode="serialization"), indent=2, sort_keys=True) + "\n"
        for name, model in models.items()
    }


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated().items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas")):
        print(f"wrote {path}")
