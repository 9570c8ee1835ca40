/**
 * One node set from spec to findings: load → target → rules → suppression → ignore globs.
 * The CLI, the rule-page examples and the fixture runner all go through here, so what a test
 * sees is what a user sees.
 */
import type { Finding, Severity } from '../core/types.js';
import type { NodeSetSpec } from '../discover/index.js';
import type { IoError } from '../discover/read.js';
import { loadNodeSet } from '../model/load.js';
import type { NodeSet } from '../model/nodeset.js';
import { RULES } from '../rules/index.js';
import type { CrilintConfig } from './config.js';
import type { Rule, RuleMeta, Target } from './rule.js';
import { runRules } from './run.js';
import { activeRuleIds, applySuppressions, ENGINE_RULES } from './suppress.js';
import { resolveTarget, type GivenTarget } from './target.js';
import type { Trace } from '../model/trace.js';

export interface PipelineOptions {
  /** Versions given on the command line (they win over the config file's `target`). */
  given?: GivenTarget;
  config?: CrilintConfig | null;
  /** Profiles enabled on the command line, added to the config file's. */
  profiles?: readonly string[];
  /** The rules to run (tests pass their own); default: every registered rule. */
  rules?: readonly Rule[];
  /** Texts replacing or creating files by host path (the fix loop's in-memory state). */
  overlay?: ReadonlyMap<string, string>;
  /** Records what the load looked at on disk (--cache). */
  trace?: Trace;
}

export interface PipelineResult {
  node: NodeSet;
  target: Target;
  findings: Finding[];
  ioErrors: IoError[];
}

const catalogs = new WeakMap<readonly Rule[], readonly RuleMeta[]>();

/** The engine's rules and these, sorted by ID; made once per rule list (every node set asks). */
export function catalog(rules: readonly Rule[] = RULES): readonly RuleMeta[] {
  let metas = catalogs.get(rules);
  if (!metas) {
    metas = [...ENGINE_RULES, ...rules.map((r) => r.meta)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    catalogs.set(rules, metas);
  }
  return metas;
}

export function lintSpec(spec: NodeSetSpec, opts: PipelineOptions = {}): PipelineResult {
  const rules = opts.rules ?? RULES;
  const config = opts.config ?? null;
  const severity: Record<string, Severity | 'off'> = { ...(config?.rules ?? {}) };
  const profiles = [...new Set([...(config?.profiles ?? []), ...(opts.profiles ?? [])])];
  const { node, ioErrors } = loadNodeSet(spec, opts.overlay, opts.given?.containerd ?? config?.target.containerd ?? null, opts.trace ?? null);
  const target = resolveTarget(node, {
    kubernetes: opts.given?.kubernetes ?? config?.target.kubernetes,
    containerd: opts.given?.containerd ?? config?.target.containerd,
    ...(opts.given?.runtime ?? config?.target.runtime ? { runtime: opts.given?.runtime ?? config?.target.runtime } : {}),
    ...(opts.given?.docker ?? config?.target.docker ? { docker: opts.given?.docker ?? config?.target.docker } : {}),
  });
  const metas = catalog(rules);
  let findings = runRules(node, target, { rules, severity, profiles });
  findings = applySuppressions(
    node,
    findings,
    metas.map((m) => m.id),
    { activeRules: activeRuleIds(metas, severity, profiles), severity: severity['unused-suppression'] },
  );
  if (config) findings = findings.filter((f) => !f.file || !config.isIgnored(f.file.path));
  return { node, target, findings, ioErrors };
}
