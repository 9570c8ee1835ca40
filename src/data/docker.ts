/**
 * Docker Engine (dockerd) and cri-dockerd facts: files, the cgroup driver and its default, how
 * dockerd rejects a setting given both in daemon.json and as a flag, cri-dockerd's socket, pause
 * image and RuntimeConfig. Facts from ../shared/reference/crictl-crio-docker-sysctl.md §3, checked in
 * moby/moby (daemon/config/config.go @ 00285a557b63; daemon/daemon_unix.go; cmd/dockerd
 * installCommonConfigFlags, options.go) and Mirantis/cri-dockerd (@ 246bd65780eb = v0.4.1-20, and the
 * tags named per entry).
 */
import { posix } from 'node:path';
import { cmpVersion, type Version } from '../core/version.js';
import { LOGRUS_LEVELS, pickSince, ver, type Sourced } from './lookup.js';

/** dockerd's `--config-file` default on Linux. */
export const DOCKER_DAEMON_JSON = '/etc/docker/daemon.json';

/** Directories systemd reads unit files from, highest precedence first (systemd.unit(5) "Unit File Load Path"). */
export const SYSTEMD_UNIT_DIRS: readonly string[] = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

export const DOCKER_UNITS = { dockerd: 'docker.service', criDockerd: 'cri-docker.service', criDockerdSocket: 'cri-docker.socket' } as const;

/** Which unit a loose unit file belongs to, by its name or its drop-in directory. */
export function unitOfPath(path: string): string | null {
  const name = posix.basename(path);
  const dir = posix.basename(posix.dirname(path));
  for (const u of Object.values(DOCKER_UNITS)) if (name === u || dir === `${u}.d`) return u;
  return null;
}


/**
 * The cgroup driver dockerd uses: `native.cgroupdriver` of exec-opts (daemon.json `exec-opts` or
 * `--exec-opt`), which must be `cgroupfs` or `systemd` ("native.cgroupdriver option %s not
 * supported"); without it, systemd on a cgroup v2 host booted with systemd, else cgroupfs. The host's
 * cgroup version is not in any file, so an unset driver is undecided for crilint.
 */
export const DOCKER_CGROUP_DRIVER: { values: readonly ['cgroupfs', 'systemd'] } & Sourced = {
  values: ['cgroupfs', 'systemd'],
  source: 'moby/moby daemon/daemon_unix.go UsingSystemd ("On cgroup v2 hosts, default to systemd driver"), verifyCgroupDriver; docker/cli docs/reference/commandline/dockerd.md',
};

/**
 * daemon.json keys that are named options of dockerd flags (the flag name differs from the key):
 * a flag given on the command line conflicts with its key in daemon.json. Other flags conflict with
 * the key of their own name (or shorthand). dockerd then refuses to start: "unable to configure the
 * Docker daemon with file /etc/docker/daemon.json: the following directives are specified both as a
 * flag and in the configuration file: hosts: (from flag: [fd://], from file: [unix:///var/run/docker.sock])".
 */
export const DOCKERD_NAMED_OPTIONS: Readonly<Record<string, string>> = {
  host: 'hosts',
  H: 'hosts',
  'exec-opt': 'exec-opts',
  'storage-opt': 'storage-opts',
  'authorization-plugin': 'authorization-plugins',
  'registry-mirror': 'registry-mirrors',
  'insecure-registry': 'insecure-registries',
  'default-network-opt': 'default-network-opts',
  feature: 'features',
};
export const DOCKERD_CONFLICTS: Sourced = {
  source:
    'moby/moby daemon/config/config.go findConfigurationConflicts (flags.Visit: NamedOption name, else flag name or shorthand; skipDuplicates: runtimes) @ 00285a557b63; cmd/dockerd installCommonConfigFlags (NewNamedListOptsRef) and options.go (hosts/-H)',
};
/**
 * dockerd's boolean flags (never followed by a separate value: `--debug -H fd://` is two flags),
 * union over DOCKERD_KEY_RELEASES of the Bool*Var flag definitions of cmd/dockerd (daemon/command
 * from 29.0), with the shorthands `-D` and `-v` (docker.go `flags.BoolP("version", "v", …)`) and cobra's `--help`/`-h`.
 */
export const DOCKERD_BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'allow-direct-routing', 'cri-containerd', 'debug', 'experimental', 'icc', 'init', 'ip-forward', 'ip-forward-no-drop', 'ip-masq', 'ip6tables', 'iptables',
  'ipv6', 'live-restore', 'no-new-privileges', 'raw-logs', 'restart', 'rootless', 'selinux-enabled', 'tls', 'tlsverify', 'userland-proxy', 'validate',
  'version', 'help', 'D', 'h', 'v',
]);
/**
 * dockerd flag shorthands and their long names (daemon/command config.go pidfile/p, log-level/l,
 * restart/r; config_unix.go group/G, storage-driver/s, bridge/b; options.go debug/D, host/H; docker.go
 * version/v; cobra's help/h; at the 20.10, 29.5 and 29.7 commits of DOCKERD_KEY_RELEASES). A shorthand is never a daemon.json key.
 */
export const DOCKERD_SHORTHANDS: Readonly<Record<string, string>> = { b: 'bridge', D: 'debug', G: 'group', H: 'host', h: 'help', l: 'log-level', p: 'pidfile', r: 'restart', s: 'storage-driver', v: 'version' };

