/**
 * Rule fixtures: each fixtures/<rule>/<case>/ is a node root. Linting it with every rule must
 * give exactly expected.json, counting the findings of the case's rule, `syntax` and
 * `unused-suppression` (as the rule pages do, so a new rule elsewhere does not change this
 * rule's fixtures); with fixed/, `--fix` limited to those rules' safe fixes (and their unsafe ones
 * when target.json has "unsafeFixes": true; repeated until nothing is left, at most 10 passes) must turn the root into fixed/ and leave every other file alone.
 * The layout is documented in rules/README.md. `UPDATE_FIXTURES=1` (never in CI) writes
 * expected.json from the current output for review in git diff.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../src/discover/index.js';
import { runFixes } from '../src/engine/fix-run.js';
import { writeFiles } from '../src/fix/write.js';
import type { Version } from '../src/core/version.js';
import { exampleProfiles, exampleRules, FIXTURE_META, fixtureCases, fixtureFinding, lintRoot, ruleCatalog, type FixtureCase } from '../src/engine/docs.js';

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

/**
 * `crilint lint --fix` on a copy of the root, through the same machinery as the CLI (runFixes:
 * the applier's passes, parse guard and re-lint), limited to the case's rules' safe fixes; then
 * written with the atomic writer.
 */
function fixCopy(c: FixtureCase): string {
  const copy = mkdtempSync(join(tmpdir(), `crilint-fixture-${c.rule}-`));
  for (const rel of nodeFiles(c.dir)) cpSync(join(c.dir, rel), join(copy, rel));
  const keep = exampleRules(c.rule);
  const d = discover([], [copy]);
  if (d.specs.length !== 1) throw new Error(`${copy}: expected one node set, got ${d.specs.length}`);
  const { result } = runFixes(d.specs[0]!, { given: c.target, profiles: exampleProfiles(c.rule), unsafe: c.unsafeFixes, keep: (f) => keep.includes(f.rule) });
  const problems = [...result.diagnostics.map((x) => x.message), ...result.failed.map((x) => `${x.rule}: ${x.reason}`)];
  if (problems.length) throw new Error(`fixing failed: ${problems.join('; ')}`);
  if (result.deferred.length) throw new Error(`fixes still remain after ${result.passes} passes`);
  writeFiles([...result.files.values()], { root: copy });
  return copy;
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
      const actual = lintRoot(c.dir, c.target, exampleProfiles(c.rule)).findings.filter((f) => keep.includes(f.rule)).map(fixtureFinding);
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
