"""Text safety: user text (postings, batch rows, overlays, names) is data in every output.

No terminal escape reaches the terminal, no raw HTML reaches markdown, no formula starts a CSV
cell, no knowledge text is read as rich markup, and no string stops a writer.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cxcs.safe_text import csv_cell, has_surrogates, markdown_text, one_line, visible, writable
from tests.support import (
    markdown_markup,
    markdown_seen,
    markdown_tables,
    need,
    read_records,
    run_cli,
    run_subprocess,
    write_rows,
)

ESCAPES = "\x1b[2J\x1b]52;c;SGk=\x1b\\\x1b]8;;http://x\x07\x9b31m\x07\x08\x7f"
"""Clear screen, OSC 52 clipboard write, OSC 8 link, C1 CSI, BEL, backspace, DEL."""
RAW_CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]
MARKDOWN_INLINE = {"link_open", "image", "em_open", "strong_open", "code_inline", "s_open"}
MARKDOWN_INLINE |= {"html_inline"}
"""Inline markup tokens; of raw HTML only the footer's ``<sub>`` is cxcs's own."""


def _no_controls(text: str) -> None:
    """No C0/C1 control in ``text`` but tab, LF and CR (CR only in CSV line ends)."""
    found = sorted({c for c in text if c in RAW_CONTROLS and c != "\r"})
    assert not found, found


def _seen(out: str, fmt: str) -> str:
    """What a reader sees of ``out``: markdown rendered (its escapes resolved), else as is."""
    return markdown_seen(out) if fmt == "markdown" else out


def _overlay(tmp_path: Path, name: str) -> Path:
    directory = tmp_path / "overlay"
    directory.mkdir(exist_ok=True)
    quoted = json.dumps(name)  # a YAML double-quoted scalar: JSON escapes are YAML escapes
    (directory / "functions.yaml").write_text(f"functions:\n  cx:\n    name: {quoted}\n")
    return directory


# --------------------------------------------------------------------------- the module


def test_safe_text_escapes_every_control_but_layout() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\x1b[2J\x9b\x7f") == "\\x1b[2J\\x9b\\x7f"
    assert one_line("a\nb\r\tc\u2028") == "a\\nb\\r\\tc\\u2028"
    for char in RAW_CONTROLS:
        _no_controls(visible(char))
        assert char not in one_line(char)


def test_bidi_overrides_are_shown_never_sent_raw() -> None:
    """A right-to-left override would make a title display other than it reads."""
    for char in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"):
        for function in (visible, one_line, markdown_text):
            shown = function(f"Support{char}reganam")
            assert char not in shown and f"\\u{ord(char):04x}" in shown
    assert visible("دعم العملاء") == "دعم العملاء"  # right-to-left text itself is left as it is


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html"])
def test_a_bidi_override_in_a_posting_never_reaches_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    posting = tmp_path / "b.txt"
    posting.write_text(
        "Support \u202eregaNAM\nAnswer tickets; troubleshoot customer issues.\n",
        encoding="utf-8",
    )
    run = run_cli(
        capsys, "classify", str(posting), "-f", fmt, "--explain" if fmt != "csv" else "-q"
    )
    assert run.code == 0, run.err
    assert "\u202e" not in run.out and "\u202e" not in run.err
    if fmt != "csv":  # the csv row has no title column
        assert "\\u202e" in run.out


def test_safe_text_makes_lone_surrogates_writable() -> None:
    assert writable("bad\ud800") == "bad\ufffd"
    for function in (visible, one_line, markdown_text):
        function("x\udcff").encode("utf-8")  # raises if a surrogate is left


@given(st.text(st.characters(max_codepoint=0xE000, exclude_categories=()), max_size=12))
@example("x\udfff")
@example("\ud800")
@example("caf\u00e9")
def test_has_surrogates_finds_exactly_the_surrogate_code_points(text: str) -> None:
    """The encode-based check agrees with the plain definition (a code point in U+D800-DFFF),
    ASCII, BMP and astral text included."""
    expected = any(0xD800 <= ord(char) <= 0xDFFF for char in text)
    assert has_surrogates(text) is expected
    assert has_surrogates(text + "\U0001f600") is expected


def test_csv_cell_neutralises_formulas_as_owasp_recommends() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        cell = csv_cell(f"{start}HYPERLINK(1)")
        assert isinstance(cell, str) and cell.startswith("'"), cell
    assert csv_cell("Support") == "Support"
    assert csv_cell(-0.5) == -0.5  # numbers stay numbers
    for number in ("-5", "+3", "-0.25", "-1e5", "+.5"):  # an id written as a number
        assert csv_cell(number) == number
    for near in ("-5+cmd|' /C calc'!A0", "-1-", "+", "-", "--5", "-e5", "=5", "-\u0661\u0662"):
        assert csv_cell(near) == "'" + near
    assert csv_cell(None) is None


# --------------------------------------------------------------------------- item 2


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "html"])
def test_terminal_escapes_in_a_posting_never_reach_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    posting = tmp_path / "e.txt"
    posting.write_text(f"{ESCAPES} Support\nAnswer tickets; troubleshoot.\n", encoding="utf-8")
    run = run_cli(capsys, "classify", str(posting), "-f", fmt)
    assert run.code == 0, run.err
    if fmt != "csv":  # the csv row has no title column
        assert "\\x1b[2J" in _seen(run.out, fmt)  # shown, escaped
    _no_controls(run.out)
    _no_controls(run.err)


def test_terminal_escapes_in_names_and_overlays_never_reach_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(capsys, "show", f"x{ESCAPES}", "-f", "json")
    assert run.code == 2
    _no_controls(run.err)
    assert "\\x1b" in json.loads(run.out)["error"]["message"]
    directory = _overlay(tmp_path, f"CX {ESCAPES}")
    for args in (("show", "cx"), ("compare", "cx", "ux"), ("list",), ("map",)):
        for fmt in ("table", "markdown", "csv", "html"):
            done = run_cli(capsys, *args, "--kb", str(directory), "-f", fmt)
            assert done.code == 0, (args, done.err)
            _no_controls(done.out)


HOSTILE = "\x1b[5mblink\x1b[41m red \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x9b2J\x7f"
"""Blink, a red background, an OSC 8 hyperlink (ESC ] 8 ;; url ESC \\), a C1 CSI, DEL."""


@pytest.mark.parametrize("fmt", ["html", "table", "markdown"])
def test_terminal_escapes_in_a_postings_body_never_reach_the_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """The evidence quotes the posting around each matched word: escapes there are shown."""
    posting = tmp_path / "body.txt"
    posting.write_text(
        "Support agent \x1b[5mblink\x1b[41m red; answer \x1b]8;;http://evil.example\x1b\\"
        "tickets\x1b]8;;\x1b\\, help desk, troubleshoot issues \x9b2J\x7f\n",
        encoding="utf-8",
    )
    run = run_cli(capsys, "classify", str(posting), "-f", fmt, "--explain")
    assert run.code == 0, run.err
    _no_controls(run.out)
    _no_controls(run.err)
    if fmt != "table":  # a table wraps its cells
        seen = _seen(run.out, fmt)
        assert "x1b[5mblink" in seen and "x1b]8;;http://evil" in seen  # shown


@pytest.mark.parametrize("fmt", ["html", "table", "markdown", "csv"])
def test_terminal_escapes_in_a_batch_output_never_reach_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """``summarize`` reads a file anyone could have written: its labels, decisions, error
    codes and knowledge version are user text."""
    rows = write_rows(
        tmp_path / "rows.jsonl",
        [json.dumps({"id": "1", "text": SUPPORT_DUTIES}).encode() + b"\n"],
    )
    labels = tmp_path / "labels.csv"
    assert run_cli(capsys, "classify", "--batch", str(rows), "-o", str(labels)).code == 0
    [row] = list(csv.DictReader(io.StringIO(labels.read_text(encoding="utf-8"))))
    row.update(label=f"sup\x1b[31mport {HOSTILE}", kb_version=f"2026\x1b[5m{HOSTILE}")
    hostile = tmp_path / "hostile.csv"
    with hostile.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    run = run_cli(capsys, "summarize", str(hostile), "-f", fmt)
    assert run.code == 0, run.err
    _no_controls(run.out)
    _no_controls(run.err)
    seen = _seen(run.out, fmt)
    assert "x1b[31mport" in seen and "x1b]8;;http://evil.example" in seen  # shown
    if fmt != "csv":  # the footer's knowledge version is shown too
        assert "2026\\" in seen and "x1b[5m" in seen


# --------------------------------------------------------------------------- item 3


def test_markdown_escapes_html_from_postings_and_overlays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = "<img src=x onerror=alert(1)> & <b>bold</b>"
    posting = tmp_path / "h.txt"
    posting.write_text("Answer tickets; troubleshoot.\n", encoding="utf-8")
    # The title is given: HTML in a posting's body is stripped by the classifier itself.
    run = run_cli(capsys, "classify", str(posting), "-t", f"{html} Support", "-f", "markdown")
    assert run.code == 0, run.err
    assert "<img" not in run.out and "<b>" not in run.out
    cells = [c for _, rows in markdown_tables(run.out) for row in rows for c in row]
    assert f"{html} Support" in cells  # a CommonMark reader sees the text, not the tags
    directory = _overlay(tmp_path, html)
    listed = run_cli(capsys, "list", "--kb", str(directory), "-f", "markdown")
    assert "<img" not in listed.out
    assert html in [c for _, rows in markdown_tables(listed.out) for row in rows for c in row]


# --------------------------------------------------------------------------- item 4


def test_csv_output_neutralises_formulas_in_batch_ids_and_overlay_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    formula = '=HYPERLINK("http://evil","x")'
    rows = write_rows(
        tmp_path / "rows.jsonl",
        [json.dumps({"id": formula, "text": "Answer tickets; troubleshoot."}).encode() + b"\n"],
    )
    run = run_cli(capsys, "classify", "--batch", str(rows), "-f", "csv")
    assert run.code == 0, run.err
    [row] = list(csv.DictReader(io.StringIO(run.out)))
    assert row["id"] == "'" + formula
    directory = _overlay(tmp_path, "@SUM(1+1)")
    listed = run_cli(capsys, "list", "--kb", str(directory), "-f", "csv")
    names = [r["name"] for r in csv.DictReader(io.StringIO(listed.out))]
    assert "'@SUM(1+1)" in names
    assert not [n for n in names if n.startswith(("=", "+", "-", "@"))]


# --------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("name", ["CX [/x] team", "CX [emea] team", "CX [bold red]team"])
def test_knowledge_text_reaches_rich_as_text_never_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    directory = _overlay(tmp_path, name)
    assert run_cli(capsys, "validate", str(directory)).code == 0
    for args in (("show", "cx"), ("compare", "cx", "ux"), ("compare", "cx", "ux", "cs"), ("map",)):
        run = run_cli(capsys, *args, "--kb", str(directory), "-f", "table")
        assert run.code == 0, (args, run.err)
        assert "Traceback" not in run.err
        flat = " ".join(run.out.split())
        assert name in flat or name.split()[1] in flat, (args, run.out[:800])


# --------------------------------------------------------------------------- item 1


SUPPORT_DUTIES = (
    "Answer customer support tickets by email and chat every day, troubleshoot product issues "
    "with customers, reproduce bugs and escalate defects to engineering, keep help-centre "
    "articles current and meet our first-response targets for every ticket in the queue."
)
"""Enough words for a confident support answer (shorter texts are 'insufficient')."""


def test_a_lone_surrogate_in_a_batch_row_is_an_error_record_not_a_lost_batch(
    tmp_path: Path,
) -> None:
    rows = tmp_path / "s.jsonl"
    rows.write_text(
        '{"id":"ok1","text":"Troubleshoot customer tickets."}\n'
        '{"id":"bad\\ud800","text":"x"}\n'
        '{"id":"ok2","text":"Troubleshoot tickets.","title":"T\\udcff"}\n'
        '{"id":"ok3","text":"' + SUPPORT_DUTIES + '"}\n'
        '{"id":"ok4","text":"Troubleshoot tickets \\uDC00."}\n',  # escapes in capitals too
        encoding="utf-8",
    )
    for fmt in ("jsonl", "csv"):
        target = tmp_path / f"out.{fmt}"
        done = run_subprocess("classify", "--batch", str(rows), "-o", str(target))
        assert done.returncode == 1, done.stderr
        assert "internal error" not in done.stderr
        text = target.read_text(encoding="utf-8")
        if fmt == "jsonl":
            records: list[dict[str, Any]] = read_records(text)
        else:
            records = list(csv.DictReader(io.StringIO(text)))
        assert [r["id"] for r in records] == ["ok1", "bad\ufffd", "ok2", "ok3", "ok4"]
        assert "lone surrogate" in records[1]["error"]
        assert "lone surrogate" in records[2]["error"]
        assert "lone surrogate" in records[4]["error"]
        assert records[3]["label"] == "support"
    stdout = run_subprocess("classify", "--batch", str(rows))
    ids = [r["id"] for r in read_records(stdout.stdout)]
    assert ids == ["ok1", "bad\ufffd", "ok2", "ok3", "ok4"]


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "parquet"])
def test_a_kept_field_name_with_a_lone_surrogate_is_written_with_a_replacement(
    tmp_path: Path, fmt: str
) -> None:
    """--keep-all of a JSON key escaped as a lone surrogate (`"reg\\ud800"`) stopped a
    JSONL, JSON or Parquet output with an internal error: the key is written as UTF-8 can
    write it (U+FFFD), as a kept value already was."""
    if fmt == "parquet":
        need("pyarrow")
    rows = tmp_path / "s.jsonl"
    rows.write_text(
        '{"id":"a","text":"' + SUPPORT_DUTIES + '","reg\\ud800":"x\\udcff"}\n',
        encoding="utf-8",
    )
    target = tmp_path / f"out.{fmt}"
    done = run_subprocess("classify", "--batch", str(rows), "--keep-all", "-o", str(target))
    assert done.returncode == 0, done.stderr
    if fmt == "parquet":
        records: list[dict[str, Any]] = need("pyarrow.parquet").read_table(target).to_pylist()
    elif fmt == "csv":
        records = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    else:
        text = target.read_text(encoding="utf-8")
        records = json.loads(text) if fmt == "json" else read_records(text)
    assert records[0]["reg\ufffd"] == "x\ufffd" and records[0]["label"] == "support"


def test_a_csv_row_with_too_many_fields_and_a_bad_byte_in_its_id_is_written_as_utf8(
    tmp_path: Path,
) -> None:
    """The error row of a CSV row with more fields than the header keeps the row's id, with
    U+FFFD for a byte that is not UTF-8: stdout stays UTF-8, as a file does."""
    rows = tmp_path / "rows.csv"
    rows.write_bytes(b"id,text\nab\xff,Answer tickets,extra\nok,Answer tickets\n")
    done = run_subprocess("classify", "--batch", str(rows))
    assert done.returncode == 1, done.stderr
    records = read_records(done.stdout)
    assert [(r["id"], r["error_code"]) for r in records] == [
        ("ab\ufffd", "extra_fields"),
        ("ok", None),
    ]


# --------------------------------------------------------------------------- item 17


def test_the_map_svg_is_valid_xml_and_fetches_no_fonts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _overlay(tmp_path, f"CX {ESCAPES} <&> team")
    for kb in ((), ("--kb", str(directory))):
        run = run_cli(capsys, "map", *kb, "-f", "svg")
        assert run.code == 0, run.err
        ElementTree.fromstring(run.out)  # raises on invalid XML
        _no_networked_resources(run.out)
    html = run_cli(capsys, "map", "--kb", str(directory), "-f", "html")
    _no_networked_resources(html.out)


def _no_networked_resources(text: str) -> None:
    """No ``url(...)``, ``src=``, ``href=`` or ``@import`` that would load anything remote."""
    import re

    remote = re.compile(r"(url\(\s*['\"]?|src=['\"]|href=['\"]|@import\s+['\"]?)(https?:)?//")
    assert not remote.search(text), remote.search(text)
    assert "cdnjs" not in text and "@font-face" not in text


# --------------------------------------------------------------------------- properties

HOSTILE_PIECES = [
    *("\x1b[2J", "\x9b", "<img src=x>", "&", "=1+1", "[/x]", "|", "\\", "\n", "\r", "\u202e"),
    *("[x](http://e/)", "![i](http://e/i)", "*", "_", "`", "~~", "# ", "- ", "\u200b"),
]
hostile_text = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
    | st.sampled_from(HOSTILE_PIECES),
    max_size=5,
).map("".join)


def _assert_safe(out: str, fmt: str) -> None:
    """No raw control, no CR but CSV's line ends, no live markup, no raw C1 in JSON."""
    if fmt in ("json", "jsonl"):
        for line in out.splitlines() if fmt == "jsonl" else [out]:
            json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
        assert not RAW_IN_JSON.search(out)
        return
    _no_controls(out)
    assert fmt == "csv" or "\r" not in out
    if fmt == "markdown":
        markup = [m for m in markdown_markup(out) if m.split()[0] in MARKDOWN_INLINE]
        assert markup == ["html_inline <sub>", "html_inline </sub>"], markup


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile_text, fmt=st.sampled_from(["table", "markdown", "csv", "json"]))
def test_any_overlay_name_is_shown_safely_or_refused(name: str, fmt: str) -> None:
    """An overlay names cx anything: list/show/compare either work with safe output or fail
    as one ``file:line`` knowledge error, never an internal error."""
    import tempfile

    from tests.support import run_cli_plain

    with tempfile.TemporaryDirectory() as tmp:
        directory = _overlay(Path(tmp), name)
        for args in (("list",), ("show", "cx"), ("compare", "cx", "ux")):
            code, out, err = run_cli_plain(*args, "--kb", str(directory), "-f", fmt)
            assert code in (0, 1), (code, err)
            assert "internal error" not in err and "Traceback" not in err
            if code == 1:
                assert "functions.yaml" in err
            if code == 0 or fmt == "json":  # a failure writes no output but its document
                _assert_safe(out, fmt)
            _no_controls(err)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {"id": hostile_text | st.integers() | st.none(), "text": hostile_text}
        ),
        min_size=1,
        max_size=6,
    ),
    surrogate=st.booleans(),
    fmt=st.sampled_from(["jsonl", "csv"]),
)
def test_any_batch_rows_give_one_safe_record_each(
    rows: list[dict[str, Any]], surrogate: bool, fmt: str
) -> None:
    import tempfile

    from tests.support import run_cli_plain

    lines = [json.dumps(r) for r in rows]
    if surrogate:
        lines[0] = lines[0].replace('"text": "', '"text": "\\ud800', 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, out, err = run_cli_plain("classify", "--batch", str(path), "-f", fmt)
    assert code in (0, 1), err
    assert "internal error" not in err
    _no_controls(err)
    if fmt == "jsonl":
        assert len(read_records(out)) == len(rows)
        _assert_safe(out, fmt)
    else:
        records = list(csv.DictReader(io.StringIO(out)))
        assert len(records) == len(rows)
        for record in records:
            row_id = record["id"] or ""
            number = re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", row_id)
            assert number or not row_id.startswith(("=", "+", "-", "@")), row_id
            _no_controls(record["id"] or "")


def test_a_bare_carriage_return_never_splits_a_csv_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _overlay(tmp_path, "CX\rteam\r\nEMEA")
    run = run_cli(capsys, "list", "--kb", str(directory), "-f", "csv")
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(run.out, newline="")))
    assert len(rows) == len(run_cli(capsys, "list", "-f", "csv").out.splitlines()) - 1
    assert "CX\nteam\nEMEA" in [r["name"] for r in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=hostile_text.filter(lambda t: t.strip()),
    title=st.none() | hostile_text.filter(lambda t: t.strip()),
    fmt=st.sampled_from(["table", "markdown", "csv", "json"]),
)
def test_any_posting_is_classified_with_safe_output(text: str, title: str | None, fmt: str) -> None:
    """Any posting text (and ``--title``) gives exit 0 with safe output, or a one-line input
    error; never an internal error, a raw control character or live HTML."""
    import tempfile

    from tests.support import run_cli_plain

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posting.txt"
        path.write_text(text, encoding="utf-8")
        explain = ["--explain"] if fmt in ("table", "markdown") else []  # json: every match
        args = ["classify", str(path), "-f", fmt, *explain]
        code, out, err = run_cli_plain(*args, *(["--title", title] if title else []))
    assert code in (0, 1), err
    assert "internal error" not in err and "Traceback" not in err
    _no_controls(err)
    assert len([line for line in err.splitlines() if "error:" in line]) <= 1
    if code == 0:
        _assert_safe(out, fmt)


