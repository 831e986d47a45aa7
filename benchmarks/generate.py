"""Generate a realistic, deterministic corpus of N resources for the benchmark.

The mix resembles a real repository: Deployments, StatefulSets, DaemonSets, CronJobs and
Pods with varied security contexts (some hardened, some privileged, some sloppy), Services,
ConfigMaps, NetworkPolicies, multi-document files and ``kind: List`` files, plus Docker
Compose files and Envoy bootstraps.  The same seed always gives the same files.

    python -m benchmarks.generate OUT_DIR --resources 10000 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

IMAGES = ("nginx:1.27", "redis:7.2", "ghcr.io/acme/api:2.4.1", "postgres:16", "busybox:1.36",
          "registry.k8s.io/pause:3.9", "quay.io/prometheus/node-exporter:v1.8.1")
TEAMS = ("payments", "search", "identity", "platform", "data", "web", "mobile", "ops")


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump_all(docs: list[Any]) -> str:
    return yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                         explicit_start=len(docs) > 1)


def _security_context(rng: random.Random) -> dict[str, Any] | None:
    """Container security contexts from hardened to careless."""
    style = rng.random()
    if style < 0.35:
        return {"runAsNonRoot": True, "runAsUser": rng.choice((1000, 10001, 65532)),
                "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
    if style < 0.55:
        return None
    if style < 0.7:
        return {"privileged": True, "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}
    if style < 0.8:
        return {"runAsUser": 0, "allowPrivilegeEscalation": True}
    if style < 0.9:
        return {"runAsNonRoot": rng.choice((True, False)), "readOnlyRootFilesystem": False}
    return {"privileged": "true", "runAsUser": "0"}  # wrong types, as found in the wild


def _container(rng: random.Random, name: str) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": rng.choice(IMAGES)}
    if rng.random() < 0.7:
        c["ports"] = [{"containerPort": rng.choice((80, 443, 8080, 8443, 9090, 5432)),
                       "protocol": "TCP"}]
        if rng.random() < 0.1:
            c["ports"][0]["hostPort"] = c["ports"][0]["containerPort"]
    if rng.random() < 0.6:
        c["resources"] = {"limits": {"cpu": "500m", "memory": "256Mi"},
                          "requests": {"cpu": "100m", "memory": "128Mi"}}
    if rng.random() < 0.5:
        c["env"] = [{"name": f"VAR_{i}", "value": f"value-{rng.randrange(1000)}"}
                    for i in range(rng.randrange(1, 8))]
    sc = _security_context(rng)
    if sc is not None:
        c["securityContext"] = sc
    if rng.random() < 0.3:
        c["volumeMounts"] = [{"name": "data", "mountPath": "/data"}]
    return c


def _pod_spec(rng: random.Random) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    r = rng.random()
    if r < 0.3:
        spec["securityContext"] = {"runAsNonRoot": True, "runAsUser": 1000, "fsGroup": 2000,
                                   "seccompProfile": {"type": "RuntimeDefault"}}
    elif r < 0.4:
        spec["securityContext"] = {"runAsUser": 0}
    if rng.random() < 0.08:
        spec["hostNetwork"] = True
    if rng.random() < 0.05:
        spec["hostPID"] = True
    if rng.random() < 0.15:
        spec["initContainers"] = [_container(rng, "init")]
    spec["containers"] = [_container(rng, n) for n in ("app", "sidecar", "metrics")[
        : rng.choice((1, 1, 1, 2, 2, 3))]]
    if rng.random() < 0.3:
        spec["volumes"] = [rng.choice((
            {"name": "data", "emptyDir": {}},
            {"name": "data", "hostPath": {"path": "/var/lib/data"}},
            {"name": "data", "configMap": {"name": "app-config"}},
        ))]
    if rng.random() < 0.05:
        spec["containers"] = None if rng.random() < 0.5 else []  # broken but seen in the wild
    return spec


def _meta(rng: random.Random, name: str, ns: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": ns,
                            "labels": {"app": name, "team": rng.choice(TEAMS)}}
    if rng.random() < 0.3:
        meta["annotations"] = {"owner": f"{rng.choice(TEAMS)}@example.com"}
    return meta


def _template(rng: random.Random, name: str) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": name}}, "spec": _pod_spec(rng)}


def workload(rng: random.Random, name: str, ns: str) -> dict[str, Any]:
    kind = rng.choices(("Deployment", "StatefulSet", "DaemonSet", "CronJob", "Pod", "Job"),
                       weights=(45, 12, 8, 10, 15, 5))[0]
    meta = _meta(rng, name, ns)
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": _pod_spec(rng)}
    if kind == "CronJob":
        job = {"spec": {"template": _template(rng, name)}}
        return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
                "spec": {"schedule": "*/15 * * * *", "jobTemplate": job}}
    if kind == "Job":
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
                "spec": {"template": _template(rng, name)}}
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": name}},
                            "template": _template(rng, name)}
    if kind != "DaemonSet":
        spec["replicas"] = rng.choice((1, 2, 3, 5))
    if kind == "StatefulSet":
        spec["serviceName"] = name
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": spec}


def service(rng: random.Random, name: str, ns: str) -> dict[str, Any]:
    port = rng.choice((80, 443, 8080))
    spec: dict[str, Any] = {"selector": {"app": name},
                            "ports": [{"name": "http", "port": port, "targetPort": port}]}
    if rng.random() < 0.15:
        spec["type"] = rng.choice(("LoadBalancer", "NodePort"))
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(rng, name, ns), "spec": spec}


def configmap(rng: random.Random, name: str, ns: str) -> dict[str, Any]:
    data = {f"key{i}": f"value {rng.randrange(10**6)}" for i in range(rng.randrange(2, 12))}
    if rng.random() < 0.3:
        data["app.properties"] = "\n".join(f"setting.{i}=true" for i in range(20)) + "\n"
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta(rng, name, ns),
            "data": data}


def network_policy(rng: random.Random, name: str, ns: str) -> dict[str, Any]:
    r = rng.random()
    meta = _meta(rng, name, ns)
    if r < 0.3:
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta,
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
    rule: dict[str, Any] = {"ports": [{"protocol": "TCP", "port": rng.choice((80, 443, 5432))}]}
    if r < 0.6:
        rule["from"] = [{"podSelector": {"matchLabels": {"app": rng.choice(TEAMS)}}}]
    elif r < 0.8:
        rule["from"] = [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}]
    spec: dict[str, Any] = {"podSelector": {"matchLabels": {"app": name}},
                            "policyTypes": ["Ingress"], "ingress": [rule]}
    if rng.random() < 0.5:
        spec["policyTypes"].append("Egress")
        spec["egress"] = [{"to": [{"namespaceSelector": {}}],
                           "ports": [{"protocol": "UDP", "port": 53}]}]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta,
            "spec": spec}


def compose(rng: random.Random, name: str, n_services: int) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for i in range(n_services):
        s: dict[str, Any] = {"image": rng.choice(IMAGES)}
        if rng.random() < 0.5:
            s["user"] = rng.choice(("1000:1000", "root", "0", "nobody"))
        if rng.random() < 0.2:
            s["privileged"] = True
        if rng.random() < 0.15:
            s["network_mode"] = "host"
        if rng.random() < 0.6:
            s["ports"] = [rng.choice(("8080:80", "127.0.0.1:5432:5432", "443:443", "9090"))]
        if rng.random() < 0.3:
            s["cap_add"] = ["NET_ADMIN"]
        if rng.random() < 0.4:
            s["environment"] = {"LOG_LEVEL": "info", "PORT": "8080"}
        services[f"{name}-svc{i}"] = s
    return {"services": services, "networks": {"default": {"driver": "bridge"}}}


def envoy(rng: random.Random, name: str) -> dict[str, Any]:
    listener = {
        "name": f"{name}-listener",
        "address": {"socket_address": {"address": rng.choice(("0.0.0.0", "127.0.0.1")),
                                       "port_value": rng.choice((8080, 10000, 443))}},
        "filter_chains": [{"filters": [{
            "name": "envoy.filters.network.http_connection_manager",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network."
                         "http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": "ingress_http",
                "route_config": {"name": "local", "virtual_hosts": [{
                    "name": "backend", "domains": ["*"],
                    "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "backend"}}]}]},
                "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3."
                             "Router"}}],
            }}]}],
    }
    cluster: dict[str, Any] = {
        "name": "backend", "type": "STRICT_DNS", "connect_timeout": "1s",
        "load_assignment": {"cluster_name": "backend", "endpoints": [{"lb_endpoints": [
            {"endpoint": {"address": {"socket_address": {"address": "backend",
                                                         "port_value": 8080}}}}]}]},
    }
    if rng.random() < 0.5:
        cluster["transport_socket"] = {"name": "envoy.transport_sockets.tls", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3."
                     "UpstreamTlsContext", "sni": "backend.example.com"}}
    doc: dict[str, Any] = {"static_resources": {"listeners": [listener], "clusters": [cluster]}}
    if rng.random() < 0.4:
        doc["admin"] = {"address": {"socket_address": {
            "address": rng.choice(("0.0.0.0", "127.0.0.1")), "port_value": 9901}}}
    return doc


def generate(out: str | os.PathLike[str], resources: int, seed: int = 1) -> dict[str, int]:
    """Write a corpus of about ``resources`` resources under ``out``; returns counts.

    Compose services and Envoy bootstraps count as one resource each per service/file.
    """
    rng = random.Random(seed)
    root = Path(out)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    counts = {"files": 0, "resources": 0, "kubernetes": 0, "compose": 0, "envoy": 0}
    makers: list[tuple[Callable[[random.Random, str, str], dict[str, Any]], int]] = [
        (workload, 45), (service, 20), (configmap, 20), (network_policy, 15),
    ]
    n = 0
    while counts["resources"] < resources:
        n += 1
        app = f"{rng.choice(TEAMS)}-app{n}"
        ns = rng.choice(TEAMS)
        folder = root / ns / app
        folder.mkdir(parents=True, exist_ok=True)
        r = rng.random()
        if r < 0.04:
            k = rng.randrange(1, 5)
            text = _dump_all([compose(rng, app, k)])
            (folder / "docker-compose.yml").write_text(text)
            counts["compose"] += k
            counts["resources"] += k
        elif r < 0.07:
            (folder / "envoy.yaml").write_text(_dump_all([envoy(rng, app)]))
            counts["envoy"] += 1
            counts["resources"] += 1
        elif r < 0.35:
            # one multi-document file per application: the usual "app.yaml"
            docs = [workload(rng, app, ns), service(rng, app, ns)]
            if rng.random() < 0.6:
                docs.append(configmap(rng, f"{app}-config", ns))
            if rng.random() < 0.5:
                docs.append(network_policy(rng, app, ns))
            (folder / "app.yaml").write_text(_dump_all(docs))
            counts["kubernetes"] += len(docs)
            counts["resources"] += len(docs)
        elif r < 0.4:
            items = [rng.choices([m for m, _ in makers], [w for _, w in makers])[0](
                rng, f"{app}-{i}", ns) for i in range(rng.randrange(2, 6))]
            doc = {"apiVersion": "v1", "kind": "List", "items": items}
            (folder / "list.yaml").write_text(_dump_all([doc]))
            counts["kubernetes"] += len(items)
            counts["resources"] += len(items)
        else:
            # one resource per file, some as JSON
            maker = rng.choices([m for m, _ in makers], [w for _, w in makers])[0]
            doc = maker(rng, app, ns)
            name = f"{doc['kind'].lower()}.yaml"
            if rng.random() < 0.05:
                (folder / name.replace(".yaml", ".json")).write_text(json.dumps(doc, indent=2))
            else:
                (folder / name).write_text(_dump_all([doc]))
            counts["kubernetes"] += 1
            counts["resources"] += 1
        counts["files"] += 1
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out")
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.resources, args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()


# --- Helm charts and kustomizations (rendering is timed apart from scanning) -------------

_CHART_TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-svc%(i)d
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: svc%(i)d
  template:
    metadata:
      labels:
        app: svc%(i)d
    spec:
      containers:
        - name: app
          image: {{ .Values.image | quote }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-svc%(i)d
spec:
  selector:
    app: svc%(i)d
  ports:
    - port: 80
"""

