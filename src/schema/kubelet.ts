/**
 * The kubelet's view of its configuration, as findings: the KubeletConfiguration schema
 * (schemas/kubelet.schema.json) per document, fields newer than the target Kubernetes, duplicate
 * keys, apiVersion/kind, and the kubelet's own validation (`ValidateKubeletConfiguration` and the
 * start-up parsers) on the effective configuration (flags over drop-ins over the config file
 * over v1beta1 defaults), quoting the kubelet's error texts.
 *
 * Sources (KK = kubernetes/kubernetes): validation texts from ../shared/reference/kubelet-kubeadm.md
 * §2 (KK pkg/kubelet/apis/config/validation/validation.go revision 001332b0, ≥1.36); where a text
 * differs in the 1.29–1.35 revision read for this work (KK validation.go, index id 4640499: has
 * imageMaximumGCAge, no `*-compressible` enforcement keys), the older text is used for targets
 * before 1.36 and says so. Unknown/duplicate fields are not fatal: the kubelet decodes strictly,
 * then leniently, dropping unknown fields and keeping the last duplicate
 * (KK pkg/kubelet/kubeletconfig/util/codec/codec.go "Using lenient decoding as strict decoding failed").
 */
import { existsSync, readFileSync } from 'node:fs';
import type { SourceFile } from '../core/source.js';
import type { Finding, Range, RelatedLocation, Severity } from '../core/types.js';
import { fmtVersion, type Version } from '../core/version.js';
import type { Target } from '../engine/rule.js';
import { gateDefault, gateKnown, gateLocked, gateStage, FEATURE_GATES } from '../data/feature-gates.js';
import { kubeletFieldKnown, kubeletFieldSince } from '../data/kubelet-fields.js';
import { kubeletFlagStatus } from '../data/kubelet-flags.js';
import { swapBehaviorValues } from '../data/kubernetes.js';
import { atLeastLoose, clampKubernetes, own } from '../data/lookup.js';
import {
  flagValue,
  KUBELET_API_VERSION,
  KUBELET_FLAG_FIELDS,
  KUBELET_KIND,
  kubeletSetting,
  type KubeletDoc,
  type KubeletModel,
  type KubeletSetting,
} from '../model/kubelet.js';
import { entry, formatPath, get, isMap, walk, type MapNode } from '../model/tree.js';
import { validateTree } from './validate.js';
import { bracedProblems, strayWord } from './units.js';

let schemaCache: object | null = null;

/** schemas/kubelet.schema.json, read on first use (from src/schema/ in tests, from dist/ when bundled). */
export function kubeletSchema(): object {
  if (schemaCache) return schemaCache;
  for (const rel of ['../../schemas/kubelet.schema.json', '../schemas/kubelet.schema.json']) {
    const u = new URL(rel, import.meta.url);
    if (existsSync(u)) {
      schemaCache = JSON.parse(readFileSync(u, 'utf8')) as object;
      return schemaCache;
    }
  }
  throw new Error('schemas/kubelet.schema.json not found next to the crilint sources');
}

const IGNORED = 'the kubelet ignores unknown fields (lenient decoding), so this setting has no effect';

/** Go `%q` for the strings in these messages (printable ASCII: same as JSON). */
const q = (s: unknown) => JSON.stringify(String(s));
/** Go `%q` of a []string: `["a" "b"]`. */
const qList = (xs: readonly string[]) => `[${xs.map(q).join(' ')}]`;

// ---------------------------------------------------------------------------------------------
// Go durations (time.ParseDuration / Duration.String)

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, ms: 1e6, s: 1e9, m: 6e10, h: 3.6e12 };

/** Nanoseconds of a Go duration string, or null when time.ParseDuration rejects it. */
export function parseGoDuration(s: string): number | null {
  const m = /^([-+]?)(.*)$/.exec(s)!;
  const body = m[2]!;
  if (body === '0') return 0;
  if (body === '') return null;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < body.length) {
    re.lastIndex = i;
    const p = re.exec(body);
    if (!p) return null;
    total += Number(p[1]) * UNIT_NS[p[2]!]!;
    i = re.lastIndex;
  }
  return m[1] === '-' ? -total : total;
}

function trimNum(x: number): string {
  return x.toFixed(9).replace(/\.?0+$/, '');
}

/** Go's time.Duration.String(). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(Math.round(ns));
  if (u < 1e3) return `${sign}${u}ns`;
  if (u < 1e6) return `${sign}${trimNum(u / 1e3)}\u00b5s`;
  if (u < 1e9) return `${sign}${trimNum(u / 1e6)}ms`;
  const h = Math.floor(u / 3.6e12);
  u -= h * 3.6e12;
  const m = Math.floor(u / 6e10);
  u -= m * 6e10;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trimNum(u / 1e9)}s`;
}

/** Duration of a setting's value in ns (strings are Go durations), or null when unparseable/absent. */
function ns(value: unknown): number | null {
  return typeof value === 'string' ? parseGoDuration(value) : null;
}

// ---------------------------------------------------------------------------------------------
// Findings

interface Place {
  file: SourceFile;
  range: Range;
}

/** Where a setting is written: the winning flag's value, else the config node; null for a pure default. */
function placeOf(s: KubeletSetting): Place | null {
  if (s.flag) return { file: s.flag.valueFile ?? s.flag.file, range: s.flag.valueRange ?? s.flag.range };
  if (s.node) return { file: s.node.file, range: s.node.range };
  return null;
}

function describe(field: string, s: KubeletSetting): string {
  if (s.flag) return `--${s.flag.name} is set here`;
  if (s.origin === 'default') return `${field} is empty here, so the default applies`;
  return `${field} is set here`;
}

