import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/errors.js';
import { compileGlob, ConfigError, findConfigFile, loadConfig, makeIgnoreMatcher, parseConfig } from '../src/engine/config.js';
import { makeSource } from '../src/core/source.js';

const REPO = resolve(import.meta.dirname, '..');
const FIX = join(REPO, 'fixtures/config');
const KNOWN = ['cgroup-driver-mismatch', 'sandbox-image-mismatch', 'syntax', 'unknown-key', 'unused-suppression'];

function cfg(text: string, path = '/work/crilint.config.yaml') {
  return parseConfig(makeSource({ path, display: 'crilint.config.yaml', kind: 'crilint-config' }, text), KNOWN);
}

/** The problems a ConfigError carries, as `file:line:col: message` lines. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toBeInstanceOf(UsageError);
    return (e as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

function tempTree(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'crilint-config-')));
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(resolve(p, '..'), { recursive: true });
    if (rel.endsWith('/')) mkdirSync(p, { recursive: true });
    else writeFileSync(p, text);
  }
  return dir;
}

describe('crilint.config.yaml: contents', () => {
  it('reads every setting, resolving paths against the file directory', () => {
    const c = loadConfig({ explicit: 'fixtures/config/full/crilint.config.yaml', cwd: REPO, knownRules: KNOWN })!;
    const dir = join(FIX, 'full');
    expect({ ...c, isIgnored: undefined }).toEqual({
      path: join(dir, 'crilint.config.yaml'),
      dir,
      rules: { 'sandbox-image-mismatch': 'warning', 'unused-suppression': 'error', 'cgroup-driver-mismatch': 'off' },
      target: { kubernetes: { major: 1, minor: 34 }, containerd: { major: 2, minor: 1, patch: 4 } },
      profiles: ['cis'],
      nodes: [
        { name: 'pool-a', root: join(dir, 'nodes/pool-a') },
        { name: 'nodes/pool-b/', root: join(dir, 'nodes/pool-b') },
      ],
      ignore: ['*.bak', 'nodes/pool-b/etc/sysctl.d/'],
      isIgnored: undefined,
    });
    expect(c.isIgnored(join(dir, 'nodes/pool-a/etc/containerd/config.toml.bak'))).toBe(true);
    expect(c.isIgnored(join(dir, 'nodes/pool-a/etc/containerd/config.toml'))).toBe(false);
    expect(c.isIgnored(join(dir, 'nodes/pool-b/etc/sysctl.d/99-k8s.conf'))).toBe(true);
    expect(c.isIgnored(join(dir, 'nodes/pool-b/etc/sysctl.conf'))).toBe(false);
    expect(c.isIgnored('/elsewhere/x.bak')).toBe(false);
  });

  it('reports every problem at once, each at its line and column, with did-you-mean', () => {
    expect(problems(() => loadConfig({ explicit: 'fixtures/config/broken/crilint.config.yaml', cwd: REPO, knownRules: KNOWN }))).toEqual([
      'fixtures/config/broken/crilint.config.yaml:1:1: unknown key "rule" (did you mean "rules"?); expected rules, target, profiles, nodes, ignore',
      'fixtures/config/broken/crilint.config.yaml:4:3: unknown rule "cgroup-driver-mismach" (did you mean "cgroup-driver-mismatch"?); `crilint rules` lists them',
      'fixtures/config/broken/crilint.config.yaml:5:27: rules.sandbox-image-mismatch: expected one of "error", "warning", "info", "off"',
      'fixtures/config/broken/crilint.config.yaml:7:15: target.kubernetes: write the version as a string: "1.30" (unquoted, YAML reads 1.30 as the number 1.3)',
      'fixtures/config/broken/crilint.config.yaml:8:15: target.containerd: expected a version such as "2.1" or "2.1.4"',
      'fixtures/config/broken/crilint.config.yaml:9:17: profiles[1]: expected one of "cis"',
      'fixtures/config/broken/crilint.config.yaml:11:11: nodes: root "nodes/missing" does not exist (relative to fixtures/config/broken)',
      'fixtures/config/broken/crilint.config.yaml:12:11: nodes: root "nodes/not-a-dir" is not a directory (relative to fixtures/config/broken)',
      'fixtures/config/broken/crilint.config.yaml:15:11: nodes: the name "real" is used twice (first at line 13)',
      'fixtures/config/broken/crilint.config.yaml:17:5: nodes[4]: missing "root"',
      'fixtures/config/broken/crilint.config.yaml:19:5: ignore[0]: expected a glob such as "**/*.bak" (negation with ! is not supported)',
    ]);
  });

  it('reports YAML syntax errors with their position, and refuses several documents or a non-mapping', () => {
    expect(problems(() => cfg('rules:\n  unknown-key: [off\n'))).toEqual(['crilint.config.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(problems(() => cfg('rules: {}\n---\nrules: {}\n'))).toEqual(['crilint.config.yaml:2:1: expected one YAML document, found several']);
    expect(problems(() => cfg('- rules\n'))).toEqual(['crilint.config.yaml:1:1: expected a mapping with the keys rules, target, profiles, nodes, ignore']);
    expect(problems(() => cfg('target:\n  kubernets: "1.34"\n'))).toEqual(['crilint.config.yaml:2:3: unknown key "kubernets" (did you mean "kubernetes"?); expected kubernetes, containerd, docker, runtime']);
    expect(problems(() => cfg('target: {kubernetes: 1.34}\n'))).toEqual(['crilint.config.yaml:1:22: target.kubernetes: write the version as a string: "1.34"']);
    expect(cfg('target: {runtime: cri-o}\n').target).toEqual({ runtime: 'crio' });
    expect(cfg('target: {runtime: docker}\n').target).toEqual({ runtime: 'cri-dockerd' });
    expect(cfg('target: {docker: "27.1"}\n').target).toEqual({ docker: { major: 27, minor: 1 } });
    expect(problems(() => cfg('target: {docker: 27.1}\n'))[0]).toMatch(/^crilint\.config\.yaml:1:18: target\.docker: /);
    expect(problems(() => cfg('target: {runtime: podman}\n'))).toEqual(['crilint.config.yaml:1:19: target.runtime: expected one of "containerd", "cri-o", "docker"']);
  });

  it('treats an empty file (or one with comments only) as no settings', () => {
    for (const text of ['', '# nothing yet\n']) {
      const c = cfg(text);
      expect({ ...c, isIgnored: undefined }).toEqual({ path: '/work/crilint.config.yaml', dir: '/work', rules: {}, target: {}, profiles: [], nodes: [], ignore: [], isIgnored: undefined });
      expect(c.isIgnored('/work/a.bak')).toBe(false);
    }
  });
});

