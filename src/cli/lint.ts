/** `crilint lint`: discover -> load -> rules -> report, one node set at a time. */
import type { Version } from '../core/version.js';
import { fmtVersion } from '../core/version.js';
import { discover } from '../discover/index.js';
import { loadNodeSet } from '../model/load.js';
import { runRules } from '../engine/run.js';
import { resolveTarget } from '../engine/target.js';
import { RULES } from '../rules/index.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import type { NodeResult } from '../report/types.js';
import { summarize } from '../report/types.js';
import { UsageError } from './errors.js';

export interface LintArgs {
  paths: string[];
  root: string[];
  kubernetes?: Version;
  containerd?: Version;
  format: 'stylish' | 'json';
  maxWarnings?: number;
  quiet: boolean;
  color: boolean;
}

export interface LintOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function lint(args: LintArgs): LintOutcome {
  const paths = args.paths.length || args.root.length ? args.paths : [];
  if (!paths.length && !args.root.length) throw new UsageError('nothing to lint: give PATHS or --root DIR');
  const d = discover(paths, args.root);
  const stderr: string[] = d.errors.map((e) => `crilint: ${e.message}`);
  for (const s of d.skipped) stderr.push(`crilint: skipped ${s.path}: ${s.reason}`);
  const results: NodeResult[] = [];
  for (const spec of d.specs) {
    const { node, ioErrors } = loadNodeSet(spec);
    for (const e of ioErrors) stderr.push(`crilint: ${spec.root ? `${spec.name}: ` : ''}${e.message}`);
    const target = resolveTarget(node, { kubernetes: args.kubernetes, containerd: args.containerd });
    let findings = runRules(node, target, { rules: RULES });
    if (args.quiet) findings = findings.filter((f) => f.severity === 'error');
    results.push({ node, target, findings });
    if (args.format === 'stylish') {
      const assumed = [];
      if (target.assumed.kubernetes) assumed.push(`Kubernetes ${fmtVersion(target.kubernetes)}`);
      if (target.assumed.containerd) assumed.push(`containerd ${fmtVersion(target.containerd)}`);
      if (assumed.length && !args.quiet) stderr.push(`crilint: ${spec.name}: assuming ${assumed.join(' and ')} (set --kubernetes/--containerd to choose)`);
      for (const n of target.notes) stderr.push(`crilint: ${spec.name}: ${n}`);
    }
    if (ioErrors.length) d.errors.push(...ioErrors);
  }
  const fleet = d.specs.length > 1;
  const stdout = args.format === 'json' ? formatJson(results, fleet) : formatStylish(results, { color: args.color, fleet });
  const s = summarize(results);
  let exitCode = s.errors > 0 ? 1 : 0;
  if (args.maxWarnings !== undefined && s.warnings > args.maxWarnings) {
    exitCode = 1;
    stderr.push(`crilint: ${s.warnings} warnings, more than --max-warnings ${args.maxWarnings}`);
  }
  if (d.errors.length) exitCode = 2;
  return { stdout, stderr: stderr.length ? stderr.join('\n') + '\n' : '', exitCode };
}