class Out {
  readonly list: Finding[] = [];
  add(rule: 'unknown-key' | 'invalid-value', severity: Severity, message: string, at: Place | null, related: RelatedLocation[] = []): void {
    this.list.push({ rule, severity, message, file: at?.file ?? null, range: at?.range ?? null, related });
  }
  /** A cross-field problem: at the first setting that is written somewhere, related to the others. */
  setting(message: string, primary: [string, KubeletSetting], others: [string, KubeletSetting][] = [], severity: Severity = 'error'): void {
    const all = [primary, ...others];
    const mainIdx = all.findIndex(([, s]) => placeOf(s));
    const at = mainIdx >= 0 ? placeOf(all[mainIdx]![1]) : null;
    const related: RelatedLocation[] = [];
    all.forEach(([field, s], i) => {
      if (i === mainIdx) return;
      const p = placeOf(s);
      if (p) related.push({ ...p, message: describe(field, s) });
    });
    this.add('invalid-value', severity, message, at, related);
  }
}

/** The kubelet's own error text, verbatim after the colon. */
const refuses = (text: string) => `the kubelet refuses to start: ${text}`;
const invalid = (text: string) => refuses(`invalid configuration: ${text}`);

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Findings about the kubelet's configuration for a target: `unknown-key` (error) for keys the
 * kubelet does not know (or not yet at the target version), `invalid-value` (error; duplicates are
 * warnings) for values the kubelet rejects, with exact ranges; cross-field problems point at the
 * wrong value with `related` locations for the others.
 */
export function kubeletProblems(model: KubeletModel, target: Target): Finding[] {
  const t = clampKubernetes(target.kubernetes).version;
  const out = new Out();
  for (const d of [model.config, ...model.dropIns, ...model.others]) if (d) documentProblems(d, t, out);
  if (model.instance) documentProblems(model.instance, t, out);
  instanceDrift(model, out);
  flagProblems(model, t, out);
  if (model.config || model.dropIns.length || model.flags) validation(model, t, out);
  return out.list.sort(
    (a, b) => (a.file?.display ?? '').localeCompare(b.file?.display ?? '') || (a.range?.start.offset ?? -1) - (b.range?.start.offset ?? -1) || a.message.localeCompare(b.message),
  );
}

// ---------------------------------------------------------------------------------------------
// Per document: apiVersion/kind, duplicates, schema, fields newer than the target

function documentProblems(d: KubeletDoc, t: Version, out: Out): void {
  const root = d.root;
  const skip = new Set<string>(); // top-level keys whose subtree is not validated further
  if (d.role !== 'instance') {
    const kind = get(root, 'kind');
    const api = get(root, 'apiVersion');
    const start: Place = { file: d.file, range: { start: root.range.start, end: root.range.start } };
    if (!kind) out.add('invalid-value', 'error', `kind is missing: the kubelet cannot decode the file without "kind: ${KUBELET_KIND}"`, start);
    else if (kind.kind !== 'scalar' || kind.value !== KUBELET_KIND) {
      out.add('invalid-value', 'error', `kind must be ${q(KUBELET_KIND)}, found ${kind.kind === 'scalar' ? q(kind.raw) : `a ${kind.kind}`}: the kubelet cannot decode this file as its configuration`, { file: d.file, range: kind.range });
      return; // another kind's keys are not KubeletConfiguration keys
    }
    if (!api) out.add('invalid-value', 'error', `apiVersion is missing: the kubelet cannot decode the file without "apiVersion: ${KUBELET_API_VERSION}"`, start);
    else if (api.kind !== 'scalar' || api.value !== KUBELET_API_VERSION) {
      out.add('invalid-value', 'error', `apiVersion must be ${q(KUBELET_API_VERSION)}, found ${api.kind === 'scalar' ? q(api.raw) : `a ${api.kind}`}: the kubelet cannot decode this file`, { file: d.file, range: api.range });
    }
  }
  duplicates(root, out);

  const seen = new Set<string>();
  for (const e of root.entries) {
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    const since = kubeletFieldSince(e.key);
    if (since && kubeletFieldKnown(t, e.key) === false) {
      skip.add(e.key);
      out.add('unknown-key', 'error', `unknown key ${q(e.key)} in KubeletConfiguration for Kubernetes ${fmtVersion(t)} (added in ${since}); ${IGNORED}`, { file: d.file, range: e.keyRange });
    }
  }
  if (d.role === 'drop-in' && !atLeastLoose(t, '1.32')) {
    const rc = entry(root, 'resolvConf');
    if (rc && !skip.has('resolvConf')) {
      out.add(
        'invalid-value',
        'error',
        `resolvConf in a --config-dir drop-in has no effect before Kubernetes 1.32: the kubelet merges drop-ins into its internal struct, whose field is named ResolverConfig (kubernetes/kubernetes#126630, fixed in 1.32 by #127421); set it in the main config file`,
        { file: d.file, range: rc.keyRange },
      );
    }
  }

  for (const p of validateTree(root, 'kubelet', kubeletSchema())) {
    const top = p.path[0];
    if (typeof top === 'string' && (skip.has(top) || ((top === 'apiVersion' || top === 'kind') && p.path.length === 1))) continue;
    if (p.path.length === 0 && p.kind === 'invalid-value') continue; // required apiVersion/kind: reported above
    if (p.node.kind === 'scalar' && p.node.type === 'null' && p.kind === 'invalid-value') continue; // null: Go leaves the default
    if (p.kind === 'unknown-key') {
      const where = p.path.length > 1 ? ` ${formatPath(p.path.slice(0, -1))}` : '';
      const hint = p.suggestion ? `; did you mean ${q(p.suggestion)}? The kubelet` : '; the kubelet';
      out.add('unknown-key', 'error', `unknown key ${q(p.key)} in KubeletConfiguration${where}${hint}${IGNORED.slice('the kubelet'.length)}`, { file: d.file, range: p.range });
    } else {
      const found = p.node.kind === 'scalar' ? ` (found ${p.node.raw === '' ? 'an empty value' : p.node.raw})` : ` (found a ${p.node.kind === 'map' ? 'mapping' : 'sequence'})`;
      out.add('invalid-value', 'error', `invalid value for ${formatPath(p.path)}: ${p.message}${found}`, { file: d.file, range: p.range });
    }
  }
}

