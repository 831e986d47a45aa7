"""A typed view of an Envoy v3 configuration: listeners, filter chains, filters, clusters.

Every object keeps the path that leads to it in its document, so a rule reports a path
and the finding lands on the exact line.  The walk never raises on odd input: a field of
the wrong type is skipped (Envoy would reject it; that is ``--envoy-validate``'s job).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.yamlnodes import Path

HCM = "envoy.filters.network.http_connection_manager"
TCP_PROXY = "envoy.filters.network.tcp_proxy"
DOWNSTREAM_TLS = "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext"
UPSTREAM_TLS = "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext"


def type_name(value: Any) -> str:
    """The message name of a typed_config's ``@type`` (without the type URL prefix)."""
    if not isinstance(value, Mapping):
        return ""
    t = value.get("@type")
    return t.rsplit("/", 1)[-1] if isinstance(t, str) else ""


def as_map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Typed:
    """A named extension (filter, transport socket): name, message type and config."""

    name: str
    type: str  # message name from typed_config's @type, "" when absent
    config: Mapping[str, Any]
    path: Path  # the entry (list item or mapping holding name/typed_config)

    @property
    def config_path(self) -> Path:
        return (*self.path, "typed_config")

    def is_(self, filter_name: str, type_prefix: str) -> bool:
        """Identified by @type (authoritative in v3) or, without one, by name."""
        if self.type:
            return self.type.startswith(type_prefix)
        return self.name == filter_name


@dataclass(frozen=True)
class Address:
    host: str
    port: int | str | None
    path: Path  # the socket_address mapping
    pipe: bool = False  # a unix socket or an internal listener: never on the network

    @property
    def display(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port if self.port is not None else '?'}"

    @property
    def loopback(self) -> bool:
        if self.pipe:
            return True
        return is_loopback(self.host)


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# Top-level domains that mark a dotted name as an internet host; "svc.namespace" (Kubernetes)
# and "service.consul"-style names are internal.  Rules take their own list as a param.
PUBLIC_TLDS = (
    "com", "net", "org", "io", "dev", "app", "cloud", "co", "ai", "me", "info", "biz", "xyz",
    "tech", "sh", "us", "uk", "de", "fr", "eu", "nl", "ch", "se", "no", "es", "it", "pl",
    "jp", "cn", "in", "ru", "br", "au", "ca", "gov", "edu", "tv", "ly", "gg", "so", "to",
)


def is_external_host(host: str, public_tlds: tuple[str, ...] | frozenset[str] = PUBLIC_TLDS
                     ) -> bool:
    """A public IP address, or a DNS name under a public top-level domain."""
    if not host or is_loopback(host):
        return False
    if is_ip(host):
        return ipaddress.ip_address(host).is_global
    name = host.rstrip(".").lower()
    return "." in name and name.rsplit(".", 1)[-1] in public_tlds


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def socket_address(value: Any, path: Path) -> Address | None:
    """An ``Address`` message: socket_address, pipe or envoy_internal_address."""
    value = as_map(value)
    if "pipe" in value or "envoy_internal_address" in value:
        return Address("", None, path, pipe=True)
    sa = value.get("socket_address")
    if not isinstance(sa, Mapping):
        return None
    host = sa.get("address")
    port = sa.get("port_value", sa.get("named_port"))
    return Address(str(host) if host is not None else "", port, (*path, "socket_address"))


@dataclass(frozen=True)
class HttpConnectionManager:
    filter: Typed
    http_filters: list[Typed]

    @property
    def route_config(self) -> Mapping[str, Any]:
        return as_map(self.filter.config.get("route_config"))


@dataclass(frozen=True)
class FilterChain:
    value: Mapping[str, Any]
    path: Path
    filters: list[Typed]
    transport_socket: Typed | None

    @property
    def tls(self) -> Typed | None:
        ts = self.transport_socket
        if ts is not None and ts.is_("envoy.transport_sockets.tls", DOWNSTREAM_TLS):
            return ts
        return None

    def http_managers(self) -> Iterator[HttpConnectionManager]:
        for f in self.filters:
            if f.is_(HCM, "envoy.extensions.filters.network.http_connection_manager"):
                yield HttpConnectionManager(f, _typed_list(f.config.get("http_filters"),
                                                           (*f.config_path, "http_filters")))


