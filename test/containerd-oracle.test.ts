/**
 * The real containerd as an oracle (DESIGN.md "Quality bar"). The installed containerd is Debian's
 * 1.6.20, so every fixture aimed at containerd 1.6 (fixtures/<rule>/<case>/target.json) is linted
 * with `--containerd 1.6.20` and checked against it:
 *
 * 1. Config load: `containerd --config F config dump` loads the file and its imports and decodes
 *    every plugin's config, exactly as the daemon does before it starts. Where crilint has an error
 *    saying containerd does not start, dump must fail; where dump fails, crilint must have such an
 *    error.
 * 2. CRI plugin load (for files that load): the daemon is started as root on a private root, state
 *    and socket (a wrapper config that imports the case's config.toml). Where crilint has an error
 *    saying containerd fails to load the CRI plugin, the daemon must log
 *    `failed to load plugin io.containerd.grpc.v1.cri`, and the other way round.
 *
 * The non-template corpus files get the config-load check too, each as a node's config.toml.
 * Outside CI the suite is skipped (with a message) when containerd is not installed; under CI
 * (`CI` set) a missing containerd fails it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion, type Version } from '../src/core/version.js';
import { fixtureCases, lintRoot, ruleCatalog, type FixtureCase } from '../src/engine/docs.js';
import { CORPUS, REPO } from './helpers/cli.js';
import { CONTAINERD_INSTALLED, CONTAINERD_VERSION, CONTAINERD_VERSION_OUTPUT, criFails, daemonLog, dump, refuses, RUN_CONTAINERD_ORACLE } from './helpers/containerd.js';

const INSTALLED = CONTAINERD_INSTALLED;
const VERSION = CONTAINERD_VERSION;
const TARGET: { containerd: Version } = { containerd: parseVersion('1.6.20')! };
const RUN = RUN_CONTAINERD_ORACLE;
if (!INSTALLED && !process.env.CI) console.warn('containerd-oracle: containerd is not installed; skipping (CI fails instead)');

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

function containerdCases(): FixtureCase[] {
  return ruleCatalog()
    .flatMap((m) => fixtureCases(join(REPO, 'fixtures'), m.id))
    .filter((c) => c.target.containerd?.major === 1 && c.target.containerd.minor === 6);
}

/** Absolute imports are read on the host by containerd but below the node root by crilint: 1.6 fixtures must use relative ones. */
function absoluteImports(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.toml') && /^\s*imports\s*=.*["']\//m.test(readFileSync(p, 'utf8'))) out.push(p);
    }
  };
  walk(join(dir, 'etc/containerd'));
  return out;
}

describe.runIf(RUN)('containerd 1.6 as oracle', () => {
  it('is installed, and it is containerd 1.6', () => {
    expect(INSTALLED, 'containerd must be installed under CI (apt-get install containerd)').toBe(true);
    expect(VERSION, CONTAINERD_VERSION_OUTPUT).toMatch(/^1\.6\./);
  });

  const cases = containerdCases();
  it(`finds the fixtures aimed at containerd 1.6 (${cases.length}), none with absolute imports`, () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(cases.flatMap((c) => absoluteImports(c.dir))).toEqual([]);
  });

  for (const c of cases) {
    const where = `fixtures/${c.rule}/${c.name}`;
    const config = join(c.dir, 'etc/containerd/config.toml');
    describe(where, () => {
      const { findings } = lintRoot(c.dir, { ...c.target, ...TARGET });
      const d = INSTALLED ? dump(config) : { ok: false, output: 'containerd is not installed' };
      it('config dump refuses it exactly when crilint says containerd does not start', () => {
        const said = refuses(findings).map((f) => `${f.rule}: ${f.message}`);
        if (d.ok) expect(said, `containerd config dump accepts ${where}`).toEqual([]);
        else expect(said.length, `containerd config dump refuses ${where} (${d.output}) but crilint says nothing about it`).toBeGreaterThan(0);
      });
      if (d.ok && existsSync(config)) {
        it('the daemon fails to load the CRI plugin exactly when crilint says so', async () => {
          const log = await daemonLog(config);
          const failed = /failed to load plugin io\.containerd\.grpc\.v1\.cri/.test(log);
          const said = criFails(findings).map((f) => `${f.rule}: ${f.message}`);
          const line = log.split('\n').find((l) => l.includes('failed to load plugin io.containerd.grpc.v1.cri')) ?? '';
          if (failed) expect(said.length, `the daemon logs: ${line}`).toBeGreaterThan(0);
          else expect(said, `the daemon loads the CRI plugin of ${where}`).toEqual([]);
          expect(log).toMatch(/containerd successfully booted/);
        });
      }
    });
  }

  describe('corpus files as a node config (--containerd 1.6.20)', () => {
    const dir = resolve(CORPUS, 'containerd');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.toml') && !f.includes('TEMPLATE')).sort() : [];
    for (const name of files) {
      it(name, () => {
        const root = mkdtempSync(join(tmpdir(), 'crilint-oracle-'));
        tmp.push(root);
        mkdirSync(join(root, 'etc/containerd'), { recursive: true });
        cpSync(join(dir, name), join(root, 'etc/containerd/config.toml'));
        const { findings } = lintRoot(root, TARGET);
        const d = dump(join(root, 'etc/containerd/config.toml'));
        const said = refuses(findings).map((f) => `${f.rule}: ${f.message}`);
        if (d.ok) expect(said, `containerd config dump accepts ${name}`).toEqual([]);
        else expect(said.length, `containerd config dump refuses ${name} (${d.output}) but crilint says nothing about it`).toBeGreaterThan(0);
      });
    }
  });
});
