/**
 * CRI-O facts: where it reads its configuration and how files merge, defaults per release, the
 * conmon cgroup rules, and which CRI-O release a Kubernetes minor runs with.
 * Facts from ../shared/reference/crictl-crio-docker-sysctl.md §2, each re-checked in a cri-o/cri-o
 * snapshot (HEAD f954a17e505f = v1.36.0-191) and at the release tags named per entry
 * (`git show <tag>:<path>`).
 */
import { cmpVersion, type Version } from '../core/version.js';
import { clampKubernetes, pickSince, ver, type Sourced } from './lookup.js';

// ---------------------------------------------------------------------------------------------
// Files

/** `--config` default (pkg/config/config_unix.go CrioConfigPath @ f954a17e). */
export const CRIO_CONFIG_PATH = '/etc/crio/crio.conf';
/** `--config-dir` default (pkg/config/config_unix.go CrioConfigDropInPath @ f954a17e). */
export const CRIO_DROPIN_DIR = '/etc/crio/crio.conf.d';

/**
 * CRI-O's systemd unit, as packaged (cri-o/packaging templates/latest/cri-o/bundle/crio.service, the
 * same in cri-o/cri-o contrib/systemd/crio.service): `EnvironmentFile=-/etc/sysconfig/crio` and
 * `ExecStart=…/crio $CRIO_CONFIG_OPTIONS $CRIO_RUNTIME_OPTIONS $CRIO_STORAGE_OPTIONS
 * $CRIO_NETWORK_OPTIONS $CRIO_METRICS_OPTIONS`, so flags come from the unit, its drop-ins and the
 * variables of that file. (`cri-o.service` is an Alias= of it, a link made when it is enabled.)
 */
export const CRIO_UNIT: { name: string } & Sourced = {
  name: 'crio.service',
  source: 'cri-o/packaging templates/latest/cri-o/bundle/crio.service @ b111fe95; cri-o/cri-o contrib/systemd/crio.service @ f954a17e',
};

/**
 * The settings crilint reads that crio's command line overrides (internal/criocli/criocli.go
 * mergeConfig: `if ctx.IsSet("cgroup-manager") { config.CgroupManagerName = … }`, after every file
 * is decoded). urfave/cli counts a flag as set when it is given or when its environment variable is
 * (EnvVars), so the flag wins over the variable, and both over the files. The same flags and
 * variables in every release read (v1.28.0 to v1.36.0 and f954a17e).
 */
export const CRIO_CLI_SETTINGS: Readonly<Record<'cgroupManager' | 'conmonCgroup' | 'pauseImage' | 'listen' | 'logLevel' | 'config' | 'configDir', { flag: string; env: string; key: string | null }>> = {
  cgroupManager: { flag: 'cgroup-manager', env: 'CONTAINER_CGROUP_MANAGER', key: 'cgroup_manager' },
  conmonCgroup: { flag: 'conmon-cgroup', env: 'CONTAINER_CONMON_CGROUP', key: 'conmon_cgroup' },
  pauseImage: { flag: 'pause-image', env: 'CONTAINER_PAUSE_IMAGE', key: 'pause_image' },
  listen: { flag: 'listen', env: 'CONTAINER_LISTEN', key: 'listen' },
  logLevel: { flag: 'log-level', env: 'CONTAINER_LOG_LEVEL', key: 'log_level' },
  config: { flag: 'config', env: 'CONTAINER_CONFIG', key: null },
  configDir: { flag: 'config-dir', env: 'CONTAINER_CONFIG_DIR', key: null },
};
export const CRIO_CLI: Sourced = {
  source: 'cri-o/cri-o internal/criocli/criocli.go (getCrioFlags: Name, Aliases, EnvVars; mergeConfig: ctx.IsSet) @ v1.28.0–v1.36.0, f954a17e; urfave/cli v2 (flag.FlagSet: one or two dashes, `--name=value` or `--name value`; a boolean flag takes no separate value)',
};

/** crio's flag aliases (one-letter and `tz`), to their names. */
export const CRIO_FLAG_ALIASES: Readonly<Record<string, string>> = { c: 'config', d: 'config-dir', l: 'log-level', r: 'root', s: 'storage-driver', tz: 'timezone' };

/**
 * crio's subcommands (urfave/cli: a first word that names one runs it instead of the daemon) and the
 * error for any other word that is not a flag: cmd/crio/main.go `app.Commands` (criocli
 * DefaultCommands: complete/completion, man, markdown/md; then config, publish, status, version,
 * wipe, and check from v1.31.0) and the main action's `command %q not supported`, v1.28.0–v1.36.0.
 */
