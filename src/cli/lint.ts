/**
 * `crilint lint`: discover -> load -> rules -> report, one node set at a time.
 *
 * What is reported for a node set that came from file PATHS inside a node root (pre-commit passes
 * only the changed files): the node set is loaded and checked whole, because cross-file rules
 * need the siblings, and a finding is shown when it concerns a file that was given: its own file,
 * or one of its related locations (a kubelet change that breaks agreement with an untouched
 * containerd config shows up), or the node as a whole (no file). Findings only in files that were
 * not given are counted in one stderr line and do not fail the run: a commit is judged by what it
 * touches, as ESLint judges the files it is given. `--root DIR` (or DIR itself as a PATH) shows
 * everything.
 */
import { sep } from 'node:path';
import type { Argv } from 'yargs';
import type { Finding } from '../core/types.js';
import type { Version } from '../core/version.js';
import { fmtVersion } from '../core/version.js';
import { discover, type NodeSetSpec } from '../discover/index.js';
import { parseTargetVersion, type GivenTarget } from '../engine/target.js';
import type { Rule, Target } from '../engine/rule.js';
import { lintSpec } from '../engine/pipeline.js';
import { runFixes } from '../engine/fix-run.js';
import type { FixedFile, FixDiagnostic } from '../fix/apply.js';
import { writeFiles, WriteError } from '../fix/write.js';
import { patchName, unifiedDiff } from '../fix/diff.js';
import { loadConfig, RUNTIME_NAMES, type CrilintConfig } from '../engine/config.js';
import { knownRuleIds } from '../engine/docs.js';
import { ReportWriter, renderNode, type Format, type NodePiece } from '../report/stream.js';
import { UsageError } from './errors.js';
import { availableParallelism } from 'node:os';
import { lintInWorkers, workersAvailable } from './fleet.js';
import { Progress } from './progress.js';
import { cachePath, LintCache } from './cache.js';
import type { CriRuntime } from '../data/kubernetes.js';
import { DOCKERD_KEY_RELEASES } from '../data/docker.js';
import { Trace, type StoredTrace } from '../model/trace.js';

export type { Format } from '../report/stream.js';

export interface LintArgs {
  paths: string[];
  root: string[];
  kubernetes?: Version;
  containerd?: Version;
  /** `--runtime`: the node's CRI runtime (default: detected from the files present). */
  runtime?: CriRuntime;
  /** `--docker`: the dockerd release daemon.json is checked against (default: every release crilint knows). */
  docker?: Version;
  format: Format;
  maxWarnings?: number;
  quiet: boolean;
  color: boolean;
  /** The rules to run (tests pass their own); default: every registered rule. */
  rules?: readonly Rule[];
  /** `--config FILE`; without it crilint.config.yaml / .crilint.yaml is looked up from the working directory. */
  config?: string;
  /** `--profile NAME` (repeatable): opt-in rule sets such as `cis`. */
  profiles?: string[];
  /** Use no config file at all (tests). */
  noConfig?: boolean;
  /** `--fix` (safe fixes), `--unsafe-fixes` (safe and unsafe), `--fix-dry-run` (diff only). */
  fix?: 'safe' | 'unsafe' | null;
  dryRun?: boolean;
  /** `--jobs N`: worker threads that lint a fleet (1: none, this thread lints); default: see chooseJobs(). */
  jobs?: number;
  /** `--debug`: the stack of an internal error, and what the cache gave. */
  debug?: boolean;
  /** `--cache`: reuse the outcome of node sets whose files did not change (src/cli/cache.ts); not with --fix. */
  cache?: boolean;
  /** `--cache-location FILE|DIR` (default: .crilintcache in the working directory). */
  cacheLocation?: string;
}

