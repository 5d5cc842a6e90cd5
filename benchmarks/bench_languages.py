"""What a workshop's language costs a participant's kernel at start-up.

Run: ``.venv/bin/python benchmarks/bench_languages.py``. Each row is a fresh Python process
(as each phone's kernel is) that imports the participant page and builds it for a workshop
with ``?code=`` (the join form, in the plan's language), and reports where the time went.
The last rows are a phone opening the plain link (no code yet): the code form in the language
its browser asks for (``Accept-Language``, negotiated with Babel unless it asks for English).
The baseline is the English workshop in the same run: English needs no catalogue, so its
kernel never imports Babel; a Welsh or Spanish one imports Babel and reads its ``.po`` once.
Nothing passes or fails here.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codesign_widgets.studio import Studio

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 9
PLANS = {"en": "codesign_day", "cy": "codesign_day_cy", "es": "codesign_day_es"}

KERNEL = """
import json, sys, time
start = time.perf_counter()
from codesign_widgets.room.join import ParticipantApp
from codesign_widgets.studio import Studio
imported = time.perf_counter()
from codesign_widgets.core.i18n import translator
from codesign_widgets.core.templates import load_template
from codesign_widgets.core.i18n import negotiate
studio = Studio.open(sys.argv[1], create=False)
code = sys.argv[2] or None
if code:
    language = load_template(studio.workshops.by_code(code).template).language
opened = time.perf_counter()
if not code:
    language = negotiate(sys.argv[3])  # the browser's Accept-Language, before any workshop
translator(language)  # Babel and the .po, once per kernel (the page below reuses it)
loaded = time.perf_counter()
app = ParticipantApp(studio, code=code, language=None if code else language)
built = time.perf_counter()
print(json.dumps({
    "import_ms": (imported - start) * 1000,
    "catalogue_ms": (loaded - opened) * 1000,
    "build_ms": (built - loaded) * 1000,
    "babel": "babel" in sys.modules,
    "language": app.tr.language,
}))
"""


def one_kernel(db_url: str, code: str, accept_language: str = "") -> dict:
    out = subprocess.run(
        [sys.executable, "-c", KERNEL, db_url, code, accept_language],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    db_url = f"sqlite:///{folder / 'studio.db'}"
    studio = Studio.open(db_url)
    codes = {
        lang: studio.workshops.create("Foot care", plan)[0].code for lang, plan in PLANS.items()
    }
    studio.close()
    rows = []
    cases = [(lang, code, "") for lang, code in codes.items()]
    cases += [
        ("code form, en-GB", "", "en-GB,en;q=0.9"),
        ("code form, cy", "", "cy-GB,cy;q=0.9,en;q=0.5"),
    ]
    for lang, code, accept in cases:
        runs = [one_kernel(db_url, code, accept) for _ in range(REPEATS)]
        assert all(r["language"] == (lang if code else accept[:2]) for r in runs)
        keys = ("import_ms", "catalogue_ms", "build_ms")
        rows.append(
            (lang, *(statistics.median(r[k] for r in runs) for k in keys), runs[0]["babel"])
        )
    print(f"Participant kernel start-up, median of {REPEATS} fresh processes each")
    print(f"{'language':<18}{'import ms':>10}{'catalogue ms':>14}{'build page ms':>15}"
          f"{'total ms':>10}  Babel imported")  # fmt: skip
    for lang, imported, catalogue, built, babel in rows:
        total = imported + catalogue + built
        print(f"{lang:<18}{imported:>10.0f}{catalogue:>14.1f}{built:>15.0f}{total:>10.0f}  {babel}")


if __name__ == "__main__":
    main()
