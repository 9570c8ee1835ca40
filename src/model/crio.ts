/**
 * The CRI-O model: `/etc/crio/crio.conf` and every file below `/etc/crio/crio.conf.d`, each parsed
 * into a positioned tree, plus the merged view CRI-O ends up with (with provenance) and the settings
 * rules read (cgroup manager, conmon cgroup, default runtime and runtime handlers, pause image,
 * socket).
 *
 * How CRI-O merges (src/data/crio.ts CRIO_MERGE, each point read in cri-o/cri-o @ f954a17e):
 * - crio.conf first, then the drop-in directory walked recursively (filepath.Walk: names sorted in
 *   each directory, every regular file whatever its extension); later files win.
 * - Each file is decoded on top of what the earlier ones set: absent keys keep their value,
 *   scalars and arrays are replaced (arrays are not appended), except `storage_option`, which is
 *   appended with duplicates removed (the last occurrence kept).
 * - Map entries — a runtime handler `[crio.runtime.runtimes.NAME]`, a workload, an annotation — are
 *   decoded into a fresh value: re-declaring a handler drops every field an earlier file gave it
 *   (`resets` records each such loss).
 * - Struct fields match case-insensitively (BurntSushi/toml); map keys (handler names) do not.
 * - crio's command line wins over every file (src/data/crio.ts CRIO_CLI): the flags of crio.service's
 *   ExecStart= (its drop-ins and the `$CRIO_*_OPTIONS` variables of its EnvironmentFile=, packaged as
 *   /etc/sysconfig/crio), and the CONTAINER_* variables of those files; `--config`/`--config-dir`
 *   (or CONTAINER_CONFIG/CONTAINER_CONFIG_DIR) choose the files read.
 * The views are computed on demand and memoised per model.
 */
import { normalize as hostNormalize, posix } from 'node:path';
import type { SourceFile } from '../core/source.js';
import type { Range } from '../core/types.js';
import { CRIO_BOOLEAN_FLAGS, CRIO_CLI_SETTINGS, CRIO_CONFIG_PATH, CRIO_DROPIN_DIR, CRIO_FLAG_ALIASES, CRIO_MAP_TABLES, CRIO_UNIT } from '../data/crio.js';
import type { EnvAssignment, FlagToken } from '../parse/flags.js';
import { parseTomlSource } from '../parse/toml.js';
import type { Valued } from './containerd.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';
import { execStart, loadUnit, unitDirsOf, unitEnvironment, unitSources, type ExecCommand, type Unit } from './units.js';
import type { ArrayNode, MapEntry, MapNode, ScalarNode, VNode } from './tree.js';
import { toJS } from './tree.js';

/** crilint's limits on walking crio.conf.d (CRI-O has none; these keep a hostile tree cheap). */
export const MAX_CRIO_DEPTH = 16;
export const MAX_CRIO_FILES = 256;

export interface CrioFile {
  source: SourceFile;
  /** Parsed tree; null when the file did not parse (a `syntax` finding says why; CRI-O refuses to start). */
  root: MapNode | null;
  /** The node path (`/etc/crio/crio.conf.d/10-crio.conf`) in root mode; the host path for loose files. */
  location: string;
}

/** A setting given on crio's command line: the flag, or its CONTAINER_* variable in the unit's environment. */
export interface CrioCli {
  kind: 'flag' | 'env';
  value: string;
  /** As written, for messages: `--cgroup-manager=cgroupfs`, `CONTAINER_CGROUP_MANAGER=cgroupfs`. */
  text: string;
  flag: FlagToken | null;
  env: EnvAssignment | null;
}

export type CrioCliName = keyof typeof CRIO_CLI_SETTINGS;

