"""The run pipeline: a plan of runs, an executor, the driver loop, and reproducing a run.

:mod:`~experiments.pipeline.plan` turns a sweep or a replicated run into run tasks (design
points, replication seeds, up-front checks); :mod:`~experiments.pipeline.replicate` spawns the
seeds and computes means with confidence intervals; :mod:`~experiments.pipeline.executors`
runs tasks in this process, a process pool or on Dask; :mod:`~experiments.pipeline.runner` is
the worker function and the driver loop that stores each finished run;
:mod:`~experiments.pipeline.progress` draws the progress bar; and
:mod:`~experiments.pipeline.reproduce` re-runs one stored run and checks it bit for bit.
"""
