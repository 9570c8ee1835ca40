/**
 * `crilint migrate FILE --to 3|4`: move a containerd config to config version 3 (containerd
 * 2.0–2.2) or 4 (2.3) the way containerd 2.x migrates it in memory at every start, as minimal
 * edits: comments, order, quoting and every other setting stay. (`containerd config migrate`
 * prints the whole effective config instead, every default included.)
 *
 * The migration is a set of fixes run by the fix applier (src/fix/apply.ts) pass by pass, like
 * `lint --fix`, over the one file (its imports are not touched, as `containerd config migrate`
 * does not migrate them either). Each step is a rule whose fix is built with the TOML edit
 * builders (src/fix/toml.ts), reading the tables of src/data:
 *
 * 1. `version` → the target version (added to a file without one: version 1, whose short plugin
 *    IDs get the URIs containerd 2.x gives them, by the fix of rule plugin-id-not-uri).
 * 2. v2 → v3 CRI split (V2_TO_V3_CRI_KEYS, plugins/cri/{cri.go,runtime/plugin.go,images/plugin.go}):
 *    - the `[plugins."io.containerd.grpc.v1.cri"]` header becomes `[plugins."io.containerd.cri.v1.runtime"]`
 *      (most of its keys belong there), and its keys that belong to the images plugin
 *      (`sandbox_image` → `pinned_images.sandbox`, …) or stay with the CRI server (streaming) move;
 *    - its sub-tables (`containerd`, `cni`, `registry`, …) move by the fix of rule
 *      cri-config-ignored, which handles exactly these version-2 CRI tables in a version 3/4 file;
 *    - plugin IDs renamed in 2.0 (PLUGIN_IDS_RENAMED: cgroups and restart monitors), and the task
 *      runtime's sched_core, which became the shim manager's env (SCHED_CORE_MIGRATION).
 * 3. v3 → v4 (only with `--to 4`): the top-level `[grpc]`, `[ttrpc]`, `[debug]` and `[metrics]`
 *    fields go to the server plugins as serviceMigrate writes them (V3_TO_V4_SERVICE_MIGRATION).
 *
 * What cannot be moved without a judgement (a destination already set to another value) is left
 * in place and reported (`leftovers`). Same input, same bytes.
 */
import { resolve } from 'node:path';
import { parseVersion } from '../core/version.js';
import type { Finding } from '../core/types.js';
import { PLUGIN_IDS_RENAMED } from '../data/containerd.js';
import { mapV2CriKey, SCHED_CORE_MIGRATION, V3_TO_V4_SERVICE_MIGRATION, type ServerField } from '../data/containerd-keys.js';
import { fmtKeyPath } from '../data/lookup.js';
import { containerdForConfigVersion } from '../data/containerd.js';
import { NEWEST_KUBERNETES } from '../data/versions.js';
import type { NodeSetSpec } from '../discover/index.js';
import { lintSpec } from '../engine/pipeline.js';
import { defineRule, type Rule, type RuleContext } from '../engine/rule.js';
import { applyFixes, type FixDiagnostic, type FixRecord } from '../fix/apply.js';
import { makeFix, toml, tryFix } from '../fix/index.js';
import type { TomlValue } from '../fix/toml.js';
import { syntaxProblems } from '../engine/fix-run.js';
import { CRI_IDS, type ContainerdFile } from '../model/containerd.js';
import { get, getPath, toJS, type MapNode, type VNode } from '../model/tree.js';
import criConfigIgnored from '../rules/cri-config-ignored.js';
import pluginIdNotUri from '../rules/plugin-id-not-uri.js';
import { hasHeader, moveIntoTables, type Move } from '../rules/shared/containerd.js';
import { UsageError } from '../cli/errors.js';

export type MigrateTo = 3 | 4;

