"""Reliability diagram as a PNG drawn with PIL (matplotlib is not installed for /usr/bin/python3)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREY, BLUE = (170, 170, 170), (40, 110, 200)


def reliability_png(before: list[dict], after: list[dict], path: Path, title: str) -> None:
    """Top: observed fraction fake per bin of predicted p(fake), grey before and blue after temperature
    scaling, red diagonal = perfect calibration. Bottom: each bin's share of the (weighted) items, so
    bins holding a handful of items are seen for what they are."""
    w, h, m = 520, 540, 50
    im = Image.new('RGB', (w, h), 'white')
    d = ImageDraw.Draw(im)
    x0, y0, x1, y1 = m, 30, w - 20, 420
    hy0, hy1 = y1 + 30, h - 30  # share-of-items strip
    d.rectangle([x0, y0, x1, y1], outline='black')
    d.rectangle([x0, hy0, x1, hy1], outline='black')
    d.line([x0, y1, x1, y0], fill=(200, 60, 60), width=1)
    n = len(before)
    bw = (x1 - x0) / n
    top_share = max([b['weight'] for b in before + after if b['count']] + [1e-9])
    for i, pair in enumerate(zip(before, after)):
        for j, (bin_, col) in enumerate(zip(pair, (GREY, BLUE))):
            if not bin_['count']:
                continue
            left = x0 + i * bw + j * bw / 2
            top = y1 - bin_['fractionFake'] * (y1 - y0)
            d.rectangle([left + 1, top, left + bw / 2 - 1, y1], fill=col)
            share_top = hy1 - bin_['weight'] / top_share * (hy1 - hy0 - 4)
            d.rectangle([left + 1, share_top, left + bw / 2 - 1, hy1], fill=col)
    for t in range(0, 11, 2):
        v = t / 10
        d.text((x0 + v * (x1 - x0) - 8, y1 + 6), f'{v:.1f}', fill='black')
        d.text((8, y1 - v * (y1 - y0) - 6), f'{v:.1f}', fill='black')
    d.text((x0, 8), title, fill='black')
    d.text((x0 + 4, y0 + 6), 'fraction fake per bin', fill='black')
    d.text((x1 - 190, y0 + 6), 'grey: before   blue: after T', fill='black')
    d.text((x0 + 4, hy0 + 4), f'share of items (max {top_share:.0%})', fill='black')
    d.text((x0 + 140, h - 20), 'predicted p(fake), 15 bins', fill='black')
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path)
