"""The public address printed QR codes carry: LIANXIN_PUBLIC_BASE_URL when set, else derived from
the address `make run` listens on (HOST, PORT). Read as a fresh process reads it: the settings
module in a subprocess with the environment given, and `make public-address`, which sets the
environment exactly as `make run` does."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lianxin.core import addresses

ROOT = Path(__file__).resolve().parents[3]
READ_SETTINGS = (
    "from django.conf import settings;"
    "print(settings.LIANXIN_PUBLIC_BASE_URL);"
    "print(settings.LIANXIN_PUBLIC_BASE_URL_SOURCE);"
    "print(','.join(settings.ALLOWED_HOSTS))"
)


def clean_env(tmp_path, **extra: str) -> dict[str, str]:
    """The test's environment without any public address or bind of its own, with a throwaway
    var/ (the settings module creates it) and a fixed secret key (so none is written)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"LIANXIN_PUBLIC_BASE_URL", "PUBLIC_BASE_URL", "LIANXIN_BIND", "BIND"}
        and k not in {"LIANXIN_ALLOWED_HOSTS", "ALLOWED_HOSTS", "HOST", "PORT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lianxin.settings",
        LIANXIN_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY="test-only",
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
    )
    env.update(extra)
    return env


def settings_in_subprocess(tmp_path, **environ: str) -> tuple[str, str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        env=clean_env(tmp_path, **environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    return out[0], out[1], out[2].split(",")


def test_without_a_bind_or_a_setting_the_address_is_the_default(tmp_path):
    url, source, _hosts = settings_in_subprocess(tmp_path)
    assert (url, source) == ("http://127.0.0.1:8000", "default")


def test_the_port_the_server_listens_on_is_the_port_the_cards_carry(tmp_path):
    url, source, _hosts = settings_in_subprocess(tmp_path, LIANXIN_BIND="127.0.0.1:8080")
    assert (url, source) == ("http://127.0.0.1:8080", "bind")
    url, _source, hosts = settings_in_subprocess(tmp_path, LIANXIN_BIND="192.168.10.5:80")
    assert url == "http://192.168.10.5"
    # The site answers at the address its cards carry.
    assert "192.168.10.5" in hosts


def test_listening_on_every_interface_uses_the_machines_host_name(tmp_path):
    url, source, hosts = settings_in_subprocess(tmp_path, LIANXIN_BIND="0.0.0.0:9001")
    assert url == f"http://{socket.gethostname()}:9001" and source == "hostname"
    assert "0.0.0.0" not in url and socket.gethostname() in hosts


def test_the_setting_wins_over_the_bind(tmp_path):
    url, source, hosts = settings_in_subprocess(
        tmp_path,
        LIANXIN_BIND="0.0.0.0:9001",
        LIANXIN_PUBLIC_BASE_URL="https://lianxin.example.gov.cn/",
    )
    assert (url, source) == ("https://lianxin.example.gov.cn", "setting")
    assert "lianxin.example.gov.cn" in hosts
    url, _source, _hosts = settings_in_subprocess(
        tmp_path, LIANXIN_BIND="127.0.0.1:9000", PUBLIC_BASE_URL="https://old.example.cn"
    )
    assert url == "https://old.example.cn"


def test_an_ipv6_bind_is_written_as_a_url_host():
    assert addresses.derive("", "[::1]:8001").url == "http://[::1]:8001"
    assert addresses.derive("", "::1:8002").url == "http://[::1]:8002"
    assert addresses.derive("", "[::]:8003", hostname=lambda: "lianxin-srv").url == (
        "http://lianxin-srv:8003"
    )
    assert addresses.derive("", "unix:/run/lianxin.sock").source == "default"
    assert addresses.host_of("http://[::1]:8001") == "[::1]"


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.1.2.3", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://0.0.0.0:8000", True),
        ("http://192.168.1.20:8000", False),
        ("https://lianxin.example.gov.cn", False),
        ("http://lianxin-srv:8000", False),
    ],
)
def test_a_loopback_address_is_told_from_one_a_phone_can_open(url, loopback):
    assert addresses.is_loopback(url) is loopback


# --- make ---------------------------------------------------------------------------------------

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_public_address(tmp_path, *args: str, **environ: str) -> str:
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "public-address", f"PY={sys.executable}", *args],
        env=clean_env(tmp_path, **environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


@needs_make
def test_make_derives_the_address_from_host_and_port(tmp_path):
    out = make_public_address(tmp_path, "PORT=8080")
    assert "http://127.0.0.1:8080" in out
    assert "只能在运行服务的计算机上打开" in out  # loopback: said so when the server starts
    out = make_public_address(tmp_path, "HOST=0.0.0.0", "PORT=9123")
    assert f"http://{socket.gethostname()}:9123" in out and "0.0.0.0:9123" not in out
    assert "按本机主机名推定" in out


@needs_make
def test_make_keeps_a_public_address_that_is_set(tmp_path):
    out = make_public_address(
        tmp_path, "HOST=0.0.0.0", "PORT=9123", LIANXIN_PUBLIC_BASE_URL="https://lx.example.cn"
    )
    assert "https://lx.example.cn" in out and "9123" not in out
    assert "只能在运行服务的计算机上打开" not in out