@dataclass(frozen=True)
class Listener:
    name: str
    value: Mapping[str, Any]
    path: Path
    address: Address | None
    filter_chains: list[FilterChain]

    @property
    def label(self) -> str:
        return f"listener '{self.name}'"


@dataclass(frozen=True)
class Endpoint:
    address: Address
    path: Path


@dataclass(frozen=True)
class Cluster:
    name: str
    value: Mapping[str, Any]
    path: Path
    endpoints: list[Endpoint]
    transport_sockets: list[Typed]  # transport_socket and each transport_socket_matches one

    @property
    def label(self) -> str:
        return f"cluster '{self.name}'"

    @property
    def cluster_type(self) -> str:
        ct = self.value.get("cluster_type")
        if isinstance(ct, Mapping):
            return str(ct.get("name", "")) or type_name(ct.get("typed_config"))
        t = self.value.get("type")
        return str(t) if t is not None else "EDS" if "eds_cluster_config" in self.value else ""

    def upstream_tls(self) -> list[Typed]:
        return [t for t in self.transport_sockets
                if t.is_("envoy.transport_sockets.tls", UPSTREAM_TLS)]


@dataclass
class EnvoyConfig:
    """The listeners, clusters and admin of one Envoy document."""

    listeners: list[Listener] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    admin: Mapping[str, Any] | None = None
    admin_path: Path = ()

    def http_filters(self) -> Iterator[tuple[Listener, FilterChain, HttpConnectionManager,
                                             Typed]]:
        for listener in self.listeners:
            for chain in listener.filter_chains:
                for hcm in chain.http_managers():
                    for f in hcm.http_filters:
                        yield listener, chain, hcm, f

    def tunnel_clusters(self) -> set[str]:
        """Clusters that receive a client's byte stream as is: TCP proxies in chains that do
        not terminate TLS (TLS passthrough) and HTTP CONNECT / upgrade routes.  Whatever
        encryption the client uses reaches the upstream unchanged."""
        out: set[str] = set()
        for lst in self.listeners:
            for chain in lst.filter_chains:
                for f in chain.filters:
                    if chain.tls is None and f.is_(TCP_PROXY, "envoy.extensions.filters."
                                                  "network.tcp_proxy"):
                        out.update(_route_clusters(f.config))
                for hcm in chain.http_managers():
                    for vh in as_list(hcm.route_config.get("virtual_hosts")):
                        for r in as_list(as_map(vh).get("routes")):
                            route = as_map(as_map(r).get("route"))
                            if "connect_matcher" in as_map(as_map(r).get("match")) or any(
                                as_map(u).get("upgrade_type") == "CONNECT"
                                for u in as_list(route.get("upgrade_configs"))
                            ):
                                out.update(_route_clusters(route))
        return out

    def tls_contexts(self) -> Iterator[tuple[str, Typed]]:
        """(who, context) for every TLS transport socket: listeners' and clusters'."""
        for listener in self.listeners:
            for chain in listener.filter_chains:
                if chain.tls is not None:
                    yield listener.label, chain.tls
        for cluster in self.clusters:
            for t in cluster.upstream_tls():
                yield cluster.label, t


def _route_clusters(action: Mapping[str, Any]) -> set[str]:
    """Cluster names of a route action or TCP proxy (cluster or weighted_clusters)."""
    names = {str(action["cluster"])} if isinstance(action.get("cluster"), str) else set()
    for c in as_list(as_map(action.get("weighted_clusters")).get("clusters")):
        if isinstance(as_map(c).get("name"), str):
            names.add(c["name"])
    return names


