"""The market as a Mesa model: its state, and the day that runs one way through it.

``from model.market import MarketModel`` is the public entry point.
"""

from model.market.market_model import MarketModel

__all__ = ["MarketModel"]