# --------------------------------------------------------------------------- line overwrite


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_a_carriage_return_never_writes_over_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A bare CR sends a terminal's cursor back to the start of the line, so what follows
    it would be printed over what came before; in markdown it ends the line (and the row)."""
    posting = tmp_path / "p.txt"
    posting.write_text("Answer tickets; troubleshoot.\n", encoding="utf-8")
    run = run_cli(capsys, "classify", str(posting), "-t", "Support agent\rSales", "-f", fmt)
    assert run.code == 0, run.err
    assert "\r" not in run.out and "Sales" in run.out
    if fmt == "markdown":  # a line break in the cell, as CommonMark reads a bare CR
        cells = [c for _, rows in markdown_tables(run.out) for row in rows for c in row]
        assert "Support agent\nSales" in cells


# --------------------------------------------------------------------------- invisible names


def test_one_line_shows_invisible_characters_visible_leaves_them() -> None:
    """A name that differs by an invisible character would read, in a message, as the name
    it is not ('unknown function 'cx'; did you mean 'cx'?')."""
    for char in ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"):
        assert one_line(f"cx{char}") == f"cx\\u{ord(char):04x}"
    assert one_line("cx\xad") == "cx\\xad"  # a soft hyphen
    assert one_line("cx\U000e0041") == "cx\\U000e0041"  # a tag character
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert visible(family) == family  # emoji and scripts that need joiners stay as written


def test_an_invisible_character_in_a_name_is_shown_in_the_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = run_cli(capsys, "show", "cx\u200b", "-f", "json")
    assert run.code == 2
    assert "\u200b" not in run.err and "'cx\\u200b'" in run.err
    assert "'cx\\u200b'" in json.loads(run.out)["error"]["message"]


# --------------------------------------------------------------------------- JSON

RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What JSON leaves raw but a terminal acts on (DEL, C1 controls such as the 8-bit CSI
U+009B) or reorders (bidi controls), and the Unicode line separators."""
TERMINAL_BAIT = "CX \x9b2J\x1b[31m \u202eregaNAM\u2066 \x85\u2028\x7f"


