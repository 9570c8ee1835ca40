/**
 * Values dockerd refuses in the settings crilint reads: `native.cgroupdriver` must be `cgroupfs` or
 * `systemd` (moby/moby daemon/daemon_unix.go verifyCgroupDriver: "native.cgroupdriver option %s not
 * supported"; `none` "is internally used and cannot be specified manually"); an exec-opt must be
 * `opt=value` (daemon/config/config.go parseExecOptions: "invalid exec-opt (%s): must be formatted
 * 'opt=value'"). dockerd does not start either way.
 */
import type { SourceFile } from '../core/source.js';
import type { Finding, Range } from '../core/types.js';
import { cmpVersion } from '../core/version.js';
import { LOGRUS_LEVELS, ver } from '../data/lookup.js';
import { CRI_DOCKERD_FLAGS, CRI_DOCKERD_NO_ARGS, dockerdLogLevels, DOCKERD_NO_ARGS, DOCKER_CGROUP_DRIVER, dockerdDropsObject, type DockerTarget, DOCKERD_FLAGS_ALL, DOCKERD_FLAGS_RANGED, DOCKERD_KEY_RELEASES, DOCKERD_KEYS_ALL, dockerdDefinesFlag, DOCKERD_KEYS_RANGED, DOCKERD_NAMED_OPTIONS, DOCKERD_SHORTHANDS, DOCKERD_CONFIG_BOOL_FLAGS, DOCKERD_UNCLAIMED_BOOL_FLAGS, DOCKERD_VALUE_TYPES, dockerdDecodesKey, dockerdIgnoresKey, dockerdKeepsWhole, dockerdObjectKeys, dockerdObjectSince, dockerdReadsKey } from '../data/docker.js';
import { criDockerdCommand, dockerCgroupDriver, dockerdCommand, type DockerModel } from '../model/docker.js';
import { flagOf } from '../model/units.js';
import { bracedProblems, strayWord } from './units.js';
import { get, type MapEntry, type MapNode, type VNode } from '../model/tree.js';
import { suggest } from './validate.js';

