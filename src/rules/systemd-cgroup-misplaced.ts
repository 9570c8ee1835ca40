/**
 * systemd-cgroup-misplaced: the systemd cgroup setting written where containerd does not read it.
 *
 * (a) `SystemdCgroup` (or `systemd_cgroup`) on a runc runtime's own table instead of its `options`:
 *     the runtime struct has no such field — 1.x drops it silently (go-toml v1), 2.x with
 *     "Ignoring unknown key in TOML for plugin" — and runc keeps cgroupfs.
 * (b) a spelling in `options` that the decoder never matches (`systemd_cgroup`, `Systemd_Cgroup`):
 *     runc options are decoded leniently, unknown keys silently ignored in every version
 *     (GenerateRuntimeOptions; reference containerd.md §2.3). Accepted spellings are not flagged:
 *     go-toml v1 (1.x) matches `SystemdCgroup`, `systemdcgroup`, `SYSTEMDCGROUP`, `systemdCgroup`;
 *     go-toml v2 (2.x) any case.
 * (c) 1.x: the old top-level CRI key `systemd_cgroup = true` with a default runtime other than
 *     `io.containerd.runtime.v1.linux`: the CRI plugin fails to load with
 *     "invalid plugin config: `systemd_cgroup` only works for runtime io.containerd.runtime.v1.linux"
 *     (ValidatePluginConfig, pkg/cri/config/config.go @ v1.7.34; data CONTAINERD_KEY_CHANGES
 *     cri-systemd-cgroup; checked by starting containerd 1.6.20). On 2.x the key is gone
 *     (removed-key reports it).
 *
 * Fixes: (a), (b) put the value where runc reads it — **unsafe**, because runc switches cgroup
 * driver on a running node; removing a misplaced copy whose value the correct key already has
 * changes nothing and is safe. (c) has no fix: which runtimes should use systemd is a decision
 * (set SystemdCgroup in each runc runtime's options, matching the kubelet's cgroupDriver).
 */
import type { Fix } from '../core/types.js';
import { defineRule, type RuleContext, type Target } from '../engine/rule.js';
import { FixBuildError, makeFix, toml, tryFix } from '../fix/index.js';
import { CRI_IDS, criView, type ContainerdFile, type MergeMode } from '../model/containerd.js';
import type { NodeSet } from '../model/nodeset.js';
import { get, getPath, type MapEntry, type MapNode } from '../model/tree.js';
import { allFiles, fmtTable, hasHeader, modeOf, siteId, targetText } from './shared/containerd.js';

const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
const FIELD = 'SystemdCgroup';
const RUNC_TYPES_1X = new Set(['io.containerd.runc.v2', 'io.containerd.runc.v1', 'io.containerd.runtime.v1.linux']);

function accepted(key: string, mode: MergeMode): boolean {
  if (mode === '2.x') return key.toLowerCase() === FIELD.toLowerCase();
  return [FIELD, FIELD.toLowerCase(), FIELD.toUpperCase(), 'systemdCgroup'].includes(key);
}

/** The CRI table of a file whose runtimes the target reads (version-2 layout migrates on 2.x). */
function criTablePath(file: ContainerdFile, mode: MergeMode): string[] | null {
  if (file.version <= 1) return ['plugins', 'cri'];
  if (file.version === 2) return ['plugins', CRI_IDS.grpc];
  return mode === '2.x' ? ['plugins', CRI_IDS.runtime] : null;
}

type Kind = 'runtime-table' | 'options-spelling' | 'top-level';
interface Site {
  kind: Kind;
  file: ContainerdFile;
  entry: MapEntry;
  /** runtime table (for 'runtime-table') or options table (for 'options-spelling'). */
  table: MapNode;
  runtime: string;
}

