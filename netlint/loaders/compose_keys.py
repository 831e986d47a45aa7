"""The keys the Compose Specification defines, for the unknown-key rules.

Written for netlint from the Compose Specification (the services and networks reference
and the properties its JSON schema defines for a service and a network); extension fields
(``x-*``) are allowed everywhere.  ``pre_start`` is newer than the schema netlint was
checked against but Docker Compose's own end-to-end tests use it.  Keep in sync with the
specification when it grows.
"""

from __future__ import annotations

SERVICE_KEYS = frozenset({
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup",
    "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
    "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus",
    "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules",
    "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint",
    "env_file", "environment", "expose", "extends", "external_links", "extra_hosts", "gpus",
    "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "label_file",
    "labels", "links", "logging", "mac_address", "mem_limit", "mem_reservation",
    "mem_swappiness", "memswap_limit", "models", "network_mode", "networks",
    "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports",
    "post_start", "pre_start", "pre_stop", "privileged", "profiles", "provider", "pull_policy",
    "pull_refresh_after", "read_only", "restart", "runtime", "scale", "secrets",
    "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal",
    "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket", "user",
    "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
})

NETWORK_KEYS = frozenset({
    "attachable", "driver", "driver_opts", "enable_ipv4", "enable_ipv6", "external",
    "internal", "ipam", "labels", "name",
})

# keys of a service's attachment to a network (services.<name>.networks.<network>)
SERVICE_NETWORK_KEYS = frozenset({
    "aliases", "driver_opts", "gw_priority", "interface_name", "ipv4_address", "ipv6_address",
    "link_local_ips", "mac_address", "priority",
})

# keys of the Compose file format 2.x/3.x that the specification dropped; Docker Compose
# v2 rejects them, so they are reported with a hint rather than a spelling suggestion
LEGACY_SERVICE_KEYS = {
    "volume_driver": "removed; set the driver on a top-level volume",
    "log_driver": "Compose file v1; use logging.driver",
    "log_opt": "Compose file v1; use logging.options",
    "net": "Compose file v1; use network_mode",
    "dockerfile": "Compose file v1; use build.dockerfile",
}
