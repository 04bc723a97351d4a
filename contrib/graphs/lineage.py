"""The lineage graph (model → base model, by relation) and derivative credit.

A derivative's downloads are credited, discounted by relation, to the enterprise owning
its base; a merge of k bases gives each 1/k. Derivatives an enterprise publishes from its
own bases earn it nothing here (that would count the same downloads twice).
"""

from __future__ import annotations

import math
import re
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
    stats: list[RepoStat],
    accounts: AccountMap,
    discounts: dict[str, float],
    excluded_accounts: frozenset[str] = frozenset(),
) -> dict[str, DerivativeCredit]:
    """Enterprise → discounted 30-day downloads of others' derivatives of its models;
    derivatives published by ``excluded_accounts`` (sock puppets) earn nothing."""
    graph = lineage_graph(stats)
    out: dict[str, DerivativeCredit] = defaultdict(DerivativeCredit)
    for child in sorted(graph.nodes):
        bases = sorted(graph.successors(child))
        if not bases:
            continue
        owner = graph.nodes[child].get("owner") or child.split("/")[0]
        if owner in excluded_accounts:
            continue
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


#: suffixes that make a copy, not a new model: quantisation formats, re-upload markers
_COPY_SUFFIX = re.compile(
    r"[-_. ](gguf|awq|gptq|int[48]|fp8|fp16|bf16|exl2|mlx|onnx|q\d(_k)?(_[msl])?|\d+bit"
    r"|copy\d*|reupload\d*|re-upload\d*|mirror\d*|v\d+)$",
    re.IGNORECASE,
)


def copy_stem(repo_id: str) -> str:
    """``org/Model-7B-GGUF-v2`` → ``model-7b``: the name with copy suffixes removed."""
    name = repo_id.split("/")[-1]
    while True:
        stripped = _COPY_SUFFIX.sub("", name)
        if stripped == name:
            return name.lower()
        name = stripped


def own_families(repos: list[RepoStat]) -> list[list[tuple[str, str]]]:
    """One firm's repos grouped into families: a repo joins the family of an own repo it
    declares as base (any relation), or of an own repo with the same copy stem on the same
    hub. Keys are ``(hub, repo_id)``; each family is sorted, families by their first key."""
    graph: nx.Graph = nx.Graph()
    keys = {(r.hub.value, r.repo_id) for r in repos}
    by_stem: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for repo in sorted(repos, key=lambda r: (r.hub.value, r.repo_id)):
        key = (repo.hub.value, repo.repo_id)
        graph.add_node(key)
        for base in repo.base_models:
            if (repo.hub.value, base.repo_id) in keys:
                graph.add_edge(key, (repo.hub.value, base.repo_id))
        by_stem[(repo.hub.value, copy_stem(repo.repo_id))].append(key)
    for members in by_stem.values():
        for other in members[1:]:
            graph.add_edge(members[0], other)
    return sorted(sorted(c) for c in nx.connected_components(graph))


def family_value(values: list[float], discount: float, cap: float) -> float:
    """The best member in full; the others at ``discount``, together at most ``cap`` × best."""
    if not values:
        return 0.0
    best = max(values)
    rest = math.fsum(values) - best
    return best + min(discount * rest, cap * best)


def sock_puppet_accounts(
    stats: list[RepoStat], accounts: AccountMap, min_derivatives: int, share: float
) -> dict[str, tuple[str, int, int]]:
    """Unregistered deriving accounts that serve one firm: account → (firm, on it, total).

    A community developer fine-tunes many firms' models; an account whose derivatives are
    nearly all of one firm's models is that firm's sock puppet, whatever its names look like.
    """
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for repo in stats:
        if repo.kind is not RepoKind.DERIVATIVE or not repo.base_models:
            continue
        if accounts.enterprise_of_model(repo.repo_id) is not None:
            continue  # a registered firm's own account is judged by its families instead
        firms = {accounts.enterprise_of_model(b.repo_id) for b in repo.base_models}
        for firm in firms:
            per[repo.owner][firm or ""] += 1
    out: dict[str, tuple[str, int, int]] = {}
    for account, counts in sorted(per.items()):
        total = sum(counts.values())
        firm, count = max(sorted(counts.items()), key=lambda kv: kv[1])
        if firm and total >= min_derivatives and count / total >= share:
            out[account] = (firm, count, total)
    return out
