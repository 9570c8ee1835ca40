/**
 * Rule pages (rules/<id>.md) and their executable examples; the format is described in
 * rules/README.md. This module parses a page into its sections, metadata and examples, runs an
 * example through the same pipeline as `crilint lint --root` (discover, load, rules,
 * suppressions), and renders the index table of rules/README.md. The test suite (rule-docs,
 * rules-meta, rule-fixtures) and scripts/rules-index.mjs are its users.
 */
import { catalog, lintSpec } from './pipeline.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, posix } from 'node:path';
import type { Finding } from '../core/types.js';
import { parseVersion, type Version } from '../core/version.js';
import { discover } from '../discover/index.js';
import type { NodeSet } from '../model/nodeset.js';
import { RULES } from '../rules/index.js';
import type { RuleMeta, Target } from './rule.js';
import type { GivenTarget } from './target.js';
import { SYNTAX, UNUSED_SUPPRESSION } from './suppress.js';

/** The versions a rule page's `expect` block or a fixture's target.json may give. */
type VersionTargets = Pick<GivenTarget, 'kubernetes' | 'containerd' | 'docker'>;
const isVersionKey = (k: string): k is keyof VersionTargets => k === 'kubernetes' || k === 'containerd' || k === 'docker';

/** Sections every page has, in this order (others may follow them). */
export const REQUIRED_SECTIONS = ['What it checks', 'Why', 'Bad', 'Good', 'How to fix', 'Suppress'] as const;

/** Every rule crilint can report: the engine's own (syntax, unused-suppression) and the registered ones, sorted by ID. */
export function ruleCatalog(): readonly RuleMeta[] {
  return catalog();
}

export function knownRuleIds(): string[] {
  return ruleCatalog().map((m) => m.id);
}

export interface CodeBlock {
  /** First word of the info string (`toml`, `yaml`, `expect`, or empty). */
  lang: string;
  /** `key=value` words of the info string. */
  attrs: Record<string, string>;
  text: string;
  /** Line of the opening fence (1-based). */
  line: number;
}

export interface Section {
  title: string;
  line: number;
  /** Text between the heading and the next `##` heading. */
  body: string;
  blocks: CodeBlock[];
}

export interface ExampleFile {
  /** Path below the node root, `/`-separated, without a leading `/`. */
  path: string;
  text: string;
  line: number;
}

export interface Example {
  section: string;
  /** 1-based within the section. */
  index: number;
  /** Line of the example's first block. */
  line: number;
  files: ExampleFile[];
  target: VersionTargets;
  /** Expected findings, normalised to `path:line:col rule message` (or `- rule message` for node-level ones). */
  expect: string[];
}

export interface PageMeta {
  /** The line as written. */
  raw: string;
  severity?: string;
  fixable?: string;
  files?: string[];
  profile?: string;
  since?: string;
}

