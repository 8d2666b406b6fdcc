"""``piiscan serve``: the local web page and REST service (``pip install "piiscan-cn[web]"``)."""
from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import sys
import tempfile

import click

from . import EXIT_ERROR
from .scan import parse_size

#: Environment variable holding the REST API token, so that it does not show in ``ps``.
TOKEN_ENV = "PIISCAN_API_TOKEN"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines upload files.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--max-upload-size", "max_upload", callback=parse_size, default="64M", show_default=True,
              metavar="SIZE", help="Largest request body accepted (e.g. 20M); bigger uploads get 413.")
@click.option("--allow-host", multiple=True, metavar="NAME",
              help="Another host name the browser may use to reach the service (repeatable).")
@click.option("--api-token-file", type=click.Path(exists=True, dir_okay=False),
              help=f"Require 'Authorization: Bearer <token>' on REST POSTs (else ${TOKEN_ENV}, if set).")
@click.option("--jobs", "-j", type=click.IntRange(1), default=2, show_default=True,
              help="Uploads worked on at once; the rest wait.")
@click.option("--log-level", type=click.Choice(["warning", "info", "debug"]), default="info", show_default=True)
def serve(host, port, max_upload, allow_host, api_token_file, jobs, log_level):
    """Start the local web page and REST service.

    \b
    Examples:
      piiscan serve                      # http://127.0.0.1:8000/
      piiscan serve --port 8080
    Files are kept in memory or in a private temporary folder (mode 0700)
    that is deleted after each answer; logs never show a found value.
    """
    try:
        import uvicorn

        from ..web.app import create_app
        from ..web.work import Settings
    except ImportError:
        click.echo('piiscan serve needs the web extra: pip install "piiscan-cn[web]"', err=True)
        sys.exit(EXIT_ERROR)

    token = None
    if api_token_file:
        token = open(api_token_file, encoding="utf-8").read().strip()
    elif os.environ.get(TOKEN_ENV):
        token = os.environ[TOKEN_ENV].strip()
    if token is not None and len(token) < 16:
        raise click.UsageError("the API token must be at least 16 characters")

    wildcard = host in ("0.0.0.0", "::", "")
    hosts = {"127.0.0.1", "localhost", "::1", *allow_host}
    if not wildcard:
        hosts.add(host.strip("[]"))
    if not _is_loopback(host):
        click.secho(f"WARNING: listening on {host}: other machines on the network can reach this service and upload "
                    "files to it. Use the default 127.0.0.1 unless that is what you want"
                    + ("" if token else f"; consider --api-token-file or ${TOKEN_ENV}") + ".",
                    fg="red", bold=True, err=True)
        click.secho("         In a container, publish the port on loopback only: docker run -p 127.0.0.1:8000:8000 …",
                    fg="red", err=True)
        if wildcard and not allow_host:
            click.secho("         Browsers on other machines must use a name given with --allow-host.", fg="red", err=True)

    # Libraries that make temporary files (the zip writer, …) make them in a folder of
    # ours, mode 0700, removed when the server stops: nothing lands in a shared /tmp.
    root = tempfile.mkdtemp(prefix="piiscan-serve-")
    os.chmod(root, 0o700)
    shared_tmp, tempfile.tempdir = tempfile.tempdir, root
    settings = Settings(max_upload=max_upload, tmp_root=root, api_token=token, allowed_hosts=tuple(sorted(hosts)),
                        jobs=jobs)
    app = create_app(settings)
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level=log_level,
                            server_header=False, log_config=_log_config(log_level))
    server = uvicorn.Server(config)
    _announce_when_started(server, host)
    # uvicorn shuts down on SIGTERM and then raises the signal again with the handler it
    # found: make that handler an exit, so the private folder below is still removed.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
        tempfile.tempdir = shared_tmp
        shutil.rmtree(root, ignore_errors=True)


def _exit_on_sigterm(signum, _frame) -> None:
    sys.exit(128 + signum)


def _announce_when_started(server, host: str) -> None:
    """Print the URL once the socket is bound (with --port 0 the port is known only then)."""
    startup = server.startup

    async def started(*args, **kwargs):
        await startup(*args, **kwargs)
        for s in server.servers:
            for sock in s.sockets:
                port = sock.getsockname()[1]
                shown = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
                if ":" in shown and not shown.startswith("["):
                    shown = f"[{shown}]"
                click.echo(f"piiscan is running at http://{shown}:{port}/  (REST API: http://{shown}:{port}/api/docs;"
                           " press Ctrl+C to stop)", err=True)
                return

    server.startup = started


def _log_config(level: str) -> dict:
    """uvicorn's own messages and ours on stderr; no access log (ours names routes, never query strings)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "piiscan.web": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }
