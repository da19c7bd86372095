"""Server-rendered SVG charts: the geometry is worked out here, the template draws it.

A chart is always followed by a table of the same numbers on the page (and in reports)."""
RAG_ORDER = ("green", "amber", "red")
RAG_FILLS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c"}
LABEL_WIDTH = 230
BAR_WIDTH = 400
ROW_HEIGHT = 28


def stacked_bars(counts: dict[str, dict[str, int]]) -> dict:
    """Horizontal 100% bars, one per group, split green/amber/red; text gives the counts."""
    rows = []
    for index, (name, by_rag) in enumerate(sorted(counts.items())):
        total = sum(by_rag.get(r, 0) for r in RAG_ORDER)
        x, segments = LABEL_WIDTH, []
        for rag in RAG_ORDER:
            n = by_rag.get(rag, 0)
            width = round(BAR_WIDTH * n / total, 1) if total else 0
            if n:
                segments.append({"rag": rag, "n": n, "x": x, "width": width,
                                 "fill": RAG_FILLS[rag], "text_x": x + width / 2,
                                 "text_fill": "#0b0c0c" if rag == "amber" else "#ffffff",
                                 "show_text": width >= 22})
            x += width
        y = 10 + index * ROW_HEIGHT
        rows.append({"name": name if len(name) <= 34 else name[:33] + "…", "full_name": name,
                     "y": y, "text_y": y + 15, "total": total, "segments": segments,
                     "total_x": LABEL_WIDTH + BAR_WIDTH + 8, **{r: by_rag.get(r, 0)
                                                               for r in RAG_ORDER}})
    return {"rows": rows, "width": LABEL_WIDTH + BAR_WIDTH + 60,
            "height": 20 + ROW_HEIGHT * max(len(rows), 1), "bar_height": 20}


def as_text(chart: dict) -> dict:
    """The chart with its numbers as the text the template prints, for pages: a template
    localises every number it prints (about 10 µs each, 6,000 of them for 200 providers),
    and with thousands separators off (settings.USE_THOUSAND_SEPARATOR) that text is
    `str(number)`. Reports keep the numbers (their data is stored as JSON)."""
    def text(value):
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else value

    rows = [{**{k: text(v) for k, v in row.items()},
             "segments": [{k: text(v) for k, v in s.items()} for s in row["segments"]]}
            for row in chart["rows"]]
    return {**{k: text(v) for k, v in chart.items()}, "rows": rows}
