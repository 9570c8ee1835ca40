/**
 * A file as read from disk: decoded text, a line index, and position helpers.
 * Every position in crilint is computed here, so line/column conventions live in one place:
 * lines and columns are 1-based, columns count UTF-16 code units, `end` is exclusive,
 * offsets are 0-based indices into `text` (the text without a leading BOM).
 */
import type { Pos, Range } from './types.js';

export type FileKind =
  | 'containerd'
  | 'kubelet'
  | 'kubelet-flags'
  | 'crictl'
  | 'crio'
  | 'docker'
  | 'systemd-unit'
  | 'sysctl'
  | 'modules-load'
  | 'crilint-config'
  | 'unknown';

export interface SourceFile {
  /** Absolute path on disk (or a virtual path for generated text). */
  readonly path: string;
  /** Path shown to users: relative to the node root, or to the working directory for loose files. */
  readonly display: string;
  /** Path as the node sees it (e.g. `/etc/containerd/config.toml`) when the file lies inside a node root. */
  readonly nodePath: string | null;
  readonly kind: FileKind;
  readonly text: string;
  readonly bom: boolean;
  readonly eol: '\n' | '\r\n';
  /** Offsets at which each line starts; lineStarts[0] === 0. */
  readonly lineStarts: readonly number[];
}

export interface SourceInit {
  path: string;
  display?: string;
  nodePath?: string | null;
  kind: FileKind;
}

export function makeSource(init: SourceInit, rawText: string): SourceFile {
  const bom = rawText.charCodeAt(0) === 0xfeff;
  const text = bom ? rawText.slice(1) : rawText;
  const lineStarts = [0];
  let crlf = 0;
  let lf = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStarts.push(i + 1);
      if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
      else lf++;
    }
  }
  return {
    path: init.path,
    display: init.display ?? init.path,
    nodePath: init.nodePath ?? null,
    kind: init.kind,
    text,
    bom,
    eol: crlf > lf ? '\r\n' : '\n',
    lineStarts,
  };
}

/** Position of a 0-based offset. Offsets past the end clamp to the end of the text. */
export function posAt(src: SourceFile, offset: number): Pos {
  const o = Math.max(0, Math.min(offset, src.text.length));
  const starts = src.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: o - starts[lo]! + 1, offset: o };
}

export function rangeOf(src: SourceFile, start: number, end: number): Range {
  return { start: posAt(src, start), end: posAt(src, Math.max(start, end)) };
}

/** Offset of a 1-based line and column. */
export function offsetAt(src: SourceFile, line: number, column: number): number {
  const l = Math.max(1, Math.min(line, src.lineStarts.length));
  return Math.min(src.text.length, src.lineStarts[l - 1]! + Math.max(0, column - 1));
}

/** The text of a 1-based line, without its line terminator. */
export function lineText(src: SourceFile, line: number): string {
  const start = src.lineStarts[line - 1];
  if (start === undefined) return '';
  const next = src.lineStarts[line];
  let end = next === undefined ? src.text.length : next - 1;
  if (end > start && src.text.charCodeAt(end - 1) === 13) end--;
  return src.text.slice(start, end);
}

/** Range covering a whole 1-based line (without its terminator). */
export function lineRange(src: SourceFile, line: number): Range {
  const start = src.lineStarts[line - 1] ?? src.text.length;
  return rangeOf(src, start, start + lineText(src, line).length);
}

/** A zero-width range at the start of the file: where node- or file-level findings point. */
export function fileStart(src: SourceFile): Range {
  return rangeOf(src, 0, 0);
}
