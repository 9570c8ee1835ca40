/**
 * containerd config keys that were removed, deprecated or renamed, with the exact key path per
 * config version where each one lives and its replacement (exact ones are safe for autofix);
 * removed runtime_type/snapshotter values; the v2→v3 CRI key mapping that 2.x's migration applies;
 * the v3→v4 server-section moves of 2.3.
 *
 * Ask `containerdKeyStatus(target, configVersion, path)`: "for containerd X, is key path P (in a
 * file of config version V) removed, deprecated or renamed, and what replaces it?"
 *
 * Sources: containerd RELEASES.md "Deprecated config properties" @ main and at each tag (removal
 * targets drift), pkg/deprecation/deprecation.go at each tag, the CRI config structs
 * (pkg/cri/config/config.go @ v1.7.34 vs internal/cri/config/config.go @ v2.0.0), all re-read in a
 * containerd snapshot (main 301026e58c61).
 */
import { cmpVersion, type Version } from '../core/version.js';
import { atLeastLoose, clampContainerd, lineOf, own, ver, type Sourced } from './lookup.js';
import { maxConfigVersion, type ConfigVersion } from './containerd.js';

/** A containerd version threshold, either one version or one per release line (backports). */
export type Since = string | Readonly<Record<string, string>>;

/** Whether `x` reaches a threshold; per-line thresholds use the line's entry, lines after all entries count as reached. */
export function reaches(x: Version, since: Since): boolean {
  if (typeof since === 'string') return atLeastLoose(x, since);
  const mine = own(since, lineOf(x));
  if (mine !== undefined) return atLeastLoose(x, mine);
  const lowest = Object.values(since).map(ver).sort(cmpVersion)[0]!;
  return atLeastLoose(x, lowest);
}

export interface KeyLocation {
  configVersions: readonly ConfigVersion[];
  /** Path segments; `*` matches one segment. A location matches the key and everything below it. */
  path: readonly string[];
}

export interface KeyReplacement {
  configVersions: readonly ConfigVersion[];
  /** Path segments; each `*` takes the segment the matching `*` of the location captured. */
  path: readonly string[];
  /** The value can be moved unchanged (safe autofix); otherwise the replacement needs judgement. */
  exact: boolean;
  /** How the value changes when moved. */
  transform?: 'wrap-in-array';
  /** Keys below the matched location are appended to the replacement path. */
  appendRest?: true;
  note?: string;
}

export interface KeyMigration {
  configVersions: readonly ConfigVersion[];
  /** containerd release from which its own migration moves the key in files of those versions. */
  since: string;
}

export interface KeyChange extends Sourced {
  /** Stable identifier of the change. */
  id: string;
  /** Display name of the key. */
  key: string;
  locations: readonly KeyLocation[];
  deprecatedIn?: Since;
  removedIn?: string;
  /** Currently announced removal target (RELEASES.md @ main). */
  removalTarget?: string;
  /** How the announced target drifted: target as stated at each release. */
  removalTargetHistory?: readonly { target: string; statedIn: string }[];
  /** In files of these versions, the release converts the key itself (status `renamed`). */
  migratedBy?: readonly KeyMigration[];
  replacements?: readonly KeyReplacement[];
  /** `io.containerd.deprecation/<id>` warning the daemon emits. */
  warning?: string;
  /** What the daemon does with the key. */
  effect?: string;
}

const CRI1 = ['plugins', 'cri'] as const;
const CRI2 = ['plugins', 'io.containerd.grpc.v1.cri'] as const;
const RT = ['plugins', 'io.containerd.cri.v1.runtime'] as const;
const IM = ['plugins', 'io.containerd.cri.v1.images'] as const;

/** The same relative path in the CRI runtime table of v1, v2 and v3/v4 files. */
function runtimeLocations(...rel: string[]): KeyLocation[] {
  return [
    { configVersions: [1], path: [...CRI1, ...rel] },
    { configVersions: [2], path: [...CRI2, ...rel] },
    { configVersions: [3, 4], path: [...RT, ...rel] },
  ];
}
function runtimeReplacements(rel: readonly string[], exact: boolean, note?: string): KeyReplacement[] {
  const n = note === undefined ? {} : { note };
  return [
    { configVersions: [1], path: [...CRI1, ...rel], exact, ...n },
    { configVersions: [2], path: [...CRI2, ...rel], exact, ...n },
    { configVersions: [3, 4], path: [...RT, ...rel], exact, ...n },
  ];
}
/** The same relative path in the CRI images table of v1, v2 and v3/v4 files. */
function imagesLocations(...rel: string[]): KeyLocation[] {
  return [
    { configVersions: [1], path: [...CRI1, ...rel] },
    { configVersions: [2], path: [...CRI2, ...rel] },
    { configVersions: [3, 4], path: [...IM, ...rel] },
  ];
}
function imagesReplacements(rel: readonly string[], exact: boolean, note?: string): KeyReplacement[] {
  const n = note === undefined ? {} : { note };
  return [
    { configVersions: [1], path: [...CRI1, ...rel], exact, ...n },
    { configVersions: [2], path: [...CRI2, ...rel], exact, ...n },
    { configVersions: [3, 4], path: [...IM, ...rel], exact, ...n },
  ];
}

