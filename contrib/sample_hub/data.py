"""Deterministic generation of the sample hub's world: enterprises, repos, lineage, months.

Everything derives from one seed, so two processes generating the same parameters serve
byte-identical answers. Monthly numbers are precomputed per repo (12 small ints); GitHub
events are derived on request from a per-(repo, month) seed, so memory stays small.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from contrib.sample_hub.enterprises import (
    BENCHMARKS,
    BOT_REPO_OWNER,
    ENTERPRISES,
    KERNEL_PUBLISHERS,
    SPAM_ACCOUNT,
    SPAM_TARGET,
    SPIKE_ACCOUNT,
)

RELATION_WEIGHTS = (("finetune", 0.45), ("quantized", 0.3), ("adapter", 0.15), ("merge", 0.1))
PIPELINES = (
    "text-generation",
    "image-text-to-text",
    "automatic-speech-recognition",
    "text-to-image",
    "feature-extraction",
    "object-detection",
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SPIKE_MONTH = 9


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class SampleRepo:
    repo_id: str
    kind: str  # model | dataset | kernel
    created: int  # month index of creation; negative = before the first month
    downloads: list[int]  # 30-day downloads per month (0 before creation)
    prehistory: int  # all-time downloads accumulated before month 0
    likes: list[int]
    pipeline: str = "text-generation"
    bases: tuple[tuple[str, str], ...] = ()
    evals: tuple[tuple[str, float, bool], ...] = ()
    on_modelscope: bool = False

    @property
    def author(self) -> str:
        return self.repo_id.split("/")[0]

    def all_time(self, month: int) -> int:
        return self.prehistory + sum(self.downloads[: month + 1])


@dataclass
class GitHubRepo:
    full_name: str
    created: str
    stars: int
    topics: tuple[str, ...]
    #: developers active on it: (login, is_bot, intensity)
    developers: tuple[tuple[str, bool, float], ...]


@dataclass
class SampleHub:
    seed: int
    start: date
    months: int
    enterprises: list[dict[str, object]]
    repos: dict[str, SampleRepo] = field(default_factory=dict)
    github: dict[str, GitHubRepo] = field(default_factory=dict)

    def as_of(self, month: int) -> date:
        return add_months(self.start, month)

    def month_of(self, as_of: date | str) -> int:
        day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        for m in range(self.months):
            if self.as_of(m) == day:
                return m
        raise KeyError(
            f"no month {day} in the sample hub ({self.as_of(0)}…{self.as_of(self.months - 1)})"
        )

    @cached_property
    def by_author(self) -> dict[tuple[str, str], list[SampleRepo]]:
        out: dict[tuple[str, str], list[SampleRepo]] = {}
        for repo in sorted(self.repos.values(), key=lambda r: r.repo_id):
            out.setdefault((repo.kind, repo.author.lower()), []).append(repo)
        return out

    @cached_property
    def children(self) -> dict[str, list[SampleRepo]]:
        out: dict[str, list[SampleRepo]] = {}
        for repo in self.repos.values():
            for base, _ in repo.bases:
                out.setdefault(base, []).append(repo)
        return out

    @cached_property
    def github_by_owner(self) -> dict[str, list[GitHubRepo]]:
        out: dict[str, list[GitHubRepo]] = {}
        for repo in sorted(self.github.values(), key=lambda r: r.full_name):
            out.setdefault(repo.full_name.split("/")[0].lower(), []).append(repo)
        return out

    def registry_csv(self) -> str:
        keys = ("name", "uscc", "city", "district", "type", "hf", "modelscope", "github")
        lines = [",".join(keys) + ",confirmed"]
        for e in self.enterprises:
            confirmed = "; ".join(
                f"{hub}:{e[hub]}=signed letter on file"
                for hub in ("hf", "modelscope", "github")
                if e[hub]
            )
            lines.append(",".join(str(e[k]) for k in keys) + "," + confirmed)
        return "\n".join(lines) + "\n"


def _uscc(rng: random.Random, district_code: str) -> str:
    return "91" + district_code + "".join(rng.choice(_USCC_CHARS) for _ in range(10))


def _series(rng: random.Random, popularity: float, created: int, months: int) -> list[int]:
    growth = rng.uniform(-0.04, 0.12)
    return [
        0
        if m < created
        else int(popularity * (1 + growth) ** (m - created) * rng.uniform(0.8, 1.2))
        for m in range(months)
    ]


def _likes(rng: random.Random, downloads: list[int]) -> list[int]:
    total, out = 0, []
    for d in downloads:
        total += int(d * rng.uniform(0.0005, 0.003))
        out.append(total)
    return out


def generate(
    n_models: int = 2000, *, seed: int = 7, months: int = 12, start: date = date(2026, 1, 1)
) -> SampleHub:
    """The sample world. ``n_models`` ≥ 200; about a third are enterprise-owned bases."""
    rng = random.Random(seed)
    hub = SampleHub(seed=seed, start=start, months=months, enterprises=[])
    sizes: dict[str, float] = {}
    for name, etype, city, district, slug, on_ms, on_gh, size in ENTERPRISES:
        code = hashlib.sha256(slug.encode()).hexdigest()
        hub.enterprises.append(
            {
                "name": name,
                "type": etype,
                "city": city,
                "district": district,
                "uscc": _uscc(random.Random(code), "330100" if city == "杭州" else "310000"),
                "hf": slug,
                "modelscope": slug if on_ms else "",
                "github": f"{slug}-oss" if on_gh else "",
            }
        )
        sizes[slug] = size
    slugs = sorted(sizes)
    total_size = sum(sizes.values())
    ms_slugs = {str(e["hf"]) for e in hub.enterprises if e["modelscope"]}
    n_bases = max(60, n_models // 3)
    community = [f"dev-{i:03d}" for i in range(max(40, n_models // 50))]
    bases: list[SampleRepo] = []
    for i in range(n_bases):
        slug = rng.choices(slugs, weights=[sizes[s] for s in slugs])[0]
        created = rng.randint(-24, months - 1)
        popularity = math.exp(rng.gauss(math.log(300 * sizes[slug] * 30 / total_size + 50), 1.3))
        downloads = _series(rng, popularity, created, months)
        quality = sizes[slug] / 10
        evals = tuple(
            (b, round(40 + 50 * quality * rng.uniform(0.7, 1.0), 2), rng.random() < 0.7)
            for b in BENCHMARKS
            if rng.random() < 0.15 + 0.4 * quality
        )
        size_tag = rng.choice(("7B", "14B", "1.5B", "VL", "ASR"))
        repo = SampleRepo(
            repo_id=f"{slug}/{slug.split('-')[0].title()}-{i:04d}-{size_tag}",
            kind="model",
            created=created,
            downloads=downloads,
            prehistory=int(popularity * max(0, -created) * 0.7),
            likes=_likes(rng, downloads),
            pipeline=rng.choice(PIPELINES),
            evals=evals,
            on_modelscope=slug in ms_slugs and rng.random() < 0.6,
        )
        bases.append(repo)
        hub.repos[repo.repo_id] = repo
    base_weights = list(itertools.accumulate(math.sqrt(b.downloads[-1] + 1) for b in bases))
    for i in range(n_models - n_bases - 60):
        author = rng.choice(community) if rng.random() < 0.8 else rng.choice(slugs)
        relation = rng.choices([r for r, _ in RELATION_WEIGHTS], [w for _, w in RELATION_WEIGHTS])[
            0
        ]
        base = rng.choices(bases, cum_weights=base_weights)[0]
        parents = [base] + ([rng.choice(bases)] if relation == "merge" else [])
        created = max(base.created, rng.randint(-12, months - 1))
        popularity = math.exp(rng.gauss(math.log(40), 1.2))
        downloads = _series(rng, popularity, created, months)
        suffix = {"quantized": "GGUF", "adapter": "LoRA", "merge": "Merged", "finetune": "SFT"}[
            relation
        ]
        repo = SampleRepo(
            repo_id=f"{author}/{base.repo_id.split('/')[1]}-{suffix}-{i:04d}",
            kind="model",
            created=created,
            downloads=downloads,
            prehistory=int(popularity * max(0, -created) * 0.7),
            likes=_likes(rng, downloads),
            pipeline=base.pipeline,
            bases=tuple((p.repo_id, relation) for p in parents),
        )
        hub.repos[repo.repo_id] = repo
    _plant_anomalies(hub, rng, bases, months)
    _datasets_and_kernels(hub, rng, slugs, sizes, months)
    _github(hub, rng, months)
    return hub


def _plant_anomalies(
    hub: SampleHub, rng: random.Random, bases: list[SampleRepo], months: int
) -> None:
    spiker = next((b for b in bases if b.author == SPIKE_ACCOUNT and b.created <= 0), None)
    if spiker is None:  # make sure the planted spike has a model to live on
        spiker = SampleRepo(f"{SPIKE_ACCOUNT}/Mengqi-Chat-7B", "model", -6, [], 0, [])
        spiker.downloads = _series(rng, 900.0, -6, months)
        spiker.prehistory, spiker.likes = 4000, _likes(rng, spiker.downloads)
        hub.repos[spiker.repo_id] = spiker
    if months > SPIKE_MONTH:
        spiker.downloads[SPIKE_MONTH] = spiker.downloads[SPIKE_MONTH] * 40 + 200_000
    target = max((b for b in bases if b.author == SPAM_TARGET), key=lambda b: b.downloads[-1])
    for k in range(60):
        created = months - 1 - (k % 3)
        downloads = [0] * created + [rng.randint(300, 600)] * (months - created)
        repo = SampleRepo(
            repo_id=f"{SPAM_ACCOUNT}/{target.repo_id.split('/')[1]}-GGUF-Q4_K_M-v{k:02d}",
            kind="model",
            created=created,
            downloads=downloads,
            prehistory=0,
            likes=[0] * months,
            pipeline=target.pipeline,
            bases=((target.repo_id, "quantized"),),
        )
        hub.repos[repo.repo_id] = repo


def _datasets_and_kernels(
    hub: SampleHub, rng: random.Random, slugs: list[str], sizes: dict[str, float], months: int
) -> None:
    for i in range(300):
        slug = rng.choices(slugs, weights=[sizes[s] for s in slugs])[0]
        created = rng.randint(-18, months - 1)
        popularity = math.exp(rng.gauss(math.log(120 * sizes[slug]), 1.1))
        downloads = _series(rng, popularity, created, months)
        repo = SampleRepo(
            f"{slug}/{slug.split('-')[0]}-corpus-{i:03d}",
            "dataset",
            created,
            downloads,
            int(popularity * max(0, -created) * 0.5),
            _likes(rng, downloads),
        )
        hub.repos[repo.repo_id] = repo
    for i in range(60):
        slug = KERNEL_PUBLISHERS[i % len(KERNEL_PUBLISHERS)]
        created = rng.randint(-6, months - 1)
        popularity = math.exp(rng.gauss(math.log(200 * sizes[slug]), 1.0))
        downloads = _series(rng, popularity, created, months)
        name = rng.choice(("flash-attn", "paged-kv", "moe-gemm", "rmsnorm", "int4-matmul", "rope"))
        repo = SampleRepo(
            f"{slug}/{name}-{i:02d}",
            "kernel",
            created,
            downloads,
            int(popularity * max(0, -created) * 0.5),
            _likes(rng, downloads),
        )
        hub.repos[repo.repo_id] = repo


def _github(hub: SampleHub, rng: random.Random, months: int) -> None:
    developers = [f"coder-{i:03d}" for i in range(400)]
    for e in hub.enterprises:
        org = str(e["github"])
        if not org:
            continue
        size = _size_of(str(e["hf"]))
        for j in range(max(1, int(size)) + rng.randint(0, 2)):
            team = rng.sample(developers, k=min(len(developers), 3 + int(size * rng.uniform(1, 4))))
            devs = [(d, False, rng.uniform(0.2, 1.5)) for d in team]
            if str(e["hf"]) == BOT_REPO_OWNER:
                devs += [("align-autocommit[bot]", True, 25.0), ("nightly-sync-bot", False, 18.0)]
            elif rng.random() < 0.3:
                devs.append(("dependabot[bot]", True, 0.8))
            name = f"{org}/{rng.choice(('infer', 'train', 'serve', 'eval', 'kit', 'ops'))}-{j}"
            hub.github[name] = GitHubRepo(
                name,
                f"{2020 + j % 6}-0{1 + j % 9}-15T08:00:00Z",
                int(300 * size * rng.uniform(0.2, 2)),
                ("llm", "operator") if str(e["hf"]) in KERNEL_PUBLISHERS else ("llm",),
                tuple(devs),
            )


def _size_of(slug: str) -> float:
    return next(row[7] for row in ENTERPRISES if row[4] == slug)
