"""The world around the market: scheduled shocks and the social networks along which word
of mouth and seller alarm travel."""