const RELEASES_MAIN = 'containerd/containerd RELEASES.md "Deprecated config properties" @ main 301026e58c61';
const STRUCTS = 'containerd/containerd pkg/cri/config/config.go toml tags @ v1.7.34 vs internal/cri/config/config.go @ v2.0.0';
const REMOVED_2_0_EFFECT = '2.x: not a field any more — "Ignoring unknown key" warning, the setting has no effect';

const REGISTRY_HISTORY = [
  { target: '2.0', statedIn: '1.7.x' },
  { target: '2.1', statedIn: '2.0.x' },
  { target: '2.2', statedIn: '2.1.0' },
  { target: '2.3', statedIn: '2.1.9, 2.2.x' },
  { target: '2.4', statedIn: '2.3.x, main' },
] as const;
const OTEL_HISTORY = [
  { target: '2.0', statedIn: '1.7.34, 2.0.x' },
  { target: '2.2', statedIn: '2.1.0' },
  { target: '2.3', statedIn: '2.1.9, 2.2.x' },
  { target: '2.4', statedIn: '2.3.x, main' },
] as const;
/** "Deprecate otel configs": commits 2fda262a9 (v1.6.32), f2354894f (v1.7.16), 753a525b3 (v2.0.0); RELEASES says v1.6.29. */
const OTEL_DEPRECATED: Since = { '1.6': '1.6.32', '1.7': '1.7.16', '2.0': '2.0.0' };

function otelKeys(): KeyChange[] {
  const out: KeyChange[] = [];
  for (const k of ['endpoint', 'protocol', 'insecure']) {
    out.push({
      id: `tracing-processor-${k}`,
      key: `[plugins."io.containerd.tracing.processor.v1.otlp"] ${k}`,
      locations: [
        { configVersions: [1], path: ['plugins', 'otlp', k] },
        { configVersions: [2, 3, 4], path: ['plugins', 'io.containerd.tracing.processor.v1.otlp', k] },
      ],
      deprecatedIn: OTEL_DEPRECATED,
      removalTarget: '2.4',
      removalTargetHistory: OTEL_HISTORY,
      warning: 'io.containerd.deprecation/tracing-processor-config',
      effect: 'still read; use OTEL_EXPORTER_OTLP_* environment variables instead',
      source: `${RELEASES_MAIN} (deprecated v1.6.29 there); pkg/deprecation TracingOTLPConfig, first in v1.6.32 / v1.7.16 / v2.0.0`,
    });
  }
  for (const k of ['service_name', 'sampling_ratio']) {
    out.push({
      id: `tracing-service-${k}`,
      key: `[plugins."io.containerd.internal.v1.tracing"] ${k}`,
      locations: [
        { configVersions: [1], path: ['plugins', 'tracing', k] },
        { configVersions: [2, 3, 4], path: ['plugins', 'io.containerd.internal.v1.tracing', k] },
      ],
      deprecatedIn: OTEL_DEPRECATED,
      removalTarget: '2.4',
      removalTargetHistory: OTEL_HISTORY,
      warning: 'io.containerd.deprecation/tracing-service-config',
      effect: 'still read; use OTEL_SERVICE_NAME / OTEL_TRACES_SAMPLER* instead',
      source: `${RELEASES_MAIN}; pkg/deprecation TracingServiceConfig, first in v1.6.32 / v1.7.16 / v2.0.0`,
    });
  }
  return out;
}

function taskApiKeys(): KeyChange[] {
  return (['TaskApiAddress', 'TaskApiVersion'] as const).map((k) => ({
    id: k === 'TaskApiAddress' ? 'runc-options-task-api-address' : 'runc-options-task-api-version',
    key: `runc options ${k}`,
    locations: [
      { configVersions: [2], path: [...CRI2, 'containerd', 'runtimes', '*', 'options', k] },
      { configVersions: [3, 4], path: [...RT, 'containerd', 'runtimes', '*', 'options', k] },
    ],
    deprecatedIn: '2.3.0',
    warning: `io.containerd.deprecation/${k === 'TaskApiAddress' ? 'runc-options-task-api-address' : 'runc-options-task-api-version'}`,
    effect: 'warned at task creation; set task_api_address/task_api_version on CreateTaskRequest instead',
    source: 'containerd/containerd pkg/deprecation/deprecation.go @ v2.3.4 (RuncOptionsTaskAPIAddress/Version, emitted in plugins/services/tasks/local.go)',
    uncertain: true as const,
    why: 'TOML spelling of the runc option assumed to be the Go field name (api/types/runc/options/oci.proto), as for SystemdCgroup',
  }));
}

