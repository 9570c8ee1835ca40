/**
 * The containerd model: `/etc/containerd/config.toml` and the files it imports, each parsed into a
 * positioned tree, plus two derived views that rules read instead of raw paths:
 *
 * - `mergedView(model, mode)`: the files merged the way containerd 1.x or 2.x merges them, as one
 *   MapNode whose leaves are the original nodes (each still knows its file and range), with the
 *   assignments a winner overrode (`overridden`) and the tables a merged table came from (`sources`).
 * - `criView(model, mode)`: the CRI settings rules care about (runtimes, cgroup driver, sandbox image,
 *   socket, registry, CNI, snapshotter, disabled plugins) wherever the config version puts them.
 *
 * The merge mode depends on the target containerd, which only rules know, so both views are computed
 * on demand and memoised per model and mode.
 *
 * Facts about containerd come from /work/shared/reference/containerd.md and the containerd source at
 * the tags cited next to each use (read in the containerd/containerd repository).
 */
import { dirname, isAbsolute, join as hostJoin, normalize as hostNormalize, posix } from 'node:path';
import type { SourceFile } from '../core/source.js';
import { parseTomlSource } from '../parse/toml.js';
import { CONTAINERD_CLI, globsImportsFromWorkingDir, V1_PLUGIN_URIS } from '../data/containerd.js';
import type { FlagToken } from '../parse/flags.js';
import { execStart, loadUnit, unitDirsOf } from './units.js';
import type { LoadContext } from './load.js';
import type { ArrayNode, MapEntry, MapNode, ScalarNode, VNode } from './tree.js';
import { get, toJS } from './tree.js';

/** Where containerd reads its configuration by default (`--config`, defaults/defaults_unix.go). */
export const CONTAINERD_CONFIG_PATH = '/etc/containerd/config.toml';
/** crilint's limits on following `imports` (containerd itself has none; these keep a hostile tree cheap). */
export const MAX_IMPORT_DEPTH = 16;
export const MAX_IMPORT_FILES = 256;
/**
 * Most paths one glob may reach at any of its segments: `/d/*\/*\/*\/*\/*.toml` over a directory of
 * links to itself would otherwise list millions of paths.
 */
export const MAX_GLOB_PATHS = 10_000;

/**
 * Rule IDs about `imports` (src/rules/containerd-import-*.ts). The loader only records what it
 * found (ImportEntry, ImportTarget); those rules turn the statuses into findings.
 */
export const IMPORT_RULES = {
  notFound: 'containerd-import-not-found',
  cycle: 'containerd-import-cycle',
  limit: 'containerd-import-limit',
} as const;

export type MergeMode = '1.x' | '2.x';

export interface ContainerdFile {
  source: SourceFile;
  /** Parsed tree; null when the file did not parse (a `syntax` finding says why). */
  root: MapNode | null;
  /** The `version` value node as written, or null when the file has none. */
  versionNode: ScalarNode | null;
  /**
   * Declared config version: the integer `version`, or 1 when it is absent, 0 or not an integer
   * (containerd's `GetVersion()` treats 0 as 1: services/server/config/config.go @ v1.7.34;
   * 2.x migrates a 0/1 file as version 1: cmd/containerd/server/config/config.go @ v2.2.7).
   */
  version: number;
  /**
   * Where the file is as the node sees it (`/etc/containerd/conf.d/a.toml`) in root mode; its
   * absolute host path for loose files.
   */
  location: string;
  /** How it was reached: null for the main file and for loose files given on their own. */
  importedBy: { file: ContainerdFile; node: ScalarNode } | null;
  /** 0 for the main file, 1 for its imports, … */
  depth: number;
}

export type ImportStatus =
  | 'loaded' // read and merged
  | 'duplicate' // already loaded through another import; containerd loads a file once
  | 'cycle' // imports a file that (transitively) imports it
  | 'missing'
  | 'directory'
  | 'limit' // beyond crilint's depth/count limits: not followed
  | 'unreadable'; // an I/O error (recorded as such by LoadContext)

export interface ImportTarget {
  /** Node path (root mode) or host path (loose mode) of the file. */
  location: string;
  status: ImportStatus;
  file: ContainerdFile | null;
  /** status 'cycle': the chain of imports from the main file to this file, which is already in it. */
  chain?: string[];
  /** status 'limit': which of crilint's limits stopped it (MAX_IMPORT_DEPTH or MAX_IMPORT_FILES). */
  limit?: 'depth' | 'count';
}

export interface ImportEntry {
  /** The importing file. */
  from: ContainerdFile;
  /** The string in its `imports` array. */
  node: ScalarNode;
  /** The entry resolved against the importing file's directory (still a pattern when `glob`). */
  resolved: string;
  /** containerd globs an entry only when it contains `*` (resolveImports @ v1.7.34, v2.2.7). */
  glob: boolean;
  /**
   * A glob that filepath.Glob rejects (ErrBadPattern: unclosed `[`, trailing `\\`): resolveImports
   * returns the error and containerd does not start. No targets then.
   */
  badPattern: boolean;
  /**
   * Not followed because crilint does not know the node root: an absolute import in a loose file
   * (reading the host's own /etc would lint the wrong machine).
   */
  skipped: 'no-node-root' | null;
  /** What the entry resolved to, in containerd's order (a glob's matches sorted, as filepath.Glob). */
  targets: ImportTarget[];
  /** A glob that reaches more than MAX_GLOB_PATHS paths: not expanded (crilint's limit); no targets then. */
  tooBroad?: boolean;
  /**
   * A relative glob that the given containerd release expands against its working directory (`/`
   * under systemd) instead of the importing file's directory (RELATIVE_GLOB_IMPORTS_FIXED): it is
   * resolved at `/`, as that release does, and `intended` is where it was meant to point.
   */
  fromWorkingDir?: { intended: string };
}

