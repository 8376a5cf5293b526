"""The examples and exit codes each command's --help ends with (the README's, shortened)."""

from __future__ import annotations

_EXIT_CHECK = "Exit codes: 0 no drift, 1 drift (or findings at --fail-on), 2 error."
_EXIT_RUN = "Exit codes: 0 done, 2 error (nothing of the failing revision is left applied), 130 interrupted."
_EXIT = "Exit codes: 0 done, 2 error."

EXAMPLES: dict[str, tuple[list[str], str]] = {
    "init": (["still init migrations", "still init --from-alembic            # take over alembic.ini as it is"], _EXIT),
    "generate": (['still generate -m "add invoices"', 'still generate -m "add invoices" --from history',
                  'still generate -m "hotfix" --from history --to "$PROD_URL"',
                  'still generate -m "rename" --rename users.mail=email'], _EXIT),
    "revision": (['still revision -m "backfill emails"', 'still revision --autogenerate -m "add invoices"'], _EXIT),
    "upgrade": (["still upgrade head", "still upgrade +1", "still upgrade base:head --sql > upgrade.sql"], _EXIT_RUN),
    "downgrade": (["still downgrade -1", "still downgrade base", "still downgrade head:base --sql > down.sql"],
                  _EXIT_RUN),
    "current": (["still current", "still current --verbose"], _EXIT),
    "history": (["still history", "still history -r base:head --verbose", "still history --indicate-current"],
                _EXIT),
    "heads": (["still heads", "still heads --verbose"], _EXIT),
    "branches": (["still branches"], _EXIT),
    "stamp": (["still stamp head                     # mark as applied without running", "still stamp base --purge"],
              _EXIT),
    "show": (["still show head", "still show 3f2a"], _EXIT),
    "merge": (['still merge heads -m "merge feature branch"'], _EXIT),
    "plan": (["still plan", "still plan --sql", "still plan --format json",
              "still plan --url sqlite:///app.db --metadata myapp.models:Base",
              'still plan --from "$PROD_URL" --to "$STAGING_URL" --sql',
              "still plan --from release.json --to db           # what changed since the snapshot",
              "still plan --from history@3f2a --to history"], _EXIT),
    "check": (["still check", "still check --format github --fail-on warning", "still check --from history",
               "still check --from schema.json --to models       # the models against a committed snapshot",
               'still check --from "$PROD_URL" --to "$STAGING_URL"', "still check --lint"], _EXIT_CHECK),
    "snapshot": (["still snapshot", "still snapshot --out schema.json          # read back by --from/--to",
                  "still snapshot --metadata myapp.models:Base --dialect postgresql --out schema.json"], _EXIT),
    "lint": (["still lint", "still lint 3f2a --format github", "still lint --fail-on danger"],
             "Exit codes: 0 no findings at --fail-on, 1 findings, 2 error. "
             "Silence one: '# still: ignore CODE' on its line."),
}


def epilog(name: str) -> str | None:
    """The --help epilog: `\\b` keeps click from rewrapping the example lines."""
    if name not in EXAMPLES:
        return None
    lines, codes = EXAMPLES[name]
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines) + f"\n\n{codes}"


def add_to(app) -> None:
    for info in app.registered_commands:
        name = info.name or info.callback.__name__
        info.epilog = info.epilog or epilog(name)
