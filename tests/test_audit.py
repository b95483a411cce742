"""The audit of the knowledge against the five articles (issue 11): which disputes remain,
which slips are notes, and the facts the audit fixed. Each fact names its article."""

from __future__ import annotations

import re

from cxcs.models.knowledge import Knowledge
from tests.support import shared_path


def _disputes(kb: Knowledge) -> set[tuple[str, str, str]]:
    found = set()
    for fid, function in kb.functions.items():
        for axis_id, cell in function.cells.items():
            if cell.items is not None:
                found |= {(fid, axis_id, k) for k, i in cell.items.items() if i.disputed}
            elif cell.disputed:
                found.add((fid, axis_id, ""))
    return found


def test_only_the_disputes_two_articles_make_remain(kb: Knowledge) -> None:
    assert _disputes(kb) == {
        ("success", "scope", ""),  # crucial-differences, cs-vs-cx-saas vs cx-versus-cs
        ("cx", "timeframe", ""),  # customer-management-terms vs cx-versus-cs
        ("cx", "metrics", "ces"),  # cx-versus-cs vs cs-vs-cx-saas
        ("success", "metrics", "ces"),
    }


def test_slips_are_notes_not_disputes(kb: Knowledge) -> None:
    support = kb.functions["support"].cells
    assert support["proactivity"].claim.value == "reactive"
    assert "slip" in (support["proactivity"].note or "")
    assert support["relationship"].claim.value == "transactional"
    assert "onboarding" not in support["responsibilities"].item_ids("any")
    assert kb.functions["service"].cells["relationship"].claim.value == "transactional"
    assert kb.functions["service"].cells["scope"].claim.value == "single interaction"


def test_no_claim_rests_on_our_own_reading(kb: Knowledge) -> None:
    """CX personalization 'segmented' was no article's claim."""
    assert kb.functions["cx"].cells["personalization"].claim.value == "individual"


def test_ces_is_effort_so_lower_is_better_and_its_owner_is_disputed(kb: Knowledge) -> None:
    ces = kb.metrics["ces"]
    assert ces.direction == "lower"
    assert ces.disputed and set(ces.owners) == {"cx", "success"}


def test_csat_is_undisputed_wherever_an_article_measures_by_satisfaction(kb: Knowledge) -> None:
    """customer-management-terms measures support and service by satisfaction, and
    cx-versus-cs measures customer success by it as it does CX (the same sentence gives
    success product usage and renewals); no article denies it to any of them (cs-vs-cx-saas,
    which files CSAT with CX, expects CX and success metrics to overlap), so there are no
    opposite claims: CSAT is undisputed for all four."""
    csat = kb.metrics["csat"]
    assert not csat.disputed
    assert set(csat.owners) == {"cx", "service", "success", "support"}
    for fid in csat.owners:
        item = kb.functions[fid].cells["metrics"].items["csat"]  # type: ignore[index]
        assert not item.disputed
    success = kb.functions["success"].cells["metrics"].items or {}
    cited = {(s.article, s.section) for s in success["csat"].sources}
    assert cited == {("cx-versus-cs", "Understanding Customer Success (CS)")}
    assert cited <= {(s.article, s.section) for s in success["product_usage"].sources}


def test_cx_and_success_metrics_overlap_as_cs_vs_cx_saas_expects(kb: Knowledge) -> None:
    """'Different' (nothing shared) overstated it: they share CSAT under either reading of
    who owns CES."""
    from cxcs.engine.compare import compare_pair

    row = next(r for r in compare_pair(kb, "cx", "success").axes if r.axis == "metrics")
    assert row.verdict == "overlap" and row.shared == ("csat",)
    assert row.alternatives == ()


def test_support_handles_requests_as_service_does(kb: Knowledge) -> None:
    """customer-management-terms: support handles incoming requests and inquiries."""
    duties = kb.functions["support"].cells["responsibilities"].items or {}
    assert {(s.article, s.section) for s in duties["request_processing"].sources} == {
        ("customer-management-terms", "Difference between Customer Success and Customer Support")
    }
    assert "request_processing" in kb.functions["service"].cells["responsibilities"].item_ids()


def test_service_and_support_keep_customers_in_the_same_words(kb: Knowledge) -> None:
    """customer-management-terms says of service what it says of support: good help keeps
    customers using the product. Both take part in retention and contribute there."""
    for fid in ("service", "support"):
        assert "retention" in kb.functions[fid].cells["journey_stages"].item_ids(), fid
        assert kb.journey.roles["retention"][fid].role == "contributes", fid
    stages = kb.functions["service"].cells["journey_stages"].items or {}
    assert {s.section for s in stages["retention"].sources} == {"What is customer service?"}


