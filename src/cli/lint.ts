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
import { parseTargetVersion } from '../engine/target.js';
import type { Rule, Target } from '../engine/rule.js';
import { lintSpec } from '../engine/pipeline.js';
import { runFixes } from '../engine/fix-run.js';
import type { FixedFile, FixDiagnostic } from '../fix/apply.js';
import { writeFiles, WriteError } from '../fix/write.js';
import { unifiedDiff } from '../fix/diff.js';
import { loadConfig, RUNTIME_NAMES, type CrilintConfig } from '../engine/config.js';
import { knownRuleIds } from '../engine/docs.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import { formatSarif } from '../report/sarif.js';
import { formatGithub } from '../report/github.js';
import type { NodeResult } from '../report/types.js';
import type { CriRuntime } from '../data/kubernetes.js';
import { InternalError, UsageError } from './errors.js';

export type Format = 'stylish' | 'json' | 'sarif' | 'github';

/** `--runtime` values (what users call the runtimes) → crilint's runtime IDs (the same names as `target.runtime` in the config file). */
export const RUNTIME_FLAG = RUNTIME_NAMES;

export interface LintArgs {
  paths: string[];
  root: string[];
  kubernetes?: Version;
  containerd?: Version;
  /** `--runtime`: the node's CRI runtime (default: detected from the files present). */
  runtime?: CriRuntime;
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
}

