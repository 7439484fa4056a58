"""Redraw every panel in one render pass when the dashboard steps.

Solara re-renders once per component whose state changes, so nine panels could mean nine full
passes over the page per Step. Instead the page holds one hub (``use_refresh_hub``) and each
panel registers with it (``use_refresh``); after a step the run controls ``fire`` the hub, which
marks all panels dirty inside one render batch, so they redraw together (also from Play's
background thread). Outside the page (a panel rendered on its own, e.g. in a test) a panel reads
Mesa's ``update_counter`` instead.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import reacton.core
import solara
from mesa.visualization.utils import update_counter


class RefreshHub:
    """The panels of one browser session, to be marked dirty together."""

    def __init__(self) -> None:
        self._callbacks: set[Callable[[], None]] = set()
        self._lock = threading.Lock()
        self.render_context = None  # the page's render context: batches a redraw

    def register(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Add a panel's redraw callback; returns the function that removes it."""
        with self._lock:
            self._callbacks.add(callback)

        def unregister() -> None:
            with self._lock:
                self._callbacks.discard(callback)

        return unregister

    def fire(self, *_: object) -> None:
        """Mark every registered panel for redraw."""
        with self._lock:
            callbacks = list(self._callbacks)
        with self.render_context or contextlib.nullcontext():
            for callback in callbacks:
                callback()

    def __len__(self) -> int:
        return len(self._callbacks)


refresh_context = solara.create_context(None)


def use_refresh_hub() -> RefreshHub:
    """In the page: the hub every panel below registers with (fired after each step)."""
    hub = solara.use_memo(RefreshHub, [])
    hub.render_context = reacton.core.get_render_context()
    refresh_context.provide(hub)
    return hub


def use_refresh(hub: RefreshHub | None = None) -> None:
    """In a panel: redraw when the dashboard steps (via the page's hub when there is one).

    ``hub`` is for components the page renders elsewhere (the sidebar), out of the context.
    """
    context_hub: RefreshHub | None = solara.use_context(refresh_context)
    hub = hub or context_hub
    _, set_tick = solara.use_state(0)

    def register():
        if hub is None:
            return None
        return hub.register(lambda: set_tick(lambda tick: tick + 1))

    solara.use_effect(register, [hub])
    if hub is None:
        update_counter.get()
