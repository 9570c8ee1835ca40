/**
 * The fix applier: ESLint's SourceCodeFixer plus its verify-and-fix loop, over several files.
 *
 * One pass: take the findings' fixes (safe only, or safe and unsafe), order them by their
 * first edit, and accept each fix whose edits touch nothing an accepted fix touches (in every
 * file it changes); the others wait for the next pass. A fix is atomic: all of its edits, in all
 * of its files, or none. The accepted edits are applied to the in-memory texts, every changed
 * file is re-parsed (`parses`), and the caller re-lints the new texts (`relint`) to get the
 * next pass's findings, whose fixes are offsets into the new texts.
 *
 * Stops when a pass applies nothing or changes nothing, after `maxPasses` (10) passes, or when
 * the texts come back to a state already seen (circular fixes). A pass whose output does not
 * parse is discarded; the fixes that touched the broken file are dropped (and not retried in
 * later passes), reported as an internal error, and the pass is redone without them. Fixes that
 * each parse alone but not together in one file are not an error: the first is applied, the others
 * wait for the next pass (which re-lints the first one's result).
 * Nothing here throws for a bad fix: problems are returned as `failed` and `diagnostics`.
 *
 * Texts are SourceFile.text (no BOM); `bom` and `eol` are carried for the writer, which re-adds
 * the BOM. Line endings are never converted here (the builders write the file's own).
 */
import type { SourceFile } from '../core/source.js';
import type { FileChange, Finding, Fix, TextEdit } from '../core/types.js';
import { applyEdits, changePath, firstOverlap, sortEdits } from './common.js';

export interface ApplyOptions {
  /** Also apply fixes marked 'unsafe' (`--unsafe-fixes`). */
  unsafe?: boolean;
  /** Default 10. */
  maxPasses?: number;
  /**
   * Re-parse and re-lint with the current texts. `texts` holds every file changed or created so
   * far (keyed by SourceFile.path / the created path; text without BOM); other files are as on
   * disk. Findings must refer to SourceFiles whose text is the text given here.
   */
  relint(texts: ReadonlyMap<string, string>): Finding[];
  /** Does `text` still parse as the format of the file at `path`? */
  parses(path: string, text: string): boolean;
}

export interface FixedFile {
  path: string;
  display: string;
  /** The text before any fix (null for a created file). */
  original: string | null;
  /** The text after the fixes (no BOM). */
  text: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  created: boolean;
}

export interface FixRecord {
  rule: string;
  message: string;
  description: string;
  safety: Fix['safety'];
  /** Display paths of the files the fix changes. */
  files: string[];
  pass: number;
}

export interface FailedFix extends FixRecord {
  reason: string;
}

export interface FixDiagnostic {
  /**
   * unparsable: a pass produced text that does not parse (an internal error: a rule's fix is wrong);
   * circular: fixes keep undoing each other; max-passes: fixes were still pending after the last pass.
   */
  kind: 'unparsable' | 'circular' | 'max-passes';
  internal: boolean;
  message: string;
  file?: string;
  rules: string[];
}

export interface FixResult {
  /** Every file changed or created, whose final text differs from the original (keyed by path). */
  files: Map<string, FixedFile>;
  applied: FixRecord[];
  /** Fixes that were never applied: still overlapping after the last pass, or stopped by a diagnostic. */
  deferred: FixRecord[];
  /** Unsafe fixes left out because unsafe fixes were not enabled. */
  skippedUnsafe: FixRecord[];
  /** Fixes that cannot be applied (invalid edits, stale text, broken output). */
  failed: FailedFix[];
  diagnostics: FixDiagnostic[];
  /** Findings that remain: the last re-lint's (or the input, when nothing was applied). */
  findings: Finding[];
  passes: number;
}

interface State {
  path: string;
  display: string;
  original: string | null;
  text: string;
  bom: boolean;
  eol: '\n' | '\r\n';
  created: boolean;
}

interface Candidate {
  finding: Finding;
  fix: Fix;
  /** Per file path: sorted edits. */
  edits: Map<string, TextEdit[]>;
  /** Per file path: the change that names it (for creating its state). */
  changes: Map<string, FileChange>;
  /** Path and offset of the fix's first edit (in the first file it changes). */
  firstPath: string;
  first: number;
  record: FixRecord;
}

function fixKey(f: Finding): string {
  return JSON.stringify([f.rule, f.message, f.fix?.description ?? '', f.fix?.changes.map((c) => changePath(c)) ?? []]);
}

function displayOf(c: FileChange): string {
  return c.create ? c.create.display : (c.file?.display ?? '?');
}

