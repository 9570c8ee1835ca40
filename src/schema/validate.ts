/**
 * JSON Schema validation of a positioned tree. ajv validates the plain value; each error's
 * instancePath is mapped back to the tree node, so `unknown-key` points at the key and
 * `invalid-value` at the value. Near misses get a "did you mean".
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Range } from '../core/types.js';
import { distance } from '../core/text.js';
import { entry, getPath, toJS, type VNode } from '../model/tree.js';

export interface SchemaProblem {
  kind: 'unknown-key' | 'invalid-value';
  node: VNode;
  /** Where to point: the key for unknown keys, the value otherwise. */
  range: Range;
  /** Dotted path of the offending key or value. */
  path: (string | number)[];
  message: string;
  /** For unknown keys: the best known key of the same table, when close enough. */
  suggestion?: string;
  key?: string;
}

let ajv: Ajv | null = null;
const compiled = new Map<string, ValidateFunction>();

function compile(id: string, schema: object): ValidateFunction {
  const known = compiled.get(id);
  if (known) return known;
  ajv ??= new Ajv({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true });
  const fn = ajv.compile(schema);
  compiled.set(id, fn);
  return fn;
}

function decodePointer(p: string): (string | number)[] {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Resolve a decoded pointer against the tree (numeric segments index arrays, otherwise map keys). */
function nodeAt(root: VNode, path: (string | number)[]): VNode | undefined {
  let cur: VNode | undefined = root;
  for (const seg of path) {
    if (!cur) return undefined;
    if (cur.kind === 'array' && typeof seg === 'number') cur = cur.items[seg];
    else cur = getPath(cur, [String(seg)]);
  }
  return cur;
}

export function validateTree(root: VNode, schemaId: string, schema: object): SchemaProblem[] {
  const fn = compile(schemaId, schema);
  if (fn(toJS(root))) return [];
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const err of pickErrors(fn.errors ?? [])) {
    const path = decodePointer(err.instancePath);
    const node = nodeAt(root, path);
    if (!node) continue;
    if (err.keyword === 'additionalProperties') {
      const key = (err.params as { additionalProperty: string }).additionalProperty;
      const e = entry(node, key);
      if (!e) continue;
      const known = Object.keys((err.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = suggest(key, known);
      const sig = `u:${path.join('.')}:${key}`;
      if (seen.has(sig)) continue;
      seen.add(sig);
      out.push({ kind: 'unknown-key', node: e.value, range: e.keyRange, path: [...path, key], key, suggestion, message: `unknown key "${key}"` });
      continue;
    }
    const sig = `v:${err.instancePath}`;
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push({ kind: 'invalid-value', node, range: node.range, path, message: describeError(err) });
  }
  return out.sort((a, b) => a.range.start.offset - b.range.start.offset);
}

/**
 * ajv reports every branch of a oneOf/anyOf; keep the most useful error per location:
 * a custom `errorMessage`-like description, else enum, else type, else the first.
 */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const k = e.keyword === 'additionalProperties' ? `${e.instancePath}\0${(e.params as { additionalProperty: string }).additionalProperty}` : e.instancePath;
    (byPath.get(k) ?? byPath.set(k, []).get(k)!).push(e);
  }
  const out: ErrorObject[] = [];
  for (const list of byPath.values()) {
    if (list[0]!.keyword === 'additionalProperties') {
      out.push(list[0]!);
      continue;
    }
    const rank = (e: ErrorObject) =>
      ({ enum: 0, const: 0, type: 1, pattern: 2, minimum: 3, maximum: 3, exclusiveMinimum: 3, exclusiveMaximum: 3, minLength: 3, maxLength: 3, minItems: 3, uniqueItems: 3 } as Record<string, number>)[e.keyword] ?? 5;
    const useful = list.filter((e) => !['anyOf', 'oneOf', 'if', 'not'].includes(e.keyword));
    out.push([...(useful.length ? useful : list)].sort((a, b) => rank(a) - rank(b))[0]!);
  }
  return out;
}

function describeError(e: ErrorObject): string {
  const schema = e.parentSchema as { description?: string; 'x-expect'?: string } | undefined;
  if (schema?.['x-expect']) return `expected ${schema['x-expect']}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum':
      return `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `expected ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `expected ${Array.isArray(p.type) ? (p.type as string[]).join(' or ') : String(p.type)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `expected a value ${p.comparison} ${p.limit}`;
    case 'pattern':
      return `does not have the expected form (${p.pattern})`;
    case 'minLength':
      return 'must not be empty';
    case 'uniqueItems':
      return `has duplicate items (${p.j} and ${p.i})`;
    default:
      return e.message ?? 'is invalid';
  }
}

const suggestions = new Map<string, string | undefined>();

/**
 * Closest known key by edit distance (case-insensitive match first), or undefined. The same
 * misspelling recurs across a fleet, so answers are kept (a few thousand at most).
 */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const memoKey = `${key}\0${known.join('\0')}`;
  if (suggestions.has(memoKey)) return suggestions.get(memoKey);
  if (suggestions.size >= 4096) suggestions.clear();
  const found = closestKey(key, known);
  suggestions.set(memoKey, found);
  return found;
}

function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replace(/[-_]/g, '');
  const exact = known.find((k) => k.toLowerCase().replace(/[-_]/g, '') === lower);
  if (exact) return exact;
  const limit = Math.max(2, Math.floor(key.length / 4));
  const a = key.toLowerCase();
  let best: string | undefined;
  let bestD = limit + 1;
  for (const k of known) {
    // The distance is at least the difference in length: such a key cannot come closer.
    if (Math.abs(k.length - a.length) >= bestD) continue;
    const d = distance(a, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

