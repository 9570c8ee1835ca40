/**
 * Rule pages: every rule's page (rules/<id>.md) has the required shape, and its examples, run
 * through the lint pipeline, give exactly the findings their expect blocks list. Pages are found
 * from the registry, so a new rule's page is picked up when the rule is registered.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeMismatch, parseRulePage, ruleCatalog, runExample, type Example } from '../src/engine/docs.js';

const REPO = resolve(import.meta.dirname, '..');

/** The parsed page, or null when the file is missing (reported by a failing test, not a crash of the suite). */
function page(id: string) {
  const path = `rules/${id}.md`;
  if (!existsSync(join(REPO, path))) return null;
  return parseRulePage(readFileSync(join(REPO, path), 'utf8'), path);
}

describe('rule pages: examples are executed', () => {
  for (const meta of ruleCatalog()) {
    describe(meta.id, () => {
      const p = page(meta.id);
      if (!p) {
        it(`has a page`, () => {
          expect.fail(`rules/${meta.id}.md is missing: every registered rule has a page (format: rules/README.md)`);
        });
        return;
      }

      it('has Bad examples that show the rule, and Good examples that do not', () => {
        expect(p.problems).toEqual([]);
        const mine = (ex: Example) => ex.expect.filter((l) => l.split(' ')[1] === meta.id);
        const bad = p.examples.filter((e) => e.section === 'Bad');
        const good = p.examples.filter((e) => e.section === 'Good');
        expect(bad.length, `${p.path}: "## Bad" needs at least one example (file blocks + an expect block)`).toBeGreaterThan(0);
        expect(good.length, `${p.path}: "## Good" needs at least one example (file blocks + an expect block)`).toBeGreaterThan(0);
        for (const ex of bad) expect(mine(ex).length, `${p.path}:${ex.line}: a Bad example must expect a ${meta.id} finding`).toBeGreaterThan(0);
        for (const ex of good) expect(mine(ex), `${p.path}:${ex.line}: a Good example must expect no ${meta.id} finding`).toEqual([]);
      });

      for (const ex of p.examples) {
        it(`## ${ex.section} example ${ex.index} (${p.path}:${ex.line})`, () => {
          const res = runExample(ex, meta.id);
          expect(res.actual, describeMismatch(p.path, ex, res)).toEqual(res.expected);
        });
      }
    });
  }
});

const PAGE = `# demo-rule

> Demo description

Severity: warning · Fixable: safe · Files: sysctl · Since: 0.1.0

## What it checks
Text.
## Why
\`Line is not an assignment, ignoring\`
## Bad

\`\`\`ini file=etc/sysctl.d/a.conf
net.ipv4.ip_forward
\`\`\`

\`\`\`ini file=/etc/sysctl.d/b.conf
x = 1
\`\`\`

\`\`\`expect kubernetes=1.30
etc/sysctl.d/a.conf:1:1 syntax not an assignment
- demo-rule about the node
\`\`\`
## Good
\`\`\`ini file=etc/sysctl.d/a.conf
\`\`\`
\`\`\`expect
\`\`\`
## How to fix
\`\`\`sh
crilint lint --fix
\`\`\`
## Suppress
## Related
`;

