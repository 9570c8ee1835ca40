/**
 * containerd's runc runtimes and their cgroup driver, as the CRI plugin and the kubelet see them.
 *
 * - `SystemdCgroup` in a runc runtime's `options` picks runc's cgroup driver; false when not set,
 *   in every release (data: SYSTEMD_CGROUP_DEFAULT; reference containerd.md §2.3).
 * - A runtime without `runtime_type` is a runc v2 runtime (data: containerdDefault `runtimeType`,
 *   `io.containerd.runc.v2`, the default since 1.4). `io.containerd.runc.v1` reads the same options;
 *   other shims (kata, gVisor, `io.containerd.runtime.v1.linux`) do not use `SystemdCgroup`.
 * - containerd ≥ 2.0 answers CRI RuntimeConfig with the driver of the first runc runtime, the
 *   default runtime first, then by name (internal/cri/server/runtime_config_linux.go @ v2.0.0,
 *   PR #8722; reference containerd.md §2.3). On 1.x the default runtime is what pods run with
 *   unless they name a RuntimeClass; the same order picks the runtime that matters.
 */
import type { SourceFile } from '../../core/source.js';
import { fileStart } from '../../core/source.js';
import type { FileChange, Range } from '../../core/types.js';
import type { Version } from '../../core/version.js';
import { containerdDefault } from '../../data/containerd-defaults.js';
import { criKeyPath, SYSTEMD_CGROUP_DEFAULT, type ConfigVersion } from '../../data/containerd.js';
import { toml } from '../../fix/index.js';
import { mergedView, type ContainerdModel, type CriRuntime, type CriView, type MergeMode } from '../../model/containerd.js';
import type { MapNode, VNode } from '../../model/tree.js';

/** Shims that take runc's options (containerd runtime/v2/runc; io.containerd.runc.v1 removed in 2.0). */
export const RUNC_RUNTIME_TYPES: readonly string[] = ['io.containerd.runc.v2', 'io.containerd.runc.v1'];

export type CgroupDriver = 'systemd' | 'cgroupfs';

export function isRunc(r: CriRuntime): boolean {
  return r.runtimeType.value === null ? r.runtimeType.node === null : RUNC_RUNTIME_TYPES.includes(r.runtimeType.value);
}

export function driverOf(r: CriRuntime): CgroupDriver {
  return r.systemdCgroup.value ? 'systemd' : 'cgroupfs';
}

/**
 * The runc runtimes in the order containerd ≥ 2.0 consults them (default runtime first, then by
 * name). `implicit`: the file configures no runtime at all and the default runtime name is runc,
 * so containerd runs its built-in runc runtime (SystemdCgroup false).
 */
export function runcRuntimes(view: CriView): { runtimes: CriRuntime[]; implicit: boolean } {
  const runc = view.runtimes.filter(isRunc);
  const byName = [...runc].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const def = view.defaultRuntime && isRunc(view.defaultRuntime) ? view.defaultRuntime : null;
  const ordered = def ? [def, ...byName.filter((r) => r !== def)] : byName;
  const implicit = view.runtimes.length === 0 && view.defaultRuntimeName.value === 'runc';
  return { runtimes: ordered, implicit };
}

/** How a runtime's driver is set, for messages: `SystemdCgroup = false` or `SystemdCgroup is not set; it defaults to false`. */
export function describeSystemdCgroup(r: CriRuntime | null): string {
  const n = r?.systemdCgroup.node;
  if (n) return `SystemdCgroup = ${n.raw}`;
  return `SystemdCgroup is not set; it defaults to ${SYSTEMD_CGROUP_DEFAULT}`;
}

export interface Spot {
  file: SourceFile;
  range: Range;
}

/** A node that belongs to one file: the latest original table behind a merged (synthetic) one. */
function editable(model: ContainerdModel, mode: MergeMode, n: VNode): VNode {
  const srcs = mergedView(model, mode).sources(n);
  return srcs.length ? srcs[srcs.length - 1]! : n;
}

/** Where a finding about a runtime's driver points: the value, else its options table, else its table. */
export function driverSpot(r: CriRuntime): Spot {
  const n: VNode = r.systemdCgroup.node ?? r.options ?? r.table;
  return { file: n.file, range: n.range };
}

/** Where a finding about the built-in runc runtime points: the CRI runtime table, else the start of config.toml. */
export function implicitSpot(model: ContainerdModel, view: CriView): Spot {
  const t = view.tables.find((x) => x.role === 'runtime') ?? view.tables.find((x) => x.role === 'cri');
  if (t) return { file: t.table.file, range: t.table.range };
  return { file: model.main.source, range: fileStart(model.main.source) };
}

/** The change that sets a runtime's SystemdCgroup (inserting the key, or its options table, when missing). */
export function setSystemdCgroup(model: ContainerdModel, mode: MergeMode, r: CriRuntime, value: boolean): FileChange | null {
  if (r.systemdCgroup.node) return toml.setValue(r.systemdCgroup.node, value);
  const base = editable(model, mode, r.options ?? r.table) as MapNode;
  const root = model.fileOf(base.file)?.root;
  if (!root) return null;
  const path = (r.options ? base.path : [...base.path, 'options']).filter((p): p is string => typeof p === 'string');
  return toml.ensureTable(root, path, { SystemdCgroup: value });
}

/**
 * The change that adds a runc runtime with `SystemdCgroup` to a config that has none, in the main
 * file at the key path of its config version (criKeyPath), with runtime_type spelled out.
 */
export function addRuncRuntime(model: ContainerdModel, containerd: Version, value: boolean): FileChange | null {
  const root = model.main.root;
  const v = model.main.version;
  if (!root || v < 1 || v > 4) return null;
  const path = criKeyPath('systemdCgroup', v as ConfigVersion, 'runc');
  if (!path) return null;
  const runtimePath = path.slice(0, -2);
  const runtimeType = containerdDefault(containerd, 'runtimeType');
  return toml.ensureTable(root, runtimePath, { ...(typeof runtimeType === 'string' ? { runtime_type: runtimeType } : {}), options: { SystemdCgroup: value } });
}
