"""Scoring rules: the expression language, the built-in functions, indicator kinds and their catalogue,
and the targets written on forms."""
