"""Check the installed packages against PyPI's advisory data (what `make audit` runs).

    .venv/bin/python tools/audit_dependencies.py [--max-unchecked PERCENT] [--ignore-file FILE]

For every distribution installed next to this Python, PyPI is asked which known
vulnerabilities affect the installed version:

1. ``https://pypi.org/pypi/NAME/VERSION/json`` (the per-version JSON API, which pip-audit
   uses): its ``vulnerabilities`` are authoritative for that version.
2. Where that answers 404 (as it does through some proxies), ``https://pypi.org/pypi/NAME/json``:
   its ``vulnerabilities`` describe the project's latest release, so they are authoritative
   only when the installed version is that release. Otherwise the package is reported as
   *not checked*, with the reason; nothing is guessed.

Editable installs (``direct_url.json`` with ``dir_info.editable``) are skipped as "local, not
on PyPI". Withdrawn advisories are ignored, and so are the ones listed in
``tools/audit-ignore.toml`` (each with a reason and an optional ``until`` date after which the
entry stops applying); every ignored hit is printed.

Exit status: 0 when nothing known affects the installed set (packages that could not be
checked are still listed), 1 when a package is vulnerable, 2 when PyPI could not be reached at
all, when more than ``--max-unchecked`` per cent of the packages could not be checked, or when
the ignore file is invalid. Standard library only; proxies come from the environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import re
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PYPI = "https://pypi.org/pypi"
IGNORE_FILE = Path(__file__).with_name("audit-ignore.toml")
WORKERS = 16
TIMEOUT = 20.0
RETRIES = 2
FIX_HINT = "raise the minimum in pyproject.toml and environment.yml, then `make setup`"

VULNERABLE, CLEAN, NOT_CHECKED, LOCAL = "vulnerable", "clean", "not checked", "local"
_ORDER = {VULNERABLE: 0, NOT_CHECKED: 1, LOCAL: 2, CLEAN: 3}

# fetch(url) -> (HTTP status, or None when nothing answered; the JSON body, or None)
Fetch = Callable[[str], tuple[int | None, dict | None]]


@dataclass(frozen=True)
class Dist:
    name: str
    version: str
    local: bool = False


@dataclass(frozen=True)
class Ignore:
    id: str
    reason: str
    until: dt.date | None = None

    def applies(self, today: dt.date) -> bool:
        return self.until is None or today <= self.until


@dataclass
class Result:
    dist: Dist
    status: str
    advisories: list[dict] = field(default_factory=list)
    ignored: list[tuple[dict, Ignore]] = field(default_factory=list)
    reason: str = ""
    answered: bool = True  # False when PyPI gave no HTTP answer at all


# --- names and versions (PEP 503 / PEP 440, without the `packaging` dependency) ---------------

_VERSION = re.compile(
    r"""^\s*v?
    (?:(?P<epoch>\d+)!)?
    (?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre_l>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>\d*))?
    (?:-(?P<post_n1>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>\d*))?
    (?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_PRE = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "c": "rc", "pre": "rc", "preview": "rc"}