export interface RulePage {
  path: string;
  /** From the `# <id>` title. */
  id: string | null;
  /** The `> ` line under the title. */
  description: string | null;
  meta: PageMeta | null;
  sections: Section[];
  examples: Example[];
  /** Format problems, each `path:line: message`. */
  problems: string[];
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/;

/** Parse a rule page. Never throws; what is wrong is in `problems`. */
export function parseRulePage(text: string, path: string): RulePage {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const page: RulePage = { path, id: null, description: null, meta: null, sections: [], examples: [], problems: [] };
  const problem = (line: number, msg: string) => page.problems.push(`${path}:${line}: ${msg}`);
  let fence: { marker: string; block: CodeBlock; body: string[] } | null = null;
  let section: Section | null = null;
  const bodyLines: string[] = [];
  const closeSection = () => {
    if (section) section.body = bodyLines.join('\n').trim();
    bodyLines.length = 0;
  };
  let sawTitle = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const n = i + 1;
    if (fence) {
      const close = FENCE.exec(raw);
      if (close && close[2]![0] === fence.marker[0] && close[2]!.length >= fence.marker.length && !close[3]!.trim()) {
        fence.block.text = fence.body.length ? fence.body.join('\n') + '\n' : '';
        if (section) section.blocks.push(fence.block);
        else problem(fence.block.line, 'code block outside a section');
        fence = null;
      } else fence.body.push(raw);
      if (section) bodyLines.push(raw);
      continue;
    }
    const open = FENCE.exec(raw);
    if (open) {
      const words = open[3]!.trim().split(/\s+/).filter(Boolean);
      const attrs: Record<string, string> = {};
      let lang = '';
      words.forEach((w, k) => {
        const eq = w.indexOf('=');
        if (eq > 0) attrs[w.slice(0, eq)] = w.slice(eq + 1);
        else if (k === 0) lang = w;
        else problem(n, `unexpected word "${w}" in the info string (expected key=value)`);
      });
      fence = { marker: open[2]!, block: { lang, attrs, text: '', line: n }, body: [] };
      if (section) bodyLines.push(raw);
      continue;
    }
    const h1 = /^# (.*)$/.exec(raw);
    if (h1) {
      if (sawTitle || section) problem(n, 'a page has one "# " title, at the top');
      sawTitle = true;
      page.id = h1[1]!.trim();
      continue;
    }
    const h2 = /^## (.*)$/.exec(raw);
    if (h2) {
      closeSection();
      section = { title: h2[1]!.trim(), line: n, body: '', blocks: [] };
      page.sections.push(section);
      continue;
    }
    if (section) {
      bodyLines.push(raw);
      continue;
    }
    if (!raw.trim()) continue;
    if (!sawTitle) {
      problem(n, 'the page must start with "# <rule-id>"');
      sawTitle = true;
      continue;
    }
    if (raw.startsWith('> ') && page.description === null) page.description = raw.slice(2).trim();
    else if (/^Severity:/.test(raw) && page.meta === null) page.meta = parseMetaLine(raw, n, problem);
    else problem(n, 'between the title and the first section only the "> description" line and the "Severity: …" line belong');
  }
  if (fence) problem(fence.block.line, 'code block is not closed');
  closeSection();
  if (!sawTitle) problem(1, 'the page must start with "# <rule-id>"');
  if (page.description === null) problem(1, 'missing the "> <description>" line under the title');
  if (page.meta === null) problem(1, 'missing the "Severity: … · Fixable: … · Files: … · Since: …" line under the title');
  const titles = page.sections.map((s) => s.title);
  const missing = REQUIRED_SECTIONS.filter((t) => !titles.includes(t));
  if (missing.length) problem(1, `missing section${missing.length > 1 ? 's' : ''}: ${missing.map((t) => `"## ${t}"`).join(', ')}`);
  else if (REQUIRED_SECTIONS.some((t, k) => titles.indexOf(t) !== k)) problem(page.sections[0]!.line, `sections must start in this order: ${REQUIRED_SECTIONS.join(', ')} (found ${titles.join(', ')})`);
  const dup = titles.find((t, k) => titles.indexOf(t) !== k);
  if (dup) problem(page.sections.find((s, k) => s.title === dup && titles.indexOf(dup) !== k)!.line, `section "## ${dup}" appears twice`);
  for (const s of page.sections) page.examples.push(...examplesOf(s, problem));
  return page;
}

function parseMetaLine(raw: string, line: number, problem: (line: number, msg: string) => void): PageMeta {
  const meta: PageMeta = { raw: raw.trim() };
  for (const part of raw.split(' · ')) {
    const m = /^(\w+): (.+)$/.exec(part.trim());
    if (!m) {
      problem(line, `cannot read "${part.trim()}" in the metadata line (expected "Key: value" parts joined by " · ")`);
      continue;
    }
    const [, key, value] = m as unknown as [string, string, string];
    switch (key) {
      case 'Severity':
        meta.severity = value;
        break;
      case 'Fixable':
        meta.fixable = value;
        break;
      case 'Files':
        meta.files = value.split(',').map((s) => s.trim());
        break;
      case 'Profile':
        meta.profile = value;
        break;
      case 'Since':
        meta.since = value;
        if (!/^\d+\.\d+\.\d+$/.test(value)) problem(line, `Since: expected a crilint version such as 0.1.0, found "${value}"`);
        break;
      default:
        problem(line, `unknown metadata key "${key}" (expected Severity, Fixable, Files, Profile, Since)`);
    }
  }
  return meta;
}

