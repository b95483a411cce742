"""Robustness of ``cxcs classify``: does the answer hold when a posting arrives in another shape?

Usage: python bench/robustness.py [--no-detect-title] [--show N] [--only NAME ...]

Every development posting (``../shared/eval``, read at run time through ``devset.py``; none of
its text is copied anywhere) is classified as it is, title withheld, through the API the CLI
uses (``cxcs.engine.classify.classify`` with the shipped knowledge; the CLI's default of
taking a short first line as the title, unless ``--no-detect-title``), then in each of the
shapes below. Per shape the table gives: how many postings it altered at all, how many answers
(label, decision) changed, how many labels changed, and how many went from right to wrong and
from wrong to right against the duty labels. The names-blanked rows compare one way of
blanking with another, since a judge may blank either way.

Measurement only: the shapes are the ones scraped and pasted postings really come in (HTML,
markdown, lost or hard-wrapped line breaks, capitals, boilerplate, truncation, typography,
invisible characters, Windows line endings).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import textwrap
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devset import NAMES, Posting

Perturb = Callable[[str], str]

# ---------------------------------------------------------------------------------------------
# A posting's lines, as the shapes below see them.

BULLET = re.compile(r"^\s*(?:[-*•·▪●◦–]|\d{1,2}[.)])\s+")
INLINE_BULLET = re.compile(r"(?<=\s)[•·▪●◦](?=\s)")


def lines_of(text: str) -> list[tuple[str, str]]:
    """``(kind, line)`` per line: ``blank``, ``bullet`` (its mark removed), ``heading`` (a
    short line with no sentence end: at most 8 words, 80 characters) or ``text``."""
    found: list[tuple[str, str]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            found.append(("blank", ""))
        elif BULLET.match(line):
            found.append(("bullet", BULLET.sub("", line, count=1)))
        elif len(line) <= 80 and len(line.split()) <= 8 and line[-1] not in ".,;!?":
            found.append(("heading", line))
        else:
            found.append(("text", line))
    return found


# ---------------------------------------------------------------------------------------------
# HTML, as scraped pages and job-board APIs deliver it.


def _escape(line: str) -> str:
    """Escaped as a CMS writes it: ``&amp;``, ``&#x27;``, ``&quot;`` and typographic marks as
    named entities, and a ``&nbsp;`` after each sentence end."""
    out = html.escape(line, quote=True)
    for char, entity in (("’", "&rsquo;"), ("‘", "&lsquo;"), ("“", "&ldquo;"), ("”", "&rdquo;")):
        out = out.replace(char, entity)
    out = out.replace("–", "&ndash;").replace("—", "&mdash;")
    return out.replace(". ", ".&nbsp; ")


def _html(text: str, heading: str, item: str, blank: str | None) -> list[str]:
    """The posting's lines as HTML elements: ``heading`` and ``item`` are templates for a
    heading and a bullet (``{}``: the escaped line), ``blank`` the element of a blank line
    (None: left out); bullets in a run share one ``<ul>``."""
    out: list[str] = []
    in_list = False
    for kind, line in lines_of(text):
        if kind == "bullet":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(item.format(_escape(line)))
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if kind == "heading":
            out.append(heading.format(_escape(line)))
        elif kind == "text":
            out.append(f"<p>{_escape(line)}</p>")
        elif blank is not None:
            out.append(blank)
    if in_list:
        out.append("</ul>")
    return out


def html_blocks(text: str) -> str:
    """``<p>`` paragraphs, ``<strong>`` headings, ``<ul><li>`` bullets, on one line (as a JSON
    API carries a page), with entities."""
    body = _html(text, "<p><strong>{}</strong></p>", "<li>{}</li>", "<p>&nbsp;</p>")
    return "".join(['<div class="job-description">', *body, "</div>"])


def html_pretty(text: str) -> str:
    """``<h3>`` headings and indented ``<ul>``/``<li>`` on their own source lines."""
    return "\n".join(_html(text, "<h3>{}</h3>", "  <li>{}</li>", None))


def html_br(text: str) -> str:
    """Lines joined by ``<br>`` (``<br><br>`` for a blank line), ``<b>`` headings, bullets as
    ``&bull;``, all on one line."""
    out = []
    for kind, line in lines_of(text):
        if kind == "heading":
            out.append(f"<b>{_escape(line)}</b>")
        elif kind == "bullet":
            out.append(f"&bull; {_escape(line)}")
        else:
            out.append(_escape(line))
    return "<br>".join(out)


# ---------------------------------------------------------------------------------------------
# Markdown and bullets.


def markdown_bold(text: str) -> str:
    """``**Heading**`` (``**Heading:**``) lines and ``- `` bullets."""
    out = []
    for kind, line in lines_of(text):
        if kind == "heading":
            core = line.rstrip(":")
            out.append(f"**{core}:**" if line.endswith(":") else f"**{core}**")
        elif kind == "bullet":
            out.append(f"- {line}")
        else:
            out.append(line)
    return "\n".join(out)


def markdown_hashes(text: str) -> str:
    """``### Heading`` lines and ``* `` bullets."""
    out = []
    for kind, line in lines_of(text):
        if kind == "heading":
            out.append(f"### {line.rstrip(':')}")
        elif kind == "bullet":
            out.append(f"* {line}")
        else:
            out.append(line)
    return "\n".join(out)


