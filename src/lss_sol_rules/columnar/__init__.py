"""The compiled batch path: a whole caseload answered column by column.

Needs the ``batch`` extra (numpy; pyarrow for Arrow, pandas and polars inputs). Used by
:func:`lss_sol_rules.batch.evaluate_many`; the answers are identical to the single-case
evaluator's, case by case (a differential property test checks it).
"""

from __future__ import annotations

from .evaluator import Answer, BatchEvaluator
from .inputs import Columns, columns_from

__all__ = ["Answer", "BatchEvaluator", "Columns", "columns_from"]
