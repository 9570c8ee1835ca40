/**
 * Checks of CRI-O config files: unknown keys and values of the wrong type per file (CRI-O decodes
 * each file on its own: UpdateFromDropInFile), and the values CRI-O refuses at start-up, read from
 * the merged configuration (the conmon cgroup against the cgroup manager).
 *
 * schemas/crio.schema.json lists every key of the struct CRI-O decodes into, with its TOML type
 * (read from cri-o/cri-o @ f954a17e, see the schema's $comment). CRI-O discards the decode metadata,
 * so an unknown or misplaced key is ignored without a word (src/data/crio.ts CRIO_MERGE.unknownKeys);
 * a key that matches a known one case-insensitively is what CRI-O uses (CRIO_MERGE.caseInsensitive)
 * and is not reported. A value of the wrong type makes the file undecodable and CRI-O does not start
 * ("unable to decode configuration <path>"). crio's command line is checked too: a flag it does
 * not define, or one without its value, stops it.
 */
import type { Finding, RelatedLocation } from '../core/types.js';
import { cmpVersion, fmtVersion, type Version } from '../core/version.js';
import { CRIO_ARGS, CRIO_BOOLEAN_FLAGS, crioBooleanFlags, CRIO_CGROUP_MANAGER, CRIO_FLAGS_ALL, CRIO_FLAGS_RANGED, CRIO_UNIT, crioDefinesFlag, crioMonitorCgroupError } from '../data/crio.js';
import { LOGRUS_LEVELS, ver } from '../data/lookup.js';
import { crioCliSpot, crioSettings, crioSettingSpot, crioSettingText, type CrioFile, type CrioModel } from '../model/crio.js';
import type { Path } from '../model/tree.js';
import { describeValue as describe, loadShippedSchema, tableText, typeMatches, type DefsSchema, type SchemaNode } from './shipped.js';
import { suggest, validateTree } from './validate.js';
import { bracedProblems, strayWord } from './units.js';
import { parseFlagWords } from '../parse/flags.js';

type CrioSchema = DefsSchema;

let loaded: CrioSchema | null = null;

/** schemas/crio.schema.json (see loadShippedSchema). */
export function crioSchema(): CrioSchema {
  return (loaded ??= loadShippedSchema('crio.schema.json', 'CRI-O'));
}

const IGNORED = 'CRI-O ignores unknown keys without a warning, so this setting has no effect';
const DECODE_FAILS = 'CRI-O cannot decode the file ("unable to decode configuration") and does not start';

/** Where each struct $def sits in the file (for "belongs in" hints). */
const TABLE_OF_DEF: Readonly<Record<string, string>> = {
  crio: 'crio',
  api: 'crio.api',
  runtime: 'crio.runtime',
  'checkpoint-restore': 'crio.checkpoint_restore',
  image: 'crio.image',
  network: 'crio.network',
  metrics: 'crio.metrics',
  tracing: 'crio.tracing',
  stats: 'crio.stats',
  nri: 'crio.nri',
  'runtime-handler': 'crio.runtime.runtimes.<name>',
};

function deref(schema: CrioSchema, s: SchemaNode | undefined): SchemaNode | undefined {
  let cur = s;
  for (let i = 0; i < 8 && cur?.$ref; i++) cur = schema.$defs[cur.$ref.replace('#/$defs/', '')];
  return cur;
}

/** The schema below the root at a path (properties case-insensitively, then additionalProperties/items). */
function schemaAt(schema: CrioSchema, path: Path): SchemaNode | undefined {
  let cur = deref(schema, schema.$defs.top);
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') cur = cur.items;
    else {
      const props = cur.properties ?? {};
      const name = Object.hasOwn(props, seg) ? seg : Object.keys(props).find((k) => k === seg.toLowerCase());
      cur = name ? props[name] : typeof cur.additionalProperties === 'object' ? cur.additionalProperties : undefined;
    }
    cur = deref(schema, cur);
  }
  return cur;
}

/** The tables (other than `here`) that have a field of this name. */
function otherTables(schema: CrioSchema, key: string, here: SchemaNode | undefined): string[] {
  const out: string[] = [];
  for (const [def, table] of Object.entries(TABLE_OF_DEF)) {
    const s = schema.$defs[def];
    if (s && s !== here && s.properties && Object.hasOwn(s.properties, key.toLowerCase())) out.push(table);
  }
  return out;
}