function duplicates(root: MapNode, out: Out): void {
  walk(root, (n) => {
    if (n.kind !== 'map') return;
    const byKey = new Map<string, typeof n.entries>();
    for (const e of n.entries) (byKey.get(e.key) ?? byKey.set(e.key, []).get(e.key)!).push(e);
    for (const [key, list] of byKey) {
      if (list.length < 2) continue;
      const win = list[list.length - 1]!;
      const path = formatPath([...n.path, key]);
      out.add(
        'invalid-value',
        'warning',
        `duplicate key ${q(path)}: the kubelet's strict decoding fails and it falls back to lenient decoding, where the later value (this one, line ${win.keyRange.start.line}) wins`,
        { file: n.file, range: win.keyRange },
        list.slice(0, -1).map((e) => ({ file: n.file, range: e.keyRange, message: `earlier ${q(path)} (ignored)` })),
      );
    }
  });
}

function instanceDrift(model: KubeletModel, out: Out): void {
  const inst = model.instance;
  if (!inst || !model.merged) return;
  const want = get(inst.root, 'containerRuntimeEndpoint');
  const have = get(model.merged, 'containerRuntimeEndpoint');
  if (!want || want.kind !== 'scalar' || !have || have.kind !== 'scalar' || want.value === have.value) return;
  out.add(
    'invalid-value',
    'warning',
    `containerRuntimeEndpoint is ${q(have.value)} here but ${q(want.value)} in kubeadm's instance-config.yaml: the kubelet uses this value, and kubeadm patches the instance config over it the next time it writes the kubelet configuration (kubeadm upgrade/join)`,
    { file: have.file, range: have.range },
    [{ file: want.file, range: want.range, message: 'kubeadm instance config (NodeLocalCRISocket)' }],
  );
}

// ---------------------------------------------------------------------------------------------
// Flags the kubelet cannot start with

function flagProblems(model: KubeletModel, t: Version, out: Out): void {
  const args = model.flags?.args;
  if (args) {
    const cmd = model.flags?.command ?? null;
    for (const w of args.positionals) {
      const message = w.text === '' ? `${strayWord(cmd, w, "the kubelet's command line (kubelet.service)")}: ${refuses('unknown command ')} (the empty word)` : `${refuses(`unknown command ${w.text}`)}: a word that is not a flag (boolean flags take their value as --flag=false)`;
      out.add('invalid-value', 'error', message, { file: w.file, range: w.range });
    }
    out.list.push(...bracedProblems(cmd, 'the kubelet', 'kubelet.service'));
    for (const f of args.flags) {
      if (f.missingValue) {
        out.add('invalid-value', 'error', refuses(`flag needs an argument: ${f.written}`), { file: f.file, range: f.range });
        continue;
      }
      const status = kubeletFlagStatus(t, f.name);
      if (status.status === 'removed') {
        out.add('invalid-value', 'error', `${f.written} was removed in Kubernetes ${status.since}; ${refuses(`failed to parse kubelet flag: unknown flag: --${f.name}`)}`, { file: f.file, range: f.nameRange });
        continue;
      }
      const info = own(KUBELET_FLAG_FIELDS, f.name);
      if (!info || info.type === 'string' || info.type === 'duration' || info.type === 'strings') continue;
      if (!flagValue(info.type, f.value).ok) {
        const kind = info.type === 'bool' ? 'true or false' : info.type === 'int' ? 'an integer' : info.type === 'mapBool' ? 'Name=true|false pairs separated by commas' : info.type === 'mapString' ? 'key=value pairs separated by commas' : 'signal<threshold pairs separated by commas';
        out.add('invalid-value', 'error', `${refuses(`invalid argument ${q(f.value)} for ${q(`--${f.name}`)} flag`)}: expected ${kind}`, { file: f.valueFile ?? f.file, range: f.valueRange ?? f.range });
      }
    }
  }
  if (model.configMissing && model.configFlag) {
    const f = model.configFlag;
    out.add('invalid-value', 'error', `--config names ${model.configPath}, which does not exist in this node root; the kubelet fails to start ("failed to load kubelet config file")`, { file: f.valueFile ?? f.file, range: f.valueRange ?? f.range });
  }
}

// ---------------------------------------------------------------------------------------------
// The kubelet's own validation on the effective configuration

const SIGNALS = [
  'memory.available',
  'nodefs.available',
  'nodefs.inodesFree',
  'imagefs.available',
  'imagefs.inodesFree',
  'containerfs.available',
  'containerfs.inodesFree',
  'allocatableMemory.available',
  'pid.available',
];

/** Go `tls.CipherSuites()` + `tls.InsecureCipherSuites()` names (union over Go releases) + the two legacy aliases (component-base cli/flag/ciphersuites_flag.go). */
const CIPHER_SUITES = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_RSA_WITH_RC4_128_SHA',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
]);

