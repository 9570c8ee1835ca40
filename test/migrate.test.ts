/**
 * `crilint migrate`: containerd config version 2 → 3 → 4 as minimal edits.
 *
 * - Every version-2 and version-less (version 1) file of ../shared/corpus/containerd (EKS, kind,
 *   minikube, containerd's own testdata, Docker's package config, …), migrated to 3 and to 4:
 *   nothing is left over, the result lints without a
 *   config-version finding for a containerd 2.x target that reads the version natively, every
 *   comment line is still there, and every setting of the original is in the result, value by
 *   value (both files read by smol-toml, an independent parser), at the path containerd's own
 *   migration gives it (data V2_TO_V3_CRI_KEYS, PLUGIN_IDS_RENAMED, SCHED_CORE_MIGRATION,
 *   V3_TO_V4_SERVICE_MIGRATION); only `sched_core = false` is dropped, as containerd drops it.
 * - Hand-written cases in fixtures/migrate/<case>/: config.toml and the exact expected result
 *   per target version (expected.3.toml, expected.4.toml).
 * - The CLI: the diff, --write, exit codes and error messages exactly.
 */
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as smolParse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { PLUGIN_IDS_RENAMED, v1PluginUri } from '../src/data/containerd.js';
import { mapV2CriKey, SCHED_CORE_MIGRATION, V3_TO_V4_SERVICE_MIGRATION } from '../src/data/containerd-keys.js';
import { lintSpec } from '../src/engine/pipeline.js';
import { migrateFile, type MigrateTo } from '../src/generate/migrate.js';
import { CORPUS, crilint, REPO } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';

const CONTAINERD: Record<MigrateTo, string> = { 3: '2.2', 4: '2.3' };
/** Rules about the config version and the layout it implies: none may remain after a migration. */
const VERSION_RULES = ['config-version-missing', 'config-version-unsupported', 'cri-config-ignored', 'plugin-ids-mixed', 'plugin-id-not-uri', 'server-section-inert', 'dropin-version-above-root'];

const tempDir = tempDirs('crilint-migrate-');

/** A copy of `src` in a temp dir, writable. */
function copy(src: string, name = 'config.toml'): string {
  const p = join(tempDir(), name);
  copyFileSync(src, p);
  chmodSync(p, 0o644);
  return p;
}

type Leaves = Map<string, unknown>;

/** Leaf values by key path (JSON of the segments); arrays are leaves. */
function leaves(text: string): Leaves {
  const out: Leaves = new Map();
  const walk = (v: unknown, path: string[]) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    } else out.set(JSON.stringify(path), typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v);
  };
  walk(smolParse(text), []);
  return out;
}

function isZero(v: unknown): boolean {
  return v === undefined || v === '' || v === 0 || v === false;
}

/**
 * Top-level server fields that containerd 2.3's serviceMigrate moves, as the data table describes
 * it: field → the plugin key and the value written there (ttrpc's derived from grpc's address).
 */
function serverMoves(orig: Leaves): Map<string, { path: string[]; value: unknown }> {
  const out = new Map<string, { path: string[]; value: unknown }>();
  const value = (field: string) => orig.get(JSON.stringify(field.split('.')));
  for (const step of V3_TO_V4_SERVICE_MIGRATION) {
    if (orig.has(JSON.stringify(['plugins', step.plugin]))) continue;
    const vals: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(step.keys)) vals[k] = value(f);
    if (step.derive && isZero(value(step.derive.ifEmpty)) && !isZero(value(step.derive.from))) {
      vals.address = `${String(value(step.derive.from))}${step.derive.suffix}`;
      for (const [k, f] of Object.entries(step.derive.zeroFrom)) if (isZero(vals[k])) vals[k] = value(f);
    }
    const runs = step.derive ? Object.values(vals).some((v) => !isZero(v)) : step.when.some((w) => !isZero(value(w)));
    if (!runs) continue;
    for (const [k, f] of Object.entries(step.keys)) {
      const zeroOk = step.zeroWritten === 'all' || (step.zeroWritten !== undefined && step.zeroWritten.keys.includes(k) && !isZero(value(step.zeroWritten.ifSet)));
      if ((isZero(vals[k]) && !zeroOk) || step.copies?.includes(k) || out.has(f)) continue;
      out.set(f, { path: ['plugins', step.plugin, k], value: vals[k] ?? 0 });
    }
  }
  return out;
}