/** 2.3 (config version 4) moves top-level server sections into plugins (serviceMigrate). */
const SERVER_MOVES: readonly { from: readonly string[]; to: readonly string[] }[] = [
  { from: ['grpc', 'address'], to: ['plugins', 'io.containerd.server.v1.grpc', 'address'] },
  { from: ['grpc', 'uid'], to: ['plugins', 'io.containerd.server.v1.grpc', 'uid'] },
  { from: ['grpc', 'gid'], to: ['plugins', 'io.containerd.server.v1.grpc', 'gid'] },
  { from: ['grpc', 'max_recv_message_size'], to: ['plugins', 'io.containerd.server.v1.grpc', 'max_recv_message_size'] },
  { from: ['grpc', 'max_send_message_size'], to: ['plugins', 'io.containerd.server.v1.grpc', 'max_send_message_size'] },
  { from: ['grpc', 'tcp_address'], to: ['plugins', 'io.containerd.server.v1.grpc-tcp', 'address'] },
  { from: ['grpc', 'tcp_tls_ca'], to: ['plugins', 'io.containerd.server.v1.grpc-tcp', 'tls_ca'] },
  { from: ['grpc', 'tcp_tls_cert'], to: ['plugins', 'io.containerd.server.v1.grpc-tcp', 'tls_cert'] },
  { from: ['grpc', 'tcp_tls_key'], to: ['plugins', 'io.containerd.server.v1.grpc-tcp', 'tls_key'] },
  { from: ['grpc', 'tcp_tls_common_name'], to: ['plugins', 'io.containerd.server.v1.grpc-tcp', 'tls_common_name'] },
  { from: ['ttrpc', 'address'], to: ['plugins', 'io.containerd.server.v1.ttrpc', 'address'] },
  { from: ['ttrpc', 'uid'], to: ['plugins', 'io.containerd.server.v1.ttrpc', 'uid'] },
  { from: ['ttrpc', 'gid'], to: ['plugins', 'io.containerd.server.v1.ttrpc', 'gid'] },
  { from: ['debug', 'address'], to: ['plugins', 'io.containerd.server.v1.debug', 'address'] },
  { from: ['debug', 'uid'], to: ['plugins', 'io.containerd.server.v1.debug', 'uid'] },
  { from: ['debug', 'gid'], to: ['plugins', 'io.containerd.server.v1.debug', 'gid'] },
  { from: ['metrics', 'address'], to: ['plugins', 'io.containerd.server.v1.metrics', 'address'] },
  { from: ['metrics', 'grpc_histogram'], to: ['plugins', 'io.containerd.metrics.v1.grpc-prometheus', 'grpc_histogram'] },
];
export const V3_TO_V4_MOVES = SERVER_MOVES;
export const V3_TO_V4_MOVES_SOURCE = 'containerd/containerd cmd/containerd/server/config/config.go serviceMigrate @ v2.3.4';

function serverMoves(): KeyChange[] {
  return SERVER_MOVES.map((m) => ({
    id: `server-${m.from.join('-')}`,
    key: `[${m.from[0]}] ${m.from[1]}`,
    locations: [{ configVersions: [1, 2, 3, 4], path: m.from }],
    removedIn: '2.3.0',
    migratedBy: [{ configVersions: [1, 2, 3], since: '2.3.0' }],
    replacements: [{ configVersions: [4], path: m.to, exact: true }],
    effect: 'in a version 4 file the top-level field is deprecated and never read (only serviceMigrate reads it) — inert; files of version ≤3 are migrated in memory',
    source: `${V3_TO_V4_MOVES_SOURCE}; struct fields marked Deprecated,omitempty`,
    uncertain: true as const,
    why: 'that the top-level sections are inert in a version 4 file is an inference from code search (no other reader), not runtime-tested',
  }));
}