export interface ContainerdModel {
  /** Every containerd file read (config files in load order, then loose extra files). */
  files: SourceFile[];
  /** The main file followed by its imports in the order containerd loads and merges them. */
  configFiles: ContainerdFile[];
  main: ContainerdFile;
  /** Loose mode: further containerd files given on the command line that the main file does not import. */
  extra: ContainerdFile[];
  /** Declared `version` of the main file (1 when absent). */
  configVersion: number;
  imports: ImportEntry[];
  /** The ContainerdFile a source belongs to (config files and extra files). */
  fileOf(src: SourceFile): ContainerdFile | undefined;
  /** What containerd's command line (containerd.service) sets: `--config` chose `main`, `--address` overrides the socket. */
  cli: { config: FlagToken | null; address: FlagToken | null };
}

// ---------------------------------------------------------------------------------------------
// Loading

/**
 * Root mode: reads `/etc/containerd/config.toml` (or the file `--config` names on the ExecStart= of
 * containerd.service, data CONTAINERD_CLI) under the node root and follows its imports; no model
 * when the file does not exist (containerd then runs on built-in defaults; a `--config` file that
 * is not there is an `invalid-value` finding: containerd does not start).
 * Loose mode: the first containerd file given is the main file (its relative imports are followed;
 * absolute ones are not, because the node root is unknown); the other given files are parsed and
 * reported on their own (`extra`) and are not merged — unrelated files given together must not
 * produce cross-file findings. A given file that the main file imports is loaded as an import.
 */
export function loadContainerd(ctx: LoadContext): ContainerdModel | null {
  let mainHost: string;
  let mainLocation: string;
  const rest: string[] = [];
  const cli: ContainerdModel['cli'] = { config: null, address: null };
  const unitFiles: SourceFile[] = [];
  if (ctx.root !== null) {
    const unit = loadUnit(ctx, CONTAINERD_CLI.unit, unitDirsOf(ctx));
    if (unit) unitFiles.push(...unit.files.map((u) => u.file), ...unit.env.map((e) => e.file));
    for (const f of execStart(unit, { go: true, booleans: CONTAINERD_CLI.booleans })?.flags ?? []) {
      const name = CONTAINERD_CLI.aliases[f.name] ?? f.name;
      if ((name === 'config' || name === 'address') && f.value !== null) cli[name] = f;
    }
    // containerd's working directory under systemd is /.
    mainLocation = cli.config ? posix.resolve('/', cli.config.value!) : CONTAINERD_CONFIG_PATH;
    mainHost = ctx.hostPath(mainLocation);
    if (!ctx.exists(mainHost)) {
      const f = cli.config;
      if (f) {
        ctx.findings.push({
          rule: 'invalid-value',
          severity: 'error',
          message: `${f.written} names ${mainLocation}, which does not exist in this node root: containerd does not start ("failed to load TOML: ${mainLocation}: open ${mainLocation}: no such file or directory"; only the default config.toml may be missing)`,
          file: f.valueFile ?? f.file,
          range: f.valueRange ?? f.range,
          related: [],
        });
      }
      return null;
    }
  } else {
    const given = ctx.given('containerd');
    if (given.length === 0) return null;
    mainHost = hostNormalize(given[0]!);
    mainLocation = mainHost;
    rest.push(...given.slice(1).map((p) => hostNormalize(p)));
  }
  const loader = new Loader(ctx);
  const main = loader.loadTree(mainHost, mainLocation);
  if (!main) return null;
  loader.add(main);
  loader.followImports(main);
  const extra: ContainerdFile[] = [];
  for (const p of rest) {
    if (loader.byLocation.has(p)) continue;
    const f = loader.loadTree(p, p);
    if (f) extra.push(f);
  }
  const all = [...loader.loaded, ...extra];
  const bySource = new Map(all.map((f) => [f.source, f]));
  return {
    files: [...all.map((f) => f.source), ...unitFiles],
    configFiles: loader.loaded,
    main,
    extra,
    configVersion: main.version,
    imports: loader.imports,
    fileOf: (src) => bySource.get(src),
    cli,
  };
}

class Loader {
  readonly loaded: ContainerdFile[] = [];
  readonly byLocation = new Map<string, ContainerdFile>();
  readonly imports: ImportEntry[] = [];
  private readonly rootMode: boolean;

  constructor(private readonly ctx: LoadContext) {
    this.rootMode = ctx.root !== null;
  }

  private toHost(location: string): string {
    return this.rootMode ? this.ctx.hostPath(location) : location;
  }

  /** Read and parse one file; null on an I/O error (LoadContext records it). */
  loadTree(host: string, location: string, importedBy: ContainerdFile['importedBy'] = null, depth = 0): ContainerdFile | null {
    const source = this.ctx.read(host, 'containerd');
    if (!source) return null;
    let root: MapNode | null = null;
    if ((source as { unusable?: boolean }).unusable !== true) {
      const doc = parseTomlSource(source);
      this.ctx.findings.push(...doc.findings);
      this.ctx.addComments(source, doc.comments);
      root = doc.root;
    }
    const v = root ? get(root, 'version') : undefined;
    const versionNode = v && v.kind === 'scalar' ? v : null;
    const declared = versionNode && versionNode.type === 'integer' && typeof versionNode.value === 'number' ? versionNode.value : 0;
    return { source, root, versionNode, version: declared > 0 ? declared : 1, location, importedBy, depth };
  }

  /** Record a file as part of the configuration containerd merges. */
  add(file: ContainerdFile): void {
    this.loaded.push(file);
    this.byLocation.set(file.location, file);
  }

