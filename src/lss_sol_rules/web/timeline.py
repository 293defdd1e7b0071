"""A parameter's history as a server-rendered inline SVG timeline (no script, no CDN).

Each dated value is a bar from ``valid_from`` to ``valid_to`` (an open end runs to the right
edge) labelled with its value; hovering shows the sources. The SVG is decorative for
screen readers beyond its summary (``role="img"`` with a label): the table beside it on the
page carries the same facts as text.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from ..explain import format_value
from ..model import Parameter

__all__ = ["timeline_svg"]

WIDTH = 720
LEFT = 24
RIGHT = 24
BAR_Y = 52
BAR_H = 30
HEIGHT = 130
# Two dark fills; white text on each is above 7:1 (WCAG AAA), so labels stay legible.
FILLS = ("#1d4f91", "#0b5d3b")
GAP_FILL = "#ffffff"
DATE_LABEL_WIDTH = 64  # "2019-11-01" at font-size 11


def _x(day: date, start: date, end: date) -> float:
    span = max((end - start).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - start).days / span


def _value_text(param: Parameter, value: object, lang: str) -> str:
    text = format_value(value, lang)  # type: ignore[arg-type]
    if param.unit and not isinstance(value, tuple):
        text = f"{text} {param.unit}"
    return text


def timeline_svg(param: Parameter, lang: str, today: date | None = None) -> Markup:
    """The inline SVG of *param*'s dated values, labelled in *lang*."""
    today = today or date.today()
    values = param.values
    if not values:
        return Markup("")
    first = values[0].valid_from
    last_known = max(
        [v.valid_to or v.valid_from for v in values] + [v.valid_from for v in values] + [today]
    )
    start = date(first.year - 1, 1, 1)
    end = date(last_known.year + 2, 1, 1)
    label = f"Tidslinje för {param.label.sv}" if lang == "sv" else f"Timeline of {param.label.en}"
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{LEFT}" y1="{BAR_Y + BAR_H + 6}" x2="{WIDTH - RIGHT}" '
        f'y2="{BAR_Y + BAR_H + 6}" stroke="#333" stroke-width="1"/>',
    ]
    years = end.year - start.year
    step = next(s for s in (1, 2, 5, 10, 20, 50) if years / s <= 9)
    for year in range(start.year + (-start.year) % step, end.year + 1, step):
        x = _x(date(year, 1, 1), start, end)
        parts.append(
            f'<line x1="{x:.1f}" y1="{BAR_Y + BAR_H + 2}" x2="{x:.1f}" y2="{BAR_Y + BAR_H + 10}" '
            f'stroke="#333"/><text x="{x:.1f}" y="{BAR_Y + BAR_H + 24}" font-size="12" '
            f'text-anchor="middle" fill="#1a1a1a">{year}</text>'
        )
    row_ends = [-1e9, -1e9, -1e9]  # the start dates' labels, stacked in up to three rows
    for i, v in enumerate(values):
        x0 = _x(v.valid_from, start, end)
        row = next((r for r, taken in enumerate(row_ends) if x0 > taken + 4), 0)
        row_ends[row] = x0 + DATE_LABEL_WIDTH
        x1 = _x(v.valid_to, start, end) if v.valid_to else WIDTH - RIGHT
        w = max(x1 - x0, 2.0)
        text = _value_text(param, v.value, lang)
        until = v.valid_to.isoformat() if v.valid_to else ""
        sources = "; ".join(str(c) for c in v.citations)
        tip = f"{text}, {v.valid_from.isoformat()}–{until}" + (f" ({sources})" if sources else "")
        parts.append(
            f'<g><title>{escape(tip)}</title><rect x="{x0:.1f}" y="{BAR_Y}" width="{w:.1f}" '
            f'height="{BAR_H}" fill="{FILLS[i % 2]}" stroke="{GAP_FILL}" stroke-width="1"/>'
        )
        short = text if len(text) <= max(int(w / 7.5), 1) else ""
        if short:
            parts.append(
                f'<text x="{x0 + w / 2:.1f}" y="{BAR_Y + BAR_H / 2 + 5}" font-size="13" '
                f'text-anchor="middle" fill="#ffffff">{escape(short)}</text>'
            )
        parts.append(
            f'<text x="{x0 + 2:.1f}" y="{BAR_Y - 6 - 13 * row}" font-size="11" '
            f'fill="#1a1a1a">'
            f"{escape(v.valid_from.isoformat())}</text></g>"
        )
    if start <= today <= end:
        x = _x(today, start, end)
        word = "idag" if lang == "sv" else "today"
        parts.append(
            f'<line x1="{x:.1f}" y1="{BAR_Y - 4}" x2="{x:.1f}" y2="{BAR_Y + BAR_H + 4}" '
            f'stroke="#1a1a1a" stroke-width="2" stroke-dasharray="4 3"/>'
            f'<text x="{x:.1f}" y="{HEIGHT - 2}" font-size="11" text-anchor="middle" '
            f'fill="#1a1a1a">{word}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
