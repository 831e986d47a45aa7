"""Property tests: IPSet and PortSet arithmetic against brute force on small ranges."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from netlint.model.cidrs import ALL_IPS, PUBLIC_V4, IPSet, PortSet, covers_internet

BASE = int(ipaddress.IPv4Address("10.1.2.0"))  # a /24 universe


@st.composite
def cidr_in_24(draw: st.DrawFn) -> str:
    prefix = draw(st.integers(24, 32))
    offset = draw(st.integers(0, 255)) & ~((1 << (32 - prefix)) - 1) & 0xFF
    return f"{ipaddress.IPv4Address(BASE + offset)}/{prefix}"


def brute(cidrs: list[str]) -> set[int]:
    out: set[int] = set()
    for c in cidrs:
        net = ipaddress.ip_network(c)
        out.update(range(int(net.network_address), int(net.broadcast_address) + 1))
    return out


def members(s: IPSet) -> set[int]:
    return {BASE + i for i in range(256) if s.contains(ipaddress.IPv4Address(BASE + i))}


cidr_lists = st.lists(cidr_in_24(), max_size=5)


@settings(max_examples=200)
@given(cidr_lists, cidr_lists)
def test_ipset_union_difference_intersection(a: list[str], b: list[str]) -> None:
    sa, sb = IPSet.of(*a), IPSet.of(*b)
    ba, bb = brute(a), brute(b)
    assert members(sa | sb) == ba | bb
    assert members(sa - sb) == ba - bb
    assert members(sa & sb) == ba & bb
    assert sa.covers(sb) == (bb <= ba)
    assert bool(sa) == bool(ba)
    assert brute(sa.cidrs()) == ba  # the CIDR rendering is exact


@given(cidr_lists)
def test_complement_and_back(a: list[str]) -> None:
    s = IPSet.of(*a)
    assert (ALL_IPS - (ALL_IPS - s)) == s


port_ranges = st.lists(
    st.tuples(st.sampled_from(["TCP", "UDP"]), st.integers(0, 40), st.integers(0, 40)),
    max_size=5)


def port_brute(items: list[tuple[str, int, int]]) -> set[tuple[str, int]]:
    return {(p, x) for p, lo, hi in items for x in range(lo, hi + 1)}


def port_members(s: PortSet) -> set[tuple[str, int]]:
    return {(p, x) for p in ("TCP", "UDP") for x in range(0, 41) if s.contains(p, x)}


@settings(max_examples=200)
@given(port_ranges, port_ranges)
def test_portset_arithmetic(a: list[tuple[str, int, int]], b: list[tuple[str, int, int]]
                            ) -> None:
    sa, sb = PortSet.of(a), PortSet.of(b)
    ba, bb = port_brute(a), port_brute(b)
    assert port_members(sa | sb) == ba | bb
    assert port_members(sa & sb) == ba & bb
    assert port_members(sa - sb) == ba - bb


def test_cidr_splits_and_excepts() -> None:
    halves = IPSet.of("0.0.0.0/1", "128.0.0.0/1")
    assert halves.covers(IPSet.of("0.0.0.0/0")) and covers_internet(halves)
    assert not covers_internet(IPSet.of("0.0.0.0/1"))
    excepted = IPSet.of("0.0.0.0/0") - IPSet.of("169.254.0.0/16")
    assert not excepted.contains("169.254.169.254")
    assert covers_internet(excepted)  # the private ranges do not matter
    assert PUBLIC_V4.contains("8.8.8.8") and not PUBLIC_V4.contains("10.0.0.1")
    v6 = IPSet.of("::/0") - IPSet.of("fd00:ec2::/32")
    assert not v6.contains("fd00:ec2::254") and v6.contains("2001:db8::1")
