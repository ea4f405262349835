"""Stage 1 — ingest: the inbox into stg_*, quarantine, ingest_files, table_status.

Public entry points (docs/architecture.md):

- ``ingest(con, inbox, config, as_of) -> IngestResult``
- ``write_data_docs(result, out_dir) -> Path`` (``out_dir/data_docs/index.html``)
"""
from transforms.ingest.data_docs import write_data_docs
from transforms.ingest.pipeline import ingest
from transforms.ingest.result import FileResult, IngestResult, TableResult

__all__ = ["FileResult", "IngestResult", "TableResult", "ingest", "write_data_docs"]
