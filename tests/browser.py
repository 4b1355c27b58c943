"""Headless Chromium for report tests, driven over the DevTools protocol (a websocket, no extra packages).

``render(path)`` opens a local HTML file in a fresh headless Chromium (closed network, throwaway profile)
and returns a full-page PNG screenshot, the console errors, the fonts Chromium actually used for the
first heading, and a few DOM facts. Tests skip with a reason when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
)
SKIP_REASON = "headless Chromium not installed (/usr/bin/chromium); CI installs it with apt-get install chromium"

DOM_FACTS_JS = """JSON.stringify({
  title: document.title,
  h1: Array.from(document.querySelectorAll('h1')).map(e => e.textContent),
  h2: Array.from(document.querySelectorAll('h2')).map(e => e.textContent),
  charts: document.querySelectorAll('svg.chart').length,
  chartShapes: document.querySelectorAll('svg.chart rect, svg.chart path, svg.chart circle').length,
  emptyNotes: document.querySelectorAll('.empty').length,
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
  external: Array.from(document.querySelectorAll('script[src], link[href], img[src]')).length,
  chartBoxes: Array.from(document.querySelectorAll('svg.chart')).map(s => {
    const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; }),
  bodyFont: getComputedStyle(document.body).fontFamily
})"""


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@dataclass(slots=True)
class Rendered:
    png: bytes
    console_errors: list[str] = field(default_factory=list)
    heading_fonts: list[str] = field(default_factory=list)
    dom: dict[str, Any] = field(default_factory=dict)

    def non_background_share(self) -> float:
        """Share of pixels that differ from the page background (0 = blank)."""
        from PIL import Image

        img = Image.open(io.BytesIO(self.png)).convert("RGB")
        img.thumbnail((400, 4000))
        pixels = list(img.getdata())
        background = max(set(pixels[:: max(1, len(pixels) // 2000)]), key=pixels.count)
        return sum(1 for p in pixels if p != background) / len(pixels)

    def distinct_colors(self) -> int:
        from PIL import Image

        img = Image.open(io.BytesIO(self.png)).convert("RGB")
        return len(img.getcolors(maxcolors=1 << 20) or [])


class _Cdp:
    def __init__(self, ws_url: str) -> None:
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=20)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.monotonic() + timeout
        while True:
            data = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if data.get("id") == self.next_id:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
            self.events.append(data)

    def wait_event(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + timeout
        while True:
            data = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            self.events.append(data)
            if data.get("method") == method:
                return data

    def close(self) -> None:
        self.ws.close()


def _start(exe: str, profile: Path) -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if port_file.exists() and len(lines := port_file.read_text().splitlines()) >= 2:
            return proc, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("Chromium did not start (no DevToolsActivePort)")


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for ev in events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            errors.append(str(params.get("exceptionDetails", {}).get("text")))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(str(params["entry"].get("text")) + " " + str(params["entry"].get("url", "")))
    return errors


def render_many(paths: list[Path], width: int = 1280, height: int = 900, max_height: int = 8000) -> list[Rendered]:
    """Render each local HTML file in one browser (a fresh tab per page)."""
    exe = chromium_path()
    if exe is None:
        raise RuntimeError(SKIP_REASON)
    profile = Path(tempfile.mkdtemp(prefix="juesuan-chromium-"))
    proc, ws_url = _start(exe, profile)
    cdp = _Cdp(ws_url)
    results = []
    try:
        for path in paths:
            target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            cdp.events.clear()
            for domain in ("Page", "Runtime", "Log", "DOM", "CSS"):
                cdp.send(f"{domain}.enable", session=session)
            cdp.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
            cdp.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
            cdp.wait_event("Page.loadEventFired")
            facts = cdp.send("Runtime.evaluate", {"expression": DOM_FACTS_JS, "returnByValue": True},
                             session=session)["result"]["value"]
            root = cdp.send("DOM.getDocument", session=session)["root"]["nodeId"]
            h1 = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"}, session=session)["nodeId"]
            fonts = []
            if h1:
                fonts = [f["familyName"] for f in cdp.send(
                    "CSS.getPlatformFontsForNode", {"nodeId": h1}, session=session)["fonts"]]
            metrics = cdp.send("Page.getLayoutMetrics", session=session)
            content = metrics.get("cssContentSize") or metrics["contentSize"]
            full_h = min(max_height, int(content["height"]))
            shot = cdp.send("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": full_h, "scale": 1},
            }, session=session, timeout=60)
            results.append(Rendered(base64.b64decode(shot["data"]), _console_errors(cdp.events), fonts,
                                    json.loads(facts)))
            cdp.send("Target.closeTarget", {"targetId": target})
    finally:
        with contextlib.suppress(Exception):  # the browser may already be gone
            cdp.send("Browser.close", timeout=5)
        cdp.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return results


def render(path: Path, **kwargs: Any) -> Rendered:
    return render_many([path], **kwargs)[0]


if __name__ == "__main__":  # python -m tests.browser page.html [out.png]: look at a page by hand
    import sys

    page = render(Path(sys.argv[1]))
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "page.png")
    out.write_bytes(page.png)
    print(json.dumps({"console_errors": page.console_errors, "fonts": page.heading_fonts, **page.dom},
                     ensure_ascii=False, indent=1)[:3000])
