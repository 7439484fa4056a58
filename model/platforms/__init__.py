"""Platforms' rules: fees, traffic allocation (slates and the ad auction), logistics,
business models (consumer auctions, 1P retail, content feed), and the platforms' monthly
review and adaptive strategy."""
