"""The analyst's notebooks as files: where the packaged ones are, and a copy with its
parameters filled in (the papermill convention: a cell tagged ``injected-parameters`` right
after the one tagged ``parameters``).

``codesign report`` runs ``report.ipynb`` this way; ``codesign analyse`` writes
``analysis.ipynb`` into the analyst's folder this way.
"""

from __future__ import annotations

import copy
from pathlib import Path

from ..core.errors import InvalidInput, StoreUnavailable

__all__ = ["notebook_path", "with_parameters"]


def notebook_path(name: str) -> Path:
    """The packaged notebook ``name`` (or the checkout's ``notebooks/``).

    >>> notebook_path("analysis.ipynb").name
    'analysis.ipynb'
    """
    here = Path(__file__).resolve().parents[1]  # the package
    for folder in (here / "notebooks", here.parent / "notebooks"):
        if (folder / name).is_file():
            return folder / name
    msg = f"The notebook {name} is missing from this installation: reinstall codesign-widgets."
    raise StoreUnavailable(msg)


def with_parameters(nb, **values):
    """A copy of notebook ``nb`` with ``values`` set in a cell after its ``parameters`` cell.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("code = None")])
    >>> nb.cells[0].metadata["tags"] = ["parameters"]
    >>> print(with_parameters(nb, code="KP7QXA", db="studio.db").cells[1].source)
    code = 'KP7QXA'
    db = 'studio.db'
    """
    import nbformat

    nb = copy.deepcopy(nb)
    where = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None
    )
    if where is None:
        msg = "This notebook has no cell tagged 'parameters' to set the workshop in."
        raise InvalidInput(msg)
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in values.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(where + 1, cell)
    return nb
