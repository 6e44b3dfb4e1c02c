"""Charts as inline SVG, drawn here in Python: the html report needs no script, font or
image file for them (its content-security policy allows none from outside).

Each function returns one <svg> element as Markup; every text in it is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

FONT = 'font-family="system-ui, sans-serif" font-size="11"'
INK, GRID = "#333333", "#DDDDDD"


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT}>'
        f"<title>{escape(title)}</title>"
        f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13" '
        f'font-weight="bold" fill="{INK}">{escape(title)}</text>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _top(values: Sequence[float]) -> float:
    """A round axis maximum at or above the largest value."""
    most = max([*values, 1])
    step = 10 ** (len(str(int(most))) - 1)
    return float(-(-most // step) * step)


def columns(
    title: str,
    categories: Sequence[str],
    values: Sequence[float],
    colours: Sequence[str],
    num: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> Markup:
    """Vertical bars, one per category, the value above each."""
    width, height, left, bottom, top = 640, 260, 40, 40, 30
    plot_h = height - bottom - top
    slot = (width - left - 10) / max(len(categories), 1)
    most = _top(values)
    body = [_hgrid(left, width - 10, top, plot_h, most, num)]
    for i, (cat, v, colour) in enumerate(zip(categories, values, colours, strict=True)):
        h = plot_h * v / most
        x = left + i * slot + slot * 0.15
        y = top + plot_h - h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
            f'fill="{colour}"><title>{escape(cat)}: {escape(num(v))}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
            f'fill="{INK}">{escape(num(v))}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
            f'fill="{INK}">{escape(cat)}</text>'
        )
    return _svg(width, height, title, body)


def _hgrid(left: float, right: float, top: float, plot_h: float, most: float, num) -> str:
    """Horizontal grid lines with their values on the left (0, a quarter, ... the top)."""
    out = []
    for k in range(5):
        y = top + plot_h * (1 - k / 4)
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#666666">'
            f"{escape(num(most * k / 4))}</text>"
        )
    return "".join(out)


def stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    num: Callable[[float], str] = lambda v: f"{v:,.0f}",
) -> Markup:
    """Horizontal bars, one per category, stacked from SERIES (name, colour, values),
    with a legend; the total at the end of each bar."""
    label_w, row_h, top, width = 260, 18, 30, 790
    legend_h = 24
    plot_w = width - label_w - 60
    totals = [sum(s[2][i] for s in series) for i in range(len(categories))]
    most = _top(totals)
    height = top + row_h * len(categories) + legend_h + 10
    body = []
    for i, cat in enumerate(categories):
        y = top + i * row_h
        body.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(cat, 36))}<title>{escape(cat)}</title></text>"
        )
        x = float(label_w)
        for name, colour, values in series:
            w = plot_w * values[i] / most
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 4}" '
                    f'fill="{colour}"><title>{escape(cat)} · {escape(name)}: '
                    f"{escape(num(values[i]))}</title></rect>"
                )
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" fill="{INK}">{escape(num(totals[i]))}</text>'
        )
    body.append(_legend([(n, c) for n, c, _ in series], label_w, height - legend_h + 6))
    return _svg(width, height, title, body)


def _legend(items: list[tuple[str, str]], x: float, y: float) -> str:
    out = []
    for name, colour in items:
        out.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14:.0f}" y="{y + 9:.0f}" fill="{INK}">{escape(name)}</text>'
        )
        x += 24 + 6.5 * len(name)
    return "".join(out)


def _short(text: str, n: int) -> str:
    """TEXT cut to N characters with an ellipsis (the whole text is in the tooltip)."""
    return text if len(text) <= n else text[: n - 1] + "…"
