/**
 * The crictl.yaml model, read the way crictl reads it.
 *
 * Source: kubernetes-sigs/cri-tools pkg/common/file.go (ReadConfig/getConfigOptions, HEAD
 * ba03eabc and every tag v1.19.0..v1.36.0), pkg/common/file_test.go, cmd/crictl/main.go;
 * summarised in ../shared/reference/crictl-crio-docker-sysctl.md §1.1/§1.2:
 * - The file is unmarshalled into a goyaml.v3 `yaml.Node`; only the first document's top-level
 *   node is walked, two nodes at a time (key, value), using each node's raw `.Value` text. So
 *   quoting does not matter (`timeout: "10"` is 10), YAML 1.1 booleans do not exist (`yes` fails),
 *   a non-scalar value has an empty `.Value`, and an alias has its anchor *name* as `.Value`.
 * - `timeout` and `max-retries` go through strconv.Atoi (whole seconds: `2s` is an error); the
 *   booleans through strconv.ParseBool (1,t,T,TRUE,true,True,0,f,F,FALSE,false,False only).
 * - An unknown key is an error (`Config option '<name>' is not valid`); the first error aborts.
 * - Duplicate keys are allowed; the last one wins. An empty file means all defaults.
 * - A file at the default path (/etc/crictl.yaml) that fails to parse is silently ignored
 *   (only --config/CRI_CONFIG_FILE makes it fatal); crictl then uses its built-in defaults,
 *   including the deprecated list of default endpoints.
 * - Which keys exist, since which release, and how each is parsed: CRICTL_CONFIG_KEYS in
 *   src/data/kubernetes.ts (`max-retries` exists only on main after v1.36.0, commit 9afe7b2e).
 *   (`enable-streaming` exists only on an unmerged cri-tools branch, commit 08cc0eaa; not a key.)
 */
import { isAlias, isMap, isScalar, isSeq, type Node as YNode } from 'yaml';
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Range } from '../core/types.js';
import { parseYamlSource } from '../parse/yaml.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';
import type { VNode } from './tree.js';
import { CRICTL_CONFIG_KEYS, type CrictlKey } from '../data/kubernetes.js';

export type CrictlParse = CrictlKey['parse'];

type SettingProp = 'runtimeEndpoint' | 'imageEndpoint' | 'timeout' | 'debug' | 'pullImageOnCreate' | 'disablePullOnRun' | 'maxRetries';

/** Model property of each key of CRICTL_CONFIG_KEYS (src/data/kubernetes.ts holds the keys, versions and sources). */
export const CRICTL_PROPS: Readonly<Record<string, SettingProp>> = {
  'runtime-endpoint': 'runtimeEndpoint',
  'image-endpoint': 'imageEndpoint',
  timeout: 'timeout',
  debug: 'debug',
  'pull-image-on-create': 'pullImageOnCreate',
  'disable-pull-on-run': 'disablePullOnRun',
  'max-retries': 'maxRetries',
};

/** One key/value pair as crictl walks it. */
export interface CrictlEntry {
  /** The key's raw text (goyaml `.Value`). */
  key: string;
  keyRange: Range;
  /** The value's raw text as crictl sees it: unquoted scalar content, an alias's anchor name, '' for null or a map/sequence. */
  raw: string;
  valueRange: Range;
  /** What the value node is in YAML terms. */
  valueKind: 'scalar' | 'alias' | 'map' | 'seq' | 'null';
  /** The positioned value node (null for entries the tree does not hold, such as `<<`). */
  node: VNode | null;
}

export interface CrictlSetting<T> {
  /** What crictl takes from the file: the last occurrence's parsed value, or the default when absent or invalid. */
  value: T;
  /** Value node of the last occurrence; null when the key is absent. */
  node: VNode | null;
  /** Raw text of the last occurrence; null when absent. */
  raw: string | null;
  /** The last occurrence (its key and value ranges); null when absent. */
  entry: CrictlEntry | null;
  /** crictl's error for the last occurrence (e.g. `strconv.Atoi: parsing "2s": invalid syntax`); null when it parses. */
  error: string | null;
}

export interface CrictlModel {
  file: SourceFile;
  files: SourceFile[];
  /** Positioned tree of the first YAML document; null when empty or not valid YAML. */
  root: VNode | null;
  /** What the first document is: crictl reads settings only from a mapping. */
  shape: 'empty' | 'map' | 'seq' | 'scalar' | 'invalid';
  /** Every top-level pair in file order (duplicates included). */
  entries: CrictlEntry[];
  /** '' means not set (crictl then tries its default endpoints). */
  runtimeEndpoint: CrictlSetting<string>;
  /** '' means not set (crictl then uses the runtime endpoint). */
  imageEndpoint: CrictlSetting<string>;
  /** Seconds; 0 or negative means crictl's own default (2s). */
  timeout: CrictlSetting<number>;
  debug: CrictlSetting<boolean>;
  pullImageOnCreate: CrictlSetting<boolean>;
  disablePullOnRun: CrictlSetting<boolean>;
  maxRetries: CrictlSetting<number>;
}

