"""Offline evaluation: graded gold sets, IR metrics, per-leg and fused tables."""
