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
 * 3. What an import drops (the fixtures of containerd-import-replaces-table): a key of a plugin table
 *    that no other file sets is reported as dropped exactly when `config dump` does not show its value.
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
import { makeSource } from '../src/core/source.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { getPath, toJS, type MapNode } from '../src/model/tree.js';
import { CORPUS, REPO } from './helpers/cli.js';
import { CONTAINERD_INSTALLED, CONTAINERD_VERSION, CONTAINERD_VERSION_OUTPUT, configDump, criFails, daemonLog, dump, refuses, RUN_CONTAINERD_ORACLE } from './helpers/containerd.js';

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

  describe('what an import drops (containerd-import-replaces-table)', () => {
    const drops = cases.filter((c) => c.rule === 'containerd-import-replaces-table');
    it('has fixtures with and without drops', () => {
      expect(drops.map((c) => c.name).sort()).toEqual(['default-values-dropped', 'import-repeats-keys', 'runtime-drop-in']);
    });
    for (const c of drops) {
      it(`fixtures/${c.rule}/${c.name}: a key is reported dropped exactly when config dump does not show its value`, () => {
        const { findings } = lintRoot(c.dir, { ...c.target, ...TARGET });
        const reported = new Set(findings.filter((f) => f.rule === c.rule).flatMap((f) => f.related.map((r) => `${r.file?.path}:${r.range?.start.line}:${r.range?.start.column}`)));
        const d = configDump(join(c.dir, 'etc/containerd/config.toml'));
        expect(d.ok, d.output).toBe(true);
        const dumped = parseTomlSource(makeSource({ path: 'dump.toml', kind: 'containerd' }, d.dump)).root!;
        // Every plugin key of every file of the node, by its path from the file's root.
        const keys: { path: string[]; at: string; value: unknown }[] = [];
        const walk = (m: MapNode, path: string[], file: string) => {
          for (const e of m.entries) {
            if (e.value.kind === 'map') walk(e.value, [...path, e.key], file);
            else keys.push({ path: [...path, e.key], at: `${file}:${e.keyRange.start.line}:${e.keyRange.start.column}`, value: toJS(e.value) });
          }
        };
        for (const rel of ['etc/containerd/config.toml', ...readdirSync(join(c.dir, 'etc/containerd/conf.d')).map((n) => `etc/containerd/conf.d/${n}`)]) {
          const file = join(c.dir, rel);
          const root = parseTomlSource(makeSource({ path: file, kind: 'containerd' }, readFileSync(file, 'utf8'))).root!;
          const plugins = getPath(root, ['plugins']);
          if (plugins?.kind === 'map') walk(plugins, ['plugins'], file);
        }
        const checked = keys.filter((k) => keys.filter((o) => JSON.stringify(o.path) === JSON.stringify(k.path)).length === 1);
        expect(checked.length).toBeGreaterThan(1);
        const verdicts = checked.map((k) => {
          const there = getPath(dumped, k.path);
          return { key: k.path.join('.'), reported: reported.has(k.at), inEffect: there !== undefined && JSON.stringify(toJS(there)) === JSON.stringify(k.value) };
        });
        expect(verdicts.filter((v) => v.reported === v.inEffect)).toEqual([]);
        expect(reported.size).toBe(verdicts.filter((v) => v.reported).length);
      });
    }
  });

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