export interface LintOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function lint(args: LintArgs): LintOutcome {
  const config: CrilintConfig | null = args.noConfig ? null : loadConfig({ explicit: args.config, cwd: process.cwd(), knownRules: knownRuleIds() });
  const configRoots = !args.paths.length && !args.root.length && config?.nodes.length ? config.nodes.map((n) => n.root) : [];
  const paths = args.paths.length || args.root.length || configRoots.length ? args.paths : ['.'];
  const d = discover(paths, [...args.root, ...configRoots]);
  const stderr: string[] = d.errors.map((e) => `crilint: ${e.message}`);
  for (const s of d.skipped) stderr.push(`crilint: ${s.path}: skipped: ${s.reason}`);
  const results: NodeResult[] = [];
  const assumptions = new Notes();
  const targetNotes = new Notes();
  let ioProblem = d.errors.length > 0;
  let warnings = 0;
  const fixes: { spec: NodeSetSpec; files: FixedFile[]; applied: number; skippedUnsafe: number; diagnostics: FixDiagnostic[] }[] = [];
  for (const spec of d.specs) {
    let node, ioErrors, target: Target, all: Finding[];
    try {
      const pipe = { given: { kubernetes: args.kubernetes, containerd: args.containerd, ...(args.runtime ? { runtime: args.runtime } : {}) }, config, profiles: args.profiles, rules: args.rules };
      if (args.fix) {
        const focus = spec.focus;
        const run = runFixes(spec, { ...pipe, unsafe: args.fix === 'unsafe', keep: focus ? (f) => concerns(f, focus) : undefined });
        ({ node, ioErrors, target } = run.first);
        all = run.result.findings;
        fixes.push({ spec, files: [...run.result.files.values()], applied: run.result.applied.length, skippedUnsafe: run.result.skippedUnsafe.length, diagnostics: run.result.diagnostics });
      } else {
        ({ node, ioErrors, target, findings: all } = lintSpec(spec, pipe));
      }
    } catch (e) {
      throw new InternalError(`while linting ${spec.name}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
    for (const e of ioErrors) stderr.push(`crilint: ${spec.root ? `${spec.name}: ` : ''}${e.message}`);
    if (ioErrors.length) ioProblem = true;
    let findings = all;
    if (spec.focus) {
      const focus = spec.focus;
      findings = all.filter((f) => concerns(f, focus));
      const hidden = all.length - findings.length;
      if (hidden) stderr.push(`crilint: ${spec.name}: ${hidden === 1 ? '1 finding' : `${hidden} findings`} in files not given ${hidden === 1 ? 'is' : 'are'} not shown (crilint lint --root ${spec.name} shows everything)`);
      for (const p of focus) {
        if (!node.files.some((f) => f.path === p) && !node.files.some((f) => f.path.startsWith(p + sep)) && !ioErrors.some((e) => e.path === p))
          stderr.push(`crilint: ${relToNode(spec, p)}: no component of node ${spec.name} reads it (nothing imports or includes it); nothing to lint`);
      }
    }
    warnings += findings.filter((f) => f.severity === 'warning').length;
    if (args.quiet) findings = findings.filter((f) => f.severity === 'error');
    results.push({ node, target, findings });
    const assumed: string[] = [];
    if (target.assumed.kubernetes) assumed.push(`Kubernetes ${fmtVersion(target.kubernetes)}`);
    // A CRI-O or Docker node without containerd config: CRI-O's release is the Kubernetes minor (src/data crioForKubernetes), cri-dockerd's the newest known, so only Kubernetes is assumed.
    const crioOnly = node.containerd === null && (node.crio !== null || node.docker !== null);
    if (target.assumed.containerd && !crioOnly) assumed.push(`containerd ${fmtVersion(target.containerd)}`);
    if (assumed.length) assumptions.add(`assuming ${assumed.join(' and ')} (set --kubernetes${crioOnly ? '' : '/--containerd'} to choose)`, spec.name);
    for (const n of target.notes) targetNotes.add(n, spec.name);
  }
  let fixOutput = '';
  let internal = false;
  if (args.fix) {
    const changed = fixes.flatMap((f) => f.files);
    for (const f of fixes)
      for (const dgn of f.diagnostics) {
        stderr.push(`crilint: ${dgn.internal ? 'internal error: ' : ''}${dgn.file ? `${dgn.file}: ` : ''}${dgn.message}`);
        if (dgn.internal) internal = true;
      }
    const applied = fixes.reduce((n, f) => n + f.applied, 0);
    const skipped = fixes.reduce((n, f) => n + f.skippedUnsafe, 0);
    if (args.dryRun) {
      fixOutput = unifiedDiff(changed);
      stderr.push(`crilint: --fix-dry-run: ${applied} fix${applied === 1 ? '' : 'es'} would change ${changed.length} file${changed.length === 1 ? '' : 's'}; nothing written`);
    } else {
      for (const f of fixes) {
        if (!f.files.length) continue;
        try {
          const w = writeFiles(
            f.files.map((x) => ({ path: x.path, display: x.display, text: x.text, bom: x.bom, created: x.created })),
            { root: f.spec.root, removeStaleTemps: true },
          );
          for (const n of w.notes) stderr.push(`crilint: ${n}`);
        } catch (e) {
          if (!(e instanceof WriteError)) throw e;
          stderr.push(`crilint: ${e.file}: ${e.message}; no file of node ${f.spec.name} was changed`);
          ioProblem = true;
        }
      }
      if (applied) stderr.push(`crilint: fixed ${applied} problem${applied === 1 ? '' : 's'} in ${changed.length} file${changed.length === 1 ? '' : 's'}`);
    }
    if (skipped) stderr.push(`crilint: ${skipped} unsafe fix${skipped === 1 ? '' : 'es'} not applied (use --unsafe-fixes)`);
  }
  if (args.format === 'stylish' && !args.quiet) stderr.push(...assumptions.lines(d.specs.length));
  stderr.push(...targetNotes.lines(d.specs.length));
  if (!d.specs.length && !d.errors.length) stderr.push('crilint: nothing to lint (every path given was skipped)');

  const report =
    args.format === 'json'
      ? formatJson(results, d.fleet)
      : args.format === 'sarif'
        ? formatSarif(results, { fleet: d.fleet })
        : args.format === 'github'
          ? formatGithub(results)
          : formatStylish(results, { color: args.color, fleet: d.fleet });
  // A dry run's stdout is the patch alone (so it can be piped to `git apply`); the report goes to stderr.
  const stdout = args.dryRun ? fixOutput : report;
  if (args.dryRun && report) stderr.push(report.replace(/\n$/, ''));
  const errors = results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'error').length, 0);
  let exitCode = errors > 0 ? 1 : 0;
  if (args.maxWarnings !== undefined && warnings > args.maxWarnings) {
    exitCode = 1;
    stderr.push(`crilint: ${warnings} warning${warnings === 1 ? '' : 's'}${args.quiet ? ' (not shown with --quiet)' : ''}, more than --max-warnings ${args.maxWarnings}`);
  }
  if (ioProblem) exitCode = 2;
  if (internal) exitCode = 3;
  return { stdout, stderr: stderr.length ? stderr.join('\n') + '\n' : '', exitCode };
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

/** Whether to colour output: --color/--no-color win, then NO_COLOR (non-empty), then FORCE_COLOR, then a TTY. */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY;
}

/** The yargs registration of `lint` (also the default command). */
export function lintCommand(out: { code: number }) {
  return {
    command: ['lint [paths..]', '$0 [paths..]'],
    describe: 'Lint node configuration: node roots, fleets of them, or loose files',
    builder: (y: Argv) =>
      y
        .positional('paths', { type: 'string', array: true, default: undefined, defaultDescription: '.', describe: 'Files, node roots, or directories of node roots' })
        .option('root', { type: 'string', array: true, requiresArg: true, describe: "Lint DIR whole as a node's / (repeatable)" })
        .option('kubernetes', { type: 'string', requiresArg: true, describe: 'Target Kubernetes X.Y (default: newest known)' })
        .option('containerd', { type: 'string', requiresArg: true, describe: 'Target containerd X.Y (default: from config version)' })
        .option('runtime', { choices: ['containerd', 'cri-o', 'docker'] as const, requiresArg: true, describe: "The node's runtime (default: detected)" })
        .option('format', { choices: ['stylish', 'json', 'sarif', 'github'] as const, default: 'stylish' as Format, describe: 'Output format' })
        .option('max-warnings', { type: 'number', requiresArg: true, describe: 'Exit 1 when there are more than N warnings' })
        .option('quiet', { type: 'boolean', default: false, describe: 'Report errors only' })
        .option('fix', { type: 'boolean', default: false, describe: 'Apply safe fixes and report what remains' })
        .option('unsafe-fixes', { type: 'boolean', default: false, describe: 'Also apply fixes that change node behaviour' })
        .option('fix-dry-run', { type: 'boolean', default: false, describe: 'Print the unified diff --fix would write; write nothing' })
        .option('config', { type: 'string', requiresArg: true, describe: 'Config file (default: crilint.config.yaml up to the git root)' })
        .option('profile', { type: 'string', array: true, requiresArg: true, describe: 'Enable an opt-in rule profile (e.g. cis; repeatable)' })
        .example('$0 lint --root examples/broken-node', 'Lint a whole node root')
        .example('$0 lint nodes/', 'Lint every node root below nodes/')
        .example('$0 lint nodes/a/etc/containerd/config.toml', 'Lint a changed file with its node (pre-commit)'),
    handler: (a: Record<string, unknown>) => {
      const mw = a.maxWarnings as number | undefined;
      if (mw !== undefined && (!Number.isInteger(mw) || mw < 0)) throw new UsageError('--max-warnings takes a whole number >= 0');
      const result = lint({
        paths: strings(a.paths),
        root: strings(a.root),
        kubernetes: a.kubernetes !== undefined ? parseTargetVersion('kubernetes', String(a.kubernetes)) : undefined,
        containerd: a.containerd !== undefined ? parseTargetVersion('containerd', String(a.containerd)) : undefined,
        ...(a.runtime !== undefined ? { runtime: RUNTIME_FLAG[String(a.runtime)] } : {}),
        format: a.format as Format,
        maxWarnings: mw,
        quiet: Boolean(a.quiet),
        config: a.config !== undefined ? String(a.config) : undefined,
        fix: a.fix || a.unsafeFixes || a.fixDryRun ? (a.unsafeFixes ? 'unsafe' : 'safe') : null,
        dryRun: Boolean(a.fixDryRun),
        profiles: strings(a.profile),
        color: useColor(a.color as boolean | undefined, process.env, Boolean(process.stdout.isTTY)),
      });
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      out.code = result.exitCode;
    },
  };
}
