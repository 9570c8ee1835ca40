/**
 * `--format stylish` (the default): one block per finding, headed by a clickable
 * `path:line:column:` (the path as the user can open it from the working directory), with a code
 * frame of the range, related locations and the fix, then a summary line:
 *
 *     examples/broken-node/etc/containerd/config.toml:41:7: error: kubelet cgroupDriver is … [cgroup-driver-mismatch]
 *        |
 *     41 |       SystemdCgroup = false
 *        |       ^~~~~~~~~~~~~~~~~~~~~
 *        = related: examples/broken-node/var/lib/kubelet/config.yaml:7:15: kubelet setting is here
 *        = fix: set SystemdCgroup = true (safe: --fix)
 *
 *     ✖ 1 problem (1 error, 0 warnings, 0 info)
 *       1 fixable with --fix
 *
 * Frames: tabs are shown as 4 spaces, control characters as visible symbols, lines longer than
 * 120 columns as a window around the range (cut ends marked …), ranges over more than 4 lines
 * as their first two and last line. Colour only when asked (the CLI decides: a TTY, no NO_COLOR,
 * no --no-color).
 */
import { lineText } from '../core/source.js';
import type { Finding, Range, RelatedLocation, Severity } from '../core/types.js';
import type { SourceFile } from '../core/source.js';
import { displayPath } from '../discover/index.js';
import { summarize, visible, type NodeResult } from './types.js';

export interface StylishOptions {
  color: boolean;
  /** Several nodes in the run: the summary says in how many nodes the problems are. */
  fleet: boolean;
}

const TAB = '    ';
const MAX_WIDTH = 120;
const MAX_LINES = 4;

export function formatStylish(results: readonly NodeResult[], opts: StylishOptions): string {
  const c = colors(opts.color);
  const blocks: string[] = [];
  for (const r of results) for (const f of r.findings) blocks.push(finding(f, r.node.name, c));
  const s = summarize(results);
  const total = s.errors + s.warnings + s.infos;
  if (total === 0) return '';
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  let line = `✖ ${plural(total, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.infos} info)`;
  if (opts.fleet) {
    const withFindings = results.filter((r) => r.findings.length).length;
    line += ` in ${withFindings} of ${plural(results.length, 'node')}`;
  }
  const tail = [(s.errors ? c.red : s.warnings ? c.yellow : c.blue)(c.bold(line))];
  let safe = 0;
  let unsafe = 0;
  for (const r of results) for (const f of r.findings) if (f.fix) f.fix.safety === 'safe' ? safe++ : unsafe++;
  if (safe && unsafe) tail.push(`  ${safe} fixable with --fix, ${unsafe} more with --fix --unsafe-fixes`);
  else if (safe) tail.push(`  ${safe} fixable with --fix`);
  else if (unsafe) tail.push(`  ${unsafe} fixable with --fix --unsafe-fixes`);
  return blocks.join('\n') + '\n' + tail.join('\n') + '\n';
}

type Colors = ReturnType<typeof colors>;

function where(file: SourceFile | null, range: Range | null, nodeName: string): string {
  if (!file) return nodeName;
  const p = displayPath(file.path);
  return range ? `${p}:${range.start.line}:${range.start.column}` : p;
}

function finding(f: Finding, nodeName: string, c: Colors): string {
  const sevColor = sevColors(f.severity, c);
  const out = [`${c.bold(`${where(f.file, f.range, nodeName)}:`)} ${sevColor(f.severity)}: ${visible(f.message)} ${c.dim(`[${f.rule}]`)}`];
  const frame = f.file && f.range ? codeFrame(f.file, f.range) : [];
  const notes: string[] = [];
  for (const rel of f.related) notes.push(`related: ${relatedWhere(rel, nodeName)}: ${visible(rel.message)}`);
  if (f.fix) notes.push(`fix: ${visible(f.fix.description)} (${f.fix.safety === 'safe' ? 'safe: --fix' : 'unsafe: --fix --unsafe-fixes'})`);
  const width = Math.max(1, ...frame.map((r) => (r.num === '...' ? 1 : String(r.num).length)));
  const gutter = (n: number | null) => c.blue((n === null ? '' : String(n)).padStart(width) + ' |');
  if (frame.length) {
    out.push(gutter(null));
    for (const row of frame) {
      if (row.num === '...') {
        out.push(c.blue('.'.repeat(Math.min(3, width)).padStart(width) + ' |'));
        continue;
      }
      out.push(row.text ? `${gutter(row.num)} ${row.text}` : gutter(row.num));
      if (row.mark) out.push(`${gutter(null)} ${' '.repeat(row.markAt)}${sevColor(row.mark)}`);
    }
  }
  for (const n of notes) out.push(`${' '.repeat(width)} ${c.blue('=')} ${n}`);
  return out.join('\n') + '\n';
}

