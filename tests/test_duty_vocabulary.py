"""Duties read as their function with the function names blanked out (postings written for
these tests): the vocabulary each function's work uses, not the name on the team."""

from __future__ import annotations

import pytest

from cxcs.engine.classify import classify
from cxcs.models.classify import Classification
from cxcs.models.knowledge import Knowledge

QUANT_UX_RESEARCH = (
    "About the role\n"
    "As our first quantitative _____ researcher (UXR) you will study how people use our "
    "mobile app and turn what you learn into research insights for the product teams.\n"
    "What you'll do\n"
    "- Plan the research roadmap with designers and product managers\n"
    "- Run large surveys and analyse behavioural data with regression and statistical "
    "analysis in R or Python\n"
    "- Combine quantitative and qualitative findings and present them to leadership\n"
    "What you'll bring\n"
    "- A degree in human-computer interaction, psychology or statistics\n"
    "- Experience with survey design and experiments on live products\n"
)

DESIGN_UNDER_REQUIREMENTS = (
    "## About Brightside\n"
    "Brightside is a fast-growing platform for online events, loved by users and "
    "creators, with millions of users and a growing product and data team.\n"
    "## About you\n"
    "You are a skilled _____ and UI designer with a portfolio of digital products. You "
    "run user testing and concept testing, keep our style guide and design patterns "
    "consistent, and hand pixel-perfect design specs to engineers. You make intuitive, "
    "user-friendly flows from sketches to interactive mock-ups.\n"
)

SERVICE_DESK = (
    "The job\n"
    "You will be the friendly voice of our energy company for households. Every day you "
    "will handle enquiries over the phone and by email, respond to account enquiries and "
    "billing questions, log customer correspondence, help with delivery issues and order "
    "tracking, resolve queries at the first contact, and pass complaints on to the right "
    "team. Full training is given; you will work shifts including some weekends.\n"
)

HELP_CENTRE = (
    "What you'll do\n"
    "Own our help centre: write and update help articles and FAQs, build self-service "
    "guides so customers can solve problems themselves, and keep the canned responses and "
    "macros the _____ agents use accurate. Review the support content every quarter with "
    "the agents and the product team.\n"
)

ONBOARDING = (
    "What you'll do\n"
    "You will lead onboarding for our mid-market accounts: onboard new customers "
    "from kick-off to first value, write account plans with each customer's "
    "sponsor, track adoption and retention and step in early as part of churn prevention. "
    "You report on the health of your book to the head of accounts each month.\n"
)

FRONTLINE = (
    "What you'll do\n"
    "Work in our high-street branch as the first point of contact for members of the "
    "public: counter service for account holders, serving customers who walk in, welcoming "
    "visitors at reception and answering telephone enquiries about billing. On Saturdays "
    "you will help shoppers on the sales floor. You will work shifts, some at weekends.\n"
)

HANDOFF = (
    "What you'll do\n"
    "Take the hand-off from sales for every new account and run customer onboarding through "
    "to go-live. As the main point of contact for a set of mid-sized clients you will plan "
    "their first ninety days, keep onboarding new clients on schedule, and show each "
    "sponsor the value realisation they were promised.\n"
)

JOURNEY_DESIGN = (
    "What you'll do\n"
    "As an experience designer on our digital touchpoints you will map customer journeys "
    "across the app and the website, run user research and usability studies, keep our "
    "design systems consistent, and lift conversion rates on the digital journeys where "
    "people drop out.\n"
)

BANK_BRANCH = (
    "Role\n"
    "As a branch advisor you are the first person our members meet. Help them open "
    "accounts, pay in cheques and cash, set up direct debits and standing orders, and answer "
    "questions about savings and mortgages. Refer members to specialists when they need "
    "advice, and keep the banking hall welcoming.\n"
)

KICKOFF = (
    "The role\n"
    "You will guide new customers from signature to first value: run the kickoff call, "
    "agree an implementation plan with each of them, configure their workspace with their "
    "admins, train their end users, and hand them over to their account manager once they "
    "go live and adopt the product.\n"
)

ACCESSIBILITY = (
    "What you'll do\n"
    "Run accessibility testing of our websites and apps against the accessibility "
    "guidelines, test with a screen reader and other assistive technology, hold sessions "
    "with disabled users, and help designers and developers fix what the accessibility "
    "audit finds.\n"
)

