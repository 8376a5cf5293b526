"""Reading what SQLite's pragmas do not report out of the stored `CREATE TABLE` and
`CREATE INDEX` text: constraint names, CHECK expressions, DEFERRABLE, COLLATE, generated
column expressions, index key expressions and partial-index predicates.

SQLite keeps the statement text exactly as it was sent, and it only keeps text it
accepted, so a small tolerant parser is enough: a tokenizer that knows SQLite's quoting
(`"x"`, `` `x` ``, `[x]`, `'str'`) and comments, a splitter on top-level commas, and
readers for column definitions and table constraints. Unknown words are stepped over
rather than refused: reflection must never fail on a statement SQLite itself accepted.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

_TOKEN = re.compile(r"""
    (?P<blob>[xX]'[0-9a-fA-F]*')
  | (?P<word>[^\W\d][\w$]*)
  | (?P<ws>(?:\s+|--[^\n]*|/\*.*?(?:\*/|\Z))+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<qid>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<num>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<op>\|\||->>|->|<<|>>|<=|>=|==|!=|<>|.)
""", re.X | re.S)


class Token:
    __slots__ = ("kind", "text", "space_before", "upper")

    def __init__(self, kind: str, text: str, space_before: bool):
        self.kind = kind  # str qid blob num word op
        self.text = text
        self.space_before = space_before
        self.upper = text.upper() if kind == "word" else ""  # keywords are words

    @property
    def name(self) -> str:
        """The identifier this token spells, quotes removed."""
        if self.kind == "qid":
            inner = self.text[1:-1]
            return inner if self.text[0] == "[" else inner.replace(self.text[0] * 2, self.text[0])
        if self.kind == "str":
            return self.text[1:-1].replace("''", "'")
        return self.text


def tokenize(sql: str) -> list[Token]:
    tokens: list[Token] = []
    space = False
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup
        if kind == "ws":
            space = True
            continue
        tokens.append(Token(kind, m.group(), space))
        space = False
    return tokens


def expression_text(tokens: list[Token]) -> str:
    """Tokens back to SQL text, identifiers re-quoted the standard way ("x") so that
    `sqlexpr.normalize` reads `[x]` and `` `x` `` as the same name."""
    out = []
    for i, tok in enumerate(tokens):
        if i and tok.space_before:
            out.append(" ")
        if tok.kind == "qid" and tok.text[0] != '"':
            out.append('"' + tok.name.replace('"', '""') + '"')
        else:
            out.append(tok.text)
    return "".join(out)


def bare_name(tokens: list[Token]) -> Optional[str]:
    """The column name when an index key or expression is just a name, as `(x)` too."""
    while len(tokens) > 2 and tokens[0].text == "(" and _closing(tokens, 0) == len(tokens) - 1:
        tokens = tokens[1:-1]
    if len(tokens) == 1 and tokens[0].kind in ("word", "qid"):
        return tokens[0].name
    return None


_END = Token("op", "", False)  # what reading past the end gives: matches nothing


class _Cursor:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0

    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    def peek(self, ahead: int = 0) -> Optional[Token]:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def word(self, ahead: int = 0) -> str:
        tok = self.peek(ahead)
        return tok.upper if tok is not None else ""

    def take(self) -> Token:
        if self.done():
            return _END
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def skip(self, *words: str) -> bool:
        if self.word() in words:
            self.pos += 1
            return True
        return False

    def group(self) -> list[Token]:
        """The tokens inside the parenthesised group that starts here (consumed)."""
        if self.done() or self.peek().text != "(":
            return []
        end = _closing(self.tokens, self.pos)
        inner = self.tokens[self.pos + 1:end]
        self.pos = end + 1
        return inner


def _closing(tokens: list[Token], start: int) -> int:
    depth = 0
    for i in range(start, len(tokens)):
        text = tokens[i].text if tokens[i].kind == "op" else ""
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(tokens)


def split_top_level(tokens: list[Token]) -> list[list[Token]]:
    """Comma-separated items of a list, commas inside parentheses left alone."""
    items: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.kind == "op":
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
            elif tok.text == "," and depth == 0:
                items.append([])
                continue
        items[-1].append(tok)
    return [item for item in items if item]


# -- what the text says ---------------------------------------------------------------
@dataclass
class ForeignKeyText:
    name: Optional[str]
    columns: tuple[str, ...]
    table: str
    referred_columns: tuple[str, ...]
    deferrable: bool = False
    initially: Optional[str] = None


@dataclass
class ColumnText:
    name: str
    collation: Optional[str] = None
    generated: Optional[str] = None  # the expression text
    stored: bool = False
    primary_key_desc: bool = False


@dataclass
class TableText:
    columns: dict[str, ColumnText] = field(default_factory=dict)  # by lower-cased name
    primary_key_name: Optional[str] = None
    uniques: list[tuple[Optional[str], tuple[str, ...]]] = field(default_factory=list)
    checks: list[tuple[Optional[str], str]] = field(default_factory=list)
    foreign_keys: list[ForeignKeyText] = field(default_factory=list)
    without_rowid: bool = False
    autoincrement: bool = False  # on the INTEGER PRIMARY KEY


@dataclass
class IndexText:
    keys: list[list[Token]] = field(default_factory=list)  # ASC/DESC removed
    where: Optional[str] = None


_COLUMN_CONSTRAINT = {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT",
                      "COLLATE", "REFERENCES", "GENERATED", "AS"}
_TABLE_CONSTRAINT = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


# Only what can start a quoted span, a comment or a nesting level; all else is opaque.
_STRUCTURE = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]"""
                        r"|--[^\n]*|/\*.*?(?:\*/|\Z)|[(),]", re.S)
