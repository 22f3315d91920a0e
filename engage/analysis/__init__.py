"""Analysis: sentiment, metrics and trends. Plain functions, no Flask."""
