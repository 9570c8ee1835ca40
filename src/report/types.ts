import type { Finding } from '../core/types.js';
import type { Target } from '../engine/rule.js';
import type { NodeSet } from '../model/nodeset.js';

/** What a lint run hands to a reporter: each node with its target and findings, in a stable order. */
export interface NodeResult {
  node: NodeSet;
  target: Target;
  findings: Finding[];
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  fixable: number;
}

export function summarize(results: readonly NodeResult[]): Summary {
  const s: Summary = { errors: 0, warnings: 0, infos: 0, fixable: 0 };
  for (const r of results)
    for (const f of r.findings) {
      if (f.severity === 'error') s.errors++;
      else if (f.severity === 'warning') s.warnings++;
      else s.infos++;
      if (f.fix) s.fixable++;
    }
  return s;
}