function fileProblems(schema: CrioSchema, file: CrioFile): Finding[] {
  if (!file.root) return [];
  const out: Finding[] = [];
  // The whole schema (its root is `$ref: #/$defs/top`): the build precompiles it as it is (x-precompile).
  for (const p of validateTree(file.root, 'crio', schema)) {
    if (p.kind === 'unknown-key') {
      const key = p.key!;
      const parentPath = p.path.slice(0, -1);
      const parent = schemaAt(schema, parentPath);
      const known = Object.keys(parent?.properties ?? {});
      if (known.includes(key.toLowerCase())) continue; // CRI-O matches it case-insensitively
      let message = `unknown key "${key}" ${tableText(parentPath)}`;
      const elsewhere = otherTables(schema, key, parent);
      let suggestion = p.suggestion ?? suggest(key, known);
      // A table is not a misspelt scalar setting (and the other way round).
      if (suggestion && (p.node.kind === 'map') !== (deref(schema, parent?.properties?.[suggestion])?.type === 'object')) suggestion = undefined;
      if (elsewhere.length === 1) message += `; "${key}" belongs in [${elsewhere[0]}]`;
      else if (suggestion) message += `; did you mean "${suggestion}"?`;
      out.push({ rule: 'unknown-key', severity: 'error', message: `${message}${suggestion && elsewhere.length !== 1 ? ' ' : '; '}${IGNORED}`, file: file.source, range: p.range, related: [] });
      continue;
    }
    const prop = schemaAt(schema, p.path);
    const consequence = prop && typeMatches(prop, p.node) && prop['x-invalid'] ? prop['x-invalid'] : DECODE_FAILS;
    const last = p.path.length ? p.path[p.path.length - 1] : '';
    out.push({
      rule: 'invalid-value',
      severity: 'error',
      message: `invalid value for "${String(last)}" ${tableText(p.path.slice(0, -1).filter((x) => typeof x === 'string'))}: ${p.message}, got ${describe(p.node)}; ${consequence}`,
      file: file.source,
      range: p.range,
      related: [],
    });
  }
  return out;
}

/** The conmon (monitor) cgroup each oci handler gets, against the cgroup manager (src/data CRIO_MONITOR_CGROUP). */
function monitorCgroupProblems(model: CrioModel): Finding[] {
  const s = crioSettings(model);
  const manager = s.cgroupManager.value ?? CRIO_CGROUP_MANAGER.default;
  if (manager !== 'systemd' && manager !== 'cgroupfs') {
    // A file's value is checked with the file (fileProblems); a command line's here.
    const c = s.cgroupManager.cli;
    const at = crioSettingSpot(s.cgroupManager);
    return c && at ? [{ rule: 'invalid-value', severity: 'error', message: `${crioSettingText(s.cgroupManager, 'cgroup_manager')}: CRI-O refuses to start ("invalid cgroup manager: ${manager}"); use systemd or cgroupfs`, ...at, related: [] }] : [];
  }
  const managerText = crioSettingText(s.cgroupManager, 'cgroup_manager') ?? `cgroup_manager is not set, so it is ${manager}`;
  const managerAt = crioSettingSpot(s.cgroupManager);
  const related: RelatedLocation[] = managerAt ? [{ ...managerAt, message: managerText }] : [];
  const want = manager === 'systemd' ? '"pod" or a systemd slice such as "system.slice"' : '"pod" (or leave it empty)';
  const out: Finding[] = [];
  const conmon = s.conmonCgroup;
  const conmonAt = crioSettingSpot(conmon);
  if (conmonAt && conmon.value) {
    const err = crioMonitorCgroupError(manager, conmon.value);
    if (err) {
      out.push({
        rule: 'invalid-value',
        severity: 'error',
        message: `${crioSettingText(conmon, 'conmon_cgroup')} does not fit the ${manager} cgroup manager (${managerText}): CRI-O refuses to start ("${err}"); use ${want}`,
        ...conmonAt,
        related,
      });
    }
    return out; // a non-empty conmon_cgroup overrides every handler's monitor_cgroup
  }
  for (const r of s.runtimes) {
    const mon = r.monitorCgroup;
    if (!mon.node || (r.runtimeType.value !== '' && r.runtimeType.value !== 'oci')) continue;
    const err = crioMonitorCgroupError(manager, mon.value);
    if (!err) continue;
    out.push({
      rule: 'invalid-value',
      severity: 'error',
      message: `monitor_cgroup = ${mon.node.raw} of runtime "${r.name}" does not fit the ${manager} cgroup manager (${managerText}): CRI-O refuses to start ("failed to translate monitor fields for runtime ${r.name}: ${err}"); use ${want}`,
      file: mon.node.file,
      range: mon.node.range,
      related,
    });
  }
  return out;
}

/** `[crio.api] listen` is a path CRI-O hands to net.Listen("unix", …) as written (cmd/crio/main.go @ f954a17e). */
function listenProblems(model: CrioModel): Finding[] {
  const listen = crioSettings(model).listen;
  const at = crioSettingSpot(listen);
  if (!at || listen.value === null || listen.value.startsWith('/')) return [];
  const m = /^unix:\/\/(\/.*)$/.exec(listen.value);
  return [
    {
      rule: 'invalid-value',
      severity: 'error',
      message: `${crioSettingText(listen, 'listen')} is not an absolute path: CRI-O creates its socket at the path as written (net.Listen("unix", …); it is not an endpoint URL), so the socket is not where the kubelet and crictl look; write ${m ? (listen.cli ? m[1] : `"${m[1]}"`) : 'an absolute path such as "/var/run/crio/crio.sock"'}`,
      ...at,
      related: [],
    },
  ];
}

/**
 * crio's command line (model/crio.ts): a flag this CRI-O release does not define, a flag that
 * needs a value at the end of it (Go's flag package, via urfave/cli), or a `--config` file that is
 * not there stops crio.
 */