describe('rule page parser', () => {
  it('reads the title, description, metadata, sections and examples', () => {
    const p = parseRulePage(PAGE, 'rules/demo-rule.md');
    expect(p.problems).toEqual([]);
    expect(p.id).toBe('demo-rule');
    expect(p.description).toBe('Demo description');
    expect(p.meta).toEqual({ raw: 'Severity: warning · Fixable: safe · Files: sysctl · Since: 0.1.0', severity: 'warning', fixable: 'safe', files: ['sysctl'], since: '0.1.0' });
    expect(p.sections.map((s) => [s.title, s.line])).toEqual([
      ['What it checks', 7],
      ['Why', 9],
      ['Bad', 11],
      ['Good', 25],
      ['How to fix', 30],
      ['Suppress', 34],
      ['Related', 35],
    ]);
    expect(p.sections[4]!.blocks).toEqual([{ lang: 'sh', attrs: {}, text: 'crilint lint --fix\n', line: 31 }]);
    expect(p.examples).toEqual([
      {
        section: 'Bad',
        index: 1,
        line: 13,
        files: [
          { path: 'etc/sysctl.d/a.conf', text: 'net.ipv4.ip_forward\n', line: 13 },
          { path: 'etc/sysctl.d/b.conf', text: 'x = 1\n', line: 17 },
        ],
        target: { kubernetes: { major: 1, minor: 30 } },
        expect: ['etc/sysctl.d/a.conf:1:1 syntax not an assignment', '- demo-rule about the node'],
      },
      { section: 'Good', index: 1, line: 26, files: [{ path: 'etc/sysctl.d/a.conf', text: '', line: 26 }], target: {}, expect: [] },
    ]);
  });

  it('names every format problem with its line', () => {
    const bad = [
      'Intro before the title',
      '# x',
      'Severity: error · Fixable: maybe · Since: soon · Colour: red',
      '## Why',
      '```toml file=../etc/passwd',
      '```',
      '```expect colour=red',
      '12 rule',
      '```',
      '```toml file=a.toml',
      '```',
      '```toml file=b.toml',
      '```',
      '```expect',
      '3:4 x-rule needs a file',
      '```',
      '## Why',
      '```ini file=c.conf',
      '```',
      '```oops',
      'never closed',
    ].join('\n');
    expect(parseRulePage(bad, 'rules/x.md').problems).toEqual([
      'rules/x.md:1: the page must start with "# <rule-id>"',
      'rules/x.md:2: a page has one "# " title, at the top',
      'rules/x.md:3: Since: expected a crilint version such as 0.1.0, found "soon"',
      'rules/x.md:3: unknown metadata key "Colour" (expected Severity, Fixable, Files, Profile, Since)',
      'rules/x.md:20: code block is not closed',
      'rules/x.md:1: missing the "> <description>" line under the title',
      'rules/x.md:1: missing sections: "## What it checks", "## Bad", "## Good", "## How to fix", "## Suppress"',
      'rules/x.md:17: section "## Why" appears twice',
      'rules/x.md:5: file=../etc/passwd: expected a path below the node root, such as etc/containerd/config.toml',
      'rules/x.md:7: expect block without file blocks before it',
      'rules/x.md:15: expect line "3:4 x-rule needs a file" needs a file: the example has several (write path:line:col)',
      'rules/x.md:18: file blocks in "## Why" are not followed by an expect block',
    ]);
  });

  it('explains a mismatching example with its place and a line diff', () => {
    const p = parseRulePage(PAGE.replace('- demo-rule about the node\n', '').replace('syntax not an assignment', 'syntax wrong message'), 'rules/demo-rule.md');
    const ex = p.examples[0]!;
    const res = runExample(ex, 'demo-rule');
    expect(res.expected).toEqual(['etc/sysctl.d/a.conf:1:1 syntax wrong message']);
    expect(res.actual).toHaveLength(1);
    expect(res.actual[0]).toMatch(/^etc\/sysctl\.d\/a\.conf:1:1 syntax not an assignment: "net\.ipv4\.ip_forward"/);
    expect(describeMismatch(p.path, ex, res)).toBe(
      ['rules/demo-rule.md:13: "## Bad" example 1 does not match its expect block', '  (- expected, + actual)', '- etc/sysctl.d/a.conf:1:1 syntax wrong message', `+ ${res.actual[0]}`].join('\n'),
    );
    expect(describeMismatch(p.path, ex, { expected: ['a', 'b'], actual: ['b', 'a'] }).split('\n').slice(2)).toEqual(['  a', '  b', '  (same lines, different order: list them in report order)']);
  });
});
