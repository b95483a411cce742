"""A repeated block counts once: scraped postings often repeat their description, and
doubling a posting must not change its answer. Short lines that legitimately recur (a
heading, a one-line bullet) still count each time."""

from __future__ import annotations

import pytest

from cxcs.engine.classify import classify
from cxcs.engine.repeats import MIN_REPEAT_WORDS, blank_repeats
from cxcs.models.knowledge import Knowledge
from tests.test_classify_real import _dev

SUPPORT = (
    "Support Specialist\n"
    "About the role\n"
    "Work the inbound ticket queue in Zendesk and keep our SLAs for first response time.\n"
    "- Troubleshoot login, sync and printer issues with clinic staff over chat and phone.\n"
    "- Reproduce bugs and escalate them to engineering with clear bug reports.\n"
    "Requirements:\n"
    "- Excellent communication\n"
    "- Two years in a customer-facing support role, ideally at a software company.\n"
)


def _answer(kb: Knowledge, text: str, **options: bool) -> tuple[object, ...]:
    result = classify(kb, text, None, **options)  # type: ignore[arg-type]
    return (result.label, result.decision, result.confidence, result.margin, result.scores)


@pytest.mark.parametrize("joiner", ["\n\n", "\n", "\r\n\r\n", "\n<br><br>\n"])
def test_a_doubled_posting_reads_as_the_posting(kb: Knowledge, joiner: str) -> None:
    doubled = SUPPORT + joiner + SUPPORT
    assert _answer(kb, doubled) == _answer(kb, SUPPORT)
    assert _answer(kb, doubled, detect_title=False) == _answer(kb, SUPPORT, detect_title=False)
    result = classify(kb, doubled)
    assert result.words == classify(kb, SUPPORT).words
    for item in result.evidence:  # offsets still point into what was given
        assert item.end <= len(SUPPORT) + 1
        assert doubled[item.start : item.end] == item.text


def test_a_block_repeated_in_other_case_and_spacing_counts_once(kb: Knowledge) -> None:
    again = "\n".join("  " + " ".join(line.upper().split()) + " " for line in SUPPORT.splitlines())
    assert _answer(kb, SUPPORT + "\n\n" + again) == _answer(kb, SUPPORT)


def test_short_lines_that_recur_still_count(kb: Knowledge) -> None:
    """A heading or a short bullet that recurs in another place is not a repeated block:
    under MIN_REPEAT_WORDS words, it is kept."""
    text = (
        "Responsibilities:\n- Resolve customer tickets by chat.\n- Excellent communication\n"
        "Who you are:\nA calm problem solver who enjoys helping people every day.\n"
        "Responsibilities:\n- Resolve customer tickets by chat.\n"
    )
    assert blank_repeats(text) == text
    assert MIN_REPEAT_WORDS > 6  # the stretch that recurs: "Responsibilities: Resolve …"
    found = [e for e in classify(kb, text, None).evidence if e.text == "customer tickets"]
    assert len(found) == 2


def test_blanking_keeps_every_offset_and_line_break() -> None:
    doubled = SUPPORT + "\n\n" + SUPPORT
    blanked = blank_repeats(doubled)
    assert len(blanked) == len(doubled)
    assert blanked[: len(SUPPORT)] == SUPPORT
    assert blanked[len(SUPPORT) :].strip() == ""
    assert blanked.count("\n") == doubled.count("\n")
    long_line = "Own the renewal of every account in the portfolio and report on churn each month."
    text = f"{long_line}\nSomething else entirely here.\n{long_line}\n"
    assert blank_repeats(text) == text.replace(long_line, " " * len(long_line)).replace(
        " " * len(long_line), long_line, 1
    )


def test_doubling_a_real_posting_never_changes_its_answer(kb: Knowledge) -> None:
    """Before: doubling (text + blank line + text) changed the label or decision of 7 of the
    298 development postings."""
    changed = []
    for posting in _dev():
        for detect in (False, True):
            once = classify(kb, posting.text, None, detect_title=detect)
            twice = classify(kb, posting.text + "\n\n" + posting.text, None, detect_title=detect)
            if (once.label, once.decision) != (twice.label, twice.decision):
                changed.append((posting.id, detect))
    assert changed == []
