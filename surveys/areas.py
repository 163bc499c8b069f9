"""Which question areas of official survey results feed which of our indices.

The mapping is a TOML file (`area_mapping.toml` beside this module by default; the server
lets an administrator point at a copy of their own). It says, for an area as the source
publishes it ("Trygghet", "Studiero"), whether it feeds one of our indices, is stored as a
context index (shown beside the school, never fed to the ranking), or is unknown. Pure
Python, no Django.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from surveys.questionnaire import INDEX_CODES, load_common

DEFAULT_MAPPING: Final = Path(__file__).with_name("area_mapping.toml")
_MAX_NAME: Final = 80  # context indices are stored under their area name


def area_key(text: object) -> str:
    """An area name as compared: lower case, dashes, slashes and runs of spaces as one."""
    value = "" if text is None else str(text)
    value = re.sub(r"[_\-–/:()]+", " ", value.strip().lower())
    return re.sub(r"\s+", " ", value).strip()


class AreaMappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the problem."""


class _MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unlisted: Literal["skip", "context"] = "skip"
    indices: dict[str, list[str]] = {}
    context: dict[str, str] = {}

    @field_validator("indices")
    @classmethod
    def _known_indices(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(INDEX_CODES))
        if unknown:
            raise ValueError(f"unknown index {unknown}; known: {', '.join(INDEX_CODES)}")
        return value

    @field_validator("context")
    @classmethod
    def _short_names(cls, value: dict[str, str]) -> dict[str, str]:
        long = [name for name in value if len(name.strip()) > _MAX_NAME or not name.strip()]
        if long:
            raise ValueError(f"context area names must be 1 to {_MAX_NAME} characters: {long}")
        return value

    @model_validator(mode="after")
    def _each_area_once(self) -> _MappingFile:
        seen: dict[str, str] = {}
        for code, areas in self.indices.items():
            for area in areas:
                where = seen.setdefault(area_key(area), code)
                if where != code:
                    raise ValueError(f"area {area!r} is listed under both {where} and {code}")
        for area in self.context:
            if area_key(area) in seen:
                raise ValueError(
                    f"area {area!r} is listed under both {seen[area_key(area)]} and context"
                )
            seen[area_key(area)] = "context"
        return self


@dataclass(frozen=True)
class Target:
    """Where an area's results go: one of our indices, or a context index."""

    index: str
    """Our index code, or the context area's name (Swedish, as in the mapping file)."""
    context: bool
    english: str = ""
    """A context index's English name."""


@dataclass(frozen=True)
class AreaMapping:
    path: Path
    unlisted: Literal["skip", "context"]
    _targets: dict[str, Target]

    def target(self, area: object) -> Target | None:
        """Where `area` goes; None when it is unknown and unlisted areas are skipped."""
        key = area_key(area)
        if not key:
            return None
        found = self._targets.get(key)
        if found is not None:
            return found
        if self.unlisted == "context":
            name = re.sub(r"\s+", " ", str(area).strip())[:_MAX_NAME]
            return Target(index=name, context=True, english=name)
        return None

    def english(self, context_name: str) -> str:
        """A context index's English name (its Swedish name when the file gives none)."""
        found = self._targets.get(area_key(context_name))
        return found.english if found is not None and found.english else context_name


def load_area_mapping(path: Path | None = None) -> AreaMapping:
    """The mapping in `path` (default: the one shipped); AreaMappingError if unusable."""
    path = DEFAULT_MAPPING if path is None else Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise AreaMappingError(f"{path}: no such area mapping file") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AreaMappingError(f"{path}: not a readable TOML file ({exc})") from exc
    try:
        data = _MappingFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise AreaMappingError(f"{path}: {problems}") from exc
    targets: dict[str, Target] = {}
    # Our own codes and index names always match, in every language the questionnaire has.
    for code, index in load_common().indices.items():
        for name in (code, *index.name.values()):
            targets[area_key(name)] = Target(index=code, context=False)
    for code, areas in data.indices.items():
        for area in areas:
            targets[area_key(area)] = Target(index=code, context=False)
    for area, english in data.context.items():
        name = re.sub(r"\s+", " ", area.strip())
        targets.setdefault(area_key(area), Target(index=name, context=True, english=english))
    return AreaMapping(path=path, unlisted=data.unlisted, _targets=targets)