export function applyFixes(initial: readonly Finding[], opts: ApplyOptions): FixResult {
  const maxPasses = opts.maxPasses ?? 10;
  const states = new Map<string, State>();
  const result: FixResult = {
    files: new Map(),
    applied: [],
    deferred: [],
    skippedUnsafe: [],
    failed: [],
    diagnostics: [],
    findings: [...initial],
    passes: 0,
  };
  const blocked = new Set<string>();
  const seen = new Set<string>([snapshot(states)]);
  let findings = [...initial];
  let stoppedEarly = false;
  const known = new Map<string, string>();

  for (let pass = 1; ; pass++) {
    const record = (f: Finding): FixRecord => ({
      rule: f.rule,
      message: f.message,
      description: f.fix!.description,
      safety: f.fix!.safety,
      files: f.fix!.changes.map(displayOf),
      pass,
    });
    const fixable = findings.filter((f) => f.fix && f.fix.changes.some((c) => c.edits.length));
    const wanted = fixable.filter((f) => f.fix!.safety === 'safe' || opts.unsafe);
    result.skippedUnsafe = fixable.filter((f) => !wanted.includes(f)).map(record);
    // The text each file has now: changed files from the states, others from the first SourceFile seen.
    for (const f of findings) {
      for (const file of [f.file, ...(f.fix?.changes.map((c) => c.file) ?? [])]) {
        if (file && !states.has(file.path) && !known.has(file.path)) known.set(file.path, file.text);
      }
    }
    const candidates: Candidate[] = [];
    for (const f of wanted) {
      const key = fixKey(f);
      if (blocked.has(key)) continue;
      const c = prepare(f, states, known, record(f));
      if (typeof c === 'string') {
        blocked.add(key);
        result.failed.push({ ...record(f), reason: c });
      } else candidates.push(c);
    }
    if (!candidates.length) break;
    if (pass > maxPasses) {
      stoppedEarly = true;
      result.diagnostics.push({
        kind: 'max-passes',
        internal: false,
        message: `fixes still pending after ${maxPasses} passes; run again or fix by hand`,
        rules: unique(candidates.map((c) => c.finding.rule)),
      });
      break;
    }
    // Conflicts are settled per file in order of position (ESLint's order); reports keep the findings' order.
    const order = new Map(candidates.map((c, i) => [c, i]));
    candidates.sort((a, b) => (a.firstPath < b.firstPath ? -1 : a.firstPath > b.firstPath ? 1 : a.first - b.first || order.get(a)! - order.get(b)!));

    // Choose, apply, verify; drop the fixes behind unparsable output and redo the pass.
    let chosen: Candidate[] = [];
    let next = new Map<string, string>();
    let pool = candidates;
    for (;;) {
      chosen = choose(pool);
      next = applyChosen(chosen, states);
      const broken = [...next].filter(([path, text]) => !opts.parses(path, text));
      if (!broken.length) break;
      // Blame: a fix whose own edits break the file. When none does alone, only their combination
      // breaks it (one fix renames a key to the name another inserts): that is no bug, the fixes
      // just cannot share a pass. The first stays, the others wait for the next pass, whose
      // re-lint sees the first one's result.
      const culprits = new Set<Candidate>();
      const postponed = new Set<Candidate>();
      for (const [path] of broken) {
        const touching = chosen.filter((c) => c.edits.has(path));
        const base = baseText(states, touching[0]!, path);
        const alone = touching.filter((c) => !opts.parses(path, applyEdits(base, c.edits.get(path)!)));
        if (!alone.length) {
          for (const c of touching.slice(1)) postponed.add(c);
          continue;
        }
        for (const c of alone) culprits.add(c);
        const rules = unique(alone.map((c) => c.finding.rule));
        const shown = displayPath(states, path, touching);
        result.diagnostics.push({
          kind: 'unparsable',
          internal: true,
          message: `internal error: the fix${alone.length > 1 ? 'es' : ''} of ${rules.join(', ')} made ${shown} unparsable; the pass was redone without ${alone.length > 1 ? 'them' : 'it'}`,
          file: shown,
          rules,
        });
      }
      const guilty = [...culprits];
      for (const g of guilty) {
        blocked.add(fixKey(g.finding));
        result.failed.push({ ...g.record, reason: 'its output does not parse' });
      }
      pool = pool.filter((c) => !guilty.includes(c) && !postponed.has(c));
      if (!pool.length) {
        chosen = [];
        next = new Map();
        break;
      }
    }
    if (!chosen.length) break;

    // Commit the pass.
    const before = snapshot(states);
    for (const c of chosen) {
      for (const [path, ch] of c.changes) if (!states.has(path)) states.set(path, newState(ch));
    }
    for (const [path, text] of next) states.get(path)!.text = text;
    result.passes = pass;
    result.applied.push(...[...chosen].sort((a, b) => order.get(a)! - order.get(b)!).map((c) => c.record));
    const after = snapshot(states);
    if (after === before) break; // the fixes changed nothing
    if (seen.has(after)) {
      stoppedEarly = true;
      result.diagnostics.push({
        kind: 'circular',
        internal: true,
        message: `internal error: circular fixes (pass ${pass} brought the files back to an earlier state); stopped`,
        rules: unique(chosen.map((c) => c.finding.rule)),
      });
      findings = opts.relint(currentTexts(states));
      result.findings = findings;
      break;
    }
    seen.add(after);
    findings = opts.relint(currentTexts(states));
    result.findings = findings;
  }

  if (stoppedEarly) {
    result.deferred = result.findings
      .filter((f) => f.fix && (f.fix.safety === 'safe' || opts.unsafe) && !blocked.has(fixKey(f)))
      .map((f) => ({ rule: f.rule, message: f.message, description: f.fix!.description, safety: f.fix!.safety, files: f.fix!.changes.map(displayOf), pass: result.passes + 1 }));
  }
  for (const [path, s] of states) {
    if (s.text !== s.original) result.files.set(path, { ...s });
  }
  return result;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function displayPath(states: Map<string, State>, path: string, cands: Candidate[]): string {
  const s = states.get(path);
  if (s) return s.display;
  for (const c of cands) for (const ch of c.fix.changes) if (changePath(ch) === path) return displayOf(ch);
  return path;
}

function newState(ch: FileChange): State {
  if (ch.create) return { path: ch.create.path, display: ch.create.display, original: null, text: '', bom: false, eol: '\n', created: true };
  const f = ch.file!;
  return { path: f.path, display: f.display, original: f.text, text: f.text, bom: f.bom, eol: f.eol, created: false };
}

function currentTexts(states: Map<string, State>): Map<string, string> {
  return new Map([...states].map(([p, s]) => [p, s.text]));
}

/** The changed part of the state (files back at their original text drop out, so a return to the start is seen). */
function snapshot(states: Map<string, State>): string {
  return JSON.stringify(
    [...states]
      .filter(([, s]) => s.text !== s.original)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([p, s]) => [p, s.text]),
  );
}