export interface MigrateResult {
  /** The file as given and as a display path. */
  path: string;
  display: string;
  from: number;
  to: MigrateTo;
  original: string;
  /** The migrated text (equal to `original` when nothing changes). */
  text: string;
  bom: boolean;
  applied: FixRecord[];
  /** What could not be migrated, with why (findings of the migration steps without a fix). */
  leftovers: Finding[];
  diagnostics: FixDiagnostic[];
}

/** The main (given) file of the migration's node set. */
function mainFile(ctx: RuleContext): ContainerdFile | null {
  const f = ctx.node.containerd?.main;
  return f && f.root ? f : null;
}

function isLeaf(n: VNode): boolean {
  return n.kind !== 'map' || (n.syntax as { type?: string } | undefined)?.type === 'TOMLInlineTable';
}

function leaves(n: VNode, rel: string[], out: { node: VNode; rel: string[] }[] = []): { node: VNode; rel: string[] }[] {
  if (isLeaf(n)) out.push({ node: n, rel });
  else if (n.kind === 'map') for (const e of n.entries) if (!hasHeader(e.value)) leaves(e.value, [...rel, e.key], out);
  return out;
}

function versionRule(to: MigrateTo): Rule {
  return defineRule({
    meta: { id: 'migrate-version', description: 'config version', severity: 'error', files: ['containerd'], fixable: 'safe' },
    check(ctx) {
      const f = mainFile(ctx);
      if (!f || f.version >= to) return;
      const node = f.versionNode;
      if (!node) {
        // Version 1 (no `version`): the key goes in; plugin-id-not-uri names the plugins by their URIs.
        const fix = tryFix(() => makeFix('safe', `add version = ${to}`, toml.insertKey(f.root!, 'version', to)));
        ctx.report({ file: f.source, range: f.root!.range, message: `version 1 → ${to}`, ...(fix ? { fix } : {}) });
        return;
      }
      ctx.report({ file: f.source, range: node.range, message: `version ${f.version} → ${to}`, fix: makeFix('safe', `set version = ${to}`, toml.setValue(node, to)) });
    },
  });
}

/** The `[plugins."io.containerd.grpc.v1.cri"]` table to rename to the runtime plugin, when that is the way to migrate it. */
function criHeaderToRename(ctx: RuleContext): { f: ContainerdFile; t: MapNode } | null {
  const f = mainFile(ctx);
  if (!f) return null;
  const t = getPath(f.root!, ['plugins', CRI_IDS.grpc]);
  if (!t || !hasHeader(t) || t.kind !== 'map' || get(get(f.root!, 'plugins'), CRI_IDS.runtime)) return null;
  const own = leaves(t, []).filter((l) => l.rel.length);
  return own.some((l) => mapV2CriKey(l.rel, ctx.target.containerd).part === 'runtime') ? { f, t } : null;
}

/** `[plugins."io.containerd.grpc.v1.cri"]` with runtime keys → `[plugins."io.containerd.cri.v1.runtime"]`. */
const criHeaderRule = defineRule({
  meta: { id: 'migrate-cri-table', description: 'CRI table split', severity: 'error', files: ['containerd'], fixable: 'safe' },
  check(ctx) {
    const h = criHeaderToRename(ctx);
    if (!h) return;
    const { f, t } = h;
    const fix = tryFix(() => makeFix('safe', `rename the table to [plugins."${CRI_IDS.runtime}"]`, toml.renameTablePath(t, ['plugins', CRI_IDS.runtime])));
    ctx.report({ file: f.source, range: t.range, message: `[plugins."${CRI_IDS.grpc}"] holds CRI runtime settings, which containerd 2.x reads from [plugins."${CRI_IDS.runtime}"]`, ...(fix ? { fix } : {}) });
  },
});

/** cri-config-ignored's fixes for what remains under io.containerd.grpc.v1.cri, once its own table is renamed (else both would create the runtime table). */
const criSubtablesRule = defineRule({
  meta: criConfigIgnored.meta,
  check(ctx) {
    if (!criHeaderToRename(ctx)) criConfigIgnored.check(ctx);
  },
});

