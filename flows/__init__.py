"""Wiring: the Prefect flow and the `recon` CLI. Importing this package applies
the offline settings before Prefect is imported anywhere."""
from flows import settings as _settings  # noqa: F401