function commandProblems(model: CrioModel, crio: Version): Finding[] {
  const out: Finding[] = [];
  const v = fmtVersion(crio);
  const missing = model.configMissing;
  if (missing) {
    const at = crioCliSpot(missing.cli);
    out.push({ rule: 'invalid-value', severity: 'error', message: `${missing.cli.text} names ${missing.path}, which does not exist in this node root: CRI-O ${v} does not start ("update config from file: … no such file or directory"; only a missing default crio.conf is skipped)`, ...at, related: [] });
  }
  // Parsed again for this release when it reads a flag with a value that later ones take alone.
  const cmd = model.command ?? null;
  const booleans = crioBooleanFlags(crio);
  const args = cmd && booleans !== CRIO_BOOLEAN_FLAGS ? parseFlagWords(cmd.words, { go: true, booleans }) : cmd;
  for (const f of args?.flags ?? []) {
    const at = { file: f.file, range: f.nameRange, related: [] };
    if (!crioDefinesFlag(f.name, crio)) {
      const r = Object.hasOwn(CRIO_FLAGS_RANGED, f.name) ? CRIO_FLAGS_RANGED[f.name]! : null;
      const when = r?.since && cmpVersion(crio, ver(r.since)) < 0 ? `it is a flag of CRI-O ${r.since} and later; ` : r?.until ? `CRI-O ${r.until} removed it; ` : '';
      const near = suggest(f.name, [...CRIO_FLAGS_ALL, ...Object.keys(CRIO_FLAGS_RANGED)].filter((n) => n.length > 2 && crioDefinesFlag(n, crio)));
      out.push({ rule: 'unknown-key', severity: 'error', message: `unknown flag ${f.written} on crio's command line (${CRIO_UNIT.name}); ${when}${near ? `did you mean --${near}? ` : ''}CRI-O ${v} does not start ("flag provided but not defined: -${f.name}")`, ...at });
    } else if (f.missingValue) {
      out.push({ rule: 'invalid-value', severity: 'error', message: `${f.written} ends crio's command line (${CRIO_UNIT.name}) without its value: CRI-O ${v} does not start ("flag needs an argument: -${f.name}")`, ...at });
    }
  }
  // Go's flag package stops at the first word that is not a flag; urfave/cli then runs the
  // subcommand it names, or crio's main action refuses it (data CRIO_ARGS).
  const w = args?.positionals[0];
  if (w) {
    const since = Object.hasOwn(CRIO_ARGS.subcommands, w.text) ? CRIO_ARGS.subcommands[w.text]! : undefined;
    const sub = since === null || (since !== undefined && cmpVersion(crio, ver(since)) >= 0);
    const where = `crio's command line (${CRIO_UNIT.name})`;
    const message = sub
      ? `"${w.text}" on ${where} is not a flag but crio's ${w.text} subcommand: CRI-O ${v} runs it and exits instead of serving CRI, so the service stops; it also ends the flags (Go's flag package), so the rest of the line is the subcommand's`
      : `${strayWord(cmd, w, where)}: CRI-O ${v} does not start: ${CRIO_ARGS.error.replace('%q', JSON.stringify(w.text))} (Go's flag package stops at it, so the rest of the line is not read as flags)`;
    out.push({ rule: 'invalid-value', severity: 'error', message, file: w.file, range: w.range, related: [] });
  }
  out.push(...bracedProblems(cmd, 'crio', CRIO_UNIT.name));
  return out;
}

/**
 * The log level that decides (`--log-level`/`-l`, CONTAINER_LOG_LEVEL, else `[crio.runtime]
 * log_level` as merged): crio parses it with logrus.ParseLevel (data LOGRUS_LEVELS) and does not
 * start on another word. An empty value is left alone (not confirmed against a running crio).
 */
function logLevelProblems(model: CrioModel, crio: Version): Finding[] {
  // A node with only a crio.service (a --config that is missing) has no settings to merge.
  if (!model.configFiles.length) return [];
  const s = crioSettings(model).logLevel;
  const at = crioSettingSpot(s);
  if (s.value === null || s.value === '' || !at || LOGRUS_LEVELS.levels.includes(s.value.toLowerCase())) return [];
  const near = suggest(s.value.toLowerCase(), [...LOGRUS_LEVELS.levels]);
  return [{ rule: 'invalid-value', severity: 'error', message: `${crioSettingText(s, 'log_level')}: CRI-O ${fmtVersion(crio)} does not start: not a valid logrus Level: ${JSON.stringify(s.value)}; the levels are ${LOGRUS_LEVELS.levels.join(', ')}${near ? `; did you mean ${near}?` : ''}`, ...at, related: [] }];
}

export function crioProblems(model: CrioModel, crio: Version): Finding[] {
  const schema = crioSchema();
  const out: Finding[] = [...commandProblems(model, crio), ...logLevelProblems(model, crio)];
  for (const f of [...model.configFiles, ...model.extra]) out.push(...fileProblems(schema, f));
  if (model.configFiles.some((f) => f.root)) out.push(...monitorCgroupProblems(model), ...listenProblems(model));
  return out;
}
