/**
 * Format-aware edits for YAML files (KubeletConfiguration and drop-ins, crictl.yaml) and for
 * JSON files, which are YAML flow mappings (a KubeletConfiguration may be JSON).
 *
 * Builders take nodes of the positioned tree built by parseYamlSource and return a FileChange
 * of minimal text edits. Style is copied from the file:
 * - a scalar keeps its quoting (plain, 'single', "double"); a plain scalar is quoted only when
 *   the new value would otherwise read as something else: YAML 1.1 booleans and nulls (`yes`,
 *   `on`, `n`, `~`), numbers (`1.10`, `0x1f`, `1:20`), timestamps, indicators, `: ` and ` #`.
 *   The kubelet decodes YAML 1.1 (sigs.k8s.io/yaml), so 1.1's readings count.
 * - new keys get the indentation of their siblings; block sequences follow the file's
 *   convention for `-` under a key (kubeadm writes them at the key's column);
 * - in a JSON document every new key and string is double-quoted and commas stay valid;
 * - the file's line ending.
 * Removals keep comments on the lines above the entry; a comment after it on its line goes too.
 */
import { parseAllDocuments, visit, isMap, isPair, isScalar, isSeq, type Document, type Pair, type Scalar, type YAMLMap, type YAMLSeq, type Node as YNode } from 'yaml';
import type { SourceFile } from '../core/source.js';
import type { FileChange, Range, TextEdit } from '../core/types.js';
import type { MapEntry, MapNode, VNode } from '../model/tree.js';
import { formatPath, get } from '../model/tree.js';
import { FixBuildError, change, edit, indentUnit, lineEnd, lineStart, nextLineStart } from './common.js';
import { appendListItem, removeListItem, type ListShape } from './list.js';

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };
type Quote = '"' | "'";

interface YamlInfo {
  text: string;
  eol: string;
  docs: Document.Parsed[];
  /** The document is JSON (its top level is a flow collection): strings and keys are double-quoted. */
  json: boolean;
  unit: string;
  /** Indentation of `- ` items under their key, relative to the key ('' = same column). */
  seqIndent: string;
  quote: Quote;
}

const cache = new WeakMap<SourceFile, YamlInfo>();

