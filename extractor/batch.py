"""Run many inputs. Each file is processed in a worker process with a time and
memory limit, so one bad file costs one `failed` row, never the batch. Results
come back in input order, so the output is the same whatever the worker count."""

from __future__ import annotations

import hashlib
import multiprocessing
import resource
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pebble import ProcessExpired, ProcessPool

from .pipeline import BulletinResult, Options, failed_result, process_file

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one input may cost. The defaults fit any real bulletin many times over."""

    seconds_per_file: float = 300.0
    memory_mb: int | None = 4096  # address space of each worker process


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _limit_worker_memory(memory_mb: int | None) -> None:
    # Ctrl-C in a terminal signals the whole process group: the parent alone handles it (stops the
    # pool, keeps finished results). A worker killed by it would report a `failed` row for a file
    # that was merely interrupted, and a resumed run would skip that file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MiB, memory_mb * MiB))


def _process_in_worker(path: str, options: Options) -> BulletinResult:
    result = process_file(path, options)
    result.document = None  # the model stays in the worker; only contract rows cross the pipe
    result.tables = []
    return result


def _explain_failure(path: Path, exc: BaseException, limits: Limits) -> BulletinResult:
    if isinstance(exc, FutureTimeout):
        return failed_result(path, f"timed out after {limits.seconds_per_file:g} s (per-file time limit)")
    if isinstance(exc, ProcessExpired):
        return failed_result(path, f"worker process died (exit code {exc.exitcode}); memory limit {limits.memory_mb} MB per worker")
    if isinstance(exc, MemoryError):
        return failed_result(path, f"out of memory (limit {limits.memory_mb} MB per worker)")
    return failed_result(path, f"internal error: {type(exc).__name__}: {exc}")


def _name_memory_limit(result: BulletinResult, limits: Limits) -> BulletinResult:
    error = result.bulletin.get("error") or ""
    if result.status == "failed" and error.startswith("out of memory") and limits.memory_mb:
        result.bulletin["error"] = f"{error} (limit {limits.memory_mb} MB per worker)"
    return result


def run_batch(
    paths: Iterable[Path], workers: int = 2, limits: Limits = Limits(), options: Options | None = None, client: Any = None
) -> Iterator[tuple[Path, BulletinResult]]:
    """Yield (path, result) in input order. workers=0 runs in this process,
    without isolation or limits (for debugging). With a dask.distributed
    `client`, files run on its cluster instead (see run_on_dask)."""
    options = options or Options()
    if client is not None:
        yield from run_on_dask(paths, client, limits, options)
        return
    if workers <= 0:
        for path in paths:
            yield path, process_file(path, options)
        return
    ahead = workers * 4  # scheduled but not yet written: bounds memory on any archive size
    pending: deque = deque()
    with ProcessPool(max_workers=workers, initializer=_limit_worker_memory, initargs=(limits.memory_mb,)) as pool:
        try:
            for path in paths:
                pending.append((path, pool.schedule(_process_in_worker, args=(str(path), options), timeout=limits.seconds_per_file)))
                while len(pending) >= ahead:
                    yield _collect(*pending.popleft(), limits)
            while pending:
                yield _collect(*pending.popleft(), limits)
        finally:
            pool.stop()  # on Ctrl-C or an error downstream: do not wait for queued files


def _collect(path: Path, future, limits: Limits) -> tuple[Path, BulletinResult]:
    try:
        return path, _name_memory_limit(future.result(), limits)
    except Exception as exc:  # timeouts, dead workers, errors pickling a result
        return path, _explain_failure(path, exc, limits)


# ---------------------------------------------------------------------------
# Dask: the same job on an existing cluster. Dask places the files on its workers;
# each worker still runs every file in a pebble child process, so the per-file
# timeout and memory limit kill that file alone, exactly as on one machine (a Dask
# task itself runs in a worker thread and cannot be stopped from outside).

PLUGIN_NAME = "bulletin-extractor-isolation"


class SchedulerError(Exception):
    """The Dask scheduler cannot be reached or used."""


CONNECT_SECONDS = 10.0


def connect_dask(address: str, timeout: float | None = None) -> Any:
    """A dask.distributed Client for ADDRESS, or SchedulerError with a one-line reason."""
    timeout = CONNECT_SECONDS if timeout is None else timeout
    try:
        from distributed import Client
    except ImportError as exc:
        raise SchedulerError("--scheduler needs dask.distributed: pip install 'bulletin-extractor[dask]'") from exc
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc


def _init_dask_child(memory_mb: int | None) -> None:
    """A forkserver child starts bare: import the stages here, before any file, so the
    per-file timeout does not count the imports (a forked local worker inherits them)."""
    _limit_worker_memory(memory_mb)
    import extractor.audit  # noqa: F401
    import extractor.tables  # noqa: F401
    import extractor.units  # noqa: F401
    import extractor.values  # noqa: F401


def _isolation_plugin_class() -> type:
    """Dask worker plugin: one pebble pool per worker process, as many children as the worker
    has threads. Children come from a forkserver, never forked from the threaded Dask worker.
    Built on first use: Dask insists on a WorkerPlugin subclass, and importing distributed
    for every local run would cost a third of a second."""
    from distributed import WorkerPlugin

    class IsolationPlugin(WorkerPlugin):
        name = PLUGIN_NAME

        def __init__(self, memory_mb: int | None) -> None:
            self.memory_mb = memory_mb
            self.pool: ProcessPool | None = None

        def __getstate__(self) -> dict:
            return {"memory_mb": self.memory_mb}

        def __setstate__(self, state: dict) -> None:
            self.__init__(state["memory_mb"])

        def setup(self, worker: Any) -> None:
            if multiprocessing.current_process().daemon:
                return  # a daemonic Dask worker may not have children: files run in its threads (see run_on_dask)
            self.pool = ProcessPool(
                max_workers=max(1, worker.state.nthreads),
                initializer=_init_dask_child,
                initargs=(self.memory_mb,),
                context=multiprocessing.get_context("forkserver"),
            )

        def teardown(self, worker: Any) -> None:
            if self.pool is not None:
                self.pool.stop()
                self.pool.join()

    # pickled by reference, as extractor.batch.IsolationPlugin (found through the module __getattr__ below)
    IsolationPlugin.__module__ = __name__
    IsolationPlugin.__qualname__ = "IsolationPlugin"
    return IsolationPlugin


def __getattr__(name: str) -> Any:
    if name == "IsolationPlugin":
        cls = _isolation_plugin_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def _process_on_dask_worker(path: str, options: Options, limits: Limits) -> BulletinResult:
    """The Dask task: run one file in this worker's isolated pool and wait for it."""
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN_NAME]
    if plugin.pool is None:  # no isolation possible here: Dask's own limits (nanny memory limit, retries) apply
        try:
            return _process_in_worker(path, options)
        except Exception as exc:  # noqa: BLE001 - process_file should not raise; if it does, one failed row
            return _explain_failure(Path(path), exc, limits)
    future = plugin.pool.schedule(_process_in_worker, args=(path, options), timeout=limits.seconds_per_file)
    try:
        return _name_memory_limit(future.result(), limits)
    except Exception as exc:  # timeout, dead child: this file only
        return _explain_failure(Path(path), exc, limits)