/**
 * The levels dockerd accepts for `log-level` (daemon.json) and `--log-level`/`-l`, case-insensitive.
 * 20.10–24.0 parse it with logrus.ParseLevel (data LOGRUS_LEVELS), which takes `warning` too; from 25.0 a fixed list
 * without it (daemon/config/config.go validateDaemonLogConfig: "These are valid. See [log.SetLevel]").
 * Any other value stops dockerd: "unable to parse logging level: X" (20.10, cmd/dockerd/daemon.go;
 * the dockerd 20.10 oracle prints it), "invalid logging level: X" from 23.0.
 */
export const DOCKERD_LOG_LEVELS: readonly ({ since: string; levels: readonly string[]; error: string } & Sourced)[] = [
  { since: '20.10', levels: LOGRUS_LEVELS.levels, error: 'unable to parse logging level: ', source: 'moby/moby cmd/dockerd/daemon.go configureDaemonLogs @ v20.10.0 (logrus.ParseLevel); the dockerd 20.10 oracle' },
  { since: '23.0', levels: LOGRUS_LEVELS.levels, error: 'invalid logging level: ', source: 'moby/moby daemon/config/config.go Validate @ v23.0.0, v24.0.0 (logrus.ParseLevel)' },
  {
    since: '25.0',
    levels: ['panic', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'],
    error: 'invalid logging level: ',
    source: 'moby/moby daemon/config/config.go validateDaemonLogConfig @ v25.0.0, v26.0.0, docker-v29.0.0, docker-v29.7.0 (a fixed list, lower-cased)',
  },
];

/** The log-level entry of DOCKERD_LOG_LEVELS for a release of DOCKERD_KEY_RELEASES. */
export function dockerdLogLevels(release: string): (typeof DOCKERD_LOG_LEVELS)[number] {
  return pickSince(DOCKERD_LOG_LEVELS, ver(release)) ?? DOCKERD_LOG_LEVELS[0]!;
}

/** dockerd takes no arguments besides its flags (cobra `Args: NoArgs`): any other word stops it. */
export const DOCKERD_NO_ARGS: { error: string } & Sourced = {
  error: '"dockerd" accepts no argument(s).',
  source: 'moby/moby daemon/command/docker.go `Args: NoArgs`, daemon/command/required.go NoArgs (main @ b985e231); cmd/dockerd/docker.go `Args: cli.NoArgs` at v20.10.0; dockerd 20.10 prints it for `dockerd foo` and for `dockerd ""`',
};

// ---------------------------------------------------------------------------------------------
// cri-dockerd

/** cri-dockerd's boolean flags (Mirantis/cri-dockerd config/options.go BoolVar, cmd/server.go cleanFlagSet Bool/BoolP @ v0.4.1-20-g246bd657). */
export const CRI_DOCKERD_BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['ipv6-dual-stack', 'help', 'h', 'version', 'buildinfo']);
/**
 * Every flag cri-dockerd defines, the same at each release v0.3.0–v0.4.3 (30 tags read): config/options.go
 * ContainerRuntimeOptions.AddFlags, cmd/cri/options/options.go (--container-runtime-endpoint) and
 * cmd/server.go (help/-h, version, buildinfo, log-level). Names are exact (no `_` → `-`
 * normalising), and any other flag stops it: pflag "unknown flag: --NAME" (ContinueOnError, then
 * logrus.Fatal).
 */
export const CRI_DOCKERD_FLAGS: { names: ReadonlySet<string>; shorthands: Readonly<Record<string, string>> } & Sourced = {
  names: new Set([
    'buildinfo', 'cni-bin-dir', 'cni-cache-dir', 'cni-conf-dir', 'container-runtime-endpoint', 'cri-dockerd-root-directory', 'docker-endpoint', 'hairpin-mode', 'help', 'image-pull-progress-deadline',
    'ipv6-dual-stack', 'log-level', 'network-plugin', 'network-plugin-mtu', 'pod-cidr', 'pod-infra-container-image', 'runtime-cgroups', 'runtime-request-timeout', 'streaming-bind-addr', 'version',
  ]),
  shorthands: { h: 'help' },
  source: 'Mirantis/cri-dockerd config/options.go, cmd/cri/options/options.go, cmd/server.go at every tag v0.3.0–v0.4.3 (the same 20 flags)',
};
/**
 * A word on cri-dockerd's command line that is not a flag stops it: it parses its flags itself
 * (cobra DisableFlagParsing) and exits on any argument left over.
 */
export const CRI_DOCKERD_NO_ARGS: { error: string } & Sourced = {
  error: 'Unknown command: ',
  source: 'Mirantis/cri-dockerd cmd/server.go NewDockerCRICommand @ 246bd657 (v0.4.1-20): cleanFlagSet.Args() not empty → logrus.Fatalf("Unknown command: %s", cmds[0])',
};
/** The binary default of `--container-runtime-endpoint` on Linux (cmd/cri/options/options.go @ 246bd657). */
export const CRI_DOCKERD_DEFAULT_ENDPOINT = 'unix:///var/run/cri-dockerd.sock';
/** The packaged socket unit: `ListenStream=%t/cri-dockerd.sock` (%t = /run for system units). */
export const CRI_DOCKERD_SOCKET_UNIT: { listen: string } & Sourced = {
  listen: '/run/cri-dockerd.sock',
  source: 'Mirantis/cri-dockerd packaging/systemd/cri-docker.socket; packaging/systemd/cri-docker.service (--container-runtime-endpoint fd://, socket activation in backend/daemon_unix.go)',
};

