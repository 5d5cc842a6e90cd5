"""The kernels a server started, found among its child processes (tests and benchmarks)."""

from __future__ import annotations

import psutil


def kernels_of(pids: tuple[int, ...] | list[int]) -> list[psutil.Process]:
    """The ipykernel processes under the processes ``pids`` (gone ones are skipped)."""
    found = []
    for pid in pids:
        try:
            children = psutil.Process(pid).children(recursive=True)
        except psutil.Error:
            continue
        for child in children:
            try:
                if any("ipykernel" in part for part in child.cmdline()):
                    found.append(child)
            except psutil.Error:
                continue
    return found
