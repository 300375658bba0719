"""Serving logdirs over HTTP with uvicorn until Ctrl-C: the options of the plain ``board``
command and the server loop, shared by ``board`` and ``board demo``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys

from board.data.sampling import parse_samples_per_plugin
from board.ingest.discovery import MAX_DEPTH, discover_runs, parse_logdir_spec
from tfevents.filesystems import is_url, list_tree, local_path, set_storage_options

DEFAULT_PORT = 6006


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="board", description="Training dashboard: serves the event files under a logdir.",
        epilog="`board demo [--logdir runs]` trains the example models live and serves them; "
               "`board diagnose --logdir DIR` reports training red flags.")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--logdir", help="directory tree of runs (every directory holding event files)")
    where.add_argument("--logdir_spec", metavar="NAME:DIR,...",
                       help="several logdirs to compare; their runs are prefixed by NAME")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--bind_all", action="store_true", help="listen on every network interface")
    p.add_argument("--allowed_hosts", metavar="NAME,...", default="",
                   help="more names the board answers to in the Host header (it always answers "
                        "localhost and the --host given; with --bind_all or a network --host, any "
                        "IP address and this machine's names); '*' for any (DNS rebinding: see "
                        "SECURITY.md)")
    p.add_argument("--logdir_storage_options", metavar="JSON", default=None,
                   help="fsspec options for s3://, gs://... logdirs, as a JSON object, e.g. "
                        "'{\"endpoint_url\": \"http://127.0.0.1:9000\"}' (credentials otherwise "
                        "come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL...)")
    p.add_argument("--reload_interval", type=float, default=5.0, metavar="SECONDS",
                   help="seconds between reloads of the logdir (default 5; 0 loads once)")
    p.add_argument("--samples_per_plugin", metavar="images=N,audio=N,pr_curves=N", default="",
                   help="steps kept per image, audio or PR-curve tag, a uniform sample that always "
                        "holds the newest (default images=10,audio=10,pr_curves=100)")
    return p


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.logdir and not args.logdir_spec:
        parser.error("give --logdir DIR (or --logdir_spec name:DIR,...)")
    if args.bind_all and args.host:
        parser.error("give --host or --bind_all, not both")
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, got {args.port}")
    if not args.reload_interval >= 0 or args.reload_interval == float("inf"):
        parser.error(f"--reload_interval must be a number of seconds >= 0, got {args.reload_interval}")
    if args.logdir_spec:
        try:
            args.logdirs = parse_logdir_spec(args.logdir_spec)
        except ValueError as exc:
            parser.error(str(exc))
    else:
        args.logdirs = {"": local_path(os.path.expanduser(args.logdir))}
    if args.logdir_storage_options is not None:
        try:
            set_storage_options(json.loads(args.logdir_storage_options))
        except ValueError as exc:
            parser.error(f"--logdir_storage_options: {exc} (give a JSON object)")
    try:
        args.samples_per_plugin = parse_samples_per_plugin(args.samples_per_plugin)
    except ValueError as exc:
        parser.error(str(exc))
    args.host = "0.0.0.0" if args.bind_all else (args.host or "127.0.0.1")
    args.allowed_hosts = [n.strip() for n in args.allowed_hosts.split(",") if n.strip()]
    bad = [n for n in args.allowed_hosts if n != "*" and not all(c.isalnum() or c in "-._:[]" for c in n)]
    if bad:
        parser.error(f"--allowed_hosts: {bad[0]!r} is not a host name")
    return args


def remote_problem(logdirs: dict[str, str]) -> str | None:
    """Why a URL logdir cannot be served (no such bucket, credentials refused, s3fs missing),
    or None. A prefix with nothing under it yet is fine: the board watches for runs."""
    for path in logdirs.values():
        if is_url(path):
            try:
                list_tree(path, MAX_DEPTH)
            except OSError as exc:
                return str(exc)
    return None


def _warn_about_logdirs(logdirs: dict[str, str]) -> None:
    for path in logdirs.values():
        if is_url(path):
            continue
        if os.path.exists(path) and not os.path.isdir(path):
            print(f"board: logdir {path!r} is a file, not a directory of runs; watching it anyway",
                  file=sys.stderr)
        elif not os.path.isdir(path):
            print(f"board: logdir {path!r} does not exist (yet); watching for it", file=sys.stderr)
    if not discover_runs(logdirs):
        where = ", ".join(repr(p) for p in logdirs.values())
        print(f"board: no runs yet under {where} (no event files found); watching for them",
              file=sys.stderr)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts: no refusals at start
    sock.set_inheritable(True)
    return sock


def serve(args: argparse.Namespace) -> int:
    problem = remote_problem(args.logdirs)
    if problem is not None:
        print(f"board: {problem}", file=sys.stderr)
        return 2
    _warn_about_logdirs(args.logdirs)
    # The first load starts in worker processes now, before any thread exists and while the
    # web server below is imported (board.ingest.parallel).
    from board.ingest.multiplexer import Multiplexer

    multiplexer = Multiplexer(args.logdirs, getattr(args, "samples_per_plugin", None))
    multiplexer.start_parallel()
    import uvicorn

    from board.app import create_app
    from board.connections import raise_fd_limit, uvicorn_config

    raise_fd_limit()  # every connection holds a descriptor (board.connections)
    try:
        sock = _listen(args.host, args.port)
    except OSError as exc:
        print(f"board: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
              f" (try another --port)", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    shown = socket.gethostname() if args.bind_all else args.host
    shown = f"[{shown}]" if ":" in shown else shown
    app = create_app(args.logdirs, reload_interval=args.reload_interval, host=args.host,
                     allowed_hosts=args.allowed_hosts,
                     samples_per_plugin=getattr(args, "samples_per_plugin", None), multiplexer=multiplexer)
    config = uvicorn_config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    print(f"board: serving at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn re-raises the Ctrl-C it already handled
    finally:
        sock.close()
    print("board: stopped", flush=True)
    return 0