describe('crilint.config.yaml: lookup', () => {
  it('uses --config relative to the working directory, and says when it is missing', () => {
    const dir = tempTree({ 'conf/my.yaml': 'profiles: [cis]\n' });
    expect(loadConfig({ explicit: 'conf/my.yaml', cwd: dir, knownRules: KNOWN })!.profiles).toEqual(['cis']);
    expect(problems(() => loadConfig({ explicit: 'nope.yaml', cwd: dir, knownRules: KNOWN }))).toEqual(['--config nope.yaml: no such file or directory']);
    expect(problems(() => loadConfig({ explicit: 'conf', cwd: dir, knownRules: KNOWN }))).toEqual(['--config conf: is a directory, expected a file']);
  });

  it('finds crilint.config.yaml or .crilint.yaml in the working directory, then parents up to the git root', () => {
    const dir = tempTree({ 'outer/crilint.config.yaml': '', 'outer/repo/.git/': '', 'outer/repo/.crilint.yaml': '', 'outer/repo/a/b/': '' });
    expect(findConfigFile(join(dir, 'outer/repo/a/b'))).toBe(join(dir, 'outer/repo/.crilint.yaml'));
    expect(findConfigFile(join(dir, 'outer/repo'))).toBe(join(dir, 'outer/repo/.crilint.yaml'));
    expect(loadConfig({ cwd: join(dir, 'outer/repo/a'), knownRules: KNOWN })!.dir).toBe(join(dir, 'outer/repo'));
  });

  it('does not look above the git root, and only in the working directory outside a repository', () => {
    const dir = tempTree({ 'crilint.config.yaml': '', 'repo/.git': 'gitdir: elsewhere\n', 'repo/sub/': '', 'plain/sub/': '' });
    expect(findConfigFile(join(dir, 'repo/sub'))).toBeNull();
    expect(loadConfig({ cwd: join(dir, 'repo/sub'), knownRules: KNOWN })).toBeNull();
    expect(findConfigFile(join(dir, 'plain/sub'))).toBeNull();
    expect(findConfigFile(dir)).toBe(join(dir, 'crilint.config.yaml'));
  });

  it('refuses two config files in one directory', () => {
    const dir = tempTree({ 'crilint.config.yaml': '', '.crilint.yaml': '' });
    expect(problems(() => findConfigFile(dir))).toEqual(['.crilint.yaml:1:1: both crilint.config.yaml and .crilint.yaml exist in .; keep one']);
  });

  it('names a config file that is not UTF-8 text', () => {
    const dir = tempTree({ 'crilint.config.yaml': 'rules:\n  x: \u0000\n' });
    // The wording of byte-level problems belongs to discover/read.ts; here: it is a config problem, at the NUL.
    const lines = problems(() => loadConfig({ cwd: dir, knownRules: KNOWN }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crilint\.config\.yaml:2:6: binary file \(NUL byte/);
  });
});

describe('ignore globs', () => {
  it.each([
    ['*.bak', 'a.bak', true],
    ['*.bak', 'x/y/a.bak', true],
    ['*.bak', 'a.bakx', false],
    ['nodes/*/etc', 'nodes/a/etc', true],
    ['nodes/*/etc', 'nodes/a/b/etc', false],
    ['nodes/**/etc', 'nodes/etc', true],
    ['nodes/**/etc', 'nodes/a/b/etc', true],
    ['nodes/**', 'nodes/a/b', true],
    ['nodes/**', 'nodesx/a', false],
    ['**', 'any/thing', true],
    ['pool-?/x', 'pool-a/x', true],
    ['pool-?/x', 'pool-ab/x', false],
    ['pool-?/x', 'pool-/x', false],
    ['./a/b.toml', 'a/b.toml', true],
    ['/a/b.toml', 'a/b.toml', true],
    ['a.(1)+[x].toml', 'a.(1)+[x].toml', true],
    ['a.(1)+[x].toml', 'a.(1)+x.toml', false],
    ['*', '.hidden', true],
  ])('%s vs %s → %s', (pattern, path, hit) => {
    expect(compileGlob(pattern).test(path)).toBe(hit);
  });

  it('ignores everything below a matching directory, and nothing outside the base directory', () => {
    const m = makeIgnoreMatcher(['legacy/', 'nodes/*/etc/sysctl.d'], '/repo');
    expect(m('/repo/legacy/etc/containerd/config.toml')).toBe(true);
    expect(m('/repo/nodes/a/etc/sysctl.d/99.conf')).toBe(true);
    expect(m('/repo/nodes/a/etc/sysctl.conf')).toBe(false);
    expect(m('/other/legacy/x')).toBe(false);
    expect(m('/repo')).toBe(false);
    expect(makeIgnoreMatcher([], '/repo')('/repo/legacy/x')).toBe(false);
  });
});
