"""`still lint` (issue 23, item 3): each code fires on a minimal revision, names the file and
line, and is silenced by `# still: ignore CODE` on that line; JSON output (golden, and valid
against schemas/lint.schema.json); GitHub annotations; exit codes. Lint replays the files:
no database is needed (the costs it relies on are proven on real servers in test_costs.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runtime.project import Project

ROOT = Path(__file__).resolve().parents[2]
PG, MARIADB = "postgresql+psycopg://nobody@127.0.0.1:1/none", "mysql+pymysql://nobody@127.0.0.1:1/none"

BASE = """
op.create_table("orgs", sa.Column("id", sa.Integer, primary_key=True))
op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("email", sa.String(100)), sa.Column("n", sa.Integer), sa.Column("org_id", sa.Integer))
op.create_index("ix_users_n", "users", ["n"])
"""

# code -> (url, the revision's body: its first line is the one the finding is about)
CASES = {
    "index-not-concurrent": (PG, 'op.create_index("ix_users_email", "users", ["email"])'),
    "index-not-concurrent-sql": (PG, 'op.execute("CREATE INDEX ix_users_org ON users (org_id)")'),
    "foreign-key-not-valid": (PG, 'op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"])'),
    "check-not-valid": (PG, 'op.create_check_constraint("ck_users_n", "users", "n > 0")'),
    "not-null-scan": (PG, 'op.alter_column("users", "email", nullable=False, existing_type=sa.String(100))'),
    "table-rewrite": (PG, 'op.alter_column("users", "n", type_=sa.BigInteger, existing_type=sa.Integer)'),
    "rename-breaks-code": (PG, 'op.alter_column("users", "email", new_column_name="mail")'),
    "drop-breaks-code": (PG, 'op.drop_column("users", "n")'),
    "missing-lock-timeout": (PG, 'op.add_column("users", sa.Column("nick", sa.String(20)))'),
    "unique-not-using-index": (PG, 'op.create_unique_constraint("uq_users_email", "users", ["email"])'),
    "unique-not-using-index-sql": (PG, 'op.execute("ALTER TABLE users ADD CONSTRAINT uq_users_n UNIQUE (n)")'),
    "validate-in-transaction": (PG, 'op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"], '
                                    'postgresql_not_valid=True); op.validate_constraint("fk_users_org", "users")'),
    "validate-in-transaction-sql": (PG, 'op.execute("ALTER TABLE users ADD CONSTRAINT ck_users_n CHECK (n > 0) NOT '
                                        'VALID"); op.execute("ALTER TABLE users VALIDATE CONSTRAINT ck_users_n")'),
    "table-copy": (MARIADB, 'op.alter_column("users", "n", type_=sa.BigInteger, existing_type=sa.Integer)'),
}


def _project(tmp_path, url, body: str, ddl_lock_timeout: str = "0") -> tuple[Project, Path]:
    """`ddl_lock_timeout = 0` unless told: still's runtime sets no lock_timeout, so the
    revisions must (see test_still_setting_lock_timeout_quiets_missing_lock_timeout)."""
    project = Project(tmp_path, url).init()
    if ddl_lock_timeout is not None:
        toml = project.path / "still.toml"
        toml.write_text(toml.read_text() + f"ddl_lock_timeout = {ddl_lock_timeout}\n")
    project.revision("a1", "base", BASE)
    path = project.revision("b2", "change", body)
    return project, path


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_code_fires_and_is_silenced_by_its_comment(tmp_path, case):
    url, body = CASES[case]
    code = case.removesuffix("-sql")
    project, path = _project(tmp_path, url, body)
    result = project.run("lint", "b2", "--format", "json")
    assert result.returncode == 1, (result.stdout, result.stderr)
    report = json.loads(result.stdout)
    hits = [f for f in report["findings"] if f["code"] == code]
    assert hits, report
    line = _line_of(path, body.split("(")[0])
    assert hits[0]["line"] == line and hits[0]["revision"] == "b2"
    assert Path(project.path / hits[0]["path"]).resolve() == path.resolve()

    lines = path.read_text().splitlines()
    lines[line - 1] += f"  # still: ignore {code}"
    path.write_text("\n".join(lines) + "\n")
    after = json.loads(project.run("lint", "b2", "--format", "json").stdout)
    assert code not in {f["code"] for f in after["findings"]}, after


def test_a_new_table_is_no_risk_and_a_lock_timeout_counts(tmp_path):
    """Whatever a revision does to a table it created itself waits for nobody; a revision that
    sets lock_timeout first has no missing-lock-timeout."""
    body = """op.execute("SET LOCAL lock_timeout = '2s'")
op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))
op.create_index("ix_tags_name", "tags", ["name"])
op.alter_column("tags", "name", nullable=False, existing_type=sa.String(20))
op.add_column("users", sa.Column("nick", sa.String(20)))"""
    project, _ = _project(tmp_path, PG, body)
    assert project.ok("lint", "b2").strip() == "No findings in 1 revision"
    # the base revision creates its tables: nothing existed before it either
    assert project.ok("lint").strip() == "No findings in 2 revisions"


def test_still_setting_lock_timeout_quiets_missing_lock_timeout(tmp_path):
    """With ddl_lock_timeout > 0 (the default) still's runtime sets lock_timeout for every
    statement it runs: the revision has nothing to set, and lint says nothing."""
    for timeout in (None, "3"):  # the default (5), and one set
        project, _ = _project(tmp_path / str(timeout), PG, CASES["missing-lock-timeout"][1], timeout)
        assert project.ok("lint", "b2").strip() == "No findings in 1 revision"


def test_the_safe_forms_are_not_flagged(tmp_path):
    """What `generate` writes on PostgreSQL (issue 23) passes the rules the plain forms
    trip: NOT VALID then VALIDATE, SET NOT NULL after a validated CHECK, UNIQUE / PRIMARY
    KEY from an index built CONCURRENTLY."""
    body = """op.execute("SET LOCAL lock_timeout = '2s'")
