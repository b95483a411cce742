"""Use cxcs from Python: compare two functions, classify a posting, add your own knowledge.

Run it from anywhere: ``python examples/api_example.py``.
"""

from __future__ import annotations

from pathlib import Path

from cxcs import classify, compare, load_knowledge
from cxcs.models.compare import PairComparison

POSTING = """\
Technical Support Engineer

What you'll do
- Troubleshoot customer issues with our API and integrations, reproduce bugs and escalate
  defects to engineering with clear reproduction steps.
- Work the support ticket queue in Zendesk and meet our first response time SLAs.
- Write knowledge base articles for the problems customers hit most often.

What you bring
- Two years in technical support or a help desk role.
- Comfortable reading logs and diagnosing configuration problems.
"""

OVERLAY = Path(__file__).resolve().parent / "overlay"


def main() -> None:
    # 1. The shipped knowledge base.
    kb = load_knowledge()
    print(f"functions: {', '.join(kb.functions)}")

    # 2. Compare two functions on every axis ("cs" is ambiguous: it means customer success).
    pair = compare(kb, "cx", "cs")
    assert isinstance(pair, PairComparison)
    for row in pair.axes[:3]:
        # .value is the primary claim; .alternative the minority claim of a disputed cell
        b = f"{row.b.value} (or {row.b.alternative})" if row.b.disputed else row.b.value
        flag = " (disputed)" if row.disputed else ""
        print(f"{row.name}: {row.a.value} vs {b} -> {row.verdict}{flag}")
    print(
        f"similarity: {pair.similarity:.2f} ({pair.similarity_min:.2f}-{pair.similarity_max:.2f})"
    )

    # 3. Classify a job posting by what its duties describe.
    result = classify(kb, POSTING)
    title = result.title.title if result.title else None
    print(f"classified: {result.label} ({result.decision}; title: {title})")
    top = sorted({e.phrase for e in result.evidence if e.function == result.label})[:5]
    print(f"evidence: {', '.join(top)}")

    # 4. Your own knowledge: an overlay adds functions, metrics and classifier phrases.
    mine = load_knowledge([OVERLAY])
    added = [fid for fid in mine.functions if fid not in kb.functions]
    print(f"overlay adds: {', '.join(added)}")
    am = compare(mine, "account_management", "success", axes=["revenue_accountability"])
    assert isinstance(am, PairComparison)
    row = am.axes[0]
    print(f"{row.name}: AM {row.a.value} vs success {row.b.value} (or {row.b.alternative})")


if __name__ == "__main__":
    main()
