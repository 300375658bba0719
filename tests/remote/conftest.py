"""Fixtures of the remote-logdir tests: one S3 server for the session, a fresh bucket per test,
and storage options pointing the board and the writers at the server."""

from __future__ import annotations

import itertools

import pytest

from tests.remote import s3server
from tfevents import filesystems

_buckets = itertools.count()


@pytest.fixture(scope="session")
def s3_endpoint():
    server, url = s3server.start_threaded()
    yield url
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    """A new, empty bucket; board and writers in this process reach it through storage options."""
    name = f"logs-{next(_buckets)}"
    s3server.make_bucket(s3_endpoint, name)
    filesystems.set_storage_options(s3server.options(s3_endpoint))
    yield name
    filesystems.set_storage_options({})


@pytest.fixture
def s3_client(s3_endpoint):
    import boto3

    return boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=s3server.KEY,
                        aws_secret_access_key=s3server.SECRET, region_name=s3server.REGION)
