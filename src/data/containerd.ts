/**
 * containerd 1.6–2.3 facts: config `version` limits, default sandbox image, SystemdCgroup,
 * RuntimeConfig support (cgroup driver reported to the kubelet), CRI plugin IDs and key paths per
 * config version, the v1 short-ID migration and the plugin IDs renamed in 2.0.
 * Facts from ../shared/reference/containerd.md; patch boundaries re-checked in a containerd
 * snapshot (main 301026e58c61) with `git tag --contains` and `git grep` at each tag.
 */
import type { Version } from '../core/version.js';
import { atLeastLoose, clampContainerd, own, pickSince, ver, type ContainerdMinor, type Sourced } from './lookup.js';
import type { CriRuntime } from './kubernetes.js';
import { gateDefault } from './feature-gates.js';

export type ConfigVersion = 1 | 2 | 3 | 4;
export const CONFIG_VERSIONS: readonly ConfigVersion[] = [1, 2, 3, 4];

// ---------------------------------------------------------------------------------------------
// Config `version`

export interface ConfigVersionLimit extends Sourced {
  since: string;
  /** Highest `version` the release understands. */
  max: ConfigVersion;
  /** Whether a higher `version` is rejected (fatal); if not, it passes and its CRI sections are silently ignored. */
  enforced: boolean;
}

export const CONFIG_VERSION_LIMITS: readonly ConfigVersionLimit[] = [
  { since: '1.6.0', max: 2, enforced: false, source: 'containerd/containerd services/server/config/config.go @ v1.6.0–v1.6.31 (no upper bound check)' },
  { since: '1.6.32', max: 2, enforced: true, source: 'containerd/containerd commit 38607b59c "Add check for unsupported config versions" (first tag v1.6.32)' },
  { since: '1.7.0', max: 2, enforced: false, source: 'containerd/containerd services/server/config/config.go @ v1.7.0–v1.7.16 (no upper bound check)' },
  { since: '1.7.17', max: 2, enforced: true, source: 'containerd/containerd commit 00347b7fa "Add check for unsupported config versions" (first tag v1.7.17)' },
  { since: '2.0.0', max: 3, enforced: true, source: 'containerd/containerd version/version.go ConfigVersion = 3 @ v2.0.0, v2.1.0, v2.2.0, v2.2.7; ValidateVersion' },
  { since: '2.3.0', max: 4, enforced: true, source: 'containerd/containerd version/version.go ConfigVersion = 4 @ v2.3.0, v2.3.4' },
];

export interface MaxConfigVersion extends Sourced {
  max: ConfigVersion;
  enforced: boolean;
  note?: string;
}

/**
 * Invalid UTF-8 in config.toml: containerd 1.x decodes with go-toml v1, which reads each bad byte
 * sequence as U+FFFD and starts (checked against containerd 1.6.20: a bad comment, a bad string, a
 * cut-off last line); 2.x decodes with go-toml v2, which refuses the file ("invalid character in
 * comment", pelletier/go-toml unstable/scanner.go scanComment @ 86608d7f).
 */
export const CONTAINERD_INVALID_UTF8: { strictSince: string } & Sourced = {
  strictSince: '2.0',
  source: 'pelletier/go-toml unstable/scanner.go scanComment, characters.Utf8ValidNext @ 86608d7f (v2, containerd 2.x); containerd 1.x vendors go-toml v1; checked against the Debian containerd 1.6.20',
};

/** containerd `v` reads a config.toml with invalid UTF-8 (each bad sequence as U+FFFD) instead of refusing it. */
export function containerdReadsInvalidUtf8(v: Version): boolean {
  return !atLeastLoose(v, CONTAINERD_INVALID_UTF8.strictSince);
}

/**
 * containerd's command line (cmd/containerd/command/main.go, the same flags at v1.6.0, v1.7.0,
 * v2.0.0 and v2.3.0): `--config`/`-c`, `--log-level`/`-l`, `--address`/`-a`, `--root`, `--state`
 * (urfave/cli's `--help`/`-h` and `--version`/`-v` besides). applyFlags: "flags will always
 * override the config values if they are set", so `--address` is the socket whatever `[grpc]
 * address` says; a `--config` file that is not there stops containerd (the default one may be
 * missing: `!os.IsNotExist(err) || IsSet("config")`). Checked against containerd 1.6.20: `--config`
 * or `-c` naming a missing file gives "failed to load TOML: <path>: open <path>: no such file or
 * directory". The flags come from containerd.service's ExecStart= (model/units.ts).
 */
