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
import { fileStart, lineText, rangeOf } from '../../core/source.js';
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

export interface RuncRuntimes {
  /** The runc runtime whose driver matters (see the module comment); null when it is the built-in one or there is none. */
  primary: CriRuntime | null;
  /** The default runtime is containerd's built-in runc (no table of its own; SystemdCgroup false). */
  builtin: boolean;
  /** The other runc runtimes, by name. */
  others: CriRuntime[];
  /** The default runtime is not defined: the CRI plugin does not load (default-runtime-undefined). */
  broken: boolean;
}

/**
 * The runc runtimes in the order containerd ≥ 2.0 consults them: the default runtime when it is a
 * runc runtime, else the first runc runtime by name. When the default name is "runc" and no runtime
 * of that name is configured, containerd runs its built-in runc runtime: always when the file
 * configures no runtime, and on 2.x also next to other runtimes (go-toml v2 decodes into the
 * built-in map; 1.x replaces the map, and the CRI plugin then fails: see default-runtime-undefined).
 */
export function runcRuntimes(view: CriView, mode: MergeMode): RuncRuntimes {
  const byName = view.runtimes.filter(isRunc).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const def = view.defaultRuntime;
  if (def) {
    const primary = isRunc(def) ? def : (byName[0] ?? null);
    return { primary, builtin: false, others: byName.filter((r) => r !== primary), broken: false };
  }
  if (view.defaultRuntimeName.value === 'runc' && (mode === '2.x' || view.runtimes.length === 0)) {
    return { primary: null, builtin: true, others: byName, broken: false };
  }
  return { primary: null, builtin: false, others: [], broken: true };
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

/**
 * Where a finding about a node points, on one line: a value's range, or the first line of a
 * table's range (a table without a header of its own is positioned at the section that created it).
 */
export function nodeSpot(n: VNode): Spot {
  const { file, range } = n;
  if (range.end.line === range.start.line) return { file, range };
  const lineEnd = file.lineStarts[range.start.line - 1]! + lineText(file, range.start.line).length;
  return { file, range: rangeOf(file, range.start.offset, lineEnd) };
}

/** Where a finding about a runtime's driver points: the value, else its options table, else its table. */
export function driverSpot(r: CriRuntime): Spot {
  return nodeSpot(r.systemdCgroup.node ?? r.options ?? r.table);
}

/** Where a finding about the built-in runc runtime points: the CRI runtime table (when it has a header), else the start of config.toml. */
export function implicitSpot(model: ContainerdModel, view: CriView): Spot {
  const t = view.tables.find((x) => x.role === 'runtime') ?? view.tables.find((x) => x.role === 'cri');
  // A table without a header of its own is positioned at some sub-table: the start of the file says more.
  if (t && !t.table.implicit) return nodeSpot(t.table);
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
 * The change that adds a runc runtime with `SystemdCgroup` to a config that has none, at the key
 * path of the file's config version (criKeyPath), with runtime_type spelled out. The file is the
 * one that holds the CRI table containerd reads (on 1.x an import's table replaces the main file's
 * whole, so a runtime added to the main file would be dropped), else the main file.
 */
export function addRuncRuntime(model: ContainerdModel, view: CriView, containerd: Version, value: boolean): FileChange | null {
  const t = view.tables.find((x) => x.role === 'runtime') ?? view.tables.find((x) => x.role === 'cri');
  const file = (t && model.fileOf(t.table.file)) || model.main;
  const root = file.root;
  const v = file.version;
  if (!root || v < 1 || v > 4) return null;
  const path = criKeyPath('systemdCgroup', v as ConfigVersion, 'runc');
  if (!path) return null;
  const runtimePath = path.slice(0, -2);
  const runtimeType = containerdDefault(containerd, 'runtimeType');
  return toml.ensureTable(root, runtimePath, { ...(typeof runtimeType === 'string' ? { runtime_type: runtimeType } : {}), options: { SystemdCgroup: value } });
}
