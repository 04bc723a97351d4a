"""Which addresses a crawl may connect to: public ones, plus networks the operator allows.

A crawler fetches URLs that strangers write (list pages, redirects, attachment links), so by
default it refuses what an attacker would point it at: loopback, private and CGNAT ranges,
link-local (where the cloud metadata services live: 169.254.169.254, fd00:ec2::254,
Alibaba's 100.100.100.200), multicast, reserved and unspecified addresses. The check runs on
the resolved address, for every request (see ``crawlers/middlewares/netguard.py``).
``SCENEHUB_CRAWL_ALLOW_NETWORKS`` (comma-separated CIDRs) lets an operator reach a portal on
a private network; the sample portal's source entry allows loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOW_SETTING = "SCENEHUB_CRAWL_ALLOW_NETWORKS"

#: refused ranges, most specific first: the first match names the refusal
_BLOCKED: tuple[tuple[str, str, str], ...] = (
    ("169.254.169.254/32", "metadata", "the cloud metadata service"),
    ("100.100.100.200/32", "metadata", "the cloud metadata service (Alibaba Cloud)"),
    ("fd00:ec2::254/128", "metadata", "the cloud metadata service (AWS IPv6)"),
    ("0.0.0.0/8", "unspecified", "an unspecified address"),
    ("10.0.0.0/8", "private", "a private address"),
    ("100.64.0.0/10", "cgnat", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "loopback", "a loopback address"),
    ("169.254.0.0/16", "link_local", "a link-local address"),
    ("172.16.0.0/12", "private", "a private address"),
    ("192.0.0.0/24", "reserved", "a reserved address (IETF protocol assignments)"),
    ("192.0.2.0/24", "reserved", "a reserved address (documentation)"),
    ("192.88.99.0/24", "reserved", "a reserved address (6to4 relay)"),
    ("192.168.0.0/16", "private", "a private address"),
    ("198.18.0.0/15", "reserved", "a reserved address (benchmarking)"),
    ("198.51.100.0/24", "reserved", "a reserved address (documentation)"),
    ("203.0.113.0/24", "reserved", "a reserved address (documentation)"),
    ("224.0.0.0/4", "multicast", "a multicast address"),
    ("240.0.0.0/4", "reserved", "a reserved address"),
    ("::/128", "unspecified", "an unspecified address"),
    ("::1/128", "loopback", "a loopback address"),
    ("100::/64", "reserved", "a reserved address (discard-only)"),
    ("2001:db8::/32", "reserved", "a reserved address (documentation)"),
    ("fc00::/7", "private", "a private address (unique local)"),
    ("fe80::/10", "link_local", "a link-local address"),
    ("fec0::/10", "reserved", "a reserved address (site-local)"),
    ("ff00::/8", "multicast", "a multicast address"),
)
BLOCKED: tuple[tuple[Network, str, str], ...] = tuple(
    (ipaddress.ip_network(cidr), kind, why) for cidr, kind, why in _BLOCKED
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class NetworkListError(ValueError):
    """An allowed-networks entry that is not a CIDR (or a single address)."""


def parse_networks(entries: str | Iterable[str]) -> tuple[Network, ...]:
    """``"127.0.0.0/8, 10.1.0.0/16"`` (or a list of such) as networks; a bad entry is refused."""
    items = entries.split(",") if isinstance(entries, str) else list(entries)
    networks: list[Network] = []
    for item in items:
        text = item.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise NetworkListError(
                f"{text!r} is not a network: write a CIDR such as 127.0.0.0/8 or 10.1.2.3/32"
            ) from exc
    return tuple(networks)


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Refusal:
    address: str
    kind: str  # metadata, private, loopback, link_local, cgnat, multicast, reserved ...
    why: str  # "a link-local address", "the cloud metadata service" ...

    def message(self, url: str) -> str:
        return (
            f"refused {url}: {self.address} is {self.why}; crawls reach only public addresses "
            f"unless {ALLOW_SETTING} (or --allow-network) lists its network"
        )


@dataclass(frozen=True)
class NetworkPolicy:
    allowed: tuple[Network, ...] = ()

    @classmethod
    def allowing(cls, entries: str | Iterable[str]) -> NetworkPolicy:
        return cls(parse_networks(entries))

    def refusal(self, address: str) -> Refusal | None:
        """Why a crawl may not connect to ``address`` (an IP literal), or None if it may."""
        try:
            ip: Address = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
        except ValueError:
            return Refusal(address, "not_ip", "not an IP address")
        if any(ip in network for network in self.allowed if network.version == ip.version):
            return None
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = self.refusal(str(embedded))
            return None if inner is None else Refusal(address, inner.kind, f"{inner.why} (in IPv6)")
        for network, kind, why in BLOCKED:
            if network.version == ip.version and ip in network:
                return Refusal(address, kind, why)
        if not ip.is_global:
            return Refusal(address, "not_public", "not a public address")
        return None

    def url_refusal(
        self, url: str, resolve: Callable[[str], list[str]] | None = None
    ) -> Refusal | None:
        """A blocking check of a whole URL against *every* address its host resolves to, for
        fetchers outside Scrapy's downloader (a browser's sub-requests, e.g. as
        scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST``)."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"}:
            return Refusal(f"{parts.scheme}:", "scheme", "not an http(s) scheme")
        host = parts.hostname or ""
        try:
            ipaddress.ip_address(host)
            addresses = [host]
        except ValueError:
            try:
                addresses = (resolve or _all_addresses)(host)
            except OSError:
                return Refusal(host, "dns", "a name that does not resolve")
        for address in addresses:
            refusal = self.refusal(address)
            if refusal is not None:
                return refusal
        return None


def _all_addresses(host: str) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


__all__ = [
    "ALLOW_SETTING",
    "BLOCKED",
    "NetworkListError",
    "NetworkPolicy",
    "Refusal",
    "parse_networks",
]
