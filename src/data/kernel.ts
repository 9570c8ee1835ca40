/**
 * Kernel facts for the sysctl and kernel-module rules (sysctl-required, kernel-module-required,
 * protect-kernel-defaults-sysctl, sysctl-inline-comment): which sysctls a Kubernetes node needs and
 * what kubeadm says when they are wrong, the kernel's own defaults, which sysctls the kernel links
 * (writing one changes the other), which keys exist only once a module is loaded, and the kubelet's
 * protectKernelDefaults error text. Facts from ../shared/reference/crictl-crio-docker-sysctl.md §4
 * and kubelet-kubeadm.md §4.6/§5.2; "verified" means re-checked on Linux 6.18 with systemd 252 and
 * procps-ng 4.0.2 inside a network namespace (per-namespace keys only).
 */
import type { Sourced } from './lookup.js';

// ---------------------------------------------------------------------------------------------
// How the kernel reads a value written to /proc/sys

/**
 * Integer sysctls (proc_dointvec and friends) parse the text with proc_get_long(): leading blanks
 * skipped, an optional `-`, then digits in base 0 (`0x1f` hex, `017` octal), and the number must
 * end the text or be followed by a blank; the rest of the text is then ignored (the write is
 * accepted short). So `1 # on` sets 1, while `1#on`, `+1`, `true` and `1.0` fail with EINVAL.
 * Verified by writing each of these to /proc/sys/net/ipv4/ip_forward.
 */
export const KERNEL_INT_PARSE: Sourced = {
  source:
    'torvalds/linux kernel/sysctl.c proc_get_long()/__do_proc_dointvec(); verified on Linux 6.18: "1 # on", "0x1", "01", " 1", "1 2" set 1; "1#on", "+1", "true", "1.0" fail with EINVAL',
};

// ---------------------------------------------------------------------------------------------
// Forwarding: what the node needs, and what kubeadm says

export interface ForwardingRequirement extends Sourced {
  family: 'ipv4' | 'ipv6';
  /** The key kubeadm's preflight reads (dotted form). */
  key: string;
  /** The value it must read back. */
  value: number;
  /** The key a fix writes (IPv6: `all` also sets `default` and every interface). */
  fixKey: string;
  /** kubeadm's preflight output when the value is wrong. */
  preflight: string;
}

export const FORWARDING: Readonly<Record<'ipv4' | 'ipv6', ForwardingRequirement>> = {
  ipv4: {
    family: 'ipv4',
    key: 'net.ipv4.ip_forward',
    value: 1,
    fixKey: 'net.ipv4.ip_forward',
    preflight: '[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1',
    source:
      'kubernetes/kubernetes cmd/kubeadm/app/preflight/checks_linux.go @ 039c72e87d0f (FileContentCheck{Path: ipv4Forward, Content: "1"}); kubernetes/website container-runtimes.md @ 0052473509aa (net.ipv4.ip_forward = 1 in /etc/sysctl.d/k8s.conf)',
  },
  ipv6: {
    family: 'ipv6',
    key: 'net.ipv6.conf.default.forwarding',
    value: 1,
    fixKey: 'net.ipv6.conf.all.forwarding',
    preflight: '[ERROR FileContent--proc-sys-net-ipv6-conf-default-forwarding]: /proc/sys/net/ipv6/conf/default/forwarding contents are not set to 1',
    source:
      'kubernetes/kubernetes cmd/kubeadm/app/preflight/checks_linux.go @ 039c72e87d0f (addIPv6Checks: ipv6DefaultForwarding, only when an IPv6 address is in play); kubespray roles/kubernetes/preinstall (net.ipv6.conf.all.forwarding=1 for IPv6)',
  },
};

/**
 * Enabling IPv6 forwarding changes router-advertisement handling: with forwarding on, an interface
 * with `accept_ra = 1` ignores RAs (only `accept_ra = 2` still accepts them), so a node that gets
 * its IPv6 default route by SLAAC loses it. That is why the IPv6 fix is unsafe.
 */
