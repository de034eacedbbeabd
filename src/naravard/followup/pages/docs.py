"""The indicator reference in docs/indicators.md, written from the registry so the page cannot drift from
the definitions (a test compares the committed page with this output; ``python -m naravard.followup.pages.docs
docs/indicators.md`` rewrites it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from naravard.followup.indicators import FAMILIES
from naravard.followup.results.targets import DEFAULT_TARGETS, Target, change_words

BEGIN = "## Indicators\n"
END = "\n## Open points\n"
DOMAINS = (
    ("continuity", "Continuity (kontinuitet)"),
    ("accessibility", "Accessibility (tillgänglighet)"),
    ("participation", "Participation (delaktighet)"),
    ("coordination", "Coordination (samordning)"),
)


def _number(v: float) -> str:
    return f"{v:g}"


def _target(t: Target) -> str:
    """A national target as the page states it: its value, or a relative one's change and baseline."""
    said = f"{change_words(t.value)} vs {t.baseline}" if t.baseline else _number(t.value)
    return f" · target {said} ({t.source})"


def indicators_markdown() -> str:
    """The page's section from ``## Indicators`` up to (not including) ``## Open points``."""
    targets = {t.indicator: t for t in DEFAULT_TARGETS if t.scope_type is None}
    out = [BEGIN]
    for domain, title in DOMAINS:
        out.append(f"\n### {title}\n")
        for fam in FAMILIES:
            for i in fam.indicators:
                if i.domain != domain:
                    continue
                better = "higher is better" if i.higher_is_better else "lower is better"
                t = targets.get(i.code)
                target = _target(t) if t else ""
                num = "— (quantile)" if i.quantile is not None else i.numerator
                out.append(
                    f"\n#### `{i.code}` — {i.name_sv}\n*{i.name_en}* · unit: {i.unit} · {better}{target}\n\n"
                    f"- Definition: {i.definition}\n- Numerator: {num}\n- Denominator: {i.denominator}\n"
                    f"- Source: {i.source}\n- Computed by family `{fam.name}`\n"
                )
    return "".join(out)


def rewrite(page: str) -> str:
    """``page`` with its indicator section replaced by the generated one."""
    start, end = page.index(BEGIN), page.index(END)
    return page[:start] + indicators_markdown() + page[end:]


if __name__ == "__main__":
    page = Path(sys.argv[1])
    page.write_text(rewrite(page.read_text(encoding="utf-8")), encoding="utf-8")
