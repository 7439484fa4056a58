"""The error of an invalid theory file, shared by the file parser and the metric checks."""


class TheorySpecError(ValueError):
    """A theory file is invalid; the message names the key, the value and what is allowed."""
