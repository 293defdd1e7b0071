"""Lexer and recursive-descent parser of the rule expression language.

Grammar (lowest precedence first)::

    expr    := or_expr
    or_expr := and_expr ("or" and_expr)*
    and_expr:= not_expr ("and" not_expr)*
    not_expr:= "not" not_expr | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=" | "in" | "not" "in") sum)?
    sum     := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | DATE | STRING | "true" | "false"
             | NAME "(" [expr ("," expr)*] ")" | NAME
             | "(" expr ")" | "[" [expr ("," expr)*] "]"

``NAME`` is snake_case ASCII, optionally dotted (``lss.personkrets_1``): a dotted name is
one name, looked up whole, never attribute access. ``NUMBER`` and ``DATE`` (``YYYY-MM-DD``)
use the ASCII digits 0-9 only: ``５`` or ``٣`` is an error, never a number. Strings
use ``"`` or ``'`` and have no escapes; they may not hold control or bidirectional control
characters. Comparisons do not chain: write ``a < b and b < c``.

Limits: an expression is at most :data:`MAX_LENGTH` characters and its syntax tree at most
:data:`MAX_DEPTH` levels deep — the real depth, so ``1+1+…+1`` with 50 terms is 50 levels
(write ``(a + b) + (c + d)``, or move a part into a derived fact or question). A flat
``a or b or c`` is one level however long. Nothing here evaluates anything; see
:mod:`.compiler`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..errors import ExpressionError
from ..values import bad_character
from .ast import BinOp, BoolOp, Call, Compare, ListExpr, Literal, Name, Node, Unary

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "parse"]

MAX_LENGTH = 4000
MAX_DEPTH = 40
MAX_NUMBER_DIGITS = 20

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\d.]))
  | (?P<number>\d+(?:\.\d+)?(?![A-Za-z_]))
  | (?P<string>"[^"\n]*"|'[^'\n]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op><=|>=|==|!=|[<>+\-*/(),\[\]])
    """,
    re.VERBOSE | re.ASCII,
)
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
_COMPARE_OPS = frozenset({"<", "<=", ">", ">=", "==", "!="})