POSTINGS = [
    ("quant ux research", QUANT_UX_RESEARCH, "ux"),
    ("bank branch", BANK_BRANCH, "service"),
    ("kickoff", KICKOFF, "success"),
    ("accessibility", ACCESSIBILITY, "ux"),
    ("frontline", FRONTLINE, "service"),
    ("hand-off", HANDOFF, "success"),
    ("journey design", JOURNEY_DESIGN, "ux"),
    ("design under requirements", DESIGN_UNDER_REQUIREMENTS, "ux"),
    ("service desk", SERVICE_DESK, "service"),
    ("help centre", HELP_CENTRE, "support"),
    ("onboarding", ONBOARDING, "success"),
]


def _phrases(result: Classification, function: str) -> set[str]:
    return {e.phrase for e in result.evidence if e.function == function and e.weight > 0}


@pytest.mark.parametrize(
    ("text", "function", "phrases"),
    [
        (
            QUANT_UX_RESEARCH,
            "ux",
            {"uxr", "research insights", "research roadmap", "human-computer interaction"},
        ),
        (
            FRONTLINE,
            "service",
            {"counter service", "serving customers", "first point of contact", "reception"},
        ),
        (HANDOFF, "success", {"hand-off from sales", "customer onboarding", "go-live"}),
        (BANK_BRANCH, "service", {"open accounts", "cheques", "direct debits", "banking hall"}),
        (KICKOFF, "success", {"kickoff call", "implementation plan", "first value", "go-live"}),
        (
            ACCESSIBILITY,
            "ux",
            {"accessibility testing", "screen reader", "assistive technology"},
        ),
        (JOURNEY_DESIGN, "ux", {"experience designer", "digital touchpoints", "conversion rate"}),
        (DESIGN_UNDER_REQUIREMENTS, "ux", {"user testing", "style guide", "user-friendly"}),
        (
            SERVICE_DESK,
            "service",
            {"handle enquiries", "account enquiries", "order tracking", "resolve queries"},
        ),
        (HELP_CENTRE, "support", {"help centre", "self-service", "canned responses"}),
        (ONBOARDING, "success", {"account plans"}),
    ],
    ids=[name for name, _, _ in POSTINGS],
)
def test_duties_read_as_their_function_with_the_names_blanked(
    kb: Knowledge, text: str, function: str, phrases: set[str]
) -> None:
    """With "user experience", "customer support" and the like blanked to ``_____``, the
    duties alone carry the answer: a quantitative UX researcher's statistics and code once
    made them *not customer-facing*, a designer whose work is listed under "About you"
    after a company blurb too, and a help-centre role read as nothing at all."""
    result = classify(kb, text, None, detect_title=False)
    assert (result.label, result.decision) == (function, "confident"), result.reason
    assert phrases <= _phrases(result, function)


def test_statistics_in_a_user_researchers_duties_still_count_as_not_customer_facing(
    kb: Knowledge,
) -> None:
    """The UX research vocabulary outweighs the statistics; it does not blank them: the
    same statistics in an analyst's duties are still evidence of a non-customer-facing
    role."""
    result = classify(kb, QUANT_UX_RESEARCH, None, detect_title=False)
    assert {"regression", "statistical analysis"} <= _phrases(result, "none")
    analyst = (
        "What you'll do\nBuild forecasting models with regression and statistical analysis "
        "in Python, maintain the data warehouse and the ETL jobs that feed it, write SQL for "
        "the monthly financial reporting, and present revenue and cost forecasts to the "
        "finance team and the board every quarter.\n"
    )
    assert classify(kb, analyst, None, detect_title=False).decision == "not_customer_facing"


def test_journey_words_in_design_work_favour_ux_over_cx(kb: Knowledge) -> None:
    """A designer who maps customer journeys is still a designer: design systems, user
    research and conversion on digital journeys count for UX and against CX, as
    wireframes and prototypes did."""
    result = classify(kb, JOURNEY_DESIGN, None, detect_title=False)
    against_cx = {e.phrase for e in result.evidence if e.function == "cx" and e.weight < 0}
    assert {"design system", "user research", "digital touchpoints"} <= against_cx
    assert "customer journey" in _phrases(result, "cx")  # read, and outweighed


def test_an_office_finance_role_is_not_customer_facing(kb: Knowledge) -> None:
    """Finance, bookkeeping and HR duties of a small employer's back office are none of
    the five functions."""
    text = (
        "What you'll do\n"
        "Lead the finance function of a small charity: prepare the monthly management "
        "accounts, oversee bookkeeping and payroll, act as company secretary to the board, "
        "and look after human resources and office administration. You will be ACCA or CIMA "
        "qualified.\n"
    )
    result = classify(kb, text, None, detect_title=False)
    assert result.decision == "not_customer_facing"
    assert {"management accounts", "bookkeeping", "company secretary"} <= _phrases(result, "none")
