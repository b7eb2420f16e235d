"""A page's layout checked in the browser: nothing clipped, nothing overlapping.

`layout_findings(page)` runs one script in the page a test (or scripts/screenshots.py) is
looking at and returns what it found, each finding a dict with its `kind`, the element
(`where`, a short CSS-like path and its text) and `detail`:

- ``page-overflow``: the page itself scrolls sideways (its content is wider than the
  window), where every page of the app should fit its width (the board scrolls inside
  its own scroller, not the page); or it scrolls down past anything visible (a box
  hidden for screen readers that escaped its scroller, say).
- ``offscreen``: an element that no scroller holds reaches past the window's left or
  right edge, so part of it cannot be seen or reached.
- ``clipped-text``: a heading, title, button, link, label, chip or tab whose text is cut
  off (its scroll width or height exceeds its box while its overflow is hidden, or it
  ends in an ellipsis), or an empty field's placeholder wider than the field.
- ``wrapped-label``: a short button, tab, pill or navigation link (a few words) broken
  over two lines, such as "0 / votes" or "Sign / out".
- ``overlap``: two visible elements (controls, headings, text) that are not inside one
  another but are drawn over each other, including fixed or sticky bars over each other.
  What is in a dialog, a menu, a popover or a dropdown (a raised layer) is compared only
  with what is in the same layer: it is meant to cover the page.

Only what is visible counts: an element hidden, sized 0, visually hidden for screen
readers, or scrolled out of its scroller is left alone. An element the app marks
``data-layout-ok`` (with the reason as its value) is left alone too, with what is in it.
"""

from __future__ import annotations

from typing import Any