/** Keys of the renamed table that containerd's migration sends to the images plugin or leaves with the CRI server. */
const criMisplacedRule = defineRule({
  meta: { id: 'migrate-cri-keys', description: 'CRI keys of the images plugin and the CRI server', severity: 'error', files: ['containerd'], fixable: 'safe' },
  check(ctx) {
    const f = mainFile(ctx);
    if (!f || f.version < 3) return;
    const t = getPath(f.root!, ['plugins', CRI_IDS.runtime]);
    if (!t || t.kind !== 'map') return;
    const byPart = new Map<string, { node: VNode; dest: string[] }[]>();
    for (const l of leaves(t, [])) {
      if (!l.rel.length) continue;
      const d = mapV2CriKey(l.rel, ctx.target.containerd);
      if (d.part === 'runtime') continue;
      // 2.3's runtime plugin has a stats_collect_period of its own (a duration string); the images plugin's is an integer.
      if (l.rel.length === 1 && l.rel[0] === 'stats_collect_period' && typeof toJS(l.node) === 'string') continue;
      const list = byPart.get(d.part) ?? [];
      list.push({ node: l.node, dest: d.path });
      byPart.set(d.part, list);
    }
    for (const [part, list] of byPart) {
      const taken = list.filter((m) => getPath(f.root!, m.dest) !== undefined);
      const first = list[0]!.node;
      const what = list.map((m) => fmtKeyPath([m.node.path[m.node.path.length - 1] as string])).join(', ');
      const plugin = list[0]!.dest[1]!;
      if (taken.length) {
        ctx.report({ file: f.source, range: first.keyRange ?? first.range, message: `${what} belong${list.length === 1 ? 's' : ''} in [plugins."${plugin}"], which already sets ${taken.map((m) => fmtKeyPath(m.dest.slice(2))).join(', ')}: merge them by hand` });
        continue;
      }
      const fix = tryFix(() => {
        const cuts = list.map((m) => toml.removeEntry(m.node));
        const moves = list.map((m) => ({ path: m.dest, value: toJS(m.node) as TomlValue, comments: toml.leadingComments(m.node) }));
        return makeFix('safe', `move ${what} to [plugins."${plugin}"]`, cuts, moveIntoTables(f.root!, moves, cuts));
      });
      ctx.report({ file: f.source, range: first.keyRange ?? first.range, message: `${what}: containerd 2.x reads ${list.length === 1 ? 'it' : 'them'} from [plugins."${plugin}"] (${part})`, ...(fix ? { fix } : {}) });
    }
  },
});

/** Plugin tables whose ID containerd 2.0 renamed (their ConfigMigration moves the table). */
const renamedPluginRule = defineRule({
  meta: { id: 'migrate-plugin-id', description: 'plugin IDs renamed in 2.0', severity: 'error', files: ['containerd'], fixable: 'safe' },
  check(ctx) {
    const f = mainFile(ctx);
    if (!f || f.version < 3) return;
    const plugins = get(f.root!, 'plugins');
    for (const r of PLUGIN_IDS_RENAMED) {
      if (!r.migratesTables) continue;
      const t = get(plugins, r.from);
      if (!t || t.kind !== 'map') continue;
      const fix = get(plugins, r.to) ? undefined : tryFix(() => makeFix('safe', `rename [plugins."${r.from}"] to [plugins."${r.to}"]`, toml.renameTablePath(t, ['plugins', r.to], { descendants: true })));
      ctx.report({
        file: f.source,
        range: t.range,
        message: `containerd 2.x calls plugin ${r.from} ${r.to}${fix ? '' : get(plugins, r.to) ? `, and [plugins."${r.to}"] exists too: merge them by hand` : ': move the table by hand'}`,
        ...(fix ? { fix } : {}),
      });
    }
  },
});

