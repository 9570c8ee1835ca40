/**
 * crilint's own configuration file, `crilint.config.yaml` (or `.crilint.yaml`):
 *
 *   rules: { cgroup-driver-mismatch: error, sandbox-image-mismatch: off }   # severity or off
 *   target: { kubernetes: "1.34", containerd: "2.1", runtime: cri-o, docker: "27.1" }   # flags win
 *   profiles: [cis]                                                          # opt-in rule sets
 *   nodes: [{ name: pool-a, root: nodes/pool-a }]                            # explicit node sets
 *   ignore: ["**\/*.bak", legacy/]                                           # findings not reported
 *
 * Lookup: `--config FILE` when given (it must exist). Otherwise `crilint.config.yaml`, then
 * `.crilint.yaml`, in the working directory and then in each parent up to and including the
 * repository root (the nearest directory with a `.git` entry); outside a repository only the
 * working directory is searched, so a stray file in $HOME is never picked up. Both names in the
 * same directory is an error (which one wins would be a guess).
 *
 * Paths in the file (nodes[].root, ignore) are relative to the file's directory, so the same
 * file works from any working directory. The file is validated against
 * schemas/crilint-config.schema.json with positions; every problem is reported at once as a
 * ConfigError (a UsageError: exit 2) with one `file:line:col: message` line per problem.
 */
import type { CriRuntime } from '../data/kubernetes.js';
import type { GivenTarget } from './target.js';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../cli/errors.js';
import { rangeOf, type SourceFile } from '../core/source.js';
import type { Range, Severity } from '../core/types.js';
import { parseVersion, type Version } from '../core/version.js';
import { IoError, readSource } from '../discover/read.js';
import { isDirectory } from '../discover/index.js';
import { entry, getPath, type ScalarNode, type VNode } from '../model/tree.js';
import { parseYamlSource } from '../parse/yaml.js';
import { suggest, validateTree } from '../schema/validate.js';
import schema from '../../schemas/crilint-config.schema.json' with { type: 'json' };

export const CONFIG_NAMES = ['crilint.config.yaml', '.crilint.yaml'] as const;

export type RuleSetting = Severity | 'off';

export interface NodeDecl {
  /** As written, or the root as written when no name is given. */
  name: string;
  /** Absolute directory. */
  root: string;
}

/** `target.runtime` values (as `--runtime`) → crilint's runtime IDs. */
export const RUNTIME_NAMES: Readonly<Record<string, CriRuntime>> = { containerd: 'containerd', 'cri-o': 'crio', docker: 'cri-dockerd' };

export interface CrilintConfig {
  /** Absolute path of the file. */
  path: string;
  /** Directory relative paths are resolved against. */
  dir: string;
  rules: Record<string, RuleSetting>;
  target: GivenTarget;
  profiles: string[];
  nodes: NodeDecl[];
  /** Patterns as written. */
  ignore: string[];
  /** True when findings in this file (or anything below this directory) are not reported. */
  isIgnored(absPath: string): boolean;
}

export interface ConfigProblem {
  /** Path as shown (relative to the working directory when inside it). */
  file: string;
  /** Absent when the problem is with the file as a whole (cannot be read). */
  line?: number;
  column?: number;
  message: string;
}

