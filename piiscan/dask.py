"""Scanning on a Dask cluster: the same scanner mapped over batches of files or over partitions.

Install with ``pip install "piiscan-cn[dask]"``. Point a client at an existing
cluster (``Client("tcp://scheduler:8786")``) or start a local one
(:func:`local_client`). The results are the findings the local functions
give, in the same order:

* :func:`scan_files` / :func:`scan_results` ≙ :func:`piiscan.files.scan_path` /
  :func:`piiscan.files.scan_results` — the folder is walked on the client, so
  the paths must be readable under the same names on every worker (a shared
  or network file system, or the same mount everywhere).
* :func:`scan_dataframe` ≙ the local table scan: one finding per value in a
  cell, with ``row`` (1-based position in the whole frame) and ``column``
  (the column name).

Dask costs ~2 ms per task, so files are sent in batches (by count and by
bytes) rather than one task per file, and the scanner is sent to each worker
once (``scatter(broadcast=True)``) instead of with every task.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from . import limits as _limits
from .files import FileResult, SkippedPath, available_cores, iter_files
from .files import batches as files_batches
from .finding import Finding
from .scanner import Scanner

if TYPE_CHECKING:  # pragma: no cover - only for type checkers
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client

#: A batch closes at this many files or this many bytes, whichever comes first.
DEFAULT_BATCH_FILES = 64
DEFAULT_BATCH_BYTES = 32 * 1024 * 1024


def _require_distributed():
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('piiscan.dask needs Dask: pip install "piiscan-cn[dask]"') from exc
    return distributed


def local_client(n_workers: int | None = None, threads_per_worker: int = 1, **kwargs: Any) -> "Client":
    """A client on a new local cluster of worker processes (one thread each).

    The scanner is pure Python holding the GIL, so processes, not threads,
    give parallelism. Close the client (``with local_client() as c:``) to
    stop the cluster.
    """
    distributed = _require_distributed()
    if n_workers is None:
        n_workers = available_cores()
    cluster = distributed.LocalCluster(
        n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
        dashboard_address=kwargs.pop("dashboard_address", None), **kwargs,
    )
    client = distributed.Client(cluster)
    # Closing the client should also stop the cluster it started.
    client._piiscan_cluster = cluster  # type: ignore[attr-defined]
    _close = client.close

    def close(*args: Any, **kw: Any) -> Any:
        try:
            return _close(*args, **kw)
        finally:
            cluster.close()

    client.close = close  # type: ignore[method-assign]
    return client


def batches(files: Sequence[Path], max_files: int = DEFAULT_BATCH_FILES,
            max_bytes: int = DEFAULT_BATCH_BYTES) -> list[list[str]]:
    """:func:`piiscan.files.batches` with Dask's sizes, as path strings for the workers.

    >>> [len(b) for b in batches([Path("a")] * 5, max_files=2)]
    [2, 2, 1]
    """
    # A skipped path (a symlink not followed) travels as itself: its reason goes with it.
    return [[f if isinstance(f, SkippedPath) else str(f) for f in batch]
            for batch in files_batches([f if isinstance(f, SkippedPath) else Path(f) for f in files],
                                       max_files, max_bytes)]


def _scan_batch(paths: list[str], scanner: Scanner, max_file_size: int | None,
                limits: "_limits.Limits | None" = None) -> list[FileResult]:
    """Runs on a worker: exactly the local per-file code (readers, archives, size limit),
    under the client's limits (``--limit``, ``[tool.piiscan.limits]``)."""
    import contextlib

    from .files import SkippedPath, scan_file_results

    results: list[FileResult] = []
    with _limits.using(limits) if limits is not None else contextlib.nullcontext():
        for p in paths:
            results.extend(scan_file_results(p if isinstance(p, SkippedPath) else Path(p), scanner, max_file_size))
    return results


def scan_results(
    paths: Iterable[str | os.PathLike],
    client: "Client",
    scanner: Scanner | None = None,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    follow_symlinks: bool = False,
    max_file_size: int | None = None,
    batch_files: int = DEFAULT_BATCH_FILES,
    batch_bytes: int = DEFAULT_BATCH_BYTES,
) -> Iterator[FileResult]:
    """One :class:`FileResult` per file, in the order :func:`piiscan.files.scan_results` gives.

    Results are yielded as soon as the batches before them are done, so a
    caller can show progress and print as it goes.
    """
    scanner = scanner or Scanner()
    files = list(iter_files(paths, include=include, exclude=exclude, follow_symlinks=follow_symlinks))
    if not files:
        return
    groups = batches(files, batch_files, batch_bytes)
    # Send the scanner once per worker; each task then refers to it by key.
    remote_scanner = client.scatter(scanner, broadcast=True)
    futures = client.map(_scan_batch, groups, scanner=remote_scanner, max_file_size=max_file_size,
                         limits=_limits.current(),
                         pure=False, key=[f"piiscan-files-{i}-{os.urandom(4).hex()}" for i in range(len(groups))])
    try:
        for i, fut in enumerate(futures):
            results = fut.result()
            # Let the cluster forget a batch once it is here: a run over
            # millions of files must not keep every result in worker memory.
            futures[i] = None
            fut.release()
            yield from results
    finally:
        client.cancel([f for f in futures if f is not None])


