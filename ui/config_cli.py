"""`newsqa config`: every setting's effective value and where it came from, as TOML a user can
paste into newsqa.toml (or as JSON with --json)."""

import argparse
import json
import textwrap
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from index.config import config_file
from qa.settings import PROFILES, Settings

SECRETS = {("milvus", "token"), ("llm", "api_key")}


@dataclass
class Setting:
    path: tuple[str, ...]  # ("retrieval", "top_k"), or ("data_dir",)
    value: Any
    origin: str  # "default", "profile multihop-rag", "NEWSQA_RETRIEVAL__TOP_K", "newsqa.toml"
    description: str


def add_parser(sub) -> None:
    p = sub.add_parser(
        "config", help="print the effective settings and where each came from (as TOML)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per setting")
    p.set_defaults(func=cmd_config)


def cmd_config(args: argparse.Namespace) -> int:
    settings = effective_settings()
    if args.json:
        for s in settings:
            print(json.dumps({**asdict(s), "path": ".".join(s.path)}, default=str))
    else:
        print(as_toml(settings))
    return 0


def _leaves(values: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, dict) and not prefix:  # a [section] table
            out.update(_leaves(value, (key,)))
        else:
            out[(*prefix, key)] = value
    return out


def origins(cls: type[Settings] = Settings) -> dict[tuple[str, ...], str]:
    """Which source set each setting: the highest of the environment (new or old name) and the
    config file; anything absent is a default."""
    old_names = {path: old for old, paths in cls.LEGACY_NAMES.items() for path in paths}
    found: dict[tuple[str, ...], str] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the settings themselves warn about old names once
        for label, source in reversed(cls.sources()):
            for path in _leaves(source()):
                if label == "environment":
                    found[path] = "NEWSQA_" + "__".join(path).upper()
                elif label.startswith("environment"):
                    found[path] = f"NEWSQA_{old_names.get(path, path[-1]).upper()} (old name)"
                else:
                    found[path] = label
    return found


def effective_settings(cls: type[Settings] = Settings) -> list[Setting]:
    settings = cls()
    where = origins(cls)
    # A value the profile gives and nothing above it changed.
    for section, fields in PROFILES[settings.profile].items():
        for name in fields:
            where.setdefault((section, name), f"profile {settings.profile}")
    out = []
    for name, field in cls.model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            for sub, sub_field in type(value).model_fields.items():
                path = (name, sub)
                out.append(
                    Setting(
                        path,
                        getattr(value, sub),
                        where.get(path, "default"),
                        sub_field.description or "",
                    )
                )
        else:
            out.append(
                Setting((name,), value, where.get((name,), "default"), field.description or "")
            )
    return out


def _toml_value(path: tuple[str, ...], value: Any) -> str | None:
    if value is None:
        return None
    if path in SECRETS and value and value != "not-needed":
        return '"<hidden>"'
    if isinstance(value, Path):
        value = str(value)
    return json.dumps(value, ensure_ascii=False)


def as_toml(settings: list[Setting]) -> str:
    lines = [
        f"# newsqa's effective settings. Each value says where it came from: a default, "
        f"{config_file()}, or an environment variable (NEWSQA_SECTION__FIELD).",
    ]
    section = None
    for s in settings:
        if len(s.path) == 2 and s.path[0] != section:
            section = s.path[0]
            lines += ["", f"[{section}]"]
        if s.description:
            lines.append("")
            lines += textwrap.wrap(s.description, 96, initial_indent="# ", subsequent_indent="# ")
        value = _toml_value(s.path, s.value)
        key = s.path[-1]
        lines.append(
            f"{key} = {value}  # {s.origin}"
            if value is not None
            else f"# {key} = (not set)  # {s.origin}"
        )
    return "\n".join(lines)
