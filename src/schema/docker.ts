/**
 * Values dockerd refuses in the settings crilint reads: `native.cgroupdriver` must be `cgroupfs` or
 * `systemd` (moby/moby daemon/daemon_unix.go verifyCgroupDriver: "native.cgroupdriver option %s not
 * supported"; `none` "is internally used and cannot be specified manually"); an exec-opt must be
 * `opt=value` (daemon/config/config.go parseExecOptions: "invalid exec-opt (%s): must be formatted
 * 'opt=value'"). dockerd does not start either way.
 */
import type { Finding } from '../core/types.js';
import { DOCKER_CGROUP_DRIVER, DOCKERD_KEY_RELEASES, DOCKERD_KEYS_ALL, DOCKERD_KEYS_RANGED, DOCKERD_NAMED_OPTIONS, DOCKERD_SHORTHANDS, dockerdKeepsWhole, dockerdReadsKey } from '../data/docker.js';
import { dockerCgroupDriver, type DockerModel } from '../model/docker.js';
import { get, type MapEntry, type MapNode } from '../model/tree.js';
import { suggest } from './validate.js';

export function dockerProblems(model: DockerModel): Finding[] {
  const out: Finding[] = [];
  if (model.daemonJson?.root) out.push(...unknownKeys(model.daemonJson.root));
  const opts = model.daemonJson?.root ? get(model.daemonJson.root, 'exec-opts') : undefined;
  if (opts && opts.kind === 'array') {
    for (const it of opts.items) {
      if (it.kind !== 'scalar' || typeof it.value !== 'string') continue;
      const i = it.value.indexOf('=');
      if (i < 0 || it.value.slice(0, i).trim() === '' || it.value.slice(i + 1).trim() === '')
        out.push({ rule: 'invalid-value', severity: 'error', message: `exec-opts item ${it.raw} is not "opt=value": dockerd does not start ("invalid exec-opt (${it.value}): must be formatted 'opt=value'")`, file: it.file, range: it.range, related: [] });
    }
  }
  const d = dockerCgroupDriver(model);
  if (d.value !== null && !(DOCKER_CGROUP_DRIVER.values as readonly string[]).includes(d.value)) {
    const at = d.node ? { file: d.node.file, range: d.node.range } : { file: d.flag!.valueFile ?? d.flag!.file, range: d.flag!.valueRange ?? d.flag!.range };
    const why = d.value === 'none' ? `native.cgroupdriver option none is internally used and cannot be specified manually` : `native.cgroupdriver option ${d.value} not supported`;
    out.push({ rule: 'invalid-value', severity: 'error', message: `native.cgroupdriver=${d.value}: dockerd does not start ("${why}"); use systemd or cgroupfs`, file: at.file, range: at.range, related: [] });
  }
  return out;
}

const DIRECTIVES = "the following directives don't match any configuration option";

/** The entries of daemon.json that dockerd `v` refuses as unknown (data DOCKERD_KEY_CHECK). */
function refusedBy(root: MapNode, v: string): Set<MapEntry> {
  const refused = new Set<MapEntry>();
  for (const e of root.entries) {
    if (e.value.kind === 'map' && !dockerdKeepsWhole(e.key, v)) {
      for (const se of e.value.entries) if (!dockerdReadsKey(se.key, v)) refused.add(se);
    } else if (!dockerdReadsKey(e.key, v)) refused.add(e);
  }
  return refused;
}

/** The keys the newest release reads: what a near miss is compared with. */
let newestKeys: string[] | null = null;

/**
 * daemon.json keys dockerd refuses. Which Docker release runs is in no file, so a key is an error
 * when every release crilint knows refuses it, and a warning when only the newest ones do (a key
 * they removed); a key that only older releases refuse is not reported.
 */
function unknownKeys(root: MapNode): Finding[] {
  const releases = DOCKERD_KEY_RELEASES.map((r) => r.version);
  const newest = releases[releases.length - 1]!;
  const byRelease = releases.map((v) => refusedBy(root, v));
  const out: Finding[] = [];
  for (const e of byRelease[byRelease.length - 1]!) {
    const reads = releases.filter((_, i) => !byRelease[i]!.has(e));
    newestKeys ??= [...DOCKERD_KEYS_ALL, ...Object.keys(DOCKERD_KEYS_RANGED)].filter((k) => dockerdReadsKey(k, newest));
    const long = DOCKERD_SHORTHANDS[e.key];
    const gone = DOCKERD_KEYS_RANGED[e.key];
    const s = long ? (DOCKERD_NAMED_OPTIONS[long] ?? long) : (gone?.instead ?? suggest(e.key, newestKeys));
    const hint = long ? `-${e.key} is the shorthand of --${long}; the key is "${s}". ` : s ? `did you mean "${s}"? ` : '';
    if (reads.length === 0) {
      out.push({ rule: 'unknown-key', severity: 'error', message: `unknown key "${e.key}" in daemon.json; ${hint}dockerd does not start ("${DIRECTIVES}: ${e.key}")`, file: e.value.file, range: e.keyRange, related: [] });
    } else {
      const until = gone?.until;
      out.push({
        rule: 'unknown-key',
        severity: 'warning',
        message: `"${e.key}" is not a daemon.json key of dockerd ${until ?? newest} and later${until ? ' (removed)' : ''}: those releases do not start ("${DIRECTIVES}: ${e.key}"); only ${reads[0]}${reads.length > 1 ? `–${reads[reads.length - 1]}` : ''} read it${s ? `; use "${s}"` : ''}`,
        file: e.value.file,
        range: e.keyRange,
        related: [],
      });
    }
  }
  return out;
}
