"""The error for a feature whose optional extra is not installed.

``lss-sol-rules`` keeps its core small: the columnar batch path needs numpy, Parquet and
Arrow need pyarrow, the HTTP service FastAPI, the test strategies Hypothesis. Using one of
these without its extra raises :class:`MissingExtraError`, an ``ImportError`` (so ``except
ImportError`` keeps working) that says in Swedish and English which extra to install.
"""

from __future__ import annotations

from .errors import Hint, LssSolRulesError

__all__ = ["MissingExtraError"]


class MissingExtraError(LssSolRulesError, ImportError):
    """*what* needs the package *module*, which comes with the extra *extra*.

    ``extra`` names the extra (``"server"``), ``module`` the missing package; the message
    gives the ``pip install`` line; ``hint`` (a :class:`~lss_sol_rules.errors.Hint`), what
    the caller can use instead without the extra.
    """

    def __init__(
        self, extra: str, module: str, what_en: str, what_sv: str, *, hint: Hint | None = None
    ) -> None:
        self.extra = extra
        self.module = module
        install = f"pip install 'lss-sol-rules[{extra}]'"
        super().__init__(
            f"{what_en} needs {module}: {install}",
            sv=f"{what_sv} kräver paketet {module}: installera det med {install}",
            hint=hint,
        )
        if hint is not None:  # str(err) (ImportError shows .msg): the hint too
            self.msg = self.message("en")
            self.args = (self.msg,)
        self.name = module
