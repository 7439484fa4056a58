"""Results on disk: the run store and the result folders that hold it.

:mod:`~experiments.storage.store` writes one Parquet file per run and table plus an
append-only manifest, resumably and under a lock, and reads them back (pandas or DuckDB);
:mod:`~experiments.storage.folders` decides which folders a command may write into (the
result-folder marker, the files a command recorded, setting earlier results aside). The
reading API is re-exported here (``from experiments.storage import connect, read_table,
load_manifest``); code inside the project imports from the defining modules.
"""

from experiments.storage.folders import StoreError
from experiments.storage.store import (
    RunStore,
    connect,
    latest_records,
    load_manifest,
    read_manifest_records,
    read_table,
)

__all__ = ["RunStore", "StoreError", "connect", "latest_records", "load_manifest",
           "read_manifest_records", "read_table"]