/** `sched_core` of the v2 task runtime → the shim manager's `env` (SCHED_CORE_MIGRATION). */
const schedCoreRule = defineRule({
  meta: { id: 'migrate-sched-core', description: 'sched_core moved to the shim manager', severity: 'error', files: ['containerd'], fixable: 'safe' },
  check(ctx) {
    const f = mainFile(ctx);
    if (!f) return;
    const m = SCHED_CORE_MIGRATION;
    const n = getPath(f.root!, m.from);
    if (!n || n.kind !== 'scalar' || typeof n.value !== 'boolean') return;
    const taken = getPath(f.root!, m.to) !== undefined;
    const fix =
      n.value && taken
        ? undefined
        : tryFix(() => {
            const cut = toml.removeEntry(n);
            if (!n.value) return makeFix('safe', 'remove sched_core = false', cut);
            return makeFix('safe', `move sched_core to ${fmtKeyPath(m.to)}`, cut, moveIntoTables(f.root!, [{ path: m.to, value: [...m.whenTrue], comments: toml.leadingComments(n) }], [cut]));
          });
    const msg = n.value
      ? `containerd 2.x reads sched_core as ${fmtKeyPath(m.to.slice(2))} = ["${m.whenTrue.join('", "')}"] in [plugins."${m.to[1]}"]${taken ? ', which is already set: merge them by hand' : ''}`
      : 'containerd 2.x has no sched_core (false is the default): its migration drops it';
    ctx.report({ file: f.source, range: n.keyRange ?? n.range, message: msg, ...(fix ? { fix } : {}) });
  },
});

function isZero(v: unknown): boolean {
  return v === undefined || v === '' || v === 0 || v === false;
}

