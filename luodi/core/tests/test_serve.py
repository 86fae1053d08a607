"""`luodi serve`: gunicorn with sync workers, its access log on standard output."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import override_settings

from luodi.core.management.commands import serve

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_runs_two_sync_workers_per_core_plus_one_by_default(capsys):
    with (
        mock.patch.object(serve, "processor_cores", return_value=2),
        mock.patch.object(serve.os, "execv") as execv,
        override_settings(LUODI_BIND="127.0.0.1:8000", LUODI_WORKERS=0),
    ):
        serve.Command().run_from_argv(["luodi", "serve", "--skip-checks"])

    program, argv = execv.call_args.args
    assert program == sys.executable
    assert argv == [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--worker-class",
        "sync",
        "--workers",
        "5",
        "--bind",
        "127.0.0.1:8000",
        "--timeout",
        "30",
        "--graceful-timeout",
        "30",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        "--no-control-socket",
    ]
    assert capsys.readouterr().out == "gunicorn " + " ".join(argv[3:]) + "\n"


def test_serve_takes_workers_and_address_from_the_environment_or_its_options():
    with (
        mock.patch.object(serve.os, "execv") as execv,
        override_settings(LUODI_BIND="0.0.0.0:9000", LUODI_WORKERS=3),
    ):
        serve.Command().run_from_argv(["luodi", "serve", "--skip-checks"])
        from_environment = execv.call_args.args[1]
        serve.Command().run_from_argv(
            ["luodi", "serve", "--skip-checks", "--workers", "7", "--bind", "unix:/run/luodi.sock"]
        )
        from_options = execv.call_args.args[1]

    def option(argv: list[str], name: str) -> str:
        return argv[argv.index(name) + 1]

    assert [option(from_environment, "--workers"), option(from_environment, "--bind")] == [
        "3",
        "0.0.0.0:9000",
    ]
    assert [option(from_options, "--workers"), option(from_options, "--bind")] == [
        "7",
        "unix:/run/luodi.sock",
    ]


def test_serve_answers_logs_each_request_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": "",
        "LUODI_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "luodi", "serve", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        deadline = time.monotonic() + 20
        while answer is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:  # noqa: S310
                    answer = (reply.status, reply.read())
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)

    assert answer == (200, b'{"status": "ok"}')
    assert server.returncode == 0, err
    assert '"GET /healthz HTTP/1.1" 200' in out
    assert "Booting worker with pid" in err
