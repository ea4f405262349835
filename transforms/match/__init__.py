"""Stage 2: match department records to the ledger (RULES.md §2)."""
from transforms.match.engine import METHODS, REVIEW_REASONS, match_all

__all__ = ["METHODS", "REVIEW_REASONS", "match_all"]
