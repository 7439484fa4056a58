"""Accounting and outputs: the ledger and its money identity, settlement of sales and
clicks, the per-day metrics recorder, what each platform wins, and scenario targets."""
