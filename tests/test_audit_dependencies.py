"""tools/audit_dependencies.py (`make audit`) with fake PyPI answers: no network."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "audit_dependencies.py"
_spec = importlib.util.spec_from_file_location("audit_dependencies", _SCRIPT)
audit_dependencies = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = audit_dependencies  # dataclasses look their module up there
_spec.loader.exec_module(audit_dependencies)

Dist = audit_dependencies.Dist
PYPI = "https://pypi.org/pypi"
TODAY = dt.date(2026, 12, 1)


def advisory(id_="GHSA-aaaa-bbbb-cccc", fixed_in=("2.0",), withdrawn=None, aliases=()):
    return {
        "id": id_,
        "aliases": list(aliases),
        "summary": "Remote code execution in the widget loader",
        "fixed_in": list(fixed_in),
        "link": f"https://osv.dev/vulnerability/{id_}",
        "withdrawn": withdrawn,
    }


def fake_pypi(projects, per_version=None):
    """A fetcher: ``projects`` maps a name to (latest version, its vulnerabilities), and
    ``per_version`` maps (name, version) to vulnerabilities; the per-version API answers 404
    for anything else, like the proxy here."""
    per_version = per_version or {}

    def fetch(url):
        parts = url.removeprefix(PYPI + "/").removesuffix("/json").split("/")
        if len(parts) == 2:
            if tuple(parts) in per_version:
                return 200, {"vulnerabilities": per_version[tuple(parts)]}
            return 404, None
        if parts[0] in projects:
            latest, vulns = projects[parts[0]]
            return 200, {"info": {"version": latest}, "vulnerabilities": vulns}
        return 404, None

    return fetch


def unreachable(url):
    return None, None


def run(dists, fetch, ignore_file=None, max_unchecked=10.0, tmp_path=None):
    out = io.StringIO()
    ignore_file = ignore_file or Path("/nonexistent/audit-ignore.toml")
    code = audit_dependencies.run(dists, fetch, ignore_file, max_unchecked, TODAY, out)
    return code, out.getvalue()


def test_latest_release_with_a_live_advisory_is_vulnerable():
    fetch = fake_pypi({"voila": ("0.5.13", [advisory()]), "numpy": ("2.5", [])})
    code, text = run([Dist("voila", "0.5.13"), Dist("numpy", "2.5.0")], fetch)
    assert code == 1
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["voila", "0.5.13", "vulnerable"]  # vulnerable sorts first
    assert "GHSA-aaaa-bbbb-cccc: fixed in 2.0" in text
    assert "raise the minimum in pyproject.toml and environment.yml, then `make setup`" in text
    assert "checked clean: 1, vulnerable: 1, not checked: 0, local: 0" in text


def test_withdrawn_advisory_is_ignored():
    fetch = fake_pypi({"voila": ("0.5.13", [advisory(withdrawn="2026-01-02T00:00:00Z")])})
    code, text = run([Dist("voila", "0.5.13")], fetch)
    assert code == 0
    assert "checked clean: 1, vulnerable: 0" in text


def test_per_version_answer_is_used_for_an_older_version():
    fetch = fake_pypi(
        {"tornado": ("6.5.2", [])}, per_version={("tornado", "6.4"): [advisory(fixed_in=["6.5"])]}
    )
    code, text = run([Dist("tornado", "6.4")], fetch)
    assert code == 1
    assert "VULNERABLE tornado 6.4" in text
    assert "fixed in 6.5" in text


def test_older_version_without_per_version_api_is_not_checked_under_the_threshold():
    projects = {f"pkg{i}": ("1.0", []) for i in range(20)}
    projects["numpy"] = ("2.5.5", [advisory()])  # about the latest release, not 2.4.6
    dists = [Dist(f"pkg{i}", "1.0") for i in range(20)] + [Dist("numpy", "2.4.6")]
    code, text = run(dists, fake_pypi(projects))
    assert code == 0
    assert "numpy 2.4.6: the per-version API answered 404" in text
    assert "latest release (2.5.5)" in text
    assert "checked clean: 20, vulnerable: 0, not checked: 1, local: 0" in text


def test_older_version_without_per_version_api_fails_over_the_threshold():
    fetch = fake_pypi({"numpy": ("2.5.5", []), "pandas": ("3.0", [])})
    code, text = run([Dist("numpy", "2.4.6"), Dist("pandas", "3.0")], fetch, max_unchecked=10)
    assert code == 2
    assert "1 of 2 packages (50%) could not be checked, more than --max-unchecked 10%" in text
    assert "make audit" in text


def test_pypi_unreachable_exits_2_and_says_what_to_do():
    dists = [Dist("voila", "0.5.13"), Dist("numpy", "2.5.5")]
    code, text = run(dists, unreachable)
    assert code == 2
    assert "PyPI did not answer for 2 packages: check the network" in text
    assert "run `make audit` where pypi.org is reachable" in text


@pytest.mark.parametrize(("until", "applies"), [("2026-12-01", True), ("2026-11-30", False)])
def test_ignore_entry_applies_until_it_expires(tmp_path, until, applies):
    ignore_file = tmp_path / "audit-ignore.toml"
    ignore_file.write_text(
        '[[ignore]]\nid = "CVE-2026-1234"\nreason = "the studio never loads remote widgets"\n'
        f'until = "{until}"\n'
    )
    fetch = fake_pypi({"voila": ("0.5.13", [advisory(aliases=["CVE-2026-1234"])])})
    code, text = run([Dist("voila", "0.5.13")], fetch, ignore_file)
    if applies:
        assert code == 0
        assert (
            "Ignored GHSA-aaaa-bbbb-cccc (CVE-2026-1234) in voila until 2026-12-01: "
            "the studio never loads remote widgets" in text
        )
    else:
        assert code == 1
        assert "Ignore entry CVE-2026-1234 expired on 2026-11-30 and no longer applies" in text


def test_malformed_ignore_file_says_what_to_fix(tmp_path):
    ignore_file = tmp_path / "audit-ignore.toml"
    ignore_file.write_text('[[ignore]]\nid = "CVE-2026-1234"\n')
    code, text = run([Dist("voila", "0.5.13")], fake_pypi({}), ignore_file)
    assert code == 2
    assert "give both `id` and `reason`" in text


def test_local_editable_install_is_skipped():
    asked = []

    def fetch(url):
        asked.append(url)
        return fake_pypi({"voila": ("0.5.13", [])})(url)

    dists = [Dist("codesign-widgets", "0.1.0", local=True), Dist("voila", "0.5.13")]
    code, text = run(dists, fetch)
    assert code == 0
    assert not any("codesign" in url for url in asked)
    assert "Local, not on PyPI (skipped): codesign-widgets 0.1.0" in text
    assert "checked clean: 1, vulnerable: 0, not checked: 0, local: 1" in text


def test_installed_distributions_marks_this_project_local():
    dists = {d.name: d for d in audit_dependencies.installed_distributions()}
    assert dists["codesign-widgets"].local
    assert not dists["pytest"].local


@pytest.mark.parametrize(
    ("a", "b"),
    [("1.0.0", "1"), ("1.0-RC1", "1rc1"), ("2.0.post1", "2.0-1"), ("v1.2.dev0", "1.2.dev")],
)
def test_versions_compare_in_pep440_form(a, b):
    assert audit_dependencies.normalise_version(a) == audit_dependencies.normalise_version(b)
    assert audit_dependencies.normalise_version("1.2") != audit_dependencies.normalise_version(
        "1.2.1"
    )


def test_fetch_retries_network_errors_then_gives_up(monkeypatch):
    calls = []

    def urlopen(request, timeout):
        calls.append((request.full_url, timeout))
        raise audit_dependencies.urllib.error.URLError("no route to host")

    monkeypatch.setattr(audit_dependencies.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(audit_dependencies.time, "sleep", lambda seconds: None)
    assert audit_dependencies.fetch_json(f"{PYPI}/voila/json") == (None, None)
    assert len(calls) == 1 + audit_dependencies.RETRIES
    assert calls[0] == (f"{PYPI}/voila/json", 20.0)