/**
 * The packaged service's command: `ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://`
 * (socket activation through cri-docker.socket). A drop-in that changes a flag clears ExecStart= and
 * repeats this command with the flag added.
 */
export const CRI_DOCKERD_PACKAGED_EXEC: { binary: string; endpoint: string } & Sourced = {
  binary: '/usr/bin/cri-dockerd',
  endpoint: 'fd://',
  source: 'Mirantis/cri-dockerd packaging/systemd/cri-docker.service (ExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://); reference crictl-crio-docker-sysctl.md §3',
};

/** Default `--pod-infra-container-image` per cri-dockerd release (defaultPodSandboxImageVersion). */
export const CRI_DOCKERD_PAUSE: readonly ({ since: string; image: string } & Sourced)[] = [
  { since: '0.3.0', image: 'registry.k8s.io/pause:3.6', source: 'Mirantis/cri-dockerd config @ v0.3.9 (defaultPodSandboxImageVersion = "3.6")' },
  { since: '0.3.10', image: 'registry.k8s.io/pause:3.9', source: 'Mirantis/cri-dockerd @ v0.3.10, v0.3.16' },
  { since: '0.3.17', image: 'registry.k8s.io/pause:3.10', source: 'Mirantis/cri-dockerd @ v0.3.17, v0.4.0, 246bd657 (commit 372c8f74)' },
];

/**
 * The cri-dockerd release crilint assumes: nothing in a node's files says which one runs, so the
 * newest one read (v0.4.1; it reports the cgroup driver through CRI RuntimeConfig, data
 * RUNTIME_CONFIG_SINCE['cri-dockerd']).
 */
export const ASSUMED_CRI_DOCKERD: { version: string } & Sourced = { version: '0.4.1', source: 'Mirantis/cri-dockerd git describe v0.4.1-20-g246bd657' };

export function criDockerdDefaultPause(v: Version): string {
  return pickSince(CRI_DOCKERD_PAUSE, v)?.image ?? CRI_DOCKERD_PAUSE[0]!.image;
}

// ---------------------------------------------------------------------------------------------
// daemon.json keys

/**
 * The dockerd releases whose daemon.json keys crilint knows, oldest first, with the moby/moby commit
 * each was read at: every minor line from 20.10 to 29.7 (Docker went from 20.10 to 23.0), each at
 * its first release (tag vX.Y.0, docker-vX.Y.0 from 29.0; 27.0 at v27.0.1, as 27.0.0 was never
 * tagged; 29.5 at docker-v29.5.1). A key's `since`/`until` below names the first of these releases
 * that reads it or no longer reads it, so it is exact to the minor line; patch releases are taken
 * to have the keys of their line's first release.
 */
export const DOCKERD_KEY_RELEASES: readonly { version: string; commit: string }[] = [
  { version: '20.10', commit: 'eeddea2f9026b9b3e6a14b8bdb40bafec81ef10a' },
  { version: '23.0', commit: 'd7573ab8672555762688f4c7ab8cc69ae8ec1a47' },
  { version: '24.0', commit: '1331b8c39a601c77d678f3e03f3f39cb07aa5f76' },
  { version: '25.0', commit: '615dfdf67264ed5b08dd5e86657bf0e580731cea' },
  { version: '26.0', commit: '8b79278316b532d396048bc8c2fa015a85d53a53' },
  { version: '26.1', commit: 'c8af8ebe4a8984d808f2071788dd1f00a4da78c5' },
  { version: '27.0', commit: 'ff1e2c0de72a1bbbe4cdbe1558da57d327899df5' },
  { version: '27.1', commit: 'a21b1a2d12e2c01542cb191eb526d7bfad0641e3' },
  { version: '27.2', commit: '3ab5c7d0036ca8fc43141e83b167456ec79828aa' },
  { version: '27.3', commit: '41ca978a0a5400cc24b274137efa9f25517fcc0b' },
  { version: '27.4', commit: '92a83937d0280dcbea92099b01e01aa4251c1777' },
  { version: '27.5', commit: '38b84dce32c45732606fe09ffebef8b29a783644' },
  { version: '28.0', commit: 'af898abe44662d9554fb15ee4d4a7307f1b8e315' },
  { version: '28.1', commit: '3f46cadf398abdf3196230fea41dac96b5d4016e' },
  { version: '28.2', commit: '0e2cc22d36ae3013f83863c8da2e1b808f25e78e' },
  { version: '28.3', commit: '265f709647947fb5a1adf7e4f96f2113dcc377bd' },
  { version: '28.4', commit: '249d679a6baf8a32bb6d72d6ac5cc7ab9c90b4ea' },
  { version: '28.5', commit: 'cd048300a48700294339c9c91d2dcc691cb8f63b' },
  { version: '29.0', commit: 'd105562beff448ae44d6e3a2f7738b235fd197b5' },
  { version: '29.1', commit: '710302ecf2e958db92cb7d92f8838ea063a31765' },
  { version: '29.2', commit: '9c623849a9e6ce2add344fa1453c454dce75340f' },
  { version: '29.3', commit: '83bca512aa7ffc1bb4f37ce1107e0d3e3489ad43' },
  { version: '29.4', commit: 'daa0cb7f23594cdbcce5002e370027d3fd36ffd7' },
  { version: '29.5', commit: 'dd24a3adc1db4c762fb1b26b35c08ffd936f2d8f' },
  { version: '29.6', commit: '70eaf5ef6f274623ddcca8eb634ccf7cba15cbc5' },
  { version: '29.7', commit: '4b5cb715735a1b7000093bb2ab54295dfedfebfe' },
];

