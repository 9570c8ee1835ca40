/**
 * containerd defaults worth encoding (reference containerd.md §2.3 "Other CRI defaults" and the
 * per-key notes), each with its value history over 1.6–2.3 and its key path per config version.
 * Values re-read in pkg/cri/config/config_unix.go (1.x) and internal/cri/config/config{,_unix}.go
 * (2.x) at v1.6.39, v1.7.34, v2.0.11, v2.1.0, v2.2.0 and v2.3.4 in a containerd snapshot.
 */
import type { Version } from '../core/version.js';
import { clampContainerd, own, pickSince, type Sourced } from './lookup.js';
import type { ConfigVersion } from './containerd.js';
import { DEFAULT_SANDBOX_IMAGE, SYSTEMD_CGROUP_DEFAULT } from './containerd.js';

export type DefaultValue = string | number | boolean | readonly string[];

export interface DefaultStep extends Sourced {
  since: string;
  /** null: the key does not exist in these releases. */
  value: DefaultValue | null;
}

export interface ContainerdDefault {
  /** Key path per config version (v3 and v4 share CRI paths). */
  paths: Partial<Record<ConfigVersion, readonly string[]>>;
  history: readonly DefaultStep[];
  note?: string;
}

const CRI1 = ['plugins', 'cri'];
const CRI2 = ['plugins', 'io.containerd.grpc.v1.cri'];
const RT = ['plugins', 'io.containerd.cri.v1.runtime'];
const IM = ['plugins', 'io.containerd.cri.v1.images'];

function rt(...rel: string[]): Partial<Record<ConfigVersion, readonly string[]>> {
  return { 1: [...CRI1, ...rel], 2: [...CRI2, ...rel], 3: [...RT, ...rel], 4: [...RT, ...rel] };
}
function im(rel2: readonly string[], rel3: readonly string[] = rel2): Partial<Record<ConfigVersion, readonly string[]>> {
  return { 1: [...CRI1, ...rel2], 2: [...CRI2, ...rel2], 3: [...IM, ...rel3], 4: [...IM, ...rel3] };
}
function srv(...rel: string[]): Partial<Record<ConfigVersion, readonly string[]>> {
  return { 1: [...CRI1, ...rel], 2: [...CRI2, ...rel], 3: [...CRI2, ...rel], 4: [...CRI2, ...rel] };
}
function always(value: DefaultValue, source: string): DefaultStep[] {
  return [{ since: '1.6.0', value, source }];
}

const CFG1 = 'containerd/containerd pkg/cri/config/config_unix.go DefaultConfig @ v1.6.39, v1.7.34';
const CFG2 = 'containerd/containerd internal/cri/config/config_unix.go, config.go @ v2.0.11, v2.1.0, v2.3.4';
const BOTH = `${CFG1}; ${CFG2}`;

