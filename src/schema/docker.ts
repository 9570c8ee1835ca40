/**
 * Values dockerd refuses in the settings crilint reads: `native.cgroupdriver` must be `cgroupfs` or
 * `systemd` (moby/moby daemon/daemon_unix.go verifyCgroupDriver: "native.cgroupdriver option %s not
 * supported"; `none` "is internally used and cannot be specified manually"); an exec-opt must be
 * `opt=value` (daemon/config/config.go parseExecOptions: "invalid exec-opt (%s): must be formatted
 * 'opt=value'"). dockerd does not start either way.
 */
import type { Finding } from '../core/types.js';
import { DOCKER_CGROUP_DRIVER, DOCKERD_KEY_RELEASES, DOCKERD_KEYS_ALL, DOCKERD_KEYS_RANGED, DOCKERD_NAMED_OPTIONS, DOCKERD_SHORTHANDS, dockerdIgnoresKey, dockerdKeepsWhole, dockerdReadsKey } from '../data/docker.js';
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
  for (const e of root.entries) {
    if (e.value.kind === 'map' && !dockerdKeepsWhole(e.key, newest)) continue; // its keys are checked instead
    const f = ignoredKey(root, e, releases, byRelease);
    if (f) out.push(f);
  }
  for (const e of byRelease[byRelease.length - 1]!) {
    if (releases.some((v) => dockerdIgnoresKey(e.key, v))) continue; // reported above
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

/** A range of releases, as "25.0 and later", "20.10–23.0" or "24.0". */
function span(vs: string[], all: string[]): string {
  if (vs[vs.length - 1] === all[all.length - 1]) return vs[0] === all[0] ? `every dockerd release (${all[0]}–${all[all.length - 1]})` : `dockerd ${vs[0]} and later`;
  return `dockerd ${vs[0]}${vs.length > 1 ? `–${vs[vs.length - 1]}` : ''}`;
}

/**
 * A key dockerd accepts and ignores (data DOCKERD_IGNORED_KEYS): the name of a non-boolean flag
 * whose key is another one, or a setting dockerd dropped. An error when no release acts on the key
 * (it is refused or ignored everywhere), a warning when older releases still read it.
 */
function ignoredKey(root: MapNode, e: MapEntry, releases: string[], byRelease: Set<MapEntry>[]): Finding | null {
  const ignoring = releases.filter((v) => dockerdIgnoresKey(e.key, v));
  if (ignoring.length === 0) return null;
  const entry = dockerdIgnoresKey(e.key, ignoring[0]!)!;
  const refusing = releases.filter((_, i) => byRelease[i]!.has(e));
  const newest = releases[releases.length - 1]!;
  const one = (vs: string[]) => vs.length === releases.length || (vs.length === 1 && vs[0] !== newest);
  const where = `${span(ignoring, releases)} ${one(ignoring) ? 'accepts' : 'accept'} a flag's name as a key but ${one(ignoring) ? 'reads' : 'read'} it only for an on/off flag${refusing.length ? `, and ${span(refusing, releases)} ${one(refusing) ? 'refuses' : 'refuse'} this key` : ''}`;
  if (entry.removed) {
    const readers = releases.filter((v) => !ignoring.includes(v) && !refusing.includes(v));
    return { rule: 'unknown-key', severity: readers.length ? 'warning' : 'error', message: `"${e.key}" in daemon.json has no effect on dockerd ${ignoring[0]} and later, which dropped the setting but still accept the key${readers.length ? ` (${span(readers, releases)} read it)` : ''}; remove it`, file: e.value.file, range: e.keyRange, related: [] };
  }
  const flag = `it is the name of dockerd's --${e.key} flag${e.key === 'config-file' ? ', which names this file' : ''}`;
  let fix: Finding['fix'];
  let use: string;
  if (entry.instead === null) {
    const why = e.key === 'containerd-plugins-namespace' ? ' (the key dockerd decodes, "containerd-plugin-namespace", is no flag name and is refused)' : '';
    use = `no daemon.json key sets it${why}; give --${e.key} on dockerd's command line`;
  } else if (entry.instead.includes('.')) {
    const [outer, inner] = entry.instead.split('.') as [string, string];
    use = `set it inside "${outer}": {"${inner}": …}`;
  } else if (get(root, entry.instead) !== undefined) {
    use = `the key is "${entry.instead}", which this file also sets; merge the values into it and remove "${e.key}"`;
  } else {
    use = `the key is "${entry.instead}"`;
    const file = e.value.file;
    fix = { safety: 'unsafe', description: `rename "${e.key}" to "${entry.instead}" (the setting then applies)`, changes: [{ file, edits: [{ start: e.keyRange.start.offset, end: e.keyRange.end.offset, text: JSON.stringify(entry.instead) }] }] };
  }
  return { rule: 'unknown-key', severity: 'error', message: `"${e.key}" in daemon.json has no effect: ${flag}, and ${where}; ${use}`, file: e.value.file, range: e.keyRange, related: [], ...(fix ? { fix } : {}) };
}
