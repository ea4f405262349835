"""Returned township workbooks (CONTRACT §4): read safely, record the decisions."""
from transforms.feedback.importer import REASONS, FileResult, import_file, summary_lines
from transforms.feedback.reader import FileRejected, read_workbook

__all__ = ["REASONS", "FileRejected", "FileResult", "import_file", "read_workbook",
           "summary_lines"]
