/**
 * systemd unit files (`*.service`, `*.socket`, drop-in `*.conf`), as systemd reads them
 * (systemd.syntax(7); src/shared/conf-parser.c `config_parse`, systemd/systemd):
 * - `[Section]` headers; `Key=Value` assignments, blanks around the key and the value dropped;
 * - lines starting (after blanks) with `#` or `;` are comments; there are no trailing comments;
 * - a line ending in a backslash continues on the next one: the backslash and the newline are
 *   replaced by a space (comment lines inside a continued value are skipped);
 * - a list setting such as ExecStart= is reset by an empty assignment (`ExecStart=`), which is how
 *   a drop-in replaces the command of the unit it extends (systemd.service(5) ExecStart=).
 * - a `[` line that does not end in `]` (`[Service`, `[Service] # kubeadm`) is an invalid section
 *   header: systemd stops reading the file there (parse_line returns -EBADMSG, "Invalid section
 *   header '…'"), so nothing below it applies (`invalidHeader`; later comments are still kept);
 * - a line without `=` is skipped ("Missing '=', ignoring line.", or before any section "Assignment
 *   outside of section. Ignoring."): `noEquals`.
 * Each value keeps the source offset of each character, so the words of ExecStart= (split with
 * parse/flags.ts splitWords, which follows extract_first_word) and every flag have exact ranges.
 */
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Range } from '../core/types.js';
import type { Comment } from './common.js';

export interface UnitAssignment {
  section: string;
  key: string;
  /** The value after joining continuation lines, blanks around it dropped. */
  value: string;
  /** Source offset of each character of `value` (a joined newline maps to the backslash). */
  valueOffsets: number[];
  keyRange: Range;
  /** The value as written, over its lines; an empty range right after `=` for an empty value. */
  valueRange: Range;
  /** The whole assignment (key to the end of the value). */
  range: Range;
  file: SourceFile;
}

export interface UnitFile {
  file: SourceFile;
  assignments: UnitAssignment[];
  comments: Comment[];
  /** `[Section]` header lines in order: the name, and the range of the name inside the brackets. */
  sections: { name: string; range: Range }[];
  /** The first `[` line not ending in `]`, where systemd stopped reading (the line, blanks dropped). */
  invalidHeader: { text: string; range: Range } | null;
  /** Lines with no `=` (not comments, not headers), above any invalid header: the line, and the section it is in (`''` before any). */
  noEquals: { text: string; range: Range; section: string }[];
}

export function parseUnitFile(file: SourceFile): UnitFile {
  const text = file.text;
  const assignments: UnitAssignment[] = [];
  const comments: Comment[] = [];
  const sections: UnitFile['sections'] = [];
  const noEquals: UnitFile['noEquals'] = [];
  let invalidHeader: UnitFile['invalidHeader'] = null;
  let section = '';
  const starts = file.lineStarts;
  const lineEnd = (i: number) => {
    const next = i + 1 < starts.length ? starts[i + 1]! : text.length;
    let e = next;
    if (e > starts[i]! && text[e - 1] === '\n') e--;
    if (e > starts[i]! && text[e - 1] === '\r') e--;
    return e;
  };
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const e = lineEnd(i);
    const line = text.slice(s, e);
    const lead = line.length - line.trimStart().length;
    const body = line.trim();
    if (body === '') continue;
    if (body[0] === '#' || body[0] === ';') {
      comments.push({ text: line.slice(lead + 1), line: i + 1, range: rangeOf(file, s + lead, e), ownLine: true });
      continue;
    }
    // Below an invalid header systemd reads nothing more; comments are kept (suppression directives).
    if (invalidHeader) continue;
    if (body[0] === '[') {
      if (body[body.length - 1] !== ']') {
        invalidHeader = { text: body, range: rangeOf(file, s + lead, s + lead + body.length) };
        continue;
      }
      // The name is everything between the first `[` and the last `]`, as systemd takes it (`[Service]]` is section "Service]").
      section = body.slice(1, -1);
      sections.push({ name: section, range: rangeOf(file, s + lead + 1, s + lead + 1 + section.length) });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) {
      noEquals.push({ text: body, range: rangeOf(file, s + lead, s + lead + body.length), section });
      continue;
    }
    const key = line.slice(lead, eq).trimEnd();
    const keyStart = s + lead;
    // The value: from after `=` to the end of the line, continued while a line ends in `\`.
    let value = '';
    const offs: number[] = [];
    let pos = s + eq + 1;
    let end = e;
    let j = i;
    for (;;) {
      const segEnd = end;
      const continued = segEnd > pos && text[segEnd - 1] === '\\';
      const stop = continued ? segEnd - 1 : segEnd;
      for (let k = pos; k < stop; k++) {
        value += text[k];
        offs.push(k);
      }
      if (!continued || j + 1 >= starts.length) break;
      value += ' ';
      offs.push(segEnd - 1);
      // Skip comment lines inside a continued value.
      j++;
      while (j < starts.length && /^\s*[#;]/.test(text.slice(starts[j]!, lineEnd(j)))) j++;
      if (j >= starts.length) break;
      pos = starts[j]!;
      end = lineEnd(j);
    }
    i = j;
    // Drop blanks around the value.
    let a = 0;
    let b = value.length;
    while (a < b && /\s/.test(value[a]!)) a++;
    while (b > a && /\s/.test(value[b - 1]!)) b--;
    const v = value.slice(a, b);
    const vOffs = offs.slice(a, b);
    const vStart = vOffs.length ? vOffs[0]! : s + eq + 1;
    const vEnd = vOffs.length ? vOffs[vOffs.length - 1]! + 1 : vStart;
    assignments.push({
      section,
      key,
      value: v,
      valueOffsets: vOffs,
      keyRange: rangeOf(file, keyStart, keyStart + key.length),
      valueRange: rangeOf(file, vStart, vEnd),
      range: rangeOf(file, keyStart, Math.max(vEnd, s + eq + 1)),
      file,
    });
  }
  return { file, assignments, comments, sections, invalidHeader, noEquals };
}

/**
 * The effective value of a list setting over a unit and its drop-ins (in the order systemd reads
 * them): every assignment appends, an empty one clears the list.
 */
export function listSetting(files: readonly UnitFile[], section: string, key: string): UnitAssignment[] {
  let out: UnitAssignment[] = [];
  for (const f of files)
    for (const a of f.assignments) {
      if (a.section !== section || a.key !== key) continue;
      if (a.value === '') out = [];
      else out.push(a);
    }
  return out;
}
