/**
 * cri-config-ignored: CRI settings written in the version-2 layout (`[plugins."io.containerd.grpc.v1.cri"]`
 * with `containerd`, `cni`, `registry`, `sandbox_image`, …) inside a file that declares version 3
 * or 4. containerd 2.x migrates the version-2 layout only for files of version ≤ 2; in a version
 * 3/4 file `io.containerd.grpc.v1.cri` is the CRI gRPC/streaming server, whose config has only the
 * streaming keys, so every other key is dropped with a warning ("Ignoring unknown key in TOML for
 * plugin", reference containerd.md §1.3, §2.1, §4 item 3) and the defaults apply — SystemdCgroup,
 * the sandbox image, registry mirrors are silently lost.
 *
 * Where each key belongs is the data table containerd's own migration follows (V2_TO_V3_CRI_KEYS,
 * mapV2CriKey). The fix moves the settings there: headers are renamed in place
 * (`[plugins."io.containerd.grpc.v1.cri".containerd…]` → `[plugins."io.containerd.cri.v1.runtime".containerd…]`),
 * keys that change table or name are moved one by one. It is **unsafe**: containerd runs with the
 * defaults today, and the fix makes the written values take effect on a running node (a
 * SystemdCgroup flip on a joined node is what DESIGN.md calls sensitive). No fix when a setting
 * already exists at the destination (which value is meant is a judgement call).
 */
import type { FileChange, Fix } from '../core/types.js';
import { mapV2CriKey, V2_TO_V3_CRI_KEYS } from '../data/containerd-keys.js';
import { fmtKeyPath } from '../data/lookup.js';
import { defineRule, type RuleContext, type Target } from '../engine/rule.js';
import { FixBuildError, makeFix, toml } from '../fix/index.js';
import type { TomlValue } from '../fix/toml.js';
import { CRI_IDS, type ContainerdFile } from '../model/containerd.js';
import type { NodeSet } from '../model/nodeset.js';
import { getPath, toJS, type MapEntry, type MapNode, type VNode } from '../model/tree.js';
import { allFiles, hasHeader, isDefaultAt, modeOf, moveIntoTables, removeSubtree, sameValue, siteId, targetText, type Move } from './shared/containerd.js';

/** Keys that stay in io.containerd.grpc.v1.cri in config version 3 (the streaming server). */
const SERVER_KEYS = new Set(V2_TO_V3_CRI_KEYS.filter((r) => r.part === 'server').map((r) => r.from[0]!));

interface Site {
  file: ContainerdFile;
  table: MapNode;
  entry: MapEntry;
}

function sites(node: NodeSet, target: Target): Site[] {
  const model = node.containerd;
  if (!model || modeOf(target) !== '2.x') return [];
  const out: Site[] = [];
  for (const file of allFiles(model)) {
    if (!file.root || file.version < 3) continue;
    const g = getPath(file.root, ['plugins', CRI_IDS.grpc]);
    if (!g || g.kind !== 'map') continue;
    for (const entry of g.entries) if (!SERVER_KEYS.has(entry.key)) out.push({ file, table: g, entry });
  }
  return out;
}

/** Keys this rule reports (unknown-key leaves them to it). */
export function criConfigIgnoredSites(node: NodeSet, target: Target): Set<string> {
  return new Set(sites(node, target).map((s) => siteId(s.file, s.entry.keyRange)));
}

export default defineRule({
  meta: {
    id: 'cri-config-ignored',
    description: 'Version 2 CRI settings under io.containerd.grpc.v1.cri in a version 3 or 4 containerd config, which containerd 2.x ignores',
    severity: 'error',
    files: ['containerd'],
    fixable: 'unsafe',
  },
  check(ctx) {
    for (const s of sites(ctx.node, ctx.target)) report(ctx, s);
  },
});

interface Leaf {
  node: VNode;
  /** Path relative to the io.containerd.grpc.v1.cri table. */
  rel: string[];
  dest: ReturnType<typeof mapV2CriKey>;
}

