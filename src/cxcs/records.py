"""Classify records (mappings) into output rows: the one row schema CSV, JSONL and frames share.

``classify_records`` is the engine-neutral core of ``classify --batch``, of the frame helpers
and of the Spark/Dask integrations: one plain ``dict`` per input record, in input order,
with the keys of :func:`output_columns` (plus any kept input fields after them). A record
that cannot be classified gets ``error_code`` (machine-readable) and ``error`` (for people)
and nulls in the classification columns; it never stops the run unless ``errors="raise"``.
"""

from __future__ import annotations

from collections.abc import Container, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from cxcs.errors import InputError, UsageError
from cxcs.safe_text import csv_cell as safe_csv_cell
from cxcs.safe_text import writable

if TYPE_CHECKING:
    from cxcs.models.classify import Classification, Evidence
    from cxcs.models.knowledge import Knowledge

__all__ = ["ERROR_CODES", "Fields", "Row", "classify_records", "output_columns"]

_Name = TypeVar("_Name", bound=Hashable)

MAX_ROW_CHARS = 1_000_000
"""Only this much of one record's text is classified; the row is flagged ``truncated``."""

TOP_EVIDENCE = 5
"""How many of the heaviest matched phrases ``top_evidence`` lists."""
DECIDED = (
    "label",
    "decision",
    "confidence",
    "runner_up",
    "margin",
    "not_customer_facing",
    "reason",
)
"""The decision's own fields, as a classification and an assessment both hold them."""

NONE_LABEL = "none"
"""The ``label`` of a row whose duties read as not customer-facing."""

ERROR_CODES: dict[str, str] = {
    "bad_json": "the line is not valid JSON",
    "line_too_long": "the line is longer than the batch line limit (8 MiB for JSONL, 16,000,000 "
    "characters for CSV), so it was skipped",
    "not_object": "the line is JSON but not an object",
    "not_utf8": "the row is not valid UTF-8",
    "not_unicode": "a field the row uses holds a lone surrogate (cannot be written as UTF-8)",
    "bad_csv": "the CSV row cannot be parsed",
    "extra_fields": "the CSV row has more fields than the header",
    "not_mapping": "the record is not a mapping",
    "no_text": "no text field has a value",
    "text_not_string": "the text field holds something other than a string",
    "empty_text": "the text is blank",
    "binary_text": "the text contains NUL bytes",
    "damaged_input": "compressed input damaged or cut short here: nothing after it can be read",
    "incomplete": "the batch stopped here (Ctrl-C, a signal, an error): the rows after it were "
    "not classified, and the output is incomplete (the last row of an output to stdout)",
}
"""Every ``error_code`` a row can carry, with what it means."""

HEAD_COLUMNS = ("id", "line", "label", "decision", "confidence", "runner_up", "margin")
TAIL_COLUMNS = (
    "score_none",
    "reason",
    "title_label",
    "title_mismatch",
    "truncated",
    "top_evidence",
    "error_code",
    "error",
    "tool_version",
    "kb_version",
    "kb_sha256",
)
BOOLEAN_COLUMNS = frozenset({"title_mismatch", "truncated"})
FLOAT_COLUMNS_FIXED = frozenset({"confidence", "margin", "score_none"})


def output_columns(kb: Knowledge) -> list[str]:
    """The output row's columns, in order: fixed whatever the input or the answer.

    Scores follow the knowledge base's function order (not the ranking), as
    ``score_<function>``, then ``score_none`` (the not-customer-facing share).
    """
    return [*HEAD_COLUMNS, *(f"score_{f}" for f in kb.functions), *TAIL_COLUMNS]


def kept_column(name: str, columns: Sequence[str]) -> str:
    """The output name of a kept input field: its own (as UTF-8 can write it: U+FFFD for a
    lone surrogate), or ``input_<name>`` on a clash."""
    name = writable(name)
    return f"input_{name}" if name in columns else name


def kept_clash(keep: Sequence[str], columns: Sequence[str]) -> tuple[str, str, str] | None:
    """The first two ``keep`` fields that would be written under one output name (see
    :func:`kept_column`): ``(first, second, output name)``; None when every one has its own."""
    written: dict[str, str] = {}
    for name in keep:
        out = kept_column(name, columns)
        if written.setdefault(out, name) != name:
            return written[out], name, out
    return None


