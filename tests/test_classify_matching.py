"""Matching in the sense meant, sections that end where they should, HTML stripped.

One test per word-sense collision and per section case (postings written for these tests).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxcs.engine.classify import classify, features, sections_of
from cxcs.engine.lexicon import REQUIREMENTS
from cxcs.engine.text import strip_html
from cxcs.models.classify import Classification
from cxcs.models.knowledge import Knowledge

SUPPORT = (
    "Work the ticket queue in Zendesk, troubleshoot technical issues reported by customers, "
    "reproduce bugs and escalate them to engineering, and write knowledge base articles. "
)


def matched(result: Classification, function: str | None = None) -> set[str]:
    """The posting's words that matched (lowercased), optionally for one function."""
    return {e.text.lower() for e in result.evidence if function is None or e.function == function}


# --- word senses -------------------------------------------------------------------------


def test_patient_the_adjective_is_not_patients(kb: Knowledge) -> None:
    calm = classify(kb, "Be patient and calm with every caller. " + SUPPORT, None)
    assert "patient" not in matched(calm)
    ward = classify(kb, "Care for patients on a busy surgical ward, give medication.", None)
    assert "patients" in matched(ward, "none")


def test_programme_is_not_programming(kb: Knowledge) -> None:
    result = classify(kb, "Run our customer feedback programme and the NPS programme.", None)
    assert not any(e.function == "none" for e in result.evidence)
    assert "customer feedback programme" in matched(result, "cx")
    coding = classify(kb, "Daily programming in Go and code reviews.", None)
    assert "programming" in matched(coding, "none")


@pytest.mark.parametrize("phrase", ["use cases", "business cases", "test cases"])
def test_use_and_business_cases_are_not_support_cases(kb: Knowledge, phrase: str) -> None:
    result = classify(kb, f"Write {phrase} for the roadmap with product managers.", None)
    assert not any("case" in text for text in matched(result, "support"))
    support = classify(kb, "Resolve support cases from customers by email.", None)
    assert "support cases" in matched(support, "support")


def test_picking_up_new_tools_is_not_warehouse_picking(kb: Knowledge) -> None:
    result = classify(kb, "You enjoy picking up new tools quickly and helping customers.", None)
    assert "picking" not in matched(result)
    warehouse = classify(kb, "Picking, packing and loading orders onto pallets.", None)
    assert any(text.startswith("picking") for text in matched(warehouse, "none"))


def test_logging_bug_reports_is_not_logs(kb: Knowledge) -> None:
    result = classify(kb, "Log bug reports for engineering and follow them up.", None)
    assert not any(text.startswith("log") for text in matched(result))
    assert "bug reports" in matched(result, "support")
    logs = classify(kb, "Read server logs to find the cause of customer issues.", None)
    assert "logs" in matched(logs, "support")


def test_moderate_is_not_moderated(kb: Knowledge) -> None:
    result = classify(kb, "Moderate experience with spreadsheets is expected.", None)
    assert not any(e.function == "ux" for e in result.evidence)
    ux = classify(kb, "Run moderated and unmoderated usability sessions.", None)
    assert "moderated" in matched(ux, "ux")


@pytest.mark.parametrize(
    "field",
    ["We make accounting software for small firms.", "We are a nursing company in Leeds."],
)
def test_the_employers_field_is_not_the_roles_duties(kb: Knowledge, field: str) -> None:
    result = classify(kb, field + " " + SUPPORT, None)
    assert not {"accounting", "nursing"} & matched(result, "none")
    duties = classify(kb, "Handle accounting and month-end reconciliations.", None)
    assert "accounting" in matched(duties, "none")


def test_support_inquiries_and_calls_read_as_support(kb: Knowledge) -> None:
    result = classify(
        kb, "Handle inbound support inquiries and support calls from our users.", None
    )
    assert {"inbound support inquiries", "support calls"} <= matched(result, "support")


def test_in_order_to_is_not_customer_orders(kb: Knowledge) -> None:
    """The words "in order to" were read as service "orders" (in user researchers' and
    success coordinators' duties alike); customers' orders still are."""
    result = classify(kb, "Gather feedback in order to improve the product. " + SUPPORT, None)
    assert not any(text.startswith("order") for text in matched(result))
    orders = classify(kb, "Take customer orders by phone and process refunds.", None)
    assert "orders" in matched(orders, "service")