export const CRIO_ARGS: { subcommands: Readonly<Record<string, string | null>>; error: string } & Sourced = {
  subcommands: { complete: null, completion: null, man: null, markdown: null, md: null, config: null, publish: null, status: null, version: null, wipe: null, check: '1.31' },
  error: 'command %q not supported',
  source: 'cri-o/cri-o cmd/crio/main.go (app.Commands, app.Action: c.Args().Len() > 0) and internal/criocli/criocli.go DefaultCommands @ v1.28.0, v1.31.0, v1.36.0',
};

/**
 * crio's boolean flags (never followed by a separate value), union of v1.28.0–v1.36.0 and f954a17e
 * (`nri-disable-connections` took a value before v1.32.0: CRIO_BOOLEAN_SINCE).
 */
export const CRIO_BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'add-inheritable-capabilities', 'auto-reload-registries', 'blockio-reload', 'device-ownership-from-security-context', 'disable-hostport-mapping',
  'drop-infra-ctr', 'enable-criu-support', 'enable-metrics', 'enable-nri', 'enable-pod-events', 'enable-profile-unix-socket', 'enable-tracing',
  'hostnetwork-disable-selinux', 'internal-repair', 'internal-wipe', 'log-journald', 'no-pivot', 'nri-disable-connections', 'nri-enable-default-validator',
  'nri-validator-reject-custom-seccomp-adjustment', 'nri-validator-reject-namespace-adjustment', 'nri-validator-reject-oci-hook-adjustment',
  'nri-validator-reject-runtime-default-seccomp-adjustment', 'nri-validator-reject-unconfined-seccomp-adjustment', 'oci-artifact-mount-support', 'profile',
  'read-only', 'seccomp-use-default-when-empty', 'selinux', 'stream-enable-tls',
]);

/**
 * Flags of CRIO_BOOLEAN_FLAGS that were not boolean in every release, with the first release where
 * they are: the only one from v1.28.0 to v1.36.0 is `nri-disable-connections`, a cli.StringFlag
 * until v1.31 and a cli.BoolFlag from v1.32.0 (internal/criocli/criocli.go getCrioFlags).
 */
export const CRIO_BOOLEAN_SINCE: { flags: Readonly<Record<string, string>> } & Sourced = {
  flags: { 'nri-disable-connections': '1.32' },
  source: 'cri-o/cri-o internal/criocli/criocli.go getCrioFlags @ v1.28.0–v1.36.0 (flag types compared at every minor)',
};

/** CRIO_BOOLEAN_FLAGS as a release has them: without the flags CRIO_BOOLEAN_SINCE says take a value there. */
export function crioBooleanFlags(crio: Version): ReadonlySet<string> {
  const valued = Object.keys(CRIO_BOOLEAN_SINCE.flags).filter((n) => cmpVersion(crio, ver(CRIO_BOOLEAN_SINCE.flags[n]!)) < 0);
  return valued.length ? new Set([...CRIO_BOOLEAN_FLAGS].filter((n) => !valued.includes(n))) : CRIO_BOOLEAN_FLAGS;
}

/**
 * The flags crio defines, read from internal/criocli/criocli.go getCrioFlags (names and aliases) at
 * v1.28.0–v1.36.0, plus urfave/cli's own `help`/`h` and `version`/`v`. A flag crio does not define
 * stops it: urfave/cli parses with Go's flag package, which fails with "flag provided but not
 * defined: -NAME". Names are exact (`--cgroup_manager` is not `--cgroup-manager`).
 */