# A column definition without any of these words holds nothing the pragmas do not say
# (the lookahead, the words' first letters, only lets the search skip ahead faster)
_WORTH_READING = re.compile(r"\b(?=[CPUFRGA])(?:CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|COLLATE"
                            r"|REFERENCES|GENERATED|AS)\b", re.I)


# An item with no quote, comment or bracket deeper than one group inside (`qty INTEGER
# DEFAULT '0'` has one; `price NUMERIC(10, 2)` has none), up to the comma or bracket after it
_PLAIN_ITEM = re.compile(r"""((?:[^(),'"`\[\-/]+|\([^()'"`\[\-/]*\))*+)([,)])""")


def _body_items(sql: str) -> tuple[int, list[str], int]:
    """(start, the top-level comma-separated items of the first parenthesised list, end)
    found on the structural characters only, so long definitions are not tokenized. A
    plain item is taken in one match; the others are walked through their structure."""
    depth, start, items, item_start, pos = 0, -1, [], 0, 0
    while True:
        if pos == item_start and start >= 0:  # an item starts here
            m = _PLAIN_ITEM.match(sql, pos)
            if m:
                items.append(m[1])
                pos = item_start = m.end()
                if m[2] == ")":
                    return start, items, pos
                continue
        m = _STRUCTURE.search(sql, pos)
        if m is None:
            return start, items, len(sql)
        pos = m.end()
        ch = m.group()
        if ch == "(":
            depth += 1
            if depth == 1 and start < 0:
                start = item_start = pos
        elif ch == ")":
            depth -= 1
            if depth == 0 and start >= 0:
                items.append(sql[item_start:m.start()])
                return start, items, pos
        elif ch == "," and depth == 1:
            items.append(sql[item_start:m.start()])
            item_start = pos


def _body_items_walked(sql: str) -> tuple[int, list[str], int]:
    """_body_items without the plain-item shortcut (what the tests hold it to)."""
    depth, start, items, item_start = 0, -1, [], 0
    for m in _STRUCTURE.finditer(sql):
        ch = m.group()
        if ch == "(":
            depth += 1
            if depth == 1 and start < 0:
                start = item_start = m.end()
        elif ch == ")":
            depth -= 1
            if depth == 0 and start >= 0:
                items.append(sql[item_start:m.start()])
                return start, items, m.end()
        elif ch == "," and depth == 1:
            items.append(sql[item_start:m.start()])
            item_start = m.end()
    return start, items, len(sql)


def parse_create_table(sql: Optional[str], shortcuts: bool = True) -> TableText:
    """What the stored text of a table says. `shortcuts=False` reads every item with the
    tokenizer, which the shortcuts must agree with (the tests hold them to it)."""
    out = TableText()
    sql = sql or ""
    start, items, end = (_body_items if shortcuts else _body_items_walked)(sql)
    head = sql[:start - 1]
    if start < 0 or ("as" in head.lower() and any(t.upper == "AS" for t in tokenize(head))):
        return out  # CREATE TABLE ... AS SELECT: columns only, nothing else to read
    for item in items:
        if not _WORTH_READING.search(item):
            continue
        if shortcuts and _plain_table_constraint(item, out):
            continue
        tokens = tokenize(item)
        if not tokens:
            continue
        if tokens[0].upper in _TABLE_CONSTRAINT:
            _table_constraints(_Cursor(tokens), out)
        else:
            col = _column(_Cursor(tokens), out)
            out.columns[col.name.lower()] = col
    tail = sql[end:]
    if tail and not tail.isspace():
        options = [t.upper for t in tokenize(tail)]
        out.without_rowid = any(options[i:i + 2] == ["WITHOUT", "ROWID"]
                                for i in range(len(options)))
    return out