@dataclass(frozen=True, slots=True)
class Fields:
    """Which input fields hold the id, title and text, and which are copied to the output."""

    id_field: str = "id"
    title_field: str | None = "title"
    text_fields: tuple[str, ...] = ("text",)
    """The first of these with text is the posting; ``a+b`` joins fields ``a`` and ``b``
    (blank line between; a list of texts is one line each). Any field name may be a path
    into nested objects (``job.description``) when the record has no such key itself."""
    keep: tuple[str, ...] = ()
    keep_all: bool = False
    encoding: str = "utf-8"
    """The input's text encoding (``--encoding``; an ASCII-compatible one)."""

    def undecodable(self, where: str = "") -> str:
        """The error message of a row that does not decode (``where``: the byte, if known)."""
        if self.encoding != "utf-8":
            return f"not valid {self.encoding}" + (f" ({where})" if where else "")
        hint = "in another encoding? give --encoding, e.g. cp1252"
        return f"not valid UTF-8 ({where}; {hint})" if where else f"not valid UTF-8 ({hint})"


@dataclass(frozen=True, slots=True)
class Row:
    """One input row: where it was and what it holds, or why it cannot be used."""

    line: int
    id: str | None
    title: str | None = None
    text: str | None = None
    error: str | None = None
    error_code: str | None = None
    truncated: bool = False
    kept: Mapping[str, Any] | None = None


def failed(line: int, row_id: str | None, code: str, message: str, kept: Any = None) -> Row:
    """An error row (``code`` is one of :data:`ERROR_CODES`)."""
    assert code in ERROR_CODES, code
    return Row(line, row_id, error=message, error_code=code, kept=kept)


_ABSENT = object()


def field_value(record: Mapping[str, Any], name: str) -> Any:
    """The value of input field ``name``: the key itself when the record has it, else a
    path through nested objects (``job.description``); None when absent."""
    value = record.get(name, _ABSENT)
    if value is not _ABSENT:
        return value
    if "." not in name:
        return None
    value = record
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


@lru_cache(maxsize=256)
def text_parts(group: str) -> tuple[str, ...]:
    """The fields a text field spec joins: ``summary+duties`` is both, in that order
    (remembered: every record asks it of the same few specs)."""
    return tuple(part.strip() for part in group.split("+") if part.strip()) or (group,)


def text_field_names(groups: Sequence[str]) -> list[str]:
    """Every field name the text specs ``groups`` may read (a spec itself and its parts)."""
    return list(dict.fromkeys(n for group in groups for n in (group, *text_parts(group))))


def columns_read_twice(
    columns: Sequence[_Name], read: Container[object]
) -> list[tuple[_Name, int, int]]:
    """Each name in ``read`` that ``columns`` holds again, with the 1-based positions of its
    first and repeated column, in column order: a column the run reads but cannot tell
    from its namesake (callers make each a usage error)."""
    first: dict[_Name, int] = {}
    repeats = []
    for number, name in enumerate(columns, start=1):
        if name in first and name in read:
            repeats.append((name, first[name], number))
        first.setdefault(name, number)
    return repeats


def _text_of(record: Mapping[str, Any], groups: Sequence[str]) -> Any:
    """The posting text: the first of ``groups`` that has any (see :class:`Fields`). A
    value that is neither text nor a list of texts is returned as it is (an error row)."""
    for group in groups:
        parts = (group,) if group in record else text_parts(group)
        found: list[str] = []
        for part in parts:
            value = field_value(record, part)
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                value = "\n".join(item for item in value if item)
            if isinstance(value, str):
                if value:
                    found.append(value)
                continue
            if not is_missing(value):
                return value
        if found:
            return "\n\n".join(found)
    return None


