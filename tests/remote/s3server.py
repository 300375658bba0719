"""A real S3-compatible HTTP server for the remote-logdir tests and bench: moto's standalone
server on 127.0.0.1 (a free port), in a thread of this process or, with ``auth=True``, in a
process of its own that checks every request's credentials (moto checks them only when told to
before it starts, and the setting is process-wide)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

KEY, SECRET, REGION = "testing", "testing", "us-east-1"


def start_threaded():
    """(server, url): moto's server in a daemon thread of this process."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def start_process(auth: bool = False):
    """(process, url): ``moto_server`` as a child process, checking credentials if ``auth``."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    env = dict(os.environ)
    if auth:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto_server did not start")


def options(endpoint: str, key: str = KEY, secret: str = SECRET) -> dict:
    """fsspec/s3fs storage options for the test server."""
    return {"endpoint_url": endpoint, "key": key, "secret": secret,
            "client_kwargs": {"region_name": REGION}}


def client_env(endpoint: str, key: str = KEY, secret: str = SECRET) -> dict:
    """The environment a user would set: AWS's own variables, nothing board-specific."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FSSPEC_"))}
    env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION=REGION,
               AWS_ENDPOINT_URL=endpoint)
    return env


def make_bucket(endpoint: str, name: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                 region_name=REGION).create_bucket(Bucket=name)
