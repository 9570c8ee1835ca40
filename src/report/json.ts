/**
 * `--format json`: one document on stdout, the contract in DESIGN.md ("JSON output"):
 *
 *     {"version": 1,
 *      "target": {"kubernetes": "1.34", "containerd": "2.1", "assumed": ["containerd"]},
 *      "findings": [{"rule", "severity", "message", "file", "line", "column", "endLine",
 *                    "endColumn", "fix", "related": [{"file", "line", "column", "message"}]}],
 *      "summary": {"errors", "warnings", "infos", "fixable"}}
 *
 * - `file` is relative to the node root for a root, to the working directory for loose files;
 *   null (with null positions) for a finding about the node as a whole.
 * - `target.assumed` names the versions that were not given (and were assumed).
 * - `target.runtime` is present only when `--runtime` / `target.runtime` named the runtime (containerd, cri-o, docker).
 * - Fleet runs (several node sets, or node roots found in a directory) add `node` to each
 *   finding (the root as reported, `null` for the loose files) and a `nodes` list with every
 *   node linted, findings or not, and its own target. When the nodes' targets differ (the
 *   containerd version is inferred per node from its config `version`), the differing field of
 *   the top-level `target` is null: read `nodes[].target` then.
 */
import { fmtVersion } from '../core/version.js';
import type { Finding } from '../core/types.js';
import type { Target } from '../engine/rule.js';
import { summarize, type NodeResult } from './types.js';

export interface JsonTarget {
  kubernetes: string | null;
  containerd: string | null;
  assumed: string[];
  /** Only with `--runtime` / `target.runtime`: the runtime as given (containerd, cri-o, docker). */
  runtime?: string | null;
}

const RUNTIME_NAME: Readonly<Record<string, string>> = { containerd: 'containerd', crio: 'cri-o', 'cri-dockerd': 'docker' };

export function findingJson(f: Finding, node?: string | null): Record<string, unknown> {
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

export function targetJson(t: Target): JsonTarget {
  return {
    kubernetes: fmtVersion(t.kubernetes),
    containerd: fmtVersion(t.containerd),
    assumed: (['kubernetes', 'containerd'] as const).filter((k) => t.assumed[k]),
    ...(t.runtime ? { runtime: RUNTIME_NAME[t.runtime]! } : {}),
  };
}

/** The run's target: each field as the nodes agree on it, null where they differ (or when no node was linted). */
export function mergeTargets(targets: readonly JsonTarget[]): JsonTarget {
  const one = (k: 'kubernetes' | 'containerd' | 'runtime') => {
    const vals = new Set(targets.map((t) => t[k] ?? null));
    return vals.size === 1 ? [...vals][0]! : null;
  };
  const assumed = (['kubernetes', 'containerd'] as const).filter((k) => targets.some((t) => t.assumed.includes(k)));
  const runtime = targets.some((t) => t.runtime !== undefined) ? { runtime: one('runtime') } : {};
  return { kubernetes: one('kubernetes'), containerd: one('containerd'), assumed, ...runtime };
}

export function formatJson(results: readonly NodeResult[], fleet: boolean): string {
  const targets = results.map((r) => targetJson(r.target));
  const nodeName = (r: NodeResult) => (r.node.root ? r.node.name : null);
  const doc: Record<string, unknown> = {
    version: 1,
    target: mergeTargets(targets),
    findings: results.flatMap((r) => r.findings.map((f) => findingJson(f, fleet ? nodeName(r) : undefined))),
    summary: summarize(results),
  };
  if (fleet) doc.nodes = results.map((r, i) => ({ node: nodeName(r), target: targets[i] }));
  return JSON.stringify(doc, null, 2) + '\n';
}