  /**
   * Breadth-first, as containerd's LoadConfig does: a queue of pending paths, a path already loaded
   * is skipped (that is how containerd avoids circular imports), each file's imports are appended
   * to the queue after it is merged (LoadConfig, services/server/config/config.go @ v1.7.34;
   * LoadConfigWithPlugins, cmd/containerd/server/config/config.go @ v2.3.4).
   */
  followImports(main: ContainerdFile): void {
    const queue: ContainerdFile[] = [main];
    const chains = new Map<ContainerdFile, string[]>([[main, [main.location]]]);
    while (queue.length) {
      const file = queue.shift()!;
      const chain = chains.get(file)!;
      for (const item of this.itemsOf(file)) {
        const entry = this.resolveEntry(file, item, item.value as string);
        this.imports.push(entry);
        for (const target of entry.targets) {
          const known = this.byLocation.get(target.location);
          if (known) {
            target.file = known;
            if (chain.includes(target.location)) {
              target.status = 'cycle';
              target.chain = [...chain, target.location];
            } else target.status = 'duplicate';
            continue;
          }
          if (file.depth + 1 > MAX_IMPORT_DEPTH) {
            target.status = 'limit';
            target.limit = 'depth';
            continue;
          }
          if (this.loaded.length >= MAX_IMPORT_FILES) {
            target.status = 'limit';
            target.limit = 'count';
            continue;
          }
          const host = this.toHost(target.location);
          if (!this.ctx.exists(host)) {
            // containerd opens every resolved import and returns the error: the daemon does not start
            // (loadConfigFile → toml.LoadFile error, services/server/config/config.go @ v1.7.34;
            // os.Open error, cmd/containerd/server/config/config.go @ v2.2.7).
            target.status = 'missing';
            continue;
          }
          if (this.ctx.isDir(host)) {
            target.status = 'directory';
            continue;
          }
          const child = this.loadTree(host, target.location, { file, node: entry.node }, file.depth + 1);
          if (!child) {
            target.status = 'unreadable';
            continue;
          }
          this.add(child);
          target.status = 'loaded';
          target.file = child;
          chains.set(child, [...chain, target.location]);
          queue.push(child);
        }
      }
    }
  }

  /** The string entries of a file's `imports` (other values are the schema check's business). */
  private itemsOf(file: ContainerdFile): ScalarNode[] {
    const list = file.root ? get(file.root, 'imports') : undefined;
    if (!list || list.kind !== 'array') return [];
    return list.items.filter((i): i is ScalarNode => i.kind === 'scalar' && typeof i.value === 'string' && i.value !== '');
  }

  /**
   * containerd's resolveImports (@ v1.7.34 and v2.2.7): Clean the path; a relative path is joined to
   * the importing file's directory; if it then contains `*` it is expanded with filepath.Glob (no
   * match = nothing imported, silently), otherwise used as is.
   */
  private resolveEntry(from: ContainerdFile, node: ScalarNode, raw: string): ImportEntry {
    const glob = raw.includes('*');
    const entry: ImportEntry = { from, node, resolved: raw, glob, badPattern: false, skipped: null, targets: [] };
    if (this.rootMode) {
      // Node paths are POSIX; joining at `/` clamps `..`, so an import can never leave the root.
      entry.resolved = posix.isAbsolute(raw) ? posix.normalize(raw) : posix.join(posix.dirname(from.location), raw);
      if (glob && !posix.isAbsolute(raw) && this.ctx.containerd && globsImportsFromWorkingDir(this.ctx.containerd)) {
        entry.fromWorkingDir = { intended: entry.resolved };
        entry.resolved = posix.join('/', raw);
      }
    } else {
      if (isAbsolute(raw)) {
        entry.skipped = 'no-node-root';
        return entry;
      }
      entry.resolved = hostJoin(dirname(from.location), raw);
    }
    if (!glob) {
      entry.targets.push({ location: entry.resolved, status: 'loaded', file: null });
      return entry;
    }
    const matches = this.glob(entry.resolved);
    if (matches === 'too-broad') {
      entry.tooBroad = true;
      return entry;
    }
    if (matches === null) {
      // filepath.Glob returns ErrBadPattern and containerd fails to start (resolveImports returns it).
      entry.badPattern = true;
      return entry;
    }
    for (const m of matches) entry.targets.push({ location: m, status: 'loaded', file: null });
    return entry;
  }