def test_returning_customers_are_not_returns(kb: Knowledge) -> None:
    result = classify(kb, "Delight new and returning customers on our website.", None)
    assert not any(text.startswith("return") for text in matched(result, "service"))
    returns = classify(kb, "Process returns and refunds for online shoppers.", None)
    assert "process returns" in matched(returns, "service")


@pytest.mark.parametrize(
    "sentence",
    [
        "Application packs can be downloaded from our website.",
        "The job pack holds the full person specification.",
    ],
)
def test_a_job_pack_is_not_packing(kb: Knowledge, sentence: str) -> None:
    """British postings send candidates to an "application pack": it read as the
    warehouse duty "packing" (*not customer-facing*)."""
    result = classify(kb, f"{SUPPORT}{sentence}", None)
    assert not any(text.startswith("pack") for text in matched(result, "none"))
    packing = classify(kb, "Picking and packing orders in our warehouse, packing parcels.", None)
    assert any(text.startswith("pack") for text in matched(packing, "none"))


@pytest.mark.parametrize("words", ["embedded in", "embedded within", "embedded into"])
def test_embedded_in_a_team_is_not_embedded_software(kb: Knowledge, words: str) -> None:
    """A designer or researcher "embedded within a product team" does no embedded
    engineering; embedded software still counts."""
    text = f"You will be {words} a product team, running user research and usability tests."
    assert "embedded" not in matched(classify(kb, text, None), "none")
    firmware = classify(kb, "Write embedded C for our sensors and debug the firmware.", None)
    assert "embedded" in matched(firmware, "none")


def test_a_stock_exchange_is_not_exchanges(kb: Knowledge) -> None:
    """An employer "listed on the London Stock Exchange" handles no returns and exchanges."""
    result = classify(kb, f"{SUPPORT}We are listed on the London Stock Exchange.", None)
    assert not any(text.startswith("exchange") for text in matched(result, "service"))
    returns = classify(kb, "Process refunds and exchanges for shoppers in store.", None)
    assert "exchanges" in matched(returns, "service")


# --- sections ----------------------------------------------------------------------------

DUTIES = "Answer support tickets, troubleshoot login issues and escalate bugs to engineering."


@pytest.mark.parametrize(
    "heading", ["TOTAL REWARDS", "About Us", "Company Description", "OUR STORY"]
)
def test_a_heading_like_line_ends_a_company_or_benefits_section(
    kb: Knowledge, heading: str
) -> None:
    text = f"{heading}\nWe are a friendly company with great perks.\nTHE JOB\n{DUTIES}\n"
    sections = sections_of(kb, text)
    assert sections.at(text.index("perks")) in {"company", "benefits"}
    assert sections.at(text.index("Answer")) not in {"company", "benefits"}


def test_a_heading_or_a_salary_on_the_first_line_is_not_taken_as_the_title(kb: Knowledge) -> None:
    for first in ("About Us", "Salary: £28,000 per year"):
        text = f"{first}\nWe make accounting software.\nWhat you'll do\n{DUTIES * 3}"
        result = classify(kb, text, None)
        assert result.title is None
        assert result.label == "support"
        assert all(e.section != "summary" for e in result.evidence if e.start < 40)


def test_a_first_line_salary_does_not_swallow_the_duties(kb: Knowledge) -> None:
    text = f"Salary: £28,000 per year\nWe are hiring. {DUTIES}\n{DUTIES}\n{DUTIES}"
    sections = sections_of(kb, text)
    assert sections.at(text.index("28,000")) == "benefits"
    assert sections.at(text.index("Answer")) == "summary"
    result = classify(kb, text, None, detect_title=False)
    assert result.label == "support"


