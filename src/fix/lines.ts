/**
 * Edits for line-based files: sysctl.d / sysctl.conf (`key = value`, whole-line `#`/`;`
 * comments, no inline comments), modules-load.d (one module a line), and the kubelet's
 * kubeadm-flags.env (a systemd EnvironmentFile: `KUBELET_KUBEADM_ARGS="--a=b --c=d"`), plus
 * creating a new file. Ranges come from the models' parsers (the value of an assignment, the
 * token of one flag, the quoted value of a variable); offsets or core Ranges are both accepted.
 */
import type { SourceFile } from '../core/source.js';
import type { FileChange } from '../core/types.js';
import { FixBuildError, change, edit, endsWithEol, lineStart, nextLineStart, offsets, type OffsetRange } from './common.js';

function noNewline(s: string, what: string): void {
  if (/[\r\n]/.test(s)) throw new FixBuildError(`${what} cannot contain a line break: ${JSON.stringify(s)}`);
}

/** Replace the value of a `key = value` assignment (the range of the value as written). */
export function setValue(file: SourceFile, valueRange: OffsetRange, value: string | number): FileChange {
  const v = String(value);
  noNewline(v, 'a sysctl value');
  const { start, end } = offsets(valueRange);
  return change(file, [edit(start, end, v)]);
}

/** The text of a sysctl assignment line, in the spelling sysctl.d(5) documents. */
export function sysctlLine(key: string, value: string | number): string {
  const line = `${key} = ${value}`;
  noNewline(line, 'a sysctl line');
  return line;
}

/** Append a line at the end of the file, adding a line break first if the file lacks a final one. */
export function appendLine(file: SourceFile, line: string): FileChange {
  return appendLines(file, [line]);
}

/** appendLine for several lines, in order. */
export function appendLines(file: SourceFile, lines: readonly string[]): FileChange {
  for (const l of lines) noNewline(l, 'an appended line');
  const text = file.text;
  const lead = endsWithEol(text) ? '' : file.eol;
  return change(file, [edit(text.length, text.length, lead + lines.map((l) => l + file.eol).join(''))]);
}

/** Remove whole line(s): the line with `line` (1-based) or every line a range touches, with their line breaks. */
export function removeLine(file: SourceFile, line: number | OffsetRange): FileChange {
  const text = file.text;
  let start: number;
  let endOffset: number;
  if (typeof line === 'number') {
    const s = file.lineStarts[line - 1];
    if (s === undefined) throw new FixBuildError(`removeLine: ${file.display} has no line ${line}`);
    start = s;
    endOffset = s;
  } else {
    const o = offsets(line);
    start = lineStart(text, o.start);
    endOffset = Math.max(o.start, o.end - 1);
  }
  return change(file, [edit(start, nextLineStart(text, endOffset), '')]);
}

/**
 * A change that creates a file (absolute `path`, shown as `display`). Lines are joined with
 * `\n` and end with one; the writer creates it with mode 0644 and missing parents with 0755.
 */
export function createFile(path: string, display: string, content: string | readonly string[]): FileChange {
  const text = typeof content === 'string' ? content : content.map((l) => l + '\n').join('');
  return { file: null, create: { path, display }, edits: [edit(0, 0, text)] };
}

// ---------------------------------------------------------------------------------------------
// kubeadm-flags.env: one flag inside KUBELET_KUBEADM_ARGS="…"

/**
 * A flag token (`--name=value`). systemd splits the expanded variable on whitespace and the
 * file's quotes end the value, so values with whitespace, quotes or backslashes are refused.
 */
export function formatFlag(name: string, value?: string | number | boolean): string {
  const n = name.replace(/^--?/, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n)) throw new FixBuildError(`not a flag name: ${JSON.stringify(name)}`);
  if (value === undefined) return `--${n}`;
  const v = String(value);
  if (/[\s"'\\$`]/.test(v)) throw new FixBuildError(`flag --${n}: value ${JSON.stringify(v)} cannot be written in an EnvironmentFile word`);
  return `--${n}=${v}`;
}

/**
 * The offsets of a flag token as written, refusing one that opens or closes a quote it does not
 * also close or open (`"--a=b"--c` is one word): rewriting it would unbalance the quotes of the
 * rest of the line. Conservative: a quote character quoted by the other kind counts too (no fix then).
 */
function wholeToken(file: SourceFile, flagRange: OffsetRange): { start: number; end: number } {
  const r = offsets(flagRange);
  const written = file.text.slice(r.start, r.end);
  for (const q of ['"', "'"]) {
    if (written.split(q).length % 2 === 0) throw new FixBuildError(`the flag ${JSON.stringify(written)} begins or ends inside a quoted string; edit it by hand`);
  }
  return r;
}

/** Replace one flag token (its range as the flags parser reports it) with `--name=value`. */
export function setFlag(file: SourceFile, flagRange: OffsetRange, name: string, value?: string | number | boolean): FileChange {
  const { start, end } = wholeToken(file, flagRange);
  return change(file, [edit(start, end, formatFlag(name, value))]);
}

/**
 * Remove one flag token and the whitespace that separates it from its neighbour: the space
 * before it, or after it when it is the first flag, so `"--a=b --c=d"` becomes `"--a=b"` or `"--c=d"`.
 */
export function removeFlag(file: SourceFile, flagRange: OffsetRange): FileChange {
  const text = file.text;
  let { start, end } = wholeToken(file, flagRange);
  let s = start;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  const opener = s === 0 || /["'=\n]/.test(text[s - 1]!);
  if (!opener && s < start) start = s;
  else while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return change(file, [edit(start, end, '')]);
}

/**
 * Add a flag at the end of a variable's value. `valueRange` is the value as written without
 * its quotes (empty for `KUBELET_KUBEADM_ARGS=""`). An unquoted value that would now hold two
 * words is wrapped in double quotes.
 */
export function addFlag(file: SourceFile, valueRange: OffsetRange, name: string, value?: string | number | boolean): FileChange {
  const text = file.text;
  const { start, end } = offsets(valueRange);
  const flag = formatFlag(name, value);
  const current = text.slice(start, end);
  const sep = current.trim() === '' ? '' : ' ';
  const quoted = start > 0 && (text[start - 1] === '"' || text[start - 1] === "'") && text[end] === text[start - 1];
  const at = start + current.trimEnd().length;
  if (quoted || !sep) return change(file, [edit(at, at, sep + flag)]);
  return change(file, [edit(start, start, '"'), edit(at, at, sep + flag + '"')]);
}

/** A whole `NAME="--a=b --c=d"` line for a file that lacks the variable (use with appendLine). */
export function envLine(variable: string, flags: readonly string[]): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new FixBuildError(`not a variable name: ${variable}`);
  return `${variable}="${flags.join(' ')}"`;
}
