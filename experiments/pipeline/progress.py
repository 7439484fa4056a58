"""Progress bar for sweeps: runs done, failures, time left; silent when stderr is not a terminal."""

from __future__ import annotations

import shutil
import sys

from tqdm import tqdm


class Progress:
    """A tqdm bar counting finished runs, with the failure count as a postfix."""

    def __init__(self, total: int, already: int = 0, desc: str = "runs",
                 enabled: bool | None = None) -> None:
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.failed = 0
        self._bar = tqdm(total=total, initial=already, desc=desc, unit="run", disable=not enabled,
                         ncols=shutil.get_terminal_size((100, 20)).columns, smoothing=0.1,
                         file=sys.stderr)  # the fallback width also covers a 0-column pty
        self._bar.set_postfix_str("failed=0", refresh=False)

    def advance(self, ok: bool) -> None:
        """Count one finished run."""
        if not ok:
            self.failed += 1
            self._bar.set_postfix_str(f"failed={self.failed}", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        """Finish the bar."""
        self._bar.close()