# -- the table constraints as SQLAlchemy writes them, read without the tokenizer ----------
# Each pattern takes an item whole or not at all; what it leaves goes to the tokenizer.
# ASCII only (names, spaces, keywords' case), so every item they take reads the same to
# the tokenizer: a Unicode spelling of a keyword or a name is the tokenizer's to read. A
# bare name ends where a space, a bracket or a comma follows; comments are never taken.
_NAME = r'(?:[A-Za-z_][A-Za-z0-9_$]*(?=[\s(),]|$)|"(?:[^"]|"")*")'
_NAME_LIST = rf"{_NAME}(?:\s*,\s*{_NAME})*"
_FLAGS = re.ASCII | re.IGNORECASE | re.DOTALL
# one pattern, one branch per kind: the name after CONSTRAINT is matched once
_PLAIN_TABLE_CONSTRAINT = re.compile(
    rf"\s*(?:CONSTRAINT\s+(?P<name>{_NAME})\s+)?(?:"
    rf"PRIMARY\s+KEY\s*\(\s*(?P<primary_key>{_NAME_LIST})\s*\)"
    rf"|UNIQUE\s*\(\s*(?P<unique>{_NAME_LIST})\s*\)"
    rf"|CHECK\s*\((?P<check>.*)\)"
    rf"|FOREIGN\s+KEY\s*\(\s*(?P<foreign_key>{_NAME_LIST})\s*\)\s*REFERENCES\s+(?P<table>{_NAME})"
    rf"\s*(?:\(\s*(?P<referred>{_NAME_LIST})\s*\))?"
    r"(?P<clauses>(?:\s+(?:ON\s+(?:DELETE|UPDATE)\s+(?:SET\s+NULL|SET\s+DEFAULT|NO\s+ACTION|CASCADE"
    r"|RESTRICT)|NOT\s+DEFERRABLE|DEFERRABLE|INITIALLY\s+(?:DEFERRED|IMMEDIATE))(?=\s|$))*)"
    r")\s*", _FLAGS)
_FOREIGN_KEY_CLAUSE = re.compile(r"(NOT\s+)?DEFERRABLE|INITIALLY\s+(\w+)", _FLAGS)
_EACH_NAME = re.compile(_NAME, _FLAGS)


def _unquoted(name: str) -> str:
    return name[1:-1].replace('""', '"') if name[0] == '"' else name


def _names(text: str) -> tuple[str, ...]:
    return tuple(_unquoted(name) for name in _EACH_NAME.findall(text))


def _plain_table_constraint(item: str, table: TableText) -> bool:
    """Read `item` into `table` when it is a table constraint in the plain form; whether
    it was."""
    m = _PLAIN_TABLE_CONSTRAINT.fullmatch(item)
    if m is None:
        return False
    name = (_unquoted(m["name"]) or None) if m["name"] else None
    if m["foreign_key"]:
        fk = ForeignKeyText(name=name, columns=_names(m["foreign_key"]), table=_unquoted(m["table"]),
                            referred_columns=_names(m["referred"]) if m["referred"] else ())
        for clause in _FOREIGN_KEY_CLAUSE.finditer(m["clauses"]):
            if clause[2]:
                fk.initially = clause[2].upper()
            else:
                fk.deferrable = not clause[1]
        table.foreign_keys.append(fk)
    elif m["unique"]:
        table.uniques.append((name, _names(m["unique"])))
    elif m["primary_key"]:
        table.primary_key_name = name
    else:
        expression = _whole_group_text(m["check"])
        if expression is None:
            return False
        table.checks.append((name, expression))
    return True


@functools.lru_cache(maxsize=1024)
def _whole_group_text(inner: str) -> Optional[str]:
    """expression_text of `(inner)` read as one group, None when its brackets do not close
    exactly at its end (a comment or a string runs past it, or it is several groups).
    Schemas repeat their CHECKs, with other names: read once per distinct text."""
    tokens = tokenize("(" + inner + ")")
    if not tokens or tokens[-1].kind != "op" or tokens[-1].text != ")" \
            or _closing(tokens, 0) != len(tokens) - 1:
        return None
    return expression_text(tokens[1:-1])