export const CONTAINERD_KEY_CHANGES: readonly KeyChange[] = [
  {
    id: 'cri-systemd-cgroup',
    key: 'systemd_cgroup (CRI top level)',
    locations: runtimeLocations('systemd_cgroup'),
    deprecatedIn: '1.3.0',
    removedIn: '2.0.0',
    replacements: runtimeReplacements(['containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'], false, 'the old key only worked with io.containerd.runtime.v1.linux; set SystemdCgroup in every runc runtime\'s options'),
    warning: 'io.containerd.deprecation/cri-systemd-cgroup-v1',
    effect: `1.x: true with a non-runtime.v1.linux default runtime makes the CRI plugin fail to load ("\`systemd_cgroup\` only works for runtime io.containerd.runtime.v1.linux"); ${REMOVED_2_0_EFFECT}`,
    source: `${RELEASES_MAIN}; ${STRUCTS}; ValidatePluginConfig @ v1.7.34`,
  },
  {
    id: 'cri-untrusted-workload-runtime',
    key: 'containerd.untrusted_workload_runtime',
    locations: runtimeLocations('containerd', 'untrusted_workload_runtime'),
    deprecatedIn: '1.2.0',
    removedIn: '2.0.0',
    replacements: runtimeReplacements(['containerd', 'runtimes', 'untrusted'], false, 'create an `untrusted` runtime in runtimes'),
    warning: 'io.containerd.deprecation/cri-untrusted-workload-runtime',
    effect: REMOVED_2_0_EFFECT,
    source: `${RELEASES_MAIN}; ${STRUCTS}`,
  },
  {
    id: 'cri-default-runtime',
    key: 'containerd.default_runtime',
    locations: runtimeLocations('containerd', 'default_runtime'),
    deprecatedIn: '1.3.0',
    removedIn: '2.0.0',
    replacements: runtimeReplacements(['containerd', 'default_runtime_name'], false, 'name an entry of containerd.runtimes instead of a table'),
    warning: 'io.containerd.deprecation/cri-default-runtime',
    effect: REMOVED_2_0_EFFECT,
    source: `${RELEASES_MAIN}; ${STRUCTS}`,
  },
  {
    id: 'cri-runtime-engine',
    key: 'containerd.runtimes.*.runtime_engine',
    locations: runtimeLocations('containerd', 'runtimes', '*', 'runtime_engine'),
    deprecatedIn: '1.3.0',
    removedIn: '2.0.0',
    warning: 'io.containerd.deprecation/cri-runtime-engine',
    effect: REMOVED_2_0_EFFECT,
    source: `${RELEASES_MAIN} ("Use runtime v2"); ${STRUCTS}`,
  },
  {
    id: 'cri-runtime-root',
    key: 'containerd.runtimes.*.runtime_root',
    locations: runtimeLocations('containerd', 'runtimes', '*', 'runtime_root'),
    deprecatedIn: '1.3.0',
    removedIn: '2.0.0',
    replacements: runtimeReplacements(['containerd', 'runtimes', '*', 'options', 'Root'], false, 'RELEASES.md: "Use options.Root"'),
    warning: 'io.containerd.deprecation/cri-runtime-root',
    effect: REMOVED_2_0_EFFECT,
    source: `${RELEASES_MAIN}; ${STRUCTS}`,
  },
  {
    id: 'cri-disable-cgroup',
    key: 'disable_cgroup (CRI top level)',
    locations: runtimeLocations('disable_cgroup'),
    removedIn: '2.0.0',
    effect: `${REMOVED_2_0_EFFECT}; use cgroup v2 delegation`,
    source: `${STRUCTS} (PluginConfig.DisableCgroup, CRI top level); ${RELEASES_MAIN} lists it under runtimes.*`,
    uncertain: true,
    why: 'RELEASES.md files it under runtimes.* while the 1.7 struct has it at the CRI top level; the code location is used',
  },
  {
    id: 'cri-no-pivot',
    key: 'containerd.no_pivot',
    locations: runtimeLocations('containerd', 'no_pivot'),
    removedIn: '2.0.0',
    effect: `${REMOVED_2_0_EFFECT}; runc's per-runtime option is options.NoPivotRoot`,
    source: STRUCTS,
  },
  {
    id: 'cri-criu-path',
    key: 'containerd.runtimes.*.options.CriuPath',
    locations: runtimeLocations('containerd', 'runtimes', '*', 'options', 'CriuPath'),
    deprecatedIn: '1.7.0',
    removedIn: '2.0.0',
    warning: 'io.containerd.deprecation/cri-criu-path',
    effect: '2.x: unknown keys inside .options are silently ignored; put criu in $PATH',
    source: `${RELEASES_MAIN}; api/types/runc/options/oci.proto`,
  },
  {
    id: 'cri-registry-configs-tls',
    key: 'registry.configs.*.tls',
    locations: imagesLocations('registry', 'configs', '*', 'tls'),
    deprecatedIn: '1.5.0',
    removedIn: '2.0.0',
    replacements: imagesReplacements(['registry', 'config_path'], false, 'move TLS settings to hosts.toml files under config_path (docs/hosts.md)'),
    effect: `1.x: together with config_path the CRI plugin fails to load; ${REMOVED_2_0_EFFECT} (RegistryConfig has only auth)`,
    source: `${STRUCTS}; ${RELEASES_MAIN} (registry.configs deprecated v1.5)`,
  },
  {
    id: 'cri-sandbox-image',
    key: 'sandbox_image',
    locations: [
      { configVersions: [1], path: [...CRI1, 'sandbox_image'] },
      { configVersions: [2], path: [...CRI2, 'sandbox_image'] },
      { configVersions: [3, 4], path: [...CRI2, 'sandbox_image'] },
      { configVersions: [3, 4], path: [...RT, 'sandbox_image'] },
    ],
    removedIn: '2.0.0',
    migratedBy: [
      { configVersions: [2], since: '2.0.0' },
      { configVersions: [1], since: '2.3.0' },
    ],
    replacements: [{ configVersions: [3, 4], path: [...IM, 'pinned_images', 'sandbox'], exact: true }],
    effect: 'v2 files: moved to pinned_images.sandbox by the 2.x migration; in a version 3/4 file it is an unknown key (ignored with a warning)',
    source: 'containerd/containerd plugins/cri/images/plugin.go ConfigMigration @ v2.2.7; internal/cri/config/config.go ImageConfig (no sandbox_image field) @ v2.0.0',
  },
  {
    id: 'cri-sandbox-mode',
    key: 'containerd.runtimes.*.sandbox_mode',
    locations: [
      { configVersions: [2], path: [...CRI2, 'containerd', 'runtimes', '*', 'sandbox_mode'] },
      { configVersions: [3, 4], path: [...RT, 'containerd', 'runtimes', '*', 'sandbox_mode'] },
    ],
    removedIn: '2.0.0',
    migratedBy: [{ configVersions: [2], since: '2.0.0' }],
    replacements: [{ configVersions: [3, 4], path: [...RT, 'containerd', 'runtimes', '*', 'sandboxer'], exact: true }],
    effect: 'v2 files: renamed to sandboxer by the 2.x migration; unknown key in a version 3/4 file',
    source: 'containerd/containerd plugins/cri/runtime/plugin.go ConfigMigration @ v2.2.7 (sandbox_mode → sandboxer)',
  },
  {
    id: 'plugin-dir',
    key: 'plugin_dir',
    locations: [{ configVersions: [1, 2, 3, 4], path: ['plugin_dir'] }],
    deprecatedIn: '2.0.0',
    removedIn: '2.1.0',
    warning: 'io.containerd.deprecation/go-plugin-library',
    effect: '2.1+: "Ignoring unknown key" (2.0 `config default`/`dump` still print plugin_dir = \'\')',
    source: `${RELEASES_MAIN} (Go-Plugin library deprecated v2.0, removed v2.1); cmd/containerd/server/config/config.go PluginDir @ v2.0.11, absent @ v2.1.0`,
  },
  {
    id: 'cri-registry-mirrors',
    key: 'registry.mirrors',
    locations: imagesLocations('registry', 'mirrors'),
    deprecatedIn: '1.5.0',
    removalTarget: '2.4',
    removalTargetHistory: REGISTRY_HISTORY,
    replacements: imagesReplacements(['registry', 'config_path'], false, 'one hosts.toml per registry under config_path (docs/hosts.md)'),
    warning: 'io.containerd.deprecation/cri-registry-mirrors',
    effect: 'still read; with config_path set the CRI (2.x: images) plugin fails to load; 2.1+ falls back to non-transfer-service pulls',
    source: `${RELEASES_MAIN}; pkg/deprecation CRIRegistryMirrors @ v2.3.4; RELEASES.md @ v1.7.34, v2.0.x, v2.1.0, v2.1.9, v2.2.x, v2.3.x`,
  },
  {
    id: 'cri-registry-configs',
    key: 'registry.configs',
    locations: imagesLocations('registry', 'configs'),
    deprecatedIn: '1.5.0',
    removalTarget: '2.4',
    removalTargetHistory: REGISTRY_HISTORY,
    replacements: imagesReplacements(['registry', 'config_path'], false, 'hosts.toml under config_path; credentials via ImagePullSecrets'),
    warning: 'io.containerd.deprecation/cri-registry-configs',
    effect: 'still read (auth only in 2.x); 2.1+ falls back to non-transfer-service pulls',
    source: `${RELEASES_MAIN}; pkg/deprecation CRIRegistryConfigs @ v2.3.4`,
  },
  {
    id: 'cri-registry-auths',
    key: 'registry.auths',
    locations: imagesLocations('registry', 'auths'),
    deprecatedIn: '1.3.0',
    removalTarget: '2.4',
    removalTargetHistory: REGISTRY_HISTORY,
    warning: 'io.containerd.deprecation/cri-registry-auths',
    effect: 'still read; use ImagePullSecrets (containerd issue #8228)',
    source: `${RELEASES_MAIN}; pkg/deprecation CRIRegistryAuths @ v2.3.4`,
  },
  {
    id: 'cri-cni-bin-dir',
    key: 'cni.bin_dir',
    locations: [
      { configVersions: [2], path: [...CRI2, 'cni', 'bin_dir'] },
      { configVersions: [3, 4], path: [...RT, 'cni', 'bin_dir'] },
    ],
    deprecatedIn: '2.1.0',
    removalTarget: '2.4',
    migratedBy: [{ configVersions: [2], since: '2.1.0' }],
    replacements: [{ configVersions: [3, 4], path: [...RT, 'cni', 'bin_dirs'], exact: true, transform: 'wrap-in-array' }],
    warning: 'io.containerd.deprecation/cri-cni-bin-dir',
    effect: '2.1+: warns; replaces a default bin_dirs with [bin_dir]; together with a non-default bin_dirs the CRI runtime plugin fails to load',
    source: `${RELEASES_MAIN}; internal/cri/config/config.go @ v2.1.0 (CRICNIBinDir); plugins/cri/runtime/plugin.go @ v2.1.0 (v2 bin_dir → bin_dirs when unset)`,
  },
  {
    id: 'cri-enable-cdi',
    key: 'enable_cdi',
    locations: [
      { configVersions: [2], path: [...CRI2, 'enable_cdi'] },
      { configVersions: [3, 4], path: [...RT, 'enable_cdi'] },
    ],
    deprecatedIn: '2.2.0',
    removalTarget: '2.4',
    removalTargetHistory: [
      { target: '2.3', statedIn: 'pkg/deprecation message @ 2.3.x' },
      { target: '2.4', statedIn: 'RELEASES.md @ 2.3.x, main' },
    ],
    warning: 'io.containerd.deprecation/enable-cdi',
    effect: 'CDI will always be enabled; 2.3+ warns only when explicitly false (field became *bool)',
    source: `${RELEASES_MAIN} (deprecated v2.2); pkg/deprecation CRIEnableCDI first in v2.3.0 (none in v2.2.x)`,
  },
  ...otelKeys(),
  ...taskApiKeys(),
  ...serverMoves(),
];