op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"], postgresql_not_valid=True)
op.create_check_constraint("ck_users_n", "users", "n > 0", postgresql_not_valid=True)
op.create_check_constraint("users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)
with op.get_context().autocommit_block():
    op.validate_constraint("fk_users_org", "users")
    op.validate_constraint("ck_users_n", "users")
    op.validate_constraint("users_email_not_null", "users")
    op.create_index("uq_users_email", "users", ["email"], unique=True, postgresql_concurrently=True)
op.execute("SET LOCAL lock_timeout = '2s'")
op.alter_column("users", "email", nullable=False, existing_type=sa.String(100))
op.drop_constraint("users_email_not_null", "users", type_="check")
op.create_unique_constraint("uq_users_email", "users", ["email"], postgresql_using_index="uq_users_email")
op.execute("ALTER TABLE users ADD CONSTRAINT uq_users_n UNIQUE USING INDEX ix_users_n")"""
    project, _ = _project(tmp_path, PG, body)
    report = json.loads(project.run("lint", "b2", "--format", "json").stdout)
    codes = {f["code"] for f in report["findings"]}
    assert not codes & {"foreign-key-not-valid", "check-not-valid", "not-null-scan", "index-not-concurrent",
                        "unique-not-using-index", "validate-in-transaction"}, report


def test_json_is_golden_and_valid_and_github_annotates(tmp_path):
    import jsonschema

    project, path = _project(tmp_path, PG, "\n".join(CASES[c][1] for c in (
        "index-not-concurrent", "table-rewrite", "drop-breaks-code")))
    report = json.loads(project.run("lint", "--format", "json").stdout)
    schema = json.loads((ROOT / "schemas" / "lint.schema.json").read_text())
    jsonschema.validate(report, schema)
    report["findings"] = [{**f, "path": Path(f["path"]).name} for f in report["findings"]]
    golden = ROOT / "fixtures" / "golden" / "lint" / "three_findings.json"
    text = json.dumps(report, indent=2) + "\n"
    if not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
        pytest.fail(f"{golden} was written; check it and run again")
    assert text == golden.read_text()

    github = project.run("lint", "--format", "github")
    assert github.returncode == 1
    rel = report["findings"][0]
    first = github.stdout.splitlines()[0]
    assert first.startswith(f"::warning file=migrations/versions/{rel['path']},line={rel['line']},"
                            f"title=index-not-concurrent::CREATE INDEX on users blocks writes")
    assert "::error " in github.stdout  # danger findings are errors


def test_fail_on_and_bad_revision(tmp_path):
    project, _ = _project(tmp_path, PG, CASES["rename-breaks-code"][1])
    assert project.run("lint", "--fail-on", "danger").returncode == 0  # warnings only
    assert project.run("lint").returncode == 1
    assert "no revision match 'zz'" in project.fail("lint", "zz")


MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("orgs", metadata, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("email", sa.String(100)), sa.Column("n", sa.Integer), sa.Column("org_id", sa.Integer),
         sa.Index("ix_users_n", "n"){extra})
'''


def test_check_and_generate_lint_too(tmp_path):
    project, _ = _project(tmp_path, PG, 'op.alter_column("users", "email", new_column_name="mail")')
    (tmp_path / "models.py").write_text(MODELS.format(extra="").replace('"email"', '"mail"'))
    with open(tmp_path / "still.toml", "a") as f:
        f.write('metadata = "models:metadata"\n')
    env_path = {"PYTHONPATH": str(tmp_path)}
    project.env = lambda base=project.env: {**base(), "PYTHONPATH": base()["PYTHONPATH"] + ":" + env_path["PYTHONPATH"]}
    assert project.run("check", "--against", "history").returncode == 0  # no drift
    linted = project.run("check", "--against", "history", "--lint")
    assert linted.returncode == 1 and "rename-breaks-code" in linted.stdout, linted
    assert project.run("check", "--against", "history", "--lint", "--fail-on", "danger").returncode == 0

    (tmp_path / "models.py").write_text(MODELS.format(extra=', sa.Index("ix_users_org", "org_id")')
                                        .replace('"email"', '"mail"'))
    # the safe form generate writes by default (CONCURRENTLY) lints clean
    generated = project.run("generate", "--against", "history", "-m", "index", "--lint", "--rev-id", "safe")
    assert generated.returncode == 0, generated
    assert "postgresql_concurrently=True" in next(project.versions.glob("safe_*.py")).read_text()
    assert "No findings in 1 revision" in generated.stdout, generated
    next(project.versions.glob("safe_*.py")).unlink()
    with open(tmp_path / "still.toml", "a") as f:
        f.write("safe_forms = false\n")
    generated = project.run("generate", "--against", "history", "-m", "index", "--lint")
    assert generated.returncode == 0, generated
    assert "index-not-concurrent: CREATE INDEX on users blocks writes" in generated.stdout
    assert "1 finding" in generated.stdout
