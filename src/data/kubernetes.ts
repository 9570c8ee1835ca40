/**
 * Kubernetes node-side facts per minor (1.24–1.36): the pause image kubeadm expects, the image
 * repository default, the kubelet's runtime endpoint, failCgroupV1 and swapBehavior, the
 * protectKernelDefaults sysctls, kubeadm's criSocket constants and crictl's default endpoints.
 * Facts from ../shared/reference/kubelet-kubeadm.md and crictl-crio-docker-sysctl.md; the
 * "verified" sources were re-read upstream (see each `source`).
 */
import type { Version } from '../core/version.js';
import { atLeastLoose, clampKubernetes, pickSince, type KubernetesMinor, type Sourced } from './lookup.js';

// ---------------------------------------------------------------------------------------------
// Pause image (kubeadm `PauseVersion`, cmd/kubeadm/app/constants/constants.go)

export interface PauseEntry extends Sourced {
  pause: string;
}

/**
 * All GA patches of each minor were checked in the table minikube generates from
 * `kubeadm config images list` (no minor changes its pause version within its patches).
 */
const MINIKUBE_TABLE =
  'kubernetes/minikube pkg/minikube/constants/constants_kubeadm_images.go @ 383c3aa4af9c (generated from `kubeadm config images list`; every GA patch of the minor checked)';

export const KUBEADM_PAUSE_VERSION: Readonly<Record<KubernetesMinor, PauseEntry>> = {
  '1.24': { pause: '3.7', source: `${MINIKUBE_TABLE} (v1.24.0–v1.24.17); kubernetes/kubernetes cmd/kubeadm/app/constants/constants.go @ v1.24.6 via kubernetes-sigs/kubespray PR #9337` },
  '1.25': { pause: '3.8', source: `${MINIKUBE_TABLE} (v1.25.0–v1.25.16); constants.go @ v1.25.5 via kubespray PR #9668` },
  '1.26': { pause: '3.9', source: `${MINIKUBE_TABLE} (v1.26.0–v1.26.15); constants.go @ v1.26.5 via kubespray PR #10112` },
  '1.27': { pause: '3.9', source: `${MINIKUBE_TABLE} (v1.27.0–v1.27.16)` },
  '1.28': { pause: '3.9', source: `${MINIKUBE_TABLE} (v1.28.0–v1.28.15)` },
  '1.29': { pause: '3.9', source: `${MINIKUBE_TABLE} (v1.29.0–v1.29.15)` },
  '1.30': { pause: '3.9', source: `${MINIKUBE_TABLE} (v1.30.0–v1.30.14)` },
  '1.31': { pause: '3.10', source: `${MINIKUBE_TABLE} (v1.31.0–v1.31.14); kubernetes/kubernetes PR #125112; constants.go @ 3301161c36ac` },
  '1.32': { pause: '3.10', source: `${MINIKUBE_TABLE} (v1.32.0–v1.32.13); constants.go @ 00886ac01fec` },
  '1.33': { pause: '3.10', source: `${MINIKUBE_TABLE} (v1.33.0–v1.33.13)` },
  '1.34': { pause: '3.10.1', source: `${MINIKUBE_TABLE} (v1.34.0–v1.34.10); kubernetes/kubernetes PR #130713` },
  '1.35': { pause: '3.10.1', source: `${MINIKUBE_TABLE} (v1.35.0–v1.35.7); kubernetes/kubeadm issue #3281` },
  '1.36': { pause: '3.10.2', source: `${MINIKUBE_TABLE} (v1.36.0–v1.36.3); the landing kubernetes/kubernetes PR was not identified (PR #138195 closed)` },
};

/** Pause version kubeadm expects for a Kubernetes version (`3.10.1` for 1.34). */
export function expectedPause(k8s: Version): string {
  return KUBEADM_PAUSE_VERSION[clampKubernetes(k8s).line as KubernetesMinor].pause;
}

// ---------------------------------------------------------------------------------------------
// Image repository (kubeadm `imageRepository` default)

export const KUBEADM_IMAGE_REPOSITORY = 'registry.k8s.io';
export const KUBEADM_LEGACY_IMAGE_REPOSITORY = 'k8s.gcr.io';

