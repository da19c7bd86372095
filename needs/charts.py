"""A server-rendered SVG line chart: the area against its comparators over time.

Plain SVG (no JavaScript) with a <title>, a <desc> that states the figures in words and
real <text> labels; series differ by dash pattern and marker shape, not colour alone.
The page always follows it with the same figures as a table.
"""
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 88
# (colour, dash pattern, marker) per series: GOV.UK palette colours, 3:1 against white.
STYLES = [("#1d70b8", "", "circle"), ("#0b0c0c", "6 4", "square"),
          ("#d4351c", "2 3", "triangle"), ("#00703c", "10 3 2 3", "diamond")]


def _fmt(value):
    return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"


def _marker(kind, x, y, colour):
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} '
                f'{x + 5:.1f},{y + 4:.1f}" fill="{colour}"/>')
    return (f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>')


def line_chart(*, title, description, periods, series, unit_label, chart_id="chart"):
    """`series` is [(name, [value or None per period])]; returns safe SVG markup."""
    values = [v for _, points in series for v in points if v is not None]
    if not periods or not values:
        return ""
    # A line chart shows change: the axis spans the figures with a margin, not from zero.
    low, high = min(values), max(values)
    margin = (high - low) * 0.25 or abs(high) * 0.1 or 1.0
    low, high = (max(0.0, low - margin) if low >= 0 else low - margin), high + margin
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 44  # keeps the first and last period labels inside the chart
    step = (plot_w - 2 * inset) / max(1, len(periods) - 1)

    def x_at(i):
        return LEFT + inset + (i * step if len(periods) > 1 else (plot_w - 2 * inset) / 2)

    def y_at(v):
        return TOP + plot_h - (v - low) / (high - low) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="needs-chart" '
        f'width="{WIDTH}" height="{HEIGHT}" '  # scaled by CSS: no inline style (CSP)
        'font-family="arial, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for tick in range(5):  # gridlines and y labels
        v = low + (high - low) * tick / 4
        y = y_at(v)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     'stroke="#b1b4b6" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="#0b0c0c">{escape(_fmt(v))}</text>')
    parts.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" font-size="12" fill="#0b0c0c" '
                 f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})" text-anchor="middle">'
                 f'{escape(unit_label)}</text>')
    for i, period in enumerate(periods):
        parts.append(f'<text x="{x_at(i):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" '
                     f'font-size="12" fill="#0b0c0c">{escape(period)}</text>')
    for index, (name, points) in enumerate(series):
        colour, dash, marker = STYLES[index % len(STYLES)]
        coords = [(x_at(i), y_at(v)) for i, v in enumerate(points) if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="2.5"{dash_attr}/>')
        parts.extend(_marker(marker, x, y, colour) for x, y in coords)
        lx = LEFT + (index % 2) * (plot_w / 2)
        ly = HEIGHT - 40 + (index // 2) * 20
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{lx:.1f}" y1="{ly - 4}" x2="{lx + 28:.1f}" y2="{ly - 4}" '
                     f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        parts.append(_marker(marker, lx + 14, ly - 4, colour))
        parts.append(f'<text x="{lx + 36:.1f}" y="{ly}" font-size="13" fill="#0b0c0c">'
                     f'{escape(name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