def _typed(value: Any, path: Path) -> Typed | None:
    if not isinstance(value, Mapping):
        return None
    name = value.get("name")
    cfg = value.get("typed_config")
    return Typed(str(name) if name is not None else "", type_name(cfg), as_map(cfg), path)


def _typed_list(value: Any, path: Path) -> list[Typed]:
    out = []
    for i, item in enumerate(as_list(value)):
        t = _typed(item, (*path, i))
        if t is not None:
            out.append(t)
    return out


def _filter_chain(value: Any, path: Path) -> FilterChain | None:
    if not isinstance(value, Mapping):
        return None
    return FilterChain(
        value, path, _typed_list(value.get("filters"), (*path, "filters")),
        _typed(value.get("transport_socket"), (*path, "transport_socket")),
    )


def listener(value: Any, path: Path) -> Listener | None:
    if not isinstance(value, Mapping):
        return None
    chains = []
    for i, item in enumerate(as_list(value.get("filter_chains"))):
        chain = _filter_chain(item, (*path, "filter_chains", i))
        if chain is not None:
            chains.append(chain)
    default = _filter_chain(value.get("default_filter_chain"), (*path, "default_filter_chain"))
    if default is not None:
        chains.append(default)
    name = value.get("name")
    return Listener(str(name) if name is not None else "<unnamed>", value, path,
                    socket_address(value.get("address"), (*path, "address")), chains)


def cluster(value: Any, path: Path) -> Cluster | None:
    if not isinstance(value, Mapping):
        return None
    endpoints = []
    la = as_map(value.get("load_assignment"))
    for i, locality in enumerate(as_list(la.get("endpoints"))):
        for j, lb in enumerate(as_list(as_map(locality).get("lb_endpoints"))):
            ep_path: Path = ("load_assignment", "endpoints", i, "lb_endpoints", j, "endpoint",
                             "address")
            addr = socket_address(as_map(as_map(lb).get("endpoint")).get("address"),
                                  (*path, *ep_path))
            if addr is not None:
                endpoints.append(Endpoint(addr, (*path, *ep_path)))
    sockets = []
    ts = _typed(value.get("transport_socket"), (*path, "transport_socket"))
    if ts is not None:
        sockets.append(ts)
    for i, match in enumerate(as_list(value.get("transport_socket_matches"))):
        t = _typed(as_map(match).get("transport_socket"),
                   (*path, "transport_socket_matches", i, "transport_socket"))
        if t is not None:
            sockets.append(t)
    name = value.get("name")
    return Cluster(str(name) if name is not None else "<unnamed>", value, path, endpoints,
                   sockets)


def _is(resource: Mapping[str, Any], message: str) -> bool:
    t = type_name(resource)
    return t.endswith("." + message) and (".v3." in t or t.startswith("envoy.config."))


def envoy_config(doc: Any) -> EnvoyConfig:
    """The typed view of a bootstrap or an xDS resource file (cached on the document)."""
    cached = doc.cache.get("envoy")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    cfg = EnvoyConfig()
    root = as_map(doc.value)
    static = as_map(root.get("static_resources"))
    for i, item in enumerate(as_list(static.get("listeners"))):
        lst = listener(item, ("static_resources", "listeners", i))
        if lst is not None:
            cfg.listeners.append(lst)
    for i, item in enumerate(as_list(static.get("clusters"))):
        cl = cluster(item, ("static_resources", "clusters", i))
        if cl is not None:
            cfg.clusters.append(cl)
    for i, item in enumerate(as_list(root.get("resources"))):
        if not isinstance(item, Mapping):
            continue
        if _is(item, "Listener"):
            lst = listener(item, ("resources", i))
            if lst is not None:
                cfg.listeners.append(lst)
        elif _is(item, "Cluster"):
            cl = cluster(item, ("resources", i))
            if cl is not None:
                cfg.clusters.append(cl)
    if isinstance(root.get("admin"), Mapping):
        cfg.admin = root["admin"]
        cfg.admin_path = ("admin",)
    doc.cache["envoy"] = cfg
    return cfg


