/**
 * What the per-format validators of TOML configs (containerd, CRI-O) share: the shape of their
 * schemas, loading a shipped schema file, and the wording of values and tables in messages.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Path, VNode } from '../model/tree.js';
import { formatPath } from '../model/tree.js';

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  'x-since'?: string | string[];
  'x-removed'?: string;
  'x-invalid'?: string;
  'x-table'?: string;
  [k: string]: unknown;
}

export interface DefsSchema {
  $defs: Record<string, SchemaNode>;
}

/**
 * A schema file of `schemas/`, which ships next to `src/` and `dist/` (package.json "files"), so it
 * is found one level up from the bundle (dist/crilint.mjs) or two levels up from this module (tests).
 */
export function loadShippedSchema(file: string, what: string): DefsSchema {
  let lastError: unknown;
  for (const rel of [`../schemas/${file}`, `../../schemas/${file}`]) {
    try {
      return JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as DefsSchema;
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`${what} schema not found next to ${import.meta.url}: ${String(lastError)}`);
}

export function tableText(path: Path): string {
  return path.length ? `in [${formatPath(path)}]` : 'at the top level';
}

/** A value as messages name it: `a table`, `an array`, `string "x"`. */
export function describeValue(n: VNode): string {
  if (n.kind === 'map') return 'a table';
  if (n.kind === 'array') return 'an array';
  return `${n.type} ${n.raw}`;
}

/** Whether a node has one of the schema's JSON types (an integer is a number). */
export function typeMatches(s: SchemaNode, n: VNode): boolean {
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (!types.length) return true;
  const actual = n.kind === 'map' ? 'object' : n.kind === 'array' ? 'array' : n.type === 'integer' ? 'integer' : n.type === 'float' ? 'number' : n.type;
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}
