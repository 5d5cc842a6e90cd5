"""The analyst notebook in the analyst's own folder: ``codesign analyse``.

Someone who installed with pip has the notebook only inside the package;
:func:`write_analysis_notebook` copies it where they work, with the workshop file and join
code filled in (the ``parameters`` cell convention, see :mod:`.notebooks`), never over a file
that is there already.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import InvalidInput, NotFound, StoreUnavailable
from .notebooks import notebook_path, with_parameters

__all__ = ["ANALYSIS_NOTEBOOK", "free_name", "write_analysis_notebook"]

ANALYSIS_NOTEBOOK = "analysis.ipynb"


def free_name(folder: Path, stem: str, suffix: str = ".ipynb") -> Path:
    """``folder/stem.ipynb``, or ``stem-2.ipynb``, ``stem-3.ipynb``... the first not taken.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> free_name(folder, "analysis-KP7QXA").name
    'analysis-KP7QXA.ipynb'
    >>> _ = (folder / "analysis-KP7QXA.ipynb").write_text("{}")
    >>> free_name(folder, "analysis-KP7QXA").name
    'analysis-KP7QXA-2.ipynb'
    """
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


def _db_for_notebook(db: str) -> str:
    """A SQLite URL as the plain file path a person reads in the notebook; others as given."""
    text = str(db)
    if text.startswith("sqlite:///") and "?" not in text:
        return text.removeprefix("sqlite:///")
    return text


def write_analysis_notebook(
    db: str | os.PathLike, code: str | None = None, out: str | os.PathLike | None = None
) -> Path:
    """Write the analyst notebook for workshop ``code`` (default: the newest in the file) of
    the workshop file ``db`` to ``out`` (default: ``analysis-CODE.ipynb`` in the current
    folder, or the next free name); returns its path. An ``out`` that exists is refused.

    >>> import tempfile
    >>> from codesign_widgets.studio import Studio
    >>> folder = Path(tempfile.mkdtemp())
    >>> studio = Studio.open(f"sqlite:///{folder / 'studio.db'}")
    >>> code = studio.workshops.create("Foot care", "codesign_day")[0].code
    >>> studio.close()
    >>> path = write_analysis_notebook(folder / "studio.db", out=folder / "mine.ipynb")
    >>> path.name, code in path.read_text()
    ('mine.ipynb', True)
    """
    import nbformat

    from .workshop_data import open_readonly

    studio = open_readonly(db)
    try:
        if code:
            workshop = studio.workshops.by_code(code)
        else:
            workshops = sorted(studio.workshops.all(), key=lambda w: w.created_at)
            if not workshops:
                msg = "This workshop file holds no workshops yet: create one with codesign new."
                raise NotFound(msg)
            workshop = workshops[-1]
    finally:
        studio.close()
    if out is None:
        path = free_name(Path.cwd(), f"analysis-{workshop.code}")
    else:
        path = Path(out).expanduser()
        if path.exists():
            msg = f"{path} exists already: choose another name with --out, so nothing is lost."
            raise InvalidInput(msg)
    nb = nbformat.read(notebook_path(ANALYSIS_NOTEBOOK), as_version=4)
    db_text = db if isinstance(db, str) else str(Path(db).resolve())
    nb = with_parameters(nb, code=workshop.code, db=_db_for_notebook(db_text))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # "x": never over another file
            nbformat.write(nb, handle)
    except FileExistsError as exc:
        msg = f"{path} exists already: choose another name with --out, so nothing is lost."
        raise InvalidInput(msg) from exc
    except OSError as exc:
        msg = f"The notebook could not be written to {path} ({exc.strerror or exc})."
        raise StoreUnavailable(msg) from exc
    return path
