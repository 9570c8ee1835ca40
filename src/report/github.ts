/**
 * `--format github`: one GitHub Actions workflow command per finding, so each finding becomes an
 * annotation on the file and line in the pull request and the run summary:
 *
 *     ::error file=nodes/a/etc/containerd/config.toml,line=41,col=7,endLine=41,endColumn=28,title=cgroup-driver-mismatch::kubelet cgroupDriver is …%0Arelated: nodes/a/var/lib/kubelet/config.yaml:7:15: kubelet setting is here%0Afix: set SystemdCgroup = true (unsafe: --fix --unsafe-fixes)
 *
 * - error → `::error`, warning → `::warning`, info → `::notice`; `title` is the rule ID.
 * - `file` is relative to the working directory (`/`-separated), which is the repository root in
 *   a workflow that runs crilint from its checkout, so the annotation lands on the repository file.
 *   A file outside the working directory keeps its absolute path.
 * - `line`/`endLine` always; `col`/`endColumn` (1-based, UTF-16 code units, end exclusive as in
 *   every crilint format) only when the range starts and ends on one line: GitHub annotations
 *   carry columns only within a single line.
 * - A finding about the node as a whole has no `file`; its message starts with the node's name.
 * - The message is the finding's message, then one `related: path:line:col: message` line per
 *   related location and a `fix:` line, joined by newlines.
 * - Escaping is GitHub's (@actions/core): in the message `%` → `%25`, CR → `%0D`, LF → `%0A`; in
 *   property values also `:` → `%3A` and `,` → `%2C`. Other control characters are shown as
 *   visible symbols, as in the stylish format, so a file's bytes cannot write their own commands.
 *
 * Nothing else is printed on stdout (no summary): the workflow log shows each command as an
 * annotation line, and the exit code says whether the step failed.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Finding, Range, Severity } from '../core/types.js';
import type { SourceFile } from '../core/source.js';
import { visible, type NodeResult } from './types.js';

export interface GithubOptions {
  /** Paths are relative to this directory (default: the working directory). */
  cwd?: string;
}

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function formatGithub(results: readonly NodeResult[], opts: GithubOptions = {}): string {
  return results.map((r) => githubNode(r, opts)).join('');
}

/** One node's workflow commands, one line each ('' for none): the output is the nodes' texts in order. */
export function githubNode(r: NodeResult, opts: GithubOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  let out = '';
  for (const f of r.findings) out += command(f, r.node.name, cwd) + '\n';
  return out;
}

function command(f: Finding, nodeName: string, cwd: string): string {
  const props: [string, string | number][] = [];
  if (f.file) {
    props.push(['file', pathFor(f.file, cwd)]);
    if (f.range) {
      const r = f.range;
      props.push(['line', r.start.line]);
      if (r.start.line === r.end.line) props.push(['col', r.start.column]);
      props.push(['endLine', r.end.line]);
      if (r.start.line === r.end.line) props.push(['endColumn', r.end.column]);
    }
  }
  props.push(['title', f.rule]);
  const parts = [f.file ? f.message : `${nodeName}: ${f.message}`];
  for (const rel of f.related) parts.push(`related: ${where(rel.file, rel.range, nodeName, cwd)}: ${rel.message}`);
  if (f.fix) parts.push(`fix: ${f.fix.description} (${f.fix.safety === 'safe' ? 'safe: --fix' : 'unsafe: --fix --unsafe-fixes'})`);
  const message = parts.map((p) => escapeData(visibleExceptBreaks(p))).join('%0A');
  return `::${COMMAND[f.severity]} ${props.map(([k, v]) => `${k}=${escapeProperty(visibleExceptBreaks(String(v)))}`).join(',')}::${message}`;
}

function where(file: SourceFile | null, range: Range | null, nodeName: string, cwd: string): string {
  if (!file) return nodeName;
  const p = pathFor(file, cwd);
  return range ? `${p}:${range.start.line}:${range.start.column}` : p;
}

/** The file relative to `cwd` with `/` separators, or its absolute path when outside `cwd`. */
export function pathFor(file: SourceFile, cwd: string): string {
  const rel = relative(cwd, file.path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return file.path;
  return rel.split(sep).join('/');
}

/** Control characters become visible symbols, except CR and LF, which GitHub's escaping carries. */
function visibleExceptBreaks(s: string): string {
  return s.replace(/[^\r\n]+/g, (run) => visible(run));
}

/** @actions/core escapeData: a command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** @actions/core escapeProperty: a command's property value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