export const IPV6_FORWARDING_ACCEPT_RA: Sourced = {
  source: 'torvalds/linux Documentation/networking/ip-sysctl.rst (accept_ra: "Functional default: enabled if local forwarding is disabled, disabled if local forwarding is enabled"; 2 = overrule forwarding behaviour)',
};

// ---------------------------------------------------------------------------------------------
// Linked sysctls: writing one also sets another

export interface SysctlLink extends Sourced {
  /** The key whose value is asked about. */
  key: string;
  /** Keys whose write also sets `key`; the last one written (in write order) decides. */
  setBy: readonly string[];
}

export const SYSCTL_LINKS: readonly SysctlLink[] = [
  {
    key: 'net.ipv4.ip_forward',
    setBy: ['net.ipv4.conf.all.forwarding'],
    source:
      'torvalds/linux net/ipv4/devinet.c (ip_forward is the proc entry of ipv4_devconf all FORWARDING; devinet_sysctl_forward → inet_forward_change); verified on Linux 6.18: writing either key changes the other',
  },
  {
    key: 'net.ipv4.conf.all.forwarding',
    setBy: ['net.ipv4.ip_forward'],
    source: 'torvalds/linux net/ipv4/devinet.c (same setting as net.ipv4.ip_forward); verified on Linux 6.18',
  },
  {
    key: 'net.ipv6.conf.default.forwarding',
    setBy: ['net.ipv6.conf.all.forwarding'],
    source:
      'torvalds/linux net/ipv6/addrconf.c addrconf_fixup_forwarding() (writing all.forwarding sets default and every interface); verified on Linux 6.18: all.forwarding = 1 and = 0 are copied to default.forwarding',
  },
];

/** Keys whose write sets `key` (the key itself first). */
export function keysSetting(key: string): readonly string[] {
  const link = SYSCTL_LINKS.find((l) => l.key === key);
  return link ? [key, ...link.setBy] : [key];
}

// ---------------------------------------------------------------------------------------------
// Kernel defaults (the value a key keeps when nothing writes it)

export interface KernelDefault extends Sourced {
  key: string;
  value: number;
}

export const KERNEL_DEFAULTS: readonly KernelDefault[] = [
  { key: 'net.ipv4.ip_forward', value: 0, source: 'torvalds/linux net/ipv4/devinet.c ipv4_devconf (FORWARDING 0); read 0 on Linux 6.18' },
  { key: 'net.ipv4.conf.all.forwarding', value: 0, source: 'torvalds/linux net/ipv4/devinet.c ipv4_devconf' },
  { key: 'net.ipv6.conf.default.forwarding', value: 0, source: 'torvalds/linux net/ipv6/addrconf.c ipv6_devconf_dflt; read 0 on Linux 6.18' },
  { key: 'net.ipv6.conf.all.forwarding', value: 0, source: 'torvalds/linux net/ipv6/addrconf.c ipv6_devconf' },
  { key: 'vm.overcommit_memory', value: 0, source: 'torvalds/linux mm/util.c sysctl_overcommit_memory = OVERCOMMIT_GUESS; read 0 on Linux 6.18' },
  { key: 'vm.panic_on_oom', value: 0, source: 'torvalds/linux mm/oom_kill.c sysctl_panic_on_oom; read 0 on Linux 6.18' },
  {
    key: 'kernel.panic',
    value: 0,
    source: 'torvalds/linux kernel/panic.c panic_timeout = CONFIG_PANIC_TIMEOUT (default 0)',
    uncertain: true,
    why: 'a distribution kernel may be built with another CONFIG_PANIC_TIMEOUT, and the `panic=` boot parameter overrides it',
  },
  {
    key: 'kernel.panic_on_oops',
    value: 0,
    source: 'torvalds/linux kernel/panic.c panic_on_oops = IS_ENABLED(CONFIG_PANIC_ON_OOPS); read 0 on Linux 6.18',
    uncertain: true,
    why: 'some distribution kernels are built with CONFIG_PANIC_ON_OOPS=y (default 1); `oops=panic` on the command line also sets it',
  },
  {
    key: 'kernel.keys.root_maxkeys',
    value: 1000000,
    source:
      'torvalds/linux security/keys/key.c key_quota_root_maxkeys = 1000000 (read 1000000 on Linux 6.18); older kernels had 200 (moby/moby PR #23182, 2016: "most modern distros have the limit ... at 1000000")',
  },
  {
    key: 'kernel.keys.root_maxbytes',
    value: 25000000,
    source: 'torvalds/linux security/keys/key.c key_quota_root_maxbytes = 25000000 (read 25000000 on Linux 6.18); older kernels had 20000',
  },
];

