/**
 * `crilint rules` (the rule table, or JSON) and `crilint explain RULE` (the rule's page,
 * rules/<id>.md). Pure functions returning text; src/cli/main.ts registers the commands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleMeta } from '../engine/rule.js';
import type { RuleSetting } from '../engine/config.js';
import { ruleCatalog } from '../engine/docs.js';
import { suggest } from '../schema/validate.js';
import { InternalError, UsageError } from './errors.js';

export interface RulesOptions {
  format: 'table' | 'json';
  /** From crilint.config.yaml, to show what will actually run. */
  config?: { rules: Record<string, RuleSetting>; profiles: readonly string[] } | null;
}

/** What a rule runs as under a config: the same decision as runRules. */
export function effectiveSeverity(meta: RuleMeta, config: RulesOptions['config']): { setting: RuleSetting; why: 'default' | 'config' | 'profile' } {
  const set = config?.rules[meta.id];
  if (set) return { setting: set, why: 'config' };
  if (meta.profile && !config?.profiles.includes(meta.profile)) return { setting: 'off', why: 'profile' };
  return { setting: meta.severity, why: 'default' };
}

/** `crilint rules`: every rule with its severity, fix safety, files and description. */
export function renderRules(opts: RulesOptions, metas: readonly RuleMeta[] = ruleCatalog()): string {
  if (opts.format === 'json') {
    const rules = metas.map((m) => ({
      id: m.id,
      severity: m.severity,
      effective: effectiveSeverity(m, opts.config).setting,
      fixable: m.fixable ?? null,
      profile: m.profile ?? null,
      files: [...m.files],
      description: m.description,
      docs: `rules/${m.id}.md`,
    }));
    return JSON.stringify({ version: 1, rules }, null, 2) + '\n';
  }
  const rows = metas.map((m) => {
    const e = effectiveSeverity(m, opts.config);
    const sev = e.why === 'config' ? `${e.setting} (config)` : e.why === 'profile' ? `off (${m.profile} profile)` : e.setting;
    return [m.id, sev, m.fixable ?? '-', m.files.length ? m.files.join(',') : 'any', m.description];
  });
  const head = ['RULE', 'SEVERITY', 'FIX', 'FILES', 'DESCRIPTION'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const n = metas.length;
  return [line(head), ...rows.map(line), '', `${n} rule${n === 1 ? '' : 's'}. \`crilint explain RULE\` shows what a rule checks, why, and how to fix or suppress it.`, ''].join('\n');
}

/** `crilint explain RULE`: the rule's page. Unknown RULE: UsageError (exit 2) with a did-you-mean. */
export function explainRule(id: string, metas: readonly RuleMeta[] = ruleCatalog(), dir: string = rulesDir()): string {
  const ids = metas.map((m) => m.id);
  if (!ids.includes(id)) {
    const near = suggest(id, ids);
    throw new UsageError(`unknown rule "${id}"${near ? ` (did you mean "${near}"?)` : ''}; \`crilint rules\` lists them`);
  }
  const page = join(dir, `${id}.md`);
  if (!existsSync(page)) throw new InternalError(`rule "${id}" has no page (${page} is missing)`);
  const text = readFileSync(page, 'utf8');
  return text.endsWith('\n') ? text : text + '\n';
}

/** The package's rules/ directory: found from this module upwards, so it works from src/ (tests) and from dist/ (the bundle). */
export function rulesDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'rules'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'crilint') return join(dir, 'rules');
      } catch {
        // not our package.json; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new InternalError(`cannot find crilint's rules/ directory above ${from}`);
    dir = up;
  }
}