/**
 * How dockerd checks the keys of daemon.json (daemon/config/config.go getConflictFreeConfiguration):
 * an object value is flattened one level into its keys unless its key is one of the flat options
 * (configValuesSet), then findConfigurationConflicts refuses every key that is not the long name of
 * a dockerd flag (pflag Lookup: case-sensitive, shorthands such as `H` do not count), not the name
 * of a flag's named option (`exec-opts` of --exec-opt, `hosts` of --host) and not one it skips
 * (skipValidateOptions): "the following directives don't match any configuration option: …", and
 * dockerd does not start. So the keys are the flag names of that release plus those names.
 */
export const DOCKERD_KEY_CHECK: Sourced = {
  source:
    'moby/moby daemon/config/config.go (configValuesSet, findConfigurationConflicts, flatOptions, skipValidateOptions) and the flags of cmd/dockerd/*.go (daemon/command/*.go from 29.0), Linux files, at each commit of DOCKERD_KEY_RELEASES; checked against the Debian docker.io 20.10.24 dockerd (test/dockerd-oracle.test.ts)',
};

/** Keys every release of DOCKERD_KEY_RELEASES reads (`help` and `version` are cobra's flags on the same flag set; `default-address-pools` is the name of --default-address-pool's PoolsOpt, opts/address_pools.go). */
export const DOCKERD_KEYS_ALL: readonly string[] = [
  'add-runtime', 'allow-nondistributable-artifacts', 'authorization-plugin', 'authorization-plugins', 'bip', 'bridge', 'builder', 'cgroup-parent',
  'config-file', 'containerd', 'containerd-namespace', 'containerd-plugins-namespace', 'cpu-rt-period', 'cpu-rt-runtime', 'cri-containerd', 'data-root',
  'debug', 'default-address-pool', 'default-cgroupns-mode', 'default-gateway', 'default-gateway-v6', 'default-ipc-mode', 'default-runtime',
  'default-address-pools', 'default-shm-size', 'default-ulimit', 'default-ulimits', 'deprecated-key-path', 'dns', 'dns-opt', 'dns-opts', 'dns-search', 'exec-opt', 'exec-opts',
  'exec-root', 'experimental', 'features', 'fixed-cidr', 'fixed-cidr-v6', 'group', 'help', 'host', 'host-gateway-ip', 'hosts', 'icc', 'init', 'init-path',
  'insecure-registries', 'insecure-registry', 'ip', 'ip-forward', 'ip-masq', 'ip6tables', 'iptables', 'ipv6', 'label', 'labels', 'live-restore',
  'log-driver', 'log-level', 'log-opt', 'log-opts', 'max-concurrent-downloads', 'max-concurrent-uploads', 'max-download-attempts', 'metrics-addr', 'mtu',
  'network-control-plane-mtu', 'network-diagnostic-port', 'no-new-privileges', 'node-generic-resource', 'node-generic-resources', 'pidfile', 'raw-logs',
  'registry-mirror', 'registry-mirrors', 'restart', 'rootless', 'runtimes', 'seccomp-profile', 'selinux-enabled', 'shutdown-timeout', 'storage-driver',
  'storage-opt', 'storage-opts', 'swarm-default-advertise-addr', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify', 'userland-proxy',
  'userland-proxy-path', 'userns-remap', 'version',
];

/** Keys only some releases read: the first release that reads it (absent: 20.10 already did), the first that no longer does (absent: 29.7 still does), and the key that replaces it (`--graph` was deprecated for `--data-root`). */
export const DOCKERD_KEYS_RANGED: Readonly<Record<string, { since?: string; until?: string; instead?: string }>> = {
  'allow-direct-routing': { since: '28.2' },
  'api-cors-header': { until: '29.0' },
  bip6: { since: '28.0' },
  'bridge-accept-fwmark': { since: '29.0' },
  'cdi-spec-dir': { since: '25.0' },
  'cdi-spec-dirs': { since: '25.0' },
  'cluster-advertise': { until: '24.0' },
  'cluster-store': { until: '24.0' },
  'cluster-store-opt': { until: '24.0' },
  'cluster-store-opts': { until: '24.0' },
  'default-network-opt': { since: '24.0' },
  'default-network-opts': { since: '24.0' },
  'default-stop-timeout': { since: '29.7' },
  feature: { since: '27.3' },
  'firewall-backend': { since: '29.0' },
  graph: { until: '24.0', instead: 'data-root' },
  'host-gateway-ips': { since: '28.0' },
  'http-proxy': { since: '23.0' },
  'https-proxy': { since: '23.0' },
  'ip-forward-no-drop': { since: '28.0' },
  'log-format': { since: '25.0' },
  'min-api-version': { since: '29.0' },
  'no-proxy': { since: '23.0' },
  'nri-opts': { since: '29.2' },
  'oom-score-adjust': { until: '26.0' },
  validate: { since: '23.0' },
};