export type KeyStatus = 'ok' | 'deprecated' | 'renamed' | 'removed';

export interface KeyVerdict {
  status: KeyStatus;
  change?: KeyChange;
  /**
   * Where the setting belongs instead, wildcards filled from the matched path. Its
   * `configVersion` is the file's own when the file can hold it, else the target's native
   * version (the file must be migrated first).
   */
  replacement?: { configVersion: ConfigVersion; path: string[]; exact: boolean; transform?: 'wrap-in-array'; note?: string };
  removalTarget?: string;
  note?: string;
}

function matchPrefix(pattern: readonly string[], path: readonly string[]): { captures: string[]; rest: string[] } | undefined {
  if (path.length < pattern.length) return undefined;
  const captures: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '*') captures.push(path[i]!);
    else if (pattern[i] !== path[i]) return undefined;
  }
  return { captures, rest: path.slice(pattern.length) };
}

function fill(pattern: readonly string[], captures: readonly string[]): string[] {
  let i = 0;
  return pattern.map((s) => (s === '*' ? (captures[i++] ?? '*') : s));
}

/** The change whose location matches the path most specifically, for a file of that config version. */
export function findKeyChange(configVersion: ConfigVersion, path: readonly string[]): { change: KeyChange; location: KeyLocation; captures: string[]; rest: string[] } | undefined {
  let best: { change: KeyChange; location: KeyLocation; captures: string[]; rest: string[] } | undefined;
  for (const change of CONTAINERD_KEY_CHANGES) {
    for (const location of change.locations) {
      if (!location.configVersions.includes(configVersion)) continue;
      const m = matchPrefix(location.path, path);
      if (m && (!best || location.path.length > best.location.path.length)) best = { change, location, ...m };
    }
  }
  return best;
}