def is_missing(value: object) -> bool:
    """None, NaN, pandas NA or NaT: a value that stands for no value (Python and pandas
    write NaN for a missing number, and pandas gives NA for a missing cell)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    return type(value).__name__ in {"NAType", "NaTType"}


_EXACT_FLOAT = 2.0**53
"""Up to here a float holds every integer exactly: a whole float below it was an integer."""


def _id_of(value: Any) -> str | None:
    """An input id as text, by one rule on every path (CLI, records, frames, Spark, Dask):
    strings as they are (an empty one is no id), integers in digits, a whole float as an
    integer (``17.0`` is ``17``: pandas stores an integer column with a missing value as
    floats) up to 2**53, other floats as Python writes them, JSON's ``true`` and objects or
    arrays as compact JSON (never Python's ``True`` or ``{'a': 1}``)."""
    if value is None or isinstance(value, str):
        return value or None
    if is_missing(value):
        return None
    if isinstance(value, float):
        exact = value.is_integer() and abs(value) <= _EXACT_FLOAT
        return str(int(value)) if exact else repr(value)
    if isinstance(value, bool | dict | list):
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _kept(record: Mapping[str, Any], fields: Fields) -> dict[str, Any] | None:
    if fields.keep_all:
        names: Iterable[Any] = record
    elif fields.keep:
        names = fields.keep
    else:
        return None
    kept = {str(name): field_value(record, name) for name in names}
    for name, value in kept.items():
        if isinstance(value, str):
            kept[name] = writable(value)
    return kept


def has_lone_surrogate(value: object) -> bool:
    """Whether ``value`` is a string holding a lone surrogate (ASCII is checked in O(1);
    encoding is five times faster than a regular-expression search)."""
    if not isinstance(value, str) or value.isascii():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unwritable_field(fields: Fields, row_id: object, title: object, text: object) -> str | None:
    """Why a row cannot be written back (a lone surrogate, e.g. from a JSON ``\\ud800``
    escape, in a field it uses), or None."""
    for name, value in (
        (fields.id_field, row_id),
        (fields.title_field or "title", title),
        (" / ".join(fields.text_fields), text),
    ):
        if has_lone_surrogate(value):
            return f"not valid Unicode: field {name} holds a lone surrogate"
    return None


def row_from_mapping(
    line: int, record: Mapping[str, Any], fields: Fields, *, unicode_checked: bool = False
) -> Row:
    """The row for one input record (an error row when it has no usable text).

    ``unicode_checked``: the caller knows no field holds a lone surrogate (e.g. the JSON
    line had no ``\\u`` escape of one), so the check is skipped.
    """
    kept = _kept(record, fields)
    row_id = _id_of(field_value(record, fields.id_field))
    text = _text_of(record, fields.text_fields)
    title = field_value(record, fields.title_field) if fields.title_field else None
    if not unicode_checked and (
        has_lone_surrogate(text) or has_lone_surrogate(title) or has_lone_surrogate(row_id)
    ):
        unwritable = _unwritable_field(fields, row_id, title, text)
        assert unwritable is not None
        row_id = writable(row_id) if row_id else row_id
        return failed(line, row_id, "not_unicode", unwritable, kept)
    if text is None:
        looked = " / ".join(fields.text_fields)
        return failed(line, row_id, "no_text", f"no text (looked for field {looked})", kept)
    if not isinstance(text, str):
        return failed(line, row_id, "text_not_string", "text field is not a string", kept)
    if not text or text.isspace():
        return failed(line, row_id, "empty_text", "text is empty", kept)
    if text.find("\x00") >= 0:  # ``in`` takes twice as long on text beyond Latin-1
        message = "text contains NUL bytes (binary data)"
        return failed(line, row_id, "binary_text", message, kept)
    title = (title.strip() or None) if isinstance(title, str) else None
    truncated = len(text) > MAX_ROW_CHARS
    return Row(line, row_id, title, text[:MAX_ROW_CHARS], truncated=truncated, kept=kept)


class RowMaker:
    """Builds output rows for one knowledge base: the columns and metadata computed once."""

    def __init__(self, kb: Knowledge) -> None:
        self.kb = kb
        self.columns = output_columns(kb)
        self.functions = list(kb.functions)
        self.meta = {
            "tool_version": _tool_version(),
            "kb_version": kb.origin.version,
            "kb_sha256": kb.origin.sha256,
        }
        self._blank = dict.fromkeys(self.columns)

    def classify(self, row: Row) -> dict[str, Any]:
        """The output row for ``row``: classified, or its error."""
        if row.error is not None or row.text is None:
            return self.error_row(row)
        from cxcs.engine.classify import assess

        found = assess(self.kb, row.text, row.title, detect_title=row.title is None)
        title = found.title
        out = self._filled(
            row,
            found.decided,
            found.scores,
            title["title_label"] if title else None,
            bool(title and title["mismatch"]),
            found.truncated,
            found.top_evidence(TOP_EVIDENCE),
        )
        return self._with_kept(out, row)

    def error_row(self, row: Row) -> dict[str, Any]:
        """The output row of a row that could not be classified."""
        out = self._blank.copy()
        out["id"], out["line"] = row.id, row.line
        out["error_code"], out["error"] = row.error_code or "error", row.error
        out.update(self.meta)
        return self._with_kept(out, row)

    def result_row(self, result: Classification, row: Row | None = None) -> dict[str, Any]:
        """The output row of a classification (``row`` None: a single posting, no id)."""
        decided = {name: getattr(result, name) for name in DECIDED}
        scores = [(s.function, s.score, s.raw) for s in result.scores]
        check = result.title
        out = self._filled(
            row,
            decided,
            scores,
            check.title_label if check else None,
            bool(check and check.mismatch),
            result.truncated,
            result.top_evidence(TOP_EVIDENCE),
        )
        return self._with_kept(out, row) if row is not None else out

    def _filled(
        self,
        row: Row | None,
        decided: Mapping[str, Any],
        scores: Iterable[tuple[str, float, float]],
        title_label: str | None,
        title_mismatch: bool,
        truncated: bool,
        evidence: list[Evidence],
    ) -> dict[str, Any]:
        """The one row layout, from a classification's plain values."""
        out = self._blank.copy()
        if row is not None:
            out["id"], out["line"] = row.id, row.line
        decision = decided["decision"]
        out["label"] = NONE_LABEL if decision == "not_customer_facing" else decided["label"]
        out["decision"] = decision
        out["confidence"] = decided["confidence"]
        out["runner_up"] = decided["runner_up"]
        out["margin"] = decided["margin"]
        for function in self.functions:  # a function with no score entry still has a number
            out["score_" + function] = 0.0
        for function, score, _ in scores:
            out["score_" + function] = score
        out["score_none"] = decided["not_customer_facing"]
        out["reason"] = decided["reason"]
        out["title_label"] = title_label
        out["title_mismatch"] = title_mismatch
        out["truncated"] = bool(truncated or (row is not None and row.truncated))
        out["top_evidence"] = "; ".join(
            f"{e.phrase} ({e.function} {e.weight:+.2f})" for e in evidence
        )
        out.update(self.meta)
        return out

    def _with_kept(self, out: dict[str, Any], row: Row) -> dict[str, Any]:
        if row.kept:
            for name, value in row.kept.items():
                out[kept_column(name, self.columns)] = value
        return out


def csv_cell(value: Any) -> Any:
    """A value as CSV holds it: booleans as true/false, null as empty, lists/dicts as JSON,
    text neutralised (:func:`cxcs.safe_text.csv_cell`: no controls, no formulas) with its
    line breaks as ``\\n``."""
    if isinstance(value, str):
        value = safe_csv_cell(value)
        # csv.writer quotes a field holding "\n" but not a bare "\r": make line breaks "\n".
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list):
        import json

        return safe_csv_cell(json.dumps(value, ensure_ascii=False))
    return value