/** Group a section's blocks into examples: file blocks, closed by an `expect` block. */
function examplesOf(s: Section, problem: (line: number, msg: string) => void): Example[] {
  const out: Example[] = [];
  let files: (ExampleFile & { block: CodeBlock })[] = [];
  for (const b of s.blocks) {
    if (b.lang === 'expect') {
      if (!files.length) {
        problem(b.line, 'expect block without file blocks before it');
        continue;
      }
      const target: Example['target'] = {};
      for (const [k, v] of Object.entries(b.attrs)) {
        if (!isVersionKey(k)) {
          problem(b.line, `unknown expect attribute "${k}" (expected kubernetes=X.Y, containerd=X.Y, docker=X.Y)`);
          continue;
        }
        const ver = parseVersion(v);
        if (!ver) problem(b.line, `${k}=${v}: expected a version such as 1.34`);
        else target[k] = ver;
      }
      const expect: string[] = [];
      b.text.split('\n').forEach((l, k) => {
        if (!l.trim()) return;
        const e = parseExpectLine(l.trim(), files.length === 1 ? files[0]!.path : null);
        if (typeof e === 'string') expect.push(e);
        else problem(b.line + 1 + k, e.error);
      });
      out.push({ section: s.title, index: out.length + 1, line: files[0]!.block.line, files: files.map(({ block: _b, ...f }) => f), target, expect });
      files = [];
      continue;
    }
    const file = b.attrs.file;
    if (file === undefined) continue; // an illustration, not part of an example
    const clean = posix.normalize(file.replace(/^\/+/, ''));
    if (!clean || clean.startsWith('..') || clean === '.') {
      problem(b.line, `file=${file}: expected a path below the node root, such as etc/containerd/config.toml`);
      continue;
    }
    if (files.some((f) => f.path === clean)) problem(b.line, `file=${file} appears twice in one example`);
    files.push({ path: clean, text: b.text, line: b.line, block: b });
  }
  if (files.length) problem(files[0]!.line, `file blocks in "## ${s.title}" are not followed by an expect block`);
  return out;
}

const EXPECT = /^(?:(-)|(?:(\S+?):)?(\d+):(\d+))\s+([a-z0-9]+(?:-[a-z0-9]+)*)\s+(\S.*)$/;

/** `path:line:col rule message`, `line:col rule message` (one-file examples) or `- rule message` (node-level). */
export function parseExpectLine(line: string, onlyFile: string | null): string | { error: string } {
  const m = EXPECT.exec(line);
  if (!m) return { error: `cannot read expect line "${line}" (expected "path:line:col rule message", "line:col rule message" or "- rule message")` };
  const [, node, file, l, c, rule, message] = m;
  if (node) return `- ${rule} ${message}`;
  const f = file ?? onlyFile;
  if (!f) return { error: `expect line "${line}" needs a file: the example has several (write path:line:col)` };
  return `${f}:${l}:${c} ${rule} ${message}`;
}

/** A finding in the expect-line form. */
export function expectLine(f: Finding): string {
  if (!f.file || !f.range) return `- ${f.rule} ${f.message}`;
  return `${f.file.display}:${f.range.start.line}:${f.range.start.column} ${f.rule} ${f.message}`;
}

export interface LintRootResult {
  node: NodeSet;
  target: Target;
  findings: Finding[];
}

/**
 * Lint one node root as `crilint lint --root DIR` does, with every rule at its default severity
 * and the suppression stage: the pipeline examples and fixtures are checked with.
 */
