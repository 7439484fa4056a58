"""The market model, one package per responsibility.

* :mod:`model.market` -- the Mesa model: the market's state and the day that runs through it;
* :mod:`model.agents` -- consumers, sellers and platforms as Mesa agents (state only);
* :mod:`model.demand` -- consumers' trips, platform choice, listing choice, membership, feedback;
* :mod:`model.supply` -- sellers' pricing and ads, portfolio review, migration, products;
* :mod:`model.platforms` -- fees, traffic allocation, the ad auction, logistics, business
  models (auction, retail, content feed) and the platforms' own strategy;
* :mod:`model.world` -- scheduled shocks and the social networks;
* :mod:`model.accounting` -- the ledger, settlement, metrics, outcomes and targets;
* :mod:`model.config` -- parameters, archetypes, scenario loading and validation.

``docs/architecture.md`` shows the packages and the phases of a day.
"""