/** daemon.json objects dockerd does not flatten, with the first release where that is so (absent: all of them). */
export const DOCKERD_FLAT_OPTIONS: Readonly<Record<string, { since?: string }>> = {
  builder: {},
  'cluster-store-opts': {},
  'default-network-opts': { since: '24.0' },
  'default-ulimits': {},
  features: {},
  'log-opts': {},
  'nri-opts': { since: '29.2' },
  runtimes: {},
};

/**
 * The objects of daemon.json that dockerd decodes as a struct although it flattens them for the key
 * check: `proxies` (Config.Proxies `json:"proxies"`, since 23.0), whose keys `http-proxy`, `https-proxy`
 * and `no-proxy` are flag names. Every other object that is not a flat option is flattened for the
 * check and then dropped by the decoder (no json tag takes it): its keys pass or fail the check as
 * top-level keys, and a passing one has no effect, except an on/off flag of the config (DOCKERD_CONFIG_BOOL_FLAGS).
 */
export const DOCKERD_STRUCT_OBJECTS: Readonly<Record<string, { since?: string }>> = { proxies: { since: '23.0' } };

/**
 * The boolean flags of dockerd bound to a field of its Config (`flags.BoolVar(&conf.LiveRestoreEnabled,
 * "live-restore", …)`). A key that names one is Set on the flag from the file's flattened keys
 * (getConflictFreeConfiguration), and the flag config is merged into the decoded file
 * (MergeDaemonConfigurations, mergo), so it applies even inside an object dockerd otherwise drops:
 * `"foo": {"live-restore": true}` turns live restore on. Not so the booleans of dockerd's own options
 * (`&o.Debug`, `&o.Validate`): they were copied into the config before the file is read, so
 * `"foo": {"debug": true}` changes nothing. `tls` and `tlsverify` (also options, but read again through
 * the keys the file sets) and cobra's `help` and `version` are in neither list: crilint claims nothing
 * about them inside an object. Union over DOCKERD_KEY_RELEASES (a key counts only where
 * dockerdReadsKey says the release has it).
 */
export const DOCKERD_CONFIG_BOOL_FLAGS: ReadonlySet<string> = new Set([
  'allow-direct-routing', 'cri-containerd', 'experimental', 'icc', 'init', 'ip-forward', 'ip-forward-no-drop', 'ip-masq', 'ip6tables', 'iptables', 'ipv6',
  'live-restore', 'no-new-privileges', 'raw-logs', 'restart', 'rootless', 'selinux-enabled', 'userland-proxy',
]);
/** Boolean keys whose effect from inside a dropped object crilint does not claim (see DOCKERD_CONFIG_BOOL_FLAGS). */
export const DOCKERD_UNCLAIMED_BOOL_FLAGS: ReadonlySet<string> = new Set(['help', 'tls', 'tlsverify', 'version']);
export const DOCKERD_OBJECTS: Sourced = {
  source:
    'moby/moby daemon/config/config.go (configValuesSet, getConflictFreeConfiguration: boolValue flags Set from the flattened keys; MergeDaemonConfigurations: mergo.Merge of the flag config into the file config), the json tags of Config (Proxies since 23.0), and the Bool* flag definitions of cmd/dockerd (daemon/command from 29.0; &conf.… or &o.…) at each commit of DOCKERD_KEY_RELEASES; checked against the Debian docker.io 20.10.24 dockerd (test/dockerd-oracle.test.ts: "labels" and "debug" inside an unknown object change nothing, "live-restore" inside it turns live restore on)',
};

/**
 * dockerd `v` flattens the object under `key` for its key check and then drops it: neither kept whole
 * (DOCKERD_FLAT_OPTIONS) nor decoded as a struct (DOCKERD_STRUCT_OBJECTS), and no key dockerd decodes
 * (an object under one, `"labels": {…}`, is a type error instead) unless the key is a flag's name it
 * ignores (DOCKERD_IGNORED_KEYS).
 */
export function dockerdDropsObject(key: string, v: string): boolean {
  return !dockerdKeepsWhole(key, v) && !dockerdDecodesKey(key, v);
}

/** dockerd `v` decodes the value of `key` into its config: a key it reads and does not ignore, or a struct object (`proxies` from 23.0). */
export function dockerdDecodesKey(key: string, v: string): boolean {
  const struct = Object.hasOwn(DOCKERD_STRUCT_OBJECTS, key) && inRange(DOCKERD_STRUCT_OBJECTS[key]!, v);
  return struct || (dockerdReadsKey(key, v) && dockerdIgnoresKey(key, v) === null);
}

/** The first release that reads the object under `key` (keeps it whole or decodes it as a struct) when dockerd `v` is older, else null: `nri-opts` on 29.1 gives 29.2. */
export function dockerdObjectSince(key: string, v: string): string | null {
  const e = Object.hasOwn(DOCKERD_FLAT_OPTIONS, key) ? DOCKERD_FLAT_OPTIONS[key]! : Object.hasOwn(DOCKERD_STRUCT_OBJECTS, key) ? DOCKERD_STRUCT_OBJECTS[key]! : null;
  return e?.since && cmpVersion(ver(v), ver(e.since)) < 0 ? e.since : null;
}

/** The keys whose object dockerd `v` reads (kept whole, or decoded as a struct): what a misnamed object is compared with. */
export function dockerdObjectKeys(v: string): string[] {
  return [...Object.keys(DOCKERD_FLAT_OPTIONS).filter((k) => dockerdKeepsWhole(k, v) && dockerdReadsKey(k, v)), ...Object.keys(DOCKERD_STRUCT_OBJECTS).filter((k) => inRange(DOCKERD_STRUCT_OBJECTS[k]!, v))].sort();
}