/** Validate a finding's fix against the current texts; a string is the reason it cannot apply. */
function prepare(f: Finding, states: Map<string, State>, known: Map<string, string>, record: FixRecord): Candidate | string {
  const edits = new Map<string, TextEdit[]>();
  const changes = new Map<string, FileChange>();
  let first = Infinity;
  let firstPath = '';
  for (const ch of f.fix!.changes) {
    if (!ch.edits.length) continue;
    let path: string;
    try {
      path = changePath(ch);
    } catch (e) {
      return (e as Error).message;
    }
    const state = states.get(path);
    let text: string;
    if (ch.create) {
      if (state && (state.text !== '' || !state.created)) return `${ch.create.display} already exists`;
      text = '';
    } else {
      const file = ch.file as SourceFile;
      text = state ? state.text : (known.get(path) ?? file.text);
      if (file.text !== text) return `${file.display}: the fix was made for other text than the file has now`;
    }
    const list = sortEdits([...(edits.get(path) ?? []), ...ch.edits]);
    const clash = firstOverlap(list);
    if (clash) return `${displayOf(ch)}: its edits overlap each other`;
    for (const e of list) {
      if (!(Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start <= e.end && e.end <= text.length)) {
        return `${displayOf(ch)}: edit ${e.start}-${e.end} lies outside the text`;
      }
    }
    edits.set(path, list);
    changes.set(path, ch);
    if (!firstPath) {
      firstPath = path;
      first = list[0]!.start;
    }
  }
  if (!edits.size) return 'the fix has no edits';
  return { finding: f, fix: f.fix!, edits, changes, firstPath, first, record };
}

/** Two edits conflict when they overlap or touch (ordering of touching edits is ambiguous). */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Greedy, in order of first edit: accept a fix if none of its edits conflicts with accepted ones. */
function choose(cands: Candidate[]): Candidate[] {
  const taken = new Map<string, TextEdit[]>();
  const out: Candidate[] = [];
  for (const c of cands) {
    let ok = true;
    for (const [path, list] of c.edits) {
      const have = taken.get(path) ?? [];
      if (list.some((e) => have.some((h) => conflicts(e, h)))) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    out.push(c);
    for (const [path, list] of c.edits) taken.set(path, [...(taken.get(path) ?? []), ...list]);
  }
  return out;
}

function baseText(states: Map<string, State>, c: Candidate, path: string): string {
  const ch = c.changes.get(path)!;
  return states.get(path)?.text ?? (ch.create ? '' : ch.file!.text);
}

function applyChosen(chosen: Candidate[], states: Map<string, State>): Map<string, string> {
  const perFile = new Map<string, { base: string; edits: TextEdit[] }>();
  for (const c of chosen) {
    for (const [path, list] of c.edits) {
      const base = baseText(states, c, path);
      const entry = perFile.get(path) ?? { base, edits: [] };
      entry.edits.push(...list);
      perFile.set(path, entry);
    }
  }
  const out = new Map<string, string>();
  for (const [path, { base, edits }] of perFile) out.set(path, applyEdits(base, edits));
  return out;
}