export const CONTAINERD_DEFAULTS: Readonly<Record<string, ContainerdDefault>> = {
  grpcAddress: {
    paths: { 1: ['grpc', 'address'], 2: ['grpc', 'address'], 3: ['grpc', 'address'], 4: ['plugins', 'io.containerd.server.v1.grpc', 'address'] },
    history: always('/run/containerd/containerd.sock', 'containerd/containerd defaults/defaults_linux.go; plugins/server/grpc/plugin.go @ v2.3.4'),
    note: 'Linux; Windows \\\\.\\pipe\\containerd-containerd. Empty is fatal before 2.3 ("grpc address cannot be empty")',
  },
  grpcMaxMessageSize: {
    paths: { 1: ['grpc', 'max_recv_message_size'], 2: ['grpc', 'max_recv_message_size'], 3: ['grpc', 'max_recv_message_size'], 4: ['plugins', 'io.containerd.server.v1.grpc', 'max_recv_message_size'] },
    history: always(16777216, 'containerd/containerd defaults/defaults.go DefaultMaxRecvMsgSize/DefaultMaxSendMsgSize'),
  },
  ttrpcAddress: {
    paths: { 1: ['ttrpc', 'address'], 2: ['ttrpc', 'address'], 3: ['ttrpc', 'address'], 4: ['plugins', 'io.containerd.server.v1.ttrpc', 'address'] },
    history: always('/run/containerd/containerd.sock.ttrpc', 'containerd/containerd cmd/containerd/command/main.go (empty ⇒ grpc address + ".ttrpc"); serviceMigrate @ v2.3.4'),
  },
  root: { paths: { 1: ['root'], 2: ['root'], 3: ['root'], 4: ['root'] }, history: always('/var/lib/containerd', 'containerd/containerd defaults/defaults_linux.go DefaultRootDir') },
  state: { paths: { 1: ['state'], 2: ['state'], 3: ['state'], 4: ['state'] }, history: always('/run/containerd', 'containerd/containerd defaults/defaults_linux.go DefaultStateDir') },
  configFile: { paths: {}, history: always('/etc/containerd/config.toml', 'containerd/containerd defaults/defaults_linux.go DefaultConfigDir + cmd/containerd --config') },
  imports: {
    paths: { 1: ['imports'], 2: ['imports'], 3: ['imports'], 4: ['imports'] },
    history: [
      { since: '1.6.0', value: [], source: 'containerd/containerd cmd/containerd/command/config.go @ v1.7.34' },
      { since: '2.2.0', value: ['/etc/containerd/conf.d/*.toml'], source: 'containerd/containerd commit 9ca659a53 (first tag v2.2.0), defaults.DefaultConfigIncludePattern' },
    ],
    note: 'the pattern is only in `config default` output; an existing config.toml without the imports line does not load conf.d (inference)',
  },
  sandboxImage: {
    paths: { 1: [...CRI1, 'sandbox_image'], 2: [...CRI2, 'sandbox_image'], 3: [...IM, 'pinned_images', 'sandbox'], 4: [...IM, 'pinned_images', 'sandbox'] },
    history: DEFAULT_SANDBOX_IMAGE.map((e) => ({ since: e.since, value: e.image, source: e.source })),
  },
  systemdCgroup: {
    paths: rt('containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'),
    history: always(SYSTEMD_CGROUP_DEFAULT, 'runc shim option default (api/types/runc/options/oci.proto); containerd docs/cri/config.md "Cgroup Driver"'),
  },
  defaultRuntimeName: { paths: rt('containerd', 'default_runtime_name'), history: always('runc', BOTH) },
  runtimeType: { paths: rt('containerd', 'runtimes', 'runc', 'runtime_type'), history: always('io.containerd.runc.v2', BOTH) },
  sandboxer: {
    paths: { 2: [...CRI2, 'containerd', 'runtimes', 'runc', 'sandbox_mode'], 3: [...RT, 'containerd', 'runtimes', 'runc', 'sandboxer'], 4: [...RT, 'containerd', 'runtimes', 'runc', 'sandboxer'] },
    history: [
      { since: '1.6.0', value: null, source: CFG1 },
      { since: '1.7.0', value: 'podsandbox', source: `${CFG1} (sandbox_mode)` },
      { since: '2.0.0', value: 'podsandbox', source: `${CFG2} (sandboxer)` },
    ],
  },
  snapshotter: { paths: im(['containerd', 'snapshotter'], ['snapshotter']), history: always('overlayfs', `${BOTH} (defaults.DefaultSnapshotter, Linux)`) },
  enableUnprivilegedPorts: {
    paths: rt('enable_unprivileged_ports'),
    history: [
      { since: '1.6.0', value: false, source: CFG1 },
      { since: '2.0.0', value: true, source: `${CFG2}; docs/containerd-2.0.md "Unprivileged ports and ICMP by default"` },
    ],
  },
  enableUnprivilegedIcmp: {
    paths: rt('enable_unprivileged_icmp'),
    history: [
      { since: '1.6.0', value: false, source: CFG1 },
      { since: '2.0.0', value: true, source: `${CFG2}; docs/containerd-2.0.md` },
    ],
  },
  cniBinDir: {
    paths: rt('cni', 'bin_dir'),
    history: [
      { since: '1.6.0', value: '/opt/cni/bin', source: BOTH },
      { since: '2.1.0', value: '', source: 'containerd/containerd internal/cri/config/config_unix.go @ v2.1.0 (NetworkPluginBinDirs replaces it; bin_dir deprecated)' },
    ],
  },
  cniBinDirs: {
    paths: { 3: [...RT, 'cni', 'bin_dirs'], 4: [...RT, 'cni', 'bin_dirs'] },
    history: [
      { since: '1.6.0', value: null, source: BOTH },
      { since: '2.1.0', value: ['/opt/cni/bin'], source: 'containerd/containerd internal/cri/config/config_unix.go @ v2.1.0 defaultNetworkPluginBinDirs()' },
    ],
  },
  cniConfDir: { paths: rt('cni', 'conf_dir'), history: always('/etc/cni/net.d', BOTH) },
  cniMaxConfNum: { paths: rt('cni', 'max_conf_num'), history: always(1, BOTH) },
  registryConfigPath: {
    paths: im(['registry', 'config_path']),
    history: [
      { since: '1.6.0', value: '', source: BOTH },
      {
        since: '2.2.0',
        value: '/etc/containerd/certs.d:/etc/docker/certs.d',
        source: 'containerd/containerd internal/cri/config/config_unix.go @ v2.2.0, v2.2.1 (struct default; migration fills it too); issue #12612',
      },
      {
        since: '2.2.2',
        value: '',
        source: 'containerd/containerd commit a20dead7c "set default config_path in plugin init" (first tag v2.2.2): emitted \'\', set to /etc/containerd/certs.d:/etc/docker/certs.d at init when empty and no mirrors',
      },
    ],
    note: '2.2.0–2.2.1: a file with registry.mirrors fails ("`mirrors` cannot be set when `config_path` is provided")',
  },
  enableCdi: {
    paths: rt('enable_cdi'),
    history: [
      { since: '1.6.0', value: null, source: CFG1 },
      { since: '1.7.0', value: false, source: CFG1 },
      { since: '2.0.0', value: true, source: CFG2 },
    ],
  },
  cdiSpecDirs: {
    paths: rt('cdi_spec_dirs'),
    history: [
      { since: '1.6.0', value: null, source: CFG1 },
      { since: '1.7.0', value: ['/etc/cdi', '/var/run/cdi'], source: BOTH },
    ],
  },
  nriDisable: {
    paths: { 2: ['plugins', 'io.containerd.nri.v1.nri', 'disable'], 3: ['plugins', 'io.containerd.nri.v1.nri', 'disable'], 4: ['plugins', 'io.containerd.nri.v1.nri', 'disable'] },
    history: [
      { since: '1.6.0', value: null, source: 'no NRI plugin in 1.6' },
      { since: '1.7.0', value: true, source: 'containerd/containerd pkg/nri/config.go @ v1.7.34 (Disable: true)' },
      { since: '2.0.0', value: false, source: 'containerd/containerd internal/nri/config.go @ v2.0.0 (Disable: false)' },
    ],
  },
  disableSnapshotAnnotations: { paths: im(['containerd', 'disable_snapshot_annotations'], ['disable_snapshot_annotations']), history: always(true, BOTH) },
  discardUnpackedLayers: { paths: im(['containerd', 'discard_unpacked_layers'], ['discard_unpacked_layers']), history: always(false, BOTH) },
  maxConcurrentDownloads: { paths: im(['max_concurrent_downloads']), history: always(3, BOTH) },
  imagePullProgressTimeout: {
    paths: im(['image_pull_progress_timeout']),
    history: [
      { since: '1.6.0', value: null, source: CFG1 },
      { since: '1.7.0', value: '5m0s', source: `${BOTH} (defaultImagePullProgressTimeoutDuration)` },
    ],
  },
  statsCollectPeriod: { paths: im(['stats_collect_period']), history: always(10, `${BOTH} (int seconds; 2.3's cri.v1.runtime.stats_collect_period is a duration string, default "1s")`) },
  maxContainerLogLineSize: { paths: rt('max_container_log_line_size'), history: always(16384, BOTH) },
  selinuxCategoryRange: { paths: rt('selinux_category_range'), history: always(1024, BOTH) },
  tolerateMissingHugetlbController: { paths: rt('tolerate_missing_hugetlb_controller'), history: always(true, BOTH) },
  disableHugetlbController: { paths: rt('disable_hugetlb_controller'), history: always(true, BOTH) },
  disableTcpService: { paths: srv('disable_tcp_service'), history: always(true, BOTH) },
  streamServerAddress: { paths: srv('stream_server_address'), history: always('127.0.0.1', BOTH) },
  streamServerPort: { paths: srv('stream_server_port'), history: always('0', BOTH) },
  streamIdleTimeout: { paths: srv('stream_idle_timeout'), history: always('4h0m0s', `${BOTH} (streaming.DefaultConfig.StreamIdleTimeout)`) },
  useLocalImagePull: {
    paths: { 3: [...IM, 'use_local_image_pull'], 4: [...IM, 'use_local_image_pull'] },
    history: [
      { since: '1.6.0', value: null, source: BOTH },
      {
        since: '2.1.0',
        value: false,
        source: 'containerd/containerd internal/cri/config @ v2.1.0 (transfer service used for CRI pulls)',
        uncertain: true,
        why: 'value and key location from the reference (§2.3), not re-read at the tag',
      },
    ],
  },
  enableCriu: {
    paths: { 3: [...RT, 'enable_criu'], 4: [...RT, 'enable_criu'] },
    history: [
      { since: '1.6.0', value: null, source: BOTH },
      { since: '2.2.0', value: true, source: 'containerd/containerd internal/cri/config @ v2.2.0', uncertain: true, why: 'from the reference (§2.3), not re-read at the tag' },
    ],
  },
};

/**
 * Default of a setting at a containerd version. undefined: crilint has no such default;
 * null: the key does not exist in that release.
 */
export function containerdDefault(containerd: Version, name: string): DefaultValue | null | undefined {
  const d = own(CONTAINERD_DEFAULTS, name);
  if (!d) return undefined;
  return pickSince(d.history, clampContainerd(containerd).version)?.value ?? null;
}

/** Key path of a default in a file of the given config version (undefined if it has no place there). */
export function containerdDefaultPath(name: string, configVersion: ConfigVersion): readonly string[] | undefined {
  return own(CONTAINERD_DEFAULTS, name)?.paths[configVersion];
}