function sites(node: NodeSet, target: Target): Site[] {
  const model = node.containerd;
  if (!model) return [];
  const mode = modeOf(target);
  const view = criView(model, mode);
  const out: Site[] = [];
  for (const file of allFiles(model)) {
    if (!file.root) continue;
    const base = criTablePath(file, mode);
    if (!base) continue;
    const cri = getPath(file.root, base);
    if (!cri || cri.kind !== 'map') continue;
    // (c) top-level systemd_cgroup = true on 1.x with a default runtime other than runtime.v1.linux.
    if (mode === '1.x' && file.version <= 2) {
      const e = cri.entries.find((x) => x.key === 'systemd_cgroup');
      const defaultType = view.defaultRuntime?.runtimeType.value ?? (view.defaultRuntimeName.value === 'runc' ? 'io.containerd.runc.v2' : null);
      if (e && e.value.kind === 'scalar' && e.value.value === true && defaultType !== 'io.containerd.runtime.v1.linux') {
        out.push({ kind: 'top-level', file, entry: e, table: cri, runtime: view.defaultRuntimeName.value });
      }
    }
    const runtimes = getPath(cri, ['containerd', 'runtimes']);
    if (!runtimes || runtimes.kind !== 'map') continue;
    for (const r of runtimes.entries) {
      if (r.value.kind !== 'map') continue;
      const own = get(r.value, 'runtime_type');
      const type = own && own.kind === 'scalar' && typeof own.value === 'string' ? own.value : (view.runtimes.find((x) => x.name === r.key)?.runtimeType.value ?? (r.key === 'runc' ? 'io.containerd.runc.v2' : null));
      if (!type || (mode === '2.x' ? type !== 'io.containerd.runc.v2' : !RUNC_TYPES_1X.has(type))) continue;
      for (const e of r.value.entries) if (norm(e.key) === norm(FIELD)) out.push({ kind: 'runtime-table', file, entry: e, table: r.value, runtime: r.key });
      const options = get(r.value, 'options');
      if (options && options.kind === 'map') {
        for (const e of options.entries) if (norm(e.key) === norm(FIELD) && !accepted(e.key, mode)) out.push({ kind: 'options-spelling', file, entry: e, table: options, runtime: r.key });
      }
    }
  }
  return out;
}

/** Keys this rule reports (unknown-key, deprecated-key and removed-key leave them to it). */
export function systemdCgroupSites(node: NodeSet, target: Target): Set<string> {
  return new Set(sites(node, target).map((s) => siteId(s.file, s.entry.keyRange)));
}

export default defineRule({
  meta: {
    id: 'systemd-cgroup-misplaced',
    description: 'The systemd cgroup setting of runc written where containerd does not read it, or the old systemd_cgroup key that stops the 1.x CRI plugin',
    severity: 'error',
    files: ['containerd'],
    fixable: 'unsafe',
  },
  check(ctx) {
    for (const s of sites(ctx.node, ctx.target)) report(ctx, s);
  },
});


