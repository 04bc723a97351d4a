"""Award ranking: components per category, integrity flags, ties, tiers, reproducible runs."""