export const CRIO_FLAGS_ALL: readonly string[] = [
  'absent-mount-sources-to-reject', 'add-inheritable-capabilities', 'additional-devices', 'address', 'allowed-devices', 'apparmor-profile',
  'big-files-temporary-dir', 'bind-mount-prefix', 'blockio-config-file', 'c', 'cdi-spec-dirs', 'cgroup-manager', 'clean-shutdown-file',
  'cni-config-dir', 'cni-default-network', 'cni-plugin-dir', 'config', 'config-dir', 'conmon', 'conmon-cgroup', 'conmon-env',
  'container-attach-socket-dir', 'container-exits-dir', 'ctr-stop-timeout', 'd', 'decryption-keys-path', 'default-capabilities', 'default-env',
  'default-mounts-file', 'default-runtime', 'default-sysctls', 'default-transport', 'default-ulimits', 'device-ownership-from-security-context',
  'disable-hostport-mapping', 'drop-infra-ctr', 'enable-criu-support', 'enable-metrics', 'enable-nri', 'enable-pod-events',
  'enable-profile-unix-socket', 'enable-tracing', 'gid-mappings', 'global-auth-file', 'grpc-max-recv-msg-size', 'grpc-max-send-msg-size',
  'hooks-dir', 'hostnetwork-disable-selinux', 'image-volumes', 'infra-ctr-cpuset', 'insecure-registry', 'internal-repair', 'internal-wipe',
  'irqbalance-config-file', 'irqbalance-config-restore-file', 'l', 'listen', 'log', 'log-dir', 'log-filter', 'log-format', 'log-journald',
  'log-level', 'log-size-max', 'metrics-cert', 'metrics-collectors', 'metrics-key', 'metrics-port', 'metrics-socket', 'minimum-mappable-gid',
  'minimum-mappable-uid', 'namespaces-dir', 'no-pivot', 'nri-disable-connections', 'nri-listen', 'nri-plugin-config-dir', 'nri-plugin-dir',
  'nri-plugin-registration-timeout', 'nri-plugin-request-timeout', 'pause-command', 'pause-image', 'pause-image-auth-file', 'pids-limit',
  'pinned-images', 'pinns-path', 'profile', 'profile-cpu', 'profile-mem', 'profile-port', 'r', 'rdt-config-file', 'read-only', 'registries-conf',
  'registries-conf-dir', 'root', 'runroot', 'runtimes', 's', 'seccomp-profile', 'selinux', 'separate-pull-cgroup', 'signature-policy',
  'signature-policy-dir', 'stats-collection-period', 'storage-driver', 'storage-opt', 'stream-address', 'stream-enable-tls', 'stream-idle-timeout',
  'stream-port', 'stream-tls-ca', 'stream-tls-cert', 'stream-tls-key', 'tracing-endpoint', 'tracing-sampling-rate-per-million', 'uid-mappings',
  'version-file', 'version-file-persist',
  'h', 'help', 'v', 'version',
];
/** Flags of some of those releases only: the first CRI-O release that defines it, the first that no longer does. */
export const CRIO_FLAGS_RANGED: Readonly<Record<string, { since?: string; until?: string }>> = {
  'additional-artifact-stores': { since: '1.36' }, 'auto-reload-registries': { since: '1.30' }, 'blockio-reload': { since: '1.29' }, 'collection-period': { since: '1.30' },
  imagestore: { since: '1.29' }, 'included-pod-metrics': { since: '1.30' }, 'metrics-host': { since: '1.30' }, 'min-injected-gomaxprocs': { since: '1.36' },
  'namespaced-auth-dir': { since: '1.35' }, 'nri-enable-default-validator': { since: '1.34' }, 'nri-validator-reject-custom-seccomp-adjustment': { since: '1.34' },
  'nri-validator-reject-namespace-adjustment': { since: '1.34' }, 'nri-validator-reject-oci-hook-adjustment': { since: '1.34' },
  'nri-validator-reject-runtime-default-seccomp-adjustment': { since: '1.34' }, 'nri-validator-reject-unconfined-seccomp-adjustment': { since: '1.34' },
  'nri-validator-required-plugins': { since: '1.34' }, 'nri-validator-tolerate-missing-plugins-annotation': { since: '1.34' }, 'oci-artifact-mount-support': { since: '1.33' },
  'privileged-seccomp-profile': { since: '1.33' }, 'pull-progress-timeout': { since: '1.32' }, registry: { until: '1.31' }, 'seccomp-use-default-when-empty': { until: '1.30' },
  'shared-cpuset': { since: '1.29' }, 'short-name-mode': { since: '1.34' }, timezone: { since: '1.30' }, 'tls-cipher-suites': { since: '1.36' }, 'tls-min-version': { since: '1.36' },
  tz: { since: '1.30' },
};
export const CRIO_FLAGS: Sourced = {
  source: 'cri-o/cri-o internal/criocli/criocli.go getCrioFlags (Name, Aliases) @ v1.28.0, v1.29.0, …, v1.36.0; urfave/cli v2 HelpFlag/VersionFlag; Go flag package: "flag provided but not defined"',
};

const FLAGS_ALL = new Set(CRIO_FLAGS_ALL);

/** crio of release `crio` defines the flag `name` (as written, or an alias); a release outside 1.28–1.36 counts as the nearest one read. */
export function crioDefinesFlag(name: string, crio: Version): boolean {
  if (FLAGS_ALL.has(name)) return true;
  const e = Object.hasOwn(CRIO_FLAGS_RANGED, name) ? CRIO_FLAGS_RANGED[name]! : null;
  // Every since/until lies within the releases read, so a release outside them needs no clamping.
  return e !== null && (!e.since || cmpVersion(crio, ver(e.since)) >= 0) && (!e.until || cmpVersion(crio, ver(e.until)) < 0);
}

