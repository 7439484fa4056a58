"""The user error every ``flywheel`` command reports in one line, without a traceback.

It lives below the command layer so that library code the commands call (such as
:mod:`experiments.pipeline.reproduce`) can raise it without importing the commands.
"""


class CommandError(RuntimeError):
    """A user error to print without a traceback (exit status 2)."""
