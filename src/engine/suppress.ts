/**
 * Inline suppression: `# crilint-disable-…` directives in the files' own comments.
 *
 *   # crilint-disable-next-line RULE[, RULE…] [-- reason]   the next code line
 *   key = value  # crilint-disable-line RULE[, RULE…]        this line (after the value)
 *   # crilint-disable-file RULE[, RULE…]                     the whole file (anywhere in it)
 *
 * Decisions (rules/unused-suppression.md is the user-facing version):
 * - No rule list means every rule (`# crilint-disable-next-line -- generated`); a list names
 *   rules separated by commas. `-- reason` is optional and is kept with the directive.
 * - "Next line" is the next line that is neither blank nor a comment, so stacked directives
 *   (one per rule, each with its own reason) all apply to the same code line.
 * - A finding is covered by a directive at its *primary* location: its file and the line its
 *   range starts on. Directives at `related` locations do not suppress it (the finding is about
 *   the primary place; a cross-file finding is silenced where it is reported). Node-level
 *   findings (no file) can only be turned off in crilint.config.yaml.
 * - `syntax` findings are never suppressed (the component refuses the file), and
 *   `unused-suppression` findings are not suppressible inline (turn the rule off in the config).
 * - When several directives cover a finding, the most specific one gets the credit: a line
 *   directive before a file directive, then the first in the file. A directive that gets no
 *   credit for any finding is unused.
 * - Unused directives are reported as `unused-suppression` (warning) at the directive, with a
 *   safe fix that deletes it (the whole line when the comment is alone on it). When only some
 *   rules of a list are unused, each is reported at its name with a fix that drops it from the
 *   list. Unknown rule IDs, things that are not rule IDs, unknown `crilint-…` directives and
 *   rules that cannot be suppressed are reported under the same rule ID with their own message
 *   and no fix (a typo should be corrected, not deleted).
 * - A file with a `syntax` finding gets no "unused" reports: its rules may not have seen it.
 * - A directive naming a known rule that did not run (`off` in the config, profile not enabled)
 *   is neither used nor reported, so the same files lint the same under different configs.
 * - sysctl.d, modules-load.d and kubelet flag files (systemd EnvironmentFile) have whole-line
 *   comments only (first non-blank character `#` or `;`; both markers work for directives).
 *   `value # crilint-disable-line …` there is *not* a comment: the consumer writes the text as
 *   part of the value, so it suppresses nothing and is reported, with an unsafe fix that moves
 *   it onto a line of its own (unsafe: it changes the value the node applies).
 * - Known rule IDs come from the caller: registered rules plus ENGINE_RULES (docs.ts
 *   knownRuleIds()).
 */
import type { SourceFile } from '../core/source.js';
import { lineText, rangeOf } from '../core/source.js';
import type { Finding, Fix, Range, Severity, TextEdit } from '../core/types.js';
import type { NodeSet } from '../model/nodeset.js';
import type { Comment } from '../parse/common.js';
import { suggest } from '../schema/validate.js';
import type { RuleMeta } from './rule.js';
import { sortFindings } from './run.js';

export const UNUSED_SUPPRESSION = 'unused-suppression';
export const SYNTAX = 'syntax';

/** Rules the engine reports itself (not modules in src/rules): listed by `crilint rules`, explained by `crilint explain`. */
export const ENGINE_RULES: readonly RuleMeta[] = [
  {
    id: SYNTAX,
    description: 'A file that its component cannot read: invalid TOML/YAML, binary or non-UTF-8 bytes, too large',
    severity: 'error',
    files: [],
  },
  {
    id: UNUSED_SUPPRESSION,
    description: 'A crilint-disable directive that suppresses nothing, names an unknown rule, or is not a comment',
    severity: 'warning',
    files: [],
    fixable: 'safe',
  },
];

export type DirectiveKind = 'next-line' | 'line' | 'file';