function isLeaf(n: VNode): boolean {
  return n.kind !== 'map' || (n.syntax as { type?: string } | undefined)?.type === 'TOMLInlineTable';
}

function leavesOf(n: VNode, rel: string[], target: Target, out: Leaf[] = []): Leaf[] {
  if (isLeaf(n)) out.push({ node: n, rel, dest: mapV2CriKey(rel, target.containerd) });
  else if (n.kind === 'map') for (const e of n.entries) leavesOf(e.value, [...rel, e.key], target, out);
  return out;
}

function headersOf(n: VNode, out: MapNode[] = []): MapNode[] {
  if (n.kind !== 'map' || isLeaf(n)) return out;
  if (hasHeader(n)) out.push(n);
  for (const e of n.entries) headersOf(e.value, out);
  return out;
}

function tableText(path: readonly string[]): string {
  return `[${fmtKeyPath(path)}]`;
}

function report(ctx: RuleContext, s: Site): void {
  const { file, table, entry } = s;
  const base = table.path as string[];
  const leaves = leavesOf(entry.value, [entry.key], ctx.target);
  const dests = [...new Set(leaves.map((l) => tableText(l.dest.path.slice(0, -1))))];
  const top = mapV2CriKey([entry.key], ctx.target.containerd).path;
  const where =
    isLeaf(entry.value)
      ? `${fmtKeyPath([top[top.length - 1]!])} in ${tableText(top.slice(0, -1))}`
      : dests.length === 1 || dests.length === 0
        ? tableText(top)
        : `${tableText(top)} (${dests.filter((d) => !d.startsWith(tableText(top).slice(0, -1))).join(', ')} for some of its keys)`;
  const what = isLeaf(entry.value) ? `"${entry.key}"` : `[${fmtKeyPath([...base, entry.key])}]`;
  const fix = buildFix(file, base, entry, leaves, ctx.target);
  ctx.report({
    file: file.source,
    range: entry.keyRange,
    message: `${what} is a config version 2 CRI setting, but this file declares version ${file.version}: ${targetText(ctx.target)} reads it from ${where} and ignores it here ("Ignoring unknown key in TOML for plugin"), so the default applies; move it there`,
    ...(fix ? { fix } : {}),
  });
}