export interface CrioModel {
  files: SourceFile[];
  /** crio.service with its drop-ins and EnvironmentFile= files (root mode), or null. */
  unit: Unit | null;
  /** crio's command line: the unit's ExecStart= parsed as Go flags (variables expanded), or null. */
  command: ExecCommand | null;
  /** The settings crio's command line gives (a name is absent when neither its flag nor its variable is set). */
  cli: Partial<Record<CrioCliName, CrioCli>>;
  /** `--config` (or CONTAINER_CONFIG) names a file that is not in the node root: crio does not start. */
  configMissing: { cli: CrioCli; path: string } | null;
  /** The files CRI-O decodes, in its order: crio.conf (when present), then the drop-ins. */
  configFiles: CrioFile[];
  /** Loose mode: further CRI-O files given after the first; each is checked on its own, not merged. */
  extra: CrioFile[];
  fileOf(src: SourceFile): CrioFile | undefined;
}

// ---------------------------------------------------------------------------------------------
// Loading

/**
 * Root mode: crio.conf and the drop-in directory under the node root; no model when neither has a
 * file (CRI-O is not configured on this node). Loose mode: the first CRI-O file given is the
 * configuration; the others are `extra` (unrelated files given together must not produce
 * cross-file findings).
 */
export function loadCrio(ctx: LoadContext): CrioModel | null {
  const files: CrioFile[] = [];
  const extra: CrioFile[] = [];
  const load = (host: string, location: string): CrioFile | null => {
    const source = ctx.read(host, 'crio');
    if (!source) return null;
    let root: MapNode | null = null;
    if (!unusable(source)) {
      const doc = parseTomlSource(source);
      ctx.findings.push(...doc.findings);
      ctx.addComments(source, doc.comments);
      root = doc.root;
    }
    return { source, root, location };
  };
  let unit: Unit | null = null;
  let command: ExecCommand | null = null;
  let cli: CrioModel['cli'] = {};
  let configMissing: CrioModel['configMissing'] = null;
  if (ctx.root !== null) {
    unit = loadUnit(ctx, CRIO_UNIT.name, unitDirsOf(ctx));
    command = execStart(unit, { go: true, booleans: CRIO_BOOLEAN_FLAGS });
    cli = crioCli(command, unit);
    // `--config=""` reads no main file; a relative path is taken from crio's working directory, / under systemd.
    const mainPath = cli.config ? posix.resolve('/', cli.config.value) : CRIO_CONFIG_PATH;
    const dropInDir = cli.configDir ? posix.resolve('/', cli.configDir.value) : CRIO_DROPIN_DIR;
    const main = ctx.hostPath(mainPath);
    if ((!cli.config || cli.config.value !== '') && ctx.isRegular(main)) {
      const f = load(main, mainPath);
      if (f) files.push(f);
    } else if (cli.config && cli.config.value !== '' && !ctx.exists(main)) {
      // A missing default crio.conf is skipped; one named on the command line is fatal (criocli.go mergeConfigFiles: ctx.IsSet("config")).
      configMissing = { cli: cli.config, path: mainPath };
    }
    const walk = (nodeDir: string, depth: number) => {
      if (depth > MAX_CRIO_DEPTH) return;
      for (const name of ctx.list(ctx.hostPath(nodeDir))) {
        if (files.length >= MAX_CRIO_FILES) return;
        const location = `${nodeDir === '/' ? '' : nodeDir}/${name}`;
        const host = ctx.hostPath(location);
        if (ctx.isDir(host)) walk(location, depth + 1);
        else {
          const f = load(host, location);
          if (f) files.push(f);
        }
      }
    };
    if ((!cli.configDir || cli.configDir.value !== '') && ctx.isDir(ctx.hostPath(dropInDir))) walk(dropInDir, 1);
  } else {
    const given = ctx.given('crio').map((p) => hostNormalize(p));
    given.forEach((p, i) => {
      const f = load(p, p);
      if (f) (i === 0 ? files : extra).push(f);
    });
  }
  // A unit alone is no CRI-O node (the package may be installed beside another runtime), but a --config it names that is missing is reported.
  if (files.length === 0 && extra.length === 0 && !configMissing) return null;
  const all = [...files, ...extra];
  const bySource = new Map(all.map((f) => [f.source, f]));
  return { files: [...all.map((f) => f.source), ...unitSources(unit)], unit, command, cli, configMissing, configFiles: files, extra, fileOf: (s) => bySource.get(s) };
}