class _Token:
    __slots__ = ("col", "kind", "text")

    def __init__(self, kind: str, text: str, col: int) -> None:
        self.kind = kind
        self.text = text
        self.col = col


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = hint_sv = ""
            if ch == "=":
                hint, hint_sv = "; compare with '=='", "; jämför med '=='"
            elif ch in "\"'":
                hint = "; close the string on the same line"
                hint_sv = "; avsluta texten på samma rad"
            elif ch in {".", "_"}:
                hint = "; names are snake_case, dots only between name parts"
                hint_sv = "; namn skrivs i snake_case, med punkt bara mellan namnets delar"
            elif ch.isdigit() or ch.isnumeric():
                hint = "; write numbers with the digits 0-9"
                hint_sv = "; skriv tal med siffrorna 0-9"
            elif ch.isspace():
                hint, hint_sv = "; use plain spaces", "; använd vanliga mellanslag"
            raise ExpressionError(
                f"unexpected character {ch!r}{hint}",
                text,
                pos + 1,
                f"oväntat tecken {ch!r}{hint_sv}",
            )
        kind = m.lastgroup
        assert kind is not None  # noqa: S101 - every alternative is a named group
        if kind != "ws":
            word = m.group()
            if kind == "name" and "__" in word:
                raise ExpressionError(
                    f"names may not contain '__' (got {word!r})",
                    text,
                    pos + 1,
                    f"namn får inte innehålla '__' (fick {word!r})",
                )
            if kind == "name" and word in _KEYWORDS:
                kind = word
            if kind == "string":
                bad = bad_character(word)
                if bad is not None:
                    raise ExpressionError(
                        f"a string holds {bad}",
                        text,
                        pos + 1,
                        f"en text innehåller {bad_character(word, 'sv')}",
                    )
            tokens.append(_Token(kind, word, pos + 1))
        pos = m.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0  # nesting of the parser's own recursion
        self.heights: dict[int, int] = {}  # id(node) -> height of its subtree

    # -- helpers -----------------------------------------------------------------
    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def error(self, problem: str, sv: str, tok: _Token | None = None) -> ExpressionError:
        """The error at *tok* (the next token), *sv*: the problem in Swedish."""
        tok = tok or self.peek()
        return ExpressionError(problem, self.text, tok.col, sv)

    def expect(self, text: str) -> _Token:
        tok = self.peek()
        if tok.text != text or tok.kind in ("string",):
            found = "the end of the expression" if tok.kind == "end" else repr(tok.text)
            found_sv = "uttryckets slut" if tok.kind == "end" else repr(tok.text)
            raise self.error(
                f"expected {text!r}, found {found}", f"väntade {text!r}, men fann {found_sv}"
            )
        return self.take()

    def made(self, node: Node, *children: Node) -> Node:
        """Record *node*'s height (1 + its tallest child); refuse trees taller than allowed."""
        height = 1 + max((self.heights.get(id(c), 1) for c in children), default=0)
        if height > MAX_DEPTH:
            raise ExpressionError(
                f"expression nests deeper than {MAX_DEPTH} levels (a long chain like "
                f"a + b + c + ... counts one level per operator); split it with parentheses, "
                f"or move a part into a derived fact or a question",
                self.text,
                max(node.col, 1),
                f"uttrycket är nästlat i fler än {MAX_DEPTH} nivåer (en lång kedja som "
                f"a + b + c + ... räknas som en nivå per operator); dela upp det med parenteser, "
                f"eller flytta en del till en härledd uppgift eller en fråga",
            )
        self.heights[id(node)] = height
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(
                f"expression nests deeper than {MAX_DEPTH} levels; simplify it",
                f"uttrycket är nästlat i fler än {MAX_DEPTH} nivåer; förenkla det",
            )

    # -- grammar -----------------------------------------------------------------
    def parse(self) -> Node:
        if not self.text.strip():
            raise ExpressionError("empty expression", self.text, 1, "uttrycket är tomt")
        node = self.or_expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.error(
                f"unexpected {tok.text!r} after a complete expression",
                f"oväntat {tok.text!r} efter ett fullständigt uttryck",
            )
        return node

    def or_expr(self) -> Node:
        first = self.peek()
        node = self.and_expr()
        if self.peek().kind != "or":
            return node
        operands = [node]
        while self.peek().kind == "or":
            self.take()
            operands.append(self.and_expr())
        return self.made(BoolOp("or", tuple(operands), first.col), *operands)

    def and_expr(self) -> Node:
        first = self.peek()
        node = self.not_expr()
        if self.peek().kind != "and":
            return node
        operands = [node]
        while self.peek().kind == "and":
            self.take()
            operands.append(self.not_expr())
        return self.made(BoolOp("and", tuple(operands), first.col), *operands)

    def not_expr(self) -> Node:
        tok = self.peek()
        if tok.kind == "not":
            self.take()
            self.enter()
            operand = self.not_expr()
            self.depth -= 1
            return self.made(Unary("not", operand, tok.col), operand)
        return self.compare()

    def compare(self) -> Node:
        left = self.sum()
        tok = self.peek()
        op: str | None = None
        if tok.kind == "op" and tok.text in _COMPARE_OPS:
            op = tok.text
            self.take()
        elif tok.kind == "in":
            op = "in"
            self.take()
        elif tok.kind == "not" and self.tokens[self.i + 1].kind == "in":
            op = "not in"
            self.take()
            self.take()
        if op is None:
            return left
        right = self.sum()
        nxt = self.peek()
        if (nxt.kind == "op" and nxt.text in _COMPARE_OPS) or nxt.kind == "in":
            raise self.error(
                "comparisons do not chain; write 'a < b and b < c' instead",
                "jämförelser kan inte kedjas; skriv 'a < b and b < c' i stället",
                nxt,
            )
        return self.made(Compare(op, left, right, tok.col), left, right)

    def sum(self) -> Node:
        node = self.term()
        while self.peek().kind == "op" and self.peek().text in "+-":
            tok = self.take()
            right = self.term()
            node = self.made(BinOp(tok.text, node, right, tok.col), node, right)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek().kind == "op" and self.peek().text in "*/":
            tok = self.take()
            right = self.unary()
            node = self.made(BinOp(tok.text, node, right, tok.col), node, right)
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.text == "-":
            self.take()
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return self.made(Unary("-", operand, tok.col), operand)
        return self.atom()

    def items(self, close: str) -> tuple[Node, ...]:
        out: list[Node] = []
        if self.peek().text == close and self.peek().kind == "op":
            self.take()
            return ()
        while True:
            out.append(self.or_expr())
            tok = self.peek()
            if tok.kind == "op" and tok.text == ",":
                self.take()
                continue
            self.expect(close)
            return tuple(out)

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            digits = tok.text.replace(".", "")
            if len(digits) > MAX_NUMBER_DIGITS:
                raise self.error(
                    f"number {tok.text[:25]}... has more than {MAX_NUMBER_DIGITS} digits",
                    f"talet {tok.text[:25]}... har fler än {MAX_NUMBER_DIGITS} siffror",
                    tok,
                )
            if "." in tok.text:
                return Literal(Decimal(tok.text), "number", tok.col)
            return Literal(int(tok.text), "int", tok.col)
        if tok.kind == "date":
            try:
                return Literal(date.fromisoformat(tok.text), "date", tok.col)
            except ValueError:
                raise self.error(
                    f"{tok.text} is not a real date",
                    f"{tok.text} är inte ett datum som finns i kalendern",
                    tok,
                ) from None
        if tok.kind == "string":
            return Literal(tok.text[1:-1], "text", tok.col)
        if tok.kind in ("true", "false"):
            return Literal(tok.kind == "true", "bool", tok.col)
        if tok.kind == "name":
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text == "(":
                self.take()
                self.enter()
                args = self.items(")")
                self.depth -= 1
                return self.made(Call(tok.text, args, tok.col), *args)
            return Name(tok.text, tok.col)
        if tok.kind == "op" and tok.text == "(":
            self.enter()
            node = self.or_expr()
            self.depth -= 1
            self.expect(")")
            return node
        if tok.kind == "op" and tok.text == "[":
            self.enter()
            items = self.items("]")
            self.depth -= 1
            return self.made(ListExpr(items, tok.col), *items)
        found = "the end of the expression" if tok.kind == "end" else repr(tok.text)
        found_sv = "uttryckets slut" if tok.kind == "end" else repr(tok.text)
        raise self.error(
            f"expected a value, a name or '(', found {found}",
            f"väntade ett värde, ett namn eller '(', men fann {found_sv}",
            tok,
        )