export const CONTAINERD_CLI: { unit: string; aliases: Readonly<Record<string, string>>; booleans: ReadonlySet<string> } & Sourced = {
  unit: 'containerd.service',
  aliases: { c: 'config', l: 'log-level', a: 'address', h: 'help', v: 'version' },
  booleans: new Set(['help', 'h', 'version', 'v']),
  source: 'containerd/containerd cmd/containerd/command/main.go (app.Flags, applyFlags, the config load) @ v1.6.0, v1.7.0, v2.0.0, v2.3.0; checked against the Debian containerd 1.6.20',
};

/** Highest accepted config `version` (minor-only `1.6` means its newest patch: enforced). */
export function maxConfigVersion(containerd: Version): MaxConfigVersion {
  const c = clampContainerd(containerd);
  const e = pickSince(CONFIG_VERSION_LIMITS, c.version)!;
  const r: MaxConfigVersion = { max: e.max, enforced: e.enforced, source: e.source };
  if (c.note) r.note = c.note;
  return r;
}

/** The `version` that `containerd config default` emits per release line. */
export const CONFIG_DEFAULT_EMITS: Readonly<Record<ContainerdMinor, ConfigVersion>> = {
  '1.6': 2,
  '1.7': 2,
  '2.0': 3,
  '2.1': 3,
  '2.2': 3,
  '2.3': 4,
};
export const CONFIG_DEFAULT_EMITS_SOURCE =
  'containerd/containerd cmd/containerd/command/config.go @ v1.7.34 (`version = 2`); cmd/containerd/server/config/config.go + version.ConfigVersion @ v2.x';

export function defaultConfigVersion(containerd: Version): ConfigVersion {
  return CONFIG_DEFAULT_EMITS[clampContainerd(containerd).line as ContainerdMinor];
}

/**
 * Newest containerd line that reads a config `version` natively — what to assume when only the
 * file is known (1 and 2 → 1.7, 3 → 2.2, 4 → 2.3). For src/engine/target.ts.
 */
export function containerdForConfigVersion(configVersion: number): ContainerdMinor | undefined {
  const want = Math.max(configVersion, 2);
  let found: ContainerdMinor | undefined;
  for (const line of Object.keys(CONFIG_DEFAULT_EMITS) as ContainerdMinor[]) {
    if (maxConfigVersion(ver(line)).max === want) found = line;
  }
  return found;
}

/** A file without `version` is read as version 1 by every release (GetVersion(): 0 ⇒ 1). */
export const CONFIG_VERSION_WHEN_MISSING: ConfigVersion = 1;

/** First containerd release reading each config version (RELEASES.md @ v2.3.4 "Daemon Configuration"). */
export const CONFIG_VERSION_MIN_CONTAINERD: Readonly<Record<ConfigVersion, string>> = { 1: '1.0.0', 2: '1.3.0', 3: '2.0.0', 4: '2.3.0' };

/** `containerd config migrate` exists from 2.0 (cmd/containerd/command/config.go @ v2.2.7). */
export const CONFIG_MIGRATE_SINCE = '2.0.0';

export type ConfigVersionEffect = 'ok' | 'fatal' | 'cri-ignored' | 'migrated';

export interface ConfigVersionVerdict {
  effect: ConfigVersionEffect;
  message: string;
  source: string;
  note?: string;
}

/**
 * What a release does with a file declaring `version` (use 1 for a file without `version`).
 * `migrated`: older than the release's own version, converted in memory at every start.
 */
