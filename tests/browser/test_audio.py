"""The audio dashboard in Chromium, on clips PyTorch, tensorboardX and TensorFlow wrote."""

from __future__ import annotations

from tests.board.media import XSS_LABEL, XSS_TAG
from tests.browser.conftest import screenshot, wait_for

CARD = 'article.card[data-run="{run}"][data-tag="{tag}"]'


def test_clips_are_listed_per_step_and_play_in_the_page(page, media_board):
    page.goto(f"{media_board.url}/audio")
    card = page.locator(CARD.format(run="torch", tag="sound/tone"))
    card.locator("audio").first.wait_for()
    assert card.locator(".audio-steps .step").all_inner_texts() == ["step 2", "step 1", "step 0"]
    player = card.get_by_label("sound/tone in torch, step 2, clip 1 of 1")
    fetched = player.evaluate("""async a => { const r = await fetch(a.src);
        return [r.status, r.headers.get('content-type'), (await r.arrayBuffer()).byteLength]; }""")
    assert fetched[:2] == [200, "audio/wav"] and fetched[2] > 4000
    wait_for(page, "() => [...document.querySelectorAll('audio')].every(a => a.readyState >= 1)")
    assert abs(player.evaluate("a => a.duration") - 0.25) < 0.01
    player.evaluate("a => { a.muted = true; return a.play(); }")
    wait_for(page, "() => [...document.querySelectorAll('audio')].some(a => a.currentTime > 0)")
    assert "0.25 s · 8000 Hz · 1 channel" in card.inner_text()
    screenshot(page, "audio")


def test_download_labels_and_hostile_tag(page, media_board):
    page.goto(f"{media_board.url}/audio?tags=labelled%7Ctf%2F")
    labelled = page.locator(CARD.format(run="tf", tag="labelled/audio_summary"))
    labelled.locator(".clip-label").first.wait_for()
    assert labelled.locator(".clip-label").all_inner_texts() == [XSS_LABEL, "second"]
    assert page.locator("main script, main strong").count() == 0
    with page.expect_download() as info:
        labelled.get_by_role("link", name="Download labelled/audio_summary step 0 clip 2").click()
    download = info.value
    assert download.suggested_filename == "tf_labelled_audio_summary_step0_1.wav"
    assert open(download.path(), "rb").read(4) == b"RIFF"
    page.get_by_label("Filter tags (regex)").fill("img")
    xss = page.locator(CARD.format(run="tf", tag=XSS_TAG))
    xss.locator("audio").wait_for()
    assert xss.locator("h3").inner_text() == XSS_TAG
    assert page.locator("main img").count() == 0
    assert page.get_by_role("link", name="Images").is_visible()
