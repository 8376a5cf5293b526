"""What `import alembic` gives inside a revision file that still runs.

An Alembic project's revision files say `from alembic import op` (and sometimes
`from alembic import context`, `import alembic`). While still imports such a file, those
names resolve to this package: `op` is `still.op` and `context` is
`still.alembic_compat.context` (see `importer`), and Alembic need not be installed. The
application's modules that import Alembic's own `op` and `context` reach the same
objects while revision code runs, and only then (see `proxies`).

`__version__` is the Alembic release whose behaviour still follows, for revision files
that test it (MLflow's do).
"""

from still import op  # noqa: F401
from still.alembic_compat import context  # noqa: F401

__version__ = "1.16.0"
