"""Experiment layer of Flywheel: replicated runs, parameter sweeps, sensitivity analysis.

Entry point: the ``flywheel`` console command (:mod:`experiments.cli`).
"""
