/**
 * Rule fixtures: each fixtures/<rule>/<case>/ is a node root. Linting it with every rule must
 * give exactly expected.json, counting the findings of the case's rule, `syntax` and
 * `unused-suppression` (as the rule pages do, so a new rule elsewhere does not change this
 * rule's fixtures); with fixed/, `--fix` limited to those rules' safe fixes (repeated until
 * nothing is left, at most 10 passes) must turn the root into fixed/ and leave every other file alone.
 * The layout is documented in rules/README.md. `UPDATE_FIXTURES=1` (never in CI) writes
 * expected.json from the current output for review in git diff.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fix, TextEdit } from '../src/core/types.js';
import type { Version } from '../src/core/version.js';
import { exampleRules, FIXTURE_META, fixtureCases, fixtureFinding, lintRoot, ruleCatalog, type FixtureCase } from '../src/engine/docs.js';

const REPO = resolve(import.meta.dirname, '..');
const FIXTURES = join(REPO, 'fixtures');
const UPDATE = process.env.UPDATE_FIXTURES === '1' && !process.env.CI;

const cases: FixtureCase[] = ruleCatalog().flatMap((m) => fixtureCases(FIXTURES, m.id));

/** Files of a node root (relative, `/`-separated, sorted), without the case's own bookkeeping. */
function nodeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p).split(sep).join('/');
      if ((FIXTURE_META as readonly string[]).includes(rel)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(rel);
    }
  };
  walk(root);
  return out;
}

/** Apply every fix of one pass that does not overlap an earlier one in the same file; returns how many were applied. */
function applyPass(fixes: Fix[]): number {
  const taken = new Map<string, TextEdit[]>();
  const texts = new Map<string, string>();
  let applied = 0;
  for (const fix of fixes) {
    const overlaps = fix.changes.some((c) => {
      const path = c.file?.path ?? c.create!.path;
      return (taken.get(path) ?? []).some((t) => c.edits.some((e) => e.start < t.end && t.start < e.end || (e.start === e.end && e.start === t.start)));
    });
    if (overlaps) continue;
    for (const c of fix.changes) {
      const path = c.file?.path ?? c.create!.path;
      if (!texts.has(path)) texts.set(path, c.file ? (c.file.bom ? '\ufeff' : '') + c.file.text : '');
      (taken.get(path) ?? taken.set(path, []).get(path)!).push(...c.edits);
    }
    applied++;
  }
  for (const [path, text] of texts) {
    const bom = text.startsWith('\ufeff') ? '\ufeff' : '';
    let body = text.slice(bom.length);
    for (const e of [...taken.get(path)!].sort((a, b) => b.start - a.start || b.end - a.end)) body = body.slice(0, e.start) + e.text + body.slice(e.end);
    writeFileSync(path, bom + body);
  }
  return applied;
}

/** `crilint lint --fix` on a copy of the root: safe fixes until none is left. */
function fixCopy(c: FixtureCase): string {
  const copy = mkdtempSync(join(tmpdir(), `crilint-fixture-${c.rule}-`));
  for (const rel of nodeFiles(c.dir)) cpSync(join(c.dir, rel), join(copy, rel));
  for (let pass = 1; pass <= 10; pass++) {
    const keep = exampleRules(c.rule);
    const fixes = lintRoot(copy, c.target).findings.flatMap((f) => (f.fix && f.fix.safety === 'safe' && keep.includes(f.rule) ? [f.fix] : []));
    if (!fixes.length) return copy;
    if (!applyPass(fixes)) throw new Error('no fix could be applied (every fix overlaps another)');
  }
  throw new Error('safe fixes still remain after 10 passes');
}

function show(t: { kubernetes?: Version; containerd?: Version }): string {
  return Object.entries(t).map(([k, v]) => `${k} ${v.major}.${v.minor}${v.patch !== undefined ? `.${v.patch}` : ''}`).join(', ') || 'default target';
}

describe('rule fixtures', () => {
  it(`finds the cases of every rule with a fixtures/<rule>/ folder (${cases.length} cases)`, () => {
    const expectedFolders = ruleCatalog().filter((m) => existsSync(join(FIXTURES, m.id))).map((m) => m.id);
    expect([...new Set(cases.map((c) => c.rule))]).toEqual(expectedFolders);
    for (const c of cases) expect(c.expected, `${relative(REPO, c.dir)}: missing expected.json (run with UPDATE_FIXTURES=1 to write it)`).not.toBeNull();
  });

  for (const c of cases) {
    const where = relative(REPO, c.dir);
    it(`${where}: findings (${show(c.target)})`, () => {
      const keep = exampleRules(c.rule);
      const actual = lintRoot(c.dir, c.target).findings.filter((f) => keep.includes(f.rule)).map(fixtureFinding);
      if (UPDATE && JSON.stringify(actual) !== JSON.stringify(c.expected)) {
        writeFileSync(join(c.dir, 'expected.json'), JSON.stringify(actual, null, 2) + '\n');
        return;
      }
      expect(actual, `${where}/expected.json`).toEqual(c.expected);
    });

    it(`${where}: --fix ${c.fixed ? 'gives fixed/' : 'changes nothing'}`, () => {
      const copy = fixCopy(c);
      try {
        const after = nodeFiles(copy);
        const fixedDir = join(c.dir, 'fixed');
        const wanted = c.fixed ? [...new Set([...nodeFiles(c.dir), ...nodeFiles(fixedDir)])].sort() : nodeFiles(c.dir);
        expect(after, `${where}: files after --fix`).toEqual(wanted);
        for (const rel of after) {
          const want = c.fixed && existsSync(join(fixedDir, rel)) ? join(fixedDir, rel) : join(c.dir, rel);
          expect(readFileSync(join(copy, rel), 'utf8'), `${where}: ${rel} after --fix (expected ${relative(REPO, want)})`).toBe(readFileSync(want, 'utf8'));
        }
        if (c.fixed) expect(nodeFiles(fixedDir).some((rel) => readFileSync(join(fixedDir, rel), 'utf8') !== (existsSync(join(c.dir, rel)) ? readFileSync(join(c.dir, rel), 'utf8') : null)), `${where}/fixed/ is identical to the input`).toBe(true);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  }
});