/**
 * How CRI-O combines its files (internal/criocli/criocli.go: UpdateFromFile(config) then
 * UpdateFromPath(config-dir); pkg/config/config.go UpdateFromDropInFile / UpdateFromPath @ f954a17e):
 */
export const CRIO_MERGE: Readonly<Record<'order' | 'decode' | 'lists' | 'maps' | 'storageOptions' | 'unknownKeys' | 'caseInsensitive', Sourced>> = {
  /** crio.conf first, then every regular file below crio.conf.d, recursively, names sorted per directory; no extension filter. */
  order: { source: 'cri-o/cri-o internal/criocli/criocli.go (UpdateFromFile, then UpdateFromPath); pkg/config/config.go UpdateFromPath: filepath.Walk, every non-directory @ f954a17e' },
  /** Each file is decoded on top of the configuration so far: keys a file does not set keep their value. */
  decode: { source: 'cri-o/cri-o pkg/config/config.go UpdateFromDropInFile: t.fromConfig(c); toml.Decode(data, t); t.toConfig(c) @ f954a17e' },
  /** An array replaces the earlier array (BurntSushi/toml unifySlice sets the length to the new array's). */
  lists: { source: 'cri-o/cri-o vendor/github.com/BurntSushi/toml/decode.go unifySlice (rv.SetLen(n)) @ f954a17e' },
  /**
   * A map entry (a runtime handler `[crio.runtime.runtimes.X]`, a workload, an annotation) is a fresh
   * value per file: re-declaring `[crio.runtime.runtimes.crun]` drops every field an earlier file set
   * in it; entries of other names stay.
   */
  maps: { source: 'cri-o/cri-o vendor/github.com/BurntSushi/toml/decode.go unifyMap: reflect.New(rv.Type().Elem()) per key, SetMapIndex @ f954a17e' },
  /** `storage_option` is the exception: the earlier and the new options, duplicates removed (the last one kept). */
  storageOptions: { source: 'cri-o/cri-o pkg/config/config.go UpdateFromDropInFile + removeDupStorageOpts @ f954a17e' },
  /** Unknown keys (and keys in the wrong table) are ignored without a word: the decode metadata is discarded. */
  unknownKeys: { source: 'cri-o/cri-o pkg/config/config.go UpdateFromDropInFile: `_, err = toml.Decode(...)`, no Undecoded() check @ f954a17e' },
  /** Struct fields match case-insensitively (an exact match first, then strings.EqualFold). */
  caseInsensitive: { source: 'cri-o/cri-o vendor/github.com/BurntSushi/toml/decode.go unifyStruct (strings.EqualFold) @ f954a17e' },
};

/** The tables whose keys are map keys (names), not struct fields: each entry is replaced whole per file. */
export const CRIO_MAP_TABLES: readonly (readonly string[])[] = [
  ['crio', 'runtime', 'runtimes'],
  ['crio', 'runtime', 'workloads'],
  ['crio', 'runtime', 'runtimes', '*', 'platform_runtime_paths'],
  ['crio', 'runtime', 'runtimes', '*', 'default_annotations'],
];

// ---------------------------------------------------------------------------------------------
// Defaults

/** `[crio.api] listen`: a plain path (net.Listen("unix", …)), the same in every release read (v1.26.0, v1.30.0, v1.36.0). */
export const CRIO_DEFAULT_LISTEN: { path: string } & Sourced = {
  path: '/var/run/crio/crio.sock',
  source: 'cri-o/cri-o pkg/config/config_unix.go CrioSocketPath @ v1.26.0, v1.30.0, v1.36.0; cmd/crio/main.go net.Listen("unix", config.Listen)',
};

/** `[crio.runtime] cgroup_manager`: systemd in every release; only systemd and cgroupfs are accepted. */
export const CRIO_CGROUP_MANAGER: { default: 'systemd'; values: readonly ['systemd', 'cgroupfs'] } & Sourced = {
  default: 'systemd',
  values: ['systemd', 'cgroupfs'],
  source: 'cri-o/cri-o internal/config/cgmgr/cgmgr_linux.go DefaultCgroupManager = systemdCgroupManager; SetCgroupManager: "invalid cgroup manager: %s" @ f954a17e',
};