/** Where containerd's migration puts an original setting (and its value there); `v1`: the original has no `version`. */
function destination(path: string[], value: unknown, to: MigrateTo, server: Map<string, { path: string[]; value: unknown }>, v1: boolean): { path: readonly string[]; value: unknown } | null {
  const c = parseVersion(CONTAINERD[to])!;
  if (v1 && path[0] === 'plugins' && path[1] !== undefined) path = ['plugins', v1PluginUri(path[1]).uri, ...path.slice(2)];
  if (v1 && path.length === 1 && (path[0] === 'disabled_plugins' || path[0] === 'required_plugins') && Array.isArray(value)) {
    return { path, value: value.map((x) => (typeof x === 'string' ? v1PluginUri(x).uri : x)) };
  }
  if (path[0] === 'plugins' && path[1] === 'io.containerd.grpc.v1.cri') {
    const d = mapV2CriKey(path.slice(2), c);
    return { path: d.path, value: d.transform === 'wrap-in-array' ? [value] : value };
  }
  if (JSON.stringify(path) === JSON.stringify(SCHED_CORE_MIGRATION.from)) return value === true ? { path: SCHED_CORE_MIGRATION.to, value: SCHED_CORE_MIGRATION.whenTrue } : null;
  const renamed = PLUGIN_IDS_RENAMED.find((r) => path[0] === 'plugins' && path[1] === r.from);
  if (renamed) return { path: ['plugins', renamed.to, ...path.slice(2)], value };
  if (to === 4 && path.length === 2) {
    const moved = server.get(path.join('.'));
    if (moved) return moved;
  }
  return { path, value };
}

function commentLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'))
    .sort();
}

function lintText(text: string, to: MigrateTo) {
  const p = join(tempDir(), 'config.toml');
  writeFileSync(p, text);
  return lintSpec({ name: '(files)', root: null, files: [{ kind: 'containerd', path: p }], focus: null }, { given: { containerd: parseVersion(CONTAINERD[to])! } }).findings;
}

const corpusDir = join(CORPUS, 'containerd');
const declared = (f: string) => /^\s*version\s*=\s*(\d+)/m.exec(readFileSync(join(corpusDir, f), 'utf8'))?.[1] ?? '1';
const V2_FILES = existsSync(corpusDir)
  ? readdirSync(corpusDir)
      .filter((f) => f.endsWith('.toml') && !f.includes('TEMPLATE') && ['1', '2'].includes(declared(f)))
      .sort()
  : [];

