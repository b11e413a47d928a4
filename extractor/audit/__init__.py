"""Arithmetic audit: sums, shares, rates, scores and rankings that do not add up."""