def test_ces_reason_claims_no_definition_cx_versus_cs_does_not_give(kb: Knowledge) -> None:
    """cx-versus-cs only names CES; cs-vs-cx-saas is the one article that defines it."""
    for fid in ("cx", "success"):
        reason = kb.functions[fid].cells["metrics"].items["ces"].reason or ""  # type: ignore[index]
        assert "Both articles define" not in reason
        assert "cs-vs-cx-saas defines CES" in reason


def test_success_leads_retention_and_cx_contributes(kb: Knowledge) -> None:
    """cs-vs-cx-saas makes success managers answerable for retention (CX runs surveys)."""
    roles = kb.journey.roles["retention"]
    assert roles["success"].role == "leads"
    assert roles["cx"].role == "contributes"
    assert ("cs-vs-cx-saas", "What does a customer success manager do?") in {
        (s.article, s.section) for s in roles["success"].sources
    }


def test_no_role_rests_on_our_own_reading(kb: Knowledge) -> None:
    """UX 'contributes' at adoption was our inference; it now only takes part there."""
    assert "ux" not in kb.journey.roles.get("adoption", {})
    assert "adoption" in kb.functions["ux"].cells["journey_stages"].item_ids("any")


def test_success_works_with_the_product_team_on_continuous_improvement(kb: Knowledge) -> None:
    item = kb.functions["success"].cells["responsibilities"].items["continuous_improvement"]  # type: ignore[index]
    assert {(s.article, s.section) for s in item.sources} == {
        ("customer-management-terms", "10- Continuous Improvement")
    }


def test_every_set_item_cites_a_section_that_exists(kb: Knowledge) -> None:
    """Per-item sources: marketing and sales in cx.collaborates_with cite sections naming them."""
    items = kb.functions["cx"].cells["collaborates_with"].items or {}
    sections = {s.section for s in items["marketing"].sources}
    assert "4- Involvement" in sections
    assert {s.section for s in items["sales"].sources} == {"4- Involvement"}


def test_every_cited_section_is_a_heading_of_its_article(kb: Knowledge) -> None:
    """Sources point at real sections: each cited heading occurs in the article's text."""
    seeds = shared_path("seeds")
    sources = set()
    for function in kb.functions.values():
        for cell in function.cells.values():
            sources |= set(cell.sources_all)
        if function.under is not None:
            sources |= set(function.under.sources)
    for metric in kb.metrics.values():
        sources |= set(metric.sources)
    for roles in kb.journey.roles.values():
        for role in roles.values():
            sources |= set(role.sources)
    texts: dict[str, str] = {}
    missing = []
    for source in sources:
        seed = kb.articles[source.article].seed
        if seed is None or source.section == "Introduction":
            continue
        if seed not in texts:
            raw = (seeds / seed).read_text(encoding="utf-8")
            texts[seed] = re.sub(r"\s+", " ", raw.replace("\u00a0", " "))
        if source.section not in texts[seed]:
            missing.append((source.article, source.section))
    assert texts, "no cited article has a seed text: nothing was checked"
    assert not missing


COPY_RUN = 8
"""Eight or more consecutive words shared with a source article make a copy, not our words."""


def _words(text: str) -> list[str]:
    """Lowercase words, apostrophes dropped (curly or straight), so "they've" = "theyve"."""
    return re.findall(r"[a-z0-9]+", re.sub(r"['\u2019]", "", text.lower()))


