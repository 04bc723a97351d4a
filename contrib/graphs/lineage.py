"""The lineage graph (model → base model, by relation) and derivative credit.

A derivative's downloads are credited, discounted by relation, to the enterprise owning
its base; a merge of k bases gives each 1/k. Derivatives an enterprise publishes from its
own bases earn it nothing here (that would count the same downloads twice).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from contrib.graphs.accounts import AccountMap
from contrib.types import RepoKind, RepoStat


@dataclass
class DerivativeCredit:
    credit: float = 0.0
    derivatives: int = 0
    #: deriving account → (count, credit): the raw material of the spam check
    by_account: dict[str, list[float]] = field(default_factory=dict)
    top: list[tuple[float, str]] = field(default_factory=list)  # (credit, evidence URL)


def lineage_graph(stats: list[RepoStat]) -> nx.DiGraph:
    """Directed edges derivative → base, with ``relation`` on each edge."""
    graph: nx.DiGraph = nx.DiGraph()
    for repo in sorted(stats, key=lambda r: r.repo_id):
        if repo.kind not in (RepoKind.MODEL, RepoKind.DERIVATIVE):
            continue
        graph.add_node(
            repo.repo_id, owner=repo.owner, downloads=repo.downloads_30d or 0, url=repo.url
        )
        for base in repo.base_models:
            graph.add_edge(repo.repo_id, base.repo_id, relation=base.relation)
    return graph


def derivative_credit(
    stats: list[RepoStat], accounts: AccountMap, discounts: dict[str, float]
) -> dict[str, DerivativeCredit]:
    """Enterprise → discounted 30-day downloads of others' derivatives of its models."""
    graph = lineage_graph(stats)
    out: dict[str, DerivativeCredit] = defaultdict(DerivativeCredit)
    for child in sorted(graph.nodes):
        bases = sorted(graph.successors(child))
        if not bases:
            continue
        owner = graph.nodes[child].get("owner") or child.split("/")[0]
        child_enterprise = accounts.enterprise_of_model(child)
        downloads = graph.nodes[child].get("downloads", 0)
        for base in bases:
            enterprise = accounts.enterprise_of_model(base)
            if enterprise is None or enterprise == child_enterprise:
                continue
            relation = graph.edges[child, base]["relation"]
            amount = downloads * discounts.get(relation, 0.0) / len(bases)
            entry = out[enterprise]
            entry.credit += amount
            entry.derivatives += 1
            per = entry.by_account.setdefault(owner, [0.0, 0.0])
            per[0] += 1
            per[1] += amount
            entry.top.append((amount, graph.nodes[child].get("url") or child))
    for entry in out.values():
        entry.top = sorted(entry.top, key=lambda t: (-t[0], t[1]))[:5]
    return dict(out)
