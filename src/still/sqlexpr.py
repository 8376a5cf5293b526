"""Canonical text for SQL expressions.

Check constraints, index expressions, partial-index predicates, computed columns
and server defaults reach `still` twice: once as the text SQLAlchemy sends, once as
the text the database gives back. SQLite keeps our text verbatim, but PostgreSQL
re-prints it from its parse tree: it adds parentheses, upper-cases keywords, writes
`BETWEEN` as two comparisons, `IN (...)` as `= ANY (ARRAY[...])` and sprinkles casts
it inserted itself. Comparing raw text would report drift that is not there.

So both texts go through one tokenizer, one precedence (Pratt) parser and one
printer. Rewrites that PostgreSQL performs are applied while the tree is built, so
both spellings meet in one tree, and the printer emits the fewest parentheses that
keep the tree. Text we cannot parse falls back to a whitespace-collapsed form: it
still compares by text, it just does not get the benefit of the rewrites.
"""
from __future__ import annotations

import re
from typing import Optional

__all__ = ["normalize", "normalize_default", "identifiers"]

_TOKEN = re.compile(r"""
    (?P<ws>(?:\s+|--[^\n]*|/\*.*?\*/)+)
  | (?P<str>'(?:[^']|'')*')
  | (?P<qid>"(?:[^"]|"")+")
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op>::|->>|->|\#>>|\#>|!~~\*|!~~|~~\*|~~|!~\*|!~|~\*|<>|!=|>=|<=|<@|@>|\|\||
          \?\||\?&|&&|@@|<<|>>|[-+*/%^<>=~?@&|\#(),.\[\]:])
  | (?P<bad>.)
""", re.X | re.S)

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_SIMPLE_NAME = re.compile(r"[a-z_][a-z0-9_$]*")

# Precedence levels, lowest first, as in the PostgreSQL manual (4.1.6).
OR, AND, NOT, IS, CMP, LIKE, OTHER, ADD, MUL, EXP, NEG, SUB, CAST, ATOM = range(1, 15)
_LEVEL = {"or": OR, "and": AND, "=": CMP, "<>": CMP, "<": CMP, ">": CMP, "<=": CMP,
          ">=": CMP, "like": LIKE, "ilike": LIKE, "not like": LIKE, "not ilike": LIKE,
          "is distinct from": IS, "is not distinct from": IS, "+": ADD, "-": ADD,
          "*": MUL, "/": MUL, "%": MUL, "^": EXP}
# PostgreSQL prints LIKE/ILIKE as the operators that implement them.
_SPELLING = {"!=": "<>", "~~": "like", "~~*": "ilike", "!~~": "not like", "!~~*": "not ilike"}
# NOT over an operator that has a negated form becomes that form: SQLAlchemy and
# PostgreSQL each pick one spelling, and both mean the same in three-valued logic.
_NEGATED = {"=": "<>", "<": ">=", ">": "<=", "like": "not like", "ilike": "not ilike",
            "is distinct from": "is not distinct from"}
_NEGATED.update({v: k for k, v in list(_NEGATED.items())})

# SQL-standard "functions" written without parentheses; PostgreSQL prints them bare.
_VALUE_FUNCTIONS = set("""current_timestamp current_date current_time localtimestamp localtime
    current_user session_user user current_role current_catalog current_schema""".split())
# Words the parser gives a meaning to; as identifiers they must be quoted to re-parse.
_SPECIAL = _VALUE_FUNCTIONS | set("""and or not is isnull notnull null true false in between
    like ilike similar escape distinct from case when then else end any all some array cast as
    symmetric collate select exists""".split())
# PostgreSQL quotes its reserved words when it prints a column name; so do we.
_KEYWORDS = _SPECIAL | set("""analyse analyze asc asymmetric both check column constraint
    create default deferrable desc do except fetch for foreign grant group having initially
    intersect into lateral leading limit offset on only order placing primary references
    returning table to trailing union unique using variadic where window with authorization
    binary collation concurrently cross freeze full inner join left natural outer overlaps
    right tablesample verbose""".split())

# Type spellings that mean the same type, mapped to the one PostgreSQL prints.
_TYPE_ALIASES = {"int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
                 "float": "double precision", "float8": "double precision", "float4": "real",
                 "decimal": "numeric", "varchar": "character varying", "char": "character",
                 "bool": "boolean", "timestamptz": "timestamp with time zone",
                 "timestamp": "timestamp without time zone", "timetz": "time with time zone",
                 "time": "time without time zone"}
