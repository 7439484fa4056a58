"""The market model: configuration, the Model, and its rules (shopping, traffic, auction,
fees, pricing, logistics, settlement, feedback, migration, metrics)."""