/**
 * daemon.json keys that dockerd accepts but never reads. The unknown-key check (DOCKERD_KEY_CHECK)
 * passes every flag name, but the file is then decoded into dockerd's Config struct by its json
 * tags, and only a *boolean* flag named by a key is also set from the file. So a key that is the
 * name of a non-boolean flag whose json tag differs — `exec-opt` of `--exec-opt`, whose key is
 * `exec-opts` — passes and does nothing: `"exec-opt": ["native.cgroupdriver=systemd"]` leaves
 * dockerd on its default driver. `instead` is the key that works (a dotted path for a nested one),
 * null when no daemon.json key sets it; `since` is the first release where the key is accepted and
 * ignored (the releases before refuse it or read it); crilint reports it only where dockerd reads it
 * (dockerdReadsKey). `removed` marks a key dockerd still accepts after it dropped the setting.
 */
export const DOCKERD_IGNORED_KEYS: Readonly<Record<string, { instead: string | null; since?: string; removed?: true }>> = {
  'add-runtime': { instead: 'runtimes' },
  'authorization-plugin': { instead: 'authorization-plugins' },
  'cdi-spec-dir': { instead: 'cdi-spec-dirs' },
  'cluster-store-opt': { instead: 'cluster-store-opts' },
  'config-file': { instead: null },
  // The flag writes ContainerdPluginNamespace, whose json tag is `containerd-plugin-namespace`, and that key is no flag name, so dockerd refuses it.
  'containerd-plugins-namespace': { instead: null },
  'default-address-pool': { instead: 'default-address-pools' },
  'default-network-opt': { instead: 'default-network-opts' },
  'default-ulimit': { instead: 'default-ulimits' },
  'dns-opt': { instead: 'dns-opts' },
  'exec-opt': { instead: 'exec-opts' },
  feature: { instead: 'features' },
  host: { instead: 'hosts' },
  // 23.0 made these flags, and their keys nest under `proxies` (Proxies `json:"proxies"`).
  'http-proxy': { instead: 'proxies.http-proxy' },
  'https-proxy': { instead: 'proxies.https-proxy' },
  'no-proxy': { instead: 'proxies.no-proxy' },
  'insecure-registry': { instead: 'insecure-registries' },
  label: { instead: 'labels' },
  'log-opt': { instead: 'log-opts' },
  'node-generic-resource': { instead: 'node-generic-resources' },
  'registry-mirror': { instead: 'registry-mirrors' },
  'storage-opt': { instead: 'storage-opts' },
  // Kept in skipValidateOptions after their field went: 24.0 dropped the trust key, 28.1 non-distributable artifacts.
  'deprecated-key-path': { instead: null, since: '24.0', removed: true },
  'allow-nondistributable-artifacts': { instead: null, since: '28.1', removed: true },
};
export const DOCKERD_IGNORED: Sourced = {
  source:
    'moby/moby daemon/config/config.go getConflictFreeConfiguration (after findConfigurationConflicts only boolValue flags are Set from the file; then json decoding into Config) and the json tags of Config, CommonConfig and the structs they embed (daemon/config/*.go, registry ServiceOptions), against the flags of cmd/dockerd (daemon/command from 29.0), at each commit of DOCKERD_KEY_RELEASES; none of these keys is read through ValuesSet/IsValueSet; checked against the Debian docker.io 20.10.24 dockerd (test/dockerd-oracle.test.ts: exec-opt and label have no effect, exec-opts and labels do)',
};

/**
 * The JSON value dockerd decodes each daemon.json key into (the Go type of its field in Config):
 * `bool` (also `*bool`), `int` (a whole number: int, int64, *int), `string` (also net.IP, which
 * decodes from text), `strings` (a list of strings: []string, []net.IP, []netip.Addr), and objects:
 * `object-of-strings` (map[string]string), `object-of-bools` (map[string]bool), `object` (a map of
 * structs, or of maps: only the object itself is checked). A value of another JSON type stops dockerd
 * ("json: cannot unmarshal string into Go struct field … of type []string"); `null` is always fine.
 * `pools` is default-address-pools: a list of {"base": "<CIDR>", "size": <int>}. default-shm-size
 * (opts.MemBytes: a size as text or a number) is not listed, nor keys that are no flag name
 * (dockerd refuses them first).
 */
