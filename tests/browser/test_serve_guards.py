"""What IT gets from `kiosk serve` before any browser: safe defaults and a locked-down page."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from conftest import TINY_KIOSK, ServedKiosk

from kiosk.browser.forked_sessions import SessionProgram
from kiosk.browser.web_server import PublicBindRefused, is_loopback, kiosk_sessions, serve
from kiosk.cli.serve_command import add_commands


def test_serving_to_the_network_without_public_is_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    with pytest.raises(PublicBindRefused, match="--public"):
        serve(tmp_path, host="0.0.0.0", port=0)


def test_the_serve_command_refuses_a_lan_address_and_exits_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    add_commands(parser.add_subparsers())
    arguments = parser.parse_args(["serve", "--data", str(tmp_path), "--host", "192.168.1.20"])

    assert arguments.run(arguments) == 1
    assert "Refusing to listen on 192.168.1.20" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_need_no_flag(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "kiosk.clinic.lan"])
def test_other_addresses_count_as_the_network(host: str) -> None:
    assert not is_loopback(host)


def test_each_session_runs_the_kiosk_on_the_given_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "clinic data; rm -rf ~"
    program = kiosk_sessions(data)
    assert program.module == "kiosk.browser.tab_session"
    assert program.arguments == ("--data", str(data)), "no shell: the path stays one argument"


def test_the_page_forbids_other_hosts_and_carries_no_outside_address(
    serve_program: Callable[[SessionProgram], ServedKiosk],
    tiny_app_importable: None,
) -> None:
    kiosk = serve_program(TINY_KIOSK)
    page = httpx.get(kiosk.url)

    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    addresses = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert addresses, "the page links its script and styles"
    assert all(address.startswith("/") and not address.startswith("//") for address in addresses)


def test_a_page_from_another_site_cannot_open_a_kiosk_session(
    serve_program: Callable[[SessionProgram], ServedKiosk],
    tiny_app_importable: None,
) -> None:
    kiosk = serve_program(TINY_KIOSK)
    refused = httpx.get(
        f"{kiosk.url}ws",
        headers={
            "Origin": "http://attacker.example",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert refused.status_code == 403


def test_the_static_folders_list_no_files(
    serve_program: Callable[[SessionProgram], ServedKiosk], tiny_app_importable: None
) -> None:
    kiosk = serve_program(TINY_KIOSK)
    assert httpx.get(f"{kiosk.url}static/").status_code in (403, 404)
    assert httpx.get(f"{kiosk.url}download/anything").status_code == 404


def test_a_port_already_taken_is_one_clear_line_not_a_traceback(
    demo_kiosk_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        parser = argparse.ArgumentParser(prog="kiosk")
        add_commands(parser.add_subparsers())
        arguments = parser.parse_args(["serve", "--data", str(demo_kiosk_dir), "--port", str(port)])

        assert arguments.run(arguments) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["0", "-1", "many", "10001", "1e3"])
def test_a_session_limit_that_is_not_a_sane_whole_number_is_refused_by_name(
    limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    add_commands(parser.add_subparsers())
    with pytest.raises(SystemExit):
        parser.parse_args(["serve", "--max-sessions", limit])
    assert f"{limit!r} is not a whole number from 1 to 10000" in capsys.readouterr().err


def test_serving_a_folder_that_holds_no_kiosk_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    add_commands(parser.add_subparsers())
    arguments = parser.parse_args(["serve", "--data", str(tmp_path / "nothing-here")])

    assert arguments.run(arguments) == 1
    assert "kiosk init" in capsys.readouterr().err


def test_the_kiosk_command_loads_no_web_server_until_serve_runs() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, argparse, kiosk.cli.serve_command as c;"
            "c.add_commands(argparse.ArgumentParser().add_subparsers());"
            "print(sorted({'aiohttp', 'textual', 'textual_serve', 'rich'} & set(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert loaded.stdout.strip() == "[]"
