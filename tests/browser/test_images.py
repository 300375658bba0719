"""The images dashboard in Chromium, on images PyTorch, tensorboardX and TensorFlow wrote."""

from __future__ import annotations

from tests.board.media import TORCH_STEPS, XSS_TAG
from tests.browser.conftest import screenshot, wait_for

CARD = 'article.card[data-run="{run}"][data-tag="{tag}"]'
# Every image in the card has loaded (naturalWidth > 0) and shows the step the card says.
LOADED = """(sel) => { const c = document.querySelector(sel); if (!c) return false;
  const imgs = [...c.querySelectorAll('img')];
  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0)
    && imgs.every(i => i.closest('figure').dataset.step
                       === c.querySelector('.images-body').dataset.step)
    && imgs.length; }"""
RED = """(sel) => { const img = document.querySelector(sel + ' img');
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext('2d');
  g.drawImage(img, 0, 0); return g.getImageData(0, 0, 1, 1).data[0]; }"""
IN_VIEW_LOADED = """() => { const imgs = [...document.querySelectorAll('main img')].filter(i => {
  const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0) && imgs.length; }"""


def test_images_render_and_the_slider_moves_through_the_steps(page, media_board):
    page.goto(f"{media_board.url}/images")
    card = CARD.format(run="torch", tag="samples/gradient")
    wait_for(page, LOADED, arg=card)
    wait_for(page, IN_VIEW_LOADED)
    assert page.locator(card + " .images-body").get_attribute("data-step") == str(TORCH_STEPS - 1)
    assert page.evaluate(RED, card) == round(255 * (TORCH_STEPS - 1) / TORCH_STEPS) - 1  # torch truncates
    slider = page.get_by_role("slider", name="Step of samples/gradient in torch")
    slider.focus()
    page.keyboard.press("Home")
    wait_for(page, f"() => document.querySelector('{card} .images-body').dataset.step === '0'")
    wait_for(page, LOADED, arg=card)
    assert page.evaluate(RED, card) == 0
    assert page.locator(card + " .step-label").inner_text() == "step 0"
    page.keyboard.press("ArrowRight")
    wait_for(page, f"() => document.querySelector('{card} .images-body').dataset.step !== '0'")
    wait_for(page, LOADED, arg=card)
    # TensorFlow's three samples a step are all shown.
    tf_card = CARD.format(run="tf", tag="tf/images")
    page.locator(tf_card).scroll_into_view_if_needed()
    assert wait_for(page, LOADED, arg=tf_card) == 3
    screenshot(page, "images")


def test_actual_size_brightness_contrast_and_the_url(page, media_board):
    page.goto(f"{media_board.url}/images?tags=gradient")
    card = CARD.format(run="torch", tag="samples/gradient")
    wait_for(page, LOADED, arg=card)
    img = page.locator(card + " img")
    assert img.evaluate("i => i.clientWidth") > 100            # fitted to the card
    page.get_by_label("Show actual image size").check()
    assert "actual=1" in page.url
    assert img.evaluate("i => i.clientWidth") == 16
    page.get_by_label("Brightness").fill("2")
    page.get_by_label("Contrast").fill("0.5")
    assert img.evaluate("i => getComputedStyle(i).filter") == "brightness(2) contrast(0.5)"
    assert "brightness=2" in page.url and "contrast=0.5" in page.url
    page.reload()
    wait_for(page, LOADED, arg=card)
    assert page.get_by_label("Show actual image size").is_checked()
    assert img.evaluate("i => getComputedStyle(i).filter") == "brightness(2) contrast(0.5)"
    page.get_by_role("button", name="Reset brightness and contrast").click()
    assert img.evaluate("i => getComputedStyle(i).filter") == "none"
    assert "brightness" not in page.url


def test_tag_filter_and_hostile_tag(page, media_board):
    page.goto(f"{media_board.url}/images")
    xss = page.locator(f'article.card[data-tag="{XSS_TAG}"]')
    xss.locator("h3").wait_for()
    assert xss.locator("h3").inner_text() == XSS_TAG              # text, not an element
    assert page.locator("main img[src='x']").count() == 0
    wait_for(page, LOADED, arg=f'article.card[data-run="torch"][data-tag="{XSS_TAG}"]')
    page.get_by_label("Filter tags (regex)").fill("^x/")
    wait_for(page, "() => document.querySelectorAll('article.card').length === 1")
    assert page.locator("article.card").get_attribute("data-run") == "tbx"
    assert "tags=%5Ex%2F" in page.url
    page.get_by_label("Filter tags (regex)").fill("(")
    wait_for(page, "() => document.getElementById('tag-filter').getAttribute('aria-invalid') === 'true'")
    page.locator("#message").get_by_text("No tags match").wait_for()
    assert page.get_by_role("link", name="Audio").is_visible()
    assert not page.get_by_role("link", name="Text").is_visible()


def test_a_card_at_the_newest_step_follows_new_steps(page, tmp_path):
    from tensorboardX import SummaryWriter as XWriter

    from tests.board.media import gradient
    from tests.browser.conftest import Server

    with XWriter(str(tmp_path / "live")) as w:
        for s in range(2):
            w.add_image("live/img", gradient(s), s)
    with Server(tmp_path, reload_interval=1, page=page) as server:
        page.goto(f"{server.url}/images")
        card = CARD.format(run="live", tag="live/img")
        wait_for(page, LOADED, arg=card)
        assert page.locator(card + " .images-body").get_attribute("data-step") == "1"
        # closed: tensorboardX's flush() may not write; a suffix, because its file names hold
        # whole seconds, so a second writer within the first's second replaced its file
        with XWriter(str(tmp_path / "live"), filename_suffix=".second") as w:
            w.add_image("live/img", gradient(5), 5)
        wait_for(page, f"() => document.querySelector('{card} .images-body').dataset.step === '5'", 20)
        wait_for(page, LOADED, arg=card)
        wait_for(page, f"() => document.querySelector('{card} .step-slider').max === '2'", 20)