def test_an_inline_heading_over_a_hard_wrapped_paragraph_holds_the_whole_paragraph(
    kb: Knowledge,
) -> None:
    """A "Job Duties: ..." line wrapped at a fixed width mid-sentence runs on to the blank line;
    a short "Salary: ..." field still ends at its own line."""
    text = (
        "About us\nWe build software for hospitals and have offices in three cities.\n\n"
        "Job Duties: Answer customer calls and emails about orders, resolve billing issues\n"
        "for customers, and escalate tickets to the second line when a case needs\n"
        "an engineer. Keep the help centre articles up to date.\n\n"
        "Salary: $40,000 per year\nWe are an equal opportunity employer.\n"
    )
    sections = sections_of(kb, text)
    for words in ("Answer", "escalate", "an engineer", "help centre"):
        assert sections.at(text.index(words)) == "responsibilities", words
    assert sections.at(text.index("40,000")) == "benefits"
    assert sections.at(text.index("equal opportunity")) != "benefits"


def test_an_inline_heading_on_a_short_or_finished_line_ends_with_its_line(kb: Knowledge) -> None:
    long_line = "Answer customer calls and emails about orders, and resolve billing issues."
    for first in (f"Job Duties: {long_line}", "Job Duties: answer calls"):
        text = f"About us\nWe are a small company.\n{first}\nWe were founded in 1990 in Leeds.\n"
        sections = sections_of(kb, text)
        assert sections.at(text.index("calls")) == "responsibilities"
        assert sections.at(text.index("founded")) == "company", first


COMPANY = (
    "We are a fast-growing software company with offices in Leeds, Lisbon and Austin. "
    "Founded in 2012, we help thousands of small shops sell online, and our team of 300 "
    "people shares one belief: that good tools should be simple. "
)
LONG_DUTIES = (
    "You will answer support tickets from customers by email and chat, troubleshoot login "
    "and billing issues, reproduce bugs and escalate them to engineering. You will keep our "
    "knowledge base articles up to date and meet our SLAs for first response time. You will "
    "own the ticket queue on weekends in turn and help customers set up their accounts. "
)


@pytest.mark.parametrize("heading", ["About us", "About us:", "ABOUT THE COMPANY"])
def test_a_company_section_ends_at_a_blank_line(kb: Knowledge, heading: str) -> None:
    """An "About us" block with no heading after it: the duties after its paragraph are
    duties, not company text."""
    text = f"{heading}\n\n{COMPANY}\n{COMPANY}\n\n{LONG_DUTIES}"
    sections = sections_of(kb, text)
    assert sections.at(text.index("Founded")) == "company"
    assert sections.at(text.rindex("Founded")) == "company"
    assert sections.at(text.index("answer support")) not in {"company", "benefits"}
    assert classify(kb, text, None, detect_title=False).label == "support"


@pytest.mark.parametrize("heading", ["About us", "About us:", "Who we are:", "### Our company ###"])
def test_a_company_section_in_a_flattened_posting_ends_within_its_reach(
    kb: Knowledge, heading: str
) -> None:
    """A posting without line breaks: the "About us" heading covers its company text, then
    ends at a sentence end within a bounded reach, not at the end of the posting."""
    text = f"{heading} {COMPANY}{LONG_DUTIES * 3}"
    sections = sections_of(kb, text)
    assert sections.at(text.index("Founded")) == "company"
    assert sections.at(text.rindex("answer support")) not in {"company", "benefits"}
    assert sections.at(text.rindex("own the ticket queue")) not in {"company", "benefits"}
    result = classify(kb, text, None, detect_title=False)
    assert result.label == "support" and result.decision == "confident"


def test_a_benefits_list_ends_at_a_blank_line_and_cues_still_count(kb: Knowledge) -> None:
    text = (
        f"{LONG_DUTIES}\n\nBenefits\n- Health insurance\n- 25 days of holiday\n\n"
        f"{LONG_DUTIES}We are an equal opportunity employer and value diversity."
    )
    sections = sections_of(kb, text)
    assert sections.at(text.index("Health")) == "benefits"
    assert sections.at(text.index("holiday")) == "benefits"
    assert sections.at(text.rindex("answer support")) not in {"company", "benefits"}
    assert sections.at(text.index("equal opportunity")) == "equal_opportunity"