def canonical_name(name: str) -> str:
    """PEP 503: ``Jupyter_Server`` and ``jupyter-server`` are the same project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def normalise_version(version: str) -> str:
    """PEP 440 canonical form, trailing ``.0`` dropped: ``1.0.0-RC1`` and ``1rc1`` are equal.
    A string that is not a PEP 440 version comes back stripped and lower-cased."""
    m = _VERSION.match(version)
    if not m:
        return version.strip().lower()
    release = [int(part) for part in m["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    out = f"{int(m['epoch'])}!" if m["epoch"] and int(m["epoch"]) else ""
    out += ".".join(map(str, release))
    if m["pre_l"]:
        out += f"{_PRE.get(m['pre_l'].lower(), m['pre_l'].lower())}{int(m['pre_n'] or 0)}"
    if m["post_n1"] or m["post_l"]:
        out += f".post{int(m['post_n1'] or m['post_n2'] or 0)}"
    if m["dev_n"] is not None:
        out += f".dev{int(m['dev_n'] or 0)}"
    if m["local"]:
        out += "+" + re.sub(r"[-_]", ".", m["local"].lower())
    return out


# --- what is installed -----------------------------------------------------------------------


def _is_editable(dist: importlib.metadata.Distribution) -> bool:
    try:
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    except (OSError, ValueError):
        return False
    return bool((direct_url.get("dir_info") or {}).get("editable"))


def installed_distributions() -> list[Dist]:
    """Every distribution this Python sees, once per project (the first on ``sys.path`` wins);
    a project counts as local when any of its copies is an editable install."""
    found: dict[str, Dist] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        key = canonical_name(name)
        local = _is_editable(dist)
        if key in found:
            if local and not found[key].local:
                found[key] = Dist(found[key].name, found[key].version, local=True)
            continue
        found[key] = Dist(name, dist.version, local)
    return sorted(found.values(), key=lambda d: canonical_name(d.name))


# --- asking PyPI -----------------------------------------------------------------------------


def fetch_json(
    url: str, timeout: float = TIMEOUT, retries: int = RETRIES
) -> tuple[int | None, dict | None]:
    """GET ``url`` through the environment's proxy settings. Returns ``(status, body)``;
    ``(None, None)`` when nothing answered after ``retries`` more tries."""
    status = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(attempt)
        # S310: the URL is always https://pypi.org/..., built in this file.
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status = response.status
                body = json.loads(response.read().decode("utf-8"))
                return status, body if isinstance(body, dict) else None
        except urllib.error.HTTPError as error:
            status = error.code
            if error.code < 500 and error.code != 429:
                return status, None
        except (urllib.error.URLError, OSError):
            status = None
        except ValueError:  # not JSON
            return status, None
    return status, None


def _live(vulnerabilities: object) -> list[dict]:
    if not isinstance(vulnerabilities, list):
        return []
    return [v for v in vulnerabilities if isinstance(v, dict) and not v.get("withdrawn")]


def check(dist: Dist, fetch: Fetch) -> Result:
    """What PyPI knows about ``dist``'s installed version (before the ignore list)."""
    if dist.local:
        return Result(dist, LOCAL, reason="local, not on PyPI")
    name = canonical_name(dist.name)
    status, body = fetch(f"{PYPI}/{name}/{dist.version}/json")
    if status == 200 and body is not None:
        return _classify(dist, _live(body.get("vulnerabilities")))
    per_version = "did not answer" if status is None else f"answered {status}"

    project_status, project = fetch(f"{PYPI}/{name}/json")
    if project_status == 200 and project is not None:
        latest = str((project.get("info") or {}).get("version", ""))
        if normalise_version(latest) == normalise_version(dist.version):
            return _classify(dist, _live(project.get("vulnerabilities")))
        return Result(
            dist,
            NOT_CHECKED,
            reason=f"the per-version API {per_version}, and PyPI's project data covers only "
            f"the latest release ({latest})",
        )
    if project_status is None and status is None:
        return Result(dist, NOT_CHECKED, reason="PyPI did not answer", answered=False)
    if project_status == 404:
        return Result(dist, NOT_CHECKED, reason=f"PyPI has no project named {name!r}")
    got = "no answer" if project_status is None else f"answer {project_status}"
    return Result(
        dist, NOT_CHECKED, reason=f"the per-version API {per_version}; the project API gave {got}"
    )


def _classify(dist: Dist, advisories: list[dict]) -> Result:
    return Result(dist, VULNERABLE if advisories else CLEAN, advisories=advisories)


def apply_ignores(result: Result, ignores: Iterable[Ignore], today: dt.date) -> Result:
    """Move the advisories an unexpired ignore entry names (by id or alias) to ``ignored``."""
    active = [entry for entry in ignores if entry.applies(today)]
    kept = []
    for advisory in result.advisories:
        names = {advisory.get("id"), *(advisory.get("aliases") or [])}
        entry = next((e for e in active if e.id in names), None)
        if entry is None:
            kept.append(advisory)
        else:
            result.ignored.append((advisory, entry))
    result.advisories = kept
    if result.status == VULNERABLE and not kept:
        result.status = CLEAN
    return result


def audit(
    dists: Iterable[Dist],
    fetch: Fetch,
    ignores: Iterable[Ignore] = (),
    today: dt.date | None = None,
    workers: int = WORKERS,
) -> list[Result]:
    """Check every distribution (in parallel) and sort: vulnerable first, then not checked,
    local, clean; by name within each."""
    today = today or dt.date.today()
    ignores = list(ignores)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda d: check(d, fetch), dists))
    results = [apply_ignores(r, ignores, today) for r in results]
    return sorted(results, key=lambda r: (_ORDER[r.status], canonical_name(r.dist.name)))


# --- the ignore list -------------------------------------------------------------------------


