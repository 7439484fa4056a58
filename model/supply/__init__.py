"""Supply: sellers' pricing and ad bids, their weekly portfolio review (migration, entry
and exit), their products and their choice of fulfilment."""