@pytest.mark.parametrize(
    "heading",
    [
        "\u200bResponsibilities",
        "\ufeffResponsibilities:",
        "\u00a0\u00a0Responsibilities\u00a0",
        "##\u00a0Responsibilities",
        "\u200b**Responsibilities:**",
    ],
    ids=repr,
)
def test_a_heading_behind_invisible_or_no_break_spaces_is_a_heading(
    kb: Knowledge, heading: str
) -> None:
    text = f"About us\nWe make software for shops.\n{heading}\n{DUTIES}\n"
    assert sections_of(kb, text).at(text.index("Answer")) == "responsibilities"
    flat = f"We make software for shops.{heading.rstrip(':')}: {DUTIES}"
    assert sections_of(kb, flat).at(flat.index("Answer")) == "responsibilities"


def test_in_an_all_caps_posting_a_short_line_is_not_a_heading(kb: Knowledge) -> None:
    """When most of a posting is in capitals, a line in capitals says nothing: its short
    duty lines must not open sections (EXPERIENCE ... opened the requirements)."""
    text = (
        "ABOUT THE ROLE\nWE ARE HIRING A DESIGNER FOR OUR BOOKING APP.\n"
        "WHAT YOU WILL DO\nEXPERIENCE MAPPING FOR NEW FEATURES\n"
        "RUN USABILITY TESTING WITH CUSTOMERS\nBUILD WIREFRAMES AND PROTOTYPES IN FIGMA\n"
        "REQUIREMENTS\nTHREE YEARS IN PRODUCT DESIGN.\n"
    )
    sections = sections_of(kb, text)
    assert sections.at(text.index("RUN USABILITY")) == "responsibilities"
    assert sections.at(text.index("BUILD WIRE")) == "responsibilities"
    assert sections.at(text.index("THREE YEARS")) == "requirements"
    assert sections.at(text.index("WE ARE HIRING")) == "summary"


@pytest.mark.parametrize("bullet", ["• ", "- ", "* ", "· "])
def test_a_bulleted_line_is_never_a_heading(kb: Knowledge, bullet: str) -> None:
    text = (
        "What you'll do:\n"
        f"{bullet}Answer support tickets by email and chat\n"
        f"{bullet}EDUCATION OF NEW CUSTOMERS IN ZENDESK\n"
        f"{bullet}Skills:\n"
        f"{bullet}Troubleshoot login issues and escalate bugs to engineering\n"
    )
    sections = sections_of(kb, text)
    assert sections.at(text.index("Troubleshoot")) == "responsibilities"


def test_a_boilerplate_sentence_ends_at_an_inline_bullet(kb: Knowledge) -> None:
    """A flattened list with no sentence ends: the cue's item is boilerplate, the duty items
    before and after it are not."""
    duties = "• Answer support tickets by email and chat • Troubleshoot login issues "
    text = f"What you'll do: {duties}• 401(k) with a company match {duties}"
    sections = sections_of(kb, text)
    assert sections.at(text.index("401(k)")) == "benefits"
    assert sections.at(text.index("Troubleshoot")) == "responsibilities"
    assert sections.at(text.rindex("Answer")) == "responsibilities"


def test_a_boilerplate_sentence_reaches_only_so_far(kb: Knowledge) -> None:
    """With no sentence end at all, a cue claims at most 250 characters either side."""
    duties = "answer support tickets by email and chat and troubleshoot login issues, " * 5
    text = f"What you'll do: {duties}with a 401(k) plan {duties}"
    sections = sections_of(kb, text)
    cue = text.index("401(k)")
    assert sections.at(cue) == "benefits"
    assert sections.at(cue - 260) == "responsibilities"
    assert sections.at(cue + 270) == "responsibilities"


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("## What you'll do", "responsibilities"),
        ("**Responsibilities:**", "responsibilities"),
        ("**Benefits**", "benefits"),
        ("### About the company", "company"),
    ],
)
def test_markdown_headings_count_as_headings(kb: Knowledge, line: str, section: str) -> None:
    text = f"Intro text here.\n{line}\nSome words under it.\n"
    assert sections_of(kb, text).at(text.index("Some")) == section


def test_a_benefits_section_ends_at_the_next_markdown_heading(kb: Knowledge) -> None:
    text = f"## Perks\nDental and a pension.\n## The work\n{DUTIES}\n"
    sections = sections_of(kb, text)
    assert sections.at(text.index("Dental")) == "benefits"
    assert sections.at(text.index("Answer")) == "other"


