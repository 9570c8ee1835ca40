/**
 * Runs the rules over one node set and returns its findings, sorted and with configured
 * severities applied. Parse findings from loading come first in the same list.
 */
import type { Finding, Severity } from '../core/types.js';
import type { NodeSet } from '../model/nodeset.js';
import type { Report, Rule, RuleContext, Target } from './rule.js';

export interface RunOptions {
  rules: readonly Rule[];
  /** Per-rule severity override, or 'off'. */
  severity?: Record<string, Severity | 'off'>;
  /** Enabled opt-in profiles (e.g. 'cis'). */
  profiles?: readonly string[];
}

export function runRules(node: NodeSet, target: Target, opts: RunOptions): Finding[] {
  const out: Finding[] = [];
  const sev = opts.severity ?? {};
  for (const f of node.findings) {
    const s = sev[f.rule];
    if (s === 'off') continue;
    out.push(s ? { ...f, severity: s } : f);
  }
  const present = new Set(node.files.map((f) => f.kind));
  for (const rule of opts.rules) {
    const { meta } = rule;
    const s = sev[meta.id];
    if (s === 'off') continue;
    if (meta.profile && !opts.profiles?.includes(meta.profile) && s === undefined) continue;
    if (meta.files.length && !meta.files.some((k) => present.has(k))) continue;
    const ctx: RuleContext = {
      node,
      target,
      report(r: Report) {
        out.push({
          rule: meta.id,
          severity: s ?? r.severity ?? meta.severity,
          message: r.message,
          file: r.file,
          range: r.range,
          related: r.related ?? [],
          ...(r.fix ? { fix: r.fix } : {}),
        });
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      // A rule that throws (e.g. a fix builder misused) must not take the run down: say which rule.
      throw new RuleError(meta.id, e);
    }
  }
  return sortFindings(out);
}

export function sortFindings(list: Finding[]): Finding[] {
  return list.sort(
    (a, b) =>
      (a.file?.display ?? '').localeCompare(b.file?.display ?? '') ||
      (a.range?.start.offset ?? -1) - (b.range?.start.offset ?? -1) ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}

/** A rule failed while checking: an internal error naming the rule (exit 3). */
export class RuleError extends Error {
  constructor(
    readonly rule: string,
    cause: unknown,
  ) {
    super(`rule ${rule} failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}