function info(file: SourceFile): YamlInfo {
  let i = cache.get(file);
  if (i) return i;
  const text = file.text;
  const docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, strict: false }) as Document.Parsed[] | { empty: true };
  const list = Array.isArray(docs) ? docs : [];
  if (list.some((d) => d.errors.length)) throw new FixBuildError(`${file.display}: cannot edit a YAML file that does not parse`);
  let double = 0;
  let single = 0;
  let seqIndent: string | null = null;
  for (const d of list) {
    visit(d, {
      Scalar(_k, n) {
        if (n.type === 'QUOTE_DOUBLE') double++;
        else if (n.type === 'QUOTE_SINGLE') single++;
      },
      Pair(_k, p) {
        if (seqIndent === null && isSeq(p.value) && !p.value.flow && p.value.range && p.key && (p.key as YNode).range) {
          const keyCol = (p.key as YNode).range![0] - lineStart(text, (p.key as YNode).range![0]);
          const dash = p.value.range[0];
          const dashCol = dash - lineStart(text, dash);
          if (dashCol >= keyCol) seqIndent = ' '.repeat(dashCol - keyCol);
        }
      },
    });
  }
  const json = /^\s*[{[]/.test(text);
  i = {
    text,
    eol: file.eol,
    docs: list,
    json,
    unit: indentUnit(text),
    seqIndent: seqIndent ?? '',
    quote: single > double ? "'" : '"',
  };
  cache.set(file, i);
  return i;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const BOOL_NULL_11 = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const NUMBER =
  /^(?:[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0[oO]?[0-7_]+|[-+]?0[bB][01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP = /^\d{4}-\d\d?-\d\d?(?:$|[Tt ])/;

/** Whether a string must be quoted to be read back as that string (YAML 1.1 and 1.2; `flow`: inside `[]`/`{}`). */
export function needsQuotes(s: string, flow = false): boolean {
  if (s === '' || s.trim() !== s) return true;
  if (BOOL_NULL_11.test(s) || TIMESTAMP.test(s) || s === '<<') return true;
  if (/[0-9]/.test(s) && NUMBER.test(s)) return true;
  if (/^[?:,[\]{}#&*!|>'"%@`]/.test(s) || /^-(?:\s|$)/.test(s)) return true;
  if (/: |:$| #|\t/.test(s) || /[\u0000-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return true;
  if (flow && /[,[\]{}]/.test(s)) return true;
  return false;
}

function quoteDouble(s: string): string {
  return JSON.stringify(s);
}

function quoteSingle(s: string): string {
  return /[\u0000-\u001f\u007f]/.test(s) ? quoteDouble(s) : `'${s.replace(/'/g, "''")}'`;
}

function formatString(s: string, style: string | undefined, yi: YamlInfo, flow: boolean): string {
  if (yi.json || style === 'QUOTE_DOUBLE') return quoteDouble(s);
  if (style === 'QUOTE_SINGLE') return quoteSingle(s);
  if (!needsQuotes(s, flow)) return s;
  return yi.quote === "'" ? quoteSingle(s) : quoteDouble(s);
}

function formatScalar(v: string | number | boolean | null, style: string | undefined, yi: YamlInfo, flow: boolean): string {
  if (typeof v === 'string') return formatString(v, style, yi, flow);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      if (yi.json) throw new FixBuildError(`${v} cannot be written in JSON`);
      return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
    }
    return String(v);
  }
  if (v === null) return 'null';
  return String(v);
}

function formatKey(k: string, yi: YamlInfo, style?: string, flow = false): string {
  return formatString(k, style, yi, flow);
}

/** A value on one line, in flow style (`[a, b]`, `{a: 1}`; JSON in a JSON document). */
function formatFlow(v: YamlValue, yi: YamlInfo): string {
  if (Array.isArray(v)) return `[${v.map((x) => formatFlow(x, yi)).join(', ')}]`;
  if (isObject(v)) {
    const e = Object.entries(v);
    return `{${e.map(([k, x]) => `${formatKey(k, yi, undefined, true)}: ${formatFlow(x, yi)}`).join(', ')}}`;
  }
  return formatScalar(v, undefined, yi, true);
}

function isObject(v: YamlValue): v is { [key: string]: YamlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `key: value` as block lines at `indent` (nested maps one unit deeper, sequences per the file's style). */
function blockEntry(key: string, v: YamlValue, indent: string, yi: YamlInfo): string[] {
  const k = formatKey(key, yi);
  if (isObject(v) && Object.keys(v).length) {
    return [`${indent}${k}:`, ...Object.entries(v).flatMap(([kk, vv]) => blockEntry(kk, vv, indent + yi.unit, yi))];
  }
  if (Array.isArray(v) && v.length) {
    const dash = indent + yi.seqIndent;
    return [`${indent}${k}:`, ...v.flatMap((item) => blockItem(item, dash, yi))];
  }
  return [`${indent}${k}: ${formatFlow(v, yi)}`];
}

function blockItem(v: YamlValue, dash: string, yi: YamlInfo): string[] {
  if (isObject(v) && Object.keys(v).length) {
    const lines = Object.entries(v).flatMap(([k, x]) => blockEntry(k, x, dash + '  ', yi));
    return [`${dash}- ${lines[0]!.slice(dash.length + 2)}`, ...lines.slice(1)];
  }
  return [`${dash}- ${formatFlow(v, yi)}`];
}

// ---------------------------------------------------------------------------------------------
// Locating syntax

interface Located {
  pair: Pair<YNode, YNode | null>;
  map: YAMLMap<YNode, YNode | null>;
  /** The pair (and map) that holds `map` as its value, when there is one. */
  parentPair: Pair<YNode, YNode | null> | null;
}

function keyOffset(x: MapEntry | VNode | Range): number {
  if ('start' in x && 'end' in x && !('kind' in x) && !('key' in x)) return (x as Range).start.offset;
  const r = 'key' in x && 'keyRange' in x && !('kind' in x) ? (x as MapEntry).keyRange : (x as VNode).keyRange;
  if (!r) throw new FixBuildError('this node has no key');
  return r.start.offset;
}

function findPair(yi: YamlInfo, offset: number): Located {
  let found: Located | null = null;
  for (const d of yi.docs) {
    visit(d, {
      Pair(_k, p, path) {
        const k = p.key as YNode | null;
        if (k && k.range && k.range[0] === offset) {
          const map = path[path.length - 1] as YAMLMap<YNode, YNode | null>;
          const pp = path[path.length - 2];
          found = { pair: p as Pair<YNode, YNode | null>, map, parentPair: pp && isPair(pp) ? (pp as Pair<YNode, YNode | null>) : null };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (found) return found;
  }
  throw new FixBuildError(`no mapping entry has its key at offset ${offset}`);
}

function mapSyntax(map: MapNode): YAMLMap<YNode, YNode | null> {
  const s = map.syntax as YNode | undefined;
  if (!s || !isMap(s)) throw new FixBuildError(`${formatPath(map.path)} is not a YAML mapping (merged from an anchor?)`);
  // Use the cached parse of the same text (the tree's own syntax node has the same offsets).
  const yi = info(map.file);
  let found: YAMLMap<YNode, YNode | null> | null = null;
  for (const d of yi.docs) {
    visit(d, {
      Map(_k, m) {
        if (m.range && m.range[0] === s.range![0]) {
          found = m as YAMLMap<YNode, YNode | null>;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (found) return found;
  }
  throw new FixBuildError(`${formatPath(map.path)}: mapping not found`);
}

function pairEnd(p: Pair<YNode, YNode | null>): number {
  const v = p.value;
  if (v && v.range) return v.range[1];
  return (p.key as YNode).range![1];
}

function flowShape(yi: YamlInfo, coll: YAMLMap<YNode, YNode | null> | YAMLSeq<YNode>): ListShape {
  const r = coll.range!;
  const items = isMap(coll)
    ? (coll.items as Pair<YNode, YNode | null>[]).map((p) => ({ start: (p.key as YNode).range![0], end: pairEnd(p) }))
    : (coll.items as YNode[]).map((n) => ({ start: n.range![0], end: n.range![1] }));
  return {
    text: yi.text,
    open: r[0],
    close: r[1] - 1,
    items,
    comment: yi.json ? '' : '#',
    eol: yi.eol,
    unit: yi.unit,
    pad: '',
    trailingComma: !yi.json,
  };
}

/** Is the scalar inside a flow collection (where `,[]{}` must be quoted)? */
function inFlow(yi: YamlInfo, offset: number): boolean {
  let flow = false;
  for (const d of yi.docs) {
    visit(d, {
      Node(_k, n) {
        if ((isMap(n) || isSeq(n)) && n.flow && n.range && n.range[0] < offset && offset < n.range[1]) flow = true;
      },
    });
  }
  return flow;
}

// ---------------------------------------------------------------------------------------------
// Builders

/**
 * Replace a scalar's value token. Strings keep the token's quoting; a plain token is quoted
 * when the new value needs it. Numbers, booleans and null are written plain (a quoted `"5"` set
 * to the number 5 becomes `5`). An empty value (`key:`) gets a space before the new value.
 */
export function setValue(node: VNode, value: string | number | boolean | null): FileChange {
  if (node.kind !== 'scalar') throw new FixBuildError(`setValue: ${formatPath(node.path)} is not a scalar`);
  const yi = info(node.file);
  const syn = node.syntax as Scalar | undefined;
  const start = syn?.range ? syn.range[0] : node.range.start.offset;
  const end = syn?.range ? syn.range[1] : node.range.end.offset;
  const style = node.type === 'string' || typeof value === 'string' ? node.style : undefined;
  let text = formatScalar(value, node.raw === '' ? undefined : style?.startsWith('BLOCK') ? undefined : style, yi, inFlow(yi, start));
  const old = yi.text.slice(start, end);
  if (old === '' && yi.text[start - 1] === ':') text = ' ' + text;
  if (/\n$/.test(old)) text += yi.eol; // a block scalar's range ends with its line break
  return change(node.file, [edit(start, end, text)]);
}

/** Rename a mapping key, keeping its quoting style (quoting a plain key only when needed). */
export function renameKey(entry: MapEntry | VNode, newName: string): FileChange {
  const file = 'kind' in entry ? entry.file : entry.value.file;
  const yi = info(file);
  const { pair, map } = findPair(yi, keyOffset(entry));
  if ((map.items as Pair<YNode, YNode | null>[]).some((p) => isScalar(p.key) && String((p.key as Scalar).value) === newName)) {
    throw new FixBuildError(`renameKey: ${newName} already exists in this mapping`);
  }
  const k = pair.key as Scalar;
  const r = k.range!;
  return change(file, [edit(r[0], r[1], formatKey(newName, yi, k.type, !!map.flow))]);
}

export interface InsertOptions {
  /** Insert after this sibling key instead of after the last one. */
  after?: string;
}

/**
 * Insert `key: value` into a mapping after its last entry (or `opts.after`), at its siblings'
 * indentation. Block maps get block lines (nested maps and sequences in block style); flow maps
 * (`{a: 1}`) and JSON objects get a comma-separated item in their layout (one per line or
 * inline), valid JSON in a JSON document. Throws when the key exists (use setValue).
 */
export function insertKey(map: MapNode, key: string, value: YamlValue, opts: InsertOptions = {}): FileChange {
  return change(map.file, insertEdits(map, [[key, value]], opts));
}

/** insertKey for several entries at once, in the order given. */
export function insertKeys(map: MapNode, entries: Record<string, YamlValue>, opts: InsertOptions = {}): FileChange {
  return change(map.file, insertEdits(map, Object.entries(entries), opts));
}

function insertEdits(map: MapNode, entries: [string, YamlValue][], opts: InsertOptions): TextEdit[] {
  if (!entries.length) return [];
  for (const [k] of entries) if (get(map, k) !== undefined) throw new FixBuildError(`insertKey: ${formatPath([...map.path, k])} already exists`);
  const yi = info(map.file);
  const m = mapSyntax(map);
  const pairs = m.items as Pair<YNode, YNode | null>[];
  if (m.flow) {
    const item = entries.map(([k, v]) => `${formatKey(k, yi, undefined, true)}: ${formatFlow(v, yi)}`).join(', ');
    if (opts.after !== undefined) {
      const idx = pairs.findIndex((p) => isScalar(p.key) && String((p.key as Scalar).value) === opts.after);
      if (idx < 0) throw new FixBuildError(`insertKey: no key ${opts.after} in ${formatPath(map.path)}`);
      if (idx + 1 < pairs.length) return insertBefore(yi, pairs, idx + 1, item);
    }
    const shape = flowShape(yi, m);
    return appendListItem(shape, item);
  }
  let anchor = pairs[pairs.length - 1]!;
  if (opts.after !== undefined) {
    const p = pairs.find((x) => isScalar(x.key) && String((x.key as Scalar).value) === opts.after);
    if (!p) throw new FixBuildError(`insertKey: no key ${opts.after} in ${formatPath(map.path)}`);
    anchor = p;
  }
  const keyStart = (anchor.key as YNode).range![0];
  const indent = ' '.repeat(keyStart - lineStart(yi.text, keyStart));
  const lines = entries.flatMap(([k, v]) => blockEntry(k, v, indent, yi));
  const end = pairEnd(anchor);
  if (end > 0 && yi.text[end - 1] === '\n') return [edit(end, end, lines.map((l) => l + yi.eol).join(''))];
  const at = lineEnd(yi.text, end);
  return [edit(at, at, lines.map((l) => yi.eol + l).join(''))];
}

/** Insert an item into a flow map before item `idx` (for `after`), matching the separator style. */
function insertBefore(yi: YamlInfo, pairs: Pair<YNode, YNode | null>[], idx: number, item: string): TextEdit[] {
  const at = (pairs[idx]!.key as YNode).range![0];
  const prevEnd = pairEnd(pairs[idx - 1]!);
  const between = yi.text.slice(prevEnd, at); // `, ` or `,\n    `
  const sep = between.slice(between.indexOf(',') + 1);
  return [edit(at, at, `${item},${sep}`)];
}

/**
 * Make sure the mapping at `path` exists and holds `entries`: missing mappings are created
 * nested under the deepest existing one (`authentication: {x509: {clientCAFile: …}}` becomes
 * block lines in a block document), missing keys are inserted, differing scalars are set.
 * An existing empty value (`key:` / `key: null`) is replaced by the new mapping.
 */
export function ensureMapping(root: MapNode, path: readonly string[], entries: Record<string, YamlValue> = {}): FileChange {
  return change(root.file, ensureEdits(root, path, entries));
}

function ensureEdits(root: MapNode, path: readonly string[], entries: Record<string, YamlValue>): TextEdit[] {
  let cur: MapNode = root;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const next = get(cur, path[depth]!);
    if (!next) break;
    if (next.kind === 'scalar' && next.type === 'null') {
      let nested: YamlValue = entries;
      for (const seg of [...path.slice(depth + 1)].reverse()) nested = { [seg]: nested };
      return replaceNull(next, nested as Record<string, YamlValue>);
    }
    if (next.kind !== 'map') throw new FixBuildError(`ensureMapping: ${formatPath(next.path)} is not a mapping`);
    cur = next;
  }
  if (depth < path.length) {
    let nested: YamlValue = entries;
    for (const seg of [...path.slice(depth + 1)].reverse()) nested = { [seg]: nested };
    return insertEdits(cur, [[path[depth]!, nested]], {});
  }
  const edits: TextEdit[] = [];
  const missing: [string, YamlValue][] = [];
  for (const [k, v] of Object.entries(entries)) {
    const have = get(cur, k);
    if (have === undefined) missing.push([k, v]);
    else if (isObject(v) && (have.kind === 'map' || (have.kind === 'scalar' && have.type === 'null'))) edits.push(...ensureEdits(root, [...path, k], v));
    else if (have.kind === 'scalar' && !isObject(v) && !Array.isArray(v)) {
      if (have.value !== v) edits.push(...setValue(have, v).edits);
    } else throw new FixBuildError(`ensureMapping: cannot set ${formatPath(have.path)} to a ${Array.isArray(v) ? 'sequence' : 'mapping'}`);
  }
  return [...edits, ...insertEdits(cur, missing, {})];
}

/** `key:` or `key: null` → `key:` followed by the entries as a nested block (or `{…}` in flow/JSON). */
function replaceNull(node: VNode, entries: Record<string, YamlValue>): TextEdit[] {
  const yi = info(node.file);
  const { pair } = findPair(yi, keyOffset(node));
  const v = pair.value as Scalar | null;
  const keyEnd = (pair.key as YNode).range![1];
  const colon = yi.text.indexOf(':', keyEnd);
  const start = colon + 1;
  const end = v?.range ? v.range[1] : start;
  if (yi.json || inFlow(yi, keyEnd)) return [edit(start, end, ' ' + formatFlow(entries, yi))];
  if (!Object.keys(entries).length) return [edit(start, end, ' {}')];
  const keyStart = (pair.key as YNode).range![0];
  const indent = ' '.repeat(keyStart - lineStart(yi.text, keyStart)) + yi.unit;
  const lines = Object.entries(entries).flatMap(([k, x]) => blockEntry(k, x, indent, yi));
  return [edit(start, end, lines.map((l) => yi.eol + l).join(''))];
}

/**
 * Remove a mapping entry: in a block mapping its whole line(s) (key, value, nested block, and a
 * comment after it on its line); in a flow mapping / JSON object the item and its comma.
 * Removing the only entry of a nested block mapping leaves `parent: {}` (an empty mapping, not a null).
 */
export function removeEntry(entry: MapEntry | VNode): FileChange {
  const file = 'kind' in entry ? entry.file : entry.value.file;
  const yi = info(file);
  const { pair, map, parentPair } = findPair(yi, keyOffset(entry));
  const pairs = map.items as Pair<YNode, YNode | null>[];
  const idx = pairs.indexOf(pair);
  if (map.flow) return change(file, removeListItem(flowShape(yi, map), idx));
  const text = yi.text;
  const keyStart = (pair.key as YNode).range![0];
  const end = pairEnd(pair);
  const stop = end > 0 && text[end - 1] === '\n' ? end : nextLineStart(text, lineEnd(text, end));
  const ownLine = /^[ \t]*$/.test(text.slice(lineStart(text, keyStart), keyStart));
  if (!ownLine) {
    // `- a: 1` (the first key of a mapping inside a sequence item): keep the `- `.
    const next = pairs[idx + 1];
    if (next) return change(file, [edit(keyStart, (next.key as YNode).range![0], '')]);
    // The only key of a mapping inside a sequence item: `- {}`, keeping the line break after it.
    return change(file, [edit(keyStart, text[end - 1] === '\n' ? lineEnd(text, end - 1) : end, '{}')]);
  }
  const edits = [edit(lineStart(text, keyStart), stop, '')];
  if (pairs.length === 1) {
    if (parentPair) {
      const pk = (parentPair.key as YNode).range![1];
      const colon = text.indexOf(':', pk);
      edits.push(edit(colon + 1, colon + 1, ' {}'));
    } else edits.push(edit(lineStart(text, keyStart), lineStart(text, keyStart), '{}' + yi.eol));
  }
  return change(file, edits);
}