export function configVersionVerdict(containerd: Version, declared: number): ConfigVersionVerdict {
  const m = maxConfigVersion(containerd);
  const extra = m.note ? { note: m.note } : {};
  if (declared > m.max) {
    if (m.enforced) {
      return {
        effect: 'fatal',
        message: m.max === 2 ? `containerd config version \`${declared}\` is not supported, the max version is \`2\`` : `expected containerd config version equal to or less than \`${m.max}\`, got \`${declared}\``,
        source: m.source,
        ...extra,
      };
    }
    return {
      effect: 'cri-ignored',
      message: `version ${declared} passes validation but its io.containerd.cri.v1.* sections are silently ignored (no such plugins before 2.0)`,
      source: m.source,
      ...extra,
    };
  }
  if (m.max >= 3 && declared < m.max) {
    return { effect: 'migrated', message: `version ${declared} is migrated in memory on every start; \`containerd config migrate\` converts it`, source: m.source, ...extra };
  }
  return { effect: 'ok', message: `version ${declared} is read natively`, source: m.source, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Sandbox (pause) image

export const DEFAULT_SANDBOX_IMAGE: readonly ({ since: string; image: string } & Sourced)[] = [
  { since: '1.6.0', image: 'k8s.gcr.io/pause:3.6', source: 'containerd/containerd pkg/cri/config/config_unix.go @ v1.6.0–v1.6.8' },
  { since: '1.6.9', image: 'registry.k8s.io/pause:3.6', source: 'containerd/containerd pkg/cri/config/config_unix.go @ v1.6.9–v1.6.39' },
  { since: '1.7.0', image: 'registry.k8s.io/pause:3.8', source: 'containerd/containerd pkg/cri/config/config_unix.go @ v1.7.0–v1.7.34' },
  { since: '2.0.0', image: 'registry.k8s.io/pause:3.10', source: 'containerd/containerd internal/cri/config/config.go DefaultSandboxImage @ v2.0.0–v2.1.9 (PR #10258)' },
  { since: '2.2.0', image: 'registry.k8s.io/pause:3.10.1', source: 'containerd/containerd internal/cri/config/config.go DefaultSandboxImage @ v2.2.0–v2.2.7' },
  { since: '2.3.0', image: 'registry.k8s.io/pause:3.10.2', source: 'containerd/containerd internal/cri/config/config.go DefaultSandboxImage @ v2.3.0–v2.3.4' },
];

export function defaultSandboxImage(containerd: Version): { image: string; note?: string } & Sourced {
  const c = clampContainerd(containerd);
  const e = pickSince(DEFAULT_SANDBOX_IMAGE, c.version)!;
  return c.note ? { image: e.image, source: e.source, note: c.note } : { image: e.image, source: e.source };
}

// ---------------------------------------------------------------------------------------------
// SystemdCgroup

/** runc option `SystemdCgroup` defaults to false in every release (no auto-detection; containerd issues #7319, #6644). */
export const SYSTEMD_CGROUP_DEFAULT = false;

export const CONFIG_DEFAULT_SHOWS_SYSTEMD_CGROUP: readonly ({ since: string; shown: boolean } & Sourced)[] = [
  { since: '1.6.0', shown: true, source: 'containerd/containerd pkg/cri/config @ v1.6.x/v1.7.x (`SystemdCgroup = false` in `config default`)' },
  { since: '2.0.0', shown: false, source: 'containerd/containerd commit 07c2ae12e "Remove v1 runctypes" (v2.0.0)' },
  { since: '2.0.7', shown: true, source: 'containerd/containerd commit 56cde7d2c backport (internal/cri/config has SystemdCgroup @ v2.0.7+); issue #12101' },
  { since: '2.1.0', shown: false, source: 'containerd/containerd internal/cri/config @ v2.1.0–v2.1.4 (no SystemdCgroup)' },
  { since: '2.1.5', shown: true, source: 'containerd/containerd commit 56cde7d2c backport (v2.1.5+)' },
  { since: '2.2.0', shown: true, source: 'containerd/containerd commit 56cde7d2c "add SystemdCgroup to default runtime options" (v2.2.0)' },
];

/**
 * Whether `containerd config default` prints `SystemdCgroup = false` (missing in 2.0.0–2.0.6 and
 * 2.1.0–2.1.4, where `sed 's/SystemdCgroup = false/SystemdCgroup = true/'` silently does nothing).
 */
export function configDefaultShowsSystemdCgroup(containerd: Version): boolean {
  return pickSince(CONFIG_DEFAULT_SHOWS_SYSTEMD_CGROUP, clampContainerd(containerd).version)!.shown;
}

// ---------------------------------------------------------------------------------------------
// RuntimeConfig (cgroup driver reported to the kubelet)

export const RUNTIME_CONFIG_SINCE: Readonly<Record<CriRuntime, { since: string } & Sourced>> = {
  containerd: {
    since: '2.0.0',
    source: 'containerd/containerd internal/cri/server/runtime_config_linux.go @ v2.0.0 (PR #8722); kubernetes/website feature-gates/KubeletCgroupDriverFromCRI.md',
  },
  crio: { since: '1.28.0', source: 'cri-o/cri-o server/runtime_config.go, commit ecd7f9a3ec (first tag v1.28.0)' },
  'cri-dockerd': {
    since: '0.3.17',
    source:
      'Mirantis/cri-dockerd core/docker_service.go RuntimeConfig: commit d3c4a89f (backport PR #425, first tag v0.3.17, 2025-04-01) and 680cec44 (first tag v0.4.0); absent in v0.3.16',
  },
};

/** Whether the runtime answers CRI RuntimeConfig with its cgroup driver. */
export function runtimeReportsCgroupDriver(runtime: CriRuntime, version: Version): boolean {
  const r = RUNTIME_CONFIG_SINCE[runtime];
  if (runtime === 'containerd') return atLeastLoose(clampContainerd(version).version, r.since);
  return atLeastLoose(version, r.since);
}

/**
 * Whether the kubelet takes its cgroup driver from the runtime (its own `cgroupDriver` is then
 * ignored): gate KubeletCgroupDriverFromCRI on (its default unless `gateSetting` says otherwise)
 * and the runtime implements RuntimeConfig.
 */
export function kubeletCgroupDriverFromRuntime(k8s: Version, runtime: CriRuntime, runtimeVersion: Version, gateSetting?: boolean): boolean {
  const gate = gateSetting ?? gateDefault(k8s, 'KubeletCgroupDriverFromCRI') ?? false;
  return gate && runtimeReportsCgroupDriver(runtime, runtimeVersion);
}

// ---------------------------------------------------------------------------------------------
// CRI plugin IDs and key paths

export interface CriPluginIds {
  /** v1/v2: the single CRI plugin; v3/v4: the CRI gRPC/streaming server plugin. */
  server: string;
  /** Runtime settings (runtimes, CNI, kernel knobs): same as server in v1/v2. */
  runtime: string;
  /** Image settings (snapshotter, registry, pinned images): same as server in v1/v2. */
  images: string;
}

export const CRI_PLUGIN_IDS: Readonly<Record<ConfigVersion, CriPluginIds>> = {
  1: { server: 'cri', runtime: 'cri', images: 'cri' },
  2: { server: 'io.containerd.grpc.v1.cri', runtime: 'io.containerd.grpc.v1.cri', images: 'io.containerd.grpc.v1.cri' },
  3: { server: 'io.containerd.grpc.v1.cri', runtime: 'io.containerd.cri.v1.runtime', images: 'io.containerd.cri.v1.images' },
  4: { server: 'io.containerd.grpc.v1.cri', runtime: 'io.containerd.cri.v1.runtime', images: 'io.containerd.cri.v1.images' },
};
export const CRI_PLUGIN_IDS_SOURCE =
  'containerd/containerd pkg/cri/cri.go @ v1.7.34 (GRPCPlugin "cri"); plugins/types.go, plugins/cri/{cri.go,runtime/plugin.go,images/plugin.go} @ v2.2.7';

/** IDs `disabled_plugins` needs to remove the CRI service the kubelet talks to. */
export function criDisableIds(configVersion: ConfigVersion): readonly string[] {
  return [CRI_PLUGIN_IDS[configVersion].server];
}

export type CriSetting =
  | 'systemdCgroup'
  | 'runtimeType'
  | 'defaultRuntimeName'
  | 'sandboxImage'
  | 'snapshotter'
  | 'registryConfigPath'
  | 'registryMirrors'
  | 'cniBinDir'
  | 'cniBinDirs'
  | 'cniConfDir'
  | 'enableUnprivilegedPorts'
  | 'enableUnprivilegedIcmp'
  | 'enableCdi'
  | 'grpcAddress';

/**
 * Where a setting lives in a file of a given config version (segments for a TOML tree lookup).
 * `runtime` names the runtime class for runtime-scoped settings. undefined: not expressible
 * (e.g. `cniBinDirs` before v3 files, where 2.1+ migration converts `bin_dir` instead).
 */
export function criKeyPath(setting: CriSetting, configVersion: ConfigVersion, runtime = 'runc'): readonly string[] | undefined {
  const ids = CRI_PLUGIN_IDS[configVersion];
  const rt = ['plugins', ids.runtime];
  const im = ['plugins', ids.images];
  const legacy = configVersion <= 2;
  switch (setting) {
    case 'systemdCgroup':
      return [...rt, 'containerd', 'runtimes', runtime, 'options', 'SystemdCgroup'];
    case 'runtimeType':
      return [...rt, 'containerd', 'runtimes', runtime, 'runtime_type'];
    case 'defaultRuntimeName':
      return [...rt, 'containerd', 'default_runtime_name'];
    case 'sandboxImage':
      return legacy ? [...rt, 'sandbox_image'] : [...im, 'pinned_images', 'sandbox'];
    case 'snapshotter':
      return legacy ? [...rt, 'containerd', 'snapshotter'] : [...im, 'snapshotter'];
    case 'registryConfigPath':
      return [...im, 'registry', 'config_path'];
    case 'registryMirrors':
      return [...im, 'registry', 'mirrors'];
    case 'cniBinDir':
      return [...rt, 'cni', 'bin_dir'];
    case 'cniBinDirs':
      return legacy ? undefined : [...rt, 'cni', 'bin_dirs'];
    case 'cniConfDir':
      return [...rt, 'cni', 'conf_dir'];
    case 'enableUnprivilegedPorts':
      return [...rt, 'enable_unprivileged_ports'];
    case 'enableUnprivilegedIcmp':
      return [...rt, 'enable_unprivileged_icmp'];
    case 'enableCdi':
      return [...rt, 'enable_cdi'];
    case 'grpcAddress':
      return configVersion === 4 ? ['plugins', 'io.containerd.server.v1.grpc', 'address'] : ['grpc', 'address'];
  }
}

// ---------------------------------------------------------------------------------------------
// v1 short plugin IDs → URIs, and IDs renamed in 2.0

/** `v1MigratePluginName` corePlugins (cmd/containerd/server/config/config.go @ v2.2.7, read in the snapshot). */
export const V1_PLUGIN_URIS: Readonly<Record<string, string>> = {
  cri: 'io.containerd.grpc.v1.cri',
  cgroups: 'io.containerd.monitor.v1.cgroups',
  linux: 'io.containerd.runtime.v1.linux',
  scheduler: 'io.containerd.gc.v1.scheduler',
  bolt: 'io.containerd.metadata.v1.bolt',
  task: 'io.containerd.runtime.v2.task',
  opt: 'io.containerd.internal.v1.opt',
  restart: 'io.containerd.internal.v1.restart',
  tracing: 'io.containerd.internal.v1.tracing',
  otlp: 'io.containerd.tracing.processor.v1.otlp',
  aufs: 'io.containerd.snapshotter.v1.aufs',
  btrfs: 'io.containerd.snapshotter.v1.btrfs',
  devmapper: 'io.containerd.snapshotter.v1.devmapper',
  native: 'io.containerd.snapshotter.v1.native',
  overlayfs: 'io.containerd.snapshotter.v1.overlayfs',
  zfs: 'io.containerd.snapshotter.v1.zfs',
};
export const V1_PLUGIN_URIS_SOURCE = 'containerd/containerd cmd/containerd/server/config/config.go v1MigratePluginName @ v2.2.7; PR #10907 (also applied to disabled_plugins/required_plugins)';

/**
 * The URI containerd 2.x gives a v1 short plugin ID (`cri` → `io.containerd.grpc.v1.cri`).
 * `ambiguous`: containerd guesses and warns "Ambiguous %s plugin in v1 config, treating as %s".
 */
export function v1PluginUri(id: string): { uri: string; ambiguous: boolean } {
  if (id.includes('.')) return { uri: id, ambiguous: false };
  const core = own(V1_PLUGIN_URIS, id);
  if (core) return { uri: core, ambiguous: false };
  if (id.endsWith('-service')) return { uri: `io.containerd.service.v1.${id}`, ambiguous: false };
  if (id === 'windows' || id === 'windows-lcow') return { uri: `io.containerd.snapshotter.v1.${id}`, ambiguous: true };
  return { uri: `io.containerd.grpc.v1.${id}`, ambiguous: true };
}

export interface PluginRename extends Sourced {
  from: string;
  to: string;
  /** containerd version of the rename. */
  since: string;
  /** The v2→v3 migration renames `[plugins."<from>"]` tables only, never disabled_plugins/required_plugins entries. */
  migratesTables: boolean;
}

/**
 * Plugin IDs renamed in 2.0 (the CRI split of `io.containerd.grpc.v1.cri` is in
 * V2_TO_V3_CRI_KEYS; that ID stays as the CRI server). In `disabled_plugins` the old ID is a silent no-op on 2.x; in
 * `required_plugins` it is fatal ("required plugin … not included").
 */
export const PLUGIN_IDS_RENAMED: readonly PluginRename[] = [
  { from: 'io.containerd.monitor.v1.cgroups', to: 'io.containerd.monitor.task.v1.cgroups', since: '2.0.0', migratesTables: true, source: 'containerd/containerd core/metrics/cgroups/cgroups.go ConfigMigration @ v2.2.7' },
  { from: 'io.containerd.internal.v1.restart', to: 'io.containerd.monitor.container.v1.restart', since: '2.0.0', migratesTables: true, source: 'containerd/containerd plugins/restart/monitor.go ConfigMigration @ v2.2.7' },
];

/** The plugin ID a 2.x release uses for an ID found in `disabled_plugins`/`required_plugins`; undefined when not renamed. */
export function renamedPluginId(containerd: Version, id: string): string | undefined {
  const at = clampContainerd(containerd).version;
  const r = PLUGIN_IDS_RENAMED.find((p) => p.from === id);
  return r && atLeastLoose(at, r.since) ? r.to : undefined;
}

/**
 * Whether containerd runs the plugin migrations on a v1 (version-less) file's CRI settings.
 * 2.0–2.2 migrate a v1 file straight to version 3 in LoadConfig, so (by code reading) no plugin
 * ConfigMigration runs and `[plugins.cri…]` settings end up as "Ignoring unknown key"; 2.3 fixed the flow.
 */
export const V1_CRI_SETTINGS_MIGRATED: readonly ({ since: string; migrated: boolean } & Sourced)[] = [
  { since: '1.6.0', migrated: true, source: 'containerd 1.x reads v1 files natively (services/server/config/config.go)' },
  {
    since: '2.0.0',
    migrated: false,
    source: 'containerd/containerd cmd/containerd/server/config/config.go LoadConfig + cmd/containerd/server/server.go New @ v2.2.7',
    uncertain: true,
    why: 'inference from code reading, not runtime-tested (reference containerd.md §1.3)',
  },
  { since: '2.3.0', migrated: true, source: 'containerd/containerd commit 0d7fee062 LoadConfigWithPlugins (per-file step-by-step migration) @ v2.3.0' },
];

export function v1CriSettingsMigrated(containerd: Version): boolean {
  return pickSince(V1_CRI_SETTINGS_MIGRATED, clampContainerd(containerd).version)!.migrated;
}

/**
 * containerd releases before these expand a relative glob in `imports` against the daemon's working
 * directory (`/` under systemd) instead of the importing file's directory: resolveImports globbed
 * first and joined relative paths only when there was no `*` (services/server/config/config.go
 * @ v1.6.20 and @ v1.7.15). Fixed by containerd/containerd#9746 (issue #9745; 2.0), backported in
 * 0f2068a7 (first tag v1.6.29) and 62e9535f (first tag v1.7.16). The installed 1.6.20 shows it:
 * test/differential.test.ts.
 */
export const RELATIVE_GLOB_IMPORTS_FIXED: Readonly<Record<string, string>> & Sourced = {
  '1.6': '1.6.29',
  '1.7': '1.7.16',
  source: 'containerd/containerd#9746 (issue #9745); backports 0f2068a7 (v1.6.29), 62e9535f (v1.7.16); resolveImports, services/server/config/config.go @ v1.6.20 vs v1.6.29',
};

/** Does containerd `v` expand relative glob imports against its working directory (before the fix)? */
export function globsImportsFromWorkingDir(v: Version): boolean {
  if (v.major >= 2) return false;
  if (v.major < 1 || v.minor < 6) return true;
  const fixed = v.minor === 6 ? RELATIVE_GLOB_IMPORTS_FIXED['1.6']! : v.minor === 7 ? RELATIVE_GLOB_IMPORTS_FIXED['1.7']! : null;
  return fixed !== null && !atLeastLoose(v, fixed);
}