def bullets_as(mark: str) -> Perturb:
    """Every bullet, on its own line or inline, written with ``mark``."""

    def perturb(text: str) -> str:
        out = []
        for kind, line in lines_of(text):
            if kind == "bullet":
                line = f"{mark} {line}"
            out.append(INLINE_BULLET.sub(mark, line))
        return "\n".join(out)

    perturb.__doc__ = f"bullets written {mark}"
    return perturb


# ---------------------------------------------------------------------------------------------
# Line breaks.


def one_paragraph(text: str) -> str:
    """Every line break gone: the lines joined by one space."""
    return " ".join(line.strip() for line in text.split("\n") if line.strip())


def hard_wrapped(text: str) -> str:
    """Each line hard-wrapped at 80 characters, mid-sentence (as plain-text e-mail does)."""
    out = []
    for line in text.split("\n"):
        wrapped = textwrap.wrap(line, 80, break_long_words=False, break_on_hyphens=False)
        out.extend(wrapped or [""])
    return "\n".join(out)


def crlf(text: str) -> str:
    """Windows line endings."""
    return text.replace("\n", "\r\n")


def doubled_breaks(text: str) -> str:
    """Every line break doubled (a blank line between all lines, as many scrapers write)."""
    return text.replace("\n", "\n\n")


# ---------------------------------------------------------------------------------------------
# Case.


def _capwords(line: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in line.split(" "))


def all_caps(text: str) -> str:
    """The whole posting in capitals."""
    return text.upper()


def headings_title_case(text: str) -> str:
    """Headings only, in Title Case."""
    return "\n".join(
        _capwords(line.lower()) if kind == "heading" else raw
        for (kind, line), raw in zip(lines_of(text), text.split("\n"), strict=True)
    )


def headings_caps(text: str) -> str:
    """Headings only, in capitals."""
    return "\n".join(
        line.upper() if kind == "heading" else raw
        for (kind, line), raw in zip(lines_of(text), text.split("\n"), strict=True)
    )


# ---------------------------------------------------------------------------------------------
# Boilerplate (written for this benchmark; generic, as job boards add it).

COMPANY = (
    "We are a leading provider of cloud-based software for growing businesses, trusted by "
    "more than 10,000 customers in over 40 countries. Founded in 2009 and headquartered in "
    "Austin, Texas, our mission is to help organisations deliver exceptional experiences to "
    "their customers at every stage of the relationship. Our platform brings together data, "
    "people and processes so that our customers can work smarter, serve their own clients "
    "better and grow with confidence. We have been recognised as a great place to work five "
    "years running, and we are proud of a culture built on curiosity, ownership and care for "
    "our customers, our communities and each other. Our teams across engineering, product, "
    "sales, support and operations work side by side to build products our customers love "
    "and recommend to their peers."
)
BENEFITS_AND_EEO = (
    "What we offer\n"
    "• Competitive salary and an annual bonus\n"
    "• Medical, dental and vision insurance from day one\n"
    "• 401(k) with a company match\n"
    "• Flexible paid time off and paid holidays\n"
    "• A yearly learning and development budget\n"
    "• Hybrid working and a home office allowance\n"
    "\n"
    "We are an equal opportunity employer. All qualified applicants will receive "
    "consideration for employment without regard to race, color, religion, sex, sexual "
    "orientation, gender identity, national origin, disability or protected veteran status. "
    "If you need a reasonable accommodation at any stage of the application process, please "
    "let our recruiting team know."
)


def _joiner(text: str) -> str:
    """How added blocks join a posting: a blank line, or a space when it has no line breaks."""
    return "\n\n" if "\n" in text else " "


def company_before(text: str) -> str:
    """A generic company paragraph (no heading) before the posting."""
    return COMPANY + _joiner(text) + text


