/**
 * What a containerd 1.x import drops: mergeConfig copies each `[plugins."<id>"]` tree of a later
 * file over the earlier one (`to.Plugins[k] = v`, services/server/config/config.go @ v1.7.34;
 * reference containerd.md §1.2), and the plugin decodes that last tree onto its defaults. So every
 * key an earlier table set and the last one does not repeat takes its default. The installed 1.6.20
 * shows it (`config dump`; test/containerd-oracle.test.ts holds the fixtures of
 * containerd-import-replaces-table to it). containerd 2.0 merges plugin tables key by key
 * (a21e379b6): nothing is dropped there.
 *
 * containerd-import-replaces-table reports the drops; sandbox-image-mismatch and
 * cgroup-driver-mismatch point at a dropped key when it is why the runtime uses its default.
 */
import type { Range } from '../../core/types.js';
import type { Target } from '../../engine/rule.js';
import { criView, mergedView, type ContainerdModel } from '../../model/containerd.js';
import { get, type MapNode, type VNode } from '../../model/tree.js';
import { configVersionOf, isDefaultAt, modeOf } from './containerd.js';
import { containerdAcceptsVersion } from './endpoints.js';

export interface DroppedKey {
  /** Key path below the plugin table. */
  rel: string[];
  /** The value that is dropped (the latest assignment of that path before the winner). */
  node: VNode;
  keyRange: Range;
}

export interface TableReplacement {
  /** Plugin ID as the files spell it. */
  id: string;
  /** The table containerd decodes: the last file's. */
  winner: MapNode;
  dropped: DroppedKey[];
}

/**
 * The plugin tables of the merged files that replace earlier ones and drop keys whose value is not
 * the default anyway (data CONTAINERD_DEFAULTS); empty for a 2.x target, and when the target
 * containerd refuses the config version (it does not start: config-version-unsupported).
 */
export function importDrops(model: ContainerdModel, target: Target): TableReplacement[] {
  if (!model.main.root || modeOf(target) !== '1.x') return [];
  if (!containerdAcceptsVersion(criView(model, '1.x'), target)) return [];
  const view = mergedView(model, '1.x');
  const plugins = get(view.root, 'plugins');
  if (!plugins || plugins.kind !== 'map') return [];
  const out: TableReplacement[] = [];
  for (const { key: id, value: winner } of plugins.entries) {
    if (winner.kind !== 'map') continue;
    const earlier = view.overridden(winner).filter((n) => n.kind === 'map' && n.file !== winner.file);
    if (!earlier.length) continue;
    const dropped = new Map<string, DroppedKey>();
    for (const t of earlier) {
      for (const d of leaves(t, [])) {
        if (present(winner, d.rel)) continue;
        const file = model.fileOf(d.node.file);
        if (file && defaultApplies(winner, d.rel) && isDefaultAt(target, configVersionOf(file), ['plugins', id, ...d.rel], d.node)) continue;
        dropped.set(JSON.stringify(d.rel), d);
      }
    }
    if (dropped.size) out.push({ id, winner, dropped: [...dropped.values()] });
  }
  return out;
}

/** The whole-CRI plugin table's IDs as a 1.x file spells them (URI of version 2, short of version 1). */
export const CRI_V2_IDS: readonly string[] = ['io.containerd.grpc.v1.cri', 'cri'];

/** The dropped key at `rel` of plugin `ids` (any of them), if any. */
export function droppedKey(model: ContainerdModel, target: Target, ids: readonly string[], rel: readonly string[]): DroppedKey | null {
  for (const r of importDrops(model, target)) {
    if (!ids.includes(r.id)) continue;
    const d = r.dropped.find((x) => x.rel.length === rel.length && x.rel.every((k, i) => k === rel[i]));
    if (d) return d;
  }
  return null;
}

/** Scalars, arrays and empty tables below `n`, with their key paths relative to the plugin table. */
function leaves(n: VNode, rel: string[], out: DroppedKey[] = []): DroppedKey[] {
  if (n.kind !== 'map') return out;
  for (const e of n.entries) {
    const path = [...rel, e.key];
    if (e.value.kind === 'map' && e.value.entries.length) leaves(e.value, path, out);
    else out.push({ rel: path, node: e.value, keyRange: e.keyRange });
  }
  return out;
}

/** The winner sets this path, or a value above it (then the earlier key is overridden, not dropped). */
function present(winner: VNode, rel: readonly string[]): boolean {
  let cur: VNode | undefined = winner;
  for (const k of rel) {
    if (!cur || cur.kind !== 'map') return true;
    cur = get(cur, k);
    if (cur === undefined) return false;
  }
  return true;
}

/**
 * A dropped key takes its built-in default, except below a runtime entry when the winner declares
 * `containerd.runtimes` itself: that map replaces the built-in one, so the runtime (runc with its
 * defaults) is gone, not defaulted (`config dump` of the installed 1.6.20 has no runtimes.runc then).
 */
function defaultApplies(winner: VNode, rel: readonly string[]): boolean {
  const i = rel.indexOf('runtimes');
  return !(i > 0 && rel[i - 1] === 'containerd' && present(winner, rel.slice(0, i + 1)));
}