def dynamic_resource_paths(doc: Any) -> list[tuple[str, str, Path]]:
    """(kind "lds"|"cds", file path, path in the document) of file-based xDS sources."""
    out: list[tuple[str, str, Path]] = []
    dyn = as_map(as_map(doc.value).get("dynamic_resources"))
    for kind in ("lds", "cds"):
        src = as_map(dyn.get(f"{kind}_config"))
        pcs = src.get("path_config_source")
        if isinstance(pcs, Mapping) and isinstance(pcs.get("path"), str):
            out.append((kind, pcs["path"], ("dynamic_resources", f"{kind}_config",
                                            "path_config_source", "path")))
        elif isinstance(src.get("path"), str):
            out.append((kind, src["path"], ("dynamic_resources", f"{kind}_config", "path")))
    return out


# --- TLS contexts ----------------------------------------------------------------------

VALIDATION_FIELDS = (
    "validation_context_sds_secret_config",
    "validation_context_certificate_provider",
    "validation_context_certificate_provider_instance",
)


def common_tls(ctx: Typed) -> Mapping[str, Any]:
    return as_map(ctx.config.get("common_tls_context"))


def validation_context(ctx: Typed) -> tuple[Mapping[str, Any] | None, Path]:
    """The static validation context of a TLS context (plain or combined) and its path."""
    common = common_tls(ctx)
    base: Path = (*ctx.config_path, "common_tls_context")
    if isinstance(common.get("validation_context"), Mapping):
        return common["validation_context"], (*base, "validation_context")
    combined = as_map(common.get("combined_validation_context"))
    if isinstance(combined.get("default_validation_context"), Mapping):
        return combined["default_validation_context"], (
            *base, "combined_validation_context", "default_validation_context")
    return None, base


def validates_peer(ctx: Typed) -> bool:
    """Does this TLS context verify the peer's certificate against some trust anchor?"""
    common = common_tls(ctx)
    if any(f in common for f in VALIDATION_FIELDS):
        return True  # trust anchors come from SDS or a certificate provider
    combined = as_map(common.get("combined_validation_context"))
    if any(f in combined for f in VALIDATION_FIELDS):
        return True
    vc, _ = validation_context(ctx)
    if vc is None:
        return False
    if vc.get("trust_chain_verification") == "ACCEPT_UNTRUSTED":
        return False
    return any(k in vc for k in ("trusted_ca", "ca_certificate_provider_instance",
                                 "system_root_certs"))


# --- HTTP filters --------------------------------------------------------------------

DFP_FILTER = "envoy.filters.http.dynamic_forward_proxy"
DFP_TYPE = "envoy.extensions.filters.http.dynamic_forward_proxy"
JWT_FILTER = "envoy.filters.http.jwt_authn"
JWT_TYPE = "envoy.extensions.filters.http.jwt_authn"
RBAC_FILTER = "envoy.filters.http.rbac"
RBAC_TYPE = "envoy.extensions.filters.http.rbac"
EXT_AUTHZ_FILTER = "envoy.filters.http.ext_authz"
EXT_AUTHZ_TYPE = "envoy.extensions.filters.http.ext_authz"
ROUTER_FILTER = "envoy.filters.http.router"
ROUTER_TYPE = "envoy.extensions.filters.http.router"


def forward_proxies(cfg: EnvoyConfig) -> Iterator[tuple[Listener, HttpConnectionManager, int]]:
    """HTTP connection managers with a dynamic forward proxy filter (and its index)."""
    for listener in cfg.listeners:
        for chain in listener.filter_chains:
            for hcm in chain.http_managers():
                for i, f in enumerate(hcm.http_filters):
                    if f.is_(DFP_FILTER, DFP_TYPE):
                        yield listener, hcm, i
                        break


