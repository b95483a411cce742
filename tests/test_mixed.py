"""A posting whose duties are half customer success and half technical support: what it
gets, as the README's decision rules say. One label (the side the model weighs more: here
support, whose phrases and bias weigh more than success's), usually ``confident`` — either
label is a right answer, and confidence is the probability that the label is right — with
the other side as the runner-up and a share far above the remaining functions', and both
sides in the evidence. The margin does not decide."""

from __future__ import annotations

import pytest

from cxcs.engine.classify import classify
from cxcs.models.knowledge import Knowledge

BULLETED = (
    "Customer Success & Support Specialist\n"
    "What you'll do\n"
    "- Own renewals for a book of 60 mid-market accounts and run quarterly business reviews "
    "(QBRs) with their admins.\n"
    "- Drive product adoption: onboard new customers, track health scores and build success "
    "plans that reduce churn.\n"
    "- Work the inbound support ticket queue in Zendesk and meet our SLAs for first response "
    "time.\n"
    "- Troubleshoot login, integration and sync issues, reproduce bugs and escalate them to "
    "engineering.\n"
    "What you bring\n"
    "- Three years in a customer-facing role at a B2B software company.\n"
    "- Clear writing and a calm manner on the phone.\n"
)

PROSE = (
    "About the role\n"
    "Half of your week goes to our customers' success: you own the renewal of each account, "
    "lead QBRs, grow adoption of new features and spot churn risks early from usage data.\n"
    "The other half goes to technical support: you answer support tickets, troubleshoot "
    "errors in our API and integrations, reproduce bugs, write knowledge base articles and "
    "escalate defects to engineering.\n"
    "Requirements\n"
    "Two years of customer success or technical support experience in SaaS; comfortable "
    "with Zendesk, Salesforce and Gainsight.\n"
)

SUCCESS_ONLY = (
    "Own renewals for a book of 60 mid-market accounts and run quarterly business reviews "
    "(QBRs) with their admins. Drive product adoption: onboard new customers, track health "
    "scores and build success plans that reduce churn and grow expansion revenue."
)


@pytest.mark.parametrize("text", [BULLETED, PROSE], ids=["bulleted", "prose"])
def test_an_even_split_gets_one_label_with_the_other_as_runner_up(kb: Knowledge, text: str) -> None:
    result = classify(kb, text)
    shares = {s.function: s.score for s in result.scores}
    assert result.label == "support" and result.runner_up == "success"
    assert result.decision == "confident"  # support is a right answer; so is success
    assert shares["success"] >= 0.15  # the mix shows in the runner-up's share …
    assert all(shares[f] < 0.05 for f in ("cx", "service", "ux"))  # … far above the rest
    assert result.not_customer_facing < 0.05
    groups = result.evidence_by_function()
    assert list(groups)[:2] == ["support", "success"]  # and both sides are quoted
    assert result.margin is not None and result.margin < 0.6


def test_the_mix_is_what_moves_the_share(kb: Knowledge) -> None:
    """The success half alone reads as success; the support half added makes success the
    runner-up, not noise: the share, not the decision, carries the mix."""
    alone = classify(kb, SUCCESS_ONLY)
    assert alone.label == "success"
    mixed = classify(kb, BULLETED)
    shares = {s.function: s.score for s in mixed.scores}
    assert 0.15 <= shares["success"] < shares["support"]
