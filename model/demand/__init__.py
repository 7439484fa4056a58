"""Demand: who shops today, which platform they visit, which listing they buy, paid
membership, and the feedback (habit, word of mouth, ratings) that purchases leave."""