def test_usage_errors_from_the_command_line_parser_are_safe_in_the_json_document(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An unknown command or option is named in the error, as Click words it."""
    for args in ((f"x{TERMINAL_BAIT}\nnext",), ("list", f"--x{TERMINAL_BAIT}\nnext")):
        run = run_cli(capsys, *args, "-f", "json")
        assert run.code == 2, run.err
        message = json.loads(run.out)["error"]["message"]
        assert "\n" not in message and "next" in message
        _no_controls(message)
        assert not RAW_IN_JSON.search(message), message
        assert not RAW_IN_JSON.search(run.out) and not RAW_IN_JSON.search(run.err)


def test_json_output_escapes_c1_and_bidi_controls_and_keeps_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = _overlay(tmp_path, TERMINAL_BAIT)
    listed = run_cli(capsys, "list", "--kb", str(directory), "-f", "json")
    assert listed.code == 0, listed.err
    assert not RAW_IN_JSON.search(listed.out)
    names = [f["name"] for f in json.loads(listed.out)["result"]["functions"]]
    assert TERMINAL_BAIT in names  # JSON is data: the escapes read back as the text
    rows = write_rows(
        tmp_path / "rows.jsonl",
        [json.dumps({"id": TERMINAL_BAIT, "text": SUPPORT_DUTIES}).encode() + b"\n"],
    )
    for fmt in ("jsonl", "json"):
        run = run_cli(capsys, "classify", "--batch", str(rows), "-f", fmt)
        assert run.code == 0, run.err
        assert not RAW_IN_JSON.search(run.out)
        records = read_records(run.out) if fmt == "jsonl" else json.loads(run.out)
        assert records[0]["id"] == TERMINAL_BAIT
    posting = tmp_path / "p.txt"
    posting.write_text(SUPPORT_DUTIES, encoding="utf-8")
    single = run_cli(capsys, "classify", str(posting), "-t", TERMINAL_BAIT, "-f", "json")
    assert single.code == 0, single.err
    assert not RAW_IN_JSON.search(single.out)
    title = json.loads(single.out)["result"]["classification"]["title"]["title"]
    assert title == TERMINAL_BAIT


# --------------------------------------------------------------------------- markdown markup

MARKUP = (
    "[click](http://evil.example/) ![pixel](http://evil.example/p.png) *em* **strong** "
    "_under_ `code` ~~gone~~ <http://evil.example/> a_b_c"
)
"""A link, an image (fetched by a preview), emphasis, code, strikethrough, an autolink, and
intraword underscores (never emphasis: left as they are)."""


def test_markdown_shows_markup_from_postings_and_overlays_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posting = tmp_path / "m.txt"
    posting.write_text("Answer tickets; troubleshoot.\n", encoding="utf-8")
    run = run_cli(capsys, "classify", str(posting), "-t", f"{MARKUP} Support", "-f", "markdown")
    assert run.code == 0, run.err
    markup = [m for m in markdown_markup(run.out) if m not in ("heading_open", "html_inline <sub>")]
    assert markup == ["html_inline </sub>"], markup
    cells = [c for _, rows in markdown_tables(run.out) for row in rows for c in row]
    assert f"{MARKUP} Support" in cells  # a reader sees the text as it was typed
    assert "a_b_c" in run.out
    directory = _overlay(tmp_path, MARKUP)
    listed = run_cli(capsys, "list", "--kb", str(directory), "-f", "markdown")
    assert [m for m in markdown_markup(listed.out) if "link" in m or "image" in m] == []
    assert MARKUP in [c for _, rows in markdown_tables(listed.out) for row in rows for c in row]


@pytest.mark.parametrize("start", ["# ", "## ", "- ", "+ ", "* ", "1. ", "2) ", "---", "> "])
def test_an_overlay_text_never_starts_a_markdown_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], start: str
) -> None:
    """A function's summary is the caption under its table, and an axis name starts the
    map's notes: a line of their own, where ``#`` would start a heading and ``-`` a list."""
    directory = tmp_path / "overlay"
    directory.mkdir()
    summary, axis = json.dumps(f"{start}Summary text"), json.dumps(f"{start}Axis")
    (directory / "functions.yaml").write_text(
        f"axes:\n  - id: proactivity\n    name: {axis}\n    question: Who starts?\n"
        "    kind: ordinal\n    scale: [reactive, mixed, proactive]\n"
        f"functions:\n  cx:\n    summary: {summary}\n",
        encoding="utf-8",
    )
    for args in (("show", "cx"), ("map",)):
        run = run_cli(capsys, *args, "--kb", str(directory), "-f", "markdown")
        assert run.code == 0, run.err
        blocks = [m for m in markdown_markup(run.out) if not m.startswith("html_inline")]
        assert blocks.count("heading_open") == (2 if args[0] == "show" else 1), blocks
        notes = 3 if args[0] == "show" else 4  # show: summary, † and ⚠ keys; map: 4 notes
        assert blocks.count("blockquote_open") == notes, blocks
        for kind in ("bullet_list_open", "ordered_list_open", "hr"):
            assert kind not in blocks, (args, blocks)
