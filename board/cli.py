"""The ``board`` command: serve logdirs (``board.server``), or run ``board demo`` (which
imports the engine, and only then) or ``board diagnose``.

    board --logdir DIR [--port 6006] [--host 127.0.0.1] [--bind_all] [--reload_interval SECONDS]
    board --logdir_spec name1:DIR1,name2:DIR2
    board demo [--logdir runs]
    board diagnose --logdir DIR [--json]
"""

from __future__ import annotations

import argparse
import os
import sys

from board.ingest.discovery import parse_logdir_spec
from board.server import parse_args, serve
from tfevents.filesystems import is_url


def demo(argv: list[str]) -> int:
    from board import demo as demo_module

    return demo_module.main(argv)


def diagnose(argv: list[str]) -> int:
    """Load the logdirs once, print the training-health findings; exit status 1 on any error."""
    import json

    from board.app import normalize_logdirs
    from board.data.provider import DataProvider
    from board.diagnostics.monitor import HealthMonitor, report
    from board.ingest.multiplexer import Multiplexer

    p = argparse.ArgumentParser(prog="board diagnose",
                                description="Check the runs under a logdir for training red flags.")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--logdir", help="directory tree of runs")
    where.add_argument("--logdir_spec", metavar="NAME:DIR,...", help="several logdirs, runs prefixed by NAME")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    args = p.parse_args(argv)
    try:
        logdirs = parse_logdir_spec(args.logdir_spec) if args.logdir_spec else normalize_logdirs(
            os.path.expanduser(args.logdir))
    except ValueError as exc:
        p.error(str(exc))
    missing = [path for path in logdirs.values() if not is_url(path) and not os.path.isdir(path)]
    if missing:
        print(f"board diagnose: no such directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    multiplexer = Multiplexer(logdirs)
    multiplexer.reload()
    if not multiplexer.runs:
        print(f"board diagnose: no runs (no event files) under {', '.join(logdirs.values())}",
              file=sys.stderr)
        return 2
    findings = HealthMonitor(DataProvider(multiplexer)).findings()
    if args.json:
        print(json.dumps({"findings": [f.to_dict() for f in findings]}, indent=1))
    else:
        print(f"Checked {len(multiplexer.runs)} run(s) under {', '.join(logdirs.values())}.")
        print(report(findings), end="")
    return 1 if any(f.severity == "error" for f in findings) else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "demo":
        return demo(argv[1:])
    if argv and argv[0] == "diagnose":
        return diagnose(argv[1:])
    try:
        return serve(parse_args(argv))
    except KeyboardInterrupt:
        print("board: stopped", flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main())