/** A configuration file that cannot be used. A UsageError, so the CLI exits 2. */
export class ConfigError extends UsageError {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => (p.line !== undefined ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.file}: ${p.message}`)).join('\n'));
  }
}

export interface LoadConfigOptions {
  /** `--config FILE`, relative to cwd. */
  explicit?: string;
  cwd: string;
  /** Every rule ID a `rules:` key may name (registered rules and engine rules). */
  knownRules: readonly string[];
}

/** The configuration in effect, or null when there is no file. Throws ConfigError. */
export function loadConfig(opts: LoadConfigOptions): CrilintConfig | null {
  const path = opts.explicit !== undefined ? resolve(opts.cwd, opts.explicit) : findConfigFile(opts.cwd);
  if (path === null) return null;
  const display = shown(path, opts.cwd);
  let src: SourceFile;
  try {
    const r = readSource(path, 'crilint-config', display, null);
    if (r.problem) throw problemsError(r.source, [{ range: r.problem.range!, message: r.problem.message }]);
    src = r.source;
  } catch (e) {
    if (!(e instanceof IoError)) throw e;
    // readSource's message already starts with the path; the flag says where it came from.
    throw new ConfigError([{ file: opts.explicit !== undefined ? `--config ${opts.explicit}` : display, message: e.message.replace(`${display}: `, '') }]);
  }
  return parseConfig(src, opts.knownRules);
}

/** The config file that applies in `cwd` (see the module comment), or null. Throws ConfigError when two names compete. */
export function findConfigFile(cwd: string): string | null {
  const dirs: string[] = [];
  let dir = resolve(cwd);
  for (;;) {
    dirs.push(dir);
    if (existsSync(join(dir, '.git'))) break;
    const up = dirname(dir);
    if (up === dir) {
      dirs.length = 1; // no repository: the working directory only
      break;
    }
    dir = up;
  }
  for (const d of dirs) {
    const found = CONFIG_NAMES.map((n) => join(d, n)).filter(isFile);
    if (found.length > 1) {
      throw new ConfigError([{ file: shown(found[1]!, cwd), line: 1, column: 1, message: `both ${CONFIG_NAMES.join(' and ')} exist in ${shown(d, cwd)}; keep one` }]);
    }
    if (found.length === 1) return found[0]!;
  }
  return null;
}

/** Validate and interpret a config file. Throws ConfigError listing every problem. */
export function parseConfig(src: SourceFile, knownRules: readonly string[]): CrilintConfig {
  const problems: { range: Range; message: string }[] = [];
  const doc = parseYamlSource(src, { version: '1.2' });
  for (const f of doc.findings) problems.push({ range: f.range!, message: f.message });
  if (problems.length) throw problemsError(src, problems);
  if (doc.roots.length > 1) {
    const second = doc.docs[1]!.range[0];
    throw problemsError(src, [{ range: rangeOf(src, second, second), message: 'expected one YAML document, found several' }]);
  }
  const root = doc.roots[0] ?? null;
  const dir = dirname(src.path);
  const config: CrilintConfig = { path: src.path, dir, rules: {}, target: {}, profiles: [], nodes: [], ignore: [], isIgnored: () => false };
  if (root === null || (root.kind === 'scalar' && root.value === null)) return config;

  for (const p of validateTree(root, 'crilint-config', schema)) {
    if (p.path.length === 0) {
      problems.push({ range: p.range, message: `expected a mapping with the keys ${expectedKeys([])}` });
    } else if (p.kind === 'unknown-key') {
      problems.push({ range: p.range, message: `unknown key "${p.key}"${p.suggestion ? ` (did you mean "${p.suggestion}"?)` : ''}; expected ${expectedKeys(p.path.slice(0, -1))}` });
    } else if (p.node.kind === 'scalar' && (p.node.type === 'float' || p.node.type === 'integer') && p.path[0] === 'target') {
      problems.push({ range: p.range, message: versionAsNumber(p.node) });
    } else {
      problems.push({ range: p.range, message: `${formatPath(p.path)}: ${p.message.replace(/^must have required property '(.*)'$/, 'missing "$1"')}` });
    }
  }
  if (root.kind !== 'map') throw problemsError(src, problems);

  const rules = get(root, 'rules');
  if (rules?.kind === 'map') {
    const known = [...knownRules];
    for (const e of rules.entries) {
      if (!known.includes(e.key)) {
        const near = suggest(e.key, known);
        problems.push({ range: e.keyRange, message: `unknown rule "${e.key}"${near ? ` (did you mean "${near}"?)` : ''}; \`crilint rules\` lists them` });
      } else if (e.value.kind === 'scalar' && typeof e.value.value === 'string' && ['error', 'warning', 'info', 'off'].includes(e.value.value)) {
        config.rules[e.key] = e.value.value as RuleSetting;
      }
    }
  }

  for (const which of ['kubernetes', 'containerd', 'docker'] as const) {
    const v = getPath(root, ['target', which]);
    if (v?.kind === 'scalar' && typeof v.value === 'string') {
      const parsed = parseVersion(v.value);
      if (parsed) config.target[which] = parsed;
    }
  }

  const rt = getPath(root, ['target', 'runtime']);
  if (rt?.kind === 'scalar' && typeof rt.value === 'string' && Object.hasOwn(RUNTIME_NAMES, rt.value)) config.target.runtime = RUNTIME_NAMES[rt.value];

  const profiles = get(root, 'profiles');
  if (profiles?.kind === 'array') for (const p of profiles.items) if (p.kind === 'scalar' && typeof p.value === 'string') config.profiles.push(p.value);

  const nodes = get(root, 'nodes');
  if (nodes?.kind === 'array') {
    const names = new Map<string, VNode>();
    const roots = new Map<string, VNode>();
    for (const item of nodes.items) {
      const r = get(item, 'root');
      if (r?.kind !== 'scalar' || typeof r.value !== 'string' || !r.value) continue;
      const n = get(item, 'name');
      const name = n?.kind === 'scalar' && typeof n.value === 'string' && n.value ? n.value : r.value;
      const abs = resolve(dir, r.value);
      if (!isDirectory(abs)) {
        problems.push({ range: r.range, message: `nodes: root "${r.value}" ${existsSync(abs) ? 'is not a directory' : 'does not exist'} (relative to ${dirname(src.display)})` });
        continue;
      }
      if (names.has(name)) {
        problems.push({ range: (n ?? r).range, message: `nodes: the name "${name}" is used twice (first at line ${names.get(name)!.range.start.line})` });
        continue;
      }
      if (roots.has(abs)) {
        problems.push({ range: r.range, message: `nodes: the root "${r.value}" is listed twice (first at line ${roots.get(abs)!.range.start.line})` });
        continue;
      }
      names.set(name, n ?? r);
      roots.set(abs, r);
      config.nodes.push({ name, root: abs });
    }
  }

  const ignore = get(root, 'ignore');
  if (ignore?.kind === 'array') for (const p of ignore.items) if (p.kind === 'scalar' && typeof p.value === 'string' && p.value && !p.value.startsWith('!')) config.ignore.push(p.value);

  if (problems.length) throw problemsError(src, problems);
  config.isIgnored = makeIgnoreMatcher(config.ignore, dir);
  return config;
}

