/**
 * Comma-separated bracketed lists, shared by TOML arrays and inline tables, YAML flow
 * sequences and mappings, and JSON arrays and objects: remove an item or append one while
 * keeping the list's layout (one item per line or all on one line, trailing comma or not,
 * comments on the items' lines).
 */
import type { TextEdit } from '../core/types.js';
import { edit, findComma, indentAt, lineEnd, lineStart, nextLineStart, skipTrivia, startsLine } from './common.js';

export interface ListShape {
  text: string;
  /** Offset of the opening bracket (`[` or `{`). */
  open: number;
  /** Offset of the closing bracket. */
  close: number;
  /** Each item's extent (for a mapping: from the key's start to the value's end). */
  items: readonly { start: number; end: number }[];
  /** Comment character of the format (`#`), or '' where there are none (JSON). */
  comment: string;
  eol: string;
  /** Indentation unit, for the first item of an empty multi-line list. */
  unit: string;
  /** Spaces inside the brackets of a one-line list that is empty before the insertion (`{ a = 1 }` in TOML). */
  pad: string;
  /** False where a trailing comma is invalid (JSON, TOML inline tables): never leave one behind. */
  trailingComma: boolean;
}

function hasNewline(text: string, from: number, to: number): boolean {
  return text.slice(from, to).includes('\n');
}

/** Only whitespace and a comment from `from` to the end of its line. */
function restIsTrivia(text: string, from: number, comment: string): boolean {
  const end = lineEnd(text, from);
  return skipTrivia(text, from, end, comment) >= end;
}

export function removeListItem(l: ListShape, index: number): TextEdit[] {
  const { text, items } = l;
  const it = items[index];
  if (!it) throw new RangeError(`no item ${index} in a list of ${items.length}`);
  const prev = items[index - 1];
  const next = items[index + 1];
  const comma = findComma(text, it.end, next ? next.start : l.close, l.comment);
  const afterItem = comma >= 0 ? comma + 1 : it.end;
  const prevComma = prev ? findComma(text, prev.end, it.start, l.comment) : -1;

  // One item per line: drop its whole line(s), with a comment that follows it on its line.
  if (startsLine(text, it.start) && restIsTrivia(text, afterItem, l.comment) && hasNewline(text, afterItem, l.close)) {
    const edits = [edit(lineStart(text, it.start), nextLineStart(text, afterItem), '')];
    // The last item had no trailing comma: the new last item must not have one either.
    if (comma < 0 && prev && prevComma >= 0) edits.unshift(edit(prevComma, prevComma + 1, ''));
    return edits;
  }
  if (next) {
    if (!hasNewline(text, afterItem, next.start)) return [edit(it.start, next.start, '')];
    // `a, b,` ⏎ `c`: remove `b,` and the space before it, keeping the line break.
    if (prev && prevComma >= 0 && !hasNewline(text, prevComma, it.start)) return [edit(prevComma + 1, afterItem, '')];
    return [edit(it.start, skipSpaces(text, afterItem), '')];
  }
  // The last item.
  if (!prev) return [edit(l.open + 1, l.close, '')];
  if (comma >= 0) return [edit(prevComma + 1, comma + 1, '')];
  return [edit(prev.end, it.end, '')];
}

function skipSpaces(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** Append `itemText` (already formatted, single line) after the last item. */
export function appendListItem(l: ListShape, itemText: string): TextEdit[] {
  const { text, items } = l;
  if (!items.length) {
    if (!hasNewline(text, l.open, l.close)) return [edit(l.open + 1, l.close, `${l.pad}${itemText}${l.pad}`)];
    const indent = indentAt(text, l.close) + l.unit;
    return [edit(lineEnd(text, l.open), lineEnd(text, l.open), `${l.eol}${indent}${itemText}`)];
  }
  const last = items[items.length - 1]!;
  const comma = findComma(text, last.end, l.close, l.comment);
  if (hasNewline(text, last.end, l.close)) {
    const indent = indentAt(text, last.start);
    if (comma >= 0) {
      const at = lineEnd(text, comma);
      return [edit(at, at, `${l.eol}${indent}${itemText}${l.trailingComma ? ',' : ''}`)];
    }
    const at = lineEnd(text, last.end);
    return [edit(last.end, last.end, ','), edit(at, at, `${l.eol}${indent}${itemText}`)];
  }
  const sep = separator(l);
  if (comma >= 0) return [edit(comma + 1, comma + 1, `${sep.slice(1)}${itemText},`)];
  return [edit(last.end, last.end, `${sep}${itemText}`)];
}

/** The separator the list uses between items on one line (`, ` unless it writes `,`). */
function separator(l: ListShape): string {
  for (let i = 1; i < l.items.length; i++) {
    const between = l.text.slice(l.items[i - 1]!.end, l.items[i]!.start);
    if (!between.includes('\n') && /^\s*,[ \t]*$/.test(between)) return ',' + between.split(',')[1];
  }
  return ', ';
}
