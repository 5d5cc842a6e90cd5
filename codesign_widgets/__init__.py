"""Co-design studio: goal mapping, stakeholder networks and prototype scoring as Voila apps.

Importing the package is cheap on purpose: participant kernels import only what their page
needs (ipywidgets and the store), never pandas or networkx.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