LAYOUT_CHECK = r"""
() => {
  const vw = document.documentElement.clientWidth;
  const vh = window.innerHeight;
  const findings = [];
  const seen = new Set();
  const add = (kind, el, detail) => {
    const key = kind + "|" + describe(el) + "|" + detail;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ kind, where: describe(el), detail });
  };
  function describe(el) {
    const parts = [];
    let node = el;
    for (let i = 0; node && node.nodeType === 1 && i < 3; i++, node = node.parentElement) {
      if (node !== el && (node === document.body || node === document.documentElement)) break;
      let part = node.tagName.toLowerCase();
      if (node.id) part += "#" + node.id;
      const testid = node.getAttribute("data-testid");
      if (testid) part += `[data-testid=${testid}]`;
      else if (node.classList.length) part += "." + [...node.classList].slice(0, 2).join(".");
      parts.unshift(part);
      if (node.id || testid) break;
    }
    const text = (el.innerText || el.getAttribute("aria-label") || el.value || "")
      .replace(/\s+/g, " ").trim().slice(0, 40);
    return parts.join(" > ") + (text ? ` "${text}"` : "");
  }
  const excused = (el) => !!el.closest("[data-layout-ok]");
  const styleOf = new Map();
  const style = (el) => {
    let s = styleOf.get(el);
    if (!s) { s = getComputedStyle(el); styleOf.set(el, s); }
    return s;
  };
  const srOnly = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = style(n);
      if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") return true;
      if (s.position === "absolute" && n.offsetWidth <= 1 && n.offsetHeight <= 1) return true;
    }
    return false;
  };
  const shown = (el) => {
    const s = style(el);
    if (s.display === "none" || s.visibility === "hidden" || Number(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width >= 1 && r.height >= 1;
  };
  // The part of an element its scrollers and clipping boxes let through (null: none),
  // and whether any of them clips it sideways.
  function visibleRect(el) {
    let r = el.getBoundingClientRect();
    let left = r.left, right = r.right, top = r.top, bottom = r.bottom;
    let held = false;
    if (style(el).position !== "fixed") {
      for (let n = el.parentElement; n && n !== document.body && n !== document.documentElement; n = n.parentElement) {
        const s = style(n);
        if (s.overflowX !== "visible" || s.overflowY !== "visible") {
          const c = n.getBoundingClientRect();
          if (s.overflowX !== "visible") { left = Math.max(left, c.left); right = Math.min(right, c.right); held = true; }
          if (s.overflowY !== "visible") { top = Math.max(top, c.top); bottom = Math.min(bottom, c.bottom); }
        }
        if (s.position === "fixed") break;
      }
    }
    return { left, right, top, bottom, held };
  }

  // 1. The page scrolls sideways.
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    add("page-overflow", document.documentElement, `page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }

  const all = [...document.body.querySelectorAll("*")].filter(
    (el) => !(el instanceof SVGElement && el.tagName.toLowerCase() !== "svg") && shown(el) && !srOnly(el) && !excused(el)
  );

  // ... or further down than anything visible (a stray box: the whole page scrolls for it).
  let contentBottom = 0;
  for (const el of all) {
    const v = visibleRect(el);
    if (v.right - v.left >= 1 && v.bottom - v.top >= 1) contentBottom = Math.max(contentBottom, v.bottom + window.scrollY);
  }
  if (root.scrollHeight > Math.max(contentBottom, root.clientHeight) + 24) {
    add("page-overflow", document.documentElement, `page scrolls to ${root.scrollHeight}px, its visible content ends at ${Math.round(contentBottom)}px`);
  }

  // 2. Reaching past the window's sides, held by no scroller.
  const past = new Set();
  for (const el of all) {
    const v = visibleRect(el);
    if (v.held) continue;
    if (v.left < -1 || v.right > vw + 1) {
      if (el.parentElement && past.has(el.parentElement)) { past.add(el); continue; }
      past.add(el);
      add("offscreen", el, `spans ${Math.round(v.left)}..${Math.round(v.right)} px of a ${vw}px window`);
    }
  }

  // 3. Text cut off.
  const TEXTUAL = "h1,h2,h3,h4,h5,h6,button,a,label,th,summary,legend,[role=tab],[role=button],[class*=title],[class*=chip],[class*=pill],[class*=badge],[class*=name]";
  for (const el of all) {
    if (!el.matches(TEXTUAL)) continue;
    if (!(el.innerText || "").trim()) continue;
    const s = style(el);
    const hidesX = s.overflowX === "hidden" || s.overflowX === "clip" || s.textOverflow === "ellipsis";
    const hidesY = s.overflowY === "hidden" || s.overflowY === "clip" || s.webkitLineClamp !== "none" && s.webkitLineClamp !== "";
    const v = visibleRect(el);
    if (v.right - v.left < 1 || v.bottom - v.top < 1) continue;
    if (hidesX && el.scrollWidth > el.clientWidth + 1) {
      add("clipped-text", el, `text ${el.scrollWidth}px wide in a ${el.clientWidth}px box`);
    } else if (hidesY && el.scrollHeight > el.clientHeight + 2) {
      add("clipped-text", el, `text ${el.scrollHeight}px high in a ${el.clientHeight}px box`);
    }
  }

  // ... and a placeholder cut short (an empty field's hint is all it says).
  const canvas = document.createElement("canvas").getContext("2d");
  for (const el of all) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) continue;
    if (el.value || !el.placeholder || el instanceof HTMLTextAreaElement) continue;
    const s = style(el);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    // A search field keeps room for its clear button (about 1em) even while empty.
    const clear = el.type === "search" ? parseFloat(s.fontSize) : 0;
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - clear;
    const need = canvas.measureText(el.placeholder).width;
    if (need > room + 1) add("clipped-text", el, `placeholder "${el.placeholder}" needs ${Math.ceil(need)}px, has ${Math.floor(room)}px`);
  }

  // 4. Short labels broken over two lines.
  // A label is one control's words, not a row of them (a container of badges may wrap).
  const LABELS = "button,[role=tab],[class*=pill],[class*=chip],[class*=badge]";
  const isLabel = (el) => el.matches(LABELS) || (el.tagName === "A" && style(el).display !== "inline");
  for (const el of all) {
    if (!isLabel(el)) continue;
    if ([...el.querySelectorAll(LABELS + ",a")].some((inner) => inner !== el && isLabel(inner))) continue;
    const text = (el.innerText || "").replace(/\s+/g, " ").trim();
    if (!text || text.length > 24 || !text.includes(" ")) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) tops.add(Math.round(r.top / 4));
    const lines = [...tops].sort((a, b) => a - b);
    // Rects on one line differ by less than a line's height.
    let count = 0, last = -1e9;
    const lh = parseFloat(style(el).lineHeight) || parseFloat(style(el).fontSize) * 1.2;
    for (const t of lines) if (t * 4 - last >= lh * 0.7) { count++; last = t * 4; }
    if (count > 1) add("wrapped-label", el, `"${text}" takes ${count} lines`);
  }

  // 5. Drawn over each other.
  const LAYER = "[role=dialog],dialog,[role=menu],[role=listbox],[role=tooltip],[popover],[aria-modal=true]";
  const layerOf = (el) => {
    for (let n = el; n; n = n.parentElement) {
      if (n.nodeType !== 1) break;
      if (n.matches(LAYER)) return n;
      const s = style(n);
      // A fixed or sticky bar is drawn over what scrolls under it (bars are compared below).
      if (s.position === "fixed" || s.position === "sticky") return n;
      // A raised layer: a dropdown or popover (absolute, stacked well above the page).
      if (s.position === "absolute" && s.zIndex !== "auto" && Number(s.zIndex) >= 10) return n;
    }
    return null;
  };
  const CANDIDATE = "button,a[href],input:not([type=hidden]),select,textarea,h1,h2,h3,h4,h5,h6,p,label,th,[role=button],[role=tab],[class*=chip],[class*=pill],[class*=badge],[class*=title]";
  const boxes = [];
  for (const el of all) {
    if (!el.matches(CANDIDATE)) continue;
    const v = visibleRect(el);
    const left = Math.max(v.left, 0), right = Math.min(v.right, vw), top = Math.max(v.top, 0), bottom = Math.min(v.bottom, vh);
    if (right - left < 2 || bottom - top < 2) continue;
    boxes.push({ el, left, right, top, bottom, layer: layerOf(el) });
  }
  // The topmost layer (an open dialog) hides what is under it: compare within layers only,
  // and fixed or sticky bars with one another.
  const bars = all.filter((el) => {
    const p = style(el).position;
    return (p === "fixed" || p === "sticky") && !el.matches(LAYER) && el.closest(LAYER) === null;
  });
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      if (a.layer !== b.layer) continue;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w < 3 || h < 3) continue;
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      // Labels wrap their inputs' text; a control's own label is inside it.
      if (a.el.tagName === "LABEL" && a.el.control === b.el || b.el.tagName === "LABEL" && b.el.control === a.el) continue;
      // Only what the browser really draws on top counts: the point in the middle of the
      // overlap belongs to one of them and the other shows there too (not hidden behind).
      const x = Math.max(a.left, b.left) + w / 2, y = Math.max(a.top, b.top) + h / 2;
      const top = document.elementFromPoint(x, y);
      if (!top) continue;
      const onA = a.el.contains(top), onB = b.el.contains(top);
      if (!onA && !onB) continue;
      add("overlap", a.el, `overlaps ${describe(b.el)} by ${Math.round(w)}x${Math.round(h)} px`);
    }
  }
  for (let i = 0; i < bars.length; i++) {
    for (let j = i + 1; j < bars.length; j++) {
      const a = bars[i], b = bars[j];
      if (a.contains(b) || b.contains(a)) continue;
      const ra = visibleRect(a), rb = visibleRect(b);
      const w = Math.min(ra.right, rb.right, vw) - Math.max(ra.left, rb.left, 0);
      const h = Math.min(ra.bottom, rb.bottom, vh) - Math.max(ra.top, rb.top, 0);
      if (w >= 3 && h >= 3) add("overlap", a, `bar over bar ${describe(b)} by ${Math.round(w)}x${Math.round(h)} px`);
    }
  }
  return findings;
}
"""


