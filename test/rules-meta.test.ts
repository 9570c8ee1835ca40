/**
 * Registry consistency (as typescript-eslint's docs.test): every registered rule has its code at
 * src/rules/<id>.ts, its page at rules/<id>.md matching its meta, and fixtures at fixtures/<id>/;
 * IDs are kebab-case, unique and sorted; rules/README.md's index is current. Also the output of
 * `crilint rules` and `crilint explain`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InternalError, UsageError } from '../src/cli/errors.js';
import { effectiveSeverity, explainRule, renderRules, rulesDir } from '../src/cli/rules-command.js';
import { checkPageAgainstMeta, fixtureCases, parseRulePage, ruleCatalog, updateRulesIndex } from '../src/engine/docs.js';
import type { RuleMeta } from '../src/engine/rule.js';
import { ENGINE_RULES } from '../src/engine/suppress.js';
import { RULES } from '../src/rules/index.js';
import configSchema from '../schemas/crilint-config.schema.json' with { type: 'json' };

const REPO = resolve(import.meta.dirname, '..');
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const RULE_FILE_KINDS = ['containerd', 'kubelet', 'kubelet-flags', 'crictl', 'crio', 'docker', 'systemd-unit', 'sysctl', 'modules-load'];

function pageProblems(meta: RuleMeta): string[] {
  const path = `rules/${meta.id}.md`;
  if (!existsSync(join(REPO, path))) return [`${path} is missing`];
  const page = parseRulePage(readFileSync(join(REPO, path), 'utf8'), path);
  return [...page.problems, ...checkPageAgainstMeta(page, meta)];
}

describe('rule registry', () => {
  const ids = RULES.map((r) => r.meta.id);

  it(`has kebab-case, unique IDs, sorted in RULES, apart from the engine's own rules (${RULES.length} registered)`, () => {
    expect(ids.filter((id) => !KEBAB.test(id)), 'IDs that are not kebab-case').toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'IDs registered twice').toEqual([]);
    expect(ids, 'RULES must be sorted by ID').toEqual([...ids].sort());
    expect(ids.filter((id) => ENGINE_RULES.some((e) => e.id === id)), 'IDs taken by the engine').toEqual([]);
    expect(ruleCatalog().map((m) => m.id)).toEqual([...ids, ...ENGINE_RULES.map((e) => e.id)].sort());
  });

  it('has well-formed metadata', () => {
    const profiles = (configSchema.properties.profiles.items as { enum: string[] }).enum;
    for (const { id, description, severity, files, fixable, profile } of ruleCatalog()) {
      expect(description, `${id}: description`).toMatch(/^[A-Z`].{9,159}$/);
      expect(description.endsWith('.'), `${id}: description ends with "."`).toBe(false);
      expect(['error', 'warning', 'info'], `${id}: severity`).toContain(severity);
      expect(files.filter((k) => !RULE_FILE_KINDS.includes(k)), `${id}: unknown file kinds`).toEqual([]);
      expect([undefined, 'safe', 'unsafe'], `${id}: fixable`).toContain(fixable);
      if (profile !== undefined) expect(profiles, `${id}: profile "${profile}" must be listed in schemas/crilint-config.schema.json`).toContain(profile);
    }
  });

  for (const rule of RULES) {
    const { id } = rule.meta;
    describe(id, () => {
      it(`is defined in src/rules/${id}.ts`, async () => {
        const path = join(REPO, 'src/rules', `${id}.ts`);
        expect(existsSync(path), `src/rules/${id}.ts is missing (a rule's file is named by its ID)`).toBe(true);
        const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
        expect(Object.values(mod).includes(rule), `src/rules/${id}.ts does not export the registered rule`).toBe(true);
      });

      it(`has a page, rules/${id}.md, that matches its meta`, () => {
        expect(pageProblems(rule.meta)).toEqual([]);
      });

      it(`has fixtures: a clean case, a broken case${rule.meta.fixable ? ', a fixed/ case' : ''}`, () => {
        const cases = fixtureCases(join(REPO, 'fixtures'), id);
        const where = `fixtures/${id}/`;
        expect(cases.length, `${where} has no cases (see rules/README.md, "Fixtures")`).toBeGreaterThan(0);
        expect(cases.filter((c) => c.expected === null).map((c) => c.name), `${where}: cases without expected.json`).toEqual([]);
        expect(cases.some((c) => c.expected?.length === 0), `${where} needs a clean case (expected.json: [])`).toBe(true);
        expect(cases.some((c) => c.expected?.some((f) => f.rule === id)), `${where} needs a broken case (expected.json with a ${id} finding)`).toBe(true);
        if (rule.meta.fixable) expect(cases.some((c) => c.fixed), `${where} needs a case with fixed/ (the rule is fixable)`).toBe(true);
      });
    });
  }

  it('has a page for each engine rule, and no code for it in src/rules', () => {
    for (const meta of ENGINE_RULES) {
      expect(pageProblems(meta), meta.id).toEqual([]);
      expect(existsSync(join(REPO, 'src/rules', `${meta.id}.ts`)), `src/rules/${meta.id}.ts`).toBe(false);
    }
  });

  it('has no page in rules/ without a rule', () => {
    const known = ruleCatalog().map((m) => `${m.id}.md`);
    const pages = readdirSync(join(REPO, 'rules')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pages.filter((p) => !known.includes(p)), 'pages of unknown rules').toEqual([]);
  });

  it('lists every rule in rules/README.md (node scripts/rules-index.mjs regenerates it)', () => {
    const readme = readFileSync(join(REPO, 'rules/README.md'), 'utf8');
    expect(readme, 'rules/README.md is stale: run node scripts/rules-index.mjs').toBe(updateRulesIndex(readme, ruleCatalog()));
  });
});

const DEMO: RuleMeta[] = [
  { id: 'cgroup-driver-mismatch', description: 'Kubelet and containerd must agree on the cgroup driver', severity: 'error', files: ['containerd', 'kubelet'], fixable: 'unsafe' },
  { id: 'kubelet-anonymous-auth', description: 'Anonymous kubelet API access is disabled', severity: 'warning', files: ['kubelet'], profile: 'cis' },
  { id: 'syntax', description: 'A file its component cannot read', severity: 'error', files: [] },
];

describe('crilint rules', () => {
  it('prints an aligned table with the effective severity', () => {
    expect(renderRules({ format: 'table' }, DEMO)).toBe(
      [
        'RULE                    SEVERITY           FIX     FILES               DESCRIPTION',
        'cgroup-driver-mismatch  error              unsafe  containerd,kubelet  Kubelet and containerd must agree on the cgroup driver',
        'kubelet-anonymous-auth  off (cis profile)  -       kubelet             Anonymous kubelet API access is disabled',
        'syntax                  error              -       any                 A file its component cannot read',
        '',
        '3 rules. `crilint explain RULE` shows what a rule checks, why, and how to fix or suppress it.',
        '',
      ].join('\n'),
    );
  });

  it('applies a config: rule settings and enabled profiles', () => {
    const config = { rules: { 'cgroup-driver-mismatch': 'off' as const }, profiles: ['cis'] };
    expect(DEMO.map((m) => effectiveSeverity(m, config))).toEqual([
      { setting: 'off', why: 'config' },
      { setting: 'warning', why: 'default' },
      { setting: 'error', why: 'default' },
    ]);
    expect(renderRules({ format: 'table', config }, DEMO).split('\n').slice(1, 3)).toEqual([
      'cgroup-driver-mismatch  off (config)  unsafe  containerd,kubelet  Kubelet and containerd must agree on the cgroup driver',
      'kubelet-anonymous-auth  warning       -       kubelet             Anonymous kubelet API access is disabled',
    ]);
  });

  it('prints JSON for tools', () => {
    expect(JSON.parse(renderRules({ format: 'json' }, DEMO.slice(0, 2)))).toEqual({
      version: 1,
      rules: [
        { id: 'cgroup-driver-mismatch', severity: 'error', effective: 'error', fixable: 'unsafe', profile: null, files: ['containerd', 'kubelet'], description: 'Kubelet and containerd must agree on the cgroup driver', docs: 'rules/cgroup-driver-mismatch.md' },
        { id: 'kubelet-anonymous-auth', severity: 'warning', effective: 'off', fixable: null, profile: 'cis', files: ['kubelet'], description: 'Anonymous kubelet API access is disabled', docs: 'rules/kubelet-anonymous-auth.md' },
      ],
    });
  });

  it('lists every rule of the catalog by default', () => {
    const lines = renderRules({ format: 'table' }).split('\n');
    expect(lines.slice(1, 1 + ruleCatalog().length).map((l) => l.split(' ')[0])).toEqual(ruleCatalog().map((m) => m.id));
  });
});

describe('crilint explain', () => {
  it('prints the rule page', () => {
    expect(explainRule('unused-suppression')).toBe(readFileSync(join(REPO, 'rules/unused-suppression.md'), 'utf8'));
  });

  it('refuses an unknown rule with a did-you-mean (exit 2)', () => {
    expect(() => explainRule('unused-supression')).toThrow(new UsageError('unknown rule "unused-supression" (did you mean "unused-suppression"?); `crilint rules` lists them'));
    expect(() => explainRule('frobnicate')).toThrow(new UsageError('unknown rule "frobnicate"; `crilint rules` lists them'));
    expect(() => explainRule('frobnicate')).toThrow(UsageError);
  });

  it('treats a known rule without a page as an internal error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crilint-pages-'));
    expect(() => explainRule('syntax', DEMO, dir)).toThrow(InternalError);
    expect(() => explainRule('syntax', DEMO, dir)).toThrow(`rule "syntax" has no page (${join(dir, 'syntax.md')} is missing)`);
  });

  it('finds the pages from src/ and from the bundle in dist/', () => {
    expect(rulesDir()).toBe(join(REPO, 'rules'));
    expect(rulesDir(join(REPO, 'dist'))).toBe(join(REPO, 'rules'));
    expect(() => rulesDir(tmpdir())).toThrow(InternalError);
  });
});