def load_ignores(path: Path) -> list[Ignore]:
    """Read ``[[ignore]]`` entries (``id``, ``reason``, optional ``until = "YYYY-MM-DD"``).
    A missing file is an empty list; a malformed one raises ``ValueError`` saying what to fix."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path} is not valid TOML ({error}): fix it and run again") from None
    entries = []
    for number, entry in enumerate(data.get("ignore", []), start=1):
        where = f"{path}, [[ignore]] entry {number}"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("reason"):
            raise ValueError(f"{where}: give both `id` and `reason`")
        until = entry.get("until")
        if isinstance(until, dt.datetime):
            until = until.date()
        elif isinstance(until, str):
            try:
                until = dt.date.fromisoformat(until)
            except ValueError:
                raise ValueError(f"{where}: write `until` as YYYY-MM-DD") from None
        elif until is not None and not isinstance(until, dt.date):
            raise ValueError(f"{where}: write `until` as YYYY-MM-DD")
        entries.append(Ignore(str(entry["id"]), str(entry["reason"]), until))
    return entries


# --- the report ------------------------------------------------------------------------------


def _advisory_name(advisory: dict) -> str:
    aliases = [a for a in advisory.get("aliases") or [] if a != advisory.get("id")]
    return str(advisory.get("id", "?")) + (f" ({', '.join(aliases)})" if aliases else "")


def report(
    results: list[Result],
    ignores: list[Ignore],
    today: dt.date,
    max_unchecked: float,
    out=None,
) -> int:
    """Print the table, what to do, and a summary line; return the exit status."""
    out = out or sys.stdout

    def say(line: str = "") -> None:
        print(line, file=out)

    rows = [("package", "installed", "status", "advisories")]
    for r in results:
        names = [a.get("id", "?") for a in r.advisories]
        names += [f"{a.get('id', '?')} (ignored)" for a, _ in r.ignored]
        rows.append((r.dist.name, r.dist.version, r.status, ", ".join(names) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        say("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[3])
    say()

    for entry in ignores:
        if not entry.applies(today):
            say(
                f"Ignore entry {entry.id} expired on {entry.until} and no longer applies: "
                "fix the package, or renew the date with a reason in tools/audit-ignore.toml."
            )
    for r in results:
        for advisory, entry in r.ignored:
            until = f" until {entry.until}" if entry.until else ""
            say(f"Ignored {_advisory_name(advisory)} in {r.dist.name}{until}: {entry.reason}")

    vulnerable = [r for r in results if r.status == VULNERABLE]
    for r in vulnerable:
        say(f"VULNERABLE {r.dist.name} {r.dist.version}:")
        for advisory in r.advisories:
            fixed = ", ".join(map(str, advisory.get("fixed_in") or [])) or "no fixed version yet"
            text = advisory.get("summary") or advisory.get("details") or ""
            summary = " ".join(str(text).split())
            say(f"  {_advisory_name(advisory)}: fixed in {fixed}")
            if summary:
                say(f"    {summary[:200]}{'...' if len(summary) > 200 else ''}")
            if advisory.get("link"):
                say(f"    {advisory['link']}")
        say(f"  What to do: {FIX_HINT}.")

    unchecked = [r for r in results if r.status == NOT_CHECKED]
    if unchecked:
        say(
            "Not checked (to check them, move them to their latest release, or run "
            "`make audit-pip-audit` where PyPI's per-version API answers):"
        )
        for r in unchecked:
            say(f"  {r.dist.name} {r.dist.version}: {r.reason}")

    local = [f"{r.dist.name} {r.dist.version}" for r in results if r.status == LOCAL]
    if local:
        say(f"Local, not on PyPI (skipped): {', '.join(local)}")

    on_pypi = [r for r in results if r.status != LOCAL]
    counts = {s: sum(r.status == s for r in results) for s in _ORDER}
    say(
        f"checked clean: {counts[CLEAN]}, vulnerable: {counts[VULNERABLE]}, "
        f"not checked: {counts[NOT_CHECKED]}, local: {counts[LOCAL]}"
    )

    if on_pypi and not any(r.answered for r in on_pypi):
        say(
            f"PyPI did not answer for {len(on_pypi)} packages: check the network (and the "
            "HTTPS_PROXY setting) or run `make audit` where pypi.org is reachable."
        )
        return 2
    if vulnerable:
        say(f"{len(vulnerable)} vulnerable package(s): {FIX_HINT}.")
        return 1
    share = 100 * len(unchecked) / len(on_pypi) if on_pypi else 0.0
    if share > max_unchecked:
        say(
            f"{len(unchecked)} of {len(on_pypi)} packages ({share:.0f}%) could not be checked, "
            f"more than --max-unchecked {max_unchecked:g}%: see the reasons above; run "
            "`make audit` where PyPI's per-version API answers, or update those packages."
        )
        return 2
    if unchecked:
        say(f"No known vulnerability; {len(unchecked)} package(s) listed above were not checked.")
    else:
        say("No known vulnerability in the installed packages.")
    return 0


def run(
    dists: Iterable[Dist],
    fetch: Fetch,
    ignore_file: Path = IGNORE_FILE,
    max_unchecked: float = 10.0,
    today: dt.date | None = None,
    out=None,
) -> int:
    """The whole audit with its inputs injected (tests pass fake fetchers)."""
    today = today or dt.date.today()
    try:
        ignores = load_ignores(ignore_file)
    except ValueError as error:
        print(error, file=out or sys.stdout)
        return 2
    results = audit(dists, fetch, ignores, today)
    return report(results, ignores, today, max_unchecked, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-unchecked",
        type=float,
        default=10.0,
        metavar="PERCENT",
        help="fail (exit 2) when more than this share of the PyPI packages could not be "
        "checked (default: 10)",
    )
    parser.add_argument(
        "--ignore-file",
        type=Path,
        default=IGNORE_FILE,
        help="advisories to ignore, with reasons (default: tools/audit-ignore.toml)",
    )
    args = parser.parse_args(argv)
    return run(installed_distributions(), fetch_json, args.ignore_file, args.max_unchecked)


if __name__ == "__main__":
    sys.exit(main())