function relatedWhere(rel: RelatedLocation, nodeName: string): string {
  return where(rel.file, rel.range, nodeName);
}

interface FrameRow {
  num: number | '...';
  text: string;
  /** Underline (^ then ~) and its display column, when this line is in the range. */
  mark: string;
  markAt: number;
}

/** The rows of a code frame: each line of the range with its underline. */
export function codeFrame(src: SourceFile, range: Range): FrameRow[] {
  const first = range.start.line;
  let last = range.end.line;
  let endCol = range.end.column;
  // A range that ends at the start of a line ends, for the eye, at the end of the line before.
  if (last > first && endCol === 1) {
    last--;
    endCol = lineText(src, last).length + 1;
  }
  const lines: number[] = [];
  for (let l = first; l <= last; l++) lines.push(l);
  const shown: (number | '...')[] = lines.length > MAX_LINES ? [first, first + 1, '...', last] : lines;
  const rows: FrameRow[] = [];
  for (const l of shown) {
    if (l === '...') {
      rows.push({ num: '...', text: '', mark: '', markAt: 0 });
      continue;
    }
    const raw = lineText(src, l);
    const from = l === first ? range.start.column - 1 : Math.max(0, raw.search(/\S/));
    const to = l === last ? endCol - 1 : raw.length;
    rows.push(renderLine(l, raw, from, Math.max(from, to), l === first));
  }
  return rows;
}

/** Expand a line for display and place its underline: `from`/`to` are UTF-16 offsets within the line. */
function renderLine(num: number, raw: string, from: number, to: number, startsHere: boolean): FrameRow {
  // Display cells of each UTF-16 offset (a tab is 4 cells; the second half of a surrogate pair 0).
  const cellsBefore: number[] = [0];
  let text = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    const code = raw.charCodeAt(i);
    let shown: string;
    if (ch === '\t') shown = TAB;
    else if (code >= 0xdc00 && code <= 0xdfff && i > 0 && raw.charCodeAt(i - 1) >= 0xd800 && raw.charCodeAt(i - 1) <= 0xdbff) shown = ch;
    else shown = visible(ch);
    text += shown;
    const isLowSurrogate = code >= 0xdc00 && code <= 0xdfff && i > 0;
    cellsBefore.push(cellsBefore[i]! + (isLowSurrogate ? 0 : ch === '\t' ? TAB.length : 1));
  }
  const total = cellsBefore[raw.length]!;
  const start = cellsBefore[Math.min(from, raw.length)]! + Math.max(0, from - raw.length);
  const end = Math.max(start, cellsBefore[Math.min(to, raw.length)]!);
  let markLen = Math.max(1, end - start);
  if (!startsHere && end === start) markLen = 0;
  // Long lines: a window of MAX_WIDTH cells that shows the start of the range.
  let window = text;
  let offset = 0;
  if (total > MAX_WIDTH) {
    const cells = [...text];
    offset = Math.max(0, Math.min(start - 20, total - MAX_WIDTH));
    const head = offset > 0;
    const tailCut = offset + MAX_WIDTH < total;
    window = (head ? '…' : '') + cells.slice(offset + (head ? 1 : 0), offset + MAX_WIDTH - (tailCut ? 1 : 0)).join('') + (tailCut ? '…' : '');
    markLen = Math.max(markLen ? 1 : 0, Math.min(markLen, offset + MAX_WIDTH - start - (tailCut ? 1 : 0)));
  }
  const mark = markLen ? (startsHere ? '^' + '~'.repeat(markLen - 1) : '~'.repeat(markLen)) : '';
  return { num, text: window, mark, markAt: start - offset };
}

function sevColors(s: Severity, c: Colors): (t: string) => string {
  return s === 'error' ? c.red : s === 'warning' ? c.yellow : c.blue;
}

function colors(on: boolean) {
  const w = (a: number, b: number) => (s: string) => (on ? `\x1b[${a}m${s}\x1b[${b}m` : s);
  return { red: w(31, 39), yellow: w(33, 39), blue: w(34, 39), dim: w(2, 22), bold: w(1, 22) };
}
