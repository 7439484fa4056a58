"""The market's agents, importable as ``agents`` too: they live in :mod:`model.agents`."""

from model.agents.consumer import Consumer, ConsumerArrays
from model.agents.platform import Platform
from model.agents.seller import SELLER_KINDS, Seller, SellerArrays

__all__ = ["Consumer", "ConsumerArrays", "Platform", "Seller", "SellerArrays", "SELLER_KINDS"]