/** `docker`: the releases of DOCKERD_KEY_RELEASES that stand for the one that runs (`--docker`, data clampDocker); null: any of them. */
export function dockerProblems(model: DockerModel, docker: DockerTarget | null = null): Finding[] {
  const out: Finding[] = [...commandProblems(model, docker), ...criDockerdCommandProblems(model), ...logLevelProblems(model, docker)];
  if (model.daemonJson?.root) out.push(...unknownKeys(model.daemonJson.root, docker), ...valueTypes(model.daemonJson.root, docker));
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

/** The keys a release reads: what a near miss is compared with. */
const keysOf = new Map<string, string[]>();

/**
 * daemon.json keys dockerd refuses. Which Docker release runs is in no file, so a key is an error
 * when every release crilint knows refuses it, and a warning when only the newest ones do (a key
 * they removed); a key that only older releases refuse is not reported. With `--docker`, the one
 * release given decides.
 */
function unknownKeys(root: MapNode, docker: DockerTarget | null): Finding[] {
  const releases = docker ? docker.releases : DOCKERD_KEY_RELEASES.map((r) => r.version);
  const who = docker ? `dockerd ${docker.label}` : 'dockerd';
  const newest = releases[releases.length - 1]!;
  const byRelease = releases.map((v) => refusedBy(root, v));
  const out: Finding[] = [];
  const covered = new Set<MapEntry>();
  for (const e of root.entries) {
    if (e.value.kind === 'map' && !dockerdKeepsWhole(e.key, newest)) {
      // Its keys are checked as top-level keys (refusedBy); the object itself, when dockerd drops it, here.
      const f = dockerdDropsObject(e.key, newest) ? droppedObject(root, e, e.value, newest, byRelease[byRelease.length - 1]!, covered, docker ? who : null) : null;
      if (f) out.push(f);
      continue;
    }
    const f = ignoredKey(root, e, releases, byRelease, docker?.label ?? null);
    if (f) out.push(f);
  }
  for (const e of byRelease[byRelease.length - 1]!) {
    if (covered.has(e) || releases.some((v) => dockerdIgnoresKey(e.key, v))) continue; // reported above
    const reads = releases.filter((_, i) => !byRelease[i]!.has(e));
    let known = keysOf.get(newest);
    if (!known) keysOf.set(newest, (known = [...DOCKERD_KEYS_ALL, ...Object.keys(DOCKERD_KEYS_RANGED)].filter((k) => dockerdReadsKey(k, newest))));
    const long = DOCKERD_SHORTHANDS[e.key];
    const gone = Object.hasOwn(DOCKERD_KEYS_RANGED, e.key) ? DOCKERD_KEYS_RANGED[e.key] : undefined;
    const s = long ? (DOCKERD_NAMED_OPTIONS[long] ?? long) : (gone?.instead ?? suggest(e.key, known));
    // With --docker: a key of other releases says which.
    const when = docker && gone ? (gone.since && cmpVersion(ver(newest), ver(gone.since)) < 0 ? `it is a key of dockerd ${gone.since} and later; ` : gone.until && cmpVersion(ver(releases[0]!), ver(gone.until)) >= 0 ? `dockerd ${gone.until} removed it; ` : '') : '';
    const hint = long ? `-${e.key} is the shorthand of --${long}; the key is "${s}". ` : `${when}${s ? `did you mean "${s}"? ` : ''}`;
    if (reads.length === 0) {
      out.push({ rule: 'unknown-key', severity: 'error', message: `unknown key "${e.key}" in daemon.json; ${hint}${who} does not start ("${DIRECTIVES}: ${e.key}")`, file: e.value.file, range: e.keyRange, related: [] });
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

/**
 * dockerd's command line (docker.service): a long flag no release in play defines, or a shorthand
 * dockerd does not have, stops dockerd (pflag: "unknown flag: --NAME"); so does a flag that ends the
 * command line without its value. Without `--docker`, a flag only the newest releases dropped is a
 * warning and one only newer releases define is not reported, as for daemon.json keys.
 */
function commandProblems(model: DockerModel, docker: DockerTarget | null): Finding[] {
  const cmd = dockerdCommand(model);
  if (!cmd) return [];
  const releases = docker ? docker.releases : DOCKERD_KEY_RELEASES.map((r) => r.version);
  const who = docker ? `dockerd ${docker.label}` : 'dockerd';
  const newest = releases[releases.length - 1]!;
  const out: Finding[] = [];
  for (const f of cmd.flags) {
    const at = { file: f.file, range: f.nameRange, related: [] };
    const long = f.written.startsWith('--');
    const name = f.written.replace(/^--?/, '');
    if (!long) {
      if (!Object.hasOwn(DOCKERD_SHORTHANDS, name)) {
        out.push({ rule: 'unknown-key', severity: 'error', message: `unknown shorthand flag -${name} on dockerd's command line (docker.service): ${who} does not start ("unknown shorthand flag: '${name}' in -${name}")`, ...at });
      }
    } else {
      const defining = releases.filter((v) => dockerdDefinesFlag(name, v));
      if (defining.length === 0 || !defining.includes(newest)) {
        const r = Object.hasOwn(DOCKERD_FLAGS_RANGED, name) ? DOCKERD_FLAGS_RANGED[name]! : null;
        const known = [...DOCKERD_FLAGS_ALL, ...Object.keys(DOCKERD_FLAGS_RANGED)].filter((n) => dockerdDefinesFlag(n, newest));
        const near = (Object.hasOwn(DOCKERD_KEYS_RANGED, name) ? DOCKERD_KEYS_RANGED[name]!.instead : undefined) ?? suggest(name, known);
        const when = r?.since && cmpVersion(ver(newest), ver(r.since)) < 0 ? `it is a flag of dockerd ${r.since} and later; ` : r?.until ? `dockerd ${r.until} removed it; ` : '';
        const message = defining.length
          ? `${f.written} on dockerd's command line (docker.service) is not a flag of dockerd ${r?.until ?? newest} and later: those releases do not start ("unknown flag: ${f.written}"); only ${span(defining, releases, null)} ${defining.length > 1 ? 'define' : 'defines'} it${near ? `; use --${near}` : ''}`
          : `unknown flag ${f.written} on dockerd's command line (docker.service); ${when}${near ? `did you mean --${near}? ` : ''}${who} does not start ("unknown flag: ${f.written}")`;
        out.push({ rule: 'unknown-key', severity: defining.length ? 'warning' : 'error', message, ...at });
        continue;
      }
    }
    if (f.missingValue) out.push({ rule: 'invalid-value', severity: 'error', message: `${f.written} ends dockerd's command line (docker.service) without its value: ${who} does not start ("flag needs an argument: ${f.written}")`, ...at });
  }
  for (const w of cmd.positionals) {
    out.push({ rule: 'invalid-value', severity: 'error', message: `${strayWord(cmd, w, "dockerd's command line (docker.service)")}: ${who} does not start (${DOCKERD_NO_ARGS.error})`, file: w.file, range: w.range, related: [] });
  }
  out.push(...bracedProblems(cmd, 'dockerd', 'docker.service'));
  return out;
}

/**
 * cri-dockerd's command line (cri-docker.service): a flag it does not define (data
 * CRI_DOCKERD_FLAGS, exact names), a flag without its value at the end, and a word that is not a
 * flag (data CRI_DOCKERD_NO_ARGS) stop it; a `${NAME}` with blanks is one argument.
 */
function criDockerdCommandProblems(model: DockerModel): Finding[] {
  const cmd = criDockerdCommand(model);
  if (!cmd) return [];
  const out: Finding[] = [];
  const where = "cri-dockerd's command line (cri-docker.service)";
  for (const f of cmd.flags) {
    const at = { file: f.file, range: f.nameRange, related: [] };
    const name = f.written.replace(/^--?/, '');
    if (!f.written.startsWith('--')) {
      if (!Object.hasOwn(CRI_DOCKERD_FLAGS.shorthands, name)) out.push({ rule: 'unknown-key', severity: 'error', message: `unknown shorthand flag -${name} on ${where}: cri-dockerd does not start ("unknown shorthand flag: '${name}' in -${name}")`, ...at });
    } else if (!CRI_DOCKERD_FLAGS.names.has(name)) {
      const near = suggest(name, [...CRI_DOCKERD_FLAGS.names]);
      out.push({ rule: 'unknown-key', severity: 'error', message: `unknown flag ${f.written} on ${where}; ${near ? `did you mean --${near}? ` : ''}cri-dockerd does not start ("unknown flag: ${f.written}")`, ...at });
    } else if (f.missingValue) {
      out.push({ rule: 'invalid-value', severity: 'error', message: `${f.written} ends ${where} without its value: cri-dockerd does not start ("flag needs an argument: ${f.written}")`, ...at });
    } else if (name === 'log-level' && f.value && !LOGRUS_LEVELS.levels.includes(f.value.toLowerCase())) {
      // cmd/server.go: logrus.ParseLevel, then logrus.Fatalf("Unknown log level: %s") (an empty value is skipped).
      const near = suggest(f.value.toLowerCase(), [...LOGRUS_LEVELS.levels]);
      out.push({ rule: 'invalid-value', severity: 'error', message: `${f.written} ${f.value} on ${where} is not a log level: cri-dockerd does not start ("Unknown log level: ${f.value}"); the levels are ${LOGRUS_LEVELS.levels.join(', ')}${near ? `; did you mean ${near}?` : ''}`, file: f.valueFile ?? f.file, range: f.valueRange ?? f.range, related: [] });
    }
  }
  for (const w of cmd.positionals) {
    out.push({ rule: 'invalid-value', severity: 'error', message: `${strayWord(cmd, w, "cri-dockerd's command line (cri-docker.service)")}: cri-dockerd does not start ("${CRI_DOCKERD_NO_ARGS.error}${w.text}")`, file: w.file, range: w.range, related: [] });
  }
  out.push(...bracedProblems(cmd, 'cri-dockerd', 'cri-docker.service'));
  return out;
}

/**
 * dockerd's log level, from daemon.json `log-level` or `--log-level`/`-l` on its command line (data
 * DOCKERD_LOG_LEVELS): a level no release in play accepts stops dockerd (an error); `warning`, which
 * only 20.10–24.0 accept, is a warning without `--docker` and an error with a release from 25.0.
 */
function logLevelProblems(model: DockerModel, docker: DockerTarget | null): Finding[] {
  const releases = docker ? docker.releases : DOCKERD_KEY_RELEASES.map((r) => r.version);
  const who = docker ? `dockerd ${docker.label}` : 'dockerd';
  const spots: { value: string; what: string; file: SourceFile; range: Range }[] = [];
  const n = model.daemonJson?.root ? get(model.daemonJson.root, 'log-level') : undefined;
  if (n && n.kind === 'scalar' && typeof n.value === 'string') spots.push({ value: n.value, what: `"log-level": ${n.raw} in daemon.json`, file: n.file, range: n.range });
  const f = flagOf(dockerdCommand(model), 'log-level', 'l');
  if (f && f.value !== null) spots.push({ value: f.value, what: `${f.written} ${f.value} on dockerd's command line (docker.service)`, file: f.valueFile ?? f.file, range: f.valueRange ?? f.range });
  const out: Finding[] = [];
  for (const sp of spots) {
    // Empty is the default level (every release checks a level only when one is set).
    if (sp.value === '') continue;
    const refusing = releases.filter((v) => !dockerdLogLevels(v).levels.includes(sp.value.toLowerCase()));
    if (!refusing.length) continue;
    const accepting = releases.filter((v) => !refusing.includes(v));
    const newest = dockerdLogLevels(refusing[refusing.length - 1]!);
    const said = `"${newest.error}${sp.value}"`;
    const near = sp.value.toLowerCase() === 'warning' ? 'warn' : suggest(sp.value.toLowerCase(), [...newest.levels]);
    const message =
      refusing.length === releases.length
        ? `${sp.what} is not a log level: ${who} does not start (${said}); the levels are ${newest.levels.join(', ')}${near ? `; did you mean "${near}"?` : ''}`
        : `${sp.what} is a log level only for ${span(accepting, releases, null)}: ${span(refusing, releases, null)} ${refusing.length > 1 ? 'do' : 'does'} not start (${said}); use "${near}"`;
    out.push({ rule: 'invalid-value', severity: refusing.length === releases.length ? 'error' : 'warning', message, file: sp.file, range: sp.range, related: [] });
  }
  return out;
}

/** A range of releases, as "25.0 and later", "20.10–23.0" or "24.0". */
function span(vs: string[], all: string[], label: string | null): string {
  if (label !== null && vs.length === all.length) return `dockerd ${label}`;
  if (vs[vs.length - 1] === all[all.length - 1]) return vs[0] === all[0] ? `every dockerd release (${all[0]}–${all[all.length - 1]})` : `dockerd ${vs[0]} and later`;
  return `dockerd ${vs[0]}${vs.length > 1 ? `–${vs[vs.length - 1]}` : ''}`;
}

/**
 * A key dockerd accepts and ignores (data DOCKERD_IGNORED_KEYS): the name of a non-boolean flag
 * whose key is another one, or a setting dockerd dropped. An error when no release acts on the key
 * (it is refused or ignored everywhere), a warning when older releases still read it.
 */
function ignoredKey(root: MapNode, e: MapEntry, releases: string[], byRelease: Set<MapEntry>[], label: string | null): Finding | null {
  const ignoring = releases.filter((v) => dockerdIgnoresKey(e.key, v));
  if (ignoring.length === 0) return null;
  const entry = dockerdIgnoresKey(e.key, ignoring[0]!)!;
  const refusing = releases.filter((_, i) => byRelease[i]!.has(e));
  const newest = releases[releases.length - 1]!;
  const one = (vs: string[]) => vs.length === releases.length || (vs.length === 1 && vs[0] !== newest);
  const where = `${span(ignoring, releases, label)} ${one(ignoring) ? 'accepts' : 'accept'} a flag's name as a key but ${one(ignoring) ? 'reads' : 'read'} it only for an on/off flag${refusing.length ? `, and ${span(refusing, releases, label)} ${one(refusing) ? 'refuses' : 'refuse'} this key` : ''}`;
  if (entry.removed) {
    const readers = releases.filter((v) => !ignoring.includes(v) && !refusing.includes(v));
    return { rule: 'unknown-key', severity: readers.length ? 'warning' : 'error', message: `"${e.key}" in daemon.json has no effect on ${label !== null && ignoring.length === releases.length ? `dockerd ${label}, which dropped the setting but still accepts` : `dockerd ${ignoring[0]} and later, which dropped the setting but still accept`} the key${readers.length ? ` (${span(readers, releases, label)} read it)` : ''}; remove it`, file: e.value.file, range: e.keyRange, related: [] };
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

/** `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
function keyList(keys: string[]): string {
  const q = keys.map((k) => JSON.stringify(k));
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}` : q[0]!;
}

/**
 * An object in daemon.json that dockerd `newest` drops (data dockerdDropsObject): it checks the keys inside as top-level keys, then the decoder drops
 * the object, so a key in it that passes has no effect unless it is an on/off flag of the config
 * (DOCKERD_CONFIG_BOOL_FLAGS). When the object's
 * name is a near miss of one dockerd reads (`log-opt` for `log-opts`: the name of the --log-opt flag;
 * `runtime`), one finding on the name covers the keys dockerd refuses in it (`covered`), with the
 * rename; otherwise each refused key is reported on its own and this says only what is not applied.
 */
function droppedObject(root: MapNode, e: MapEntry, value: MapNode, newest: string, refusedNewest: Set<MapEntry>, covered: Set<MapEntry>, who: string | null): Finding | null {
  const refused = value.entries.filter((c) => refusedNewest.has(c));
  const dropped = value.entries.filter((c) => !refusedNewest.has(c) && !DOCKERD_CONFIG_BOOL_FLAGS.has(c.key) && !DOCKERD_UNCLAIMED_BOOL_FLAGS.has(c.key));
  const related = refused.map((c) => ({ file: c.value.file, range: c.keyRange, message: `dockerd refuses "${c.key}"` }));
  const notApplied = dropped.length ? `, so ${keyList(dropped.map((c) => c.key))} in it ${dropped.length > 1 ? 'are' : 'is'} not applied` : '';
  // With --docker, an object only newer releases read (`nri-opts` on 29.1): one finding on its name says so.
  const since = who !== null ? dockerdObjectSince(e.key, newest) : null;
  if (since) {
    for (const c of refused) covered.add(c);
    const message = refused.length
      ? `unknown key "${e.key}" in daemon.json; it is an object of dockerd ${since} and later: ${who} checks the keys inside as top-level keys and refuses ${keyList(refused.map((c) => c.key))}, so it does not start ("${DIRECTIVES}: ${refused.map((c) => c.key).sort().join(', ')}")`
      : `"${e.key}" in daemon.json has no effect: it is an object of dockerd ${since} and later, and ${who} checks the keys inside as top-level keys, then ignores the object${notApplied}`;
    return { rule: 'unknown-key', severity: 'error', message, file: e.value.file, range: e.keyRange, related };
  }
  const objects = dockerdObjectKeys(newest);
  const flagName = dockerdIgnoresKey(e.key, newest)?.instead;
  // `"proxy": {"http-proxy": …}`: a key that belongs inside an object names it.
  const inner = dropped.map((c) => dockerdIgnoresKey(c.key, newest)?.instead?.split('.')).find((p) => p?.length === 2 && objects.includes(p[0]!))?.[0];
  const target = flagName && objects.includes(flagName) ? flagName : (suggest(e.key, objects) ?? inner);
  const at = { file: e.value.file, range: e.keyRange };
  if (!target) {
    const how = `dockerd reads the objects of ${keyList(objects)} only: it checks the keys inside any other as top-level keys`;
    // A flag's name among them is moved under its key (`exec-opt` as `exec-opts`), or it would do nothing there either.
    const renames = dropped.flatMap((c) => {
      const to = dockerdIgnoresKey(c.key, newest)?.instead;
      return to && !to.includes('.') ? [`"${c.key}" as "${to}"`] : [];
    });
    const move = `move ${dropped.length > 1 ? 'them' : 'it'} to the top level${renames.length ? ` (${renames.join(', ')})` : ''}`;
    if (dropped.length) return { rule: 'unknown-key', severity: 'error', message: `"${e.key}" in daemon.json has no effect: ${how}, then ignores the object${notApplied}; ${move}`, ...at, related: [] };
    if (value.entries.length === 0 && !dockerdReadsKey(e.key, newest)) return { rule: 'unknown-key', severity: 'warning', message: `"${e.key}" in daemon.json is not a key of dockerd, which ignores this empty object; remove it`, ...at, related: [] };
    return null;
  }
  for (const c of refused) covered.add(c);
  const why = flagName === target ? `"${e.key}" is the name of dockerd's --${e.key} flag, and the key is "${target}"` : `did you mean "${target}"?`;
  const empty = value.entries.length === 0;
  const taken = empty || get(root, target) !== undefined;
  const use = empty ? `${why.endsWith('?') ? ' It' : '; it'} is empty: remove it` : taken ? `; "${target}" is also in this file: merge the keys into it and remove "${e.key}"` : '';
  const how = 'it checks the keys inside as top-level keys';
  const message = refused.length
    ? `"${e.key}" in daemon.json is not an object dockerd reads: ${how} and refuses ${keyList(refused.map((c) => c.key))}, so it does not start ("${DIRECTIVES}: ${refused.map((c) => c.key).sort().join(', ')}"); ${why}${use}`
    : `"${e.key}" in daemon.json has no effect: dockerd does not read this object (${how}, then ignores it)${notApplied}; ${why}${use}`;
  const fix: Finding['fix'] = taken
    ? undefined
    : { safety: 'unsafe', description: `rename "${e.key}" to "${target}" (dockerd then reads the object)`, changes: [{ file: at.file, edits: [{ start: e.keyRange.start.offset, end: e.keyRange.end.offset, text: JSON.stringify(target) }] }] };
  return { rule: 'unknown-key', severity: 'error', message, ...at, related, ...(fix ? { fix } : {}) };
}

type JsonKind = 'null' | 'bool' | 'number' | 'string' | 'array' | 'object';
function kindOf(n: VNode): JsonKind {
  if (n.kind === 'map') return 'object';
  if (n.kind === 'array') return 'array';
  return n.value === null ? 'null' : typeof n.value === 'boolean' ? 'bool' : typeof n.value === 'number' ? 'number' : 'string';
}
const SAID: Record<JsonKind, string> = { null: 'null', bool: 'true or false', number: 'a number', string: 'a string', array: 'a list', object: 'an object' };

/**
 * daemon.json values of a JSON type that dockerd cannot decode into the key's field (data
 * DOCKERD_VALUE_TYPES): `"mtu": "1500"`, `"labels": "a=b"`, `"log-opts": {"max-file": 3}`. dockerd
 * does not start. A list or an object is checked item by item, at the first bad one. Only a key
 * that one of the releases in play decodes is checked (with `--docker 29.6`, `default-stop-timeout`
 * is refused as unknown before any value is read).
 */
function valueTypes(root: MapNode, docker: DockerTarget | null): Finding[] {
  const out: Finding[] = [];
  const releases = docker ? docker.releases : DOCKERD_KEY_RELEASES.map((r) => r.version);
  for (const e of root.entries) {
    const want = Object.hasOwn(DOCKERD_VALUE_TYPES, e.key) ? DOCKERD_VALUE_TYPES[e.key]! : null;
    if (!want || !releases.some((v) => dockerdDecodesKey(e.key, v))) continue;
    const bad = badValue(e.value, want);
    if (!bad) continue;
    const k = kindOf(bad.node);
    const shown = `${SAID[k]} (${bad.node.kind === 'scalar' ? bad.node.raw : k === 'array' ? '[…]' : '{…}'})`;
    const what = `${bad.where ? `${bad.where} of ` : ''}"${e.key}" in daemon.json is ${shown}`;
    // encoding/json names the number only when it is no whole number for an integer field.
    const go = k === 'number' && want === 'int' && bad.node.kind === 'scalar' ? `number ${bad.node.raw}` : k;
    out.push({ rule: 'invalid-value', severity: 'error', message: `${what}, but dockerd reads ${bad.expected}: it does not start ("json: cannot unmarshal ${go} into Go struct field …")`, file: bad.node.file, range: bad.node.range, related: [] });
  }
  return out;
}

const EXPECTED = { bool: 'true or false', int: 'a whole number', string: 'a string', strings: 'a list of strings', 'object-of-strings': 'an object of strings', 'object-of-bools': 'an object of true/false values', object: 'an object', pools: 'a list of address pools' } as const;

/** The first part of `n` that does not decode as `want`, with what was expected there; null when it decodes. */
function badValue(n: VNode, want: keyof typeof EXPECTED): { node: VNode; expected: string; where?: string } | null {
  const k = kindOf(n);
  if (k === 'null') return null;
  const whole = { node: n, expected: EXPECTED[want] };
  switch (want) {
    case 'bool':
      return k === 'bool' ? null : whole;
    case 'int':
      // As Go's strconv.ParseInt reads the literal: 1e3 and 1.0 are no whole numbers.
      return k === 'number' && /^-?(?:0|[1-9]\d*)$/.test((n as { raw: string }).raw) ? null : whole;
    case 'string':
      return k === 'string' ? null : whole;
    case 'strings': {
      if (n.kind !== 'array') return whole;
      const i = n.items.findIndex((it) => kindOf(it) !== 'string' && kindOf(it) !== 'null');
      return i < 0 ? null : { node: n.items[i]!, expected: 'a string', where: `item ${i + 1}` };
    }
    case 'object-of-strings':
    case 'object-of-bools': {
      if (n.kind !== 'map') return whole;
      const item = want === 'object-of-strings' ? 'string' : 'bool';
      const e = n.entries.find((x) => kindOf(x.value) !== item && kindOf(x.value) !== 'null');
      return e ? { node: e.value, expected: item === 'string' ? 'a string' : 'true or false', where: `"${e.key}"` } : null;
    }
    case 'object':
      return k === 'object' ? null : whole;
    case 'pools': {
      // opts.PoolsOpt decodes a list of {"base": "<CIDR>", "size": <prefix length>} (ipamutils.NetworkToSplit).
      if (n.kind !== 'array') return whole;
      for (let i = 0; i < n.items.length; i++) {
        const it = n.items[i]!;
        if (kindOf(it) === 'null') continue;
        if (it.kind !== 'map') return { node: it, expected: 'an object {"base": …, "size": …}', where: `item ${i + 1}` };
        for (const e of it.entries) {
          const field = e.key === 'base' ? 'string' : e.key === 'size' ? 'int' : null;
          const bad = field ? badValue(e.value, field) : null;
          if (bad) return { ...bad, where: `"${e.key}" of item ${i + 1}` };
        }
      }
      return null;
    }
  }
}