function report(ctx: RuleContext, s: Site): void {
  const mode = modeOf(ctx.target);
  const t = targetText(ctx.target);
  const { entry } = s;
  const value = entry.value.kind === 'scalar' ? entry.value.value : null;
  const at = { file: s.file.source, range: entry.keyRange };
  if (s.kind === 'top-level') {
    ctx.report({
      ...at,
      message: `systemd_cgroup = true only works with the old runtime io.containerd.runtime.v1.linux: ${t} fails to load the CRI plugin ("invalid plugin config: \`systemd_cgroup\` only works for runtime io.containerd.runtime.v1.linux"), so the kubelet finds no CRI service (unknown service runtime.v1.RuntimeService); remove it and set SystemdCgroup = true in [${fmtTable([...(s.table.path as string[]), 'containerd', 'runtimes', s.runtime, 'options'])}]`,
    });
    return;
  }
  const ignored = mode === '2.x' ? `ignores it ("Ignoring unknown key in TOML for plugin")` : 'silently ignores it';
  if (s.kind === 'runtime-table') {
    const optionsPath = [...(s.table.path as string[]), 'options'];
    const options = get(s.table, 'options');
    const there = options && options.kind === 'map' ? options.entries.find((x) => accepted(x.key, mode)) : undefined;
    const thereValue = there && there.value.kind === 'scalar' ? there.value.value : undefined;
    const what =
      there === undefined
        ? `so runc ${value === true ? 'keeps the cgroupfs driver' : 'uses its default'}; move it to [${fmtTable(optionsPath)}] as SystemdCgroup`
        : thereValue === value
          ? `and the options already set ${there.key} = ${String(thereValue)}; remove this copy`
          : `and runc uses ${there.key} = ${String(thereValue)} from its options; set the value there and remove this copy`;
    ctx.report({
      ...at,
      message: `${entry.key} is set on runtime "${s.runtime}" itself, not in its options: ${t} ${ignored}, ${what}`,
      ...optional(tryFix(() => moveToOptions(s, mode))),
    });
    return;
  }
  const correct = s.table.entries.find((x) => accepted(x.key, mode));
  ctx.report({
    ...at,
    message: `"${entry.key}" in the options of runtime "${s.runtime}" is not the runc option SystemdCgroup: ${t} never matches this spelling and silently ignores it${correct ? ` (${correct.key} in the same table is what runc reads)` : ', so runc uses the cgroupfs driver'}; ${correct ? 'remove it' : 'write SystemdCgroup'}`,
    ...optional(
      tryFix(() =>
        correct
          ? makeFix('safe', `remove the ignored "${entry.key}"`, toml.removeEntry(entry.value))
          : makeFix('unsafe', `rename "${entry.key}" to SystemdCgroup`, toml.setKey(entry.value, FIELD)),
      ),
    ),
  });
}

function optional(fix: Fix | undefined): { fix?: Fix } {
  return fix ? { fix } : {};
}

function moveToOptions(s: Site, mode: MergeMode): Fix {
  const runtime = s.table;
  const e = s.entry;
  const v = e.value.kind === 'scalar' && typeof e.value.value === 'boolean' ? e.value.value : null;
  if (v === null) throw new FixBuildError('not a boolean');
  const options = get(runtime, 'options');
  if (options && options.kind === 'map') {
    const have = options.entries.find((x) => accepted(x.key, mode));
    if (have) {
      if (have.value.kind === 'scalar' && have.value.value === v) return makeFix('safe', `remove ${e.key}: the options already set SystemdCgroup = ${v}`, toml.removeEntry(e.value));
      throw new FixBuildError('conflicting values');
    }
    return makeFix('unsafe', `move ${e.key} = ${v} into the runtime's options`, toml.removeEntry(e.value), toml.insertKey(options, FIELD, v));
  }
  // Section entries other than this key (written under the runtime's own header).
  const section = hasHeader(runtime) ? (runtime.syntax as { range: [number, number] }).range : null;
  const inSection = runtime.entries.filter((x) => section && x.keyRange.start.offset >= section[0] && x.keyRange.start.offset < section[1]);
  const others = inSection.filter((x) => x !== e);
  if (section && others.length === 0) {
    // The header holds only this key: the header becomes the options table.
    const changes = [toml.renameTablePath(runtime, [...(runtime.path as string[]), 'options'])];
    if (e.key !== FIELD) changes.push(toml.setKey(e.value, FIELD));
    return makeFix('unsafe', `make [${fmtTable(runtime.path as string[])}] the options table, with SystemdCgroup = ${v}`, changes);
  }
  const anchor = others[others.length - 1];
  if (!anchor || anchor.value.kind === 'map') throw new FixBuildError('no key to insert after');
  return makeFix('unsafe', `move ${e.key} = ${v} into the runtime's options`, toml.removeEntry(e.value), toml.insertKey(runtime, ['options', FIELD], v, { after: anchor.key }));
}
