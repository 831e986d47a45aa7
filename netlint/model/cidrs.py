"""Sets of IP addresses and of protocol/port pairs, with exact set arithmetic.

Addresses are parsed with the standard library's :mod:`ipaddress`; a set is kept as
sorted, disjoint, non-adjacent closed integer intervals per IP version, so union,
difference, intersection and coverage are exact (``0.0.0.0/1`` + ``128.0.0.0/1`` covers
everything; ``0.0.0.0/0`` except ``169.254.0.0/16`` does not contain 169.254.169.254).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

Interval = tuple[int, int]  # closed [lo, hi]
_MAX = {4: (1 << 32) - 1, 6: (1 << 128) - 1}


def _normalize(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    out: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if lo > hi:
            continue
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((a, b) for a, b in out)


def _subtract(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    j = 0
    for lo, hi in a:
        cur = lo
        while j < len(b) and b[j][1] < cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] <= hi:
            blo, bhi = b[k]
            if blo > cur:
                out.append((cur, blo - 1))
            cur = max(cur, bhi + 1)
            if cur > hi:
                break
            k += 1
        if cur <= hi:
            out.append((cur, hi))
    return tuple(out)


def _intersect(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _contains(a: tuple[Interval, ...], x: int) -> bool:
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid][1] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo < len(a) and a[lo][0] <= x


@dataclass(frozen=True)
class IPSet:
    """A set of IPv4 and IPv6 addresses."""

    v4: tuple[Interval, ...] = ()
    v6: tuple[Interval, ...] = ()

    @staticmethod
    def of(*cidrs: str) -> IPSet:
        """The union of CIDRs (or single addresses); raises ValueError on a bad one."""
        v4: list[Interval] = []
        v6: list[Interval] = []
        for text in cidrs:
            net = ipaddress.ip_network(str(text).strip(), strict=False)
            (v4 if net.version == 4 else v6).append(
                (int(net.network_address), int(net.broadcast_address)))
        return IPSet(_normalize(v4), _normalize(v6))

    @staticmethod
    def all() -> IPSet:
        return ALL_IPS

    def __or__(self, other: IPSet) -> IPSet:
        return IPSet(_normalize((*self.v4, *other.v4)), _normalize((*self.v6, *other.v6)))

    def __sub__(self, other: IPSet) -> IPSet:
        return IPSet(_subtract(self.v4, other.v4), _subtract(self.v6, other.v6))

    def __and__(self, other: IPSet) -> IPSet:
        return IPSet(_intersect(self.v4, other.v4), _intersect(self.v6, other.v6))

    def __bool__(self) -> bool:
        return bool(self.v4 or self.v6)

    def contains(self, address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        return _contains(self.v4 if ip.version == 4 else self.v6, int(ip))

    def covers(self, other: IPSet) -> bool:
        return not (other - self)

    def cidrs(self) -> list[str]:
        """The set as the fewest CIDRs (for messages)."""
        out: list[str] = []
        for version, intervals in ((4, self.v4), (6, self.v6)):
            cls = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
            for lo, hi in intervals:
                out.extend(str(n) for n in ipaddress.summarize_address_range(cls(lo), cls(hi)))
        return out


ALL_IPS = IPSet(((0, _MAX[4]),), ((0, _MAX[6]),))
ALL_V4 = IPSet(((0, _MAX[4]),), ())
ALL_V6 = IPSet((), ((0, _MAX[6]),))
EMPTY_IPS = IPSet()

# Addresses that are not on the public internet; "the internet" is everything else.
NON_PUBLIC = IPSet.of(
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
    "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8",
)
PUBLIC_IPS = ALL_IPS - NON_PUBLIC
PUBLIC_V4 = IPSet(PUBLIC_IPS.v4, ())
PUBLIC_V6 = IPSet((), PUBLIC_IPS.v6)


def covers_internet(ips: IPSet) -> bool:
    """True when the set holds every public address of IPv4 or of IPv6."""
    return ips.covers(PUBLIC_V4) or ips.covers(PUBLIC_V6)


# --- protocols and ports -------------------------------------------------------------

PROTOCOLS = ("TCP", "UDP", "SCTP")
MAX_PORT = 65535


@dataclass(frozen=True)
class PortSet:
    """Protocol/port pairs: numeric port intervals per protocol, named ports, and whether
    protocols without ports (ICMP, ...) are included."""

    ranges: tuple[tuple[str, tuple[Interval, ...]], ...] = ()
    named: frozenset[tuple[str, str]] = frozenset()
    other_protocols: bool = False

    @staticmethod
    def any() -> PortSet:
        return ANY_PORTS

    @staticmethod
    def of(items: Iterable[tuple[str, int, int]], named: Iterable[tuple[str, str]] = (),
           other_protocols: bool = False) -> PortSet:
        per: dict[str, list[Interval]] = {}
        for proto, lo, hi in items:
            per.setdefault(proto.upper(), []).append((max(lo, 0), min(hi, MAX_PORT)))
        return PortSet(
            tuple(sorted((p, _normalize(iv)) for p, iv in per.items() if _normalize(iv))),
            frozenset((p.upper(), n) for p, n in named), other_protocols)

    def _map(self) -> dict[str, tuple[Interval, ...]]:
        return dict(self.ranges)

    def __or__(self, other: PortSet) -> PortSet:
        a, b = self._map(), other._map()
        items = [(p, lo, hi) for m in (a, b) for p, iv in m.items() for lo, hi in iv]
        return PortSet.of(items, self.named | other.named,
                          self.other_protocols or other.other_protocols)

    def __and__(self, other: PortSet) -> PortSet:
        a, b = self._map(), other._map()
        ranges = tuple(sorted(
            (p, iv) for p in set(a) & set(b) if (iv := _intersect(a[p], b[p]))))
        return PortSet(ranges, self.named & other.named,
                       self.other_protocols and other.other_protocols)

    def __sub__(self, other: PortSet) -> PortSet:
        a, b = self._map(), other._map()
        ranges = tuple(sorted(
            (p, iv) for p, ivs in a.items() if (iv := _subtract(ivs, b.get(p, ())))))
        return PortSet(ranges, self.named - other.named,
                       self.other_protocols and not other.other_protocols)

    def __bool__(self) -> bool:
        return bool(self.ranges or self.named or self.other_protocols)

    def contains(self, proto: str, port: int) -> bool:
        return _contains(self._map().get(proto.upper(), ()), port)

    def is_all(self) -> bool:
        m = self._map()
        return self.other_protocols and all(m.get(p) == ((0, MAX_PORT),) for p in PROTOCOLS)

    def describe(self) -> str:
        if self.is_all():
            return "all ports"
        parts = []
        for proto, ivs in self.ranges:
            for lo, hi in ivs:
                if (lo, hi) in ((0, MAX_PORT), (1, MAX_PORT)):
                    parts.append(f"{proto}/any")
                else:
                    parts.append(f"{proto}/{lo}" if lo == hi else f"{proto}/{lo}-{hi}")
        parts.extend(f"{p}/{n}" for p, n in sorted(self.named))
        if self.other_protocols:
            parts.append("ICMP and other port-less protocols")
        return ", ".join(parts) if parts else "no ports"


ANY_PORTS = PortSet(tuple((p, ((0, MAX_PORT),)) for p in PROTOCOLS), frozenset(), True)
NO_PORTS = PortSet()
