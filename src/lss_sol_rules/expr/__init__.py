"""The rule expression language: parse (:mod:`.parser`), check and compile (:mod:`.compiler`).

Rule text is never passed to ``eval`` or ``exec``: it is tokenised, parsed into the small
syntax tree of :mod:`.ast`, type-checked against the declared facts, parameters and
questions, and compiled into closures over a whitelist of operators and functions.
"""

from .compiler import CompiledExpr, Context, Scope, Symbol, Unknown, compile_expr
from .functions import STANDARD_FUNCTIONS, Function
from .parser import parse

__all__ = [
    "STANDARD_FUNCTIONS",
    "CompiledExpr",
    "Context",
    "Function",
    "Scope",
    "Symbol",
    "Unknown",
    "compile_expr",
    "parse",
]