SNI_DFP_FILTER = "envoy.filters.network.sni_dynamic_forward_proxy"
SNI_DFP_TYPE = "envoy.extensions.filters.network.sni_dynamic_forward_proxy"
NETWORK_AUTHZ = (("envoy.filters.network.rbac", "envoy.extensions.filters.network.rbac"),
                 ("envoy.filters.network.ext_authz",
                  "envoy.extensions.filters.network.ext_authz"))  # (rbac, ext_authz)


def sni_forward_proxies(cfg: EnvoyConfig) -> Iterator[tuple[Listener, FilterChain, int]]:
    """Filter chains with an SNI dynamic forward proxy network filter (and its index)."""
    for listener in cfg.listeners:
        for chain in listener.filter_chains:
            for i, f in enumerate(chain.filters):
                if f.is_(SNI_DFP_FILTER, SNI_DFP_TYPE):
                    yield listener, chain, i
                    break


def sni_proxy_gated(chain: FilterChain, index: int) -> bool:
    """Is an SNI forward proxy limited to named hosts or behind a network authz filter?"""
    names = as_list(as_map(chain.value.get("filter_chain_match")).get("server_names"))
    if names and not any(str(n) in ("*", "") for n in names):
        return True  # only these server names reach the chain
    for f in chain.filters[:index]:
        if f.is_(*NETWORK_AUTHZ[1]):
            return True
        if f.is_(*NETWORK_AUTHZ[0]) and ("rules" in f.config or "matcher" in f.config):
            return True
    return False


def jwt_requirement_weak(req: Any) -> bool:
    """Does a JwtRequirement let a request through without a valid token?"""
    req = as_map(req)
    if "allow_missing" in req or "allow_missing_or_failed" in req:
        return True
    if "requires_any" in req:
        return any(jwt_requirement_weak(r)
                   for r in as_list(as_map(req["requires_any"]).get("requirements")))
    if "requires_all" in req:
        return all(jwt_requirement_weak(r)
                   for r in as_list(as_map(req["requires_all"]).get("requirements")))
    return not req  # an empty requirement requires nothing


def _matches_everything(match: Any) -> bool:
    match = as_map(match)
    if match.get("prefix") == "/" or match.get("path_separated_prefix") == "/":
        return not match.get("headers") and not match.get("query_parameters")
    regex = as_map(match.get("safe_regex")).get("regex")
    return regex in (".*", "/.*", "^.*$")


def routes_connect(route_config: Mapping[str, Any]) -> bool:
    """Does a route match CONNECT requests (which no path matcher matches)?"""
    return any(
        "connect_matcher" in as_map(as_map(r).get("match"))
        for vh in as_list(route_config.get("virtual_hosts"))
        for r in as_list(as_map(vh).get("routes"))
    )


def authorizes_every_request(f: Typed, connect: bool = False) -> bool:
    """Is this HTTP filter an authorization gate in front of every request?  ``connect``:
    CONNECT requests are routed too, so a JWT rule must match them (``connect_matcher``)."""
    if f.is_(RBAC_FILTER, RBAC_TYPE):
        if "matcher" in f.config:
            return True  # a matcher tree: its decisions are not judged here
        rules = as_map(f.config.get("rules"))
        # ALLOW (the default) with policies admits only what they match; a DENY-only
        # filter still lets everyone else through
        return rules.get("action", "ALLOW") == "ALLOW" and bool(rules.get("policies"))
    if f.is_(EXT_AUTHZ_FILTER, EXT_AUTHZ_TYPE):
        return True
    if f.is_(JWT_FILTER, JWT_TYPE):
        strict = [as_map(r) for r in as_list(f.config.get("rules"))
                  if "requires" in as_map(r) and not jwt_requirement_weak(as_map(r)["requires"])]
        paths = any(_matches_everything(r.get("match")) for r in strict)
        tunnels = any("connect_matcher" in as_map(r.get("match")) for r in strict)
        return paths and (tunnels or not connect)
    return False


def strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string (keys and values) inside a value."""
    if depth > 60:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(k, str):
                yield k
            yield from strings(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v, depth + 1)
