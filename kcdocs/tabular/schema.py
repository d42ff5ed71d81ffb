"""Column definitions: the canonical Chinese header, aliases, kind and constraints."""

from __future__ import annotations

from dataclasses import dataclass, field

from kcdocs.textnorm import squash

KINDS = ("text", "id_number", "date", "int", "list")


@dataclass(frozen=True)
class Column:
    key: str  # field name of the row model (English)
    header: str  # canonical Chinese header
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"
    unique: bool = False
    hint: str | None = None  # what to write in this column, shown with problems
    year_from: str | None = None  # date columns: a month and day without a year take this column's year

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class TableSchema:
    title: str  # what the table is called for users, e.g. "名册"
    columns: tuple[Column, ...]
    sheet_names: tuple[str, ...] = ()  # preferred sheet names, if any
    _lookup: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for col in self.columns:
            for name in col.names():
                self._lookup.setdefault(squash(name), col)

    def match_header(self, text: object) -> Column | None:
        """The column a header cell names; spaces and full/half width are ignored."""
        return self._lookup.get(squash(str(text))) if text not in (None, "") else None

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def required_keys(self) -> set[str]:
        return {c.key for c in self.columns if c.required}