DESIGN_REQUIREMENTS = (
    "Requirements\n"
    "- Five years of user research and usability testing with real users\n"
    "- A portfolio of wireframes, prototypes and user flows built in Figma\n"
    "- Experience running user interviews and turning research findings into design decisions\n"
    "- Knowledge of accessibility and WCAG\n"
)


def test_requirements_count_as_duties_when_the_duties_hold_almost_nothing(
    kb: Knowledge,
) -> None:
    """A posting cut to its requirements (or listing the work under them) is read by them:
    25 points of design phrases there are a design job, not *not customer-facing*."""
    text = "Design Lead, Mobile App\nWe are a team of 40 people in Bristol.\n" + DESIGN_REQUIREMENTS
    result = classify(kb, text, None)
    assert (result.label, result.decision) == ("ux", "confident")
    tallies = features(kb, text)[0]
    assert not any(group == REQUIREMENTS for _, group in tallies)
    with_duties = f"What you'll do\n{DUTIES}\n{DESIGN_REQUIREMENTS}"
    tallies = features(kb, with_duties)[0]
    assert any(group == REQUIREMENTS for _, group in tallies)


def test_a_note_to_recruitment_agencies_is_boilerplate(kb: Knowledge) -> None:
    """A note that resumes from recruitment agencies are not accepted says nothing about
    the job: it counted as the *not customer-facing* phrase "recruitment" in the duties."""
    note = "We do not accept unsolicited resumes from recruitment agencies."
    text = f"What you'll do\n{DUTIES}\n{note}\n"
    assert sections_of(kb, text).at(text.index("recruitment")) == "equal_opportunity"
    assert "recruitment" not in matched(classify(kb, text, None), "none")


@pytest.mark.parametrize(
    "note",
    [
        "Our recruitment team will be in touch within a week of your application.",
        "Please let our recruiting team know if you need any help.",
        "Tell us if you need adjustments during the hiring process.",
        "We do not work with staffing agencies for this role.",
    ],
)
def test_a_note_about_the_hiring_process_is_boilerplate(kb: Knowledge, note: str) -> None:
    """How the employer hires says nothing about the job: "recruitment" and "recruiting"
    in such notes were the commonest *not customer-facing* evidence in customer-facing
    development postings."""
    text = f"What you'll do\n{DUTIES}\n{note}\n"
    assert sections_of(kb, text).at(len(text) - 5) == "equal_opportunity"
    start = text.index(note)
    assert not [e for e in classify(kb, text, None).evidence if e.start >= start]


def test_a_boilerplate_sentence_does_not_reach_back_past_a_heading_word(kb: Knowledge) -> None:
    """In a posting without line breaks or full stops, a benefits cue's "sentence" reached
    250 characters back over the requirements before it; it now starts at the heading word
    ("Benefits") nearest before the cue."""
    text = (
        "Required experience Wireframing and prototyping in Figma, usability testing with "
        "real users and mapping user flows Benefits Competitive salary and a pension scheme"
    )
    sections = sections_of(kb, text)
    assert sections.at(text.index("Wireframing")) != "benefits"
    assert sections.at(text.index("usability")) != "benefits"
    assert sections.at(text.index("pension")) == "benefits"


BLURB = (
    "Our platform helps millions of users grow: we build product and data tools for growth "
    "teams, and our platform is loved by users around the world.\n"
)


def test_context_words_in_a_company_blurb_do_not_stop_requirements_counting_as_duties(
    kb: Knowledge,
) -> None:
    """A company blurb up top holds only weak context words ("platform", "users",
    "growth"): they are no duties, so the work listed under "About you" is read as the
    duties; a summary with strong or medium phrases still keeps the requirements apart."""
    text = BLURB + "About you\n" + DESIGN_REQUIREMENTS.removeprefix("Requirements\n")
    tallies = features(kb, text)[0]
    assert not any(group == REQUIREMENTS for _, group in tallies)
    assert classify(kb, text, None).label == "ux"
    with_duties = f"{BLURB}What you'll do\n{DUTIES}\n{DESIGN_REQUIREMENTS}"
    assert any(group == REQUIREMENTS for _, group in features(kb, with_duties)[0])


