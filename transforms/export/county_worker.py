"""The worker process that writes county.xlsx beside the run (county_workbook.py,
``PendingCountyWorkbook``): ``python -m transforms.export.county_worker JOB OUT``.

JOB is the pickled argument tuple of ``county_bytes``, written by the run itself; the
workbook's bytes go to OUT (the output's temp file, which the run then publishes).
"""
from __future__ import annotations

import pickle
import sys
from pathlib import Path


def main(job: Path, out: Path) -> None:
    from transforms.export.county_workbook import county_bytes

    data, _rows = county_bytes(*pickle.loads(job.read_bytes()))
    out.write_bytes(data)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
