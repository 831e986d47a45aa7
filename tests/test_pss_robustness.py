"""PSS and Compose PSS rules never fail on odd shapes (every value where a mapping, list,
string or boolean is expected may be anything YAML can hold)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlint.engine import Engine
from netlint.options import ScanOptions
from netlint.registry import load_rules

RULES = load_rules()
SELECT = ["pss-restricted", "pss-baseline", "k8s-unknown-field"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2, 70000), st.text(max_size=8),
                    st.sampled_from(["ALL", "Unconfined", "RuntimeDefault", "host", "windows",
                                     "/", "/etc", "localhost/x", "seccomp:unconfined"]))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from([
                                "type", "add", "drop", "name", "host", "hostPath", "path",
                                "capabilities", "securityContext", "seccompProfile",
                                "appArmorProfile", "seLinuxOptions", "windowsOptions",
                                "hostProcess", "httpGet", "tcpSocket", "procMount", "sysctls",
                                "runAsNonRoot", "runAsUser", "allowPrivilegeEscalation"]),
                                inner, max_size=4)),
    max_leaves=12,
)
FIELDS = ["securityContext", "volumes", "containers", "initContainers", "hostNetwork",
          "hostUsers", "os", "ephemeralContainers"]
CONTAINER_FIELDS = ["securityContext", "ports", "livenessProbe", "lifecycle", "name"]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=st.dictionaries(st.sampled_from(FIELDS), values, max_size=5),
       container=st.dictionaries(st.sampled_from(CONTAINER_FIELDS), values, max_size=4),
       annotations=st.one_of(values, st.dictionaries(st.text(max_size=60), values, max_size=3)),
       service=st.dictionaries(st.sampled_from(["privileged", "network_mode", "pid", "ipc",
                                                "cap_add", "security_opt", "volumes"]),
                               values, max_size=4))
def test_odd_shapes_never_raise(tmp_path: Path, spec: dict, container: dict,  # type: ignore[type-arg]
                                annotations: object, service: dict) -> None:  # type: ignore[type-arg]
    spec = {**spec, "containers": [container, *(spec.get("containers") or [])]
            if isinstance(spec.get("containers"), list) else [container]}
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "p", "annotations": annotations}, "spec": spec}
    (tmp_path / "pod.json").write_text(json.dumps(pod))
    (tmp_path / "compose.yaml").write_text(json.dumps({"services": {"s": service}}))
    for version in ("v1.0", "v1.24", "latest"):
        result = Engine(ScanOptions(select=SELECT, pss_version=version), RULES).scan(
            [str(tmp_path)])
        assert not [f for f in result.findings if f.rule_id == "internal-error"], [
            f.message for f in result.findings]
