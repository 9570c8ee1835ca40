/**
 * systemd as an oracle for sysctl.d (shared by test/sysctl-systemd-oracle.test.ts and
 * test/differential.test.ts): `systemd-analyze --root=DIR cat-config sysctl.d` gives the files in
 * systemd-sysctl's order, `systemd-sysctl --prefix=/crilint FILES` (debug log) what it would
 * write. Every key in these layouts lives below `crilint.`, which does not exist in /proc/sys, and
 * `--prefix` keeps anything else from being applied, so nothing is written on the test machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { LoadContext } from '../../src/model/load.js';
import { loadSysctl, type SysctlModel } from '../../src/model/sysctl.js';
import { tempTree } from './tree.js';

const which = (names: string[]) => names.find((p) => existsSync(p)) ?? null;
export const ANALYZE = which(['/usr/bin/systemd-analyze', '/bin/systemd-analyze']);
export const SYSCTL = which(['/usr/lib/systemd/systemd-sysctl', '/lib/systemd/systemd-sysctl']);
export const SYSTEMD_AVAILABLE = ANALYZE !== null && SYSCTL !== null;
const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat', SYSTEMD_LOG_COLOR: '0', LC_ALL: 'C' };

/** Root-relative path -> file text, or a symlink. */
export type Layout = Record<string, string | { link: string }>;

/** Write a layout into a fresh directory (the caller removes `roots` afterwards). */
export function buildLayout(layout: Layout, roots: string[]): string {
  return tempTree(layout, roots, 'crilint-oracle-');
}

/** Node paths in the order `cat-config` prints them. */
export function catConfig(root: string): string[] {
  const r = spawnSync(ANALYZE!, ['--no-pager', `--root=${root}`, 'cat-config', 'sysctl.d'], { encoding: 'utf8', env });
  expect(r.status, r.stderr).toBe(0);
  const out: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^# (\/\S+)/.exec(line);
    if (m && m[1]!.startsWith(root + '/')) out.push(m[1]!.slice(root.length));
  }
  return out;
}

/** What systemd-sysctl writes for those files, keyed by its slash form; and its "not an assignment" lines. */
export function systemdSysctl(root: string, nodePaths: string[]): { values: Record<string, string>; badLines: string[] } {
  const r = spawnSync(SYSCTL!, ['--prefix=/crilint', ...nodePaths.map((p) => root + p)], {
    encoding: 'utf8',
    env: { ...env, SYSTEMD_LOG_LEVEL: 'debug', SYSTEMD_LOG_TARGET: 'console' },
  });
  const values: Record<string, string> = {};
  const badLines: string[] = [];
  for (const line of `${r.stderr}\n${r.stdout}`.split('\n')) {
    const set = /Setting '\/proc\/sys\/([^']*)' to '([^']*)'/.exec(line);
    if (set) values[set[1]!] = set[2]!;
    const bad = /^(\/\S+):(\d+): Line is not an assignment/.exec(line);
    if (bad) badLines.push(`${bad[1]!.slice(root.length)}:${bad[2]}`);
  }
  return { values, badLines };
}

/** crilint's sysctl model of a root, and its syntax findings as `/path:line`. */
export function crilintSysctl(root: string): { model: SysctlModel | null; syntax: string[] } {
  const ctx = new LoadContext({ name: root, root, files: [], focus: null });
  const model = loadSysctl(ctx);
  const syntax = ctx.findings.filter((f) => f.rule === 'syntax').map((f) => `/${f.file!.display}:${f.range!.start.line}`);
  return { model, syntax };
}

/** The values crilint says are written, keyed like systemdSysctl(). */
export function crilintValues(model: SysctlModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of model.settings()) if (s.winner) out[s.path] = s.value!;
  return out;
}
