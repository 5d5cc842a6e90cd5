"""Workshop templates: the plan a group follows, read from person-readable TOML in ``data/``.

A template names the perspectives people join with and the stages in order. Each stage says
what participants are asked to do, what the facilitator says to open it and a suggested time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import InvalidInput, NotFound
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
from .person_caps import PersonCaps, person_caps
from .small_groups import DEFAULT_SMALLEST_GROUP

__all__ = [
    "ACTIVITIES",
    "TEMPLATES_ENV",
    "Perspective",
    "Stage",
    "Template",
    "add_template",
    "data_path",
    "list_templates",
    "load_template",
    "read_template",
    "user_templates_path",
]

#: A folder of the user's own plans (default: ``templates`` in the user data folder).
TEMPLATES_ENV = "CODESIGN_TEMPLATES"

ACTIVITIES = ("checkin", "goal_mapping", "stakeholder_network", "prototype_scoring")


@dataclass(frozen=True)
class Perspective:
    key: str
    label: str
    hint: str
    group: str  # "lived_experience", "provider" or "system": what equal say is measured over


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    activity: str
    ask: str
    prompt: str
    minutes: int


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    description: str
    perspectives: tuple[Perspective, ...]
    stages: tuple[Stage, ...]
    consent: str
    # Goal mapping: wording that overrides goals.DEFAULT_PROMPTS, and the starting list of
    # local services participants choose from (the facilitator can add more).
    goal_prompts: dict[str, str] = field(default_factory=dict)
    services: tuple[str, ...] = ()
    # Stakeholder network: the raw [network] table (stakeholder kinds, tie types, who decides);
    # read by network.network_settings, which supplies defaults.
    network: dict = field(default_factory=dict)
    # Open data: may what participants wrote go into exports and reports? The consent text
    # must say so; every template's says "Exports replace names with a code", telling people
    # their contributions are exported under a code, so the default is True. A plan whose
    # consent promises otherwise sets ``export_free_text = false``.
    export_free_text: bool = True
    # Small-group protection: a breakdown by perspective shows a perspective on its own only
    # when at least this many people are in it (see core.small_groups).
    smallest_group: int = DEFAULT_SMALLEST_GROUP
    # The language of the plan's own text and of every page of its workshops (core.i18n).
    language: str = DEFAULT_LANGUAGE
    # How much one person may add in one stage (core.person_caps): the plan's [per_person].
    per_person: PersonCaps = field(default_factory=PersonCaps)

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        msg = f"The template {self.name!r} has no stage {key!r}."
        raise NotFound(msg)

    def perspective(self, key: str) -> Perspective:
        for perspective in self.perspectives:
            if perspective.key == key:
                return perspective
        msg = N_("Please choose one of the perspectives shown.")
        raise InvalidInput(msg)


def data_path() -> Path:
    """The folder of templates and the demo, whether installed or in a checkout."""
    installed = resources.files("codesign_widgets") / "data"
    if installed.is_dir() and (Path(str(installed)) / "templates").is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "data"


def user_templates_path() -> Path:
    """Where plans added with ``codesign new --template FILE`` are kept:
    ``$CODESIGN_TEMPLATES``, else ``templates`` in the user data folder."""
    import os

    if os.environ.get(TEMPLATES_ENV):
        return Path(os.environ[TEMPLATES_ENV]).expanduser()
    import platformdirs  # only the CLI and analysts get here without the variable

    return Path(platformdirs.user_data_dir("codesign-studio", appauthor=False)) / "templates"


def _template_files() -> dict[str, Path]:
    found = {p.stem: p for p in (data_path() / "templates").glob("*.toml")}
    own = user_templates_path()
    if own.is_dir():
        for p in own.glob("*.toml"):
            found.setdefault(p.stem, p)
    return found


def list_templates() -> list[str]:
    """The plans a workshop can follow: the built-in ones and the user's own.

    >>> "codesign_day" in list_templates()
    True
    """
    return sorted(_template_files())


def add_template(path: str | Path) -> str:
    """Check the plan file ``path`` and keep a copy among the user's plans; its key (the
    file's name without ``.toml``). A built-in plan, or another file of the same name, is
    never replaced.
    """
    import shutil

    path = Path(path).expanduser()
    if path.suffix.lower() != ".toml" or not path.is_file():
        msg = f"{path} is not a plan file: give a .toml file like those in data/templates."
        raise InvalidInput(msg)
    read_template(path)  # refuse a broken plan before it is kept
    key = path.stem
    existing = _template_files().get(key)
    if existing is not None:
        if existing.read_bytes() == path.read_bytes():
            return key
        msg = (
            f"A plan called {key!r} exists already ({existing}); rename your file to "
            "add it as a new plan."
        )
        raise InvalidInput(msg)
    folder = user_templates_path()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / f"{key}.toml")
    load_template.cache_clear()
    return key


def _require(table: dict, name: str, where: str) -> object:
    if name not in table:
        msg = f"{where} is missing {name!r}: add it to the template file."
        raise InvalidInput(msg)
    return table[name]


@cache
def load_template(key: str) -> Template:
    """Read ``data/templates/<key>.toml``.

    >>> load_template("codesign_day").stages[0].activity
    'checkin'
    """
    files = _template_files()
    if key not in files:
        msg = f"There is no template {key!r}; choose one of: {', '.join(sorted(files))}."
        raise NotFound(msg)
    return read_template(files[key])


def read_template(path: Path) -> Template:
    """Read the plan file ``path`` (its key is the file's name without ``.toml``).

    >>> read_template(data_path() / "templates" / "care_planning.toml").key
    'care_planning'
    """
    key = path.stem
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        msg = f"The template file {path.name} is not valid TOML ({exc}); fix it and try again."
        raise InvalidInput(msg) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"The template file {path} cannot be read ({exc}); check the file and try again."
        raise InvalidInput(msg) from exc
    perspectives = tuple(
        Perspective(
            key=str(_require(p, "key", f"{path.name} perspective")),
            label=str(_require(p, "label", f"{path.name} perspective")),
            hint=str(p.get("hint", "")),
            group=str(p.get("group", p["key"])),
        )
        for p in raw.get("perspectives", [])
    )
    stages = []
    for s in raw.get("stages", []):
        where = f"{path.name} stage {s.get('key', '?')!r}"
        activity = str(_require(s, "activity", where))
        if activity not in ACTIVITIES:
            msg = f"{where} has activity {activity!r}; use one of {', '.join(ACTIVITIES)}."
            raise InvalidInput(msg)
        stages.append(
            Stage(
                key=str(_require(s, "key", where)),
                title=str(_require(s, "title", where)),
                activity=activity,
                ask=str(_require(s, "ask", where)),
                prompt=str(s.get("prompt", "")),
                minutes=int(s.get("minutes", 10)),
            )
        )
    if not perspectives or not stages:
        msg = f"{path.name} needs at least one perspective and one stage."
        raise InvalidInput(msg)
    return Template(
        key=key,
        name=str(raw.get("name", key)),
        description=str(raw.get("description", "")),
        perspectives=perspectives,
        stages=tuple(stages),
        consent=str(raw.get("consent", "")),
        goal_prompts={str(k): str(v) for k, v in raw.get("goal_prompts", {}).items()},
        services=tuple(str(s) for s in raw.get("services", [])),
        network=dict(raw.get("network", {})),
        export_free_text=bool(raw.get("export_free_text", True)),
        smallest_group=_smallest_group(raw, path.name),
        language=_language(raw, path.name),
        per_person=person_caps(raw.get("per_person", {}), path.name),
    )


def _language(raw: dict, where: str) -> str:
    value = raw.get("language", DEFAULT_LANGUAGE)
    if value not in LANGUAGES:
        known = ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items())
        msg = f"{where} sets language to {value!r}; use one of {known}."
        raise InvalidInput(msg)
    return value


def _smallest_group(raw: dict, where: str) -> int:
    value = raw.get("smallest_group", DEFAULT_SMALLEST_GROUP)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
        msg = (
            f"{where} sets smallest_group to {value!r}; use a whole number from 1 (show every "
            f"perspective apart) to 50. The default is {DEFAULT_SMALLEST_GROUP}."
        )
        raise InvalidInput(msg)
    return value