def layout_findings(page: Any, *, whole_page: bool = True) -> list[dict[str, str]]:
    """What is clipped or overlapping on the page (see the module's docs).

    Overlaps are seen where the browser draws, in the window: with `whole_page` the page is
    scrolled down a window at a time (and back to the top) so what is below the fold is
    checked too; otherwise only the window as it is now.
    """
    found: list[dict[str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    height = int(page.evaluate("() => window.innerHeight"))
    total = int(page.evaluate("() => document.scrollingElement.scrollHeight"))
    stops = range(0, max(total - height, 0) + 1, max(height - 40, 1)) if whole_page else [None]
    for y in stops:
        if y is not None:
            page.evaluate("(y) => window.scrollTo(0, y)", y)
        for f in page.evaluate(LAYOUT_CHECK):
            # The page's own overflow is one finding, however far down it was seen.
            key = (f["kind"], f["where"], "" if f["kind"] == "page-overflow" else f["detail"])
            if key not in seen:
                seen.add(key)
                found.append(f)
    if whole_page:
        page.evaluate("() => window.scrollTo(0, 0)")
    return found


def assert_layout_clean(page: Any, *, where: str) -> None:
    """Fail with every finding when anything on the page is clipped or overlapping."""
    found = layout_findings(page)
    assert not found, f"layout defects on {where}:\n" + "\n".join(
        f"  {f['kind']}: {f['where']}: {f['detail']}" for f in found
    )
