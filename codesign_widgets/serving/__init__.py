"""Serving the studio: the two Voila servers, their options and command lines, Voila as we
run it (Host check, kernel limits), the page request seen from a kernel, and the phone and
projector templates (``share/``). Imports only the core."""