const KEYWORDS: Record<string, DirectiveKind> = {
  'crilint-disable-next-line': 'next-line',
  'crilint-disable-line': 'line',
  'crilint-disable-file': 'file',
};

/** One entry of a directive's rule list, as written. */
export interface RuleRef {
  id: string;
  /** Offsets of the name in the file. */
  start: number;
  end: number;
  range: Range;
}

export interface Directive {
  kind: DirectiveKind;
  /** `crilint-disable-next-line` etc., as written. */
  keyword: string;
  file: SourceFile;
  comment: Comment;
  /** The line the directive covers (`line`: its own; `next-line`: the next code line, null at the end of the file); null for `file`. */
  targetLine: number | null;
  /** null: every rule. */
  rules: RuleRef[] | null;
  reason: string | null;
}

export interface SuppressOptions {
  /**
   * Rule IDs that ran. A directive entry naming a known rule that is not active is neither used
   * nor reported as unused. Default: every known rule is active.
   */
  activeRules?: readonly string[];
  /** Severity of `unused-suppression` findings from the config, or 'off' (default: warning). */
  severity?: Severity | 'off';
}

export interface SuppressResult {
  /** Findings that stay, plus `unused-suppression` findings, sorted. */
  findings: Finding[];
  /** Findings a directive silenced, each with the directive that did it. */
  suppressed: { finding: Finding; directive: Directive }[];
}

/** Kinds whose consumers know only whole-line comments. */
const WHOLE_LINE_COMMENTS: Partial<Record<SourceFile['kind'], { what: string; value: string }>> = {
  sysctl: { what: 'sysctl.d', value: 'the value' },
  'modules-load': { what: 'modules-load.d', value: 'the module name' },
  'kubelet-flags': { what: 'kubelet flag (EnvironmentFile)', value: 'the value' },
  'systemd-unit': { what: 'systemd unit', value: 'the value' },
};

/**
 * IDs of the rules that run under these settings: not `off`, and, for a rule of an opt-in
 * profile, the profile enabled or the rule given a severity (the decision runRules makes).
 * Pass the result as SuppressOptions.activeRules.
 */
export function activeRuleIds(metas: readonly RuleMeta[], severity: Readonly<Record<string, Severity | 'off'>> = {}, profiles: readonly string[] = []): string[] {
  return metas
    .filter((m) => {
      const s = severity[m.id];
      if (s === 'off') return false;
      return !m.profile || profiles.includes(m.profile) || s !== undefined;
    })
    .map((m) => m.id);
}

export function applySuppressions(node: NodeSet, findings: Finding[], knownRules: string[], opts: SuppressOptions = {}): Finding[] {
  return applySuppressionsDetailed(node, findings, knownRules, opts).findings;
}

export function applySuppressionsDetailed(node: NodeSet, findings: Finding[], knownRules: readonly string[], opts: SuppressOptions = {}): SuppressResult {
  const known = new Set(knownRules);
  const active = opts.activeRules ? new Set(opts.activeRules) : known;
  const problems: Finding[] = [];
  const byFile = new Map<SourceFile, Directive[]>();
  for (const file of node.files) {
    const { directives, findings: p } = parseDirectives(file, commentsOf(node, file));
    if (directives.length) byFile.set(file, directives);
    problems.push(...p);
  }

  // Credit: per directive, whether it was used as "all rules", and which of its refs were used.
  const usedAll = new Set<Directive>();
  const usedRefs = new Set<RuleRef>();
  const kept: Finding[] = [];
  const suppressed: SuppressResult['suppressed'] = [];
  for (const f of findings) {
    const hit = f.rule === SYNTAX || f.rule === UNUSED_SUPPRESSION || !f.file || !f.range ? null : cover(byFile.get(f.file), f);
    if (!hit) {
      kept.push(f);
      continue;
    }
    if (hit.ref) usedRefs.add(hit.ref);
    else usedAll.add(hit.directive);
    suppressed.push({ finding: f, directive: hit.directive });
  }

  const broken = new Set(findings.filter((f) => f.rule === SYNTAX && f.file).map((f) => f.file!));
  for (const [file, directives] of byFile) {
    for (const d of directives) problems.push(...judge(d, { known, active, usedAll, usedRefs, checkUse: !broken.has(file) }));
  }

  const severity = opts.severity ?? 'warning';
  const out = severity === 'off' ? kept : [...kept, ...problems.map((p) => ({ ...p, severity }))];
  return { findings: sortFindings(out), suppressed };
}

