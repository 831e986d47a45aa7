"""Legacy PodSecurityPolicy objects mapped to the Pod Security Standards level they are
equivalent to, following the upstream table "Mapping PodSecurityPolicies to Pod Security
Standards" (kubernetes.io/docs/reference/access-authn-authz/psp-to-pod-security-standards):
a PSP is *restricted* when every field is within the Restricted column, *baseline* when
within the Baseline column, else *privileged*.  Fields the table has no opinion on
(runAsGroup, fsGroup, readOnlyRootFilesystem, allowedHostPaths, ...) are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PSP_GROUPS = ("policy", "extensions")

BASELINE_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
})
RESTRICTED_VOLUMES = frozenset({
    "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret",
})
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SECCOMP_ANNOTATION = "seccomp.security.alpha.kubernetes.io/allowedProfileNames"
APPARMOR_ANNOTATION = "apparmor.security.beta.kubernetes.io/allowedProfileNames"
# the fields whose privileged values hand over the node (the error of psp-privileged-*)
HOST_FIELDS = ("privileged", "hostNetwork", "hostPID", "hostIPC", "hostPorts", "volumes",
               "allowedCapabilities", "defaultAddCapabilities")


@dataclass(frozen=True)
class Gap:
    """One field that keeps a PSP from a level: where it is and why."""

    path: tuple[str, ...]  # from the PSP object (("spec", "privileged"))
    reason: str


@dataclass(frozen=True)
class PspLevel:
    level: str  # "restricted" | "baseline" | "privileged"
    not_baseline: tuple[Gap, ...]  # what makes it privileged
    not_restricted: tuple[Gap, ...]  # what keeps it from restricted

    @property
    def hands_over_host(self) -> bool:
        return any(g.path[-1] in HOST_FIELDS for g in self.not_baseline)


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _capabilities(spec: Mapping[str, Any], key: str, base: list[Gap], restr: list[Gap]) -> None:
    caps = _names(spec.get(key))
    beyond = [c for c in caps if c.upper().removeprefix("CAP_") not in BASELINE_CAPABILITIES]
    if beyond:
        base.append(Gap(("spec", key), f"{key} allows {', '.join(beyond)} (beyond the "
                                       "baseline set)"))
    elif [c for c in caps if c.upper().removeprefix("CAP_") != "NET_BIND_SERVICE"]:
        restr.append(Gap(("spec", key), f"{key} allows more than NET_BIND_SERVICE"))


def _profiles(annotations: Mapping[str, Any], key: str, label: str, base: list[Gap],
              restr: list[Gap]) -> None:
    """allowedProfileNames: baseline "runtime/default," (trailing comma: unset allowed),
    restricted "runtime/default"; localhost/* allowed for both.  An absent annotation
    lets pods set no profile at all (unset only): baseline, not restricted."""
    path = ("metadata", "annotations", key)
    value = annotations.get(key)
    if value is None:
        restr.append(Gap(("metadata", "annotations"), f"no {key} annotation: pods may leave "
                                                      f"{label} unset"))
        return
    names = [n.strip() for n in str(value).split(",")]
    allowed = {"runtime/default", "docker/default"} if label == "seccomp" else {
        "runtime/default"}
    bad = [n for n in names if n and n not in allowed and not n.startswith("localhost/")]
    if bad:
        base.append(Gap(path, f"{key} allows {', '.join(bad)}"))
    elif "" in names:
        restr.append(Gap(path, f"{key} allows an unset {label} profile (trailing comma)"))


def psp_level(obj: Mapping[str, Any]) -> PspLevel:
    spec = obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}
    assert isinstance(spec, Mapping)
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    assert isinstance(meta, Mapping)
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"),
                                                        Mapping) else {}
    assert isinstance(annotations, Mapping)
    base: list[Gap] = []
    restr: list[Gap] = []
    if spec.get("privileged") is True:
        base.append(Gap(("spec", "privileged"), "privileged: true"))
    for key in ("defaultAddCapabilities", "allowedCapabilities"):
        _capabilities(spec, key, base, restr)
    drops = [c.upper() for c in _names(spec.get("requiredDropCapabilities"))]
    if "ALL" not in drops:
        restr.append(Gap(("spec", "requiredDropCapabilities"),
                         "requiredDropCapabilities does not include ALL"))
    volumes = _names(spec.get("volumes"))
    host = [v for v in volumes if v in ("hostPath", "*")]
    if host:
        base.append(Gap(("spec", "volumes"), f"volumes allows {', '.join(host)}"))
    elif [v for v in volumes if v not in RESTRICTED_VOLUMES]:
        extra = [v for v in volumes if v not in RESTRICTED_VOLUMES]
        restr.append(Gap(("spec", "volumes"), f"volumes allows {', '.join(extra)}"))
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(key) is True:
            base.append(Gap(("spec", key), f"{key}: true"))
    if spec.get("hostPorts"):
        base.append(Gap(("spec", "hostPorts"), "hostPorts allows host ports"))
    selinux = spec.get("seLinux") if isinstance(spec.get("seLinux"), Mapping) else {}
    assert isinstance(selinux, Mapping)
    options = selinux.get("seLinuxOptions") if isinstance(selinux.get("seLinuxOptions"),
                                                          Mapping) else {}
    assert isinstance(options, Mapping)
    if selinux.get("rule") != "MustRunAs":
        base.append(Gap(("spec", "seLinux"), f"seLinux.rule is {selinux.get('rule')!s} "
                                             "(pods may choose any SELinux type)"))
    elif options.get("user") or options.get("role") or (
            str(options.get("type") or "") not in SELINUX_TYPES):
        base.append(Gap(("spec", "seLinux", "seLinuxOptions"),
                        "seLinuxOptions sets a user, role or custom type"))
    run_as = spec.get("runAsUser") if isinstance(spec.get("runAsUser"), Mapping) else {}
    assert isinstance(run_as, Mapping)
    if run_as.get("rule") != "MustRunAsNonRoot":
        restr.append(Gap(("spec", "runAsUser"),
                         f"runAsUser.rule is {run_as.get('rule')!s}, not MustRunAsNonRoot"))
    if spec.get("allowPrivilegeEscalation") is not False:
        restr.append(Gap(("spec", "allowPrivilegeEscalation"),
                         "allowPrivilegeEscalation is not false"))
    if spec.get("allowedUnsafeSysctls"):
        base.append(Gap(("spec", "allowedUnsafeSysctls"), "allowedUnsafeSysctls is set"))
    proc = _names(spec.get("allowedProcMountTypes"))
    if proc and proc != ["Default"]:
        base.append(Gap(("spec", "allowedProcMountTypes"),
                        f"allowedProcMountTypes allows {', '.join(proc)}"))
    _profiles(annotations, SECCOMP_ANNOTATION, "seccomp", base, restr)
    _profiles(annotations, APPARMOR_ANNOTATION, "AppArmor", base, restr)
    level = "privileged" if base else "baseline" if restr else "restricted"
    return PspLevel(level, tuple(base), tuple(restr))


def label_suggestion(level: str) -> str:
    return (f"pod-security.kubernetes.io/enforce: {level}" if level != "restricted" else
            "pod-security.kubernetes.io/enforce: restricted")