export interface LintOutcome {
  /** What was written to stdout and stderr, when lint() was not given a sink (tests). */
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Where lint() writes as it goes (the CLI: process.stdout/stderr), and whether it may show a progress bar on stderr. */
export interface LintSink {
  stdout(s: string): void;
  stderr(s: string): void;
  progress?: boolean;
  /** Called once before more than one node set is linted, with the number of threads that lint. */
  fleet?(jobs: number): void;
}

/** What one node set gives the run, as plain data (it comes from this thread or a fleet worker). */
export interface NodeOutcome {
  name: string;
  /** Lines for stderr about this node, in order (no newline, no `crilint: ` missing). */
  stderr: string[];
  /** Files of the node that could not be read (reported in `stderr`). */
  unreadable: number;
  /** Warnings found, also those --quiet hides (--max-warnings counts them). */
  warnings: number;
  /** `assuming …` when a version was not given, for the one stderr line per assumption. */
  assumed: string | null;
  /** The target's notes (a version clamped to the data tables, …). */
  notes: string[];
  /** The node set was linted whole (no pre-commit focus): a fleet's stylish output gives it a summary line. */
  wholeNode: boolean;
  /** The node's part of the report; null when it could not be linted. */
  piece: NodePiece | null;
  /** An internal error while linting it (then piece is null). */
  internal: { message: string; stack: string } | null;
  /** With NodeSettings.record: what the lint looked at on disk, or null when it must not be cached (src/model/trace.ts). */
  trace?: StoredTrace | null;
}

/** What lintNode() needs besides the spec; `settings` is plain data (a fleet worker gets it as is). */
export interface NodeSettings {
  given: GivenTarget;
  profiles?: string[];
  format: Format;
  fleet: boolean;
  quiet: boolean;
  color: boolean;
  /** Record the lookups of each lint in NodeOutcome.trace (--cache). */
  record?: boolean;
}

type FixEntry = { spec: NodeSetSpec; files: FixedFile[]; applied: number; skippedUnsafe: number; diagnostics: FixDiagnostic[] };

/** One node set through the pipeline (or the fix loop), filtered for a pre-commit focus and --quiet, rendered. Never throws. */
export function lintNode(spec: NodeSetSpec, settings: NodeSettings, ctx: { config: CrilintConfig | null; rules?: readonly Rule[]; fix?: { unsafe: boolean; into: FixEntry[] } }): NodeOutcome {
  const out: NodeOutcome = { name: spec.name, wholeNode: spec.focus === null, stderr: [], unreadable: 0, warnings: 0, assumed: null, notes: [], piece: null, internal: null };
  let node, ioErrors, target: Target, all: Finding[];
  try {
    const pipe = { given: settings.given, config: ctx.config, profiles: settings.profiles, rules: ctx.rules };
    if (ctx.fix) {
      const focus = spec.focus;
      const run = runFixes(spec, { ...pipe, unsafe: ctx.fix.unsafe, keep: focus ? (f) => concerns(f, focus) : undefined });
      ({ node, ioErrors, target } = run.first);
      all = run.result.findings;
      ctx.fix.into.push({ spec, files: [...run.result.files.values()], applied: run.result.applied.length, skippedUnsafe: run.result.skippedUnsafe.length, diagnostics: run.result.diagnostics });
    } else {
      const trace = settings.record ? new Trace(spec.root) : undefined;
      ({ node, ioErrors, target, findings: all } = lintSpec(spec, { ...pipe, trace }));
      if (trace) out.trace = trace.stored();
    }
    for (const e of ioErrors) out.stderr.push(`crilint: ${spec.root ? `${spec.name}: ` : ''}${e.message}`);
    out.unreadable = ioErrors.length;
    let findings = all;
    if (spec.focus) {
      const focus = spec.focus;
      findings = all.filter((f) => concerns(f, focus));
      const hidden = all.length - findings.length;
      if (hidden) out.stderr.push(`crilint: ${spec.name}: ${hidden === 1 ? '1 finding' : `${hidden} findings`} in files not given ${hidden === 1 ? 'is' : 'are'} not shown (crilint lint --root ${spec.name} shows everything)`);
      for (const p of focus) {
        if (!node.files.some((f) => f.path === p) && !node.files.some((f) => f.path.startsWith(p + sep)) && !ioErrors.some((e) => e.path === p))
          out.stderr.push(`crilint: ${relToNode(spec, p)}: no component of node ${spec.name} reads it (nothing imports or includes it); nothing to lint`);
      }
    }
    out.warnings = findings.filter((f) => f.severity === 'warning').length;
    if (settings.quiet) findings = findings.filter((f) => f.severity === 'error');
    const assumed: string[] = [];
    if (target.assumed.kubernetes) assumed.push(`Kubernetes ${fmtVersion(target.kubernetes)}`);
    // A CRI-O or Docker node without containerd config: CRI-O's release is the Kubernetes minor (src/data crioForKubernetes), cri-dockerd's the newest known, so only Kubernetes is assumed.
    const crioOnly = node.containerd === null && (node.crio !== null || node.docker !== null);
    if (target.assumed.containerd && !crioOnly) assumed.push(`containerd ${fmtVersion(target.containerd)}`);
    if (assumed.length) out.assumed = `assuming ${assumed.join(' and ')} (set --kubernetes${crioOnly ? '' : '/--containerd'} to choose)`;
    out.notes = [...target.notes];
    out.piece = renderNode({ node, target, findings }, settings);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    out.internal = { message: `while linting ${spec.name}: ${err.message}`, stack: stacks(err) };
    out.piece = null;
    if (settings.record) out.trace = null;
  }
  return out;
}

/** An error's stack and its causes' (for --debug). */
function stacks(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e; cur instanceof Error; cur = cur.cause) parts.push(cur.stack ?? cur.message);
  return parts.join('\n');
}

