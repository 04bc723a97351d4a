"""Graphs built from snapshots: lineage, developer↔repo contribution, enterprise↔accounts."""
