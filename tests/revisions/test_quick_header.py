"""The line reader for plain headers must never disagree with `ast`: whenever it gives an
answer, that answer is what parsing the text gives; and files still writes itself (and
Alembic's layout) take the quick route, so reading a thousand headers stays cheap."""

from __future__ import annotations

import warnings
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st

from still.errors import StillError
from still.revisions import write_revision
from still.revisions.header import _parse_prefix, _parse_whole, _revision_from_module, quick_header
from still.revisions.quick_header import quick_values

PATH = Path("r.py")


def by_ast(text: str):
    module = _parse_prefix(text, PATH)
    try:
        return _revision_from_module(module if module is not None else _parse_whole(text, PATH), PATH)
    except StillError:
        return None


ids = st.text(alphabet="abcdef0123456789_-# '\"\\", min_size=0, max_size=8)
quote = st.sampled_from(['"', "'"])


@st.composite
def string_literal(draw):
    q = draw(quote)
    return q + draw(ids) + q


@st.composite
def value(draw):
    kind = draw(st.sampled_from(["none", "str", "tuple", "list", "paren", "junk"]))
    if kind == "none":
        return "None"
    if kind == "str":
        return draw(string_literal())
    if kind == "junk":
        return draw(st.sampled_from(["1", "make()", "f'x'", "b'x'", "r'x'", '"a" "b"', "x", "'a' + 'b'"]))
    items = draw(st.lists(string_literal(), max_size=3))
    inner = ", ".join(items) + draw(st.sampled_from(["", ","]) if items else st.just(""))
    if kind == "paren":
        return "(" + inner + ")"
    return ("(" if kind == "tuple" else "[") + inner + (")" if kind == "tuple" else "]")


@st.composite
def line(draw):
    kind = draw(st.sampled_from(["assign", "assign", "annotated", "import", "comment", "blank", "other",
                                 "indented", "semicolon"]))
    name = draw(st.sampled_from(["revision", "down_revision", "branch_labels", "depends_on", "other"]))
    if kind == "assign":
        return f"{name} = {draw(value())}" + draw(st.sampled_from(["", "  # note", " # 'x'"]))
    if kind == "annotated":
        return f"{name}: Union[str, None] = {draw(value())}"
    if kind == "import":
        return draw(st.sampled_from(["from still import op", "import sqlalchemy as sa", "from x import (a,",
                                     "from typing import Sequence, Union"]))
    if kind == "comment":
        return "# " + draw(ids)
    if kind == "blank":
        return ""
    if kind == "indented":
        return "    " + draw(st.sampled_from(["'revision = \"zz\"'", "b,", ")"]))
    if kind == "semicolon":
        return f'{name} = "a"; depends_on = None'
    return draw(st.sampled_from(["x += 1", "if True:", "print('revision')", '"""second string"""',
                                 'revision = """', 'revision = "in a string"', '"""']))


@st.composite
def clean_line(draw):
    name = draw(st.sampled_from(["revision", "down_revision", "branch_labels", "depends_on", "other"]))
    kind = draw(st.sampled_from(["assign", "assign", "assign", "annotated", "import", "comment", "blank"]))
    literal = draw(value().filter(lambda v: v[:1] in "N(['\"" and "\\" not in v and "#" not in v))
    if kind == "assign":
        return f"{name} = {literal}"
    if kind == "annotated":
        return f"{name}: str = {literal}  # typed"
    if kind == "import":
        return "from still import op"
    return "# comment" if kind == "comment" else ""


docstrings = st.one_of(
    st.just(""),
    st.builds(lambda q, body, tail: f"{q}{body}{q}{tail}\n", st.sampled_from(['"""', "'''"]),
              st.text(alphabet="ab \n:'\"#\\=", max_size=30) | st.text(alphabet="ab \n:=", max_size=30), st.sampled_from(["", "  # c", " 'x'", "\n"])),
    st.sampled_from(['r"""raw"""\n', '"single"\n', "# coding: utf-8\n\"\"\"doc\"\"\"\n"]),
)


