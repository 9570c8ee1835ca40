/**
 * Helpers shared by the containerd rules (config version, plugin IDs, removed keys, CRI layout):
 * the target's merge mode, walking a file's keys with their TOML paths, the "zero value" test
 * containerd's own deprecation checks use, key-path text for messages, and removing a whole
 * subtree with the fix builders.
 *
 * `unknown-key` yields to these rules where they explain the same key better (see `claimedSites`
 * users in unknown-key.ts): each rule that claims keys exports a function listing them.
 */
import type { FileChange, Range } from '../../core/types.js';
import { fmtVersion } from '../../core/version.js';
import type { ConfigVersion } from '../../data/containerd.js';
import { CONTAINERD_DEFAULTS, containerdDefault } from '../../data/containerd-defaults.js';
import { fmtKeyPath } from '../../data/lookup.js';
import type { Target } from '../../engine/rule.js';
import { toml } from '../../fix/index.js';
import type { ContainerdFile, ContainerdModel, MergeMode } from '../../model/containerd.js';
import { parseTOML } from 'toml-eslint-parser';
import type { TomlValue } from '../../fix/toml.js';
import { getPath, toJS, type MapEntry, type MapNode, type VNode } from '../../model/tree.js';

/** How the target containerd merges and decodes: 1.x (go-toml v1, table replacement) or 2.x. */
export function modeOf(target: Target): MergeMode {
  return target.containerd.major >= 2 ? '2.x' : '1.x';
}

/** `containerd 2.1` / `containerd 1.6.20` as given. */
export function targetText(target: Target): string {
  return `containerd ${fmtVersion(target.containerd)}`;
}

/** Every config file crilint read: merged files first, then loose files linted on their own. */
export function allFiles(model: ContainerdModel): ContainerdFile[] {
  return [...model.configFiles, ...model.extra];
}

/** A file's version as a ConfigVersion for the data tables (above 4 reads as 4: such a file is refused anyway). */
export function configVersionOf(file: ContainerdFile): ConfigVersion {
  return Math.min(Math.max(file.version, 1), 4) as ConfigVersion;
}

export interface KeySite {
  /** Key segments from the file's root (no array indexes: arrays of tables are not walked). */
  path: string[];
  entry: MapEntry;
  parent: MapNode;
}

/** Every key of a file, parents before children (tables and values; not inside arrays). */
export function keySites(file: ContainerdFile): KeySite[] {
  const out: KeySite[] = [];
  const visit = (m: MapNode, path: string[]) => {
    for (const e of m.entries) {
      const p = [...path, e.key];
      out.push({ path: p, entry: e, parent: m });
      if (e.value.kind === 'map') visit(e.value, p);
    }
  };
  if (file.root) visit(file.root, []);
  return out;
}

/**
 * Go's zero value as containerd's deprecation checks see it (`!= ""`, `len(...) > 0`, `!= 0`):
 * "", 0, false, an empty array, or a table whose values are all zero. containerd's own
 * `config default` output is full of such entries (empty `registry.mirrors`, `bin_dir = ''`).
 */
export function isZeroValue(n: VNode): boolean {
  if (n.kind === 'scalar') return n.value === '' || n.value === 0 || n.value === false || n.value === null;
  if (n.kind === 'array') return n.items.length === 0;
  return n.entries.every((e) => isZeroValue(e.value));
}

/** A table path as written inside `[…]`: `plugins."io.containerd.grpc.v1.cri".containerd`. */
export function fmtTable(path: readonly string[]): string {
  return fmtKeyPath(path);
}

/** `[plugins."io.containerd.grpc.v1.cri".containerd]` and the key in it: `no_pivot in [plugins.…containerd]`. */
export function keyInTable(path: readonly string[]): string {
  const key = path[path.length - 1]!;
  const table = path.slice(0, -1);
  return table.length ? `${fmtKeyPath([key])} in [${fmtKeyPath(table)}]` : `top-level ${fmtKeyPath([key])}`;
}

