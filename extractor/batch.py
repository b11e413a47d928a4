"""Run many inputs. Each file is processed in a worker process with a time and
memory limit, so one bad file costs one `failed` row, never the batch. Results
come back in input order, so the output is the same whatever the worker count."""

from __future__ import annotations

import hashlib
import resource
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

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
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MiB, memory_mb * MiB))


def _process_in_worker(path: str, options: Options) -> BulletinResult:
    result = process_file(path, options)
    result.document = None  # the model stays in the worker; only contract rows cross the pipe
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
    paths: Iterable[Path], workers: int = 2, limits: Limits = Limits(), options: Options | None = None
) -> Iterator[tuple[Path, BulletinResult]]:
    """Yield (path, result) in input order. workers=0 runs in this process,
    without isolation or limits (for debugging)."""
    options = options or Options()
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