TEAM = (
    "Our Customer Experience team owns the customer journey: NPS, customer feedback and "
    "the voice of the customer programme at every touchpoint.\n"
)
ENGINEERING = (
    "What you'll do\n"
    "- Design and build the backend services and data pipelines behind those programmes\n"
    "- Write production code in Go, review pull requests and keep the CI/CD pipelines green\n"
    "- Own the reliability of the distributed systems you ship\n"
)


@pytest.mark.parametrize("heading", ["About the team", "Our team:", "## The team", "MEET THE TEAM"])
def test_a_team_description_counts_as_company_text(kb: Knowledge, heading: str) -> None:
    """A paragraph about the team describes the team, not the role: it named the team's
    function ("Customer Experience", its NPS programme) in the postings of engineers on
    customer teams. It counts as company text, and ends at its paragraph like one."""
    text = f"{heading}\n{TEAM}\n{ENGINEERING}"
    sections = sections_of(kb, text)
    assert sections.at(text.index("customer journey")) == "company"
    assert sections.at(text.index("backend services")) == "responsibilities"
    result = classify(kb, text, None, detect_title=False)
    assert result.decision == "not_customer_facing"
    cx = [e for e in result.evidence if e.function == "cx"]
    assert cx and all(e.section == "company" for e in cx)


CROWDED_BLURB = (
    "## About Gatherly\n"
    "Gatherly hosts face-to-face networking online, with live chat and breakout rooms "
    "for event organisers.\n"
)
DESIGN_UNDER_ABOUT_YOU = (
    "## About you\n"
    "- You run user research, user interviews and usability testing with real users\n"
    "- You turn research findings into user flows, wireframes and prototypes in Figma\n"
    "- You keep our design system and style guide consistent across the product\n"
    "- You hand pixel-perfect design specs to engineers and check accessibility (WCAG)\n"
    "- You lead design critiques and present design decisions to product managers\n"
)


def test_requirements_count_as_duties_when_they_hold_many_times_the_duties_phrases(
    kb: Knowledge,
) -> None:
    """A company blurb with a few telling phrases ("face-to-face", "live chat",
    "networking") kept a designer's work, listed under "About you", out of the duties; the
    requirements now count as duties when they hold 4 times as many strong or medium
    phrases. Duties of their own keep requirements of their size apart."""
    text = CROWDED_BLURB + DESIGN_UNDER_ABOUT_YOU
    assert not any(group == REQUIREMENTS for _, group in features(kb, text)[0])
    result = classify(kb, text, None, detect_title=False)
    assert (result.label, result.decision) == ("ux", "confident")
    with_duties = f"What you'll do\n{LONG_DUTIES}\n{DESIGN_UNDER_ABOUT_YOU}"
    assert any(group == REQUIREMENTS for _, group in features(kb, with_duties)[0])


# --- HTML --------------------------------------------------------------------------------


def test_html_is_blanked_in_place() -> None:
    html = "<p>Answer&nbsp;calls &amp; chats</p><ul><li>Fix bugs</li></ul><br/>Done"
    plain = strip_html(html)
    assert len(plain) == len(html)
    assert "<" not in plain and "&amp;" not in plain
    assert plain.split() == ["Answer", "calls", "&", "chats", "Fix", "bugs", "Done"]
    assert plain[plain.index("Fix") - 1] == " " and "\n" in plain[: plain.index("Fix")]


def test_script_and_style_contents_are_not_posting_text(kb: Knowledge) -> None:
    """A saved job page's scripts and styles are code, not words anyone reads: a page of
    lorem ipsum whose script names support tickets was a confident support posting."""
    page = (
        "<html><head><style>.customer-support-ticket { color: red }</style>"
        '<script type="application/ld+json">{"title": "Customer Support Specialist", '
        '"description": "Answer support tickets in Zendesk, troubleshoot login issues, '
        'escalate bugs to engineering and keep our SLAs."}</script>'
        "<script>var queue = 'zendesk ticket queue'; // troubleshoot</script></head>"
        "<body><p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 8 + "</p>"
        "</body></html>"
    )
    plain = strip_html(page)
    assert len(plain) == len(page)
    assert "Zendesk" not in plain and "zendesk" not in plain and "color" not in plain
    assert "Lorem ipsum" in plain
    result = classify(kb, page, None)
    assert result.decision == "insufficient", result.reason
    assert not result.evidence