/**
 * When workers are used by default (README "Speed" has the measurements). A worker answers its
 * first node ~0.2 s after it is started (it loads the bundle); a node costs ~4–5 ms of CPU on one
 * thread; and N workers spend ~50% more CPU in all than one thread (each isolate compiles and
 * collects garbage on its own, and they share the caches). So on 2 cores two workers do not beat
 * one thread (measured: 1,000 nodes 4.4–6.3 s on one thread, 6.5–9.9 s on two workers, on this
 * shared 2-core machine); from 4 cores they do once a fleet is big enough that the start-up is
 * paid back: 4 × (1 / 1.5) ≈ 2.7 times the rate, 0.2 s / (1 − 1 / 2.7) / 5 ms ≈ 64 nodes,
 * doubled for safety. `--jobs N` chooses for itself.
 */
export const FLEET_THRESHOLD = 128;
export const FLEET_MIN_CORES = 4;

/** How many threads lint (1: this one, no workers). */
export function chooseJobs(requested: number | undefined, nodes: number, cores: number, workersAvailable: boolean): number {
  if (!workersAvailable || nodes < 2) return 1;
  if (requested !== undefined) return Math.max(1, Math.min(requested, nodes));
  return nodes >= FLEET_THRESHOLD && cores >= FLEET_MIN_CORES ? Math.min(cores, nodes) : 1;
}

/**
 * For a fleet linted on this thread: let V8's old generation grow to 2× what survived the last
 * full collection (`--heap-growing-percent=100`; V8's own choice on this workload is ~5×). A lint
 * keeps little alive (a node set's data dies with it; the parse memo, src/parse/memo.ts, holds
 * ~6 MiB), so peak memory is mostly garbage not yet collected. A full collection of the ~25 MiB
 * heap takes ~8 ms; over 10,000 nodes there are 12 instead of 9. Measured: peak RSS 231 → 164 MiB
 * at 10,000 nodes, the same wall time at 1,000 (README "Speed").
 *
 * Set only then, and only by the CLI: loading node:v8 costs ~2.7 ms of a one-node start-up, and
 * V8 takes a code cache only under the flags it was made with (dist/crilint.cache is made without
 * any), so flags set before workers compile the bundle would cost each worker its cache. The
 * bundle of this thread is compiled by now.
 */
export function collectGarbageSooner(jobs: number): void {
  if (jobs === 1) process.getBuiltinModule('node:v8').setFlagsFromString('--heap-growing-percent=100');
}