/** Go strconv.Atoi on a 64-bit platform: optional sign, decimal digits only, int64 range. */
export function goAtoi(s: string): { value: number } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(s)) return { error: `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax` };
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return { error: `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range` };
  return { value: Number(n) };
}

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];
/** The only spellings strconv.ParseBool accepts (Go src/strconv/atob.go). */
export const GO_BOOL_WORDS: readonly string[] = [...TRUE, ...FALSE];

/** Go strconv.ParseBool. */
export function goParseBool(s: string): { value: boolean } | { error: string } {
  if (TRUE.includes(s)) return { value: true };
  if (FALSE.includes(s)) return { value: false };
  return { error: `strconv.ParseBool: parsing ${JSON.stringify(s)}: invalid syntax` };
}

const DEFAULTS = { string: '', atoi: 0, parsebool: false } as const;

export function loadCrictl(ctx: LoadContext): CrictlModel | null {
  let src: SourceFile | null = null;
  if (ctx.root) {
    const host = ctx.hostPath('/etc/crictl.yaml');
    if (ctx.exists(host) && !ctx.isDir(host)) src = ctx.read(host, 'crictl');
  } else {
    const given = ctx.given('crictl');
    // crictl reads one file; with several loose files the last one given is modelled.
    const last = given[given.length - 1];
    if (last) src = ctx.read(last, 'crictl');
  }
  if (!src) return null;
  return parseCrictl(src, ctx);
}

/** Build the model from one file. With a context, comments and syntax findings are recorded there. */
export function parseCrictl(src: SourceFile, ctx?: LoadContext): CrictlModel {
  const model: CrictlModel = {
    file: src,
    files: [src],
    root: null,
    shape: 'empty',
    entries: [],
    runtimeEndpoint: absent(''),
    imageEndpoint: absent(''),
    timeout: absent(0),
    debug: absent(false),
    pullImageOnCreate: absent(false),
    disablePullOnRun: absent(false),
    maxRetries: absent(0),
  };
  if (unusable(src)) {
    model.shape = 'invalid';
    return model;
  }
  const y = parseYamlSource(src, { version: '1.2' });
  if (ctx) {
    ctx.addComments(src, y.comments);
    ctx.findings.push(...y.findings);
  }
  const doc = y.docs[0];
  if (!doc) return model;
  if (doc.errors.length || y.findings.length) {
    model.shape = 'invalid';
    return model;
  }
  model.root = y.roots[0] ?? null;
  const top = doc.contents as YNode | null;
  if (!top || (isScalar(top) && top.value === null && (top.source ?? '') === '')) return model;
  if (isSeq(top)) {
    model.shape = 'seq';
    return model;
  }
  if (!isMap(top)) {
    model.shape = 'scalar';
    return model;
  }
  model.shape = 'map';
  const tree = model.root?.kind === 'map' ? model.root : null;
  for (const pair of top.items) {
    const k = pair.key as YNode | null;
    const v = pair.value as YNode | null;
    const keyRange = k?.range ? rangeOf(src, k.range[0], k.range[1]) : rangeOf(src, 0, 0);
    const key = k && isScalar(k) ? (k.source ?? String(k.value ?? '')) : k && isAlias(k) ? k.source : '';
    let raw = '';
    let valueKind: CrictlEntry['valueKind'] = 'null';
    if (v && isScalar(v)) {
      raw = v.source ?? (v.value === null ? '' : String(v.value));
      valueKind = v.value === null && raw === '' ? 'null' : 'scalar';
    } else if (v && isAlias(v)) {
      raw = v.source;
      valueKind = 'alias';
    } else if (v && isMap(v)) valueKind = 'map';
    else if (v && isSeq(v)) valueKind = 'seq';
    const valueRange = v?.range ? rangeOf(src, v.range[0], v.range[1]) : rangeOf(src, keyRange.end.offset, keyRange.end.offset);
    const treeEntry = tree?.entries.find((e) => e.keyRange.start.offset === keyRange.start.offset);
    model.entries.push({ key, keyRange, raw, valueRange, valueKind, node: treeEntry?.value ?? null });
  }
  for (const info of CRICTL_CONFIG_KEYS) {
    const prop = CRICTL_PROPS[info.key];
    if (!prop) continue;
    const occurrences = model.entries.filter((e) => e.key === info.key);
    const last = occurrences[occurrences.length - 1];
    if (!last) continue;
    const parsed = parseValue(info.parse, last.raw);
    const setting: CrictlSetting<unknown> = {
      value: 'error' in parsed ? DEFAULTS[info.parse] : parsed.value,
      node: last.node,
      raw: last.raw,
      entry: last,
      error: 'error' in parsed ? parsed.error : null,
    };
    (model as unknown as Record<string, CrictlSetting<unknown>>)[prop] = setting;
  }
  return model;
}

export function parseValue(kind: CrictlParse, raw: string): { value: string | number | boolean } | { error: string } {
  if (kind === 'atoi') return goAtoi(raw);
  if (kind === 'parsebool') return goParseBool(raw);
  return { value: raw };
}

function absent<T>(value: T): CrictlSetting<T> {
  return { value, node: null, raw: null, entry: null, error: null };
}
