"""The workshop report: ``notebooks/report.ipynb`` run for one workshop, saved as one HTML file.

nbconvert executes the notebook with the workshop's code and file injected after its
``parameters`` cell (the papermill convention), then exports HTML without the code cells.
Charts are PNG images inside the file (``data:`` URLs) and nbconvert's script tags for
MathJax, RequireJS and Mermaid are left out (``report_templates/codesign-report``), so the
file opens with no network at all.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from ..core.errors import InvalidInput, StoreUnavailable
from .notebooks import notebook_path, with_parameters

__all__ = ["REPORT_NOTEBOOK", "ReportFailed", "build_report", "report_notebook_path"]

REPORT_NOTEBOOK = "report.ipynb"
Progress = Callable[[int, int, str], None]
TIMEOUT_SECONDS = 600
#: nbconvert template folder: the lab page minus every script a CDN would serve.
TEMPLATES = Path(__file__).resolve().parent / "report_templates"


class ReportFailed(InvalidInput):
    """The report notebook stopped: ``str()`` is one sentence, ``details`` what the kernel
    said (the traceback), for a log file.

    >>> error = ReportFailed("The report could not be built: no workshop.", "Traceback ...")
    >>> str(error), error.details
    ('The report could not be built: no workshop.', 'Traceback ...')
    """

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


def _failure(exc) -> ReportFailed:
    """One sentence for a failed cell: a CodesignError's own sentence, else what failed."""
    import re

    ename = getattr(exc, "ename", "") or type(exc).__name__
    evalue = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", getattr(exc, "evalue", "") or "")
    evalue = " ".join(evalue.split())
    from ..core import errors

    if isinstance(getattr(errors, ename, None), type) and evalue:
        reason = evalue  # our own errors are sentences a person can act on
    else:
        reason = f"a step failed ({ename}{': ' + evalue[:200] if evalue else ''})."
    msg = f"The report could not be built: {reason}"
    return ReportFailed(msg, str(exc))


def report_notebook_path() -> Path:
    """The packaged report notebook (or the checkout's ``notebooks/``).

    >>> report_notebook_path().name
    'report.ipynb'
    """
    return notebook_path(REPORT_NOTEBOOK)


def build_report(db: str, code: str, out: str | Path, *, progress: Progress | None = None) -> Path:
    """Write the report of workshop ``code`` in the workshop file ``db`` to ``out`` (HTML):
    a section per activity that ran, whatever state the workshop is in.

    A failed step raises :class:`ReportFailed` (one sentence; the details for a log file).
    Building runs a kernel (seconds), so the example is not run here::

        build_report("studio.db", "KP7QXA", "report.html")
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor
    from traitlets.config import Config

    from .workshop_data import open_readonly

    steps = 4

    def tick(step: int, what: str) -> None:
        if progress:
            progress(step, steps, what)

    tick(1, f"checking workshop {code}")
    studio = open_readonly(db)
    try:
        workshop = studio.workshops.by_code(code)
    finally:
        studio.close()
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"The report's folder {out.parent} cannot be made ({exc.strerror or exc})."
        raise StoreUnavailable(msg) from exc
    nb = with_parameters(nbformat.read(report_notebook_path(), as_version=4),
                         code=workshop.code, db=db)  # fmt: skip
    tick(2, "running the report notebook (charts and tables)")
    # The kernel talks over local sockets (ipc), not TCP: nothing to encrypt, and no
    # "running over TCP without encryption" warning on the analyst's terminal.
    # The sockets' path is absolute: the kernel runs in the report's folder, the client here.
    config = Config()
    config.KernelManager.transport = "ipc"
    with tempfile.TemporaryDirectory(prefix="codesign-kernel-") as sockets:
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        executor = ExecutePreprocessor(
            timeout=TIMEOUT_SECONDS, kernel_name="python3", config=config
        )
        executor.store_widget_state = False
        try:
            executor.preprocess(nb, {"metadata": {"path": str(out.parent.resolve())}})
        except CellExecutionError as exc:
            raise _failure(exc) from exc
    tick(3, "rendering HTML")
    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES)],
        template_name="codesign-report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb.metadata.pop("widgets", None)
    nb.metadata["title"] = workshop.title
    body, _resources = exporter.from_notebook_node(nb)
    tick(4, f"writing {out}")
    try:
        out.write_text(body, encoding="utf-8")
    except OSError as exc:
        msg = f"The report could not be written to {out} ({exc.strerror or exc})."
        raise StoreUnavailable(msg) from exc
    return out