/** `[grpc]`, `[ttrpc]`, `[debug]`, `[metrics]` fields → server plugins, as serviceMigrate does. */
const serverRule = defineRule({
  meta: { id: 'migrate-server', description: 'server sections of version 4', severity: 'error', files: ['containerd'], fixable: 'safe' },
  check(ctx) {
    const f = mainFile(ctx);
    if (!f) return;
    const root = f.root!;
    const node = (field: ServerField): VNode | undefined => getPath(root, field.split('.'));
    const value = (field: ServerField): unknown => {
      const n = node(field);
      return n ? toJS(n) : undefined;
    };
    const plugins = get(root, 'plugins');
    /** Per plugin: the values it gets, and the nodes that move there (owned by exactly one plugin). */
    const plans: { plugin: string; values: Record<string, TomlValue>; owned: Map<string, VNode> }[] = [];
    const blocked: string[] = [];
    const ownedBy = new Map<VNode, string>();
    for (const step of V3_TO_V4_SERVICE_MIGRATION) {
      const vals: Record<string, unknown> = {};
      for (const [k, field] of Object.entries(step.keys)) vals[k] = value(field);
      if (step.derive && isZero(value(step.derive.ifEmpty)) && !isZero(value(step.derive.from))) {
        vals.address = `${String(value(step.derive.from))}${step.derive.suffix}`;
        for (const [k, field] of Object.entries(step.derive.zeroFrom)) if (isZero(vals[k])) vals[k] = value(field);
      }
      const runs = step.derive ? Object.values(vals).some((v) => !isZero(v)) : step.when.some((w) => !isZero(value(w)));
      if (!runs) continue;
      if (get(plugins, step.plugin)) {
        blocked.push(step.plugin);
        continue;
      }
      const zeroOk = (k: string) => step.zeroWritten === 'all' || (step.zeroWritten !== undefined && step.zeroWritten.keys.includes(k) && !isZero(value(step.zeroWritten.ifSet)));
      const values: Record<string, TomlValue> = {};
      const owned = new Map<string, VNode>();
      for (const [k, field] of Object.entries(step.keys)) {
        const v = vals[k];
        if (isZero(v) && !zeroOk(k)) continue;
        values[k] = (v ?? 0) as TomlValue;
        const n = node(field);
        if (n && !step.copies?.includes(k) && !ownedBy.has(n)) {
          owned.set(k, n);
          ownedBy.set(n, step.plugin);
        }
      }
      plans.push({ plugin: step.plugin, values, owned });
    }
    for (const p of blocked) {
      const at = getPath(plugins, [p]) ?? root;
      ctx.report({ file: f.source, range: at.range, message: `[plugins."${p}"] is already set, so containerd 2.3 would not move the matching top-level fields there either; merge them by hand` });
    }
    if (!plans.length) return;
    // A whole section moving to one plugin keeps its place (header renamed, keys renamed in place); otherwise keys move one by one.
    const edits = tryFix(() => {
      const changes = [];
      const renamed = new Set<string>();
      for (const section of ['grpc', 'ttrpc', 'debug', 'metrics']) {
        const s = get(root, section);
        if (!s || s.kind !== 'map' || !hasHeader(s) || !s.entries.length) continue;
        const owners = new Set(s.entries.map((e) => ownedBy.get(e.value)));
        if (owners.size !== 1 || [...owners][0] === undefined) continue;
        const plan = plans.find((p) => p.plugin === [...owners][0])!;
        if (renamed.has(plan.plugin)) continue;
        renamed.add(plan.plugin);
        changes.push(toml.renameTablePath(s as MapNode, ['plugins', plan.plugin]));
        const extra: Record<string, TomlValue> = {};
        for (const [k, v] of Object.entries(plan.values)) {
          const n = plan.owned.get(k);
          if (!n) extra[k] = v;
          else {
            if (n.path[n.path.length - 1] !== k) changes.push(toml.setKey(n, k));
            if (JSON.stringify(toJS(n)) !== JSON.stringify(v)) changes.push(toml.setValue(n, v));
          }
        }
        if (Object.keys(extra).length) changes.push(toml.insertKeys(s as MapNode, extra));
      }
      const moves: Move[] = [];
      const cuts = [];
      for (const plan of plans) {
        if (renamed.has(plan.plugin)) continue;
        for (const n of plan.owned.values()) cuts.push(toml.removeEntry(n));
        for (const [k, v] of Object.entries(plan.values)) {
          const n = plan.owned.get(k);
          moves.push({ path: ['plugins', plan.plugin, k], value: v, comments: n ? toml.leadingComments(n) : null });
        }
      }
      changes.push(...cuts, ...moveIntoTables(root, moves, cuts));
      return makeFix('safe', `move the top-level server fields to ${plans.map((p) => `[plugins."${p.plugin}"]`).join(', ')}`, changes);
    });
    const first = [...ownedBy.keys()][0] ?? root;
    ctx.report({
      file: f.source,
      range: first.keyRange ?? first.range,
      message: `containerd 2.3 reads these server settings from ${plans.map((p) => `[plugins."${p.plugin}"]`).join(', ')} in a version 4 file`,
      ...(edits ? { fix: edits } : {}),
    });
  },
});