/** `${file}:${offset}` of a range: how rules name a site they claim. */
export function siteId(file: ContainerdFile, range: Range): string {
  return `${file.source.path}:${range.start.offset}`;
}

/** Is the table written with a `[header]` of its own (not implicit, not inline, not dotted)? */
export function hasHeader(n: VNode): boolean {
  return n.kind === 'map' && !n.implicit && (n.syntax as { type?: string } | undefined)?.type === 'TOMLTable';
}

/**
 * The changes that delete a key and everything below it: a value line, an inline table, or a
 * `[header]` section together with its sub-sections. Throws FixBuildError (from the builders) when
 * a part cannot be removed.
 */
export function removeSubtree(n: VNode): FileChange[] {
  if (n.kind !== 'map' || (!hasHeader(n) && !n.implicit)) return [toml.removeEntry(n)];
  const out: FileChange[] = [];
  const section = hasHeader(n) ? (n.syntax as { range: [number, number] }).range : null;
  if (hasHeader(n)) out.push(toml.removeTable(n));
  for (const e of n.entries) {
    // What is written in a header's section (key-values, dotted keys) goes with it; sub-tables
    // named by later headers have sections of their own.
    if (section && e.keyRange.start.offset >= section[0] && e.keyRange.start.offset < section[1]) continue;
    out.push(...removeSubtree(e.value));
  }
  return out;
}

/**
 * Whether a value equals the target's built-in default for the key at `path` in a file of config
 * version `cv` (data CONTAINERD_DEFAULTS): moving such a value to where containerd reads it
 * changes nothing on a running node. false when crilint has no default for the key.
 */
export function isDefaultAt(target: Target, cv: ConfigVersion, path: readonly string[], n: VNode): boolean {
  for (const [name, d] of Object.entries(CONTAINERD_DEFAULTS)) {
    const p = d.paths[cv];
    if (!p || p.length !== path.length || !p.every((s, i) => s === path[i])) continue;
    const v = containerdDefault(target.containerd, name);
    return v !== undefined && v !== null && JSON.stringify(v) === JSON.stringify(toJS(n));
  }
  return false;
}

/** Same TOML value (as plain JS). */
export function sameValue(a: VNode, b: VNode): boolean {
  return JSON.stringify(toJS(a)) === JSON.stringify(toJS(b));
}