describe.runIf(existsSync(corpusDir))('the corpus files of version 2 and 1', () => {
  it('are the EKS, kind, minikube, containerd testdata and Docker files among others', () => {
    expect(V2_FILES).toEqual(
      expect.arrayContaining([
        'eks-ami-nodeadm-e2e-expected-v2-rendered.toml',
        'eks-ami-al2-containerd-config-v2-placeholder.toml',
        'kind-base-image-config-v2.toml',
        'minikube-kicbase-and-iso-containerd-v2.toml',
        'containerd-1.6-config-default-migration-testdata-v2.toml',
        'containerd-1.7-config-default-migration-testdata-v2.toml',
        'containerd-1.7-custom-migration-testdata-v2.toml',
        'docker-containerd.io-package-config.toml',
        'nvidia-ctk-testdata-containerd-1.x-default-dump-v1-noversion.toml',
      ]),
    );
    expect(V2_FILES.filter((f) => declared(f) === '2').length).toBe(14);
    expect(V2_FILES.filter((f) => declared(f) === '1').length).toBe(4);
  });

  for (const name of V2_FILES) {
    for (const to of [3, 4] as const) {
      describe(`${name} → ${to}`, () => {
        const original = readFileSync(join(corpusDir, name), 'utf8');
        const r = migrateFile(copy(join(corpusDir, name)), name, to);

        it('is migrated completely', () => {
          expect(r.from).toBe(Number(declared(name)));
          expect(r.leftovers.map((f) => f.message)).toEqual([]);
          expect(r.diagnostics).toEqual([]);
          expect(r.text).not.toBe(r.original);
        });

        it(`lints without config-version findings for containerd ${CONTAINERD[to]}`, () => {
          const found = lintText(r.text, to).filter((f) => VERSION_RULES.includes(f.rule));
          expect(found.map((f) => `${f.rule} ${f.range?.start.line}: ${f.message}`)).toEqual([]);
          expect(r.text).toMatch(new RegExp(`^version = ${to}$`, 'm'));
        });

        it('keeps every comment line', () => {
          const after = commentLines(r.text);
          const missing = [...commentLines(original)];
          for (const c of after) {
            const i = missing.indexOf(c);
            if (i >= 0) missing.splice(i, 1);
          }
          expect(missing).toEqual([]);
        });

        it('keeps every setting, value by value, where containerd moves it', () => {
          const before = leaves(original);
          const after = leaves(r.text);
          const expected = new Map<string, unknown>();
          const server = serverMoves(before);
          for (const [k, v] of before) {
            const path = JSON.parse(k) as string[];
            if (path.length === 1 && path[0] === 'version') continue;
            const d = destination(path, v, to, server, !before.has('["version"]'));
            // Dropped by containerd's own migration (sched_core = false): nowhere to find.
            if (!d) continue;
            expected.set(JSON.stringify(d.path), d.value);
          }
          const wrong: string[] = [];
          for (const [k, v] of expected) if (JSON.stringify(after.get(k)) !== JSON.stringify(v)) wrong.push(`${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(after.get(k))}`);
          expect(wrong).toEqual([]);
          // What the result has beyond that: the version, and values containerd 2.3 derives for the server plugins.
          const extra = [...after.keys()].filter((k) => !expected.has(k) && k !== '["version"]');
          for (const k of extra) expect(k).toMatch(/^\["plugins","io\.containerd\.server\.v1\.(grpc|ttrpc|grpc-tcp|debug)","(address|uid|gid|max_recv_message_size|max_send_message_size)"\]$/);
          if (to === 3) expect(extra).toEqual([]);
        });

        it('is migrated once: a second run changes nothing', () => {
          const again = migrateFile(copy(join(corpusDir, name)), name, to);
          expect(again.text).toBe(r.text);
          const p = join(tempDir(), 'again.toml');
          writeFileSync(p, r.text);
          const second = migrateFile(p, 'again.toml', to);
          expect(second.text).toBe(r.text);
          expect(second.applied).toEqual([]);
        });
      });
    }
  }
});

describe('fixtures/migrate', () => {
  const dir = join(REPO, 'fixtures/migrate');
  for (const c of readdirSync(dir).sort()) {
    for (const to of [3, 4] as const) {
      const expectedFile = join(dir, c, `expected.${to}.toml`);
      if (!existsSync(expectedFile)) continue;
      it(`${c} → ${to}: exactly the expected file`, () => {
        const r = migrateFile(copy(join(dir, c, 'config.toml')), 'config.toml', to);
        expect(r.text).toBe(readFileSync(expectedFile, 'utf8'));
      });
    }
  }
});

