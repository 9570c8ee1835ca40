/**
 * Shared pieces of the fix machinery: building a Fix from the FileChanges that the
 * format-aware builders return, applying edits to a text, and small text utilities
 * (line boundaries, indentation) the builders share.
 *
 * Conventions (see DESIGN.md, "Fixes are text edits"):
 * - A TextEdit replaces `[start, end)` of the ORIGINAL text of one file (offsets into
 *   SourceFile.text, which has no BOM). Builders never re-serialise a file.
 * - Within one fix, edits of a file must not overlap. Two insertions at the same offset are
 *   allowed and are applied in the order given (ESLint's mergeFixes rule: start >= previous end).
 * - Builders throw FixBuildError when asked for something they cannot express (a rule bug),
 *   never for a state of the user's file that a rule could not have known about.
 */
import type { SourceFile } from '../core/source.js';
import type { FileChange, Fix, FixSafety, Range, TextEdit } from '../core/types.js';

export class FixBuildError extends Error {
  override name = 'FixBuildError';
}

/**
 * A fix, or none when the builders cannot express it here (FixBuildError: e.g. two edits that
 * would overlap): the finding is still reported, without a fix. Other errors propagate.
 */
export function tryFix<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof FixBuildError) return undefined;
    throw e;
  }
}

/** A range given either as a core Range or as plain offsets. */
export type OffsetRange = Range | { start: number; end: number };

export function offsets(r: OffsetRange): { start: number; end: number } {
  const s = r.start as number | { offset: number };
  const e = r.end as number | { offset: number };
  return { start: typeof s === 'number' ? s : s.offset, end: typeof e === 'number' ? e : e.offset };
}

export function edit(start: number, end: number, text: string): TextEdit {
  return { start, end, text };
}

export function change(file: SourceFile, edits: TextEdit[]): FileChange {
  return { file, edits };
}

/** The key under which a change's file is known: its path (created files: the path to create). */
export function changePath(c: FileChange): string {
  if (c.create) return c.create.path;
  if (!c.file) throw new FixBuildError('a FileChange needs a file or a create target');
  return c.file.path;
}

/**
 * Build one atomic Fix from the changes of a finding (possibly several files, possibly several
 * changes for the same file, which are merged). Throws FixBuildError if edits of one file overlap.
 */
export function makeFix(safety: FixSafety, description: string, ...changes: (FileChange | FileChange[])[]): Fix {
  const merged = new Map<string, FileChange>();
  for (const c of changes.flat()) {
    const key = changePath(c);
    const prev = merged.get(key);
    if (!prev) merged.set(key, { ...(c.file !== undefined ? { file: c.file } : { file: null }), ...(c.create ? { create: c.create } : {}), edits: [...c.edits] });
    else {
      if (!!prev.create !== !!c.create) throw new FixBuildError(`${key}: a fix cannot both create and edit the same file`);
      prev.edits.push(...c.edits);
    }
  }
  const out: FileChange[] = [];
  for (const [key, c] of merged) {
    if (!c.edits.length) continue;
    c.edits = sortEdits(c.edits);
    const clash = firstOverlap(c.edits);
    if (clash) throw new FixBuildError(`${key}: edits of one fix overlap at offsets ${clash[0].start}-${clash[0].end} and ${clash[1].start}-${clash[1].end}`);
    out.push(c);
  }
  return { safety, description, changes: out };
}

/** Stable sort by start, then end (an insertion sorts before a replacement starting at the same offset). */
export function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((e, i) => [e, i] as const)
    .sort(([a, ia], [b, ib]) => a.start - b.start || a.end - b.end || ia - ib)
    .map(([e]) => e);
}

/** The first pair of overlapping edits in a sorted list (start < previous end), or null. */
export function firstOverlap(sorted: readonly TextEdit[]): [TextEdit, TextEdit] | null {
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) return [sorted[i - 1]!, sorted[i]!];
  }
  return null;
}

/** Apply non-overlapping edits (offsets into `text`) and return the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortEdits(edits);
  const clash = firstOverlap(sorted);
  if (clash) throw new FixBuildError(`overlapping edits at offsets ${clash[0].start}-${clash[0].end} and ${clash[1].start}-${clash[1].end}`);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < 0 || e.end > text.length || e.start > e.end) throw new FixBuildError(`edit ${e.start}-${e.end} is outside the text (length ${text.length})`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}

// ---------------------------------------------------------------------------------------------
// Text utilities

/** Offset of the start of the line containing `offset`. */
export function lineStart(text: string, offset: number): number {
  const i = text.lastIndexOf('\n', offset - 1);
  return i + 1;
}

/** Offset of the end of the line containing `offset`, before its terminator (`\n` or `\r\n`). */
export function lineEnd(text: string, offset: number): number {
  let i = text.indexOf('\n', offset);
  if (i < 0) i = text.length;
  if (i > 0 && text[i - 1] === '\r' && i - 1 >= offset) i--;
  return i;
}

/** Offset just after the terminator of the line containing `offset` (the text length on the last line). */
export function nextLineStart(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i + 1;
}

/** Leading whitespace of the line containing `offset`. */
export function indentAt(text: string, offset: number): string {
  const s = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(s, lineEnd(text, s)))![0];
}

/** True when only spaces/tabs precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** True when the line is empty or only whitespace. */
export function isBlankLine(text: string, lineStartOffset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartOffset, lineEnd(text, lineStartOffset)));
}

/** Whether the text ends with a line terminator (an empty text counts as ending with one). */
export function endsWithEol(text: string): boolean {
  return text.length === 0 || text.endsWith('\n');
}

/**
 * The file's indentation unit, guessed from the smallest positive indentation step between
 * consecutive lines (tabs win when a line is indented with a tab). Default two spaces.
 */
export function indentUnit(text: string, fallback = '  '): string {
  let best = 0;
  let prev = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    if (line.startsWith('\t')) return '\t';
    const n = /^ */.exec(line)![0].length;
    const step = n - prev;
    if (step > 0 && (best === 0 || step < best)) best = step;
    prev = n;
  }
  return best > 0 ? ' '.repeat(best) : fallback;
}

/** The offset of the first non-whitespace, non-comment character at or after `from` (before `to`). */
export function skipTrivia(text: string, from: number, to: number, comment = '#'): number {
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (comment && c === comment) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl > to ? to : nl;
    } else break;
  }
  return i;
}

/**
 * Offset of the separator comma between `from` and `to` (outside comments), or -1.
 * Only whitespace, comments and at most one comma lie between two items of a list.
 */
export function findComma(text: string, from: number, to: number, comment = '#'): number {
  let i = from;
  for (;;) {
    i = skipTrivia(text, i, to, comment);
    if (i >= to) return -1;
    if (text[i] === ',') return i;
    return -1;
  }
}
