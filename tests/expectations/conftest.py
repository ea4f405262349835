"""The contract tests run ingest on small inboxes: share the ingest test fixtures."""
from tests.transforms.ingest.conftest import inbox, run  # noqa: F401
