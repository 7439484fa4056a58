"""Parameter sweeps and their sensitivity analysis; the sweep files (``*.toml``) live beside.

:mod:`~experiments.sweeps.spec` reads and validates a sweep file;
:mod:`~experiments.sweeps.designs` samples its design (grid, Latin hypercube, Morris, Sobol');
:mod:`~experiments.sweeps.metrics` computes its metrics from a run's tables; and
:mod:`~experiments.sweeps.sensitivity` analyses a finished sweep (``flywheel analyze``).
"""
