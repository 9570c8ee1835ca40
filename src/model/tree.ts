/**
 * The positioned value tree that every structured format (TOML, YAML, JSON) is turned into.
 * Rules and schema validation read this tree; each node knows its file, range and path, so a
 * finding can always point at the exact value (or key) it is about.
 */
import type { Range } from '../core/types.js';
import type { SourceFile } from '../core/source.js';

export type Path = (string | number)[];

export type ScalarType = 'string' | 'integer' | 'float' | 'boolean' | 'null' | 'datetime';

interface NodeBase {
  file: SourceFile;
  /** Range of the value (for a TOML table: its header, or the first header that created it). */
  range: Range;
  /** Range of the key that names this node in its parent, when it has one. */
  keyRange?: Range;
  path: Path;
  /** The syntax node it was built from (format-specific; used by fix helpers). */
  syntax?: unknown;
}

export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  type: ScalarType;
  value: string | number | boolean | null;
  /** Source text of the value token, as written. */
  raw: string;
  /** Quoting style as written: TOML basic/literal (+multiline), YAML plain/single/double/block. */
  style?: string;
}

export interface MapEntry {
  key: string;
  keyRange: Range;
  value: VNode;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  /** Entries in source order; a duplicate key appears twice (the last one is what `get` returns). */
  entries: MapEntry[];
  /** TOML: the table has no header of its own (created by a dotted key or a deeper header). */
  implicit?: boolean;
}

export interface ArrayNode extends NodeBase {
  kind: 'array';
  items: VNode[];
}

export type VNode = ScalarNode | MapNode | ArrayNode;

export function get(node: VNode | undefined, key: string): VNode | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const e = node.entries[i]!;
    if (e.key === key) return e.value;
  }
  return undefined;
}

export function entry(node: VNode | undefined, key: string): MapEntry | undefined {
  if (!node || node.kind !== 'map') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) {
    if (node.entries[i]!.key === key) return node.entries[i];
  }
  return undefined;
}

export function getPath(node: VNode | undefined, path: readonly (string | number)[]): VNode | undefined {
  let cur = node;
  for (const seg of path) {
    if (!cur) return undefined;
    if (typeof seg === 'number') cur = cur.kind === 'array' ? cur.items[seg] : undefined;
    else cur = get(cur, seg);
  }
  return cur;
}

/** The deepest existing node along `path`: where a finding about a missing key should point. */
export function closest(node: VNode, path: readonly (string | number)[]): VNode {
  let cur = node;
  for (const seg of path) {
    const next = typeof seg === 'number' ? (cur.kind === 'array' ? cur.items[seg] : undefined) : get(cur, seg);
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

export function isMap(n: VNode | undefined): n is MapNode {
  return n?.kind === 'map';
}
export function isArray(n: VNode | undefined): n is ArrayNode {
  return n?.kind === 'array';
}
export function isScalar(n: VNode | undefined): n is ScalarNode {
  return n?.kind === 'scalar';
}

export function str(n: VNode | undefined): string | undefined {
  return n?.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined;
}
export function bool(n: VNode | undefined): boolean | undefined {
  return n?.kind === 'scalar' && typeof n.value === 'boolean' ? n.value : undefined;
}
export function num(n: VNode | undefined): number | undefined {
  return n?.kind === 'scalar' && typeof n.value === 'number' ? n.value : undefined;
}

/** Plain JS value of a node (last duplicate key wins), for schema validation and tests. */
export function toJS(n: VNode): unknown {
  switch (n.kind) {
    case 'scalar':
      return n.value;
    case 'array':
      return n.items.map(toJS);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const e of n.entries) o[e.key] = toJS(e.value);
      return o;
    }
  }
}

/** Range that spans the key and value of a map entry (for "remove this entry" findings). */
export function entryRange(e: MapEntry): Range {
  return { start: e.keyRange.start, end: e.value.range.end };
}

/** Visit every node depth-first, parents before children. */
export function walk(n: VNode, fn: (node: VNode, parent: VNode | null) => void, parent: VNode | null = null): void {
  fn(n, parent);
  if (n.kind === 'map') for (const e of n.entries) walk(e.value, fn, n);
  else if (n.kind === 'array') for (const it of n.items) walk(it, fn, n);
}

/**
 * A copy of a tree with every node bound to `file` (a file with the same text: same ranges).
 * Map and array nodes and entries are copied, so the copy can be changed on its own; ranges,
 * paths and syntax nodes are shared. The parsers build trees (a YAML alias or merge key is
 * expanded into fresh nodes), so no node is reached twice.
 */
export function rebindTree<T extends VNode>(n: T, file: SourceFile): T {
  if (n.kind === 'map') return { ...n, file, entries: n.entries.map((e) => ({ key: e.key, keyRange: e.keyRange, value: rebindTree(e.value, file) })) };
  if (n.kind === 'array') return { ...n, file, items: n.items.map((it) => rebindTree(it, file)) };
  return { ...n, file };
}

export function formatPath(path: Path): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z0-9_-]+$/.test(p) ? (i ? '.' : '') + p : `${i ? '.' : ''}"${p}"`))
    .join('');
}
