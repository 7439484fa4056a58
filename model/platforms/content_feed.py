"""Content commerce (TikTok-Shop-like): the feed ranks listings by content engagement.

On a content platform much of the traffic is people scrolling a feed who buy on impulse
(``feed_audience``, ``impulse_rate``; sources: a traffic entrance of ~1B daily users turned
shop, "content platforms also create impulse purchases from feed exposure"). What the feed
shows is decided by engagement, not by search relevance or sales history alone:

* a listing's **content appeal** is its product's quality times its seller's content skill
  (the sales-channel competence: making videos, working with creators), raised by its
  **engagement**, the smoothed daily units it sells from the feed:
  ``appeal = quality * channel * (1 + engagement_gain * engagement)``;
* on a platform whose ``business_model`` is ``"content"`` the rank score gains
  ``engagement_weight * log(appeal)`` (the virality rule): engaging content is shown more,
  sells more from the feed, becomes more engaging. Exposure concentrates on the most
  engaging listings, a superstar effect of algorithmic feeds (Rosen 1981 on superstars;
  on recommender feedback loops, Chaney, Stewart and Engelhardt 2018).

``engagement_weight = 0`` switches the virality rule off (the ``content`` traffic rule's
virality draw and quality remain).
"""

from __future__ import annotations

import numpy as np

#: Keeps the log of a zero appeal finite (appeal is on a 0-1 scale before engagement).
APPEAL_FLOOR = 1e-3


def appeal(
    quality: np.ndarray, channel: np.ndarray, engagement: np.ndarray, gain: float
) -> np.ndarray:
    """Content appeal of listings: quality x content skill, raised by engagement.

    >>> appeal(np.array([0.5]), np.array([0.4]), np.array([2.0]), 1.0).tolist()
    [0.6000000000000001]
    """
    return quality * channel * (1.0 + gain * engagement)


def rank_bonus(
    quality: np.ndarray, channel: np.ndarray, engagement: np.ndarray, gain: float, weight: float
) -> np.ndarray:
    """Rank score the virality rule adds: ``weight * log(appeal)``.

    >>> rank_bonus(np.array([0.5, 0.5]), np.array([0.2, 0.8]), np.zeros(2), 1.0, 2.0
    ...            ).round(2).tolist()
    [-4.59, -1.83]
    """
    return weight * np.log(appeal(quality, channel, engagement, gain) + APPEAL_FLOOR)


def update_engagement(engagement: np.ndarray, feed_units_today: np.ndarray, memory: float) -> None:
    """Engagement follows today's feed sales (today weighs ``memory``), in place."""
    engagement += memory * (feed_units_today - engagement)
