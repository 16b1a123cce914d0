"""Versioned prompt templates: files `prompts/<name>.<version>.txt` with {{placeholders}}."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from application.llm.errors import TemplateError

PROMPTS = Path(__file__).with_name("prompts")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}")
SYSTEM_MARK = "### system"
USER_MARK = "### user"


@dataclass(frozen=True, slots=True)
class PromptTemplate:
    name: str
    version: str
    system: str
    user: str

    @property
    def key(self) -> str:
        return f"{self.name}.{self.version}"

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(PLACEHOLDER.findall(self.system + self.user))

    def render(self, values: Mapping[str, str]) -> tuple[str, str]:
        """(system, user) with every placeholder filled; a missing value raises TemplateError."""
        missing = sorted(self.placeholders - set(values))
        if missing:
            raise TemplateError(f"{self.key}: no value for placeholder(s) {', '.join(missing)}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

        return fill(self.system), fill(self.user)


@cache
def load_template(key: str) -> PromptTemplate:
    """Load `timeline_summary.v1` from prompts/timeline_summary.v1.txt."""
    name, _, version = key.rpartition(".")
    path = PROMPTS / f"{key}.txt"
    if not name or not version.startswith("v") or not path.is_file():
        raise TemplateError(f"no prompt template {key!r}")
    text = path.read_text(encoding="utf-8")
    if SYSTEM_MARK not in text or USER_MARK not in text:
        raise TemplateError(f"{key}: needs '{SYSTEM_MARK}' and '{USER_MARK}' sections")
    system, user = text.split(USER_MARK, 1)
    return PromptTemplate(name, version, system.replace(SYSTEM_MARK, "", 1).strip(), user.strip())
