"""The domain every part shares: workshops, stages, templates, errors, equal say, safe text.

Pure Python: no widgets, no SQL, no pandas at import time. Everything above builds on it."""