_TYPE_NEXT_WORDS = {"character": {"varying"}, "char": {"varying"}, "bit": {"varying"},
                    "double": {"precision"}, "timestamp": {"with", "without"},
                    "time": {"with", "without", "zone"}, "with": {"time"}, "without": {"time"}}
_NUMERIC_TYPES = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
# Casts PostgreSQL adds by itself to make operand types line up (`lower((email)::text)`
# for a varchar column); the user never wrote them, so they carry no meaning for us.
_COERCIONS = _NUMERIC_TYPES | {"text", "character varying", "bpchar"}
_COERCIONS |= {t + "[]" for t in _COERCIONS}


class _Unparsable(Exception):
    pass


class _Node:
    """kind: name num str kw call array case cast sub neg not is op quant in bool."""
    __slots__ = ("kind", "val", "kids")

    def __init__(self, kind, val=None, kids=()):
        self.kind, self.val, self.kids = kind, val, list(kids)


def _tokenize(text: str, strict: bool = True) -> list[tuple[str, str]]:
    tokens = []
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "bad" and strict:
            raise _Unparsable(m.group())
        if m.lastgroup not in ("ws", "bad"):
            tokens.append((m.lastgroup, m.group()))
    return tokens


# -- building the tree: every rewrite happens here, so it is applied bottom-up --

def _num(text: str) -> _Node:
    return _Node("num", text.lower())


def _cast(x: _Node, typ: str) -> _Node:
    if x.kind == "str":
        # '-1'::integer is how PostgreSQL stores DEFAULT -1; anything else typed by a
        # cast on a literal ('archived'::status, '{}'::jsonb) is the literal itself.
        if typ in _NUMERIC_TYPES and _NUMBER.fullmatch(x.val):
            return _num(x.val)
        return x
    if x.kind == "num" or (x.kind == "kw" and x.val in ("true", "false", "null")):
        return x
    if typ in _COERCIONS:
        return x
    return _Node("cast", typ, [x])


def _neg(x: _Node) -> _Node:
    if x.kind == "num":
        return _num(x.val[1:] if x.val.startswith("-") else "-" + x.val)
    return _Node("neg", None, [x])


def _not(x: _Node) -> _Node:
    if x.kind == "op" and x.val in _NEGATED:
        return _Node("op", _NEGATED[x.val], x.kids)
    if x.kind == "in":
        return _Node("in", "in" if x.val == "not in" else "not in", x.kids)
    if x.kind == "is":
        flipped = x.val[7:] if x.val.startswith("is not ") else "not " + x.val[3:]
        return _Node("is", "is " + flipped, x.kids)
    return _Node("not", None, [x])


def _bool(op: str, *parts: _Node) -> _Node:
    # AND and OR are associative: PostgreSQL prints one flat list, SQL text nests.
    kids = []
    for p in parts:
        kids.extend(p.kids if p.kind == "bool" and p.val == op else [p])
    return _Node("bool", op, kids)


def _distinct(x: _Node, y: _Node, negated: bool) -> _Node:
    for a, b in ((x, y), (y, x)):  # PostgreSQL: `x IS DISTINCT FROM NULL` is `x IS NOT NULL`
        if b.kind == "kw" and b.val == "null":
            return _Node("is", "is null" if negated else "is not null", [a])
    return _Node("op", "is not distinct from" if negated else "is distinct from", [x, y])


def _in(x: _Node, items: list[_Node], negated: bool) -> _Node:
    if len(items) == 1:  # PostgreSQL turns `x IN (a)` into `x = a`
        return _Node("op", "<>" if negated else "=", [x, items[0]])
    return _Node("in", "not in" if negated else "in", [x, *items])


def _quant(op: str, quantifier: str, x: _Node, rhs: _Node) -> _Node:
    quantifier = "any" if quantifier == "some" else quantifier
    if rhs.kind == "array" and (op, quantifier) in (("=", "any"), ("<>", "all")):
        return _in(x, rhs.kids, negated=op == "<>")
    return _Node("quant", (op, quantifier), [x, rhs])