function setIn(obj: Record<string, TomlValue>, path: readonly string[], value: TomlValue): void {
  let cur = obj;
  for (const seg of path.slice(0, -1)) {
    const next = cur[seg];
    if (next === undefined || typeof next !== 'object' || Array.isArray(next)) cur[seg] = {};
    cur = cur[seg] as Record<string, TomlValue>;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * The insertions that write values at full key paths (`['plugins', '<id>', …, key]`), one
 * ensureTable per plugin: each opens the deepest table the plugin's values share
 * (`[….images.pinned_images]`, not an empty `[….images]` above it) unless a table on the way
 * exists. `removed` are the caller's removals of the old entries in the same fix: a new section
 * anchored at the end of a line that is removed (the last key of the table it follows) is placed
 * right after the removed lines instead, which gives the same text without overlapping edits.
 */
export function moveIntoTables(root: MapNode, moves: readonly Move[], removed: readonly FileChange[] = []): FileChange[] {
  const groups = new Map<string, Record<string, TomlValue>>();
  for (const m of moves) {
    const [, plugin, ...rest] = m.path;
    const group = groups.get(plugin!) ?? {};
    setIn(group, rest, m.value);
    groups.set(plugin!, group);
  }
  const out: FileChange[] = [];
  for (const [plugin, entries] of groups) {
    let at = ['plugins', plugin];
    let body: Record<string, TomlValue> = entries;
    for (;;) {
      const keys = Object.keys(body);
      const only = keys.length === 1 ? body[keys[0]!] : undefined;
      if (only === undefined || typeof only !== 'object' || Array.isArray(only) || getPath(root, at) !== undefined) break;
      at = [...at, keys[0]!];
      body = only;
    }
    const c = afterRemovals(toml.ensureTable(root, at, body), removed);
    out.push(...withComments(c, moves.filter((m) => m.path[1] === plugin && m.comments)));
  }
  return out;
}

/** A value moved to a full key path, with the comment lines that were above it (toml.leadingComments). */
export interface Move {
  path: readonly string[];
  value: TomlValue;
  comments?: { change: FileChange; lines: readonly string[] } | null;
}

/**
 * Put each move's comments above its key in the inserted text, and delete them where they were;
 * comments whose key cannot be found in the insertion stay where they are. The key-value (or the
 * inline table holding it) is found by parsing the inserted fragment: its path is the header's
 * plus its keys, or, in a fragment without header (keys added to an existing table), a run of the
 * move's path.
 */
function withComments(c: FileChange, moves: readonly Move[]): FileChange[] {
  if (!moves.length) return [c];
  const eol = c.file?.eol ?? '\n';
  const placed: FileChange[] = [];
  const edits = c.edits.map((e) => {
    if (e.start !== e.end) return e;
    let ast;
    try {
      ast = parseTOML(e.text, { tomlVersion: '1.0' });
    } catch {
      return e;
    }
    const kvs: { path: string[]; start: number; headed: boolean }[] = [];
    const names = (k: { keys: ({ type: 'TOMLBare'; name: string } | { type: 'TOMLQuoted'; value: string })[] }) => k.keys.map((x) => (x.type === 'TOMLBare' ? x.name : x.value));
    for (const item of ast.body[0].body) {
      if (item.type === 'TOMLKeyValue') kvs.push({ path: names(item.key), start: item.range[0], headed: false });
      else for (const kv of item.body) kvs.push({ path: [...(item.resolvedKey as string[]), ...names(kv.key)], start: kv.range[0], headed: true });
    }
    const runAt = (p: readonly string[], run: readonly string[], from: number) => run.every((x, i) => p[from + i] === x);
    const fits = (k: (typeof kvs)[number], p: readonly string[]) =>
      k.headed ? k.path.length <= p.length && runAt(p, k.path, 0) : Array.from({ length: p.length - k.path.length + 1 }, (_, o) => o).some((o) => runAt(p, k.path, o));
    const inserts: { at: number; text: string }[] = [];
    for (const m of moves) {
      const hit = kvs.filter((k) => fits(k, m.path)).sort((a, b) => b.path.length - a.path.length)[0];
      if (!hit || !m.comments) continue;
      const line = e.text.lastIndexOf('\n', hit.start - 1) + 1;
      const indent = e.text.slice(line, hit.start);
      inserts.push({ at: line, text: m.comments.lines.map((l) => `${indent}${l}${eol}`).join('') });
      placed.push(m.comments.change);
    }
    let text = e.text;
    for (const i of inserts.sort((a, b) => b.at - a.at)) text = text.slice(0, i.at) + i.text + text.slice(i.at);
    return { ...e, text };
  });
  return [{ ...c, edits }, ...placed];
}

function afterRemovals(c: FileChange, removed: readonly FileChange[]): FileChange {
  const cuts = removed.filter((r) => r.file === c.file).flatMap((r) => r.edits.filter((e) => e.text === '' && e.end > e.start));
  const text = c.file?.text ?? '';
  const edits = c.edits.map((e) => {
    const eol = text.startsWith('\r\n', e.start) ? '\r\n' : '\n';
    if (e.start !== e.end || !e.text.startsWith(eol)) return e;
    const cut = cuts.find((x) => x.start <= e.start && e.start < x.end);
    return cut ? { start: cut.end, end: cut.end, text: e.text.slice(eol.length) + eol } : e;
  });
  return { ...c, edits };
}
