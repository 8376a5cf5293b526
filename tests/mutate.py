"""Mutation testing as a tool, not a gate (`make mutate`): mutmut changes one thing at a
time in a folder of src/still (an operator, a constant, a condition) and runs the tests of
that area against each change; a mutant no test notices "survives" and is either a test
to write or an equivalent change to explain. Prints the survivors and the survival rate
per folder.

    python tests/mutate.py                  # diff, ops, reflect
    python tests/mutate.py diff             # one area
    MUTATE_TESTS="tests/diff/test_typechanges.py" python tests/mutate.py diff/typechanges.py

Each survivor is printed with its diff.

Each area runs in a scratch copy of the checkout (mutmut writes its mutants/ folder
beside the sources), with the area's tests; the tests that need a database start their
own servers as in `make test`, so a whole area takes long: name a file or set
MUTATE_TESTS to try a narrow part first."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the area (a folder or file under src/still) and the tests that judge it
AREAS = {
    "diff": ["tests/diff"],
    "ops": ["tests/ops"],
    "reflect": ["tests/reflect", "tests/test_reflect_sqlite.py", "tests/test_reflect_postgresql.py",
                "tests/test_reflect_mysql.py", "tests/test_reflect_queries.py", "tests/test_reflect_shortcuts.py",
                "tests/test_fidelity.py"],
}


def tests_for(area: str) -> list[str]:
    if os.environ.get("MUTATE_TESTS"):
        return os.environ["MUTATE_TESTS"].split()
    return AREAS[area.split("/")[0].removesuffix(".py")]


def scratch_copy(into: Path) -> None:
    """The checkout's files as git sees them, new ones included (no venvs, no caches, no
    app venvs: what .gitignore leaves out)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source, target = ROOT / name, into / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def config(area: str, tests: list[str]) -> str:
    """mutmut's settings: the area mutated; src, tests and fixtures copied whole beside the
    mutants, so `import still` finds the mutated copy first (PYTHONPATH=src)."""
    lines = ["[mutmut]", f"source_paths = src/still/{area}",
             "pytest_add_cli_args_test_selection =", *(f"    {t}" for t in tests),
             "pytest_add_cli_args =", "    -p", "    no:cacheprovider", "also_copy =",
             "    src", "    tests", "    fixtures"]
    return "\n".join(lines) + "\n"


def run(area: str) -> tuple[int, dict[str, str]]:
    """(mutants tried, each survivor's name and diff) for one area."""
    with tempfile.TemporaryDirectory(prefix="still-mutate-") as tmp:
        work = Path(tmp)
        scratch_copy(work)
        (work / "pyproject.toml").unlink()  # mutmut reads setup.cfg; the project's file has no [tool.mutmut]
        (work / "setup.cfg").write_text(config(area, tests_for(area)))
        env = {**os.environ, "PYTHONPATH": "src"}
        mutmut = [sys.executable, "-m", "mutmut"]
        ran = subprocess.run([*mutmut, "run", "--max-children", str(os.cpu_count() or 1)], cwd=work, env=env)
        if ran.returncode != 0:
            raise SystemExit(f"mutate: mutmut failed on {area} (exit {ran.returncode}); see above")
        results = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, env=env,
                                 capture_output=True, text=True, check=False).stdout
        states = re.findall(r"^\s*(\S+): (\w[\w ]*)$", results, re.M)
        survivors = {name: subprocess.run([*mutmut, "show", name], cwd=work, env=env, capture_output=True,
                                          text=True, check=False).stdout
                     for name, state in states if state == "survived"}
        unchecked = [name for name, state in states if state in ("not checked", "no tests")]
        if unchecked:
            print(f"mutate: {len(unchecked)} mutants of {area} were not run by any test (counted as survivors)")
            survivors.update({name: "(no test runs this code)" for name in unchecked})
    return len(states), survivors


def main(argv: list[str]) -> int:
    areas = argv or list(AREAS)
    summary = []
    for area in areas:
        if not (ROOT / "src" / "still" / area).exists():
            print(f"mutate: no src/still/{area}", file=sys.stderr)
            return 2
        tried, survived = run(area)
        print(f"\n== {area}: {len(survived)} of {tried} mutants survived")
        for name, shown in survived.items():
            print(f"-- {name}\n{shown.rstrip()}")
        summary.append((area, tried, len(survived)))
    print("\nsurvival rate per area:")
    for area, tried, survived in summary:
        rate = f"{100 * survived / tried:.1f}%" if tried else "no mutants"
        print(f"  {area}: {survived}/{tried} ({rate})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