/** component-base cli/flag/ciphersuites_flag.go `versions`. */
const TLS_VERSIONS = ['VersionTLS10', 'VersionTLS11', 'VersionTLS12', 'VersionTLS13'];

/** Resources `parseResourceList` accepts for systemReserved/kubeReserved (KK cmd/kubelet/app/server.go). */
const RESERVABLE = ['cpu', 'memory', 'ephemeral-storage', 'pid'];

const num = (x: unknown): number | null => (typeof x === 'number' ? x : null);
const str = (x: unknown): string => (typeof x === 'string' ? x : x === null || x === undefined ? '' : String(x));

function validation(model: KubeletModel, t: Version, out: Out): void {
  const S = (field: string): [string, KubeletSetting] => [field, kubeletSetting(model, field, undefined, t)];
  const since = (v: string) => atLeastLoose(t, v);

  // 1. Feature gates: unknown names (for gates crilint knows) and gates locked to their default.
  const gates = S('featureGates');
  const gateValues = (gates[1].value && typeof gates[1].value === 'object' ? gates[1].value : {}) as Record<string, unknown>;
  const gateFindings = (name: string, value: unknown, place: Place, valuePlace: Place = place) => {
    if (gateKnown(t, name) === false) {
      const first = own(FEATURE_GATES, name)!.stages[0]!.since;
      out.add('invalid-value', 'error', `${refuses(`unrecognized feature gate: ${name}`)} (${name} exists from Kubernetes ${first})`, place);
    } else if (typeof value === 'boolean' && gateLocked(t, name) && value !== gateDefault(t, name)) {
      out.add('invalid-value', 'error', refuses(`cannot set feature gate ${name} to ${value}, feature is locked to ${gateDefault(t, name)}`), valuePlace);
    }
  };
  const flagGates = new Set<string>();
  for (const f of model.flags?.args.flags ?? []) {
    if (f.name !== 'feature-gates') continue;
    const parsed = flagValue('mapBool', f.value).value as Record<string, unknown>;
    for (const [name, value] of Object.entries(parsed ?? {})) {
      flagGates.add(name);
      gateFindings(name, value, { file: f.valueFile ?? f.file, range: f.valueRange ?? f.range });
    }
  }
  const fgNode = model.merged && kubeletFieldKnown(t, 'featureGates') !== false ? get(model.merged, 'featureGates') : undefined;
  if (isMap(fgNode)) {
    for (const e of fgNode.entries) {
      if (!flagGates.has(e.key)) gateFindings(e.key, e.value.kind === 'scalar' ? e.value.value : null, { file: e.value.file, range: e.keyRange }, { file: e.value.file, range: e.value.range });
    }
  }
  const gate = (name: string): boolean => {
    const v = gateValues[name];
    // A value the kubelet rejects (unknown gate, locked gate) does not apply; that is reported above.
    if (typeof v === 'boolean' && gateStage(t, name) && !(gateLocked(t, name) && v !== gateDefault(t, name))) return v;
    return gateDefault(t, name) ?? false;
  };

  // 2–6
  const lease = S('nodeLeaseDurationSeconds');
  if ((num(lease[1].value) ?? 1) <= 0) out.setting(invalid('nodeLeaseDurationSeconds must be greater than 0'), lease);
  const sysCg = S('systemCgroups');
  const cgRoot = S('cgroupRoot');
  if (str(sysCg[1].value) !== '' && str(cgRoot[1].value) === '') out.setting(invalid('systemCgroups (--system-cgroups) was specified and cgroupRoot (--cgroup-root) was not specified'), sysCg, [cgRoot]);
  for (const [field, flag] of [
    ['eventBurst', 'event-burst'],
    ['eventRecordQPS', 'event-qps'],
    ['kubeAPIBurst', 'kube-api-burst'],
    ['kubeAPIQPS', 'kube-api-qps'],
    ['maxOpenFiles', 'max-open-files'],
    ['maxPods', 'max-pods'],
    ['podsPerCore', 'pods-per-core'],
    ['registryBurst', 'registry-burst'],
    ['registryPullQPS', 'registry-qps'],
  ] as const) {
    const s = S(field);
    const n = num(s[1].value);
    if (n !== null && n < 0) out.setting(invalid(`${field} (--${flag}) ${n} must not be a negative number`), s);
  }
  const healthz = S('healthzPort');
  const hp = num(healthz[1].value);
  if (hp !== null && hp !== 0 && (hp < 1 || hp > 65535)) out.setting(invalid(`healthzPort (--healthz-port) ${hp} must be between 1 and 65535, inclusive`), healthz);
  const port = S('port');
  const pp = num(port[1].value);
  if (pp !== null && (pp < 1 || pp > 65535)) out.setting(invalid(`port (--port) ${pp} must be between 1 and 65535, inclusive`), port);
  const ro = S('readOnlyPort');
  const rp = num(ro[1].value);
  if (rp !== null && rp !== 0 && (rp < 1 || rp > 65535)) out.setting(invalid(`readOnlyPort (--read-only-port) ${rp} must be between 0 and 65535, inclusive`), ro);
  const oom = S('oomScoreAdj');
  const oa = num(oom[1].value);
  if (oa !== null && (oa < -1000 || oa > 1000)) out.setting(invalid(`oomScoreAdj (--oom-score-adj) ${oa} must be between -1000 and 1000, inclusive`), oom);
  const maxImages = S('nodeStatusMaxImages');
  const mi = num(maxImages[1].value);
  if (mi !== null && mi < -1) out.setting(invalid(`nodeStatusMaxImages (--node-status-max-images) ${mi} must be -1 or greater`), maxImages);
  for (const [field, flag] of [
    ['iptablesDropBit', 'iptables-drop-bit'],
    ['iptablesMasqueradeBit', 'iptables-masquerade-bit'],
  ] as const) {
    const s = S(field);
    const n = num(s[1].value);
    if (n !== null && (n < 0 || n > 31)) out.setting(invalid(`${field} (--${flag}) ${n} must be between 0 and 31, inclusive`), s);
  }

  // 7–8 cpuCFSQuotaPeriod
  const cfs = S('cpuCFSQuotaPeriod');
  const cfsNs = ns(cfs[1].value);
  if (cfsNs !== null) {
    if (!gate('CustomCPUCFSQuotaPeriod') && cfsNs !== 1e8) out.setting(invalid(`cpuCFSQuotaPeriod (--cpu-cfs-quota-period) ${formatGoDuration(cfsNs)} requires feature gate CustomCPUCFSQuotaPeriod`), cfs);
    if (gate('CustomCPUCFSQuotaPeriod') && (cfsNs < 1e6 || cfsNs > 1e9)) out.setting(invalid(`cpuCFSQuotaPeriod (--cpu-cfs-quota-period) ${formatGoDuration(cfsNs)} must be between 1ms and 1sec, inclusive`), cfs);
  }

  // 9–15 image GC
  const high = S('imageGCHighThresholdPercent');
  const low = S('imageGCLowThresholdPercent');
  const hi = num(high[1].value);
  const lo = num(low[1].value);
  if (hi !== null && (hi < 0 || hi > 100)) out.setting(invalid(`imageGCHighThresholdPercent (--image-gc-high-threshold) ${hi} must be between 0 and 100, inclusive`), high);
  if (lo !== null && (lo < 0 || lo > 100)) out.setting(invalid(`imageGCLowThresholdPercent (--image-gc-low-threshold) ${lo} must be between 0 and 100, inclusive`), low);
  if (hi !== null && lo !== null && lo >= hi) {
    out.setting(invalid(`imageGCLowThresholdPercent (--image-gc-low-threshold) ${lo} must be less than imageGCHighThresholdPercent (--image-gc-high-threshold) ${hi}`), low, [high]);
  }
  if (since('1.29')) {
    const maxAge = S('imageMaximumGCAge');
    const minAge = S('imageMinimumGCAge');
    const mx = ns(maxAge[1].value);
    const mn = ns(minAge[1].value);
    if (mx !== null && mx !== 0 && !gate('ImageMaximumGCAge')) out.setting(invalid('ImageMaximumGCAge feature gate is required for Kubelet configuration option imageMaximumGCAge'), maxAge, [gates]);
    if (mx !== null && mx < 0) out.setting(invalid(`imageMaximumGCAge ${formatGoDuration(mx)} must not be negative`), maxAge);
    if (mx !== null && mn !== null && mx > 0 && mx <= mn) out.setting(invalid(`imageMaximumGCAge ${formatGoDuration(mx)} must be greater than imageMinimumGCAge ${formatGoDuration(mn)}`), maxAge, [minAge]);
  }
  {
    const minAge = S('imageMinimumGCAge');
    const mn = ns(minAge[1].value);
    if (mn !== null && mn < 0) out.setting(invalid(`imageMinimumGCAge ${formatGoDuration(mn)} must not be negative`), minAge);
  }

  // 30–31 parallel image pulls
  if (since('1.27')) {
    const maxPulls = S('maxParallelImagePulls');
    const serialize = S('serializeImagePulls');
    const mp = num(maxPulls[1].value);
    if (mp !== null && maxPulls[1].origin !== 'default' && mp < 1) out.setting(invalid(`maxParallelImagePulls ${mp} must be a positive number`), maxPulls);
    if (serialize[1].value === true && mp !== null && mp > 1) {
      out.setting(invalid('maxParallelImagePulls cannot be larger than 1 unless SerializeImagePulls (--serialize-image-pulls) is set to false'), maxPulls, [serialize]);
    }
  }

  // 32–33
  const tlsBoot = S('serverTLSBootstrap');
  if (tlsBoot[1].value === true && !gate('RotateKubeletServerCertificate')) out.setting(invalid('serverTLSBootstrap true requires feature gate RotateKubeletServerCertificate'), tlsBoot, [gates]);
  const runOnce = S('runOnce');
  if (runOnce[1].value === true) out.setting(invalid('runOnce (--runOnce) true, Runonce mode has been deprecated and should not be set'), runOnce);

  // 34 registerWithTaints
  const taints = model.merged ? get(model.merged, 'registerWithTaints') : undefined;
  if (taints?.kind === 'array' && since('1.23')) {
    for (const item of taints.items) {
      const added = get(item, 'timeAdded');
      if (added && !(added.kind === 'scalar' && added.type === 'null')) out.add('invalid-value', 'error', invalid('taint.TimeAdded is not nil'), { file: added.file, range: added.range });
    }
  }

  // 35–36 topology manager
  const tmp = S('topologyManagerPolicy');
  const policies = ['none', 'best-effort', 'restricted', 'single-numa-node'];
  if (!policies.includes(str(tmp[1].value))) out.setting(invalid(`topologyManagerPolicy (--topology-manager-policy) ${q(tmp[1].value)} must be one of: ${qList(policies)}`), tmp);
  if (since('1.20')) {
    const tms = S('topologyManagerScope');
    if (!['container', 'pod'].includes(str(tms[1].value))) out.setting(invalid(`topologyManagerScope (--topology-manager-scope) ${q(tms[1].value)} must be one of: "container", or "pod"`), tms);
  }

  // 37–42 graceful node shutdown
  const sgp = S('shutdownGracePeriod');
  const sgpc = S('shutdownGracePeriodCriticalPods');
  const g = ns(sgp[1].value);
  const gc = ns(sgpc[1].value);
  if (g !== null && gc !== null) {
    if (gate('GracefulNodeShutdown')) {
      if (gc > g) out.setting(invalid(`shutdownGracePeriodCriticalPods ${formatGoDuration(gc)} must be <= shutdownGracePeriod ${formatGoDuration(g)}`), sgpc, [sgp]);
      if (g < 0 || (g > 0 && g < 1e9)) out.setting(invalid(`shutdownGracePeriod ${formatGoDuration(g)} must be either zero or otherwise >= 1 sec`), sgp);
      if (gc < 0 || (gc > 0 && gc < 1e9)) out.setting(invalid(`shutdownGracePeriodCriticalPods ${formatGoDuration(gc)} must be either zero or otherwise >= 1 sec`), sgpc);
    } else if (g > 0 || gc > 0) out.setting(invalid('specifying shutdownGracePeriod or shutdownGracePeriodCriticalPods requires feature gate GracefulNodeShutdown'), g > 0 ? sgp : sgpc, [gates]);
    const byPrio = S('shutdownGracePeriodByPodPriority');
    if (since('1.23') && Array.isArray(byPrio[1].value) && byPrio[1].value.length) {
      if (!gate('GracefulNodeShutdownBasedOnPodPriority')) out.setting(invalid('Specifying shutdownGracePeriodByPodPriority requires feature gate GracefulNodeShutdownBasedOnPodPriority'), byPrio, [gates]);
      else if (g > 0 || gc > 0) out.setting(invalid('Cannot specify both shutdownGracePeriodByPodPriority and shutdownGracePeriod at the same time'), byPrio, [g > 0 ? sgp : sgpc]);
    }
  }

  // 43–44 swap (values per version: src/data/kubernetes.ts swapBehaviorValues)
  if (since('1.22')) {
    const swap = S('memorySwap.swapBehavior');
    const sb = str(swap[1].value);
    const allowed = swapBehaviorValues(t);
    if (gate('NodeSwap') && !allowed.includes(sb)) {
      const others = allowed.filter((x) => x !== '');
      out.setting(invalid(`memorySwap.swapBehavior ${q(sb)} must be one of: "", ${q(others.includes('LimitedSwap') ? 'LimitedSwap' : others[0])} or ${q(others.find((x) => x !== 'LimitedSwap'))}`), swap);
    }
    if (!gate('NodeSwap') && sb !== '') out.setting(invalid('memorySwap.swapBehavior cannot be set when NodeSwap feature flag is disabled'), swap, [gates]);
  }

  // 45–47 crash loop back-off
  if (since('1.32')) {
    const clb = S('crashLoopBackOff.maxContainerRestartPeriod');
    const p = ns(clb[1].value);
    if (gate('KubeletCrashLoopBackOffMax')) {
      if (p !== null && (p < 1e9 || p > 3e11)) out.setting(refuses(`CrashLoopBackOff.MaxContainerRestartPeriod (got: ${trimNum(p / 1e9)} seconds) must be set between 1s and 300s`), clb);
    } else if (clb[1].origin !== 'default') {
      out.setting(refuses('FeatureGate KubeletCrashLoopBackOffMax not enabled, CrashLoopBackOff.MaxContainerRestartPeriod must not be set'), clb, [gates]);
    }
  }

  // 48–54 enforceNodeAllocatable
  enforceNodeAllocatable(S, since('1.36'), out);

  // 55 hairpin
  const hairpin = S('hairpinMode');
  if (!['none', 'hairpin-veth', 'promiscuous-bridge'].includes(str(hairpin[1].value))) {
    out.setting(invalid(`option ${q(hairpin[1].value)} specified for hairpinMode (--hairpin-mode). Valid options are "none", "hairpin-veth" or "promiscuous-bridge"`), hairpin);
  }

  // 56–58 image pull credential verification
  if (since('1.33')) {
    const pol = S('imagePullCredentialsVerificationPolicy');
    const allow = S('preloadedImagesVerificationAllowlist');
    const policies2 = ['NeverVerify', 'NeverVerifyPreloadedImages', 'NeverVerifyAllowlistedImages', 'AlwaysVerify'];
    const hasAllow = Array.isArray(allow[1].value) && allow[1].value.length > 0;
    if (gate('KubeletEnsureSecretPulledImages')) {
      if (!policies2.includes(str(pol[1].value))) out.setting(invalid(`option ${q(pol[1].value)} specified for imagePullCredentialsVerificationPolicy. Valid options are ${policies2.map(q).slice(0, 3).join(', ')} or ${q(policies2[3])}`), pol);
      if (hasAllow && pol[1].value !== 'NeverVerifyAllowlistedImages') {
        out.setting(invalid('can\'t set `preloadedImagesVerificationAllowlist` if `imagePullCredentialsVertificationPolicy` is not "NeverVerifyAllowlistedImages"'), allow, [pol]);
      }
    } else {
      if (pol[1].origin !== 'default') out.setting(invalid('`imagePullCredentialsVerificationPolicy` must not be set if KubeletEnsureSecretPulledImages feature gate is not enabled'), pol, [gates]);
      if (hasAllow) out.setting(invalid('`preloadedImagesVerificationAllowlist` must not be set if KubeletEnsureSecretPulledImages feature gate is not enabled'), allow, [gates]);
    }
  }

  // 59 reserved CPUs
  const cpus = S('reservedSystemCPUs');
  if (str(cpus[1].value) !== '') {
    const src = S('systemReservedCgroup');
    const krc = S('kubeReservedCgroup');
    const other = str(src[1].value) !== '' ? src : str(krc[1].value) !== '' ? krc : null;
    if (other) out.setting(invalid("can't use reservedSystemCPUs (--reserved-cpus) with systemReservedCgroup (--system-reserved-cgroup) or kubeReservedCgroup (--kube-reserved-cgroup)"), cpus, [other]);
  }

  // 61 reserved memory: zero and duplicate limits (KK validation_reserved_memory.go)
  const rm = model.merged ? get(model.merged, 'reservedMemory') : undefined;
  if (rm?.kind === 'array' && since('1.21')) {
    const seenLimits = new Set<string>();
    for (const item of rm.items) {
      const numa = get(item, 'numaNode');
      const n = numa?.kind === 'scalar' && typeof numa.value === 'number' ? numa.value : 0;
      const limits = get(item, 'limits');
      if (!isMap(limits)) continue;
      for (const e of limits.entries) {
        const key = `${n}/${e.key}`;
        if (seenLimits.has(key)) out.add('invalid-value', 'error', refuses(`the reserved memory has a duplicate value for NUMA node ${n} and resource ${q(e.key)}`), { file: e.value.file, range: e.keyRange });
        seenLimits.add(key);
        if (e.value.kind === 'scalar' && /^[+-]?(0+(\.0*)?|\.0+)([eE][+-]?\d+|[KMGTPE]i|[munkMGTPE])?$/.test(String(e.value.value))) {
          out.add('invalid-value', 'error', refuses(`reserved memory may not be zero for NUMA node ${n} and resource ${q(e.key)}`), { file: e.value.file, range: e.value.range });
        }
      }
    }
  }

  // 68 memoryThrottlingFactor
  if (since('1.22')) {
    const mtf = S('memoryThrottlingFactor');
    const f = num(mtf[1].value);
    if (mtf[1].origin !== 'default' && f !== null && (f <= 0 || f > 1)) out.setting(invalid(`memoryThrottlingFactor ${f} must be greater than 0 and less than or equal to 1.0`), mtf);
  }

  // 70 runtime endpoint (a flag set to "" overrides the defaulted file value)
  if (since('1.27')) {
    const cre = S('containerRuntimeEndpoint');
    if (str(cre[1].value) === '') out.setting(invalid('the containerRuntimeEndpoint was not specified or empty'), cre);
  }

  // 71 node log query
  if (since('1.27')) {
    const q1 = S('enableSystemLogQuery');
    if (q1[1].value === true) {
      if (!gate('NodeLogQuery')) out.setting(invalid('NodeLogQuery feature gate is required for enableSystemLogQuery'), q1, [gates]);
      const h = S('enableSystemLogHandler');
      if (h[1].value === false) out.setting(invalid('enableSystemLogHandler is required for enableSystemLogQuery'), q1, [h]);
    }
  }

  // 72–75 container logs, pod logs dir
  if (since('1.30')) {
    const workers = S('containerLogMaxWorkers');
    const w = num(workers[1].value);
    if (w !== null && w < 1) out.setting(invalid('containerLogMaxWorkers must be greater than or equal to 1'), workers);
    const mon = S('containerLogMonitorInterval');
    const m = ns(mon[1].value);
    if (m !== null && m < 3e9) out.setting(invalid('containerLogMonitorInterval must be a positive time duration greater than or equal to 3s'), mon);
    const pld = S('podLogsDir');
    const dir = str(pld[1].value);
    if (!dir.startsWith('/')) out.setting(invalid(`pod logs path ${q(dir)} must be absolute path`), pld);
    else if (cleanPath(dir) !== dir) out.setting(invalid(`pod logs path ${q(dir)} must be normalized`), pld);
    if ([...dir].some((c) => c.charCodeAt(0) > 127)) out.setting(invalid(`pod logs path ${q(dir)} mut contains ASCII characters only`), pld);
  }
  const files = S('containerLogMaxFiles');
  const cf = num(files[1].value);
  if (cf !== null && cf <= 1) out.setting(invalid('containerLogMaxFiles must be greater than 1'), files);

  // Start-up parsers: TLS, eviction signals, reserved resources.
  const ciphers = S('tlsCipherSuites');
  if (Array.isArray(ciphers[1].value)) {
    const node = ciphers[1].flag ? null : ciphers[1].node;
    ciphers[1].value.forEach((name, i) => {
      if (typeof name !== 'string' || CIPHER_SUITES.has(name)) return;
      const item = node?.kind === 'array' ? node.items[i] : undefined;
      const at = item ? { file: item.file, range: item.range } : placeOf(ciphers[1]);
      out.add('invalid-value', 'error', refuses(`Cipher suite ${name} not supported or doesn't exist`), at);
    });
  }
  const tlsMin = S('tlsMinVersion');
  const tv = str(tlsMin[1].value);
  if (tv !== '' && !TLS_VERSIONS.includes(tv)) out.setting(refuses(`unknown tls version ${q(tv)}`), tlsMin);

  for (const field of ['evictionHard', 'evictionSoft', 'evictionSoftGracePeriod', 'evictionMinimumReclaim']) {
    const s = S(field);
    if (!s[1].value || typeof s[1].value !== 'object' || Array.isArray(s[1].value)) continue;
    const node = s[1].flag ? undefined : s[1].node ?? undefined;
    for (const key of Object.keys(s[1].value as object)) {
      if (SIGNALS.includes(key)) continue;
      const e = node && isMap(node) ? entry(node, key) : undefined;
      out.add('invalid-value', 'error', refuses(`unsupported eviction signal ${key}`), e ? { file: node!.file, range: e.keyRange } : placeOf(s[1]));
    }
  }
  for (const field of ['systemReserved', 'kubeReserved']) {
    const s = S(field);
    if (!s[1].value || typeof s[1].value !== 'object' || Array.isArray(s[1].value)) continue;
    const node = s[1].flag ? undefined : s[1].node ?? undefined;
    for (const key of Object.keys(s[1].value as object)) {
      if (RESERVABLE.includes(key)) continue;
      const e = node && isMap(node) ? entry(node, key) : undefined;
      out.add('invalid-value', 'error', refuses(`cannot reserve ${q(key)} resource`), e ? { file: node!.file, range: e.keyRange } : placeOf(s[1]));
    }
  }
}