export const IMAGE_REPOSITORY_HISTORY: readonly ({ since: string; repository: string } & Sourced)[] = [
  { since: '1.24.0', repository: KUBEADM_LEGACY_IMAGE_REPOSITORY, source: 'kubernetes/kubernetes PR #109938 (default switched in 1.25)' },
  {
    since: '1.24.9',
    repository: KUBEADM_IMAGE_REPOSITORY,
    source: 'kubernetes/kubernetes PR #113395 / #113984 (kubeadm-scoped backport to release-1.24); kubernetes/minikube PR #15546',
    uncertain: true,
    why: 'the first 1.24 patch with the backport (1.24.9) comes from minikube PR #15546, not from a kubernetes changelog',
  },
  { since: '1.25.0', repository: KUBEADM_IMAGE_REPOSITORY, source: 'kubernetes/kubernetes PR #109938; kubernetes/kubeadm issue #2671' },
];

/** Default kubeadm `imageRepository` (a minor-only 1.24 means its newest patch: registry.k8s.io). */
export function defaultImageRepository(k8s: Version): string {
  return pickSince(IMAGE_REPOSITORY_HISTORY, clampKubernetes(k8s).version)!.repository;
}

/** Full pause image kubeadm expects: `registry.k8s.io/pause:3.10.1`. */
export function expectedPauseImage(k8s: Version, imageRepository?: string): string {
  return `${imageRepository ?? defaultImageRepository(k8s)}/pause:${expectedPause(k8s)}`;
}

// ---------------------------------------------------------------------------------------------
// Runtime endpoint

export const KUBELET_RUNTIME_ENDPOINT_FIELD_SINCE = '1.27';
/** v1beta1 default of `containerRuntimeEndpoint` (kubernetes/kubernetes pkg/kubelet/apis/config/v1beta1/defaults.go). */
export const KUBELET_DEFAULT_RUNTIME_ENDPOINT = 'unix:///run/containerd/containerd.sock';

export interface RuntimeEndpointInfo extends Sourced {
  /** `containerRuntimeEndpoint` exists in KubeletConfiguration. */
  configField: boolean;
  /** What the kubelet uses when nothing is set (null: nothing, the kubelet refuses to start). */
  default: string | null;
  /** `--container-runtime-endpoint` must be given. */
  flagRequired: boolean;
  /** The flag is deprecated in favour of the config field (it still works and overrides the file). */
  flagDeprecated: boolean;
}

export function kubeletRuntimeEndpoint(k8s: Version): RuntimeEndpointInfo {
  if (atLeastLoose(clampKubernetes(k8s).version, KUBELET_RUNTIME_ENDPOINT_FIELD_SINCE)) {
    return {
      configField: true,
      default: KUBELET_DEFAULT_RUNTIME_ENDPOINT,
      flagRequired: false,
      flagDeprecated: true,
      source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.27.0 (field added; tag diff); kubernetes/kubernetes PR #112136; defaults.go',
    };
  }
  return {
    configField: false,
    default: null,
    flagRequired: true,
    flagDeprecated: false,
    source:
      'kubernetes/kubernetes cmd/kubelet/app/options/options.go ValidateKubeletFlags ("the container runtime endpoint address was not specified or empty"); dockershim default removed in 1.24 (kubernetes/website PR #34799)',
  };
}

// ---------------------------------------------------------------------------------------------
// failCgroupV1, swap