export const DOCKERD_VALUE_TYPES: Readonly<Record<string, 'bool' | 'int' | 'string' | 'strings' | 'object-of-strings' | 'object-of-bools' | 'object' | 'pools'>> = {
  'allow-direct-routing': 'bool', 'cri-containerd': 'bool', debug: 'bool', experimental: 'bool', icc: 'bool', init: 'bool', 'ip-forward': 'bool',
  'ip-forward-no-drop': 'bool', 'ip-masq': 'bool', ip6tables: 'bool', iptables: 'bool', ipv6: 'bool', 'live-restore': 'bool', 'no-new-privileges': 'bool',
  'raw-logs': 'bool', rootless: 'bool', 'selinux-enabled': 'bool', tls: 'bool', tlsverify: 'bool', 'userland-proxy': 'bool',
  'cpu-rt-period': 'int', 'cpu-rt-runtime': 'int', 'default-stop-timeout': 'int', 'max-concurrent-downloads': 'int', 'max-concurrent-uploads': 'int', 'max-download-attempts': 'int',
  mtu: 'int', 'network-control-plane-mtu': 'int', 'network-diagnostic-port': 'int', 'oom-score-adjust': 'int', 'shutdown-timeout': 'int',
  'api-cors-header': 'string', bip: 'string', bip6: 'string', bridge: 'string', 'bridge-accept-fwmark': 'string', 'cgroup-parent': 'string',
  'cluster-advertise': 'string', 'cluster-store': 'string', containerd: 'string', 'containerd-namespace': 'string', 'data-root': 'string',
  'default-cgroupns-mode': 'string', 'default-gateway': 'string', 'default-gateway-v6': 'string', 'default-ipc-mode': 'string', 'default-runtime': 'string',
  'deprecated-key-path': 'string', 'exec-root': 'string', 'firewall-backend': 'string', 'fixed-cidr': 'string', 'fixed-cidr-v6': 'string', graph: 'string',
  group: 'string', 'host-gateway-ip': 'string', 'init-path': 'string', ip: 'string', 'log-driver': 'string', 'log-level': 'string', 'metrics-addr': 'string',
  'min-api-version': 'string', pidfile: 'string', 'seccomp-profile': 'string', 'storage-driver': 'string', 'swarm-default-advertise-addr': 'string',
  tlscacert: 'string', tlscert: 'string', tlskey: 'string', 'userland-proxy-path': 'string', 'userns-remap': 'string',
  'allow-nondistributable-artifacts': 'strings', 'authorization-plugins': 'strings', 'cdi-spec-dirs': 'strings', dns: 'strings', 'dns-opts': 'strings',
  'dns-search': 'strings', 'exec-opts': 'strings', 'host-gateway-ips': 'strings', hosts: 'strings', 'insecure-registries': 'strings', labels: 'strings',
  'node-generic-resources': 'strings', 'registry-mirrors': 'strings', 'storage-opts': 'strings',
  'log-opts': 'object-of-strings', 'cluster-store-opts': 'object-of-strings', features: 'object-of-bools',
  'default-network-opts': 'object', 'default-ulimits': 'object', runtimes: 'object',
  // Types of their own, read at 29.7: log.OutputFormat is a string; Proxies a struct of three strings;
  // BuilderConfig and opts.NRIOpts structs (only the object is checked); opts.PoolsOpt a list of
  // {"base": netip.Prefix (text), "size": int}.
  'log-format': 'string', proxies: 'object-of-strings', builder: 'object', 'nri-opts': 'object', 'default-address-pools': 'pools',
};
export const DOCKERD_VALUE_TYPES_SOURCE: Sourced = {
  source:
    'moby/moby the json-tagged fields of Config and the structs it embeds (daemon/config/*.go, registry ServiceOptions), Linux files, at each commit of DOCKERD_KEY_RELEASES (the type of each key is the same JSON type in every release that has it); encoding/json Unmarshal; checked against the Debian docker.io 20.10.24 dockerd (test/dockerd-oracle.test.ts)',
};

/**
 * The long flags dockerd defines (cobra/pflag, no name normalisation: `--exec_opt` is unknown), read
 * with the keys at each commit of DOCKERD_KEY_RELEASES (cobra's `help` added). A flag dockerd does
 * not define stops it: "unknown flag: --NAME". Shorthands are DOCKERD_SHORTHANDS, `-h` and `-v`.
 */
export const DOCKERD_FLAGS_ALL: readonly string[] = [
  'add-runtime', 'authorization-plugin', 'bip', 'bridge', 'cgroup-parent', 'config-file', 'containerd', 'containerd-namespace',
  'containerd-plugins-namespace', 'cpu-rt-period', 'cpu-rt-runtime', 'cri-containerd', 'data-root', 'debug', 'default-address-pool',
  'default-cgroupns-mode', 'default-gateway', 'default-gateway-v6', 'default-ipc-mode', 'default-runtime', 'default-shm-size', 'default-ulimit',
  'dns', 'dns-opt', 'dns-search', 'exec-opt', 'exec-root', 'experimental', 'fixed-cidr', 'fixed-cidr-v6', 'group', 'help', 'host', 'host-gateway-ip',
  'icc', 'init', 'init-path', 'insecure-registry', 'ip', 'ip-forward', 'ip-masq', 'ip6tables', 'iptables', 'ipv6', 'label', 'live-restore',
  'log-driver', 'log-level', 'log-opt', 'max-concurrent-downloads', 'max-concurrent-uploads', 'max-download-attempts', 'metrics-addr', 'mtu',
  'network-control-plane-mtu', 'network-diagnostic-port', 'no-new-privileges', 'node-generic-resource', 'pidfile', 'raw-logs', 'registry-mirror',
  'restart', 'rootless', 'seccomp-profile', 'selinux-enabled', 'shutdown-timeout', 'storage-driver', 'storage-opt', 'swarm-default-advertise-addr',
  'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify', 'userland-proxy', 'userland-proxy-path', 'userns-remap', 'version',
];
/** Flags of some of those releases only: the first release that defines it, the first that no longer does. */
export const DOCKERD_FLAGS_RANGED: Readonly<Record<string, { since?: string; until?: string }>> = {
  'allow-direct-routing': {since: '28.2'},
  'allow-nondistributable-artifacts': {until: '29.0'},
  'api-cors-header': {until: '29.0'},
  bip6: {since: '28.0'},
  'bridge-accept-fwmark': {since: '29.0'},
  'cdi-spec-dir': {since: '25.0'},
  'cluster-advertise': {until: '24.0'},
  'cluster-store': {until: '24.0'},
  'cluster-store-opt': {until: '24.0'},
  'default-network-opt': {since: '24.0'},
  'default-stop-timeout': {since: '29.7'},
  feature: {since: '27.3'},
  'firewall-backend': {since: '29.0'},
  graph: {until: '24.0'},
  'http-proxy': {since: '23.0'},
  'https-proxy': {since: '23.0'},
  'ip-forward-no-drop': {since: '28.0'},
  'log-format': {since: '25.0'},
  'no-proxy': {since: '23.0'},
  'nri-opts': {since: '29.2'},
  'oom-score-adjust': {until: '26.0'},
  validate: {since: '23.0'},
};
export const DOCKERD_FLAGS: Sourced = {
  source: 'moby/moby the flags of cmd/dockerd/*.go (daemon/command/*.go from 29.0), Linux files, at each commit of DOCKERD_KEY_RELEASES (flags.BoolP("version", "v", …) in docker.go); spf13/pflag "unknown flag"',
};