/**
 * What crio's command line sets (data CRIO_CLI_SETTINGS): the last occurrence of each flag in the
 * unit's ExecStart= (Go's flag syntax; an alias such as `-c` counts as its flag), else its
 * CONTAINER_* variable from the unit's EnvironmentFile= files.
 */
function crioCli(cmd: ExecCommand | null, unit: Unit | null): CrioModel['cli'] {
  const out: CrioModel['cli'] = {};
  if (!unit) return out;
  const env = unitEnvironment(unit);
  for (const [key, spec] of Object.entries(CRIO_CLI_SETTINGS) as [CrioCliName, (typeof CRIO_CLI_SETTINGS)[CrioCliName]][]) {
    let flag: FlagToken | null = null;
    for (const f of cmd?.flags ?? []) if ((CRIO_FLAG_ALIASES[f.name] ?? f.name) === spec.flag && f.value !== null) flag = f;
    if (flag) {
      out[key] = { kind: 'flag', value: flag.value!, text: flag.file.text.slice(flag.range.start.offset, flag.range.end.offset), flag, env: null };
      continue;
    }
    const a = env.get(spec.env);
    if (a) out[key] = { kind: 'env', value: a.value, text: `${a.name}=${a.value}`, flag: null, env: a };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Merged view

export interface CrioReset {
  /** Canonical path of the map entry, e.g. ['crio', 'runtime', 'runtimes', 'crun']. */
  path: string[];
  /** The later table that replaced the entry. */
  winner: MapNode;
  /** The earlier table it replaced. */
  earlier: MapNode;
  /** Entries of the earlier table whose key the later one does not set: CRI-O forgets them. */
  lost: MapEntry[];
}

export interface CrioMergedView {
  /** The merged configuration; struct keys lower-cased (how CRI-O matches them), map keys as written. */
  root: MapNode;
  /** Assignments of the same setting that this node replaced, in load order. */
  overridden(node: VNode): VNode[];
  /** For a merged (synthetic) table or array: the original nodes it was built from, in load order. */
  sources(node: VNode): VNode[];
  resets: CrioReset[];
}

const mergedMemo = new WeakMap<CrioModel, CrioMergedView>();

export function crioMergedView(model: CrioModel): CrioMergedView {
  const known = mergedMemo.get(model);
  if (known) return known;
  const view = new CrioMerger(model).run();
  mergedMemo.set(model, view);
  return view;
}

function isMapTable(path: readonly string[]): boolean {
  return CRIO_MAP_TABLES.some((p) => p.length === path.length && p.every((seg, i) => seg === '*' || seg === path[i]));
}

class CrioMerger {
  private readonly losers = new WeakMap<VNode, VNode[]>();
  private readonly srcs = new WeakMap<VNode, VNode[]>();
  private readonly resets: CrioReset[] = [];

  constructor(private readonly model: CrioModel) {}

  run(): CrioMergedView {
    const first = this.model.configFiles[0] ?? this.model.extra[0]!;
    const root: MapNode = { kind: 'map', entries: [], file: first.source, range: first.root?.range ?? { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } }, path: [] };
    this.srcs.set(root, []);
    for (const f of this.model.configFiles) {
      if (!f.root) continue;
      this.srcs.get(root)!.push(f.root);
      this.merge(root, f.root, []);
    }
    return { root, overridden: (n) => this.losers.get(n) ?? [], sources: (n) => this.srcs.get(n) ?? [], resets: this.resets };
  }

  private lose(winner: VNode, loser: VNode): void {
    this.losers.set(winner, [...(this.losers.get(winner) ?? []), ...(this.losers.get(loser) ?? []), loser]);
  }

  private merge(dst: MapNode, src: MapNode, path: string[]): void {
    const mapTable = isMapTable(path);
    for (const e of src.entries) {
      const key = mapTable ? e.key : e.key.toLowerCase();
      const i = dst.entries.findIndex((x) => x.key === key);
      const old = i >= 0 ? dst.entries[i]!.value : undefined;
      if (!mapTable && e.value.kind === 'map' && (!old || old.kind === 'map')) {
        // A struct table: merged field by field into a synthetic table.
        let m: MapNode;
        if (old && old.kind === 'map' && this.srcs.has(old)) m = old;
        else {
          m = { kind: 'map', entries: [], file: e.value.file, range: e.value.range, keyRange: e.keyRange, path: [...path, key] };
          if (e.value.implicit) m.implicit = true;
          this.srcs.set(m, []);
          if (i >= 0) dst.entries[i] = { key, keyRange: e.keyRange, value: m };
          else dst.entries.push({ key, keyRange: e.keyRange, value: m });
        }
        this.srcs.get(m)!.push(e.value);
        this.merge(m, e.value, [...path, key]);
        continue;
      }
      if (!mapTable && key === 'storage_option' && path.length === 1 && e.value.kind === 'array' && old && old.kind === 'array') {
        dst.entries[i] = { key, keyRange: e.keyRange, value: this.storageOptions(old, e.value) };
        continue;
      }
      if (old) {
        this.lose(e.value, old);
        if (mapTable && old.kind === 'map' && e.value.kind === 'map') {
          const keys = new Set(e.value.entries.map((x) => x.key.toLowerCase()));
          const lost = old.entries.filter((x) => !keys.has(x.key.toLowerCase()));
          this.resets.push({ path: [...path, key], winner: e.value, earlier: old, lost });
        }
        dst.entries[i] = { key, keyRange: e.keyRange, value: e.value };
      } else dst.entries.push({ key, keyRange: e.keyRange, value: e.value });
    }
  }

  /** removeDupStorageOpts over earlier + new options: duplicates removed, the last occurrence kept. */
  private storageOptions(old: ArrayNode, add: ArrayNode): ArrayNode {
    const all = [...old.items, ...add.items];
    const seen = new Set<string>();
    const keep: VNode[] = [];
    for (let j = all.length - 1; j >= 0; j--) {
      const sig = JSON.stringify(toJS(all[j]!));
      if (seen.has(sig)) continue;
      seen.add(sig);
      keep.unshift(all[j]!);
    }
    const arr: ArrayNode = { kind: 'array', items: keep, file: add.file, range: add.range, keyRange: add.keyRange, path: add.path };
    this.srcs.set(arr, [...(this.srcs.get(old) ?? [old]), add]);
    return arr;
  }
}

// ---------------------------------------------------------------------------------------------
// Settings

/** A struct field as CRI-O matches it: the exact key first, else case-insensitively (last assignment wins). */
export function field(map: VNode | null | undefined, key: string): VNode | undefined {
  if (!map || map.kind !== 'map') return undefined;
  for (let i = map.entries.length - 1; i >= 0; i--) if (map.entries[i]!.key === key) return map.entries[i]!.value;
  const lower = key.toLowerCase();
  for (let i = map.entries.length - 1; i >= 0; i--) if (map.entries[i]!.key.toLowerCase() === lower) return map.entries[i]!.value;
  return undefined;
}

export interface CrioRuntime {
  name: string;
  /** The handler's table (from the last file that declared it). */
  table: MapNode;
  keyRange: MapEntry['keyRange'];
  runtimeType: Valued<string>;
  monitorCgroup: Valued<string>;
}

/**
 * A setting of the files that crio's command line may override: `value` is what CRI-O runs with
 * (the command line's when `cli` is set), `node` the files' assignment (which then loses).
 */
export interface CrioSetting extends Valued<string | null> {
  cli: CrioCli | null;
}

export interface CrioSettings {
  merged: CrioMergedView;
  /** `[crio.runtime] cgroup_manager` or `--cgroup-manager`; value null = not set (the default, systemd). */
  cgroupManager: CrioSetting;
  conmonCgroup: CrioSetting;
  /** `[crio.runtime] default_runtime`; null = not set (the release default, src/data crioDefaultRuntime). */
  defaultRuntime: Valued<string | null>;
  runtimes: CrioRuntime[];
  pauseImage: CrioSetting;
  /** `[crio.api] listen` or `--listen`; null = not set (CRIO_DEFAULT_LISTEN). */
  listen: CrioSetting;
  /** `[crio.runtime] log_level` or `--log-level`/`-l`; null = not set (info). */
  logLevel: CrioSetting;
  /** The tables as merged (null when no file has them), for positions. */
  tables: { runtime: MapNode | null; image: MapNode | null; api: MapNode | null };
}

const settingsMemo = new WeakMap<CrioModel, CrioSettings>();

function valuedStr(n: VNode | undefined): Valued<string | null> {
  if (n && n.kind === 'scalar' && typeof n.value === 'string') return { value: n.value, node: n };
  return { value: null, node: n && n.kind === 'scalar' ? n : null };
}

export function crioSettings(model: CrioModel): CrioSettings {
  const known = settingsMemo.get(model);
  if (known) return known;
  const merged = crioMergedView(model);
  const crio = field(merged.root, 'crio');
  const mapOf = (n: VNode | undefined) => (n && n.kind === 'map' ? n : null);
  const runtime = mapOf(field(crio, 'runtime'));
  const image = mapOf(field(crio, 'image'));
  const api = mapOf(field(crio, 'api'));
  const runtimes: CrioRuntime[] = [];
  const rt = field(runtime, 'runtimes');
  if (rt && rt.kind === 'map') {
    for (const e of rt.entries) {
      if (e.value.kind !== 'map') continue;
      const type = valuedStr(field(e.value, 'runtime_type'));
      const mon = valuedStr(field(e.value, 'monitor_cgroup'));
      runtimes.push({
        name: e.key,
        table: e.value,
        keyRange: e.keyRange,
        runtimeType: { value: type.value ?? '', node: type.node as ScalarNode | null },
        monitorCgroup: { value: mon.value ?? '', node: mon.node as ScalarNode | null },
      });
    }
  }
  const withCli = (v: Valued<string | null>, name: CrioCliName): CrioSetting => {
    const cli = model.cli[name] ?? null;
    return { value: cli ? cli.value : v.value, node: v.node, cli };
  };
  const s: CrioSettings = {
    merged,
    cgroupManager: withCli(valuedStr(field(runtime, 'cgroup_manager')), 'cgroupManager'),
    conmonCgroup: withCli(valuedStr(field(runtime, 'conmon_cgroup')), 'conmonCgroup'),
    defaultRuntime: valuedStr(field(runtime, 'default_runtime')),
    runtimes,
    pauseImage: withCli(valuedStr(field(image, 'pause_image')), 'pauseImage'),
    listen: withCli(valuedStr(field(api, 'listen')), 'listen'),
    logLevel: withCli(valuedStr(field(runtime, 'log_level')), 'logLevel'),
    tables: { runtime, image, api },
  };
  settingsMemo.set(model, s);
  return s;
}

/** The value that decides the setting: the flag's (or variable's) value, else the file's; null for a default. */
export function crioSettingSpot(s: CrioSetting): { file: SourceFile; range: Range } | null {
  if (s.cli) return crioCliSpot(s.cli);
  return s.node ? { file: s.node.file, range: s.node.range } : null;
}

/** The value of a command-line setting as written: the flag's value, or the variable's. */
export function crioCliSpot(c: CrioCli): { file: SourceFile; range: Range } {
  return c.flag ? { file: c.flag.valueFile ?? c.flag.file, range: c.flag.valueRange ?? c.flag.range } : { file: c.env!.file, range: c.env!.valueRange };
}

/** Where a setting is decided, for messages: `cgroup_manager = "cgroupfs"`, or the command line's flag or variable and where it is. */
export function crioSettingText(s: CrioSetting, key: string): string | null {
  if (s.cli) return s.cli.kind === 'flag' ? `${s.cli.text} on crio's command line (${CRIO_UNIT.name})` : `${s.cli.text} in the environment of ${CRIO_UNIT.name}`;
  return s.node ? `${key} = ${s.node.raw}` : null;
}