describe('crilint migrate (CLI)', () => {
  const fixture = (c: string) => copy(join(REPO, 'fixtures/migrate', c, 'config.toml'));

  it('prints the unified diff and writes nothing', () => {
    const p = join(tempDir(), 'config.toml');
    const text = '# node pool "a"\nversion = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  # kubeadm 1.31\n  sandbox_image = "registry.k8s.io/pause:3.10"\n';
    writeFileSync(p, text);
    const r = crilint(['migrate', 'config.toml'], { cwd: join(p, '..') });
    expect(r).toEqual({
      stdout: [
        '--- a/config.toml',
        '+++ b/config.toml',
        '@@ -1,6 +1,6 @@',
        ' # node pool "a"',
        '-version = 2',
        '+version = 3',
        ' ',
        '-[plugins."io.containerd.grpc.v1.cri"]',
        '+[plugins."io.containerd.cri.v1.images".pinned_images]',
        '   # kubeadm 1.31',
        '-  sandbox_image = "registry.k8s.io/pause:3.10"',
        '+  sandbox = "registry.k8s.io/pause:3.10"',
        '',
      ].join('\n'),
      stderr: 'crilint: config.toml: version 2 → 3 (2 changes); nothing written (--write writes it)\n',
      code: 0,
    });
    expect(readFileSync(p, 'utf8')).toBe(text);
    // Outside the working directory the headers name the path from `/` (patch -p1 from / applies it).
    const outside = crilint(['migrate', p]);
    expect(outside.stdout.split('\n').slice(0, 2)).toEqual([`--- a/${p.slice(1)}`, `+++ b/${p.slice(1)}`]);
    expect(outside.stderr).toBe(`crilint: ${p}: version 2 → 3 (2 changes); nothing written (--write writes it)\n`);
  });

  it('a file without `version` (version 1): the version goes in and the plugins get their URIs', () => {
    const p = join(tempDir(), 'config.toml');
    writeFileSync(p, 'disabled_plugins = ["cri"]\n\n[plugins.cri]\n  sandbox_image = "registry.k8s.io/pause:3.10"\n');
    const r = crilint(['migrate', p, '--write']);
    expect(r).toEqual({ stdout: '', stderr: `crilint: ${p}: migrated from version 1 to 3 (4 changes)\n`, code: 0 });
    expect(readFileSync(p, 'utf8')).toBe('disabled_plugins = ["io.containerd.grpc.v1.cri"]\nversion = 3\n\n[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.10"\n');
  });

  it('--write rewrites the file (mode kept) with exactly the expected text; a second run has nothing to do', () => {
    const p = fixture('kubeadm-v2');
    chmodSync(p, 0o640);
    const r = crilint(['migrate', p, '--to', '4', '--write']);
    expect(r).toEqual({ stdout: '', stderr: `crilint: ${p}: migrated from version 2 to 4 (9 changes)\n`, code: 0 });
    expect(readFileSync(p, 'utf8')).toBe(readFileSync(join(REPO, 'fixtures/migrate/kubeadm-v2/expected.4.toml'), 'utf8'));
    expect(statSync(p).mode & 0o777).toBe(0o640);
    expect(crilint(['migrate', p, '--to', '4', '--write'])).toEqual({ stdout: '', stderr: `crilint: ${p}: already version 4; nothing to migrate\n`, code: 0 });
  });

  it('exit 1 and the settings it could not move, with their lines; the rest is migrated', () => {
    const p = fixture('conflict-v2');
    const r = crilint(['migrate', p, '--write']);
    expect(r).toEqual({
      stdout: '',
      stderr: `${p}:4:3: not migrated: sandbox_image belongs in [plugins."io.containerd.cri.v1.images"], which already sets pinned_images.sandbox: merge them by hand\ncrilint: ${p}: migrated from version 2 to 3 (3 changes)\n`,
      code: 1,
    });
    expect(readFileSync(p, 'utf8')).toBe(readFileSync(join(REPO, 'fixtures/migrate/conflict-v2/expected.3.toml'), 'utf8'));
  });

  it('says exactly what is wrong (exit 2), and writes nothing', () => {
    const dir = tempDir();
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return name;
    };
    const run = (...args: string[]) => crilint(['migrate', ...args], { cwd: dir });
    const usage = (message: string) => ({ stdout: '', stderr: `crilint: ${message}\n`, code: 2 });
    expect(run('missing.toml')).toEqual(usage('missing.toml: no such file or directory'));
    expect(run(file('bad.toml', 'version = 2\n[plugins\n'))).toEqual(usage('bad.toml:3:1: cannot migrate a file that does not parse: invalid TOML: Unterminated table-key'));
    expect(run(file('str.toml', 'version = "2"\n'))).toEqual(usage('str.toml:1:11: version "2" is not a config version crilint migrates (1, 2, 3 or 4)'));
    expect(run(file('v4.toml', 'version = 4\n'))).toEqual(usage('v4.toml: declares version 4; crilint migrate does not go back to version 3'));
    expect(run('v4.toml', '--to', '5')).toEqual(usage('--to 5: choose 3 (containerd 2.0–2.2) or 4 (containerd 2.3)'));
    expect(run('v4.toml', '--to', 'four')).toEqual(usage('--to four: choose 3 (containerd 2.0–2.2) or 4 (containerd 2.3)'));
    expect(run('v4.toml', '--to', '4')).toEqual({ stdout: '', stderr: 'crilint: v4.toml: already version 4; nothing to migrate\n', code: 0 });
    expect(readFileSync(join(dir, 'bad.toml'), 'utf8')).toBe('version = 2\n[plugins\n');
  });
});