def _tool_version() -> str:
    from cxcs import __version__

    return __version__


def kb_or_shipped(kb: Knowledge | None) -> Knowledge:
    """``kb``, or the shipped knowledge base (no overlays) when None."""
    if kb is not None:
        return kb
    from cxcs.knowledge.load import load_knowledge

    return load_knowledge()


def classify_records(
    records: Iterable[Mapping[str, object]],
    *,
    kb: Knowledge | None = None,
    id_field: str = "id",
    title_field: str | None = "title",
    text_fields: Sequence[str] = ("text",),
    keep: Sequence[str] = (),
    errors: Literal["record", "raise"] = "record",
) -> Iterator[dict[str, object]]:
    """Classify each record; yield one output row per record, in input order.

    Each row has the keys of :func:`output_columns` (``line`` is the record's 1-based
    position), then the ``keep`` fields copied from the record (renamed ``input_<name>``
    when they clash with an output column). The title is read from ``title_field`` when
    present, else detected from the text's first line; the text is the first of
    ``text_fields`` with a value (``"duties+skills"`` joins two fields; a list of texts is
    one line each; a name may be a path into nested objects, ``"job.description"``). A
    record without usable text yields an error row (``error_code``, ``error``) or, with
    ``errors="raise"``, raises ``InputError``. ``kb`` defaults to the shipped knowledge base.
    """
    if errors not in ("record", "raise"):
        raise UsageError(f"errors must be 'record' or 'raise', not {errors!r}")
    if isinstance(text_fields, str):
        text_fields = (text_fields,)
    fields = Fields(id_field, title_field, tuple(text_fields), tuple(keep))
    maker = RowMaker(kb_or_shipped(kb))
    for line, record in enumerate(records, start=1):
        if isinstance(record, Mapping):
            row = row_from_mapping(line, record, fields)
        else:
            row = failed(line, None, "not_mapping", f"not a mapping ({type(record).__name__})")
        if row.error is not None and errors == "raise":
            raise InputError(
                f"record {line}: {row.error}", record=line, id=row.id, error_code=row.error_code
            )
        yield maker.classify(row)


def column_types(kb: Knowledge) -> dict[str, str]:
    """Each output column's type: ``string``, ``int64``, ``float64`` or ``bool`` (all nullable).

    The schema as data, for Arrow, Parquet, Spark DDL or a database table.
    """
    types = dict.fromkeys(output_columns(kb), "string")
    types["line"] = "int64"
    for name in types:
        if name.startswith("score_") or name in FLOAT_COLUMNS_FIXED:
            types[name] = "float64"
    for name in BOOLEAN_COLUMNS:
        types[name] = "bool"
    return types
