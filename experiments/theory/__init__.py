"""The theory experiments (``flywheel theory``); their files (``t*.toml``, ``scenarios/``) beside.

:mod:`~experiments.theory.spec` reads and validates a theory file (its error is
:mod:`~experiments.theory.errors`); :mod:`~experiments.theory.metrics` computes each check's
per-run metric; :mod:`~experiments.theory.stats` holds the statistics (paired t, Wilson,
Newcombe); :mod:`~experiments.theory.predictions` plans the arms, estimates each check and
formats the table; :mod:`~experiments.theory.report` runs them and writes the CSVs and plots.
"""
