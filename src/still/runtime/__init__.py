"""Running revisions: the version table, the `op` executor, upgrade/downgrade/stamp,
transactions and offline SQL. Imported only by the commands that run migrations."""