  /**
   * Go's filepath.Glob over the node's tree: `*`, `?`, `[...]` (with `^` negation) and `\` escapes
   * within one path segment; names in each directory in sorted order. null for a malformed pattern.
   */
  private glob(pattern: string): string[] | null | 'too-broad' {
    // Patterns are absolute here: node paths in root mode, host paths joined to a file's directory in loose mode.
    const segs = pattern.split('/').filter((x) => x !== '');
    let current = ['/'];
    for (const seg of segs) {
      const next: string[] = [];
      if (!/[*?[\\]/.test(seg)) {
        for (const dir of current) next.push(joinLoc(dir, seg));
      } else {
        const re = globSegmentMatcher(seg);
        if (!re) return null;
        for (const dir of current) {
          if (!this.ctx.isDir(this.toHost(dir))) continue;
          for (const name of this.ctx.list(this.toHost(dir))) if (re(name)) next.push(joinLoc(dir, name));
          if (next.length > MAX_GLOB_PATHS) return 'too-broad';
        }
      }
      current = next;
    }
    // filepath.Glob takes every matching name of a directory listing without stat-ing it, so a
    // dangling symlink matches too (and containerd then fails to open it: the installed 1.6.20
    // refuses `conf.d/*.toml` over a dangling `conf.d/10-x.toml`); only a path whose last segment
    // had no pattern must be present in its directory.
    return current.filter((p) => {
      const dir = posix.dirname(p);
      return this.ctx.list(this.toHost(dir)).includes(posix.basename(p));
    });
  }
}

function joinLoc(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** One character of a glob segment: a literal, `?`, or a `[...]` class (ranges, possibly negated). */
type GlobToken = { kind: 'lit'; c: string } | { kind: 'any' } | { kind: 'class'; negated: boolean; ranges: [string, string][] };

/** A run of tokens, preceded by `*` or not. Every token matches exactly one character. */
interface GlobChunk {
  star: boolean;
  tokens: GlobToken[];
}

/**
 * filepath.Match semantics for one path segment, as a matcher that runs in time linear in the
 * pattern times the name (a regular expression with many `*` backtracks exponentially: a hostile
 * `*a*a*a…b` import would hang the linter). null when Go reports ErrBadPattern: an unclosed `[`, a
 * trailing `\`, an empty class, a range starting with `-` or `]`.
 */
export function globSegmentMatcher(seg: string): ((name: string) => boolean) | null {
  const chars = [...seg];
  const chunks: GlobChunk[] = [];
  let cur: GlobChunk = { star: false, tokens: [] };
  const esc = (i: number): [string, number] | null => {
    let c = chars[i];
    if (c === undefined || c === '-' || c === ']') return null;
    if (c === '\\') {
      c = chars[i + 1];
      if (c === undefined) return null;
      return [c, i + 2];
    }
    return [c, i + 1];
  };
  for (let i = 0; i < chars.length; ) {
    const c = chars[i]!;
    if (c === '*') {
      if (cur.star || cur.tokens.length) chunks.push(cur);
      cur = { star: true, tokens: [] };
      while (chars[i] === '*') i++;
      continue;
    }
    if (c === '?') {
      cur.tokens.push({ kind: 'any' });
      i++;
    } else if (c === '\\') {
      const next = chars[i + 1];
      if (next === undefined) return null;
      cur.tokens.push({ kind: 'lit', c: next });
      i += 2;
    } else if (c === '[') {
      i++;
      const negated = chars[i] === '^';
      if (negated) i++;
      const ranges: [string, string][] = [];
      for (;;) {
        if (chars[i] === ']' && ranges.length) {
          i++;
          break;
        }
        const lo = esc(i);
        if (!lo) return null;
        let hi = lo;
        if (chars[lo[1]] === '-') {
          const h = esc(lo[1] + 1);
          if (!h) return null;
          hi = h;
        }
        ranges.push([lo[0], hi[0]]);
        i = hi[1];
      }
      cur.tokens.push({ kind: 'class', negated, ranges });
    } else {
      cur.tokens.push({ kind: 'lit', c });
      i++;
    }
  }
  chunks.push(cur);
  const one = (t: GlobToken, ch: string): boolean => {
    if (t.kind === 'any') return ch !== '/';
    if (t.kind === 'lit') return t.c === ch;
    const inside = t.ranges.some(([lo, hi]) => lo <= ch && ch <= hi);
    return inside !== t.negated;
  };
  /** Do the tokens match the name's characters at i (each token one character)? */
  const at = (tokens: GlobToken[], name: string[], i: number): boolean => i + tokens.length <= name.length && tokens.every((t, k) => one(t, name[i + k]!));
  return (nameText: string) => {
    const name = [...nameText];
    let i = 0;
    for (let k = 0; k < chunks.length; k++) {
      const { star, tokens } = chunks[k]!;
      const last = k === chunks.length - 1;
      if (!star) {
        if (!at(tokens, name, i)) return false;
        i += tokens.length;
        if (last && i !== name.length) return false;
        continue;
      }
      // After a `*`: the last chunk must end the name; any other takes its leftmost match (its
      // length is fixed, so a later match can never let the rest match where this one did not).
      if (last) {
        const j = name.length - tokens.length;
        return j >= i && name.slice(i, j).every((ch) => ch !== '/') && at(tokens, name, j);
      }
      let j = i;
      while (j <= name.length && !at(tokens, name, j)) {
        if (name[j] === '/') return false;
        j++;
      }
      if (j > name.length) return false;
      i = j + tokens.length;
    }
    return i === name.length;
  };
}

// ---------------------------------------------------------------------------------------------
// Plugin IDs

/**
 * containerd 2.x renames the plugin IDs of a version-1 file before merging it (v1MigratePluginName,
 * cmd/containerd/server/config/config.go @ v2.2.7; also applied to disabled_plugins/required_plugins).
 */
const V1_CORE_PLUGINS = V1_PLUGIN_URIS;

export function v1MigratePluginName(id: string): string {
  if (id.includes('.')) return id;
  const core = V1_CORE_PLUGINS[id];
  if (core) return core;
  if (id.endsWith('-service')) return `io.containerd.service.v1.${id}`;
  if (id === 'windows' || id === 'windows-lcow') return `io.containerd.snapshotter.v1.${id}`;
  return `io.containerd.grpc.v1.${id}`;
}

/** CRI plugin IDs (reference §2.1; pkg/cri/cri.go @ v1.7.34, plugins/cri/* @ v2.2.7). */
export const CRI_IDS = {
  v1: 'cri',
  grpc: 'io.containerd.grpc.v1.cri',
  runtime: 'io.containerd.cri.v1.runtime',
  images: 'io.containerd.cri.v1.images',
  serverGrpc: 'io.containerd.server.v1.grpc',
} as const;

// ---------------------------------------------------------------------------------------------
// Merged view

export interface MergedView {
  mode: MergeMode;
  /**
   * The merged configuration. Leaves (scalars, and whole tables that only one file sets) are the
   * original nodes; tables or arrays that several files contribute to are new nodes (see `sources`),
   * positioned at their first contributor.
   */
  root: MapNode;
  /**
   * The other assignments of the same setting that lost to this node, in load order: earlier values
   * it replaced (for a table that replaced a whole table on 1.x: that table, and for each of its
   * leaves the leaf at the same path), and later zero values that containerd ignored.
   */
  overridden(node: VNode): VNode[];
  /** For a merged (synthetic) table or array: the original nodes it was built from, in load order. */
  sources(node: VNode): VNode[];
  /** The file a node of this view comes from (for synthetic nodes: their first contributor). */
  fileOf(node: VNode): ContainerdFile | undefined;
}

const mergedMemo = new WeakMap<ContainerdModel, Partial<Record<MergeMode, MergedView>>>();

/**
 * Merge the config files the way containerd does.
 * - Both lines (mergo.Merge WithOverride into the Config struct): top-level scalars and the fields of
 *   `[grpc]`, `[ttrpc]`, `[debug]`, `[metrics]`, `[cgroup]` override only when the later value is not
 *   the zero value ("", 0, false); `proxy_plugins`, `stream_processors`, `timeouts` are replaced entry
 *   by entry (mergeConfig @ v1.7.34 and v2.2.7).
 * - `1.x`: `disabled_plugins`, `required_plugins`, `imports` are appended (WithAppendSlice); each
 *   `[plugins."<id>"]` table of a later file replaces the whole table (`to.Plugins[k] = v`, v1.7.34).
 * - `2.x`: those arrays are union-appended (sliceTransformer skips duplicates); plugin tables are
 *   merged key by key (commit a21e379b6, v2.0.0+): tables merge recursively, anything else — scalars,
 *   arrays, zero values included — is replaced by the later file (mergo map merge with override;
 *   TestMergingPluginsWithTwoCri* in cmd/containerd/server/config/config_test.go @ v2.2.7, where
 *   `pod_annotations` of a later file replaces the earlier array). Plugin IDs of a version-1 file are
 *   renamed to their URIs first (v1MigratePluginName).
 */
export function mergedView(model: ContainerdModel, mode: MergeMode): MergedView {
  let memo = mergedMemo.get(model);
  if (!memo) mergedMemo.set(model, (memo = {}));
  const known = memo[mode];
  if (known) return known;
  const view = new Merger(model, mode).run();
  memo[mode] = view;
  return view;
}

const STRUCT_SECTIONS = new Set(['grpc', 'ttrpc', 'debug', 'metrics', 'cgroup']);
const REPLACE_PER_KEY = new Set(['proxy_plugins', 'stream_processors', 'timeouts']);
const APPEND_ARRAYS = new Set(['imports', 'disabled_plugins', 'required_plugins']);

class Merger {
  private readonly losers = new WeakMap<VNode, VNode[]>();
  private readonly srcs = new WeakMap<VNode, VNode[]>();
  private readonly synthetic = new WeakSet<VNode>();
  private readonly owner = new WeakMap<VNode, ContainerdFile>();

  constructor(
    private readonly model: ContainerdModel,
    private readonly mode: MergeMode,
  ) {}

  run(): MergedView {
    const main = this.model.main;
    const root: MapNode = {
      kind: 'map',
      entries: [],
      file: main.source,
      range: main.root?.range ?? { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
      path: [],
    };
    this.synthetic.add(root);
    this.srcs.set(root, []);
    this.owner.set(root, main);
    for (const f of this.model.configFiles) {
      if (!f.root) continue;
      this.srcs.get(root)!.push(f.root);
      this.mergeTop(root, f.root, f);
    }
    const model = this.model;
    return {
      mode: this.mode,
      root,
      overridden: (n) => this.losers.get(n) ?? [],
      sources: (n) => this.srcs.get(n) ?? [],
      fileOf: (n) => this.owner.get(n) ?? model.fileOf(n.file),
    };
  }

  private mergeTop(dst: MapNode, src: MapNode, f: ContainerdFile): void {
    for (const e of src.entries) {
      const k = e.key;
      if (k === 'plugins' && e.value.kind === 'map') {
        const plugins = this.childMap(dst, e);
        for (const pe of e.value.entries) {
          const id = this.mode === '2.x' && f.version <= 1 ? v1MigratePluginName(pe.key) : pe.key;
          if (this.mode === '1.x') this.replace(plugins, id, pe, true);
          else this.deep(plugins, id, pe);
        }
      } else if (REPLACE_PER_KEY.has(k) && e.value.kind === 'map') {
        const m = this.childMap(dst, e);
        for (const se of e.value.entries) this.replace(m, se.key, se, false);
      } else if (STRUCT_SECTIONS.has(k) && e.value.kind === 'map') {
        const m = this.childMap(dst, e);
        for (const se of e.value.entries) this.nonZero(m, se);
      } else if (APPEND_ARRAYS.has(k) && e.value.kind === 'array') {
        this.append(dst, e);
      } else this.nonZero(dst, e);
    }
  }

  /** The merged table at `e.key` in dst, created (synthetic, empty) at e's position when absent. */
  private childMap(dst: MapNode, e: MapEntry): MapNode {
    const i = findIndex(dst, e.key);
    const existing = i >= 0 ? dst.entries[i]!.value : undefined;
    if (existing && existing.kind === 'map') {
      const m = this.ensureSynthetic(dst, i);
      this.srcs.get(m)!.push(e.value);
      return m;
    }
    const m: MapNode = { kind: 'map', entries: [], file: e.value.file, range: e.value.range, keyRange: e.keyRange, path: e.value.path };
    this.synthetic.add(m);
    this.srcs.set(m, [e.value]);
    if (existing) this.lose(e.value, existing);
    if (i >= 0) dst.entries[i] = { key: e.key, keyRange: e.keyRange, value: m };
    else dst.entries.push({ key: e.key, keyRange: e.keyRange, value: m });
    return m;
  }

  /** Replace dst's entry i by a synthetic copy (once) so that it can take entries from other files. */
  private ensureSynthetic(dst: MapNode, i: number): MapNode {
    const ent = dst.entries[i]!;
    const v = ent.value as MapNode;
    if (this.synthetic.has(v)) return v;
    const m: MapNode = { kind: 'map', entries: [...v.entries], file: v.file, range: v.range, keyRange: v.keyRange, path: v.path };
    if (v.implicit) m.implicit = true;
    this.synthetic.add(m);
    this.srcs.set(m, [v]);
    dst.entries[i] = { key: ent.key, keyRange: ent.keyRange, value: m };
    return m;
  }

  private lose(winner: VNode, loser: VNode): void {
    this.losers.set(winner, [...(this.losers.get(winner) ?? []), ...(this.losers.get(loser) ?? []), loser]);
  }

  /** Later entry replaces the whole earlier value (1.x plugin tables, proxy_plugins, …). */
  private replace(dst: MapNode, key: string, e: MapEntry, leafOverlaps: boolean): void {
    const i = findIndex(dst, key);
    if (i >= 0) {
      const old = dst.entries[i]!.value;
      this.lose(e.value, old);
      if (leafOverlaps) this.overlaps(old, e.value);
      dst.entries[i] = { key, keyRange: e.keyRange, value: e.value };
    } else dst.entries.push({ key, keyRange: e.keyRange, value: e.value });
  }

  /** Record, for each leaf of `winner`, the leaf at the same path in `old` that it replaced. */
  private overlaps(old: VNode, winner: VNode): void {
    if (old.kind !== 'map' || winner.kind !== 'map') {
      if (old.kind !== 'map' && winner.kind !== 'map' && old !== winner) this.lose(winner, old);
      return;
    }
    for (const e of winner.entries) {
      const o = get(old, e.key);
      if (o) this.overlaps(o, e.value);
    }
  }

  /** 2.x plugin tables: maps merge recursively, anything else is replaced by the later value. */
  private deep(dst: MapNode, key: string, e: MapEntry): void {
    const i = findIndex(dst, key);
    if (i < 0) {
      dst.entries.push({ key, keyRange: e.keyRange, value: e.value });
      return;
    }
    const old = dst.entries[i]!.value;
    if (old.kind === 'map' && e.value.kind === 'map') {
      const m = this.ensureSynthetic(dst, i);
      this.srcs.get(m)!.push(e.value);
      for (const se of e.value.entries) this.deep(m, se.key, se);
      return;
    }
    this.lose(e.value, old);
    dst.entries[i] = { key, keyRange: e.keyRange, value: e.value };
  }

  /** Struct fields: a later zero value does not override (mergo without WithOverwriteWithEmptyValue). */
  private nonZero(dst: MapNode, e: MapEntry): void {
    const i = findIndex(dst, e.key);
    if (i < 0) {
      dst.entries.push({ key: e.key, keyRange: e.keyRange, value: e.value });
      return;
    }
    const old = dst.entries[i]!.value;
    if (isZero(e.value)) {
      this.lose(old, e.value);
      return;
    }
    if (old.kind === 'map' && e.value.kind === 'map') {
      const m = this.ensureSynthetic(dst, i);
      this.srcs.get(m)!.push(e.value);
      for (const se of e.value.entries) this.nonZero(m, se);
      return;
    }
    this.lose(e.value, old);
    dst.entries[i] = { key: e.key, keyRange: e.keyRange, value: e.value };
  }

  private append(dst: MapNode, e: MapEntry): void {
    const src = e.value as ArrayNode;
    const i = findIndex(dst, e.key);
    if (i < 0) {
      dst.entries.push({ key: e.key, keyRange: e.keyRange, value: src });
      return;
    }
    const old = dst.entries[i]!.value;
    let arr: ArrayNode;
    if (old.kind === 'array' && this.synthetic.has(old)) arr = old;
    else if (old.kind === 'array') {
      arr = { kind: 'array', items: [...old.items], file: old.file, range: old.range, keyRange: old.keyRange, path: old.path };
      this.synthetic.add(arr);
      this.srcs.set(arr, [old]);
      dst.entries[i] = { key: e.key, keyRange: dst.entries[i]!.keyRange, value: arr };
    } else {
      this.lose(src, old);
      dst.entries[i] = { key: e.key, keyRange: e.keyRange, value: src };
      return;
    }
    this.srcs.get(arr)!.push(src);
    for (const it of src.items) {
      if (this.mode === '2.x') {
        const sig = JSON.stringify(toJS(it));
        if (arr.items.some((x) => JSON.stringify(toJS(x)) === sig)) continue;
      }
      arr.items.push(it);
    }
  }
}

function findIndex(m: MapNode, key: string): number {
  for (let i = m.entries.length - 1; i >= 0; i--) if (m.entries[i]!.key === key) return i;
  return -1;
}

/** Go's zero value as mergo sees it (isEmptyValue): "", 0, false, empty array or table. */
function isZero(n: VNode): boolean {
  if (n.kind === 'scalar') return n.value === '' || n.value === 0 || n.value === false;
  if (n.kind === 'array') return n.items.length === 0;
  return n.entries.length === 0;
}

// ---------------------------------------------------------------------------------------------
// CRI view

export interface Valued<T> {
  value: T;
  /** The assignment the value comes from; null when it is the built-in default (or not set). */
  node: ScalarNode | null;
}

export interface CriRuntime {
  name: string;
  table: MapNode;
  runtimeType: Valued<string | null>;
  options: MapNode | null;
  /** runc option SystemdCgroup; false when not set (the default in every version, reference §2.3). */
  systemdCgroup: Valued<boolean>;
}

export type CriTableRole = 'cri' | 'runtime' | 'images' | 'server';

export interface CriView {
  mode: MergeMode;
  /** Effective config version: the last non-zero `version` of the merged files (1 when none). */
  version: number;
  /**
   * The CRI plugin tables that the target line reads, with their IDs: `cri` is the whole-CRI table
   * of config versions 1/2 (`plugins.cri` or `plugins."io.containerd.grpc.v1.cri"`), `runtime` and
   * `images` the 2.x split tables, `server` the 2.x `io.containerd.grpc.v1.cri` streaming table.
   */
  tables: { id: string; role: CriTableRole; table: MapNode }[];
  disabledPlugins: ScalarNode[];
  requiredPlugins: ScalarNode[];
  /** Entries of disabled_plugins that take the CRI service away (see criIdsFor). */
  criDisabledBy: ScalarNode[];
  /** `default_runtime_name`; "runc" when not set (pkg/cri/config/config_unix.go @ v1.7.34; internal/cri/config/config_unix.go @ v2.2.7). */
  defaultRuntimeName: Valued<string>;
  runtimes: CriRuntime[];
  /** The runtime named by defaultRuntimeName, when configured. */
  defaultRuntime: CriRuntime | null;
  /** v2 `sandbox_image` / v3+ `pinned_images.sandbox`; null value = the release default (data tables). */
  sandboxImage: Valued<string | null>;
  /** `[grpc] address`, or `[plugins."io.containerd.server.v1.grpc"] address` for config version 4. */
  grpcAddress: Valued<string | null>;
  registry: {
    table: MapNode | null;
    configPath: Valued<string | null>;
    mirrors: MapNode | null;
    configs: MapNode | null;
    auths: MapNode | null;
    headers: MapNode | null;
  };
  cni: {
    table: MapNode | null;
    binDir: Valued<string | null>;
    binDirs: { value: string[] | null; node: ArrayNode | null };
    confDir: Valued<string | null>;
  };
  snapshotter: Valued<string | null>;
}

/**
 * The config version by which containerd finds a file's plugin tables (short IDs for 1, URIs
 * otherwise). 1.x: that of the merged configuration, for every file it merges: Config.Decode runs
 * once on the merge, and mergeConfig overrides `version` only with a non-zero value, so a file
 * without one is read with the main file's (services/server/config/config.go @ v1.7.34; the
 * installed 1.6.20 refuses `sandbox_image = 3` under [plugins."io.containerd.grpc.v1.cri"] in a
 * version-less import of a version 2 file). 2.x: each file's own, as LoadConfig migrates each file
 * by its version. A loose extra file (not merged): its own. 0 or absent count as 1.
 */
export function pluginLookupVersion(model: ContainerdModel, file: ContainerdFile, mode: MergeMode): number {
  const v = mode === '2.x' || model.extra.includes(file) ? file.versionNode : get(mergedView(model, '1.x').root, 'version');
  return v && v.kind === 'scalar' && v.type === 'integer' && v.value !== 0 ? Number(v.value) : 1;
}

/**
 * The plugin IDs whose being disabled takes the CRI service away from the kubelet: 1.x, version 1
 * file: "cri" (V1DisabledFilter matches the short ID, services/server/server.go @ v1.7.34); 1.x,
 * version 2+: the URI; 2.x: the gRPC service and the two plugins it requires (reference §2.1:
 * disabling cri.v1.runtime or cri.v1.images makes io.containerd.grpc.v1.cri fail to initialise).
 */
export function criIdsFor(mode: MergeMode, version: number): string[] {
  if (mode === '1.x') return [version === 1 ? CRI_IDS.v1 : CRI_IDS.grpc];
  return [CRI_IDS.grpc, CRI_IDS.runtime, CRI_IDS.images];
}

const criMemo = new WeakMap<ContainerdModel, Partial<Record<MergeMode, CriView>>>();

/**
 * Where each CRI setting lives for the target line:
 * - `1.x`: the single CRI table, `plugins.cri` for an effective version 1 and
 *   `plugins."io.containerd.grpc.v1.cri"` otherwise (Config.Decode picks the plugin's ID or URI by
 *   version, services/server/config/config.go @ v1.7.34). v3 tables mean nothing to 1.x.
 * - `2.x`: the split tables, plus what containerd's v2→v3 migration takes from
 *   `plugins."io.containerd.grpc.v1.cri"` of a file declaring version ≤ 2 (plugins/cri/runtime/plugin.go
 *   and plugins/cri/images/plugin.go @ v2.2.7): runtime settings only fill keys absent from
 *   `cri.v1.runtime` (and `containerd.runtimes` is taken whole, not merged), image settings
 *   (`sandbox_image`, `registry`, `containerd.snapshotter`) overwrite `cri.v1.images`.
 *   Per-file version is what 2.3 uses (each file migrated on its own, LoadConfigWithPlugins @ v2.3.4);
 *   2.0–2.2 migrate the merged config by its merged version, which differs only for files of mixed
 *   versions (a separate rule's concern). 2.3 also re-runs the CRI migration for version-3 files
 *   (ConfigMigration guard `configVersion >= version.ConfigVersion` with ConfigVersion = 4); that is
 *   not modelled here.
 * Key spelling follows the decoder: go-toml v1 on 1.x matches a field name as written, all-lower,
 * all-upper or lower-first (vendor/github.com/pelletier/go-toml/marshal.go @ v1.7.34); go-toml v2 on
 * 2.x matches case-insensitively (structFieldPath, go-toml/v2 unmarshaler.go vendored @ v2.2.7).
 */
export function criView(model: ContainerdModel, mode: MergeMode): CriView {
  let memo = criMemo.get(model);
  if (!memo) criMemo.set(model, (memo = {}));
  const known = memo[mode];
  if (known) return known;
  const view = buildCriView(model, mode);
  memo[mode] = view;
  return view;
}

/** Look a key up the way the target's TOML decoder matches struct fields (see criView). */
export function lookupKey(map: VNode | null | undefined, key: string, mode: MergeMode): VNode | undefined {
  if (!map || map.kind !== 'map') return undefined;
  if (mode === '2.x') {
    const lower = key.toLowerCase();
    for (let i = map.entries.length - 1; i >= 0; i--) if (map.entries[i]!.key.toLowerCase() === lower) return map.entries[i]!.value;
    return undefined;
  }
  for (const k of [key, key.toLowerCase(), key.toUpperCase(), key.charAt(0).toLowerCase() + key.slice(1)]) {
    const v = get(map, k);
    if (v) return v;
  }
  return undefined;
}

function buildCriView(model: ContainerdModel, mode: MergeMode): CriView {
  const mv = mergedView(model, mode);
  const root = mv.root;
  const vnode = get(root, 'version');
  const declared = vnode && vnode.kind === 'scalar' && typeof vnode.value === 'number' && Number.isInteger(vnode.value) ? vnode.value : 0;
  const version = declared > 0 ? declared : 1;
  // 1.x looks plugins up by short ID only when GetVersion() is 1 (0 reads as 1); any other version,
  // a negative one too, by URI (Config.Decode, services/server/config/config.go @ v1.7.34; the
  // installed 1.6.20 reads sandbox_image from [plugins."io.containerd.grpc.v1.cri"] under version = -1).
  const lookup = declared === 0 ? 1 : declared;
  const plugins = get(root, 'plugins');
  const L = (m: VNode | null | undefined, k: string) => lookupKey(m, k, mode);
  const fileVersion = (n: VNode): number => {
    const srcs = mv.sources(n);
    const files = (srcs.length ? srcs : [n]).map((s) => model.fileOf(s.file)?.version ?? 1);
    return Math.min(...files);
  };

  const tables: CriView['tables'] = [];
  let runtimeTable: MapNode | null = null; // where runtime settings are looked up first
  let v2Table: MapNode | null = null; // v2-layout table (fallback for runtime settings, overrides images)
  let imagesTable: MapNode | null = null;
  if (mode === '1.x') {
    const id = lookup === 1 ? CRI_IDS.v1 : CRI_IDS.grpc;
    const t = get(plugins, id);
    if (t && t.kind === 'map') {
      tables.push({ id, role: 'cri', table: t });
      v2Table = t;
    }
  } else {
    const g = get(plugins, CRI_IDS.grpc);
    if (g && g.kind === 'map') {
      const migratable = fileVersion(g) <= 2;
      tables.push({ id: CRI_IDS.grpc, role: migratable ? 'cri' : 'server', table: g });
      if (migratable) v2Table = g;
    }
    const r = get(plugins, CRI_IDS.runtime);
    if (r && r.kind === 'map') {
      tables.push({ id: CRI_IDS.runtime, role: 'runtime', table: r });
      runtimeTable = r;
    }
    const im = get(plugins, CRI_IDS.images);
    if (im && im.kind === 'map') {
      tables.push({ id: CRI_IDS.images, role: 'images', table: im });
      imagesTable = im;
    }
  }
  /** A v2-layout node counts on 2.x only when its file declares version ≤ 2 (it gets migrated). */
  const v2 = (path: string[]): VNode | undefined => {
    let cur: VNode | undefined = v2Table ?? undefined;
    for (const k of path) cur = L(cur, k);
    if (cur && mode === '2.x' && fileVersion(cur) > 2) return undefined;
    return cur;
  };
  const at = (t: MapNode | null, path: string[]): VNode | undefined => {
    let cur: VNode | undefined = t ?? undefined;
    for (const k of path) cur = L(cur, k);
    return cur;
  };
  /** Runtime settings: cri.v1.runtime first, then the migrated v2 key (only fills absent keys). */
  const rt = (path: string[]) => at(runtimeTable, path) ?? v2(path);
  /** Image settings: the migrated v2 key overwrites cri.v1.images. */
  const img = (v2path: string[], v3path: string[]) => v2(v2path) ?? at(imagesTable, v3path);

  const list = (k: string): ScalarNode[] => {
    const a = get(root, k);
    return a && a.kind === 'array' ? a.items.filter((i): i is ScalarNode => i.kind === 'scalar') : [];
  };
  const disabledPlugins = list('disabled_plugins');
  const requiredPlugins = list('required_plugins');
  const criIds = criIdsFor(mode, mode === '1.x' ? lookup : version);
  const criDisabledBy = disabledPlugins.filter((n) => {
    if (typeof n.value !== 'string') return false;
    const id = mode === '2.x' && (model.fileOf(n.file)?.version ?? 1) <= 1 ? v1MigratePluginName(n.value) : n.value;
    return criIds.includes(id);
  });

  const dr = rt(['containerd', 'default_runtime_name']);
  const defaultRuntimeName: Valued<string> = isStr(dr) ? { value: dr.value, node: dr } : { value: 'runc', node: null };

  const runtimesMap = rt(['containerd', 'runtimes']);
  const runtimes: CriRuntime[] = [];
  if (runtimesMap && runtimesMap.kind === 'map') {
    for (const e of runtimesMap.entries) {
      if (e.value.kind !== 'map') continue;
      const t = e.value;
      const type = L(t, 'runtime_type');
      const opts = L(t, 'options');
      const options = opts && opts.kind === 'map' ? opts : null;
      const sc = L(options, 'SystemdCgroup');
      runtimes.push({
        name: e.key,
        table: t,
        runtimeType: isStr(type) ? { value: type.value, node: type } : { value: null, node: type?.kind === 'scalar' ? type : null },
        options,
        systemdCgroup: sc && sc.kind === 'scalar' ? { value: sc.value === true, node: sc } : { value: false, node: null },
      });
    }
  }
  const defaultRuntime = runtimes.find((r) => r.name === defaultRuntimeName.value) ?? null;

  const sb = img(['sandbox_image'], ['pinned_images', 'sandbox']);
  const sandboxImage = valuedStr(sb);

  let grpc: VNode | undefined;
  if (mode === '2.x' && version >= 4) {
    grpc = L(get(plugins, CRI_IDS.serverGrpc), 'address');
    if (!grpc) {
      // serviceMigrate moves [grpc] address of a version ≤ 3 file into the server plugin (@ v2.3.4).
      const top = L(L(root, 'grpc'), 'address');
      if (top && (model.fileOf(top.file)?.version ?? 1) <= 3) grpc = top;
    }
  } else grpc = L(L(root, 'grpc'), 'address');
  const grpcAddress = valuedStr(grpc);

  const reg = img(['registry'], ['registry']);
  const regMap = reg && reg.kind === 'map' ? reg : null;
  const mapOrNull = (n: VNode | undefined) => (n && n.kind === 'map' ? n : null);
  const registry: CriView['registry'] = {
    table: regMap,
    configPath: valuedStr(L(regMap, 'config_path')),
    mirrors: mapOrNull(L(regMap, 'mirrors')),
    configs: mapOrNull(L(regMap, 'configs')),
    auths: mapOrNull(L(regMap, 'auths')),
    headers: mapOrNull(L(regMap, 'headers')),
  };

  const cniTable = mapOrNull(rt(['cni']));
  const binDirsNode = rt(['cni', 'bin_dirs']);
  const cni: CriView['cni'] = {
    table: cniTable,
    binDir: valuedStr(rt(['cni', 'bin_dir'])),
    binDirs:
      binDirsNode && binDirsNode.kind === 'array'
        ? { value: binDirsNode.items.filter(isStr).map((i) => i.value), node: binDirsNode }
        : { value: null, node: null },
    confDir: valuedStr(rt(['cni', 'conf_dir'])),
  };

  const snapshotter = valuedStr(mode === '1.x' ? v2(['containerd', 'snapshotter']) : img(['containerd', 'snapshotter'], ['snapshotter']));

  return { mode, version, tables, disabledPlugins, requiredPlugins, criDisabledBy, defaultRuntimeName, runtimes, defaultRuntime, sandboxImage, grpcAddress, registry, cni, snapshotter };
}

function isStr(n: VNode | undefined): n is ScalarNode & { value: string } {
  return !!n && n.kind === 'scalar' && typeof n.value === 'string';
}

function valuedStr(n: VNode | undefined): Valued<string | null> {
  if (isStr(n)) return { value: n.value, node: n };
  return { value: null, node: n && n.kind === 'scalar' ? n : null };
}
