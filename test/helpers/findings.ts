/** Findings as one-line strings for exact comparisons, and the bytes their fixes write. */
import type { Finding } from '../../src/core/types.js';
import { applyEdits } from '../../src/fix/index.js';

/** `file:line:col-line:col` of a finding or related location; `-` without a range. */
export const pos = (f: { file: Finding['file']; range: Finding['range'] }): string =>
  f.range ? `${f.file!.display}:${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}` : '-';

/** `position severity rule [fix] message`, then its related locations. */
export function show(f: Finding): string[] {
  return [`${pos(f)} ${f.severity} ${f.rule} [${f.fix?.safety ?? '-'}] ${f.message}`, ...f.related.map((r) => `  related ${pos(r)} ${r.message}`)];
}

/** The files a finding's fix writes, with their new text. */
export function fixed(f: Finding): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ch of f.fix?.changes ?? []) out[ch.file!.display] = applyEdits(ch.file!.text, ch.edits);
  return out;
}