def _column(cur: _Cursor, table: TableText) -> ColumnText:
    col = ColumnText(name=cur.take().name)
    while not cur.done() and cur.word() not in _COLUMN_CONSTRAINT:  # the type name
        if cur.peek().text == "(":
            cur.group()
        else:
            cur.take()
    name = None
    while not cur.done():
        if cur.skip("CONSTRAINT"):
            name = cur.take().name or None
            continue
        if cur.skip("PRIMARY"):
            cur.skip("KEY")
            col.primary_key_desc = cur.word() == "DESC"
            cur.skip("ASC", "DESC")
            _conflict(cur)
            table.autoincrement = cur.skip("AUTOINCREMENT") or table.autoincrement
            table.primary_key_name = name
        elif cur.skip("NOT"):
            cur.skip("NULL")
            _conflict(cur)
        elif cur.skip("NULL"):
            _conflict(cur)
        elif cur.skip("UNIQUE"):
            _conflict(cur)
            table.uniques.append((name, (col.name,)))
        elif cur.skip("CHECK"):
            table.checks.append((name, expression_text(cur.group())))
        elif cur.skip("DEFAULT"):
            _default_value(cur)
        elif cur.skip("COLLATE"):
            col.collation = cur.take().name or None
        elif cur.skip("REFERENCES"):
            table.foreign_keys.append(_references(cur, name, (col.name,)))
        elif cur.word() in ("GENERATED", "AS"):
            cur.skip("GENERATED")
            cur.skip("ALWAYS")
            cur.skip("AS")
            col.generated = expression_text(cur.group())
            col.stored = cur.word() == "STORED"
            cur.skip("STORED", "VIRTUAL")
        else:
            cur.take()  # not a constraint we know: step over it
            continue
        name = None
    return col


def _table_constraints(cur: _Cursor, table: TableText) -> None:
    # SQLite accepts table constraints without commas between them, so read a sequence.
    name = None
    while not cur.done():
        if cur.skip("CONSTRAINT"):
            name = cur.take().name or None
            continue
        if cur.skip("PRIMARY"):
            cur.skip("KEY")
            cur.group()
            _conflict(cur)
            table.primary_key_name = name
        elif cur.skip("UNIQUE"):
            table.uniques.append((name, _key_columns(cur.group())))
            _conflict(cur)
        elif cur.skip("CHECK"):
            table.checks.append((name, expression_text(cur.group())))
        elif cur.skip("FOREIGN"):
            cur.skip("KEY")
            columns = _key_columns(cur.group())
            if cur.skip("REFERENCES"):
                table.foreign_keys.append(_references(cur, name, columns))
        else:
            cur.take()
            continue
        name = None


def _key_columns(tokens: list[Token]) -> tuple[str, ...]:
    return tuple(item[0].name for item in split_top_level(tokens))


def _conflict(cur: _Cursor) -> None:
    if cur.word() == "ON" and cur.word(1) == "CONFLICT":
        cur.pos += 3


def _default_value(cur: _Cursor) -> None:
    if cur.done():
        return
    if cur.peek().text == "(":
        cur.group()
        return
    if cur.peek().text in ("-", "+"):
        cur.take()
    if not cur.done():
        cur.take()


def _references(cur: _Cursor, name: Optional[str], columns: tuple[str, ...]) -> ForeignKeyText:
    fk = ForeignKeyText(name=name, columns=columns, table=cur.take().name,
                        referred_columns=())
    if not cur.done() and cur.peek().text == "(":
        fk.referred_columns = _key_columns(cur.group())
    while not cur.done():
        if cur.word() == "ON" and cur.word(1) in ("DELETE", "UPDATE"):
            cur.pos += 2
            if cur.skip("SET", "NO"):  # SET NULL, SET DEFAULT, NO ACTION
                cur.take()
            else:
                cur.take()  # CASCADE, RESTRICT
        elif cur.skip("MATCH"):
            cur.take()
        elif cur.word() == "NOT" and cur.word(1) == "DEFERRABLE":
            cur.pos += 2
            fk.deferrable = False
        elif cur.skip("DEFERRABLE"):
            fk.deferrable = True
        elif cur.skip("INITIALLY"):
            fk.initially = cur.take().upper or None
        else:
            break
    return fk


def parse_create_index(sql: Optional[str]) -> IndexText:
    """The keys and predicate of a stored `CREATE INDEX`. What follows the first bracket
    (keys, WHERE) repeats from table to table, so it is read once per distinct text; the
    result is shared and must not be changed."""
    if sql:
        for m in _STRUCTURE.finditer(sql):
            if m.group() == "(":
                return _index_from_keys(sql[m.start():])
            if m.group() in (")", ","):
                break
    return _parse_create_index(sql)


@functools.lru_cache(maxsize=1024)
def _index_from_keys(tail: str) -> IndexText:
    return _parse_create_index("CREATE INDEX i ON t " + tail)


def _parse_create_index(sql: Optional[str]) -> IndexText:
    out = IndexText()
    tokens = tokenize(sql or "")
    on = next((i for i, t in enumerate(tokens) if t.upper == "ON"), None)
    if on is None:
        return out
    cur = _Cursor(tokens)
    cur.pos = on + 1
    while not cur.done() and cur.peek().text != "(":
        cur.take()  # the table name
    for item in split_top_level(cur.group()):
        if len(item) > 1 and item[-1].upper in ("ASC", "DESC"):
            item = item[:-1]
        out.keys.append(item)
    if cur.skip("WHERE"):
        out.where = expression_text(cur.tokens[cur.pos:])
    return out