def _between(x: _Node, lo: _Node, hi: _Node, negated: bool, symmetric: bool) -> _Node:
    def one(lo, hi):
        if negated:
            return _bool("or", _Node("op", "<", [x, lo]), _Node("op", ">", [x, hi]))
        return _bool("and", _Node("op", ">=", [x, lo]), _Node("op", "<=", [x, hi]))
    if symmetric:  # PostgreSQL spells out both orders
        return _bool("and" if negated else "or", one(lo, hi), one(hi, lo))
    return one(lo, hi)


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.pos = 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok[0] == "end":
            raise _Unparsable("unexpected end")
        self.pos += 1
        return tok

    def at(self, *texts: str, ahead: int = 0) -> bool:
        kind, text = self.peek(ahead)
        return kind in ("op", "word") and text.lower() in texts

    def skip(self, *texts: str) -> bool:
        found = self.at(*texts)
        self.pos += found
        return found

    def expect(self, text: str) -> None:
        if not self.skip(text):
            raise _Unparsable(f"expected {text!r} at {self.peek()[1]!r}")

    def parse(self) -> _Node:
        node = self.expr()
        if self.peek()[0] != "end":
            raise _Unparsable(f"trailing {self.peek()[1]!r}")
        return node

    def expr(self, min_level: int = 0) -> _Node:
        left = self.prefix()
        while (level := self.infix_level()) is not None and level > min_level:
            left = self.infix(left, level)
        return left

    def infix_level(self) -> Optional[int]:
        kind, text = self.peek()
        if kind == "op":
            if text in ("(", ")", ",", "]", ":", "."):
                return None
            return {"::": CAST, "[": SUB}.get(text) or _LEVEL.get(_SPELLING.get(text, text), OTHER)
        if kind == "word":
            low = text.lower()
            if low == "not":
                return LIKE if self.at("in", "like", "ilike", "between", ahead=1) else None
            return {"and": AND, "or": OR, "is": IS, "isnull": IS, "notnull": IS, "in": LIKE,
                    "like": LIKE, "ilike": LIKE, "between": LIKE}.get(low)
        return None

    def infix(self, left: _Node, level: int) -> _Node:
        kind, text = self.take()
        low = text.lower()
        if kind == "op":
            if text == "::":
                return _cast(left, self.type_name())
            if text == "[":
                return self.subscript(left)
            op = _SPELLING.get(text, text)
            if self.at("any", "all", "some") and self.at("(", ahead=1):
                quantifier = self.take()[1].lower()
                return _quant(op, quantifier, left, self.prefix())
            return _Node("op", op, [left, self.expr(level)])
        if low in ("and", "or"):
            return _bool(low, left, self.expr(level))
        if low in ("isnull", "notnull"):
            return _Node("is", "is null" if low == "isnull" else "is not null", [left])
        if low == "is":
            negated = self.skip("not")
            if self.skip("distinct"):
                self.expect("from")
                return _distinct(left, self.expr(IS), negated)
            if not self.at("null", "true", "false", "unknown"):
                raise _Unparsable("bad IS")
            return _Node("is", "is " + ("not " if negated else "") + self.take()[1].lower(), [left])
        negated = low == "not"
        if negated:
            low = self.take()[1].lower()
        if low == "in":
            self.expect("(")
            return _in(left, self.expr_list(")"), negated)
        if low == "between":
            symmetric = self.skip("symmetric")
            lo = self.expr(LIKE)
            self.expect("and")
            return _between(left, lo, self.expr(LIKE), negated, symmetric)
        return _Node("op", ("not " if negated else "") + low, [left, self.expr(LIKE)])

    def prefix(self) -> _Node:
        kind, text = self.take()
        if kind == "num":
            return _num(text)
        if kind == "str":
            return _Node("str", text[1:-1].replace("''", "'"))
        if kind == "qid":
            return self.name_or_call(text[1:-1].replace('""', '"'))
        if kind == "op":
            if text == "(":
                node = self.expr()
                self.expect(")")
                return node
            if text in ("-", "+"):
                node = self.expr(NEG)
                return _neg(node) if text == "-" else node
            raise _Unparsable(text)
        if kind != "word":
            raise _Unparsable(text)
        low = text.lower()
        if low == "not":
            return _not(self.expr(NOT))
        if low in ("true", "false", "null"):
            return _Node("kw", low)
        if low == "case":
            return self.case()
        if low == "array" and self.skip("["):
            return _Node("array", None, self.expr_list("]"))
        if low == "cast" and self.skip("("):
            node = self.expr()
            self.expect("as")
            typ = self.type_name()
            self.expect(")")
            return _cast(node, typ)
        if low in _VALUE_FUNCTIONS and not self.at("("):
            return _Node("kw", low)
        if low in _SPECIAL:
            raise _Unparsable(text)
        if self.peek()[0] == "str":  # typed literal: DATE '2020-01-01'
            return _cast(self.prefix(), _TYPE_ALIASES.get(low, low))
        return self.name_or_call(low)

    def ident(self) -> str:
        kind, text = self.take()
        if kind == "qid":
            return text[1:-1].replace('""', '"')
        if kind == "word":
            return text.lower()
        raise _Unparsable(text)

    def name_or_call(self, first: str) -> _Node:
        parts = [first]
        while self.skip("."):
            parts.append(self.ident())
        if not self.skip("("):
            return _Node("name", tuple(parts))
        if self.at("*") and self.at(")", ahead=1):
            self.pos += 2
            return _Node("call", (tuple(parts), "*"))
        modifier = "distinct" if self.skip("distinct") else ""
        args = self.expr_list(")")
        if parts == ["now"] and not args:  # now() is CURRENT_TIMESTAMP by definition
            return _Node("kw", "current_timestamp")
        return _Node("call", (tuple(parts), modifier), args)

    def expr_list(self, close: str) -> list[_Node]:
        items = []
        while not self.at(close):
            items.append(self.expr())
            if not self.at(close):
                self.expect(",")
        self.take()
        return items

    def case(self) -> _Node:
        operand = None if self.at("when") else self.expr()
        kids = [operand, None]
        while self.skip("when"):
            kids.append(self.expr())
            self.expect("then")
            kids.append(self.expr())
        if self.skip("else"):
            otherwise = self.expr()
            # ELSE NULL is what a CASE without ELSE means anyway.
            kids[1] = None if otherwise.kind == "kw" and otherwise.val == "null" else otherwise
        self.expect("end")
        if len(kids) == 2:
            raise _Unparsable("CASE without WHEN")
        return _Node("case", None, kids)

    def subscript(self, left: _Node) -> _Node:
        kids = [left, self.expr()]
        if self.skip(":"):
            kids.append(self.expr())
        self.expect("]")
        return _Node("sub", None, kids)

    def type_name(self) -> str:
        plain = self.peek()[0] == "word"
        parts = [self.ident()]
        while self.skip("."):
            parts.append(self.ident())
        if plain and len(parts) == 1:  # only built-in types have multi-word names and aliases
            while self.at(*_TYPE_NEXT_WORDS.get(parts[-1], ())):
                parts.append(self.take()[1].lower())
            name = _TYPE_ALIASES.get(" ".join(parts), " ".join(parts))
        else:
            name = ".".join(_ident(p) for p in parts)
        if self.skip("("):
            name += "(" + ",".join(_show(n) for n in self.expr_list(")")) + ")"
        while self.skip("["):  # array bounds are not enforced; int[3] is int[]
            self.pos += self.peek()[0] == "num"
            self.expect("]")
            name += "[]"
        return name


