"""Contribution tracker: hub clients, dated snapshots, graphs, OpenRank and award rankings.

Data flows hubs → ``contrib.clients`` → ``contrib.snapshots`` (immutable, dated) →
``contrib.graphs`` → ``contrib.ranking`` → exports. Only ``core`` is imported.
"""