def test_html_tags_do_not_hide_sentence_ends(kb: Knowledge) -> None:
    """A benefits cue in one list item must not swallow the duties in the next ones."""
    items = [
        "Paid time off and a 401(k)",
        "Answer support tickets in Zendesk",
        "Troubleshoot login issues and reproduce bugs",
        "Escalate defects to engineering with clear bug reports",
        "Write knowledge base articles",
    ]
    html = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    plain = "\n".join(f"- {item}" for item in items)
    tagged, untagged = classify(kb, html, None), classify(kb, plain, None)
    assert tagged.label == untagged.label == "support"
    assert tagged.confidence == pytest.approx(untagged.confidence, abs=0.05)
    for item in tagged.evidence:
        assert html[item.start : item.end] == item.text
        assert "<" not in item.snippet  # snippets are cut from the text with tags blanked


# --- evidence ----------------------------------------------------------------------------


def test_evidence_quotes_the_posting_sorted_by_contribution(kb: Knowledge) -> None:
    text = "Responsibilities\n" + SUPPORT * 2
    result = classify(kb, text, None)
    grouped = result.evidence_by_function(3)
    assert next(iter(grouped)) == result.label == "support"
    top = grouped["support"]
    assert 0 < len(top) <= 3
    assert [e.weight for e in top] == sorted((e.weight for e in top), reverse=True)
    for item in top:
        assert text[item.start : item.end] == item.text
        assert item.text in item.snippet
        assert "\n" not in item.snippet
    everything = result.evidence_by_function(None)
    assert sum(map(len, everything.values())) >= sum(map(len, grouped.values()))


def test_evidence_of_a_not_customer_facing_posting_shows_none_first(kb: Knowledge) -> None:
    """The README promises the answer's evidence first; for *none* the label is null, and
    the group of the strongest customer-facing function used to come first."""
    holdout = Path(__file__).parent / "holdout" / "postings.jsonl"
    rows = [json.loads(line) for line in holdout.read_text("utf-8").splitlines()]
    row = next(r for r in rows if r["id"] == "h-none-01")
    result = classify(kb, row["description"], row["title"])
    assert result.decision == "not_customer_facing"
    grouped = result.evidence_by_function(3)
    assert len(grouped) > 1
    assert next(iter(grouped)) == "none"


def test_top_evidence_without_building_the_rest_matches_the_full_ranking(kb: Knowledge) -> None:
    text = "Responsibilities\n" + SUPPORT * 2 + "Handle billing inquiries and refunds by phone."
    fast = classify(kb, text, None).top_evidence(5)
    full = classify(kb, text, None)
    ranked = sorted(full.evidence, key=lambda e: (-e.weight, e.start))[:5]
    assert [(e.phrase, e.function, e.start, e.weight) for e in fast] == [
        (e.phrase, e.function, e.start, e.weight) for e in ranked
    ]
    assert len(full.evidence) > 5


@pytest.mark.parametrize("gap", ["\t", "\n", "\r\n", "\u00a0"])
def test_snippets_cut_at_any_whitespace_not_inside_a_word(kb: Knowledge, gap: str) -> None:
    """A posting whose words are parted by tabs, line breaks or no-break spaces was cut
    mid-word ("…t login and billing issues and escalate b…"): only " " counted as a gap."""
    text = (
        "Responsibilities:\nAnswer customer tickets by email and chat in Zendesk. "
        "Troubleshoot login and billing issues and escalate bugs to engineering. "
        "Meet our SLAs for first response time and keep CSAT high."
    ).replace(" ", gap)
    words = set(text.split())
    result = classify(kb, text, None)
    assert result.evidence
    for item in result.evidence:
        shown = item.snippet.strip("…").split()
        assert shown, item
        assert shown[0] in words and shown[-1] in words, item.snippet


