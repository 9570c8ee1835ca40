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
  const c = zeroCounts();
  for (const r of results) addCounts(c, countFindings(r.findings));
  return summaryOf(c);
}

/** What a node's reported findings add up to: by severity, and fixable by safety. */
export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  safe: number;
  unsafe: number;
}

export function zeroCounts(): Counts {
  return { errors: 0, warnings: 0, infos: 0, safe: 0, unsafe: 0 };
}

export function countFindings(findings: readonly Finding[]): Counts {
  const c = zeroCounts();
  for (const f of findings) {
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.infos++;
    if (f.fix) f.fix.safety === 'safe' ? c.safe++ : c.unsafe++;
  }
  return c;
}

export function addCounts(into: Counts, c: Counts): void {
  into.errors += c.errors;
  into.warnings += c.warnings;
  into.infos += c.infos;
  into.safe += c.safe;
  into.unsafe += c.unsafe;
}

export function summaryOf(c: Counts): Summary {
  return { errors: c.errors, warnings: c.warnings, infos: c.infos, fixable: c.safe + c.unsafe };
}

/** `1 problem`, `2 problems`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
