"""Nothing vanishes silently: every summary kind the peers write (images, audio, PR curves,
custom scalars, meshes, embeddings, run metadata) is listed under its kind in /api/tags, and
those no dashboard draws (all but images, audio, PR curves, custom scalars, meshes, embeddings:
tests/board/test_images_api.py, tests/board/test_curves_api.py, tests/board/test_embeddings_api.py)
are counted in /api/status's not_shown; text is served as Markdown rendered safely."""

from __future__ import annotations

import os
from html.parser import HTMLParser

import numpy as np
import pytest

from board.api import markdown
from engine.summary import SummaryWriter
from tests.board.conftest import board_client
from tfevents import builders

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _torch_run(logdir):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    rng = np.random.default_rng(0)
    with TorchWriter(str(logdir)) as w:
        for step in range(3):
            w.add_image("samples/digit", rng.random((1, 8, 8)), step)
        w.add_images("samples/batch", rng.random((4, 3, 8, 8)), 0)
        w.add_audio("sound/tone", np.sin(np.linspace(0, 100, 800)), 0, sample_rate=8000)
        w.add_pr_curve("pr/class0", rng.integers(0, 2, 50), rng.random(50), 0)
        w.add_custom_scalars({"losses": {"both": ["Multiline", ["loss/train", "loss/val"]]}})
        w.add_mesh("mesh/tetra", vertices=rng.random((1, 4, 3)), faces=np.array([[[0, 1, 2], [1, 2, 3]]]))
        w.add_embedding(rng.random((10, 4)), metadata=[str(i) for i in range(10)], tag="emb")
        w.add_scalar("loss/train", 0.5, 0)


def _tensorboardx_run(logdir):
    from tensorboardX import SummaryWriter as XWriter

    rng = np.random.default_rng(1)
    with XWriter(str(logdir)) as w:
        w.add_image("x/image", rng.random((3, 8, 8)), 0)
        w.add_pr_curve("x/pr", rng.integers(0, 2, 30), rng.random(30), 0)


def _tf_run(logdir):
    import tensorflow as tf

    writer = tf.summary.create_file_writer(str(logdir))
    with writer.as_default():
        tf.summary.image("tf/images", np.random.default_rng(2).random((2, 8, 8, 1)), step=0, max_outputs=2)
        tf.summary.audio("tf/audio", np.zeros((1, 400, 1), np.float32), 8000, step=0)
        tf.summary.scalar("tf/loss", 1.0, step=0)
    writer.close()


@pytest.fixture(scope="module")
def peers_logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("peers")
    _torch_run(root / "torch")
    _tensorboardx_run(root / "tbx")
    _tf_run(root / "tf")
    with SummaryWriter(root / "ours") as w:
        w.add_summary(builders.text("notes/table", [["k", "v"], ["lr", "**0.1**"]]), 0)
        w.add_summary(builders.text("notes/md", "# Title\n<script>alert(1)</script>"), 0)
    return root


def test_every_kind_the_peers_write_is_listed_under_its_key(peers_logdir):
    with board_client(peers_logdir) as client:
        tags = client.get("/api/tags").json()["runs"]
        status = client.get("/api/status").json()
    torch = tags["torch"]
    assert torch["images"] == ["samples/batch", "samples/digit"]
    assert torch["audio"] == ["sound/tone"]
    assert torch["pr_curves"] == ["pr/class0"]
    assert torch["custom_scalars"] == ["custom_scalars__config__"]
    assert torch["meshes"] == ["mesh/tetra"]  # by name, its parts grouped (the meshes dashboard)
    assert torch["embeddings"] == ["projector_config.pbtxt"]
    assert torch["scalars"] == ["loss/train"]
    assert tags["tbx"]["images"] == ["x/image"] and tags["tbx"]["pr_curves"] == ["x/pr"]
    assert tags["tf"]["images"] == ["tf/images"] and tags["tf"]["audio"] == ["tf/audio"]
    assert tags["tf"]["scalars"] == ["tf/loss"]
    for run in tags.values():  # one key per kind, always there
        for kind in ("scalars", "histograms", "images", "audio", "text", "pr_curves", "custom_scalars",
                     "graphs", "meshes", "embeddings"):
            assert isinstance(run[kind], list), kind
        assert isinstance(run["hparams"], bool)
    counted = {(n["run"], n["kind"], n["tag"]): n["count"] for n in status["not_shown"]}
    shown = ("images", "audio", "pr_curves", "custom_scalars", "meshes", "embeddings")
    assert not [key for key in counted if key[1] in shown]   # the dashboards show them
    assert not any(run == "ours" for run, _, _ in counted)


def test_text_is_served_with_safe_html(peers_logdir):
    with board_client(peers_logdir) as client:
        table = client.get("/api/text", params={"run": "ours", "tag": "notes/table"}).json()["text"][0]
        md = client.get("/api/text", params={"run": "ours", "tag": "notes/md"}).json()["text"][0]
    assert table["table"] is True
    assert table["html"] == ("<table><thead><tr><th>k</th><th>v</th></tr></thead><tbody><tr><td>lr</td>"
                             "<td><strong>0.1</strong></td></tr></tbody></table>")
    assert table["value"] == "k | v\nlr | **0.1**"
    assert md["table"] is False
    assert md["html"] == "<h1>Title</h1>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](https://evil.example/track.png)",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=//evil.example></iframe>",
    "`<script>`",
    "<svg onload=alert(1)>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
]


class _Elements(HTMLParser):
    """Every element and attribute the rendered HTML would create in the page."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


SAFE_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "a", "ul", "ol", "li",
             "table", "thead", "tbody", "tr", "th", "td", "blockquote", "br", "hr", "s"}


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_to_inert_html(source):
    parser = _Elements()
    parser.feed(markdown.render(source) + markdown.render_table([[source, source], [source, source]]))
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, (tag, source)
        assert set(attrs) <= {"href", "rel", "target", "title", "style"}, (attrs, source)
        if tag == "a":
            assert attrs["href"].startswith("https://"), (attrs, source)
            assert attrs["rel"] == "noopener noreferrer nofollow"
        assert "style" not in attrs or tag in ("th", "td")  # markdown-it's table alignment only