function buildFix(file: ContainerdFile, base: string[], entry: MapEntry, leaves: Leaf[], target: Target): Fix | undefined {
  const root = file.root!;
  // Destinations already set: with the same value everywhere the ignored copy is redundant and
  // removing it changes nothing (safe); a different value (or a key moved twice) needs a decision.
  const seen = new Set<string>();
  let same = 0;
  for (const l of leaves) {
    const key = JSON.stringify(l.dest.path);
    if (seen.has(key)) return undefined;
    seen.add(key);
    const there = getPath(root, l.dest.path);
    if (there === undefined) continue;
    if (l.dest.transform || !sameValue(there, l.node)) return undefined;
    same++;
  }
  if (same && same === leaves.length) {
    try {
      return makeFix('safe', `remove ${entry.key}: ${file.version === 3 || file.version === 4 ? 'the version 3 tables' : 'the destination'} already hold the same values`, removeSubtree(entry.value));
    } catch (e) {
      if (e instanceof FixBuildError) return undefined;
      throw e;
    }
  }
  if (same) return undefined;
  // Moving values that equal the built-in defaults changes nothing on the node: safe.
  const cv = file.version >= 4 ? 4 : 3;
  const safety = leaves.every((l) => !l.dest.transform && isDefaultAt(target, cv, l.dest.path, l.node)) ? 'safe' : 'unsafe';
  const headers = headersOf(entry.value);
  const renamed = new Map<MapNode, string[]>();
  for (const h of headers) renamed.set(h, mapV2CriKey((h.path as string[]).slice(base.length), target.containerd).path);
  try {
    const changes: FileChange[] = [];
    for (const [h, to] of renamed) changes.push(toml.renameTablePath(h, to));
    const moves: Move[] = [];
    const removed: FileChange[] = [];
    for (const l of leaves) {
      // The header section the leaf is written in (the deepest renamed header containing its key).
      const container = headers
        .filter((h) => {
          const r = (h.syntax as { range: [number, number] }).range;
          const at = l.node.keyRange?.start.offset ?? l.node.range.start.offset;
          return at >= r[0] && at < r[1];
        })
        .sort((a, b) => b.path.length - a.path.length)[0];
      const value: TomlValue = l.dest.transform === 'wrap-in-array' ? [toJS(l.node) as TomlValue] : (toJS(l.node) as TomlValue);
      if (container) {
        const landsIn = [...renamed.get(container)!, ...l.rel.slice((container.path as string[]).length - base.length, -1)];
        const destParent = l.dest.path.slice(0, -1);
        if (JSON.stringify(landsIn) === JSON.stringify(destParent)) {
          const newKey = l.dest.path[l.dest.path.length - 1]!;
          if (newKey !== l.rel[l.rel.length - 1]) changes.push(toml.setKey(l.node, newKey));
          if (l.dest.transform) changes.push(toml.setValue(l.node, value));
          continue;
        }
      }
      // The comments written above the key go with it.
      const cut = toml.removeEntry(l.node);
      changes.push(cut);
      removed.push(cut);
      moves.push({ path: l.dest.path, value, comments: toml.leadingComments(l.node) });
    }
    changes.push(...moveIntoTables(root, moves, removed));
    const header = emptiedHeader(file, tableAt(root, base), entry, [...removed, ...moves.flatMap((m) => (m.comments ? [m.comments.change] : []))]);
    if (header) changes.push(header);
    return makeFix(safety, `move ${entry.key} to where containerd 2.x reads it in a version ${file.version} file`, changes);
  } catch (e) {
    if (e instanceof FixBuildError) return undefined;
    throw e;
  }
}

function tableAt(root: MapNode, base: string[]): MapNode | undefined {
  const t = getPath(root, base);
  return t && t.kind === 'map' ? t : undefined;
}

/**
 * The change that deletes the `[plugins."io.containerd.grpc.v1.cri"]` header (and the blank line
 * above it) when the key being moved out is all its section holds, so the fix leaves no empty table
 * behind. `removed` are the fix's removals (the key-value and the comments that move with it);
 * anything else in the section (another comment, a comment on the header line) keeps the header.
 */
function emptiedHeader(file: ContainerdFile, table: MapNode | undefined, entry: MapEntry, removed: readonly FileChange[]): FileChange | null {
  if (!table || !hasHeader(table) || table.entries.length !== 1 || table.entries[0] !== entry) return null;
  const text = file.source.text;
  const start = text.lastIndexOf('\n', (table.syntax as { range: [number, number] }).range[0] - 1) + 1;
  const nl = text.indexOf('\n', start);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (!/^\s*\[[^#\]]*\]\s*$/.test(text.slice(start, lineEnd))) return null;
  // The section runs to the next header line (or the end of the file).
  const next = /^[ \t]*\[/m.exec(text.slice(lineEnd));
  const end = next ? lineEnd + next.index : text.length;
  let rest = text.slice(lineEnd, end);
  const cuts = removed.filter((r) => r.file === file.source).flatMap((r) => r.edits).filter((e) => e.start >= lineEnd && e.end <= end && e.text === '');
  for (const c of [...cuts].sort((a, b) => b.start - a.start)) rest = rest.slice(0, c.start - lineEnd) + rest.slice(c.end - lineEnd);
  if (rest.trim() !== '') return null;
  const eol = file.source.eol;
  const blankAbove = start >= 2 * eol.length && text.slice(start - 2 * eol.length, start) === eol + eol;
  return { file: file.source, edits: [{ start: blankAbove ? start - eol.length : start, end: lineEnd, text: '' }] };
}
