"""Stage 4 — export: the files under --out (CONTRACT.md §3, architecture.md stage 4).

Reads only ``list_*``, ``review_queue``, ``progress``, ``quarantine``,
``ingest_files`` and ``skipped_checks``. A missing input table never stops
the export: its file is written with its header only and the manifest entry
carries a ``note``.

The flow calls, in this order (each returns what the manifest lists)::

    files = write_lists(con, out, county=config.county)
    prepared = prepare_lists(con, config.county, mask_ids)  # read and rendered once
    files += write_township_workbooks(con, out, config.county, as_of, mask_ids,
                                      target_rate=config.policy.target_rate,
                                      prepared=prepared)
    files.append(write_progress_xlsx(con, out, config.county, as_of,
                                     target_rate=config.policy.target_rate))
    files.append(write_county_workbook(con, out, config.county, as_of, mask_ids,
                                       target_rate=config.policy.target_rate,
                                       prepared=prepared))
    # (flows/pipeline.py starts county.xlsx first, start_county_workbook, so that a
    # worker process writes it while the township workbooks are written)
    files.append(write_report(con, out, config.county, as_of, run_info,
                              target_rate=config.policy.target_rate))
    write_manifest(con, out, as_of, version, timings, files)

Format choices where the contract leaves room:

- CSV: UTF-8 with BOM (Excel on Chinese Windows reads a BOM-less CSV as
  GBK), CRLF line ends, minimal quoting, NULL as an empty field; scores
  and rates with 4 decimals, money with 2.
- Formula escaping (CSV and xlsx alike): a text starting with = + - @ tab
  CR or NUL gets a leading apostrophe. Numbers are not text and are never
  prefixed (``-5.00`` stays a number).
- Workbooks: text via ``write_string`` only (``strings_to_formulas`` off),
  dates as ``YYYY-MM-DD`` text, money as numbers formatted ``0.00``, IDs
  masked to 6 + 4 unless ``mask_ids`` is False (also inside evidence text).
- Byte-identical reruns: total sort orders, fixed workbook dates (as-of),
  fixed zip timestamps (xlsxwriter), sorted manifest keys. The report and
  the manifest show ``run_info`` / ``timings`` as given, so they differ
  between runs exactly as much as those do.
"""
from transforms.export.county_workbook import start_county_workbook, write_county_workbook
from transforms.export.csv_lists import write_lists
from transforms.export.files import ExportError, OutputFile
from transforms.export.list_rows import prepare_lists
from transforms.export.manifest import write_manifest
from transforms.export.progress_xlsx import write_progress_xlsx
from transforms.export.report import write_report
from transforms.export.workbooks import write_township_workbooks

__all__ = ["ExportError", "OutputFile", "prepare_lists", "start_county_workbook",
           "write_county_workbook", "write_lists",
           "write_manifest", "write_progress_xlsx", "write_report", "write_township_workbooks"]
