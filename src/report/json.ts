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
 * - `target.docker` is present only when `--docker` / `target.docker` named the Docker Engine release.
 * - Fleet runs (several node sets, or node roots found in a directory) add `node` to each
 *   finding (the root as reported, `null` for the loose files) and a `nodes` list with every
 *   node linted, findings or not, and its own target. When the nodes' targets differ (the
 *   containerd version is inferred per node from its config `version`), the differing field of
 *   the top-level `target` is null: read `nodes[].target` then.
 */
import { fmtVersion } from '../core/version.js';
import { fmtDockerVersion } from '../data/docker.js';
import type { Finding } from '../core/types.js';
import type { Target } from '../engine/rule.js';
import { addCounts, countFindings, summaryOf, zeroCounts, type Counts, type NodeResult } from './types.js';

export interface JsonTarget {
  kubernetes: string | null;
  containerd: string | null;
  assumed: string[];
  /** Only with `--runtime` / `target.runtime`: the runtime as given (containerd, cri-o, docker). */
  runtime?: string | null;
  /** Only with `--docker` / `target.docker`: the Docker Engine release as given. */
  docker?: string | null;
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
    ...(t.docker ? { docker: fmtDockerVersion(t.docker.version) } : {}),
  };
}

/** The run's target: each field as the nodes agree on it, null where they differ (or when no node was linted). */
export function mergeTargets(targets: readonly JsonTarget[]): JsonTarget {
  const one = (k: 'kubernetes' | 'containerd' | 'runtime' | 'docker') => {
    const vals = new Set(targets.map((t) => t[k] ?? null));
    return vals.size === 1 ? [...vals][0]! : null;
  };
  const assumed = (['kubernetes', 'containerd'] as const).filter((k) => targets.some((t) => t.assumed.includes(k)));
  const runtime = targets.some((t) => t.runtime !== undefined) ? { runtime: one('runtime') } : {};
  const docker = targets.some((t) => t.docker !== undefined) ? { docker: one('docker') } : {};
  return { kubernetes: one('kubernetes'), containerd: one('containerd'), assumed, ...runtime, ...docker };
}

export function formatJson(results: readonly NodeResult[], fleet: boolean): string {
  let out = '';
  const w = new JsonWriter(fleet, (s) => (out += s));
  for (const r of results) w.add({ node: jsonNodeName(r), text: jsonNode(r, fleet), target: targetJson(r.target), counts: countFindings(r.findings) });
  w.end();
  return out;
}

/** The node as JSON names it: the root as reported, null for the loose files. */
export function jsonNodeName(r: NodeResult): string | null {
  return r.node.root ? r.node.name : null;
}

/**
 * One node's findings as they appear in the document's `findings` array (indented as
 * `JSON.stringify(doc, null, 2)` indents them, joined by `,\n`; '' for none): the document can
 * then be put together from the nodes' texts without holding the nodes.
 */
export function jsonNode(r: NodeResult, fleet: boolean): string {
  const node = fleet ? jsonNodeName(r) : undefined;
  return r.findings.map((f) => indent(findingJson(f, node), 4)).join(',\n');
}

/** A value as `JSON.stringify(v, null, 2)` writes it `depth` spaces deep (strings in JSON never hold a raw newline). */
function indent(v: unknown, depth: number): string {
  const pad = ' '.repeat(depth);
  return pad + JSON.stringify(v, null, 2).replace(/\n/g, '\n' + pad);
}

export interface JsonNode {
  node: string | null;
  /** jsonNode() of its findings. */
  text: string;
  target: JsonTarget;
  counts: Counts;
}

/**
 * Collects the nodes' finding texts (in node order) and writes the one document at the end, byte
 * for byte what `JSON.stringify(doc, null, 2)` gives. The merged `target` comes first in the
 * document, so nothing can be written before the last node is in; what is held is the finding
 * texts and each node's name and target, not the nodes.
 */
export class JsonWriter {
  private readonly texts: string[] = [];
  private readonly nodes: { node: string | null; target: JsonTarget }[] = [];
  private readonly counts = zeroCounts();

  constructor(
    private readonly fleet: boolean,
    private readonly write: (s: string) => void,
  ) {}

  add(n: JsonNode): void {
    if (n.text) this.texts.push(n.text);
    this.nodes.push({ node: n.node, target: n.target });
    addCounts(this.counts, n.counts);
  }

  end(): void {
    const at2 = (v: unknown) => indent(v, 2).slice(2);
    let doc = `{\n  "version": 1,\n  "target": ${at2(mergeTargets(this.nodes.map((n) => n.target)))},\n`;
    doc += `  "findings": ${this.texts.length ? `[\n${this.texts.join(',\n')}\n  ]` : '[]'},\n`;
    doc += `  "summary": ${at2(summaryOf(this.counts))}`;
    if (this.fleet) doc += `,\n  "nodes": ${at2(this.nodes)}`;
    this.write(doc + '\n}\n');
  }
}
