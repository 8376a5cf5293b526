"""still: a declarative state-diff schema migrator for SQLAlchemy."""

__version__ = "0.1.0"
