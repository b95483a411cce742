"""bench/robustness.py on two postings written for this test, so the benchmark cannot rot:
every shape changes the text it should, the tallies count what they say, and the shapes the
engine promises to read alike (Windows line endings) change no answer."""

from __future__ import annotations

import pytest

import robustness as bench
from cxcs.engine.text import strip_html
from cxcs.models.knowledge import Knowledge
from devset import Posting

SUPPORT = """Technical Support Specialist

About the role
You will join a small team that keeps our customers' software running & answer their questions.

Responsibilities:
- Troubleshoot technical issues reported through Zendesk tickets and live chat
- Reproduce bugs, write clear bug reports and escalate them to the engineering team
- Write knowledge base articles so users can solve common problems themselves
- Meet our SLAs for first response time and resolution time

Requirements:
- Two years in a help desk or technical support role
- Comfortable with Windows, macOS, APIs and reading log files
"""

UX = (
    "We’re looking for a product designer who turns user research into clear interfaces. "
    "What you’ll do: plan and run usability testing and user interviews, map user flows, "
    "sketch wireframes and build high-fidelity prototypes in Figma • work with product "
    "managers and engineers on the design system • present research findings to the team. "
    "What you'll bring: a portfolio of interaction design work and a user-centered design "
    "practice. Our customer experience team is small and friendly."
)

NOT_CUSTOMER_FACING = (
    "You will maintain the payroll ledger, reconcile bank statements every month, prepare "
    "the quarterly VAT returns and the year-end accounts for the auditors, keep the fixed "
    "asset register, post accruals and prepayments, and report variances to the finance "
    "director. You hold a recognised accounting qualification and know Excel well."
)


def _postings() -> list[Posting]:
    return [
        Posting("support", "", SUPPORT, ("support",), "support", "samples"),
        Posting("ux", "", UX, ("ux",), "ux", "samples"),
    ]


def test_every_shape_changes_one_of_the_postings() -> None:
    for shape in bench.SHAPES:
        changed = [
            p.id
            for p in _postings()
            if shape.perturb(p.text) != (p.text if shape.base is None else shape.base(p.text))
        ]
        assert changed, shape.name


def test_the_shapes_are_what_they_say() -> None:
    html = bench.html_blocks(SUPPORT)
    assert "<li>Troubleshoot" in html and "&amp;" in html and "\n" not in html
    assert "Zendesk tickets" in strip_html(html)
    assert "**Responsibilities:**" in bench.markdown_bold(SUPPORT)
    assert "\n- Reproduce bugs" in bench.markdown_bold(SUPPORT)
    assert "\n• Reproduce bugs" in bench.bullets_as("•")(SUPPORT)
    assert "\n" not in bench.one_paragraph(SUPPORT)
    assert max(map(len, bench.hard_wrapped(UX).split("\n"))) <= 80
    assert "\r\n" in bench.crlf(SUPPORT)
    assert "\nResponsibilities:\n" in bench.headings_title_case(SUPPORT.lower())
    assert bench.company_before(UX).startswith(bench.COMPANY + " ")
    assert bench.benefits_eeo_after(SUPPORT).endswith("please let our recruiting team know.")
    assert len(bench.first_part(0.4)(UX)) <= 0.4 * len(UX)
    assert UX.endswith(bench.last_part(0.6)(UX)) and len(bench.last_part(0.6)(UX)) <= 0.6 * len(UX)
    assert "We're looking" in bench.ascii_typography(UX)
    assert "What you’ll bring" in bench.smart_typography(UX)
    assert "\u00a0" in bench.nbsp(UX) and "\u200b" in bench.zero_width(UX)
    assert "interv\u00adiews" in bench.soft_hyphens(UX)
    assert "Our _____ team" in bench.BLANKED(UX)
    assert "Our [ROLE] team" in bench.blanked_with("[ROLE]")(UX)


def test_the_tallies_count_changed_answers_and_which_way(kb: Knowledge) -> None:
    swap = bench.Shape("swapped for another posting", lambda text: NOT_CUSTOMER_FACING)
    same = bench.Shape("Windows line endings", bench.crlf)
    swapped, crlf = bench.measure(kb, _postings(), [swap, same])
    assert (swapped.altered, swapped.changed, swapped.relabelled) == (2, 2, 2)
    assert (swapped.right_to_wrong, swapped.wrong_to_right) == (2, 0)
    assert [example[2][0] for example in swapped.examples] == ["none", "none"]
    assert (crlf.altered, crlf.changed) == (1, 0)  # only the posting with line breaks


@pytest.mark.parametrize("detect_title", [True, False])
def test_the_whole_bench_runs_on_the_written_postings(kb: Knowledge, detect_title: bool) -> None:
    rows = bench.measure(kb, _postings(), detect_title=detect_title)
    assert [row.shape for row in rows] == list(bench.SHAPES)
    for row in rows:
        assert row.relabelled <= row.changed <= row.altered <= 2
        assert row.right_to_wrong + row.wrong_to_right <= row.changed
    table = bench.table(rows, 2)
    assert table.count("\n") == len(bench.SHAPES) + 1
    assert "| Windows line endings | 1 | 0 | 0 | 0 | 0 |" in table
