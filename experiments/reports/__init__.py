"""The report of ``flywheel run``: terminal summary, CSV tables, figures and one HTML page.

:mod:`~experiments.reports.run_report` builds the summary, migration and targets tables and
writes the report folder; :mod:`~experiments.reports.figures` draws the time series, migration
and final-share figures over the scenario's calendar; :mod:`~experiments.reports.page` writes
the self-contained ``index.html``.
"""