export async function lint(args: LintArgs, sink?: LintSink): Promise<LintOutcome> {
  const collected = { stdout: '', stderr: '' };
  const raw: LintSink = sink ?? { stdout: (s) => (collected.stdout += s), stderr: (s) => (collected.stderr += s) };
  const config: CrilintConfig | null = args.noConfig ? null : loadConfig({ explicit: args.config, cwd: process.cwd(), knownRules: knownRuleIds() });
  const configRoots = !args.paths.length && !args.root.length && config?.nodes.length ? config.nodes.map((n) => n.root) : [];
  const paths = args.paths.length || args.root.length || configRoots.length ? args.paths : ['.'];
  const d = discover(paths, [...args.root, ...configRoots]);
  const progress = raw.progress && d.specs.length > 1 ? new Progress(d.specs.length, raw.stderr) : null;
  const io: LintSink = progress ? { stdout: progress.around(raw.stdout), stderr: progress.around(raw.stderr) } : raw;
  const line = (l: string) => io.stderr(l + '\n');
  for (const e of d.errors) line(`crilint: ${e.message}`);
  for (const s of d.skipped) line(`crilint: ${s.path}: skipped: ${s.reason}`);

  const settings: NodeSettings = {
    given: { kubernetes: args.kubernetes, containerd: args.containerd, ...(args.runtime ? { runtime: args.runtime } : {}), ...(args.docker ? { docker: args.docker } : {}) },
    profiles: args.profiles,
    format: args.format,
    fleet: d.fleet,
    quiet: args.quiet,
    color: args.color,
  };
  // Rules passed in by tests are not part of the cache's key, so they are never cached.
  let cache: LintCache | null = null;
  if (args.cache && !args.fix && !args.rules) {
    const opened = LintCache.open(cachePath(args.cacheLocation, process.cwd()), { cwd: process.cwd(), settings, config });
    cache = opened.cache;
    if (opened.note) line(`crilint: ${opened.note}`);
    settings.record = true;
  }
  // A fix run reports after its files are written (a dry run's report goes to stderr): it is collected.
  let report = '';
  const writer = new ReportWriter(settings, args.fix ? (s) => (report += s) : io.stdout);
  const assumptions = new Notes();
  const targetNotes = new Notes();
  const internal: NonNullable<NodeOutcome['internal']>[] = [];
  let ioProblem = d.errors.length > 0;
  let warnings = 0;
  let errors = 0;
  const take = (o: NodeOutcome) => {
    for (const l of o.stderr) line(l);
    if (o.unreadable) ioProblem = true;
    if (o.internal) {
      internal.push(o.internal);
      line(`crilint: internal error: ${o.internal.message}`);
    }
    warnings += o.warnings;
    errors += o.piece?.counts.errors ?? 0;
    if (o.assumed) assumptions.add(o.assumed, o.name);
    for (const n of o.notes) targetNotes.add(n, o.name);
    writer.add(o.piece ?? { name: o.name }, { unreadable: o.unreadable, internal: o.internal !== null, line: o.wholeNode });
    progress?.tick();
  };
  progress?.start();
  const fixes: FixEntry[] = [];
  // With --cache, the node sets whose outcome is kept are taken from it in their place in node order; the rest are linted.
  const kept = cache ? d.specs.map((s) => cache.lookup(s)) : null;
  const todo = kept ? d.specs.filter((_, i) => kept[i] === null) : d.specs;
  let taken = 0;
  const takeKept = () => {
    while (kept && taken < kept.length && kept[taken]) take(kept[taken++]!);
  };
  const takeLinted = (o: NodeOutcome) => {
    takeKept();
    cache?.store(d.specs[taken]!, o);
    take(o);
    taken++;
    takeKept();
  };
  // Workers run the bundled CLI (dist/); fixes, and rules passed in by tests, stay on this thread.
  const jobs = chooseJobs(args.jobs, todo.length, availableParallelism(), workersAvailable() && !args.fix && !args.rules);
  const here = (spec: NodeSetSpec) => lintNode(spec, settings, { config, rules: args.rules, fix: args.fix ? { unsafe: args.fix === 'unsafe', into: fixes } : undefined });
  // --debug: say when a worker stops (its nodes are then linted here; the output is the same).
  const lost = (why: string) => args.debug && line(`crilint: debug: a fleet worker stopped (${why}); its nodes are linted on the main thread`);
  if (d.specs.length > 1) raw.fleet?.(jobs);
  takeKept();
  if (jobs > 1) await lintInWorkers(todo, { settings, configPath: config?.path ?? null }, jobs, here, takeLinted, lost);
  else for (const spec of todo) takeLinted(here(spec));
  takeKept();
  progress?.finish();
  if (cache) {
    const problem = cache.save();
    if (problem) line(`crilint: ${problem}`);
    if (args.debug) {
      const c = cache.counts;
      line(`crilint: debug: cache ${cache.file}: ${c.byStat + c.byContent} node set${c.byStat + c.byContent === 1 ? '' : 's'} unchanged (${c.byContent} checked by content), ${c.linted} linted (${c.notKept} not kept)`);
    }
  }

  let fixInternal = false;
  if (args.fix) {
    const changed = fixes.flatMap((f) => f.files);
    for (const f of fixes)
      for (const dgn of f.diagnostics) {
        line(`crilint: ${dgn.internal ? 'internal error: ' : ''}${dgn.file ? `${dgn.file}: ` : ''}${dgn.message}`);
        if (dgn.internal) fixInternal = true;
      }
    const applied = fixes.reduce((n, f) => n + f.applied, 0);
    const skipped = fixes.reduce((n, f) => n + f.skippedUnsafe, 0);
    if (args.dryRun) {
      // Named from the working directory: `git apply` there applies it, a fleet's nodes stay apart.
      const cwd = process.cwd();
      // The patch goes out before the summary, so a log that merges stdout and stderr reads in order.
      io.stdout(unifiedDiff(changed.map((x) => ({ ...x, display: patchName(x.path, cwd) }))));
      line(`crilint: --fix-dry-run: ${applied} fix${applied === 1 ? '' : 'es'} would change ${changed.length} file${changed.length === 1 ? '' : 's'}; nothing written`);
    } else {
      for (const f of fixes) {
        if (!f.files.length) continue;
        try {
          const w = writeFiles(
            f.files.map((x) => ({ path: x.path, display: x.display, text: x.text, bom: x.bom, created: x.created })),
            { root: f.spec.root, removeStaleTemps: true },
          );
          for (const n of w.notes) line(`crilint: ${n}`);
        } catch (e) {
          if (!(e instanceof WriteError)) throw e;
          line(`crilint: ${e.file}: ${e.message}; no file of node ${f.spec.name} was changed`);
          ioProblem = true;
        }
      }
      if (applied) line(`crilint: fixed ${applied} problem${applied === 1 ? '' : 's'} in ${changed.length} file${changed.length === 1 ? '' : 's'}`);
    }
    if (skipped) line(`crilint: ${skipped} unsafe fix${skipped === 1 ? '' : 'es'} not applied (use --unsafe-fixes)`);
  }
  const nodes = d.specs.length;
  if (args.format === 'stylish' && !args.quiet) for (const l of assumptions.lines(nodes)) line(l);
  for (const l of targetNotes.lines(nodes)) line(l);
  if (!d.specs.length && !d.errors.length) line('crilint: nothing to lint (every path given was skipped)');

  writer.end();
  // A dry run's stdout is the patch alone (so it can be piped to `git apply`); the report goes to stderr.
  if (args.dryRun) {
    if (report) line(report.replace(/\n$/, ''));
  } else if (args.fix) io.stdout(report);
  let exitCode = errors > 0 ? 1 : 0;
  if (args.maxWarnings !== undefined && warnings > args.maxWarnings) {
    exitCode = 1;
    line(`crilint: ${warnings} warning${warnings === 1 ? '' : 's'}${args.quiet ? ' (not shown with --quiet)' : ''}, more than --max-warnings ${args.maxWarnings}`);
  }
  if (ioProblem) exitCode = 2;
  if (internal.length || fixInternal) exitCode = 3;
  if (internal.length) {
    if (args.debug) for (const i of internal) io.stderr(i.stack + '\n');
    else line('crilint: this is a bug in crilint; run again with --debug for details, and please report it.');
  }
  return { stdout: collected.stdout, stderr: collected.stderr, exitCode };
}