/** Go's path.Clean for absolute paths. */
function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

function enforceNodeAllocatable(S: (f: string) => [string, KubeletSetting], newer: boolean, out: Out): void {
  const ena = S('enforceNodeAllocatable');
  const list = Array.isArray(ena[1].value) ? (ena[1].value as unknown[]).map(str) : [];
  const node = ena[1].flag ? null : ena[1].node;
  const itemAt = (i: number) => {
    const it = node?.kind === 'array' ? node.items[i] : undefined;
    return it ? { file: it.file, range: it.range } : placeOf(ena[1]);
  };
  const sysCg = S('systemReservedCgroup');
  const kubeCg = S('kubeReservedCgroup');
  const perQOS = S('cgroupsPerQOS');
  const F = 'enforceNodeAllocatable (--enforce-node-allocatable)';
  if (newer) {
    // ≥1.36 texts (reference §2 rules 48–54).
    const valid = ['pods', 'system-reserved', 'system-reserved-compressible', 'kube-reserved', 'kube-reserved-compressible', 'none'];
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(v)) out.add('invalid-value', 'error', invalid(`duplicated enforcements ${q(v)} in ${F}`), itemAt(i));
      seen.add(v);
      if (!valid.includes(v)) out.add('invalid-value', 'error', invalid(`option ${q(v)} specified for ${F}. Valid options are ${valid.slice(0, 5).map(q).join(', ')} or ${q('none')}`), itemAt(i));
    });
    for (const [a, b] of [
      ['system-reserved', 'system-reserved-compressible'],
      ['kube-reserved', 'kube-reserved-compressible'],
    ]) {
      if (seen.has(a!) && seen.has(b!)) out.add('invalid-value', 'error', invalid(`both ${q(a)} and ${q(b)} cannot be specified together in ${F}`), itemAt(list.indexOf(b!)));
    }
    if ((seen.has('system-reserved') || seen.has('system-reserved-compressible')) && str(sysCg[1].value) === '') {
      const i = list.findIndex((x) => x.startsWith('system-reserved'));
      out.add('invalid-value', 'error', invalid(`systemReservedCgroup (--system-reserved-cgroup) must be specified when "system-reserved" or "system-reserved-compressible" included in ${F}`), itemAt(i));
    }
    if ((seen.has('kube-reserved') || seen.has('kube-reserved-compressible')) && str(kubeCg[1].value) === '') {
      const i = list.findIndex((x) => x.startsWith('kube-reserved'));
      out.add('invalid-value', 'error', invalid(`kubeReservedCgroup (--kube-reserved-cgroup) must be specified when "kube-reserved" or "kube-reserved-compressible" included in ${F}`), itemAt(i));
    }
    if (seen.has('none') && list.length > 1) out.add('invalid-value', 'error', invalid(`${F} may not contain additional enforcements when "none" is specified`), itemAt(list.indexOf('none')));
    if (perQOS[1].value === false) {
      const i = list.findIndex((x) => x !== 'none');
      if (i >= 0) out.setting(invalid(`cgroupsPerQOS (--cgroups-per-qos) must be set to true when ${q(list[i])} contained in ${F}`), perQOS, [ena]);
    }
    return;
  }
  // 1.29–1.35 texts (KK validation.go revision without the compressible keys).
  if (perQOS[1].value === false && list.length > 0) out.setting(invalid(`${F} is not supported unless cgroupsPerQOS (--cgroups-per-qos) is set to true`), perQOS, [ena]);
  list.forEach((v, i) => {
    if (v === 'pods') return;
    if (v === 'system-reserved') {
      if (str(sysCg[1].value) === '') out.add('invalid-value', 'error', invalid(`systemReservedCgroup (--system-reserved-cgroup) must be specified when "system-reserved" contained in ${F}`), itemAt(i));
    } else if (v === 'kube-reserved') {
      if (str(kubeCg[1].value) === '') out.add('invalid-value', 'error', invalid(`kubeReservedCgroup (--kube-reserved-cgroup) must be specified when "kube-reserved" contained in ${F}`), itemAt(i));
    } else if (v === 'none') {
      if (list.length > 1) out.add('invalid-value', 'error', invalid(`${F} may not contain additional enforcements when "none" is specified`), itemAt(i));
    } else out.add('invalid-value', 'error', invalid(`option ${q(v)} specified for ${F}. Valid options are "pods", "system-reserved", "kube-reserved", or "none"`), itemAt(i));
  });
}

