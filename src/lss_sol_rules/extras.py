"""The error for a feature whose optional extra is not installed.

``lss-sol-rules`` keeps its core small: the columnar batch path needs numpy, Parquet and
Arrow need pyarrow, the HTTP service FastAPI, the test strategies Hypothesis. Using one of
these without its extra raises :class:`MissingExtraError`, an ``ImportError`` (so ``except
ImportError`` keeps working) that says in Swedish and English which extra to install.
"""

from __future__ import annotations

from .errors import LssSolRulesError

__all__ = ["MissingExtraError"]


class MissingExtraError(LssSolRulesError, ImportError):
    """*what* needs the package *module*, which comes with the extra *extra*.

    ``extra`` names the extra (``"server"``), ``module`` the missing package; the message
    gives the ``pip install`` line.
    """

    def __init__(self, extra: str, module: str, what_en: str, what_sv: str) -> None:
        self.extra = extra
        self.module = module
        install = f"pip install 'lss-sol-rules[{extra}]'"
        super().__init__(
            f"{what_en} needs {module}: {install}",
            sv=f"{what_sv} kräver paketet {module}: installera det med {install}",
        )
        self.name = module