export function kernelDefault(key: string): KernelDefault | undefined {
  return KERNEL_DEFAULTS.find((d) => d.key === key);
}

// ---------------------------------------------------------------------------------------------
// Sysctls that exist only once a module is loaded; modules the runtime needs

export interface ModuleSysctls extends Sourced {
  /** Dotted key prefix (`net.bridge.`). */
  prefix: string;
  /** Module that creates the keys (kmod name). */
  module: string;
  /** What goes wrong on a node while the module is not loaded. */
  effect: string;
}

export const MODULE_SYSCTLS: readonly ModuleSysctls[] = [
  {
    prefix: 'net.bridge.',
    module: 'br_netfilter',
    effect: 'bridged pod traffic bypasses iptables, so kube-proxy\'s Service rules (iptables mode) miss traffic between pods on the same bridge',
    source:
      'systemd man/sysctl.d.xml @ 017fbb71 (net.bridge.bridge-nf-call-* exist only after br_netfilter is loaded; load it from /etc/modules-load.d/); systemd src/sysctl/sysctl.c: a missing key is logged at info, "Couldn\'t write \'%s\' to \'%s\', ignoring: %m" (verified with systemd 252, exit 0); procps: "sysctl: cannot stat /proc/sys/...: No such file or directory" (verified with procps-ng 4.0.2, exit 1)',
  },
];

/** systemd-sysctl.service is ordered after systemd-modules-load.service, so modules-load.d loads modules in time for sysctl.d. */
export const SYSCTL_AFTER_MODULES_LOAD: Sourced = {
  source: 'systemd units/systemd-sysctl.service.in (After=systemd-modules-load.service), quoted in konstruktoid/ansible-role-hardening#192; reference crictl-crio-docker-sysctl.md §4.1',
};

export interface RuntimeModule extends Sourced {
  module: string;
  /** containerd snapshotter that mounts it. */
  snapshotter: string;
}

/**
 * containerd's overlayfs snapshotter mounts `overlay` filesystems. The module registers the
 * filesystem alias `fs-overlay`, so the kernel loads it on the first mount by itself; listing it in
 * modules-load.d is what kubeadm-era guides and image builders do, as a safeguard.
 */
export const OVERLAY_MODULE: RuntimeModule = {
  module: 'overlay',
  snapshotter: 'overlayfs',
  source:
    'torvalds/linux fs/overlayfs/super.c MODULE_ALIAS_FS("overlay") (request_module("fs-overlay") on mount); kubernetes-sigs/image-builder roles/node (overlay + br_netfilter in /etc/modules-load.d/kubernetes.conf); reference crictl-crio-docker-sysctl.md §4.3/§4.4',
};

