"""The migration lock: eight `still upgrade head` started together apply each revision
once (and log it once), and all of them exit 0; a run that cannot get the lock in time says who holds it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from tests.conftest import ALL_DIALECTS
from tests.runtime.project import Project

REVISIONS = 4


def project(tmp_path, url) -> Project:
    p = Project(tmp_path / "proj", url).init()
    for i in range(REVISIONS):
        first = "op.create_table('effects', sa.Column('rev', sa.String(10)), sa.Column('pid', sa.Integer))\n" \
            if i == 0 else ""
        p.revision(f"r{i}", f"step {i}",
                   f"""{first}import os, time
op.create_table('t{i:02d}', sa.Column('id', sa.Integer, primary_key=True))
op.execute(f"INSERT INTO effects (rev, pid) VALUES ('r{i}', {{os.getpid()}})")
time.sleep(0.3)""", f"op.drop_table('t{i:02d}')")
    return p


def start(p: Project, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "still", *args], cwd=p.path, env=p.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_eight_upgrades_at_once_apply_each_revision_once(tmp_path, db_url):
    p = project(tmp_path, db_url)
    if db_url.startswith("sqlite"):
        p.ok("stamp", "base")  # the file exists before eight processes race to create it
    runs = [start(p, "upgrade", "head") for _ in range(8)]
    results = [(r.wait(timeout=120), r.stdout.read(), r.stderr.read()) for r in runs]
    assert all(code == 0 for code, _, _ in results), results
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        effects = conn.exec_driver_sql("SELECT rev, count(*) FROM effects GROUP BY rev ORDER BY rev").all()
        versions = conn.exec_driver_sql("SELECT version_num FROM still_version").all()
        logged = conn.exec_driver_sql("SELECT revision, direction FROM still_version_log ORDER BY id").all()
    engine.dispose()
    assert effects == [(f"r{i}", 1) for i in range(REVISIONS)]
    assert versions == [(f"r{REVISIONS - 1}",)]
    assert logged == [(f"r{i}", "upgrade") for i in range(REVISIONS)]  # one row per revision run
    assert sum("waiting for the migration lock" in err for _, _, err in results) >= 1


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
def test_a_run_that_cannot_get_the_lock_in_time_says_who_holds_it(tmp_path, db_url):
    p = project(tmp_path, db_url)
    p.ok("upgrade", "r0")
    # r1 says when it runs (the holder has the lock then) and holds on until told to finish
    marker, release = tmp_path / "holding", tmp_path / "release"
    (p.versions / "r1_step_1.py").write_text((p.versions / "r1_step_1.py").read_text().replace(
        "time.sleep(0.3)", f"open({str(marker)!r}, 'w').close()\n    deadline = time.monotonic() + 120\n"
                           f"    while not os.path.exists({str(release)!r}) and time.monotonic() < deadline:\n"
                           f"        time.sleep(0.05)"))
    holder = start(p, "upgrade", "r1")
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert holder.poll() is None and time.monotonic() < deadline, "the holder never started r1"
        time.sleep(0.05)
    try:
        error = p.fail("upgrade", "head", "--lock-timeout", "0.5")
    finally:
        release.touch()
    assert "timed out after 0.5s waiting for the migration lock" in error and "nothing was changed" in error
    if db_url.startswith("postgresql"):
        assert "pid " in error and "'still'" in error
    if db_url.startswith("mysql"):
        assert "held by connection " in error and "root@" in error
    assert holder.wait(timeout=60) == 0
    assert p.ok("current").split()[0] == "r1"
