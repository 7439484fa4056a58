"""The market's agents: consumers, sellers and platforms as Mesa agents.

Consumers and sellers are many, so their state lives in columnar numpy arrays
(:class:`ConsumerArrays`, :class:`SellerArrays`) that the model's rules update in one
vectorised pass; each agent object is a view onto its row, for inspection.
"""

from model.agents.consumer import Consumer, ConsumerArrays
from model.agents.platform import Platform
from model.agents.seller import SELLER_KINDS, Seller, SellerArrays

__all__ = ["Consumer", "ConsumerArrays", "Platform", "Seller", "SellerArrays", "SELLER_KINDS"]