function get(n: VNode | undefined, key: string): VNode | undefined {
  return entry(n, key)?.value;
}

function expectedKeys(path: (string | number)[]): string {
  let s: { properties?: Record<string, unknown>; items?: unknown } = schema as never;
  for (const seg of path) s = (typeof seg === 'number' ? s.items : s.properties?.[seg]) as typeof s;
  return Object.keys(s?.properties ?? {}).join(', ');
}

function versionAsNumber(n: ScalarNode): string {
  const quoted = JSON.stringify(n.raw);
  return String(n.value) === n.raw
    ? `${formatPath(n.path)}: write the version as a string: ${quoted}`
    : `${formatPath(n.path)}: write the version as a string: ${quoted} (unquoted, YAML reads ${n.raw} as the number ${String(n.value)})`;
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
}

function problemsError(src: SourceFile, list: { range: Range; message: string }[]): ConfigError {
  const sorted = [...list].sort((a, b) => a.range.start.offset - b.range.start.offset);
  return new ConfigError(sorted.map((p) => ({ file: src.display, line: p.range.start.line, column: p.range.start.column, message: p.message })));
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}


function shown(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return abs;
  return rel.split(sep).join('/');
}

/**
 * A glob as a regular expression over `/`-separated relative paths: `*` and `?` stay within one
 * segment (and match dot files too), `**` as a whole segment matches any number of segments,
 * everything else is literal. A leading `./` or `/` anchors nothing more (patterns are relative
 * to the config file anyway); a trailing `/` is dropped. A pattern without `/` matches a name at
 * any depth (`*.bak` = `**\/*.bak`), as in .gitignore.
 */
export function compileGlob(pattern: string): RegExp {
  let p = pattern.replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (!p.includes('/')) p = `**/${p}`;
  const segs = p.split('/');
  let re = '';
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    for (const ch of seg) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

/** `(absPath) => ignored?`: a path is ignored when it, or one of its parent directories below baseDir, matches a pattern. */
export function makeIgnoreMatcher(patterns: readonly string[], baseDir: string): (absPath: string) => boolean {
  if (!patterns.length) return () => false;
  const res = patterns.map(compileGlob);
  return (absPath: string) => {
    const rel = relative(baseDir, resolve(absPath));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
    const parts = rel.split(sep);
    for (let i = parts.length; i >= 1; i--) {
      const candidate = parts.slice(0, i).join('/');
      if (res.some((r) => r.test(candidate))) return true;
    }
    return false;
  };
}