@pytest.mark.parametrize(
    "filler",
    ["\U0001f469\u200d\U0001f4bb" * 30, "\U0001f1ec\U0001f1e7" * 30, "e\u0301" * 50],
    ids=["zwj-emoji", "flags", "combining-accent"],
)
def test_snippets_never_split_an_emoji_or_accented_letter(kb: Knowledge, filler: str) -> None:
    """With no space nearby the snippet is cut by characters; it must not cut inside an
    emoji sequence (two flags' halves re-pair into another country's flag) or between a
    letter and its accent."""
    text = (
        f"Responsibilities:\nAnswer customer tickets by email in Zendesk{filler} and "
        f"chat.\n{filler}-Troubleshoot login and billing issues and escalate bugs to "
        "engineering, meet our SLAs for first response time."
    )
    result = classify(kb, text, None)
    assert result.evidence
    for item in result.evidence:
        body = item.snippet.removeprefix("…").removesuffix("…")
        assert body in " ".join(text.split()), item.snippet
        assert not body.startswith(("\u0301", "\u200d", "\U0001f4bb")), item.snippet
        assert not body.endswith("\u200d"), item.snippet
        flags = body.count("\U0001f1ec") + body.count("\U0001f1e7")
        assert flags % 2 == 0 and not body.startswith("\U0001f1e7"), item.snippet


INVISIBLE_MARKS = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
PLAIN_SUPPORT = (
    "Responsibilities:\nTroubleshooting login and billing issues for customers, answering "
    "support tickets in Zendesk and escalating bugs to engineering. Meet our SLAs."
)


@pytest.mark.parametrize("mark", INVISIBLE_MARKS, ids=repr)
def test_an_invisible_character_inside_a_word_does_not_split_it(kb: Knowledge, mark: str) -> None:
    """A soft hyphen or a zero-width character inside a word ("trouble\u00adshooting") is
    part of the word: the same phrases match, and the evidence quotes the text as given."""
    text = (
        PLAIN_SUPPORT.replace("Troubleshooting", f"Trouble{mark}shoot{mark}ing")
        .replace("tickets", f"tick{mark}ets")
        .replace("Zendesk", f"{mark}Zendesk{mark}")
    )
    plain, marked = (classify(kb, t, None, detect_title=False) for t in (PLAIN_SUPPORT, text))
    assert [(e.phrase, e.section, e.weight) for e in marked.evidence] == [
        (e.phrase, e.section, e.weight) for e in plain.evidence
    ]
    assert (marked.label, marked.decision, marked.confidence) == (
        plain.label,
        plain.decision,
        plain.confidence,
    )
    for item in marked.evidence:
        assert item.text == text[item.start : item.end]
        assert item.text.replace(mark, "") in PLAIN_SUPPORT
        assert not item.text.startswith(mark) and not item.text.endswith(mark)
    assert any(mark in item.text for item in marked.evidence)


LINE_BREAK_POSTING = (
    "Customer Support Specialist\n"
    "About us \n"
    "We make scheduling software for dental clinics. \n"
    "Responsibilities \n"
    "Answer customer tickets by email and chat in Zendesk. \n"
    "Troubleshoot login and billing issues and escalate bugs to engineering. \n"
    "Meet our SLAs for first response time and keep CSAT high. \n"
    "Requirements \n"
    "Two years in a customer support role and clear written English. \n"
    "Benefits \n"
    "Health insurance, a learning budget and 25 days of paid holiday. \n"
)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\x85"], ids=repr)
def test_windows_and_other_line_breaks_read_as_line_breaks(kb: Knowledge, newline: str) -> None:
    """A Windows file (CRLF), an old Mac one (CR) or text from a JSON API (U+2028) is the
    same posting: its headings, sections, title and answer are those of the LF text, and its
    evidence still quotes it. A heading line ending in a space before CRLF was not a heading."""
    text = LINE_BREAK_POSTING.replace("\n", newline)
    plain, other = classify(kb, LINE_BREAK_POSTING, None), classify(kb, text, None)
    assert sections_of(kb, text).names == sections_of(kb, LINE_BREAK_POSTING).names
    assert other.title is not None and plain.title is not None
    assert other.title.title == plain.title.title == "Customer Support Specialist"
    assert (other.label, other.decision, other.confidence, other.words) == (
        plain.label,
        plain.decision,
        plain.confidence,
        plain.words,
    )
    assert [(e.phrase, e.function, e.section) for e in other.evidence] == [
        (e.phrase, e.function, e.section) for e in plain.evidence
    ]
    for item in other.evidence:
        assert text[item.start : item.end] == item.text
