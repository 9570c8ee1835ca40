/**
 * The keys and values of a node's containerd files that the target release removed or deprecated,
 * for `removed-key` and `deprecated-key` (one walk, two rules). Facts: src/data containerd-keys
 * (`findKeyChange`, `containerdKeyStatus`, `containerdValueStatus`).
 *
 * Left to other rules: the version-2 layout under `io.containerd.grpc.v1.cri` in a version 3/4
 * file (cri-config-ignored), the v3→v4 server sections (server-section-inert), a top-level
 * `systemd_cgroup` that stops the 1.x CRI plugin (systemd-cgroup-misplaced), files of a version
 * the target does not read (config-version-unsupported), and keys that the target's migration
 * converts itself (status `renamed`: nothing to report).
 */
import { maxConfigVersion } from '../../data/containerd.js';
import { containerdKeyStatus, containerdValueStatus, findKeyChange, V2_TO_V3_CRI_KEYS, type KeyVerdict, type Since, type ValueChange } from '../../data/containerd-keys.js';
import { lineOf } from '../../data/lookup.js';
import type { Target } from '../../engine/rule.js';
import { CRI_IDS, type ContainerdFile } from '../../model/containerd.js';
import type { NodeSet } from '../../model/nodeset.js';
import type { MapEntry } from '../../model/tree.js';
import { allFiles, configVersionOf, keySites, siteId } from './containerd.js';

const SERVER_KEYS = new Set(V2_TO_V3_CRI_KEYS.filter((r) => r.part === 'server').map((r) => r.from[0]!));
const CRI_TABLES = new Set<string>(['cri', CRI_IDS.grpc, CRI_IDS.runtime, CRI_IDS.images]);

export type ChangeSite =
  | { kind: 'key'; file: ContainerdFile; path: string[]; entry: MapEntry; status: 'removed' | 'deprecated'; verdict: KeyVerdict }
  | { kind: 'value'; file: ContainerdFile; path: string[]; entry: MapEntry; status: 'removed' | 'deprecated'; change: ValueChange };

const memo = new WeakMap<NodeSet, { target: Target; skip: Set<string>; sites: ChangeSite[] }>();

/**
 * Removed and deprecated keys and values. `skip`: sites (siteId of the key) another rule reports
 * (systemd-cgroup-misplaced passes its own).
 */
export function changeSites(node: NodeSet, target: Target, skip: Set<string>): ChangeSite[] {
  const hit = memo.get(node);
  if (hit && hit.target === target && hit.skip.size === skip.size && [...skip].every((s) => hit.skip.has(s))) return hit.sites;
  const sites = compute(node, target, skip);
  memo.set(node, { target, skip, sites });
  return sites;
}

function compute(node: NodeSet, target: Target, skip: Set<string>): ChangeSite[] {
  const model = node.containerd;
  if (!model) return [];
  const max = maxConfigVersion(target.containerd).max;
  const out: ChangeSite[] = [];
  for (const file of allFiles(model)) {
    if (!file.root || file.version > max) continue;
    const cv = configVersionOf(file);
    const removedPrefixes: string[][] = [];
    for (const site of keySites(file)) {
      const { path, entry } = site;
      if (cv >= 3 && path[0] === 'plugins' && path[1] === CRI_IDS.grpc && path.length >= 3 && !SERVER_KEYS.has(path[2]!)) continue;
      if (removedPrefixes.some((p) => p.every((s, i) => path[i] === s))) continue;
      if (skip.has(siteId(file, entry.keyRange))) continue;
      const change = findKeyChange(cv, path);
      if (change && change.rest.length === 0 && !change.change.id.startsWith('server-')) {
        const verdict = containerdKeyStatus(target.containerd, cv, path);
        if (verdict.status === 'removed' || verdict.status === 'deprecated') {
          out.push({ kind: 'key', file, path, entry, status: verdict.status, verdict });
          if (verdict.status === 'removed') removedPrefixes.push(path);
          continue;
        }
      }
      const key = path[path.length - 1]!;
      const v = entry.value;
      if ((key === 'runtime_type' || key === 'snapshotter') && path[0] === 'plugins' && CRI_TABLES.has(path[1]!) && v.kind === 'scalar' && typeof v.value === 'string') {
        const vs = containerdValueStatus(target.containerd, key, v.value);
        if ((vs.status === 'removed' || vs.status === 'deprecated') && vs.change) out.push({ kind: 'value', file, path, entry, status: vs.status, change: vs.change });
      }
    }
  }
  return out;
}

/** `1.3` for `1.3.0`; a per-line threshold as the target line's entry (else the earliest). */
export function sinceText(since: Since | undefined, target: Target): string {
  if (since === undefined) return '';
  const s = typeof since === 'string' ? since : (since[lineOf(target.containerd)] ?? Object.values(since).sort()[0]!);
  return s.replace(/\.0$/, '');
}
