"""``concurrent.futures`` executors: in-process, a local process pool, or a Dask cluster.

The sweep driver only uses ``submit`` and ``concurrent.futures.wait``, so every backend is one code
path:

- ``workers=1`` (no scheduler): runs in the calling process (no pickling, lowest overhead);
- ``workers=W``: a :class:`~concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method;
- ``scheduler="local"``: ``distributed.Client()`` on a fresh local cluster of W single-thread
  worker processes; ``scheduler="tcp://host:port"``: the same client attached to an existing
  cluster. Both use ``Client.get_executor()``.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


class SerialExecutor(Executor):
    """Runs each submitted call immediately in this process and returns a finished future."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            future.set_exception(exc)
        return future


class ExecutorError(RuntimeError):
    """The executor cannot be started (an unreachable or failing cluster)."""


@dataclass
class Backend:
    """An executor plus what the driver needs to know about it."""

    executor: Executor
    slots: int
    description: str


def _dask_backend(scheduler: str, workers: int) -> tuple[Any, Backend]:
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        desc = f"dask local cluster ({workers} workers)"
    else:
        cluster = None
        client = Client(scheduler, timeout="30s")
        desc = f"dask cluster {scheduler}"
    client.wait_for_workers(1, timeout=60)
    slots = max(1, sum(client.nthreads().values()))
    backend = Backend(client.get_executor(pure=False), slots, f"{desc}, {slots} slots")
    return (client, cluster), backend


@contextmanager
def make_backend(workers: int = 1, scheduler: str | None = None) -> Iterator[Backend]:
    """Open the executor for ``workers`` / ``scheduler`` and shut it down afterwards."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if scheduler:
        try:
            (client, cluster), backend = _dask_backend(scheduler, workers)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(f"--scheduler {scheduler!r}: cannot reach a Dask cluster with "
                                f"workers there ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0] if str(exc) else ''})") from exc
        try:
            yield backend
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    if workers == 1:
        yield Backend(SerialExecutor(), 1, "in-process (1 worker)")
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield Backend(pool, workers, f"process pool ({workers} workers)")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
