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
import os
import signal
import threading
import time
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
        except Exception as exc:  # delivered through the future; Ctrl-C stops the driver
            future.set_exception(exc)
        return future


def init_worker(parent_pid: int, interval_s: float = 1.0) -> None:
    """Worker initializer: Ctrl-C is the driver's to handle (it ends the workers), and the
    worker ends itself when the driver that started it is gone (killed with SIGKILL, say)
    instead of computing for nobody."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: cancel queued runs and end the workers' runs in flight."""
    processes = list(getattr(pool, "_processes", {}).values())  # CPython keeps them here
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)


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
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(os.getpid(),))
    try:
        yield Backend(pool, workers, f"process pool ({workers} workers)")
    except BaseException:  # Ctrl-C, SIGTERM or an error in the driver: stop the workers too
        stop_pool(pool)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