/**
 * For target containerd X, is key path P (in a file of config version V) removed, deprecated or
 * renamed, and what replaces it? Paths are TOML key segments from the file's root; a path below
 * a changed key (e.g. `registry.mirrors."docker.io".endpoint`) reports that key's change.
 */
export function containerdKeyStatus(containerd: Version, configVersion: ConfigVersion, path: readonly string[]): KeyVerdict {
  const c = clampContainerd(containerd);
  const extra = c.note ? { note: c.note } : {};
  const hit = findKeyChange(configVersion, path);
  if (!hit) return { status: 'ok', ...extra };
  const { change, captures, rest } = hit;
  const at = c.version;
  const migrated = change.migratedBy?.some((m) => m.configVersions.includes(configVersion) && atLeastLoose(at, m.since)) ?? false;
  const removed = change.removedIn !== undefined && atLeastLoose(at, change.removedIn);
  const deprecated = change.deprecatedIn !== undefined && reaches(at, change.deprecatedIn);
  const status: KeyStatus = migrated ? 'renamed' : removed ? 'removed' : deprecated ? 'deprecated' : 'ok';
  const r: KeyVerdict = { status, change, ...extra };
  if (status === 'ok') return r;
  if (change.removalTarget && !removed) r.removalTarget = change.removalTarget;
  const native = maxConfigVersion(at).max;
  const rep = change.replacements?.find((x) => x.configVersions.includes(configVersion)) ?? change.replacements?.find((x) => x.configVersions.includes(native));
  if (rep) {
    const target: ConfigVersion = rep.configVersions.includes(configVersion) ? configVersion : native;
    const out: NonNullable<KeyVerdict['replacement']> = { configVersion: target, path: [...fill(rep.path, captures), ...(rep.appendRest ? rest : [])], exact: rep.exact };
    if (rep.transform) out.transform = rep.transform;
    if (rep.note) out.note = rep.note;
    r.replacement = out;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Values that were removed

export interface ValueChange extends Sourced {
  /** Key whose value this is (last path segment). */
  key: 'runtime_type' | 'snapshotter';
  value: string;
  deprecatedIn: string;
  removedIn: string;
  replacement: string;
  warning?: string;
}

export const CONTAINERD_VALUE_CHANGES: readonly ValueChange[] = [
  {
    key: 'runtime_type',
    value: 'io.containerd.runtime.v1.linux',
    deprecatedIn: '1.4.0',
    removedIn: '2.0.0',
    replacement: 'io.containerd.runc.v2',
    warning: 'io.containerd.deprecation/runtime-v1',
    source: 'containerd/containerd RELEASES.md @ main (Runtime V1 API, removed v2.0); docs/containerd-2.0.md',
  },
  {
    key: 'runtime_type',
    value: 'io.containerd.runc.v1',
    deprecatedIn: '1.4.0',
    removedIn: '2.0.0',
    replacement: 'io.containerd.runc.v2',
    warning: 'io.containerd.deprecation/runtime-runc-v1',
    source: 'containerd/containerd RELEASES.md @ main (Runc V1 implementation of Runtime V2, removed v2.0)',
  },
  {
    key: 'snapshotter',
    value: 'aufs',
    deprecatedIn: '1.5.0',
    removedIn: '2.0.0',
    replacement: 'overlayfs',
    warning: 'io.containerd.deprecation/aufs-snapshotter',
    source: 'containerd/containerd RELEASES.md @ main (built-in aufs snapshotter, removed v2.0)',
  },
];

/** Status of a value of `runtime_type` or `snapshotter` for a target containerd. */
export function containerdValueStatus(containerd: Version, key: string, value: string): { status: 'ok' | 'deprecated' | 'removed'; change?: ValueChange } {
  const at = clampContainerd(containerd).version;
  const change = CONTAINERD_VALUE_CHANGES.find((x) => x.key === key && x.value === value);
  if (!change) return { status: 'ok' };
  if (atLeastLoose(at, change.removedIn)) return { status: 'removed', change };
  if (atLeastLoose(at, change.deprecatedIn)) return { status: 'deprecated', change };
  return { status: 'ok', change };
}

// ---------------------------------------------------------------------------------------------
// v2 → v3 CRI key mapping

export type CriPart = 'runtime' | 'images' | 'server';

export interface V2ToV3Rule {
  /** Path relative to `[plugins."io.containerd.grpc.v1.cri"]`; `*` one segment, `**` the rest. */
  from: readonly string[];
  part: CriPart;
  /** Path relative to the target plugin table; `*`/`**` take the captured segments. */
  to: readonly string[];
  transform?: 'wrap-in-array';
  /** containerd release applying the rule (the migration of older 2.x releases differs). */
  since?: string;
  note?: string;
}

const CRI_PART_IDS: Readonly<Record<CriPart, string>> = {
  runtime: 'io.containerd.cri.v1.runtime',
  images: 'io.containerd.cri.v1.images',
  server: 'io.containerd.grpc.v1.cri',
};

/** Ordered (first match wins), as the 2.x ConfigMigrations apply them. */
export const V2_TO_V3_CRI_KEYS: readonly V2ToV3Rule[] = [
  { from: ['sandbox_image'], part: 'images', to: ['pinned_images', 'sandbox'] },
  { from: ['registry', '**'], part: 'images', to: ['registry', '**'], note: 'copied as-is; deprecated parts stay deprecated' },
  { from: ['image_decryption', '**'], part: 'images', to: ['image_decryption', '**'] },
  { from: ['max_concurrent_downloads'], part: 'images', to: ['max_concurrent_downloads'] },
  { from: ['image_pull_progress_timeout'], part: 'images', to: ['image_pull_progress_timeout'] },
  { from: ['image_pull_with_sync_fs'], part: 'images', to: ['image_pull_with_sync_fs'] },
  { from: ['stats_collect_period'], part: 'images', to: ['stats_collect_period'] },
  { from: ['containerd', 'snapshotter'], part: 'images', to: ['snapshotter'] },
  { from: ['containerd', 'disable_snapshot_annotations'], part: 'images', to: ['disable_snapshot_annotations'] },
  { from: ['containerd', 'discard_unpacked_layers'], part: 'images', to: ['discard_unpacked_layers'] },
  {
    from: ['containerd', 'runtimes', '*', 'snapshotter'],
    part: 'runtime',
    to: ['containerd', 'runtimes', '*', 'snapshotter'],
    note: 'the images migration looks for `snapshot`/`runtime_platform` instead of `snapshotter`/`runtime_platforms`, so a per-runtime snapshotter probably does not reach images.runtime_platforms (code reading)',
  },
  { from: ['disable_tcp_service'], part: 'server', to: ['disable_tcp_service'] },
  { from: ['stream_server_address'], part: 'server', to: ['stream_server_address'] },
  { from: ['stream_server_port'], part: 'server', to: ['stream_server_port'] },
  { from: ['stream_idle_timeout'], part: 'server', to: ['stream_idle_timeout'] },
  { from: ['enable_tls_streaming'], part: 'server', to: ['enable_tls_streaming'] },
  { from: ['x509_key_pair_streaming', '**'], part: 'server', to: ['x509_key_pair_streaming', '**'] },
  { from: ['cni', 'bin_dir'], part: 'runtime', to: ['cni', 'bin_dirs'], transform: 'wrap-in-array', since: '2.1.0', note: 'only if bin_dirs is unset; 2.0 keeps cni.bin_dir' },
  { from: ['cni', '**'], part: 'runtime', to: ['cni', '**'] },
  { from: ['containerd', 'runtimes', '*', 'sandbox_mode'], part: 'runtime', to: ['containerd', 'runtimes', '*', 'sandboxer'] },
  { from: ['containerd', '**'], part: 'runtime', to: ['containerd', '**'], note: 'only keys absent in an existing cri.v1.runtime table are added' },
  { from: ['**'], part: 'runtime', to: ['**'], note: 'every other top-level key is copied; keys removed in 2.0 then trigger "Ignoring unknown key"' },
];
export const V2_TO_V3_CRI_KEYS_SOURCE = 'containerd/containerd plugins/cri/{cri.go,runtime/plugin.go,images/plugin.go} ConfigMigration @ v2.2.7 (bin_dir rule @ v2.1.0)';

/**
 * Where containerd 2.x's migration puts a key of a version 2 CRI table. `rel` is relative to
 * `[plugins."io.containerd.grpc.v1.cri"]`; the result is a full path in a version 3 file.
 */
export function mapV2CriKey(rel: readonly string[], containerd?: Version): { path: string[]; part: CriPart; transform?: 'wrap-in-array'; note?: string } {
  for (const rule of V2_TO_V3_CRI_KEYS) {
    if (rule.since && containerd && !atLeastLoose(clampContainerd(containerd).version, rule.since)) continue;
    const m = matchRule(rule.from, rel);
    if (!m) continue;
    const out: { path: string[]; part: CriPart; transform?: 'wrap-in-array'; note?: string } = {
      path: ['plugins', CRI_PART_IDS[rule.part], ...fillRule(rule.to, m)],
      part: rule.part,
    };
    if (rule.transform) out.transform = rule.transform;
    if (rule.note) out.note = rule.note;
    return out;
  }
  // Unreachable: the last rule matches everything.
  return { path: ['plugins', CRI_PART_IDS.runtime, ...rel], part: 'runtime' };
}

function matchRule(pattern: readonly string[], rel: readonly string[]): { stars: string[]; rest: string[] } | undefined {
  const stars: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '**') return { stars, rest: rel.slice(i) };
    if (i >= rel.length) return undefined;
    if (p === '*') stars.push(rel[i]!);
    else if (p !== rel[i]) return undefined;
  }
  return rel.length === pattern.length ? { stars, rest: [] } : undefined;
}