_OVERLAY_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc%(i)d
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext:
            privileged: %(privileged)s
"""


def generate_rendered(root: Path, charts: int, templates: int, overlays: int) -> dict[str, int]:
    """``charts`` charts of ``templates`` templates each, and one kustomize base with
    ``templates`` Deployments and ``overlays`` overlays that patch each of them."""
    root.mkdir(parents=True, exist_ok=True)
    for c in range(charts):
        chart = root / "charts" / f"chart{c}"
        (chart / "templates").mkdir(parents=True, exist_ok=True)
        (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: chart{c}\nversion: 0.1.{c}\n")
        (chart / "values.yaml").write_text(
            "replicas: 2\nimage: registry.example.com/app:1.0.0\nsecurityContext:\n"
            f"  privileged: {'true' if c % 2 else 'false'}\n  runAsNonRoot: true\n")
        for i in range(templates):
            (chart / "templates" / f"svc{i}.yaml").write_text(_CHART_TEMPLATE % {"i": i})
    base = root / "kustomize" / "base"
    base.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(templates):
        name = f"svc{i}.yaml"
        names.append(name)
        (base / name).write_text(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\nspec:\n"
            f"  selector:\n    matchLabels:\n      app: svc{i}\n  template:\n    metadata:\n"
            f"      labels:\n        app: svc{i}\n    spec:\n      containers:\n"
            f"        - name: app\n          image: registry.example.com/app:1.0.{i}\n")
    (base / "kustomization.yaml").write_text(
        "resources:\n" + "".join(f"  - {n}\n" for n in names))
    for o in range(overlays):
        overlay = root / "kustomize" / "overlays" / f"env{o}"
        overlay.mkdir(parents=True, exist_ok=True)
        patches = []
        for i in range(templates):
            (overlay / f"patch{i}.yaml").write_text(
                _OVERLAY_PATCH % {"i": i, "privileged": "true" if o % 2 else "false"})
            patches.append(f"  - path: patch{i}.yaml\n")
        (overlay / "kustomization.yaml").write_text(
            f"namePrefix: env{o}-\nresources:\n  - ../../base\npatches:\n" + "".join(patches))
    return {"charts": charts, "overlays": overlays, "templates": templates,
            "resources": charts * templates * 2 + overlays * templates}