/**
 * The comments of a file as its consumer sees them: what the loader recorded. For the
 * whole-line-comment formats, lines are read here when no loader recorded the file, and a
 * comment a loader marked as trailing is dropped (the consumer has no such thing).
 */
function commentsOf(node: NodeSet, file: SourceFile): Comment[] {
  const recorded = node.comments.get(file);
  if (!WHOLE_LINE_COMMENTS[file.kind]) return recorded ?? [];
  return recorded ? recorded.filter((c) => c.ownLine) : wholeLineComments(file);
}

/** Lines whose first non-blank character is `#` or `;` (sysctl.d(5), modules-load.d(5), systemd EnvironmentFile). */
export function wholeLineComments(file: SourceFile): Comment[] {
  const out: Comment[] = [];
  for (let line = 1; line <= file.lineStarts.length; line++) {
    const text = lineText(file, line);
    const m = /^[ \t]*([#;])/.exec(text);
    if (!m) continue;
    const start = file.lineStarts[line - 1]! + m[0].length - 1;
    out.push({ text: text.slice(m[0].length), line, range: rangeOf(file, start, file.lineStarts[line - 1]! + text.length), ownLine: true });
  }
  return out;
}

/** Parse the directives of one file; problems are `unused-suppression` findings that do not depend on what the rules found. */
export function parseDirectives(file: SourceFile, comments: readonly Comment[]): { directives: Directive[]; findings: Finding[] } {
  const directives: Directive[] = [];
  const findings: Finding[] = [];
  const commentLines = new Set(comments.filter((c) => c.ownLine).map((c) => c.line));
  for (const c of comments) {
    const textStart = c.range.end.offset - c.text.length;
    const m = /^(\s*)(crilint-\S*)(.*)$/s.exec(c.text);
    if (!m) continue;
    const keyword = m[2]!;
    const kind = KEYWORDS[keyword];
    const kwStart = textStart + m[1]!.length;
    if (!kind) {
      const near = suggest(keyword, Object.keys(KEYWORDS));
      findings.push(
        problem(file, kwStart, kwStart + keyword.length, near ? `unknown directive "${keyword}" (did you mean "${near}"?)` : `unknown directive "${keyword}"; use crilint-disable-next-line, crilint-disable-line or crilint-disable-file`),
      );
      continue;
    }
    const restStart = kwStart + keyword.length;
    const rest = m[3]!;
    const sep = /(?:^|\s)--(?:\s|$)/.exec(rest);
    const listText = sep ? rest.slice(0, sep.index) : rest;
    const reason = sep ? rest.slice(sep.index + sep[0].length).trim() || null : null;
    let rules: RuleRef[] | null = null;
    if (listText.trim()) {
      rules = [];
      let at = 0;
      for (const part of listText.split(',')) {
        const lead = part.length - part.trimStart().length;
        const id = part.trim();
        const start = restStart + at + lead;
        at += part.length + 1;
        if (!id) continue;
        rules.push({ id, start, end: start + id.length, range: rangeOf(file, start, start + id.length) });
      }
      if (!rules.length) {
        findings.push(problem(file, kwStart, c.range.end.offset, `empty rule list in ${keyword}: name rules separated by commas, or none at all for every rule`));
        continue;
      }
    }
    directives.push({ kind, keyword, file, comment: c, targetLine: targetLine(file, kind, c, commentLines), rules, reason });
  }
  if (WHOLE_LINE_COMMENTS[file.kind]) findings.push(...inlineNonComments(file));
  return { directives, findings };
}

function targetLine(file: SourceFile, kind: DirectiveKind, c: Comment, commentLines: Set<number>): number | null {
  if (kind === 'file') return null;
  if (kind === 'line') return c.line;
  for (let l = c.line + 1; l <= file.lineStarts.length; l++) {
    if (commentLines.has(l) || lineText(file, l).trim() === '') continue;
    return l;
  }
  return null;
}

function cover(directives: Directive[] | undefined, f: Finding): { directive: Directive; ref: RuleRef | null } | null {
  if (!directives) return null;
  const line = f.range!.start.line;
  const lineLevel = directives.filter((d) => d.kind !== 'file' && d.targetLine === line);
  const fileLevel = directives.filter((d) => d.kind === 'file');
  for (const d of [...lineLevel, ...fileLevel]) {
    if (!d.rules) return { directive: d, ref: null };
    const ref = d.rules.find((r) => r.id === f.rule);
    if (ref) return { directive: d, ref };
  }
  return null;
}

interface Usage {
  known: Set<string>;
  active: Set<string>;
  usedAll: Set<Directive>;
  usedRefs: Set<RuleRef>;
  /** False in a file with a syntax finding: rules may not have seen it, so nothing is "unused" there. */
  checkUse: boolean;
}

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function judge(d: Directive, u: Usage): Finding[] {
  const out: Finding[] = [];
  const file = d.file;
  if (!d.rules) {
    if (u.checkUse && !u.usedAll.has(d)) out.push(problem(file, d.comment.range.start.offset, d.comment.range.end.offset, unusedMessage(d, null), removeDirective(d)));
    return out;
  }
  const unused: RuleRef[] = [];
  for (const r of d.rules) {
    const bad = invalidRef(d, r, u.known);
    if (bad) out.push(problem(file, r.start, r.end, bad));
    else if (u.active.has(r.id) && !u.usedRefs.has(r)) unused.push(r);
  }
  if (!u.checkUse || !unused.length) return out;
  if (unused.length === d.rules.length) {
    out.push(problem(file, d.comment.range.start.offset, d.comment.range.end.offset, unusedMessage(d, unused), removeDirective(d)));
    return out;
  }
  for (const r of unused) out.push(problem(file, r.start, r.end, unusedMessage(d, [r]), removeRef(d, r)));
  return out;
}

/** Why a rule list entry can never suppress anything, or null for a valid entry. */
function invalidRef(d: Directive, r: RuleRef, known: Set<string>): string | null {
  if (!RULE_ID.test(r.id)) return `"${r.id}" is not a rule ID: separate rule IDs with commas and put a reason after " -- "`;
  if (r.id === SYNTAX) return `"syntax" findings cannot be suppressed: the component refuses a file that does not parse`;
  if (r.id === UNUSED_SUPPRESSION) return `"unused-suppression" cannot be suppressed by a directive: delete the directive, or set unused-suppression: off in crilint.config.yaml`;
  if (known.has(r.id)) return null;
  const near = suggest(r.id, [...known].filter((k) => k !== SYNTAX && k !== UNUSED_SUPPRESSION));
  return `unknown rule "${r.id}" in ${d.keyword}${near ? ` (did you mean "${near}"?)` : ''}`;
}

function unusedMessage(d: Directive, refs: RuleRef[] | null): string {
  const what = refs ? `no ${orList(refs.map((r) => `"${r.id}"`))} finding` : 'nothing to suppress';
  switch (d.kind) {
    case 'file':
      return `unused ${d.keyword}: ${what} in this file`;
    case 'line':
      if (d.comment.ownLine) return `unused ${d.keyword}: it is alone on its line, so it covers only itself; use crilint-disable-next-line above the line to suppress`;
      return `unused ${d.keyword}: ${what} on this line`;
    case 'next-line':
      if (d.targetLine === null) return `unused ${d.keyword}: no line follows it`;
      return `unused ${d.keyword}: ${what} on line ${d.targetLine}`;
  }
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function problem(file: SourceFile, start: number, end: number, message: string, fix?: Fix): Finding {
  return { rule: UNUSED_SUPPRESSION, severity: 'warning', message, file, range: rangeOf(file, start, end), related: [], ...(fix ? { fix } : {}) };
}

/** Delete a directive: its whole line when the comment is alone on it, else the comment and the blanks before it. */
function removeDirective(d: Directive): Fix {
  return { safety: 'safe', description: `remove the unused ${d.keyword} directive`, changes: [{ file: d.file, edits: [removeComment(d.file, d.comment)] }] };
}

export function removeComment(file: SourceFile, c: Comment): TextEdit {
  const text = file.text;
  if (c.ownLine) {
    const start = file.lineStarts[c.line - 1]!;
    const next = file.lineStarts[c.line];
    if (next !== undefined) return { start, end: next, text: '' };
    // Last line without a terminator: take the previous line's terminator instead.
    let from = start;
    if (from > 0) from--;
    if (from > 0 && text[from - 1] === '\r') from--;
    return { start: from, end: text.length, text: '' };
  }
  let start = c.range.start.offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { start, end: c.range.end.offset, text: '' };
}

/** Drop one rule from a directive's list, with the comma that joins it to a neighbour. */
function removeRef(d: Directive, r: RuleRef): Fix {
  const list = d.rules!;
  const i = list.indexOf(r);
  const edit: TextEdit = i < list.length - 1 ? { start: r.start, end: list[i + 1]!.start, text: '' } : { start: list[i - 1]!.end, end: r.end, text: '' };
  return { safety: 'safe', description: `remove "${r.id}" from the ${d.keyword} directive`, changes: [{ file: d.file, edits: [edit] }] };
}

/** `value # crilint-…` in a file with whole-line comments only: not a comment, reported with a fix that moves it to a line of its own. */
function inlineNonComments(file: SourceFile): Finding[] {
  const fmt = WHOLE_LINE_COMMENTS[file.kind]!;
  const out: Finding[] = [];
  for (let line = 1; line <= file.lineStarts.length; line++) {
    const text = lineText(file, line);
    if (/^[ \t]*([#;]|$)/.test(text)) continue;
    const m = /[ \t]#[ \t]*(crilint-\S*)(.*)$/.exec(text);
    if (!m) continue;
    const lineStart = file.lineStarts[line - 1]!;
    const hash = lineStart + m.index + m[0].indexOf('#');
    const end = lineStart + text.length;
    const keyword = m[1]!;
    const directive = text.slice(hash - lineStart);
    let ws = hash;
    while (ws > lineStart && (file.text[ws - 1] === ' ' || file.text[ws - 1] === '\t')) ws--;
    const indent = /^[ \t]*/.exec(text)![0];
    let fix: Fix | undefined;
    const edits: TextEdit[] = [{ start: ws, end, text: '' }];
    if (keyword === 'crilint-disable-line' || keyword === 'crilint-disable-file') {
      const moved = keyword === 'crilint-disable-line' ? directive.replace('crilint-disable-line', 'crilint-disable-next-line') : directive;
      edits.unshift({ start: lineStart, end: lineStart, text: `${indent}${moved}${file.eol}` });
    } else if (keyword === 'crilint-disable-next-line' && file.lineStarts[line] !== undefined) {
      const at = file.lineStarts[line]!;
      edits.push({ start: at, end: at, text: `${indent}${directive}${file.eol}` });
    }
    if (edits.length === 2) fix = { safety: 'unsafe', description: `move the ${keyword} directive onto a comment line of its own`, changes: [{ file, edits }] };
    out.push(
      problem(
        file,
        hash,
        end,
        `"# ${keyword}" is not a comment here: ${fmt.what} files have whole-line comments only, so this text is part of ${fmt.value} and suppresses nothing`,
        fix,
      ),
    );
  }
  return out;
}
