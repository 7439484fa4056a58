"""Calibration (``flywheel calibrate``): fit free parameters to a scenario's targets.

The specs and fitted parameter files (``*.toml``) live beside the modules.
:mod:`~experiments.calibration.spec` reads and validates a calibration spec;
:mod:`~experiments.calibration.study` checks it against the model, scores candidates by their
distance from the targets and opens the resumable optuna study;
:mod:`~experiments.calibration.search` is the ask-and-tell loop over the project's executors;
:mod:`~experiments.calibration.report` writes the best parameters, distances, trials, plot and
README.
"""
