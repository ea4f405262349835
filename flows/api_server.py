"""The temporary Prefect API's process: Prefect's own server app under uvicorn, as
``SubprocessASGIServer`` runs it (``python -m uvicorn --factory
prefect.server.api.server:create_app ...``; the arguments are uvicorn's), with one
change: the cyclic garbage collector is off while the server's ~1.5 M objects are
imported, then those are frozen (``gc.freeze``) and the collector runs as usual.
Python's full collections during that import cost ~1.3 s of a ~4.4 s start-up here
(docs/decisions.md "prefect-cost").
"""
from __future__ import annotations

import gc
import sys


def main(argv: list[str]) -> None:
    gc.disable()
    import prefect.server.api.server  # noqa: F401  (what the factory imports)
    from uvicorn.main import main as uvicorn

    gc.freeze()
    gc.enable()
    uvicorn.main(args=argv, prog_name="uvicorn")


if __name__ == "__main__":
    main(sys.argv[1:])