/** What mounts overlay file systems per runtime (why the overlay module is listed in modules-load.d). */
export const OVERLAY_USERS: Readonly<Record<'containerd' | 'crio' | 'cri-dockerd', { what: string } & Sourced>> = {
  containerd: { what: `containerd's ${OVERLAY_MODULE.snapshotter} snapshotter`, source: OVERLAY_MODULE.source },
  crio: {
    what: "CRI-O's overlay storage driver (containers/storage)",
    source: 'reference crictl-crio-docker-sysctl.md §4.3 (CRI-O overlay storage); cri-o/cri-o pkg/config/config.go: an empty storage_driver is taken from containers-storage.conf',
    uncertain: true,
    why: 'the driver comes from containers-storage.conf (overlay on the common distributions), not from a CRI-O default',
  },
  'cri-dockerd': {
    what: "dockerd's overlay2 storage driver (its default)",
    source: 'docker/docs content/storage/storagedriver/select-storage-driver.md ("overlay2 is the preferred storage driver for all currently supported Linux distributions")',
    uncertain: true,
    why: "from Docker's documentation; the engine's driver priority list was not read at a moby commit",
  },
};

// ---------------------------------------------------------------------------------------------
// kubelet protectKernelDefaults

/**
 * With `protectKernelDefaults: true` the kubelet checks each tunable of
 * PROTECT_KERNEL_DEFAULTS_SYSCTLS (data/kubernetes.ts) at start-up and fails with one aggregated
 * error of these (the flag is the slash form, e.g. `vm/overcommit_memory`); without it, it writes
 * the values itself ("Updating kernel flag").
 */
export const PROTECT_KERNEL_DEFAULTS_ERROR: Sourced & { format: (slashKey: string, expected: string, actual: string) => string } = {
  format: (k, e, a) => `invalid kernel flag: ${k}, expected value: ${e}, actual value: ${a}`,
  source: 'kubernetes/kubernetes pkg/kubelet/cm/container_manager_linux.go setupKernelTunables (KernelTunableError; older revisions capitalise "Invalid kernel flag")',
};

/**
 * `kernel.modules_disabled = 1` (a one-way switch some hardening baselines set) stops every module
 * load, autoloading included, until the next boot: a module the runtime needs must then already be
 * loaded by modules-load.d, which runs before systemd-sysctl.
 */
export const MODULES_DISABLED: Sourced & { key: string } = {
  key: 'kernel.modules_disabled',
  source: 'torvalds/linux Documentation/admin-guide/sysctl/kernel.rst (modules_disabled: "A toggle value indicating if modules are allowed to be loaded ... Once true, modules can be neither loaded nor unloaded")',
};

// ---------------------------------------------------------------------------------------------
// What a generated node sets (crilint generate)

export interface NodeSysctl extends Sourced {
  key: string;
  value: string;
  /** Why the node needs it (the comment above it in the generated file). */
  why: string;
  /** Module that creates the key, when it is not always there. */
  module?: string;
}

/**
 * The sysctls `crilint generate` writes: IPv4 forwarding (kubeadm's preflight, FORWARDING.ipv4)
 * and the bridge netfilter switches that kube-proxy's iptables mode relies on for traffic between
 * pods on one bridge (they exist once br_netfilter is loaded, MODULE_SYSCTLS).
 */
export const NODE_SYSCTLS: readonly NodeSysctl[] = [
  { key: FORWARDING.ipv4.key, value: String(FORWARDING.ipv4.value), why: "kubeadm's preflight requires it: the node routes pod traffic.", source: FORWARDING.ipv4.source },
  {
    key: 'net.bridge.bridge-nf-call-iptables',
    value: '1',
    why: "Bridged pod traffic passes through iptables, where kube-proxy's Service rules are.",
    module: 'br_netfilter',
    source:
      'kubernetes/website container-runtimes.md before commit 0052473509aa ("Forwarding IPv4 and letting iptables see bridged traffic"); EKS AL2023 /etc/sysctl.d/99-kubernetes-cri.conf; kubespray roles/kubernetes/preinstall 0080-system-configurations.yml (reference crictl-crio-docker-sysctl.md §4.4)',
  },
  {
    key: 'net.bridge.bridge-nf-call-ip6tables',
    value: '1',
    why: 'The same for IPv6 (ip6tables).',
    module: 'br_netfilter',
    source: 'same sources as net.bridge.bridge-nf-call-iptables',
  },
];