def about_us_before(text: str) -> str:
    """The company paragraph under an "About us" heading before the posting."""
    return "About us\n" + COMPANY + "\n\n" + text


def benefits_eeo_after(text: str) -> str:
    """A benefits list and an equal-opportunity statement after the posting."""
    block = BENEFITS_AND_EEO if "\n" in text else BENEFITS_AND_EEO.replace("\n", " ")
    return text + _joiner(text) + block


# ---------------------------------------------------------------------------------------------
# Truncation.


def first_part(share: float) -> Perturb:
    def perturb(text: str) -> str:
        cut = int(len(text) * share)
        space = text.rfind(" ", 0, cut)
        return text[: space if space > 0 else cut]

    perturb.__doc__ = f"the first {share:.0%} of the text"
    return perturb


def last_part(share: float) -> Perturb:
    def perturb(text: str) -> str:
        cut = len(text) - int(len(text) * share)
        space = text.find(" ", cut)
        return text[space + 1 if space >= 0 else cut :]

    perturb.__doc__ = f"the last {share:.0%} of the text"
    return perturb


# ---------------------------------------------------------------------------------------------
# Typography and invisible characters.

TO_ASCII = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "•": "*"}
)


def ascii_typography(text: str) -> str:
    """Curly quotes, dashes and ellipses as ASCII."""
    return text.translate(TO_ASCII)


def smart_typography(text: str) -> str:
    """ASCII apostrophes and quotes curly, `` - `` an en dash, ``--`` an em dash."""
    text = text.replace("'", "’").replace(" - ", " – ").replace("--", "—")
    parts = text.split('"')
    return "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]


def every_nth_space(char: str, n: int, text: str) -> str:
    """Every ``n``-th space of ``text`` replaced by ``char``."""
    parts = text.split(" ")
    return "".join(
        part + ("" if i == len(parts) - 1 else char if i % n == n - 1 else " ")
        for i, part in enumerate(parts)
    )


def nbsp(text: str) -> str:
    """Every third space non-breaking (U+00A0), as text pasted from a web page or Word."""
    return every_nth_space("\u00a0", 3, text)


def zero_width(text: str) -> str:
    """A byte-order mark first, a zero-width space opening every line and after every fifth
    space (as some CMSs write empty paragraphs and line starts)."""
    spaced = every_nth_space(" \u200b", 5, text)
    return "\ufeff" + "\n".join("\u200b" + line for line in spaced.split("\n"))


LONG_WORD = re.compile(r"\b([A-Za-z]{6})([A-Za-z]{4,})\b")


def soft_hyphens(text: str) -> str:
    """A soft hyphen (U+00AD, a hyphenation hint, invisible) after the sixth letter of every
    word of ten letters or more."""
    return LONG_WORD.sub("\\1\u00ad\\2", text)


# ---------------------------------------------------------------------------------------------
# Names blanked.


def blanked_with(blank: str) -> Perturb:
    def perturb(text: str) -> str:
        return NAMES.sub(blank, text)

    perturb.__doc__ = f"the five function names replaced by {blank!r}"
    return perturb


BLANKED = blanked_with("_____")


@dataclass(frozen=True)
class Shape:
    """A perturbation, compared with the original (``base`` None) or with another one."""

    name: str
    perturb: Perturb
    base: Perturb | None = None


SHAPES: tuple[Shape, ...] = (
    Shape("HTML `<p>`, `<li>`, entities, one line", html_blocks),
    Shape("HTML `<h3>`, `<li>` on source lines", html_pretty),
    Shape("HTML `<br>`, `<b>`, `&bull;`", html_br),
    Shape("markdown `**Heading**`, `- ` bullets", markdown_bold),
    Shape("markdown `### Heading`, `* ` bullets", markdown_hashes),
    Shape("bullets `•`", bullets_as("•")),
    Shape("bullets `·`", bullets_as("·")),
    Shape("bullets `*`", bullets_as("*")),
    Shape("line breaks removed", one_paragraph),
    Shape("hard-wrapped at 80 chars", hard_wrapped),
    Shape("line breaks doubled", doubled_breaks),
    Shape("Windows line endings", crlf),
    Shape("ALL CAPS", all_caps),
    Shape("headings in Title Case", headings_title_case),
    Shape("headings in CAPS", headings_caps),
    Shape("company paragraph before", company_before),
    Shape("'About us' + company before", about_us_before),
    Shape("benefits + EEO after", benefits_eeo_after),
    Shape("first 40% only", first_part(0.4)),
    Shape("last 60% only", last_part(0.6)),
    Shape("curly quotes, dashes → ASCII", ascii_typography),
    Shape("ASCII quotes, dashes → curly", smart_typography),
    Shape("non-breaking spaces", nbsp),
    Shape("zero-width chars + BOM", zero_width),
    Shape("soft hyphens in long words", soft_hyphens),
    Shape("names blanked `_____`", BLANKED),
    Shape("names removed (vs `_____`)", blanked_with(""), BLANKED),
    Shape("names `[ROLE]` (vs `_____`)", blanked_with("[ROLE]"), BLANKED),
)