def _is_daemonic() -> bool:
    return multiprocessing.current_process().daemon


def dask_isolation_note(client: Any) -> str | None:
    """Why files on this cluster cannot be isolated per file, or None when they are."""
    daemonic = [address for address, flag in client.run(_is_daemonic).items() if flag]
    if not daemonic:
        return None
    return (
        f"{len(daemonic)} Dask worker(s) run as daemonic processes, which may not start child processes: there, files run "
        "in the worker's threads, without the per-file --timeout and --memory-mb (Dask's own worker memory limit and retries "
        "still apply). Start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False for per-file isolation."
    )


def run_on_dask(paths: Iterable[Path], client: Any, limits: Limits, options: Options) -> Iterator[tuple[Path, BulletinResult]]:
    """Yield (path, result) in input order, computed on the cluster behind CLIENT.

    Paths must be readable at the same place on every worker (a shared file system).
    A file that kills its Dask worker outright is retried by Dask on another worker
    (distributed.scheduler.allowed-failures) and then gives a `failed` row."""
    client.register_plugin(__getattr__("IsolationPlugin")(limits.memory_mb), name=PLUGIN_NAME)
    ahead = max(4, 4 * sum(client.nthreads().values()))  # bounded memory on the client, as locally
    pending: deque = deque()
    try:
        for path in paths:
            future = client.submit(_process_on_dask_worker, str(path), options, limits, pure=False, retries=0)
            pending.append((path, future))
            while len(pending) >= ahead:
                yield _collect_dask(*pending.popleft(), limits)
        while pending:
            yield _collect_dask(*pending.popleft(), limits)
    finally:
        client.cancel([future for _, future in pending])
        try:
            client.unregister_worker_plugin(PLUGIN_NAME)  # leave a shared cluster as we found it
        except Exception:  # noqa: BLE001 - the cluster may be gone already; nothing left to clean
            pass


def _collect_dask(path: Path, future: Any, limits: Limits) -> tuple[Path, BulletinResult]:
    try:
        return path, future.result()
    except Exception as exc:  # KilledWorker, a lost connection, an error unpickling the result
        if type(exc).__name__ == "KilledWorker":
            return path, failed_result(path, f"Dask worker died on this file (after retries); memory limit {limits.memory_mb} MB per file")
        return path, failed_result(path, f"internal error on the Dask cluster: {type(exc).__name__}: {exc}")