function fillRule(pattern: readonly string[], m: { stars: string[]; rest: string[] }): string[] {
  const out: string[] = [];
  let i = 0;
  for (const p of pattern) {
    if (p === '**') out.push(...m.rest);
    else if (p === '*') out.push(m.stars[i++] ?? '*');
    else out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// v3 → v4: what serviceMigrate writes (for `crilint migrate --to 4`)

/** A top-level field as `section.key` (`grpc.address`). */
export type ServerField = `${'grpc' | 'ttrpc' | 'debug' | 'metrics'}.${string}`;

export interface ServerPluginMigration extends Sourced {
  /** The plugin table written; containerd skips the step when the file already has it. */
  plugin: string;
  /** Destination key ← top-level field. */
  keys: Readonly<Record<string, ServerField>>;
  /** The step runs when any of these fields is non-zero (after `derive`). */
  when: readonly ServerField[];
  /** Keys written even when zero: all of them (`'all'`), or these once the field is set. */
  zeroWritten?: 'all' | { ifSet: ServerField; keys: readonly string[] };
  /** Values taken from another field when the own one is zero (ttrpc from grpc). */
  derive?: { ifEmpty: ServerField; from: ServerField; suffix: string; zeroFrom: Readonly<Record<string, ServerField>> };
  /** Keys whose field belongs to another step (copied, not moved): grpc-tcp's message sizes. */
  copies?: readonly string[];
}

const SERVICE_MIGRATE = 'containerd/containerd cmd/containerd/server/config/config.go serviceMigrate @ v2.3.4 (read in a containerd snapshot, main 301026e58c61)';

/**
 * serviceMigrate step by step, in containerd's order. A field whose step does not run (zero, or
 * the plugin table already written) is left where it is: in a version 4 file it is inert.
 */
export const V3_TO_V4_SERVICE_MIGRATION: readonly ServerPluginMigration[] = [
  {
    plugin: 'io.containerd.server.v1.debug',
    keys: { address: 'debug.address', uid: 'debug.uid', gid: 'debug.gid' },
    when: ['debug.address'],
    zeroWritten: { ifSet: 'debug.address', keys: ['uid', 'gid'] },
    source: SERVICE_MIGRATE,
  },
  {
    plugin: 'io.containerd.server.v1.grpc',
    keys: { address: 'grpc.address', uid: 'grpc.uid', gid: 'grpc.gid', max_recv_message_size: 'grpc.max_recv_message_size', max_send_message_size: 'grpc.max_send_message_size' },
    when: ['grpc.address', 'grpc.uid', 'grpc.gid', 'grpc.max_recv_message_size', 'grpc.max_send_message_size'],
    zeroWritten: { ifSet: 'grpc.address', keys: ['uid', 'gid'] },
    source: `${SERVICE_MIGRATE} ("Preserve legacy socket ownership semantics": uid/gid written with the address)`,
  },
  {
    plugin: 'io.containerd.server.v1.grpc-tcp',
    keys: {
      address: 'grpc.tcp_address',
      tls_ca: 'grpc.tcp_tls_ca',
      tls_cert: 'grpc.tcp_tls_cert',
      tls_key: 'grpc.tcp_tls_key',
      tls_common_name: 'grpc.tcp_tls_common_name',
      max_recv_message_size: 'grpc.max_recv_message_size',
      max_send_message_size: 'grpc.max_send_message_size',
    },
    when: ['grpc.tcp_address'],
    copies: ['max_recv_message_size', 'max_send_message_size'],
    source: SERVICE_MIGRATE,
  },
  {
    plugin: 'io.containerd.server.v1.ttrpc',
    keys: { address: 'ttrpc.address', uid: 'ttrpc.uid', gid: 'ttrpc.gid' },
    when: ['ttrpc.address', 'ttrpc.uid', 'ttrpc.gid'],
    zeroWritten: 'all',
    derive: { ifEmpty: 'ttrpc.address', from: 'grpc.address', suffix: '.ttrpc', zeroFrom: { uid: 'grpc.uid', gid: 'grpc.gid' } },
    source: `${SERVICE_MIGRATE} (before version 4 an empty ttrpc address is the grpc address + ".ttrpc" with grpc's uid/gid)`,
  },
  { plugin: 'io.containerd.metrics.v1.grpc-prometheus', keys: { grpc_histogram: 'metrics.grpc_histogram' }, when: ['metrics.grpc_histogram'], source: SERVICE_MIGRATE },
  { plugin: 'io.containerd.server.v1.metrics', keys: { address: 'metrics.address' }, when: ['metrics.address'], source: SERVICE_MIGRATE },
];

/**
 * `[plugins."io.containerd.runtime.v2.task"] sched_core` moved to the shim manager in 2.0: the
 * shim manager's ConfigMigration (files of version < 3) deletes the key and, when it is true,
 * writes `[plugins."io.containerd.shim.v1.manager"] env = ["SCHED_CORE=1"]`.
 */
export const SCHED_CORE_MIGRATION: Sourced & { from: readonly string[]; to: readonly string[]; whenTrue: readonly string[] } = {
  from: ['plugins', 'io.containerd.runtime.v2.task', 'sched_core'],
  to: ['plugins', 'io.containerd.shim.v1.manager', 'env'],
  whenTrue: ['SCHED_CORE=1'],
  source: 'containerd/containerd core/runtime/v2/shim_manager.go ConfigMigration @ v2.3.4 (read in a containerd snapshot, main 301026e58c61)',
};