export function lintRoot(root: string, given: GivenTarget = {}, profiles: readonly string[] = []): LintRootResult {
  const d = discover([], [root]);
  if (d.errors.length || d.specs.length !== 1) throw new Error(`cannot lint ${root}: ${d.errors.map((e) => e.message).join('; ') || `${d.specs.length} node sets`}`);
  const { node, ioErrors, target, findings } = lintSpec(d.specs[0]!, { given, profiles });
  if (ioErrors.length) throw new Error(`cannot lint ${root}: ${ioErrors.map((e) => e.message).join('; ')}`);
  return { node, target, findings };
}

/** Opt-in profiles an example or fixture of `ruleId` runs with: the rule's own profile, so that a profile rule shows its findings. */
export function exampleProfiles(ruleId: string): string[] {
  const profile = ruleCatalog().find((m) => m.id === ruleId)?.profile;
  return profile ? [profile] : [];
}

/** Rules whose findings an example of `ruleId`'s page shows: its own, and the two that any example can run into. */
export function exampleRules(ruleId: string): string[] {
  return [...new Set([ruleId, SYNTAX, UNUSED_SUPPRESSION])];
}

/**
 * Write an example into a temporary node root, lint it, and return what it expects and what
 * crilint found (both in expect-line form, findings of exampleRules() only, in report order).
 */
