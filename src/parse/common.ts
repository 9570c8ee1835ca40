import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Finding, Range } from '../core/types.js';

/** A comment as written in a file; `text` excludes the leading `#`. */
export interface Comment {
  text: string;
  line: number;
  range: Range;
  /** The comment is alone on its line (not after a value). */
  ownLine: boolean;
}

export function syntaxFinding(src: SourceFile, start: number, end: number, message: string): Finding {
  const s = Math.min(start, src.text.length);
  const e = Math.min(Math.max(end, s), src.text.length);
  return { rule: 'syntax', severity: 'error', message, file: src, range: rangeOf(src, s, e), related: [] };
}