/** Headers of sections without key-values, sub-tables or comments (`[a.b]` followed by blank lines, then a header or the end). */
function emptySections(f: ContainerdFile): MapNode[] {
  const out: MapNode[] = [];
  const text = f.source.text;
  const visit = (n: VNode) => {
    if (n.kind !== 'map') return;
    if (hasHeader(n) && !n.entries.length) {
      const end = (n.syntax as { range: [number, number] }).range[1];
      if (/^[ \t]*(\r?\n[ \t]*)*(\[|$)/.test(text.slice(end))) out.push(n);
    }
    for (const e of n.entries) visit(e.value);
  };
  visit(f.root!);
  return out;
}

/** Sections the migration emptied (moved all their keys away): their headers go too. Sections empty in the original stay. */
function emptiedRule(keep: ReadonlySet<string>): Rule {
  return defineRule({
    meta: { id: 'migrate-emptied', description: 'sections emptied by the migration', severity: 'error', files: ['containerd'], fixable: 'safe' },
    check(ctx) {
      const f = mainFile(ctx);
      if (!f) return;
      for (const t of emptySections(f)) {
        if (keep.has(JSON.stringify(t.path))) continue;
        const fix = tryFix(() => makeFix('safe', 'remove the emptied section', toml.removeTable(t)));
        if (fix) ctx.report({ file: f.source, range: t.range, message: `[${fmtKeyPath(t.path as string[])}] is empty after the migration`, fix });
      }
    },
  });
}

/** The rules of a migration to `to`, in the order their fixes are tried. `keep`: sections empty in the original. */
export function migrationRules(to: MigrateTo, keep: ReadonlySet<string> = new Set()): Rule[] {
  return [versionRule(to), pluginIdNotUri, criHeaderRule, criMisplacedRule, criSubtablesRule, renamedPluginRule, schedCoreRule, ...(to === 4 ? [serverRule] : []), emptiedRule(keep)];
}

/** Migrate one containerd config file (read from disk) to config version `to`. Nothing is written. */
export function migrateFile(file: string, display: string, to: MigrateTo): MigrateResult {
  const path = resolve(file);
  const spec: NodeSetSpec = { name: '(files)', root: null, files: [{ kind: 'containerd', path }], focus: null };
  const given = { kubernetes: parseVersion(NEWEST_KUBERNETES)!, containerd: parseVersion(containerdForConfigVersion(to)!)! };
  const loaded = lintSpec(spec, { rules: [], given });
  const keep = new Set(loaded.node.containerd?.main.root ? emptySections(loaded.node.containerd.main).map((t) => JSON.stringify(t.path)) : []);
  const rules = migrationRules(to, keep);
  const ids = new Set(rules.map((r) => r.meta.id));
  const mine = (list: Finding[]) => list.filter((x) => ids.has(x.rule) && x.file?.path === path);
  const first = lintSpec(spec, { rules, given });
  if (first.ioErrors.length) throw new UsageError(first.ioErrors.map((e) => e.message).join('; '));
  const f = first.node.containerd?.main;
  const src = f?.source ?? first.node.files.find((x) => x.path === path);
  if (!f || !src) throw new UsageError(`${display}: not read as a containerd config`);
  const syntax = first.node.findings.find((x) => x.rule === 'syntax' && x.file?.path === path);
  if (syntax || !f.root) {
    const at = syntax?.range ? `:${syntax.range.start.line}:${syntax.range.start.column}` : '';
    throw new UsageError(`${display}${at}: cannot migrate a file that does not parse${syntax ? `: ${syntax.message}` : ''}`);
  }
  if (f.versionNode && (typeof toJS(f.versionNode) !== 'number' || f.version < 1 || f.version > 4)) throw new UsageError(`${display}:${f.versionNode.range.start.line}:${f.versionNode.range.start.column}: version ${f.versionNode.raw} is not a config version crilint migrates (1, 2, 3 or 4)`);
  if (f.version > to) throw new UsageError(`${display}: declares version ${f.version}; crilint migrate does not go back to version ${to}`);
  const bom = src.bom;
  const result: MigrateResult = { path, display, from: f.version, to, original: src.text, text: src.text, bom, applied: [], leftovers: [], diagnostics: [] };
  if (f.version === to) return result;
  const fixed = applyFixes(mine(first.findings), {
    unsafe: true,
    maxPasses: 25,
    relint: (texts) => mine(lintSpec(spec, { rules, given, overlay: texts }).findings),
    parses: (p, text) => syntaxProblems('containerd', p, text) === 0,
  });
  const out = fixed.files.get(path);
  result.text = out?.text ?? src.text;
  result.applied = fixed.applied;
  result.leftovers = fixed.findings;
  result.diagnostics = fixed.diagnostics;
  return result;
}
