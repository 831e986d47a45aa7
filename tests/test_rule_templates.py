"""Built-in rules that are plain field checks are written declaratively (issue 7).

A rule that matches a kind, reads a field or two and compares them against constants is a
``template: declarative`` rule file.  Python templates are for real logic; every built-in
rule that uses one is listed below with the reason, so a new plain rule written in Python
(or a stale entry here) fails this test.
"""

from __future__ import annotations

from netlint.registry import load_rules

RULES = load_rules()

# plain field checks: must stay declarative
PLAIN_FIELD_CHECKS = (
    "compose-apparmor-unconfined",
    "compose-host-ipc",
    "compose-host-network",
    "compose-host-pid",
    "compose-host-userns",
    "compose-logging-disabled",
    "compose-privileged",
    "compose-seccomp-unconfined",
    "compose-writable-root-filesystem",
    "istio-mtls-not-strict",
    "k8s-run-as-user-root",
    "lokistack-network-policies-disabled",
)

_PSS = "PSS control: namespace levels, version maps and exemptions (netlint.model.pss)"
_NETWORK = "network model: policies joined with workloads and namespaces across files"
_ENVOY = "Envoy model walk: listeners, filter chains, typed configs, clusters"
_MOUNT = "parses Compose short/long volume syntax (parse_mount)"

PYTHON_TEMPLATES: dict[str, str] = {
    # Kubernetes
    "dns-egress-to-any-destination": _NETWORK,
    "egress-to-any-destination": _NETWORK,
    "ingress-from-anywhere-to-management-port": _NETWORK,
    "metadata-endpoint-reachable": _NETWORK,
    "namespace-missing-default-deny-egress": _NETWORK,
    "workload-egress-not-isolated": _NETWORK,
    "k8s-container-runs-as-root": "runAsNonRoot: the pod's value covers containers that "
                                  "set none (shared with the PSS control)",
    "k8s-ingress-without-tls": "joins rules[].host with tls[].hosts (wildcard certificates, "
                               "default certificate, TLS annotations)",
    "k8s-unknown-field": "schema walk of every field against the Kubernetes API schema",
    "istio-destination-rule-tls-disabled": "message names spec.host and the port number of "
                                           "the failing portLevelSettings entry; declarative "
                                           "messages name only the failing value",
    **{rid: _PSS for rid in (
        "pss-allow-privilege-escalation", "pss-apparmor", "pss-capabilities-baseline",
        "pss-capabilities-restricted", "pss-host-namespaces", "pss-host-path-volumes",
        "pss-host-ports", "pss-host-probes", "pss-privileged", "pss-proc-mount",
        "pss-proc-mount-restricted", "pss-restricted-volumes", "pss-run-as-non-root",
        "pss-run-as-user", "pss-seccomp-baseline", "pss-seccomp-restricted", "pss-selinux",
        "pss-sysctls", "pss-windows-host-process")},
    # Compose
    "compose-cap-add-beyond-baseline": "capability names normalised (case, CAP_ prefix) "
                                       "against an allow-list",
    "compose-dangerous-cap-add": "capability names normalised (case, CAP_ prefix); the "
                                 "message shows the normalised name",
    "compose-docker-socket-mount": _MOUNT,
    "compose-host-device": "parses device strings (HOST:CONTAINER[:PERMS]) and long syntax",
    "compose-image-not-pinned": "parses image references (registry, tag, digest)",
    "compose-literal-secret-in-environment": "secret heuristics over names and values of "
                                             "list or mapping environments",
    "compose-missing-cap-drop-all": "needs some list item to be ALL (normalised); "
                                    "declarative leaves judge every item",
    "compose-missing-no-new-privileges": "parses security_opt key:value / key=value, the "
                                         "last setting wins",
    "compose-missing-resource-limits": "alternative fields (deploy limits or mem_limit/cpus), "
                                       "one message naming what is missing",
    "compose-port-on-all-interfaces": "parses port strings (IP:HOST:CONTAINER/proto) and "
                                      "long syntax",
    "compose-secret-env-file": "file name (basename) of string or {path} env_file entries",
    "compose-sensitive-host-mount": _MOUNT + " and compares host paths",
    "compose-service-runs-as-root": "parses user strings (name/UID:GID)",
    "compose-service-unrestricted-egress": "Compose network model (networks, internal, "
                                           "network_mode)",
    "compose-shared-mount-propagation": _MOUNT,
    "compose-tmpfs-exec": "parses tmpfs option strings",
    "compose-unknown-network-key": "every key against netlint's known-key lists "
                                   "(loaders.compose_keys), with spelling hints",
    "compose-unknown-service-key": "every key against netlint's known-key lists "
                                   "(loaders.compose_keys), with spelling hints",
    "compose-unresolved-reference": "reports the loader's problems (include, extends)",
    "compose-unset-variable": "reports the loader's unresolved-variable records",
    # Kubernetes and Compose
    "tls-verification-disabled-env": "env of containers and services (list or mapping), "
                                     "per-variable value sets",
    # Envoy
    **{rid: _ENVOY for rid in (
        "envoy-admin-public", "envoy-client-cert-not-required",
        "envoy-cluster-plaintext-external", "envoy-deprecated-v2-api",
        "envoy-forward-proxy-metadata-reachable", "envoy-jwt-allows-missing-token",
        "envoy-jwt-forwards-token", "envoy-jwt-provider-unbound", "envoy-listener-plaintext",
        "envoy-open-forward-proxy", "envoy-upstream-tls-no-sni",
        "envoy-upstream-tls-no-validation", "envoy-weak-tls-params")},
    "envoy-config-rejected": "runs the Envoy validator (opt-in) and maps its messages",
    # compliance
    "namespace-enforce-rejects-workloads": "cross-file: Namespace labels joined with every "
                                           "pod's PSS result at each level",
    "k8s-pod-security-policy-removed": "maps every PSP field and annotation to a PSS level "
                                       "(upstream table) and names what blocks the next",
    "psp-privileged-granted-to-all": "cross-file: PSPs joined with ClusterRoles and "
                                     "ClusterRoleBindings",
    "envoy-jwt-invalid-jwks": "parses inline JWKS documents",
}


def test_plain_field_checks_are_declarative() -> None:
    for rid in PLAIN_FIELD_CHECKS:
        assert RULES[rid].template == "declarative", (
            f"{rid} is a plain field check: write it as `template: declarative`")


def test_every_python_template_rule_has_a_reason() -> None:
    python = {r.id for r in RULES.values() if r.template not in ("declarative", "builtin")}
    unlisted = sorted(python - set(PYTHON_TEMPLATES))
    assert not unlisted, (
        f"{unlisted} use Python templates: if they only read fields and compare them with "
        "constants, write them as `template: declarative`; otherwise add them to "
        "PYTHON_TEMPLATES with the reason")
    stale = sorted(set(PYTHON_TEMPLATES) - python)
    assert not stale, f"{stale} are listed as Python rules but are not (any more)"
    assert not set(PLAIN_FIELD_CHECKS) & set(PYTHON_TEMPLATES)