/** A finding concerns the focused paths when its file, a related file, or the node as a whole (no file) does. */
function concerns(f: Finding, focus: readonly string[]): boolean {
  const hit = (p: string) => focus.some((x) => p === x || p.startsWith(x + sep));
  if (!f.file) return true;
  return hit(f.file.path) || f.related.some((r) => r.file !== null && hit(r.file.path));
}

function relToNode(spec: NodeSetSpec, p: string): string {
  return spec.root && p.startsWith(spec.root + sep) ? `${spec.name === '.' ? '' : spec.name + '/'}${p.slice(spec.root.length + 1).split(sep).join('/')}` : p;
}

/** Stderr notes that many nodes share, said once: `crilint: a, b and 3 more: <note>` (no names when every node shares it). */
class Notes {
  private readonly byText = new Map<string, string[]>();
  add(text: string, node: string): void {
    const list = this.byText.get(text) ?? [];
    list.push(node);
    this.byText.set(text, list);
  }
  lines(nodeCount: number): string[] {
    return [...this.byText].map(([text, nodes]) => {
      if (nodes.length === nodeCount) return `crilint: ${text}`;
      const names = nodes.length > 3 ? `${nodes.slice(0, 3).join(', ')} and ${nodes.length - 3} more` : nodes.join(', ');
      return `crilint: ${names}: ${text}`;
    });
  }
}

