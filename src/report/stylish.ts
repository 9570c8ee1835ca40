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
import { addCounts, countFindings, plural, visible, zeroCounts, type Counts, type NodeResult } from './types.js';

export interface StylishOptions {
  color: boolean;
  /** Several nodes in the run: a summary line per node, and the summary says in how many nodes the problems are. */
  fleet: boolean;
  /** --quiet (errors only): node lines only for nodes with something to say, no `✔` lines. */
  quiet?: boolean;
}

const TAB = '    ';
const MAX_WIDTH = 120;
const MAX_LINES = 4;

export function formatStylish(results: readonly NodeResult[], opts: StylishOptions): string {
  let out = '';
  const w = new StylishWriter(opts, (s) => (out += s));
  for (const r of results) w.add({ name: r.node.name, text: stylishNode(r, opts.color), counts: countFindings(r.findings), unreadable: 0, internal: false, line: true });
  w.end();
  return out;
}

/** The blocks of one node's findings, each followed by a blank line ('' when it has none). */
export function stylishNode(r: NodeResult, color: boolean): string {
  const c = colors(color);
  let out = '';
  for (const f of r.findings) out += finding(f, r.node.name, c) + '\n';
  return out;
}

/** One node as the stylish writer gets it (from this thread or a worker). */
export interface StylishNode {
  name: string;
  /** stylishNode() of its findings. */
  text: string;
  counts: Counts;
  /** Files of the node that could not be read (each reported on stderr). */
  unreadable: number;
  /** The node could not be linted (an internal error, reported on stderr). */
  internal: boolean;
  /**
   * In a fleet run, print the node's summary line: for a node linted whole, not for one that came
   * from changed files inside it (pre-commit), where only the findings about those files count.
   */
  line: boolean;
}

/**
 * Writes the stylish report as nodes come in (in node order): each node's blocks, in a fleet run
 * then the node's summary line, and at the end the run's summary:
 *
 *     nodes/a: ✖ 2 problems (1 error, 1 warning, 0 info)
 *     nodes/b: ✔ no problems
 *     nodes/c: ✖ 1 file could not be read
 *
 *     ✖ 2 problems (1 error, 1 warning, 0 info) in 1 of 3 nodes
 *       1 fixable with --fix
 *     (1 node with unreadable files)
 *
 * A clean single node prints nothing; a clean fleet prints its node lines and `✔ no problems in N nodes`.
 * Nodes that came from changed files inside them (pre-commit) get no line: a clean commit prints nothing.
 */
export class StylishWriter {
  private readonly c: Colors;
  private readonly total = zeroCounts();
  private nodes = 0;
  private withFindings = 0;
  private unreadableNodes = 0;
  private internalNodes = 0;
  private lines = 0;
  /** The last thing written was a node's summary line (a node's blocks then start after a blank line). */
  private afterLine = false;

  constructor(
    private readonly opts: StylishOptions,
    private readonly write: (s: string) => void,
  ) {
    this.c = colors(opts.color);
  }

  add(n: StylishNode): void {
    const { c } = this;
    this.nodes++;
    const problems = n.counts.errors + n.counts.warnings + n.counts.infos;
    if (problems) this.withFindings++;
    if (n.unreadable) this.unreadableNodes++;
    if (n.internal) this.internalNodes++;
    addCounts(this.total, n.counts);
    let out = '';
    if (n.text) {
      out += (this.afterLine ? '\n' : '') + n.text;
      this.afterLine = false;
    }
    if (this.opts.fleet && n.line && !(this.opts.quiet && !problems && !n.unreadable && !n.internal)) {
      this.lines++;
      const parts: string[] = [];
      if (problems) parts.push(`${plural(problems, 'problem')} (${plural(n.counts.errors, 'error')}, ${plural(n.counts.warnings, 'warning')}, ${n.counts.infos} info)`);
      if (n.unreadable) parts.push(`${plural(n.unreadable, 'file')} could not be read`);
      if (n.internal) parts.push('not linted (internal error)');
      const color = n.counts.errors || n.unreadable || n.internal ? c.red : n.counts.warnings ? c.yellow : c.blue;
      out += `${c.bold(`${n.name}:`)} ${parts.length ? `${color('✖')} ${parts.join('; ')}` : `${c.green('✔')} no problems`}\n`;
      this.afterLine = true;
    }
    if (out) this.write(out);
  }

  end(): void {
    const { c, total: s } = this;
    const problems = s.errors + s.warnings + s.infos;
    const tail: string[] = [];
    if (problems) {
      let line = `✖ ${plural(problems, 'problem')} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.infos} info)`;
      if (this.opts.fleet) line += ` in ${this.withFindings} of ${plural(this.nodes, 'node')}`;
      tail.push((s.errors ? c.red : s.warnings ? c.yellow : c.blue)(c.bold(line)));
      if (s.safe && s.unsafe) tail.push(`  ${s.safe} fixable with --fix, ${s.unsafe} more with --fix --unsafe-fixes`);
      else if (s.safe) tail.push(`  ${s.safe} fixable with --fix`);
      else if (s.unsafe) tail.push(`  ${s.unsafe} fixable with --fix --unsafe-fixes`);
    } else if (this.opts.fleet && this.lines && !this.opts.quiet) tail.push(c.green(c.bold(`✔ no problems in ${plural(this.nodes, 'node')}`)));
    if (this.opts.fleet && this.lines && (this.unreadableNodes || this.internalNodes)) {
      const not: string[] = [];
      if (this.unreadableNodes) not.push(`${plural(this.unreadableNodes, 'node')} with unreadable files`);
      if (this.internalNodes) not.push(`${plural(this.internalNodes, 'node')} not linted`);
      tail.push(`  (${not.join(', ')}: see stderr)`);
    }
    if (tail.length) this.write((this.afterLine ? '\n' : '') + tail.join('\n') + '\n');
  }
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
  return { red: w(31, 39), yellow: w(33, 39), blue: w(34, 39), green: w(32, 39), dim: w(2, 22), bold: w(1, 22) };
}