def parse(text: str) -> Node:
    """Parse *text* into a syntax tree, or raise :class:`ExpressionError` with the column."""
    if not isinstance(text, str):
        raise ExpressionError(
            f"an expression must be text, got {type(text).__name__}",
            "",
            1,
            f"ett uttryck ska vara text, men är av typen {type(text).__name__}",
        )
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is longer than {MAX_LENGTH} characters",
            text[:80],
            1,
            f"uttrycket är längre än {MAX_LENGTH} tecken",
        )
    simple = _simple_comparisons(text)
    return simple if simple is not None else _Parser(text).parse()


# The shape most rule conditions and every table cell take: comparisons of a name with a
# number or a date, joined by "and", single-spaced (``varde > 3 and varde <= 4``).
_SIMPLE_COMPARE = re.compile(
    r"([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*) (<=|>=|==|!=|<|>) "
    r"(\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?)",
    re.ASCII,
)


def _simple_comparisons(text: str) -> Node | None:
    """The tree of *text* when it is a simple chain of comparisons, built without the
    general parser (the same tree, columns included: ``tests/test_parser.py`` holds them
    equal); ``None`` for anything else, and for anything the parser would refuse."""
    parts = text.split(" and ")
    operands: list[Node] = []
    col = 1
    for part in parts:
        m = _SIMPLE_COMPARE.fullmatch(part)
        if m is None:
            return None
        name, op, literal = m.groups()
        if name in _KEYWORDS or "__" in name:
            return None
        value: int | Decimal | date
        if "-" in literal:
            try:
                value, vtype = date.fromisoformat(literal), "date"
            except ValueError:
                return None
        elif len(literal.replace(".", "")) > MAX_NUMBER_DIGITS:
            return None
        elif "." in literal:
            value, vtype = Decimal(literal), "number"
        else:
            value, vtype = int(literal), "int"
        op_col = col + len(name) + 1
        operands.append(
            Compare(
                op,
                Name(name, col),
                Literal(value, vtype, op_col + len(op) + 1),
                op_col,
            )
        )
        col += len(part) + len(" and ")
    if len(operands) == 1:
        return operands[0]
    return BoolOp("and", tuple(operands), 1)