def scan_files(paths: Iterable[str | os.PathLike] | str | os.PathLike, client: "Client",
               scanner: Scanner | None = None, **kwargs: Any) -> list[Finding]:
    """Findings in files and folders, scanned on the cluster, the same as :func:`piiscan.files.scan_path`.

    ``paths`` is one path or several; folders are walked recursively.
    Unreadable files are skipped, as locally; use :func:`scan_results` to see why.
    Keyword arguments are those of :func:`scan_results`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return [f for r in scan_results(paths, client, scanner, **kwargs) for f in r.findings]


# --- tables ---------------------------------------------------------------

def scan_pandas(df: "pd.DataFrame", scanner: Scanner | None = None, *, row_offset: int = 0,
                columns: Sequence[Any] | None = None) -> list[Finding]:
    """Findings in a pandas DataFrame's cells, row by row then column by column.

    Each finding has ``row`` (1-based position in the frame, plus
    ``row_offset``) and ``column`` (the column name as text); its offsets
    index the cell text. Each cell is scanned on its own with the column name
    as context (``label``), as the table readers do. Missing cells are skipped.

    Uses :func:`piiscan.files.scan_dataframe` when it exists, so that the
    distributed and the local table scan are the same code.
    """
    scanner = scanner or Scanner()
    if columns is not None:
        df = df[list(columns)]
    local = _local_scan_dataframe()
    if local is not None:
        found = local(df, scanner)
        return [f.with_location(row=f.row + row_offset) if row_offset and f.row is not None else f for f in found]
    return _scan_cells(df, scanner, row_offset)


def _local_scan_dataframe():
    from . import files

    fn = getattr(files, "scan_dataframe", None)
    if fn is None:
        return None
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return None
    if "scanner" not in params:
        return None

    def run(df: "pd.DataFrame", scanner: Scanner) -> list[Finding]:
        out = fn(df, scanner=scanner)
        # files.scan_dataframe returns (findings, column classes).
        findings = out[0] if isinstance(out, tuple) else out
        return sort_table_findings(list(findings), [str(c) for c in df.columns])

    return run


def sort_table_findings(findings: list[Finding], columns: Sequence[str]) -> list[Finding]:
    """Row by row, then in column order, then by offset: an order that does not depend on partitioning."""
    order = {c: i for i, c in enumerate(columns)}
    return sorted(findings, key=lambda f: (f.row or 0, order.get(str(f.column), len(order)), f.start))


def _scan_cells(df: "pd.DataFrame", scanner: Scanner, row_offset: int) -> list[Finding]:
    import pandas as pd

    per_cell: list[tuple[int, int, list[Finding]]] = []  # (row, column index, findings)
    names = [str(c) for c in df.columns]
    for j, name in enumerate(names):
        col = df.iloc[:, j]
        # Columns repeat values (codes, categories, the same office phone on
        # every row): scan each distinct cell text once.
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        if len(uniques) == 0:
            continue
        hits = {}
        for k, v in enumerate(uniques):
            found = scanner.scan(v if isinstance(v, str) else str(v), label=name)
            if found:
                hits[k] = found
        if not hits:
            continue
        import numpy as np

        rows = np.flatnonzero(np.isin(codes, list(hits)))
        for i in rows.tolist():
            per_cell.append((i, j, hits[int(codes[i])]))
    per_cell.sort(key=lambda t: (t[0], t[1]))
    return [f.with_location(row=row_offset + i + 1, column=names[j]) for i, j, found in per_cell for f in found]


def _scan_partition(df: "pd.DataFrame", scanner: Scanner, columns: Sequence[Any] | None) -> tuple[int, list[Finding]]:
    """Runs on a worker: the partition's length (for row offsets) and its findings with local rows."""
    return len(df), scan_pandas(df, scanner, columns=columns)


def scan_dataframe(ddf: "dd.DataFrame", client: "Client | None" = None, scanner: Scanner | None = None, *,
                   columns: Sequence[Any] | None = None) -> list[Finding]:
    """Findings in a Dask DataFrame, partitions scanned in parallel; equal to :func:`scan_pandas` on ``ddf.compute()``.

    Each partition goes through :func:`piiscan.files.scan_dataframe` (column
    classification plus cell scan). Columns are classified per partition from
    that partition's values, so a column whose values are ambiguous could in
    principle be classed differently in two partitions; with typical
    partitions of thousands of rows the classes agree (see tests).

    One pass: each partition returns its length with its findings, and rows
    are renumbered on the client, so no second pass to count rows is needed.
    Without ``client`` the current default Dask scheduler is used.
    """
    import dask

    scanner = scanner or Scanner()
    parts = ddf.to_delayed()
    if client is not None:
        remote_scanner = client.scatter(scanner, broadcast=True)
        tasks = [dask.delayed(_scan_partition)(p, remote_scanner, columns) for p in parts]
        results = client.gather(client.compute(tasks))
    else:
        tasks = [dask.delayed(_scan_partition)(p, scanner, columns) for p in parts]
        results = dask.compute(*tasks)
    out: list[Finding] = []
    offset = 0
    for n, found in results:
        out.extend(f.with_location(row=f.row + offset) for f in found)
        offset += n
    return out
