"""Check the field options against a CSV or Parquet header before any row is read: a
text column must be there, a named column must exist, and what the run reads or writes
must be unambiguous (each a usage error)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from cxcs.errors import UsageError
from cxcs.records import Fields, columns_read_twice, kept_clash, text_field_names, text_parts


def refuse_no_text_column(fields: Fields, header: Sequence[str], what: str, also: str) -> NoReturn:
    """A usage error: the input's ``header`` has none of the text fields; it names a column
    spelled close to one of them, else ``also`` (another option that may help)."""
    from cxcs.suggest import suggestions

    close = [c for n in text_field_names(fields.text_fields) for c in suggestions(n, header, 1)]
    fix = f"did you mean --text-field {close[0]}?" if close else "use --text-field"
    raise UsageError(
        f"{what} has no text column (looked for {' / '.join(fields.text_fields)}; "
        f"found {', '.join(header) or 'nothing'}); {fix}"
        + (f" (or {also})" if also and not close else "")
    )


def refuse_unknown_fields(fields: Fields, header: Sequence[str]) -> None:
    """A field option naming a column a CSV or Parquet header does not have (nor, for a
    path such as ``job.location``, its first part) is a usage error: the header proves it
    misspelt. The default id and title columns may be absent; each part of a joined text
    (``duties+skills``) must be there."""
    defaults = Fields()
    named = [("--keep", name) for name in fields.keep]
    if fields.id_field != defaults.id_field:
        named.append(("--id-field", fields.id_field))
    if fields.title_field is not None and fields.title_field != defaults.title_field:
        named.append(("--title-field", fields.title_field))
    for spec in fields.text_fields:
        if "+" in spec and spec not in header:
            named += [("--text-field", part) for part in text_parts(spec)]
    for option, name in named:
        if name not in header and name.partition(".")[0] not in header:
            from cxcs.suggest import did_you_mean

            raise UsageError(
                f"{option} {name}: the input has no such column"
                f"{did_you_mean(name, header)} (columns: {', '.join(header)})"
            )


def refuse_ambiguous_fields(fields: Fields, header: Sequence[str], columns: Sequence[str]) -> None:
    """A column a CSV or Parquet header names twice is a usage error when the run reads it
    (which of the two is meant is unclear), and so are two kept columns that the output
    would write under one name (``label`` is kept as ``input_label``)."""
    read = {fields.id_field, fields.title_field, *text_field_names(fields.text_fields)}
    read |= set(fields.keep)
    read |= {name.partition(".")[0] for name in read if name}
    repeats = columns_read_twice(header, header if fields.keep_all else read)
    if repeats:
        name, first, again = repeats[0]
        raise UsageError(
            f"the input has column {name or repr(name)} twice (columns {first} and "
            f"{again}): which one to read is unclear; rename one"
        )
    kept = fields.keep or (tuple(header) if fields.keep_all else ())
    clash = kept_clash(kept, columns)
    if clash:
        kept_first, kept_second, out = clash
        raise UsageError(
            f"input columns {kept_first} and {kept_second} would both be written as {out}; "
            "name the ones to keep with --keep"
        )
