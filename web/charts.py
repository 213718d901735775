"""Small server-rendered SVG charts (no JavaScript, no chart library).

Each function returns an SVG string with a <title> and a text description
for screen readers; labels are escaped."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

MAROON, GOLD, GREY = "#7a1f1f", "#b8892b", "#888"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return mark_safe(  # noqa: S308 - every label below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def histogram(title: str, values: list[float], *, bins: int = 10, lo: float = 0, hi: float = 100):
    """Counts of ``values`` in ``bins`` equal bins between ``lo`` and ``hi``."""
    counts = [0] * bins
    for v in values:
        index = min(int((v - lo) / (hi - lo) * bins), bins - 1) if hi > lo else 0
        counts[max(index, 0)] += 1
    width, height, left, bottom = 420, 160, 30, 24
    bar = (width - left - 10) / bins
    top = max(counts) or 1
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{GREY}"/>'
    ]
    for i, count in enumerate(counts):
        h = (height - bottom - 10) * count / top
        x = left + i * bar
        body.append(
            f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{bar - 4:.1f}" '
            f'height="{h:.1f}" fill="{MAROON}"><title>{lo + i * (hi - lo) / bins:.0f}–'
            f"{lo + (i + 1) * (hi - lo) / bins:.0f}: {count}</title></rect>"
        )
        if count:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom - h - 2:.1f}" font-size="10" '
                f'text-anchor="middle">{count}</text>'
            )
    for i in range(0, bins + 1, max(bins // 5, 1)):
        x = left + i * bar
        body.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="10" text-anchor="middle">'
            f"{lo + i * (hi - lo) / bins:.0f}</text>"
        )
    return _svg(width, height, title, body)


def diverging_bars(title: str, items: list[tuple], *, unit: str = ""):
    """Horizontal bars left (negative) or right (positive) of zero, e.g. a
    reviewer's estimated leniency. An item may carry a standard error as a
    third value: a whisker then spans the 95% interval (±1.96 SE)."""
    row, label_w, width = 22, 150, 440
    height = max(len(items), 1) * row + 20
    errors = [1.96 * item[2] if len(item) > 2 and item[2] is not None else 0 for item in items]
    span = max((abs(item[1]) + e for item, e in zip(items, errors, strict=True)), default=1) or 1
    mid = label_w + (width - label_w - 10) / 2
    half = (width - label_w - 10) / 2 - 30
    body = [f'<line x1="{mid}" y1="0" x2="{mid}" y2="{height - 16}" stroke="{GREY}"/>']
    for i, (item, error) in enumerate(zip(items, errors, strict=True)):
        label, value = item[0], item[1]
        y = i * row + 4
        w = half * abs(value) / span
        x = mid if value >= 0 else mid - w
        color = GOLD if value >= 0 else MAROON
        body.append(
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 8}" fill="{color}"/>'
        )
        end = mid + half * value / span
        reach = half * error / span
        if error:
            body.append(
                f'<line x1="{end - reach:.1f}" y1="{y + 7}" x2="{end + reach:.1f}" y2="{y + 7}" '
                f'stroke="#333"><title>±{error:.1f}{escape(unit)}</title></line>'
            )
        # the value's label, beyond the bar and its whisker
        text_x = end + reach + 4 if value >= 0 else end - reach - 4
        body.append(
            f'<text x="{text_x:.1f}" y="{y + 13}" font-size="10" '
            f'text-anchor="{"start" if value >= 0 else "end"}">{value:+.1f}{escape(unit)}</text>'
        )
    return _svg(width, height, title, body)


def paired_bars(title: str, items: list[tuple[str, int, int]], labels: tuple[str, str]):
    """Two bars per row (e.g. nominations and awards per unit), with a legend."""
    row, label_w, width = 26, 170, 460
    height = max(len(items), 1) * row + 30
    top = max((max(a, b) for _, a, b in items), default=1) or 1
    scale = (width - label_w - 40) / top
    body = [
        f'<rect x="{label_w}" y="2" width="10" height="10" fill="{MAROON}"/>'
        f'<text x="{label_w + 14}" y="11" font-size="11">{escape(labels[0])}</text>'
        f'<rect x="{label_w + 130}" y="2" width="10" height="10" fill="{GOLD}"/>'
        f'<text x="{label_w + 144}" y="11" font-size="11">{escape(labels[1])}</text>'
    ]
    for i, (label, a, b) in enumerate(items):
        y = 20 + i * row
        body.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">'
            f"{escape(label[:28])}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{a * scale:.1f}" height="9" fill="{MAROON}"/>'
            f'<text x="{label_w + a * scale + 4:.1f}" y="{y + 10}" font-size="9">{a}</text>'
            f'<rect x="{label_w}" y="{y + 12}" width="{b * scale:.1f}" height="9" fill="{GOLD}"/>'
            f'<text x="{label_w + b * scale + 4:.1f}" y="{y + 20}" font-size="9">{b}</text>'
        )
    return _svg(width, height, title, body)