const FLAGS_ALL = new Set(DOCKERD_FLAGS_ALL);

/** dockerd `v` (a release of DOCKERD_KEY_RELEASES) defines the long flag `name`. */
export function dockerdDefinesFlag(name: string, v: string): boolean {
  const e = Object.hasOwn(DOCKERD_FLAGS_RANGED, name) ? DOCKERD_FLAGS_RANGED[name]! : undefined;
  return FLAGS_ALL.has(name) || (e !== undefined && inRange(e, v));
}

/** A Docker Engine version as Docker writes it: year.month before 23.0 (19.03), major.minor from 23.0 on. */
export function fmtDockerVersion(v: Version): string {
  const minor = v.major < 23 ? String(v.minor).padStart(2, '0') : String(v.minor);
  return `${v.major}.${minor}${v.patch !== undefined ? `.${v.patch}` : ''}`;
}

/**
 * The releases of DOCKERD_KEY_RELEASES whose daemon.json keys stand for dockerd `v` (`--docker`):
 * the one of its minor line (its patch releases are taken to have the same keys), else, for a minor
 * line Docker never released (21.x, 26.2), the two read releases around it (a key is refused only
 * when both refuse it), else, outside the releases read (20.10–29.7), the nearest end with a note.
 * `label` is the version as given, for messages.
 */
export interface DockerTarget {
  /** The version given. */
  version: Version;
  /** The releases of DOCKERD_KEY_RELEASES that stand for it (one, or the two around it). */
  releases: string[];
  /** Its minor line as Docker writes it, for messages. */
  label: string;
}

export function clampDocker(v: Version): DockerTarget & { note: string | null } {
  const all = DOCKERD_KEY_RELEASES.map((r) => r.version);
  const minor = { major: v.major, minor: v.minor };
  const label = fmtDockerVersion(minor);
  const newest = all[all.length - 1]!;
  if (cmpVersion(minor, ver(all[0]!)) < 0) return { version: v, releases: [all[0]!], label, note: `dockerd ${label} is older than the releases crilint knows (${all[0]}–${newest}): daemon.json is checked as for ${all[0]}` };
  if (cmpVersion(minor, ver(newest)) > 0) return { version: v, releases: [newest], label, note: `dockerd ${label} is newer than the releases crilint knows (${all[0]}–${newest}): daemon.json is checked as for ${newest}` };
  const exact = all.find((r) => cmpVersion(ver(r), minor) === 0);
  if (exact) return { version: v, releases: [exact], label, note: null };
  const above = all.findIndex((r) => cmpVersion(ver(r), minor) > 0);
  return { version: v, releases: [all[above - 1]!, all[above]!], label, note: null };
}

/** The entry of DOCKERD_IGNORED_KEYS when dockerd `v` accepts `key` and ignores it, else null. */
export function dockerdIgnoresKey(key: string, v: string): { instead: string | null; removed?: true } | null {
  const e = Object.hasOwn(DOCKERD_IGNORED_KEYS, key) ? DOCKERD_IGNORED_KEYS[key]! : null;
  return e && dockerdReadsKey(key, v) && (!e.since || cmpVersion(ver(v), ver(e.since)) >= 0) ? e : null;
}

const KEYS_ALL = new Set(DOCKERD_KEYS_ALL);

/** `since <= v < until`, for a release of DOCKERD_KEY_RELEASES. */
function inRange(e: { since?: string; until?: string }, v: string): boolean {
  return (!e.since || cmpVersion(ver(v), ver(e.since)) >= 0) && (!e.until || cmpVersion(ver(v), ver(e.until)) < 0);
}

/** dockerd `v` (a release of DOCKERD_KEY_RELEASES) accepts `key` in daemon.json (DOCKERD_KEY_CHECK). */
export function dockerdReadsKey(key: string, v: string): boolean {
  const e = DOCKERD_KEYS_RANGED[key];
  return KEYS_ALL.has(key) || (e !== undefined && inRange(e, v));
}

/** dockerd `v` keeps the object under `key` whole instead of flattening it (flatOptions). */
export function dockerdKeepsWhole(key: string, v: string): boolean {
  const e = DOCKERD_FLAT_OPTIONS[key];
  return e !== undefined && inRange(e, v);
}