export function runExample(ex: Example, ruleId: string): { expected: string[]; actual: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'crilint-example-'));
  try {
    for (const f of ex.files) {
      const p = join(root, normalize(f.path));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.text);
    }
    const keep = new Set(exampleRules(ruleId));
    const { findings } = lintRoot(root, ex.target, exampleProfiles(ruleId));
    return { expected: ex.expect, actual: findings.filter((f) => keep.has(f.rule)).map(expectLine) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The metadata line a page must have for this rule (Since is the page's own). */
export function metaLine(meta: RuleMeta, since: string): string {
  const parts = [`Severity: ${meta.severity}`, `Fixable: ${meta.fixable ?? 'no'}`, `Files: ${meta.files.length ? meta.files.join(', ') : 'any'}`];
  if (meta.profile) parts.push(`Profile: ${meta.profile}`);
  parts.push(`Since: ${since}`);
  return parts.join(' · ');
}

/** Differences between a page's title, description and metadata and the rule's meta, as messages. */
export function checkPageAgainstMeta(page: RulePage, meta: RuleMeta): string[] {
  const out: string[] = [];
  if (page.id !== meta.id) out.push(`${page.path}:1: title is "# ${page.id ?? ''}", expected "# ${meta.id}"`);
  if (page.description !== null && page.description !== meta.description) out.push(`${page.path}: description line is "> ${page.description}", expected "> ${meta.description}" (meta.description)`);
  if (page.meta) {
    const want = metaLine(meta, page.meta.since ?? '0.1.0');
    if (page.meta.raw !== want) out.push(`${page.path}: metadata line is "${page.meta.raw}", expected "${want}"`);
  }
  return out;
}

export const INDEX_START = '<!-- rules-index:start (generated by scripts/rules-index.mjs; do not edit) -->';
export const INDEX_END = '<!-- rules-index:end -->';

/** The table of rules/README.md. */
export function renderRulesIndex(metas: readonly RuleMeta[]): string {
  const rows = metas.map((m) => `| [${m.id}](${m.id}.md) | ${m.severity}${m.profile ? ` (${m.profile} profile)` : ''} | ${m.fixable ?? ''} | ${m.files.length ? m.files.join(', ') : 'any'} | ${m.description.replace(/\|/g, '\\|')} |`);
  return ['| Rule | Severity | Fix | Files | Description |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

/** README text with the table between the markers replaced; throws when the markers are missing. */
export function updateRulesIndex(readme: string, metas: readonly RuleMeta[]): string {
  const a = readme.indexOf(INDEX_START);
  const b = readme.indexOf(INDEX_END);
  if (a < 0 || b < a) throw new Error(`rules/README.md: missing the markers ${INDEX_START} … ${INDEX_END}`);
  return `${readme.slice(0, a + INDEX_START.length)}\n${renderRulesIndex(metas)}\n${readme.slice(b)}`;
}

/** A readable account of an example whose findings differ from its expect block: where it is, and a line diff. */
export function describeMismatch(page: string, ex: Example, res: { expected: string[]; actual: string[] }): string {
  const out = [`${page}:${ex.line}: "## ${ex.section}" example ${ex.index} does not match its expect block`, '  (- expected, + actual)'];
  const actual = new Set(res.actual);
  const expected = new Set(res.expected);
  for (const l of res.expected) out.push(`${actual.has(l) ? ' ' : '-'} ${l}`);
  for (const l of res.actual) if (!expected.has(l)) out.push(`+ ${l}`);
  if (res.expected.length === res.actual.length && res.expected.every((l) => actual.has(l)) && res.expected.some((l, i) => l !== res.actual[i])) out.push('  (same lines, different order: list them in report order)');
  return out.join('\n');
}

/** A finding as fixtures/<id>/<case>/expected.json lists it (the fields of `--format json`). */
export interface FixtureFinding {
  rule: string;
  severity: string;
  file: string | null;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  message: string;
  fix: 'safe' | 'unsafe' | null;
  related: { file: string | null; line: number | null; column: number | null; message: string }[];
}

export function fixtureFinding(f: Finding): FixtureFinding {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file?.display ?? null,
    line: f.range?.start.line ?? null,
    column: f.range?.start.column ?? null,
    endLine: f.range?.end.line ?? null,
    endColumn: f.range?.end.column ?? null,
    message: f.message,
    fix: f.fix?.safety ?? null,
    related: f.related.map((r) => ({ file: r.file?.display ?? null, line: r.range?.start.line ?? null, column: r.range?.start.column ?? null, message: r.message })),
  };
}

export interface FixtureCase {
  rule: string;
  name: string;
  /** The case directory: the node root. */
  dir: string;
  /** Parsed expected.json, or null when it is missing. */
  expected: FixtureFinding[] | null;
  target: VersionTargets;
  /** fixed/ exists. */
  fixed: boolean;
  /** target.json has `"unsafeFixes": true`: fixed/ is what `--fix --unsafe-fixes` gives. */
  unsafeFixes: boolean;
}

/** Files of a case that are not part of the node: the case's own bookkeeping. */
export const FIXTURE_META = ['expected.json', 'target.json', 'fixed'] as const;

/** The cases of fixtures/<rule>/, sorted by name; [] when the folder does not exist. Throws on an unreadable expected.json or target.json. */
export function fixtureCases(fixturesDir: string, rule: string): FixtureCase[] {
  const base = join(fixturesDir, rule);
  let names: string[];
  try {
    names = readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const dir = join(base, name);
    const exp = join(dir, 'expected.json');
    const tgt = join(dir, 'target.json');
    const expected = existsSync(exp) ? (readJson(exp) as FixtureFinding[]) : null;
    const target: FixtureCase['target'] = {};
    let unsafeFixes = false;
    if (existsSync(tgt)) {
      const t = readJson(tgt) as Record<string, unknown>;
      for (const [k, v] of Object.entries(t)) {
        if (k === 'unsafeFixes' && typeof v === 'boolean') {
          unsafeFixes = v;
          continue;
        }
        const ver = typeof v === 'string' ? parseVersion(v) : null;
        if (!isVersionKey(k) || !ver) throw new Error(`${tgt}: expected {"kubernetes": "X.Y", "containerd": "X.Y", "docker": "X.Y", "unsafeFixes": true}, found ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
        target[k] = ver;
      }
    }
    return { rule, name, dir, expected, target, fixed: existsSync(join(dir, 'fixed')), unsafeFixes };
  });
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}