# ---------------------------------------------------------------------------------------------
# Measurement.

Answer = tuple[str, str, float]
"""label ("none" when there is none), decision, confidence."""


@dataclass
class Row:
    """One shape's tallies over the postings."""

    shape: Shape
    altered: int = 0
    changed: int = 0
    relabelled: int = 0
    right_to_wrong: int = 0
    wrong_to_right: int = 0
    examples: list[tuple[str, Answer, Answer, bool, bool]] = field(default_factory=list)


def answer_of(kb: Any, text: str, detect_title: bool) -> Answer:
    from cxcs.engine.classify import classify

    result = classify(kb, text, None, detect_title=detect_title)
    return (result.label or "none", result.decision, result.confidence)


def measure(
    kb: Any,
    postings: list[Posting],
    shapes: Iterable[Shape] = SHAPES,
    *,
    detect_title: bool = True,
) -> list[Row]:
    """Each shape's row: every posting classified in that shape and as given (or in the
    shape it is compared with)."""
    rows = [Row(shape) for shape in shapes]
    for posting in postings:
        answers: dict[str, Answer] = {}  # by text: each text is classified once
        for row in rows:
            shape = row.shape
            base = posting.text if shape.base is None else shape.base(posting.text)
            text = shape.perturb(posting.text)
            if text == base:
                continue
            row.altered += 1
            for given in (base, text):
                if given not in answers:
                    answers[given] = answer_of(kb, given, detect_title)
            before, after = answers[base], answers[text]
            if before[:2] == after[:2]:
                continue
            was, now = before[0] in posting.labels, after[0] in posting.labels
            row.changed += 1
            row.relabelled += before[0] != after[0]
            row.right_to_wrong += was and not now
            row.wrong_to_right += now and not was
            row.examples.append((posting.id, before, after, was, now))
    return rows


def table(rows: list[Row], postings: int) -> str:
    """The rows as a markdown table."""
    out = [
        f"| shape ({postings} postings) | altered | answers changed | labels changed "
        "| right → wrong | wrong → right |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        out.append(
            f"| {row.shape.name} | {row.altered} | {row.changed} | {row.relabelled} "
            f"| {row.right_to_wrong} | {row.wrong_to_right} |"
        )
    return "\n".join(out)


def _short(answer: Answer) -> str:
    """``label/decision confidence`` (an ``insufficient`` answer has no confidence)."""
    confidence = "" if answer[2] is None else f" {answer[2]:.2f}"
    return f"{answer[0]}/{answer[1]}{confidence}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-detect-title",
        action="store_true",
        help="never take a first line as the title (the CLI's --title-less default takes it)",
    )
    parser.add_argument("--show", type=int, default=0, help="list N changed answers per shape")
    parser.add_argument("--only", nargs="*", help="only the shapes whose names contain these")
    args = parser.parse_args()
    from cxcs.commands import open_knowledge
    from devset import eval_available, load_dev

    if not eval_available():
        sys.exit("robustness: ../shared/eval not found (set CXCS_SHARED)")
    kb = open_knowledge()
    postings = load_dev()
    words = [w.lower() for w in args.only or ()]
    shapes = [s for s in SHAPES if not words or any(w in s.name.lower() for w in words)]
    started = time.perf_counter()
    rows = measure(kb, postings, shapes, detect_title=not args.no_detect_title)
    seconds = time.perf_counter() - started
    print(table(rows, len(postings)))
    title = "never" if args.no_detect_title else "a short first line, as the CLI does"
    print(f"\n{len(postings)} postings, title withheld (taken from the text: {title})")
    print(f"{seconds:.0f} s")
    for row in rows:
        if args.show and row.examples:
            print(f"\n{row.shape.name}:")
            for pid, before, after, was, now in row.examples[: args.show]:
                mark = "right→wrong" if was > now else "wrong→right" if now > was else ""
                print(f"  {pid}: {_short(before)} -> {_short(after)} {mark}")


if __name__ == "__main__":
    main()