# -- printing ---------------------------------------------------------------

def _ident(name: str, keywords: set[str] = _KEYWORDS) -> str:
    if _SIMPLE_NAME.fullmatch(name) and name not in keywords:
        return name
    return '"' + name.replace('"', '""') + '"'


def _level(n: _Node) -> int:
    if n.kind in ("op", "bool"):
        return _LEVEL.get(n.val, OTHER)
    if n.kind == "quant":
        return _LEVEL.get(n.val[0], OTHER)
    if n.kind == "num":
        return NEG if n.val.startswith("-") else ATOM
    levels = {"not": NOT, "is": IS, "in": LIKE, "neg": NEG, "sub": SUB, "cast": CAST}
    return levels.get(n.kind, ATOM)


def _paren(n: _Node, needed: bool) -> str:
    text = _show(n)
    return f"({text})" if needed else text


def _left(n: _Node, level: int) -> str:
    # Comparisons, IS and LIKE/IN do not associate in PostgreSQL: `a = b = c` is an
    # error there, so a same-level left operand keeps its parentheses.
    below = _level(n) < level or (_level(n) == level and level in (IS, CMP, LIKE))
    return _paren(n, below)


def _show(n: _Node) -> str:
    k, kids = n.kind, n.kids
    if k in ("num", "kw"):
        return n.val
    if k == "str":
        return "'" + n.val.replace("'", "''") + "'"
    if k == "name":
        return ".".join(_ident(p) for p in n.val)
    if k == "call":
        parts, modifier = n.val
        args = "*" if modifier == "*" else ", ".join(_show(a) for a in kids)
        prefix = "distinct " if modifier == "distinct" else ""
        return ".".join(_ident(p, _SPECIAL) for p in parts) + f"({prefix}{args})"
    if k == "array":
        return "array[" + ", ".join(_show(a) for a in kids) + "]"
    if k == "case":
        operand, otherwise, *arms = kids
        text = "case" + (f" {_show(operand)}" if operand else "")
        for i in range(0, len(arms), 2):
            text += f" when {_show(arms[i])} then {_show(arms[i + 1])}"
        return text + (f" else {_show(otherwise)}" if otherwise else "") + " end"
    if k == "cast":
        return _paren(kids[0], _level(kids[0]) < SUB) + "::" + n.val
    if k == "sub":
        base = _paren(kids[0], _level(kids[0]) < ATOM and kids[0].kind != "sub")
        return base + "[" + ":".join(_show(i) for i in kids[1:]) + "]"
    if k == "neg":
        text = _paren(kids[0], _level(kids[0]) < NEG)
        return "-" + (f"({text})" if text.startswith("-") else text)  # `--` starts a comment
    if k == "not":
        return "not " + _paren(kids[0], _level(kids[0]) < NOT)
    if k == "is":
        return _left(kids[0], IS) + " " + n.val
    if k == "bool":
        level = _LEVEL[n.val]
        return f" {n.val} ".join(_paren(c, _level(c) <= level) for c in kids)
    if k == "op":
        level = _LEVEL.get(n.val, OTHER)
        return f"{_left(kids[0], level)} {n.val} {_paren(kids[1], _level(kids[1]) <= level)}"
    if k == "quant":
        (op, quantifier), (x, rhs) = n.val, kids
        return f"{_left(x, _level(n))} {op} {quantifier} ({_show(rhs)})"
    if k == "in":
        items = ", ".join(_show(i) for i in kids[1:])
        return f"{_left(kids[0], LIKE)} {n.val} ({items})"
    raise AssertionError(k)


