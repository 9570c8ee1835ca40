/** `--format json`: one document on stdout, the contract in DESIGN.md ("JSON output"). */
import { fmtVersion } from '../core/version.js';
import type { Finding } from '../core/types.js';
import { summarize, type NodeResult } from './types.js';

export function findingJson(f: Finding, node?: string): Record<string, unknown> {
  const o: Record<string, unknown> = {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.file ? f.file.display : null,
    line: f.range ? f.range.start.line : null,
    column: f.range ? f.range.start.column : null,
    endLine: f.range ? f.range.end.line : null,
    endColumn: f.range ? f.range.end.column : null,
    fix: f.fix ? f.fix.safety : null,
    related: f.related.map((r) => ({
      file: r.file ? r.file.display : null,
      line: r.range ? r.range.start.line : null,
      column: r.range ? r.range.start.column : null,
      message: r.message,
    })),
  };
  if (node !== undefined) o.node = node;
  return o;
}

export function formatJson(results: readonly NodeResult[], fleet: boolean): string {
  const first = results[0]?.target;
  const doc = {
    version: 1,
    target: first ? { kubernetes: fmtVersion(first.kubernetes), containerd: fmtVersion(first.containerd) } : null,
    findings: results.flatMap((r) => r.findings.map((f) => findingJson(f, fleet ? r.node.name : undefined))),
    summary: summarize(results),
  };
  if (first) {
    (doc.target as Record<string, unknown>).assumed = Object.entries(first.assumed)
      .filter(([, v]) => v)
      .map(([k]) => k);
  }
  return JSON.stringify(doc, null, 2) + '\n';
}