/** `[crio.runtime] default_runtime` when not set. */
export const CRIO_DEFAULT_RUNTIME: readonly ({ since: string; name: string } & Sourced)[] = [
  { since: '1.24.0', name: 'runc', source: 'cri-o/cri-o pkg/config/config_linux.go defaultRuntime = "runc" @ v1.26.0–v1.30.0' },
  { since: '1.31.0', name: 'crun', source: 'cri-o/cri-o pkg/config/config_linux.go DefaultRuntime = "crun" @ v1.31.0, v1.36.0' },
];

/** Default `[crio.image] pause_image` per release. */
export const CRIO_DEFAULT_PAUSE_IMAGE: readonly ({ since: string; image: string } & Sourced)[] = [
  { since: '1.24.0', image: 'registry.k8s.io/pause:3.6', source: 'cri-o/cri-o pkg/config/config.go DefaultPauseImage @ v1.24.0, v1.25.0, v1.26.0, v1.27.0' },
  { since: '1.28.0', image: 'registry.k8s.io/pause:3.9', source: 'cri-o/cri-o pkg/config DefaultPauseImage @ v1.28.0, v1.30.0' },
  { since: '1.31.0', image: 'registry.k8s.io/pause:3.10', source: 'cri-o/cri-o pkg/config/config_linux.go DefaultPauseImage @ v1.31.0, v1.33.0' },
  { since: '1.34.0', image: 'registry.k8s.io/pause:3.10.1', source: 'cri-o/cri-o pkg/config/config_linux.go DefaultPauseImage @ v1.34.0, f954a17e' },
];

/**
 * The monitor (conmon) cgroup: a non-empty `[crio.runtime] conmon_cgroup` overrides every oci
 * handler's `monitor_cgroup`; empty with systemd means `system.slice`. At start-up, with systemd it
 * must be `pod` or end in `.slice` ("conmon cgroup should be 'pod' or a systemd slice"); with
 * cgroupfs it must be `pod` or empty — `system.slice` (the systemd default) is quietly turned into
 * empty ("cgroupfs manager conmon cgroup should be 'pod' or empty, but got: '%s'"). Only handlers
 * with runtime_type "oci" or "" are checked.
 */
export const CRIO_MONITOR_CGROUP: { systemdDefault: string; pod: string } & Sourced = {
  systemdDefault: 'system.slice',
  pod: 'pod',
  source: 'cri-o/cri-o pkg/config/config.go TranslateMonitorFields / TranslateMonitorFieldsForHandler; pkg/config/config_linux.go defaultMonitorCgroup @ f954a17e',
};

/** Why CRI-O refuses a monitor cgroup, or null when it accepts it. */
export function crioMonitorCgroupError(manager: 'systemd' | 'cgroupfs', value: string): string | null {
  if (manager === 'systemd') {
    const v = value === '' ? CRIO_MONITOR_CGROUP.systemdDefault : value;
    return v === CRIO_MONITOR_CGROUP.pod || v.endsWith('.slice') ? null : "conmon cgroup should be 'pod' or a systemd slice";
  }
  const v = value === CRIO_MONITOR_CGROUP.systemdDefault ? '' : value;
  return v === CRIO_MONITOR_CGROUP.pod || v === '' ? null : `cgroupfs manager conmon cgroup should be 'pod' or empty, but got: '${v}'`;
}

// ---------------------------------------------------------------------------------------------
// Versions

/**
 * CRI-O follows the Kubernetes release cycle with its minor versions: CRI-O 1.N is the release for
 * Kubernetes 1.N (cri-o/cri-o README.md "Compatibility matrix: CRI-O ⬄ Kubernetes" @ f954a17e). So the
 * CRI-O a node runs is taken to be the target Kubernetes minor.
 */
export const CRIO_FOLLOWS_KUBERNETES: Sourced = { source: 'cri-o/cri-o README.md "Compatibility matrix: CRI-O ⬄ Kubernetes" @ f954a17e' };

/** The CRI-O release assumed for a Kubernetes version: the same minor line (clamped to the tables). */
export function crioForKubernetes(k8s: Version): Version {
  const line = clampKubernetes(k8s).version;
  return { major: line.major, minor: line.minor };
}

export function crioDefaultRuntime(crio: Version): string {
  return pickSince(CRIO_DEFAULT_RUNTIME, crio)?.name ?? CRIO_DEFAULT_RUNTIME[0]!.name;
}

export function crioDefaultPauseImage(crio: Version): string {
  return pickSince(CRIO_DEFAULT_PAUSE_IMAGE, crio)?.image ?? CRIO_DEFAULT_PAUSE_IMAGE[0]!.image;
}
