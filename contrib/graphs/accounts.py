"""Enterprise ↔ accounts: which enterprise a repo's numbers are credited to.

The mapping comes from the registry frozen into each snapshot, so a later registry edit
never changes what an old snapshot meant.
"""

from __future__ import annotations

import networkx as nx

from contrib.registry import Registry
from contrib.types import Hub, RepoStat


class AccountMap:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._owner = registry.owner_of()

    def enterprise_of(self, hub: Hub, account: str) -> str | None:
        return self._owner.get((hub, account.lower()))

    def enterprise_of_repo(self, repo: RepoStat) -> str | None:
        """GitHub repos are owned by the org; hub repos by the ``owner/`` namespace."""
        return self.enterprise_of(repo.hub, repo.owner)

    def enterprise_of_model(self, repo_id: str) -> str | None:
        """Base models are named on Hugging Face (``owner/name``)."""
        return self.enterprise_of(Hub.HF, repo_id.split("/")[0])

    def names(self) -> list[str]:
        return sorted(e.name for e in self.registry.enterprises)


def accounts_graph(registry: Registry) -> nx.Graph:
    """Bipartite enterprise ↔ account graph (nodes ``("enterprise", name)`` and
    ``("account", hub, login)``), for inspection and export."""
    graph: nx.Graph = nx.Graph()
    for e in sorted(registry.enterprises, key=lambda e: e.name):
        graph.add_node(("enterprise", e.name), type=e.type, city=e.city)
        for hub, accounts in sorted(e.accounts.items()):
            for account in accounts:
                graph.add_edge(("enterprise", e.name), ("account", hub.value, account.lower()))
    return graph