export const FAIL_CGROUP_V1_HISTORY: readonly ({ since: string; default: boolean } & Sourced)[] = [
  { since: '1.31', default: false, source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.31.0 ("Default: false")' },
  { since: '1.35', default: true, source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.35.0 ("Default: true")' },
];

/** Default of `failCgroupV1`; undefined before 1.31 (no such field). */
export function failCgroupV1Default(k8s: Version): boolean | undefined {
  return pickSince(FAIL_CGROUP_V1_HISTORY, clampKubernetes(k8s).version)?.default;
}

export const SWAP_BEHAVIOR_HISTORY: readonly ({ since: string; values: readonly string[] } & Sourced)[] = [
  { since: '1.22', values: ['', 'LimitedSwap', 'UnlimitedSwap'], source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.29.0 (memorySwap.swapBehavior doc)' },
  { since: '1.30', values: ['', 'NoSwap', 'LimitedSwap'], source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.30.0; validation.go rule "memorySwap.swapBehavior %q must be one of"' },
];

/** Accepted `memorySwap.swapBehavior` values (`""` means the default: NoSwap from 1.30). */
export function swapBehaviorValues(k8s: Version): readonly string[] {
  return pickSince(SWAP_BEHAVIOR_HISTORY, clampKubernetes(k8s).version)!.values;
}

/** Swap support is cgroup v2 only from this minor (kubernetes/website PR #42820). */
export const SWAP_CGROUP_V2_ONLY_SINCE = '1.28';

// ---------------------------------------------------------------------------------------------
// protectKernelDefaults

export interface KernelTunable extends Sourced {
  /** sysctl key in dotted form. */
  key: string;
  /** Value the kubelet requires (as written in sysctl.d). */
  value: string;
  /** Go constant in component-helpers. */
  constant: string;
}

const TUNABLES_SOURCE =
  'kubernetes/kubernetes pkg/kubelet/cm/container_manager_linux.go setupKernelTunables; kubernetes/component-helpers node/util/sysctl/sysctl.go @ 1961876b9c57';

/** Sysctls the kubelet checks (error) or sets (default) — `protectKernelDefaults: true` makes a mismatch fatal. */
export const PROTECT_KERNEL_DEFAULTS_SYSCTLS: readonly KernelTunable[] = [
  { key: 'vm.overcommit_memory', value: '1', constant: 'VMOvercommitMemoryAlways', source: TUNABLES_SOURCE },
  { key: 'vm.panic_on_oom', value: '0', constant: 'VMPanicOnOOMInvokeOOMKiller', source: TUNABLES_SOURCE },
  { key: 'kernel.panic', value: '10', constant: 'KernelPanicRebootTimeout', source: TUNABLES_SOURCE },
  { key: 'kernel.panic_on_oops', value: '1', constant: 'KernelPanicOnOopsAlways', source: TUNABLES_SOURCE },
  {
    key: 'kernel.keys.root_maxkeys',
    value: '1000000',
    constant: 'RootMaxKeysSetting',
    source: `${TUNABLES_SOURCE} (present since component-helpers f6f6db0, kubernetes-1.23.0)`,
  },
  {
    key: 'kernel.keys.root_maxbytes',
    value: '25000000',
    constant: 'RootMaxBytesSetting',
    source: `${TUNABLES_SOURCE} (RootMaxKeysSetting × 25; present since kubernetes-1.23.0)`,
  },
];

// ---------------------------------------------------------------------------------------------
// kubeadm criSocket, crictl

export type CriRuntime = 'containerd' | 'crio' | 'cri-dockerd';

/** kubeadm `criSocket` constants (cmd/kubeadm/app/constants/constants_unix.go, 1.24+). */
export const KUBEADM_CRI_SOCKETS: Readonly<Record<CriRuntime, string>> = {
  containerd: 'unix:///var/run/containerd/containerd.sock',
  crio: 'unix:///var/run/crio/crio.sock',
  'cri-dockerd': 'unix:///var/run/cri-dockerd.sock',
};
export const KUBEADM_DEFAULT_CRI_SOCKET = KUBEADM_CRI_SOCKETS.containerd;
export const KUBEADM_CRI_SOCKETS_SOURCE =
  'kubernetes/kubernetes cmd/kubeadm/app/constants/constants_unix.go (CRISocketContainerd, CRISocketCRIO, CRISocketDocker, DefaultCRISocket); detection order in cmd/kubeadm/app/util/runtime/runtime.go defaultKnownCRISockets';

/** Windows constants — not re-read upstream. */
export const KUBEADM_CRI_SOCKETS_WINDOWS: Readonly<Partial<Record<CriRuntime, string>>> & Sourced = {
  containerd: 'npipe:////./pipe/containerd-containerd',
  'cri-dockerd': 'npipe:////./pipe/cri-dockerd',
  source: 'kubernetes/kubernetes cmd/kubeadm/app/constants/constants_windows.go',
  uncertain: true,
  why: 'Windows criSocket constants were not re-read upstream (reference §4.5)',
};

export interface CrictlDefaults extends Sourced {
  /** crictl release the list applies from. */
  since: string;
  linux: readonly string[];
  windows: readonly string[];
  /** crictl warns that the default endpoints are deprecated. */
  warns: boolean;
}

/** Endpoints crictl tries in order when `runtime-endpoint` is unset (cmd/crictl/main_unix.go, main_windows.go). */
export const CRICTL_DEFAULT_ENDPOINTS: readonly CrictlDefaults[] = [
  { since: '1.0', linux: ['unix:///var/run/dockershim.sock'], windows: ['npipe:////./pipe/dockershim'], warns: false, source: 'kubernetes-sigs/cri-tools cmd/crictl/main_unix.go @ v1.18.0' },
  {
    since: '1.19',
    linux: ['unix:///var/run/dockershim.sock', 'unix:///run/containerd/containerd.sock', 'unix:///run/crio/crio.sock'],
    windows: ['npipe:////./pipe/dockershim', 'npipe:////./pipe/containerd', 'npipe:////./pipe/crio'],
    warns: true,
    source: 'kubernetes-sigs/cri-tools cmd/crictl/main_unix.go @ v1.19.0; PR #599',
  },
  {
    since: '1.23',
    linux: ['unix:///var/run/dockershim.sock', 'unix:///run/containerd/containerd.sock', 'unix:///run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock'],
    windows: ['npipe:////./pipe/dockershim', 'npipe:////./pipe/containerd-containerd', 'npipe:////./pipe/cri-dockerd'],
    warns: true,
    source: 'kubernetes-sigs/cri-tools cmd/crictl/main_unix.go @ v1.23.0–v1.29.x (Windows list from v1.24)',
  },
  {
    since: '1.30',
    linux: ['unix:///run/containerd/containerd.sock', 'unix:///run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock'],
    windows: ['npipe:////./pipe/containerd-containerd', 'npipe:////./pipe/cri-dockerd'],
    warns: true,
    source: 'kubernetes-sigs/cri-tools cmd/crictl/main_unix.go @ v1.30.0 … v1.36.0 and HEAD ba03eabc1450',
  },
];

/** Default endpoints of a crictl version (crictl versions follow Kubernetes minors). */
export function crictlDefaultEndpoints(crictl: Version, os: 'linux' | 'windows' = 'linux'): readonly string[] {
  const e = pickSince(CRICTL_DEFAULT_ENDPOINTS, crictl) ?? CRICTL_DEFAULT_ENDPOINTS[0]!;
  return os === 'linux' ? e.linux : e.windows;
}

export interface CrictlKey extends Sourced {
  key: string;
  /** crictl release that first accepts the key. */
  since: string;
  /** How crictl parses the raw scalar. */
  parse: 'string' | 'atoi' | 'parsebool';
}

/** Keys of crictl.yaml (pkg/common/file.go); an unknown key makes crictl reject (or, at the default path, silently drop) the whole file. */
export const CRICTL_CONFIG_KEYS: readonly CrictlKey[] = [
  { key: 'runtime-endpoint', since: '1.0', parse: 'string', source: 'kubernetes-sigs/cri-tools pkg/common/file.go' },
  { key: 'image-endpoint', since: '1.0', parse: 'string', source: 'kubernetes-sigs/cri-tools pkg/common/file.go' },
  { key: 'timeout', since: '1.0', parse: 'atoi', source: 'kubernetes-sigs/cri-tools pkg/common/file.go (seconds, strconv.Atoi)' },
  { key: 'debug', since: '1.0', parse: 'parsebool', source: 'kubernetes-sigs/cri-tools pkg/common/file.go' },
  { key: 'pull-image-on-create', since: '1.19', parse: 'parsebool', source: 'kubernetes-sigs/cri-tools commit 0b1e95ac (v1.19.0)' },
  { key: 'disable-pull-on-run', since: '1.19', parse: 'parsebool', source: 'kubernetes-sigs/cri-tools commit 65224ebe (v1.19.0)' },
  {
    key: 'max-retries',
    since: '1.37',
    parse: 'atoi',
    source: 'kubernetes-sigs/cri-tools commit 9afe7b2e (2026-05-28, main after v1.36.0)',
    uncertain: true,
    why: 'in no released tag at the snapshot; assumed to ship in v1.37.0',
  },
];

/** Keys a crictl version accepts. */
export function crictlConfigKeys(crictl: Version): readonly string[] {
  return CRICTL_CONFIG_KEYS.filter((k) => atLeastLoose(crictl, k.since)).map((k) => k.key);
}

// ---------------------------------------------------------------------------------------------
// cgroup driver

export type CgroupDriver = 'systemd' | 'cgroupfs';
export const CGROUP_DRIVERS: readonly CgroupDriver[] = ['systemd', 'cgroupfs'];

/** v1beta1 default of `cgroupDriver` (kubernetes/kubernetes pkg/kubelet/apis/config/v1beta1/defaults.go). */
export const KUBELET_DEFAULT_CGROUP_DRIVER: CgroupDriver = 'cgroupfs';

/**
 * kubeadm writes `cgroupDriver: systemd` when the field is empty (init since 1.21, join/upgrade
 * since 1.22), so a kubeadm node runs the systemd driver unless told otherwise: what
 * `crilint generate` picks without `--cgroup-driver`.
 */
export const KUBEADM_DEFAULT_CGROUP_DRIVER: Sourced & { driver: CgroupDriver } = {
  driver: 'systemd',
  source:
    'kubernetes/kubernetes cmd/kubeadm/app/componentconfigs/kubelet.go (Default: "the value of KubeletConfiguration.cgroupDriver is empty; setting it to \\"systemd\\""); PR #99471 (init, 1.21), PR #102133 (join/upgrade, 1.22)',
};