@settings(max_examples=600, deadline=None)
@given(doc=docstrings, lines=st.one_of(st.lists(line(), max_size=8), st.lists(clean_line(), max_size=8)),
       at=st.integers(0, 8), rev=st.text(alphabet="abc01 _-", max_size=5), crlf=st.booleans())
def test_the_quick_route_agrees_with_ast_whenever_it_answers(doc, lines, at, rev, crlf):
    lines = lines[:at] + [f"revision = {rev!r}"] + lines[at:]
    text = doc + "\n".join(lines) + "\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in generated junk
        try:
            compile(text, "r.py", "exec")
        except SyntaxError:
            return  # files that do not parse are ast's to report
        expected = by_ast(text)
    quick = quick_header(text, PATH)
    event(f"quick route answered: {quick is not None}")
    if quick is not None:
        assert quick == expected


def test_a_written_revision_takes_the_quick_route(tmp_path):
    path = write_revision(tmp_path, "add users", head=("a1", "b2"), rev_id="c3", branch_labels=("feat",),
                          depends_on=("d4",))
    text = path.read_text()
    prefix = text[: text.index("\ndef ")]
    assert quick_values(prefix) is not None
    assert quick_header(prefix, PATH) == by_ast(text)


def test_an_alembic_header_takes_the_quick_route():
    text = ('"""add users\n\nRevision ID: 1a\nRevises: 0f\nCreate Date: 2026-01-01 00:00:00.000000\n\n"""\n'
            "from typing import Sequence, Union\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n"
            "# revision identifiers, used by Alembic.\nrevision: str = '1a'\n"
            "down_revision: Union[str, Sequence[str], None] = '0f'\n"
            "branch_labels: Union[str, Sequence[str], None] = None\n"
            "depends_on: Union[str, Sequence[str], None] = None\n\n\n")
    assert quick_values(text) is not None
    rev = quick_header(text, PATH)
    assert rev == by_ast(text)
    assert rev.down_revisions == ("0f",) and rev.create_date == "2026-01-01 00:00:00.000000"


def test_what_the_quick_route_leaves_to_ast():
    for text in ['"""a\\nb"""\nrevision = "x"\n',  # an escape
                 'revision = "x"; down_revision = "y"\n',
                 'revision = ("x"\n    )\n',
                 'x = """\nrevision = "no"\n"""\nrevision = "x"\n',
                 'revision = make()\n']:
        assert quick_values(text) is None, text


clean_id = st.from_regex(r"[a-f0-9][a-f0-9_]{0,10}[a-f0-9]", fullmatch=True)


@st.composite
def plain_header(draw) -> str:
    """A header as still and Alembic write them, in any order, with comments, imports and
    blank lines between: the quick route must answer it (the property above reaches its
    assertion only where the generated text happens to be plain)."""
    q = draw(quote)

    def text_of(v):
        return "None" if v is None else q + v + q

    names = {"revision": text_of(draw(clean_id)),
             "down_revision": draw(st.one_of(st.none(), clean_id, st.lists(clean_id, min_size=1, max_size=3)).map(
                 lambda v: text_of(v) if not isinstance(v, list) else "(" + ", ".join(map(text_of, v)) + ",)")),
             "branch_labels": text_of(draw(st.none() | clean_id)),
             "depends_on": text_of(draw(st.none() | clean_id))}
    order = draw(st.permutations(list(names)))
    lines = []
    for name in order:
        lines += draw(st.lists(st.sampled_from(["", "# a comment", "from still import op", "import sqlalchemy as sa"]),
                               max_size=2))
        annotated = draw(st.booleans())
        lines.append(f"{name}: Union[str, None] = {names[name]}" if annotated else f"{name} = {names[name]}")
    doc = draw(st.sampled_from(['"""add users\n\nRevision ID: x\n"""\n', "'''doc'''\n", ""]))
    return doc + "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(text=plain_header())
def test_plain_headers_take_the_quick_route_and_agree_with_ast(text):
    quick = quick_header(text, PATH)
    assert quick is not None, text
    assert quick == by_ast(text)
