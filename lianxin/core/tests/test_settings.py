"""Settings come from the environment under one scheme (LIANXIN_<NAME>, older unprefixed names
still read), and docs/settings.md lists every variable settings.py reads."""

from __future__ import annotations

import re
from pathlib import Path

from lianxin import settings as project_settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_prefixed_name_wins_and_the_older_name_still_works(monkeypatch):
    monkeypatch.setenv("LIANXIN_PUBLIC_BASE_URL", "https://new.example.cn")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://old.example.cn")
    assert project_settings.env("PUBLIC_BASE_URL") == "https://new.example.cn"
    monkeypatch.delenv("LIANXIN_PUBLIC_BASE_URL")
    assert project_settings.env("PUBLIC_BASE_URL") == "https://old.example.cn"
    monkeypatch.delenv("PUBLIC_BASE_URL")
    assert project_settings.env("PUBLIC_BASE_URL", "x") == "x"
    monkeypatch.setenv("LIANXIN_API_TOKEN_DAYS", "7")
    assert project_settings.env_int("API_TOKEN_DAYS", 30) == 7
    monkeypatch.setenv("LIANXIN_DEBUG", "yes")
    assert project_settings.env_bool("DEBUG", False) is True


def test_every_variable_read_is_in_the_settings_table():
    source = (ROOT / "lianxin" / "settings.py").read_text()
    table = (ROOT / "docs" / "settings.md").read_text()
    prefixed = set(re.findall(r'\benv(?:_int|_bool|_list)?\("([A-Z_]+)"', source))
    plain = set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))
    assert prefixed and plain == {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
    documented = set(re.findall(r"^\| `([A-Z_]+)`", table, flags=re.MULTILINE))
    missing = {f"LIANXIN_{n}" for n in prefixed} - documented | plain - documented
    assert not missing, f"docs/settings.md does not list {sorted(missing)}"