/** A yargs array option as strings (an absent positional comes as [undefined]; numbers-looking names as numbers). */
function strings(v: unknown): string[] {
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x !== undefined).map(String);
}

/** Whether to show a progress bar: stderr is a terminal and this is not CI (CI set to anything but '', 0 or false). */
export function showProgress(env: NodeJS.ProcessEnv, stderrIsTTY: boolean): boolean {
  const ci = env.CI;
  return stderrIsTTY && (ci === undefined || ci === '' || ci === '0' || ci.toLowerCase() === 'false');
}

/** Whether to colour output: --color/--no-color win, then NO_COLOR (non-empty), then FORCE_COLOR, then a TTY. */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY;
}

/** The yargs registration of `lint` (also the default command). */
export function lintCommand(status: { code: number }) {
  return {
    command: ['lint [paths..]', '$0 [paths..]'],
    describe: 'Lint node configuration: node roots, fleets of them, or loose files',
    builder: (y: Argv) =>
      y
        .positional('paths', { type: 'string', array: true, default: undefined, defaultDescription: '.', describe: 'Files, node roots, or directories of node roots' })
        .option('root', { type: 'string', array: true, requiresArg: true, describe: "Lint DIR whole as a node's / (repeatable)" })
        .option('kubernetes', { type: 'string', requiresArg: true, describe: 'Target Kubernetes X.Y (default: newest known)' })
        .option('containerd', { type: 'string', requiresArg: true, describe: 'Target containerd X.Y (default: from config version)' })
        .option('runtime', { choices: Object.keys(RUNTIME_NAMES), requiresArg: true, describe: 'Node runtime (default: detected)' })
        .option('docker', { type: 'string', requiresArg: true, describe: `Target Docker Engine X.Y (default: any release ${DOCKERD_KEY_RELEASES[0]!.version}-${DOCKERD_KEY_RELEASES[DOCKERD_KEY_RELEASES.length - 1]!.version})` })
        .option('format', { choices: ['stylish', 'json', 'sarif', 'github'] as const, default: 'stylish' as Format, defaultDescription: 'stylish', describe: 'Output format' })
        .option('max-warnings', { type: 'number', requiresArg: true, describe: 'Exit 1 when there are more than N warnings' })
        .option('quiet', { type: 'boolean', default: false, describe: 'Report errors only' })
        .option('fix', { type: 'boolean', default: false, describe: 'Apply safe fixes and report what remains' })
        .option('unsafe-fixes', { type: 'boolean', default: false, describe: 'Also apply fixes that change node behaviour' })
        .option('fix-dry-run', { type: 'boolean', default: false, describe: 'Print the diff --fix would write; write nothing' })
        .option('config', { type: 'string', requiresArg: true, describe: 'Config file (default: crilint.config.yaml up to the git root)' })
        .option('profile', { type: 'string', array: true, requiresArg: true, describe: 'Enable an opt-in rule profile (e.g. cis; repeatable)' })
        .option('cache', { type: 'boolean', default: false, describe: 'Reuse results of unchanged node sets (not with --fix)' })
        .option('cache-location', { type: 'string', requiresArg: true, describe: 'Cache file or directory (default: .crilintcache)' })
        .option('jobs', { type: 'number', requiresArg: true, describe: `Worker threads for a fleet (default: 1 a core from ${FLEET_THRESHOLD} nodes, ${FLEET_MIN_CORES} cores)` })
        .example('$0 lint --root examples/broken-node', 'Lint a whole node root')
        .example('$0 lint nodes/', 'Lint every node root below nodes/')
        .example('$0 lint nodes/*', 'Lint several node roots (a fleet: in parallel)')
        .example('$0 lint nodes/a/etc/containerd/config.toml', 'Lint a changed file with its node (pre-commit)')
        .example('$0 lint --root nodes/a --fix-dry-run', 'Show the diff --fix would write')
        .example('$0 lint nodes/ --format sarif > crilint.sarif', 'SARIF for GitHub code scanning')
        .example('$0 lint nodes/ --cache', 'Lint only what changed since the last run'),
    handler: async (a: Record<string, unknown>) => {
      const mw = a.maxWarnings as number | undefined;
      if (mw !== undefined && (!Number.isInteger(mw) || mw < 0)) throw new UsageError('--max-warnings takes a whole number >= 0');
      const jobs = a.jobs as number | undefined;
      if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError('--jobs takes a whole number >= 1');
      const out = new StdoutBuffer();
      let result: LintOutcome;
      try {
        result = await lint({
          paths: strings(a.paths),
          root: strings(a.root),
          kubernetes: a.kubernetes !== undefined ? parseTargetVersion('kubernetes', String(a.kubernetes)) : undefined,
          containerd: a.containerd !== undefined ? parseTargetVersion('containerd', String(a.containerd)) : undefined,
          ...(a.runtime !== undefined ? { runtime: RUNTIME_NAMES[String(a.runtime)] } : {}),
          ...(a.docker !== undefined ? { docker: parseTargetVersion('docker', String(a.docker), '27.1') } : {}),
          format: a.format as Format,
          maxWarnings: mw,
          quiet: Boolean(a.quiet),
          config: a.config !== undefined ? String(a.config) : undefined,
          fix: a.fix || a.unsafeFixes || a.fixDryRun ? (a.unsafeFixes ? 'unsafe' : 'safe') : null,
          dryRun: Boolean(a.fixDryRun),
          profiles: strings(a.profile),
          color: useColor(a.color as boolean | undefined, process.env, Boolean(process.stdout.isTTY)),
          jobs,
          debug: Boolean(a.debug),
          cache: Boolean(a.cache),
          ...(a.cacheLocation !== undefined ? { cacheLocation: String(a.cacheLocation) } : {}),
        }, {
          stdout: (s) => out.write(s),
          stderr: (s) => {
            out.flush();
            process.stderr.write(s);
          },
          progress: a.format === 'stylish' && showProgress(process.env, Boolean(process.stderr.isTTY)),
          fleet: collectGarbageSooner,
        });
      } finally {
        out.flush();
      }
      status.code = result.exitCode;
    },
  };
}

/**
 * Report text for stdout, written in chunks of up to 64 KiB rather than one write a node (a fleet's
 * report is ~1,000 writes, ~30 ms to a file). Not for a terminal, where a node's report shows as
 * soon as it is linted; flushed before anything goes to stderr, so the two keep their order in a
 * log that merges them.
 */
export class StdoutBuffer {
  private parts: string[] = [];
  private size = 0;
  constructor(
    private readonly sink: (s: string) => void = (s) => process.stdout.write(s),
    private readonly direct: boolean = Boolean(process.stdout.isTTY),
  ) {}
  write(s: string): void {
    if (this.direct) {
      this.sink(s);
      return;
    }
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= 65536) this.flush();
  }
  flush(): void {
    if (!this.parts.length) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.sink(text);
  }
}
