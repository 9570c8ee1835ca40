import type { Finding } from '../core/types.js';
import type { Target } from '../engine/rule.js';
import type { NodeSet } from '../model/nodeset.js';

/** What a lint run hands to a reporter: each node with its target and findings, in a stable order. */
export interface NodeResult {
  node: NodeSet;
  target: Target;
  /** The findings to report (already filtered by --quiet and by a pre-commit focus), sorted. */
  findings: Finding[];
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  /** Findings with a fix of either safety. */
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

/**
 * Text from files and rules must not drive the terminal: C0 controls (but tab), DEL and the C1
 * range become visible symbols (U+2400 block for C0, U+2421 for DEL, U+FFFD for C1).
 */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u0080-\u009f]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x20 ? String.fromCharCode(0x2400 + n) : n === 0x7f ? '\u2421' : '\ufffd';
  });
}