def _prose(node: object, headings: tuple[str, ...], path: str = "") -> list[tuple[str, str]]:
    """Every text value under ``node`` (path, text), citations left out: sources, section
    names, and article titles are references to the articles, not our wording."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if (not path and key == "articles") or key in {"sources", "disputed_by", "section"}:
                continue
            found += _prose(value, headings, f"{path}.{key}".lstrip("."))
    elif isinstance(node, list):
        if all(isinstance(v, str) and " § " in v for v in node):
            return found  # an item's bare list of sources
        for index, value in enumerate(node):
            found += _prose(value, headings, f"{path}[{index}]")
    elif isinstance(node, str):
        for heading in headings:  # a note may name the section it cites
            node = node.replace(heading, " | ")
        found.append((path, node))
    return found


def _runs(words: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def copied_runs(text: str, seed_runs: set[tuple[str, ...]]) -> list[str]:
    """The runs of COPY_RUN words of ``text`` (split at '|') that also occur in a seed."""
    hits = []
    for part in text.split("|"):
        hits += [" ".join(r) for r in sorted(_runs(_words(part), COPY_RUN) & seed_runs)]
    return hits


def _seed_runs(kb: Knowledge) -> dict[str, set[tuple[str, ...]]]:
    seeds = shared_path("seeds")
    return {
        aid: _runs(_words((seeds / a.seed).read_text(encoding="utf-8")), COPY_RUN)
        for aid, a in kb.articles.items()
        if a.seed is not None
    }


def test_the_copy_check_finds_eight_words_in_a_row_and_not_seven(kb: Knowledge) -> None:
    """The check itself can fail: a run of eight words from an article is caught, seven
    are not (the words are taken from the article at run time, never stored here)."""
    runs = _seed_runs(kb)
    seed = kb.articles["cx-versus-cs"].seed
    assert seed is not None
    words = _words((shared_path("seeds") / seed).read_text(encoding="utf-8"))
    eight, seven = " ".join(words[40:48]), " ".join(words[40:47])
    assert copied_runs(f"Our words, then {eight}, then ours.", runs["cx-versus-cs"])
    assert not copied_runs(f"Our words, then {seven}, then ours.", runs["cx-versus-cs"])


def test_every_text_in_the_knowledge_is_in_our_own_words(kb: Knowledge) -> None:
    """No value, note, reason, summary, label or definition shares eight or more words in a
    row with any source article (its cited section headings aside)."""
    import yaml

    from cxcs.knowledge.load import data_dir

    runs = _seed_runs(kb)
    headings = set()
    for function in kb.functions.values():
        for cell in function.cells.values():
            headings |= {s.section for s in cell.sources_all}
    for metric in kb.metrics.values():
        headings |= {s.section for s in metric.sources}
    longest_first = tuple(sorted(headings, key=len, reverse=True))
    copies = []
    for name in ("functions.yaml", "metrics.yaml"):
        data = yaml.safe_load((data_dir() / name).read_text(encoding="utf-8"))
        for path, text in _prose(data, longest_first):
            for article, seed_runs in runs.items():
                copies += [(name, path, article, hit) for hit in copied_runs(text, seed_runs)]
    assert not copies, copies


def test_support_is_standardized_only_on_practitioner_reading(kb: Knowledge) -> None:
    """customer-management-terms asks support for consistent answers and calls customer
    service, not support, standardized: the value rests partly on practice (†)."""
    cell = kb.functions["support"].cells["personalization"]
    assert cell.claim.value == "standardized"
    assert cell.practice


def test_service_does_not_collaborate_with_the_team_that_runs_it(kb: Knowledge) -> None:
    """'Managed by the dedicated support team' says who carries service out."""
    service = kb.functions["service"].cells
    assert "customer_support" in service["teams_involved"].item_ids("any")
    assert "customer_support" not in service["collaborates_with"].item_ids("any")


def test_a_metric_cites_articles_that_name_it_as_a_measure(kb: Knowledge) -> None:
    """ux-cx-cs-cs names upselling as a duty and crucial-differences churn prevention as a
    duty; neither names the metric."""
    articles = {mid: {s.article for s in m.sources} for mid, m in kb.metrics.items()}
    assert "ux-cx-cs-cs" not in articles["expansion_revenue"]
    assert "crucial-differences" not in articles["customer_churn_rate"]


def test_personalization_cites_tailoring_not_whose_goals(kb: Knowledge) -> None:
    """CX's cell reads cs-vs-cx-saas's individual (success) vs collective (CX) goals as whose
    outcomes each looks after, not as tailoring: success's cell does not cite that section
    for tailoring either (crucial-differences's tailored support and cs-vs-cx-saas's
    personalized onboarding do say it)."""
    cited = {
        (s.article, s.section) for s in kb.functions["success"].cells["personalization"].sources
    }
    assert (
        "cs-vs-cx-saas",
        "Differences between CX metrics and customer success metrics",
    ) not in cited
    assert cited == {
        ("crucial-differences", "CS: CUSTOMER SUCCESS AT THE INDIVIDUAL LEVEL"),
        ("cs-vs-cx-saas", "What does a customer success manager do?"),
    }
