"""``report/index.html``: one self-contained page per report, to open offline or send on.

It brings together the scenario's story (the opening comment of its file), how close the runs
come to the sources' figures (the targets table), the end-of-run summary, the shocks on the
calendar and every figure, embedded as data: no file or address outside the page is needed.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       max-width: 1100px; margin: 24px auto; padding: 0 16px; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; font-size: 1.2em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; } td:first-child, th:first-child { text-align: left; }
pre.story { white-space: pre-wrap; background: #f8f8f8; padding: 10px; font-size: 0.85em; }
img { max-width: 100%; border: 1px solid #eee; margin: 6px 0; }
.meta { color: #555; font-size: 0.9em; }
"""


def scenario_notes(path: Path | None) -> str:
    """The opening comment block of a scenario file (its story, sources and what to look at)."""
    if path is None or not path.exists():
        return ""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].removeprefix(" "))
    return "\n".join(lines).strip()


def image_tag(path: Path, alt: str) -> str:
    """An ``<img>`` with the PNG embedded as base64 data."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def table_html(frame: pd.DataFrame, digits: int = 3) -> str:
    """A small DataFrame as an HTML table, numbers rounded, text escaped."""
    if frame.empty:
        return "<p class='meta'>(none)</p>"
    def number(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.{digits}g}"

    table = frame.to_html(index=False, escape=True, na_rep="–", border=0, float_format=number)
    return f"<div style='overflow-x:auto'>{table}</div>"


def write_index(out: Path, *, title: str, story: str, notes: str, meta: str,
                figures: dict[str, tuple[Path, str]], targets: pd.DataFrame,
                summary: pd.DataFrame, shocks: list[tuple[str, str]],
                wins: pd.DataFrame | None = None) -> Path:
    """Write ``out/index.html`` from its parts; ``figures`` maps a key to (PNG, caption);
    ``wins`` is the what-each-platform-wins table (one row per platform)."""
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
             f"<h1>{e(title)}</h1>", f"<p>{e(story)}</p>", f"<p class='meta'>{e(meta)}</p>"]
    if notes:
        parts.append(f"<h2>The scenario</h2><pre class='story'>{e(notes)}</pre>")
    matched = ""
    if not targets.empty and "matched" in targets:
        scored = targets[targets["scored"]] if "scored" in targets else targets
        runs = int(targets["runs"].max()) if "runs" in targets else 0
        basis = "; one seed" if runs == 1 else (f"; share of {runs} replications" if runs else "")
        matched = (f" ({scored['matched'].mean():.0%} of the scored figures matched{basis})"
                   if len(scored) else " (none scored: the runs end before their windows)")
    parts.append(f"<h2>How close the runs come to the sources{e(matched)}</h2>")
    parts.append(table_html(targets))
    parts.append("<h2>End of run, per platform</h2>" + table_html(summary))
    if wins is not None and not wins.empty:
        parts.append("<h2>What each platform wins: shoppers, stores by seller kind, share of "
                     "each category's GMV</h2>" + table_html(wins.set_index("platform").T
                                                             .reset_index(names="")))
    if shocks:
        parts.append("<h2>Shocks on the calendar</h2><table><tr><th>when</th><th>what</th></tr>"
                     + "".join(f"<tr><td>{e(w)}</td><td style='text-align:left'>{e(t)}</td>"
                               "</tr>" for w, t in shocks) + "</table>")
    for key, (path, caption) in figures.items():
        parts.append(f"<h2>{e(caption)}</h2>{image_tag(path, key)}")
    parts.append("</body></html>")
    index = out / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index