def _parse(text: str) -> _Node:
    """The tree for `text`; raises _Unparsable (tests use it to check coverage)."""
    return _Parser(text).parse()


def _collapse(text: str) -> str:
    # Whitespace and comments outside string literals become one space; the literals
    # stay exact. Idempotent, so a fallback text normalizes to itself.
    return "".join(" " if m.lastgroup == "ws" else m.group() for m in _TOKEN.finditer(text)).strip()


def normalize(text: str) -> str:
    """Canonical text of a SQL expression; equal for spellings that mean the same."""
    try:
        return _show(_parse(text))
    except Exception:  # never fail a diff over an odd expression: compare its text
        return _collapse(str(text))


def normalize_default(text: Optional[str], numeric: bool = True) -> Optional[str]:
    """Canonical text of a server default.

    On a column of a numeric type (`numeric`), a quoted number is the number:
    SQLAlchemy sends `DEFAULT '0'` for an integer column, PostgreSQL gives back `0` (or
    `'0'::numeric`, which normalize already turns into `0`). On any other column the
    quotes stay: `'0'` on a text column is a string, and a default written back as `0`
    would be an integer literal.
    """
    if text is None:
        return None
    canonical = normalize(text)
    if numeric and len(canonical) > 2 and canonical[0] == canonical[-1] == "'" \
            and _NUMBER.fullmatch(canonical[1:-1]):
        return canonical[1:-1].lower()
    return canonical


def identifiers(text: str) -> set[str]:
    """Column names an expression mentions (the last part of a qualified name)."""
    found: set[str] = set()
    try:
        stack = [_parse(text)]
    except Exception:
        # Best effort on what we cannot parse: bare names that are not keywords,
        # not function names and not type names after `::`.
        tokens = _tokenize(str(text), strict=False)
        for i, (kind, tok) in enumerate(tokens):
            after_cast = i > 0 and tokens[i - 1][1] == "::"
            is_call = i + 1 < len(tokens) and tokens[i + 1][1] == "("
            if kind == "qid" and not is_call:
                found.add(tok[1:-1].replace('""', '"'))
            elif kind == "word" and tok.lower() not in _KEYWORDS and not (after_cast or is_call):
                found.add(tok.lower())
        return found
    while stack:
        node = stack.pop()
        if node.kind == "name":
            found.add(node.val[-1])
        stack.extend(k for k in node.kids if k is not None)
    return found


def rename_identifier(text: str, old: str, new: str) -> str:
    """`text` with the column name `old` written as `new`, as a database rewrites its
    stored expressions on RENAME COLUMN; everything else is kept as it was written."""
    matches = list(_TOKEN.finditer(text))
    out = []
    for i, m in enumerate(matches):
        kind, tok = m.lastgroup, m.group()
        if kind in ("word", "qid"):
            name = tok[1:-1].replace('""', '"') if kind == "qid" else tok
            same = name == old if kind == "qid" else name.lower() == old.lower()
            following = next((n.group() for n in matches[i + 1:] if n.lastgroup != "ws"), "")
            before = next((p.group() for p in reversed(matches[:i]) if p.lastgroup != "ws"), "")
            if same and following != "(" and before != "::":
                out.append(_ident(new))
                continue
        out.append(tok)
    return "".join(out)
