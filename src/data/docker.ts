/**
 * Docker Engine (dockerd) and cri-dockerd facts: files, the cgroup driver and its default, how
 * dockerd rejects a setting given both in daemon.json and as a flag, cri-dockerd's socket, pause
 * image and RuntimeConfig. Facts from ../shared/reference/crictl-crio-docker-sysctl.md §3, checked in
 * moby/moby (daemon/config/config.go @ 00285a557b63; daemon/daemon_unix.go; cmd/dockerd
 * installCommonConfigFlags, options.go) and Mirantis/cri-dockerd (@ 246bd65780eb = v0.4.1-20, and the
 * tags named per entry).
 */
import { posix } from 'node:path';
import type { Version } from '../core/version.js';
import { pickSince, type Sourced } from './lookup.js';

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
/** dockerd flag shorthands and their long names (installCommonConfigFlags: StringVarP pidfile/p, storage-driver/s; options.go host/H). */
export const DOCKERD_SHORTHANDS: Readonly<Record<string, string>> = { H: 'host', p: 'pidfile', s: 'storage-driver' };

// ---------------------------------------------------------------------------------------------
// cri-dockerd

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
