"""The parameter reference: every configuration field with its unit, default and source.

``python -m model.config.reference > docs/parameters.md`` regenerates the document; a test keeps
it in step with the code.
"""

from __future__ import annotations

from model.config.archetypes import ARCHETYPES
from model.config.params import describe
from model.config.scenario import MarketConfig


def parameter_table() -> str:
    """Markdown tables of all parameters, grouped by section."""
    lines = [
        "# Parameters",
        "",
        "Generated from `model/config/` by `python -m model.config.reference`; "
        "do not edit by hand.",
        "Keys are dotted paths as used by `--set` (platforms and other lists by item:",
        "`platforms.NAME.referral_fee`). Sources: a docs/sources.md entry where named, else a",
        "modelling choice.",
    ]
    section = None
    for row in describe(MarketConfig):
        head = row["key"].split(".")[0] if "." in row["key"] else "market"
        if head != section:
            section = head
            lines += ["", f"## {section}", "",
                      "| key | unit | default | allowed | meaning | source |",
                      "|---|---|---|---|---|---|"]
        cells = [f"`{row['key']}`", row["unit"], f"`{row['default']}`", row["allowed"],
                 row["meaning"], row["source"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += ["", "## Platform archetypes (`kind`)", "",
              "Each preset fills the platform fields a scenario leaves out.", "",
              "| kind | preset |", "|---|---|"]
    for kind, preset in ARCHETYPES.items():
        values = ", ".join(f"{k}={v!r}" for k, v in preset.items())
        lines.append(f"| `{kind}` | {values} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(parameter_table(), end="")
