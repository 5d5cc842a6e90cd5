"""The workshop report: ``notebooks/report.ipynb`` run for one workshop, saved as one HTML file.

nbconvert executes the notebook with the workshop's code and file injected after its
``parameters`` cell (the papermill convention), then exports HTML without the code cells.
Charts are PNG images inside the file (``data:`` URLs) and nbconvert's script tags for
MathJax, RequireJS and Mermaid are left out (``report_templates/codesign-report``), so the
file opens with no network at all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

from ..core.errors import InvalidInput, StoreUnavailable

__all__ = ["REPORT_NOTEBOOK", "build_report", "report_notebook_path"]

REPORT_NOTEBOOK = "report.ipynb"
Progress = Callable[[int, int, str], None]
TIMEOUT_SECONDS = 600
#: nbconvert template folder: the lab page minus every script a CDN would serve.
TEMPLATES = Path(__file__).resolve().parent / "report_templates"


def report_notebook_path() -> Path:
    """The packaged report notebook (or the checkout's ``notebooks/``)."""
    here = Path(__file__).resolve().parents[1]  # the package
    for folder in (here / "notebooks", here.parent / "notebooks"):
        if (folder / REPORT_NOTEBOOK).is_file():
            return folder / REPORT_NOTEBOOK
    msg = f"The report notebook ({REPORT_NOTEBOOK}) is missing from this installation."
    raise StoreUnavailable(msg)


def _with_parameters(nb, code: str, db: str):
    import nbformat

    nb = copy.deepcopy(nb)
    where = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None
    )
    if where is None:
        msg = f"{REPORT_NOTEBOOK} has no cell tagged 'parameters' to set the workshop in."
        raise InvalidInput(msg)
    cell = nbformat.v4.new_code_cell(f"code = {code!r}\ndb = {db!r}")
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(where + 1, cell)
    return nb


def build_report(db: str, code: str, out: str | Path, *, progress: Progress | None = None) -> Path:
    """Write the report of workshop ``code`` in the workshop file ``db`` to ``out`` (HTML)."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

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
    nb = _with_parameters(nbformat.read(report_notebook_path(), as_version=4), workshop.code, db)
    tick(2, "running the report notebook (charts and tables)")
    executor = ExecutePreprocessor(timeout=TIMEOUT_SECONDS, kernel_name="python3")
    executor.store_widget_state = False
    try:
        executor.preprocess(nb, {"metadata": {"path": str(out.parent.resolve())}})
    except CellExecutionError as exc:
        msg = f"The report could not be built: a step failed ({str(exc).strip()[-300:]})."
        raise InvalidInput(msg) from exc
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
