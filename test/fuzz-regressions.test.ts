/**
 * Bugs the property suite (test/property.test.ts), the differential suite
 * (test/differential.test.ts) and the hardening review found, each pinned by the smallest input
 * that showed it.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tempTree } from './helpers/tree.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { runFixes } from '../src/engine/fix-run.js';
import { lintSpec } from '../src/engine/pipeline.js';
import { globSegmentMatcher, MAX_GLOB_PATHS } from '../src/model/containerd.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function node(files: Record<string, string>): string {
  return tempTree(files, dirs, 'crilint-regress-');
}

function fix(root: string, target: { kubernetes: string; containerd: string }) {
  const given = { kubernetes: parseVersion(target.kubernetes)!, containerd: parseVersion(target.containerd)! };
  return runFixes({ name: 'n', root, files: [], focus: null }, { given, unsafe: true }).result;
}

describe('found by the property suite', () => {
  it('a misspelt systemd_cgroup in the runc options and a cgroup driver mismatch: the rename and the insert of SystemdCgroup no longer collide', () => {
    // Both fixes are fine alone; in one pass they defined SystemdCgroup twice and the pass was
    // thrown away as an internal error (exit 3). Now the rename goes first and the mismatch fix
    // sets the renamed key in the next pass.
    const root = node({
      'etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n    systemd_cgroup = false\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n',
    });
    const r = fix(root, { kubernetes: '1.30', containerd: '1.7' });
    expect(r.diagnostics).toEqual([]);
    expect(r.applied.map((a) => [a.rule, a.pass])).toEqual([
      ['systemd-cgroup-misplaced', 1],
      ['cgroup-driver-mismatch', 2],
    ]);
    expect([...r.files.values()].map((f) => [f.display, f.text])).toEqual([
      [
        'etc/containerd/config.toml',
        'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n    SystemdCgroup = true\n',
      ],
    ]);
  });
});

/** Findings of the schema and syntax checks for a containerd config.toml, as `line:column rule severity message`. */
function schemaFindings(config: string | Record<string, string>, containerd: string): string[] {
  const root = node(typeof config === 'string' ? { 'etc/containerd/config.toml': config } : config);
  const { findings } = lintSpec({ name: 'n', root, files: [], focus: null }, { given: { containerd: parseVersion(containerd)!, kubernetes: parseVersion('1.28')! } });
  return findings
    .filter((f) => ['syntax', 'invalid-value', 'unknown-key'].includes(f.rule))
    .map((f) => `${f.range!.start.line}:${f.range!.start.column} ${f.rule} ${f.severity} ${f.message}`);
}

describe('found by the differential suite (containerd 1.6.20 config dump)', () => {
  it('a float where containerd has an integer ("version = 2.0") does not decode', () => {
    const msg = '1:11 invalid-value error invalid value for "version" at the top level: expected an integer config version (1, 2, 3 or 4), got float 2.0; containerd cannot decode it and fails to start';
    expect(schemaFindings('version = 2.0\n', '1.6.20')).toEqual([msg]);
    expect(schemaFindings('version = 2.0\n', '2.1')).toEqual([msg]);
    expect(schemaFindings('version = 2\noom_score = 1e3\n', '1.6.20')).toEqual([
      '2:13 invalid-value error invalid value for "oom_score" at the top level: expected an integer, got float 1e3; containerd cannot decode it and fails to start',
    ]);
  });

  it('a datetime where containerd has a string does not decode', () => {
    expect(schemaFindings('version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = 1979-05-27T07:32:00Z\n', '1.6.20')).toEqual([
      '3:19 invalid-value error invalid value for "sandbox_image" in [plugins."io.containerd.grpc.v1.cri"]: expected string, got datetime 1979-05-27T07:32:00Z; containerd cannot decode it and fails to start',
    ]);
  });

  it('an integer beyond 64 bits is a TOML syntax error', () => {
    expect(schemaFindings('version = 2\noom_score = 99999999999999999999\n', '1.6.20')).toEqual([
      '2:13 syntax error invalid TOML: integer 99999999999999999999 does not fit in 64 bits',
    ]);
  });

  it('containerd 1.x starts with a negative version: reported, but not as a refusal', () => {
    expect(schemaFindings('version = -1\n', '1.6.20')).toEqual([
      '1:11 invalid-value error invalid value for "version" at the top level: expected an integer config version (1, 2, 3 or 4), got integer -1; containerd 1.6.20 starts with it (it only warns that versions below 2 are deprecated), but reads the file as neither version 1 nor 2: it looks plugins up by their URIs and skips the version 2 checks',
    ]);
  });

  it('tables of plugins containerd 1.x does not have, or does not look up, are not decoded', () => {
    // 2.x plugin IDs on 1.6: nothing in them is decoded (config-version-unsupported says they are ignored).
    const v3 = 'version = 3\n[plugins."io.containerd.cri.v1.runtime".cni]\n  bin_dirs = "x"\n';
    expect(schemaFindings(v3, '1.6.20')).toEqual([]);
    expect(schemaFindings(v3, '2.1')).toEqual([
      '3:14 invalid-value error invalid value for "bin_dirs" in [plugins."io.containerd.cri.v1.runtime".cni]: expected array, got string "x"; containerd cannot decode it and fails to start',
    ]);
    // A plugin URI in a version-1 file is not looked up by 1.x; a negative version looks URIs up.
    const uri = (v: string) => `version = ${v}\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = 1\n`;
    expect(schemaFindings(uri('1'), '1.6.20')).toEqual([]);
    expect(schemaFindings(uri('-1'), '1.6.20').slice(1)).toEqual([
      '3:19 invalid-value error invalid value for "sandbox_image" in [plugins."io.containerd.grpc.v1.cri"]: expected string, got integer 1; containerd cannot decode it and fails to start',
    ]);
    // A version-3 file on 1.6 is read with the 1.x CRI layout.
    expect(schemaFindings(uri('3'), '1.6.20')).toEqual([
      '3:19 invalid-value error invalid value for "sandbox_image" in [plugins."io.containerd.grpc.v1.cri"]: expected string, got integer 1; containerd cannot decode it and fails to start',
    ]);
    // A disabled plugin's table is not decoded.
    expect(schemaFindings('disabled_plugins = ["cri"]\n[plugins.cri.containerd]\n  snapshotter = nan\n', '1.6.20')).toEqual([]);
  });

  it('containerd 1.x decodes the CRI config\'s embedded containerd, cni and image_decryption fields at the CRI table\'s top level when the sub-table is absent', () => {
    expect(schemaFindings('version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  no_pivot = 1\n  snapshotter = "native"\n  conf_dir = "/etc/cni/net.d"\n', '1.6.20')).toEqual([
      '3:14 invalid-value error invalid value for "no_pivot" in [plugins."io.containerd.grpc.v1.cri"]: expected boolean, got integer 1; containerd cannot decode it and fails to start',
    ]);
    expect(schemaFindings('version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  no_pivot = 1\n[plugins."io.containerd.grpc.v1.cri".containerd]\n', '1.6.20')).toEqual([
      '3:3 unknown-key error unknown key "no_pivot" in [plugins."io.containerd.grpc.v1.cri"]; containerd ignores unknown keys, so this setting has no effect',
    ]);
  });
});

describe('found by the differential suite with the fixtures of containerd-import-replaces-table as seeds', () => {
  it('containerd 1.x decodes only the last table of a plugin: a wrong type in a table that an import replaces is not read', () => {
    // The installed 1.6.20 starts with this pair, and refuses config.toml alone ("Can't convert yes(string) to bool").
    const files = {
      'etc/containerd/config.toml': 'version = 2\nimports = ["conf.d/10-gpu.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\n  disable_tcp_service = "yes"\n',
      'etc/containerd/conf.d/10-gpu.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "runc"\n',
    };
    expect(schemaFindings(files, '1.6.20')).toEqual([]);
    const alone = '4:25 invalid-value error invalid value for "disable_tcp_service" in [plugins."io.containerd.grpc.v1.cri"]: expected boolean, got string "yes"; containerd cannot decode it and fails to start';
    expect(schemaFindings({ 'etc/containerd/config.toml': files['etc/containerd/config.toml'].replace('imports = ["conf.d/10-gpu.toml"]', 'imports = []') }, '1.6.20')).toEqual([alone]);
    // containerd 2.x merges plugin tables key by key, so the value is decoded.
    expect(schemaFindings(files, '2.1')).toEqual([alone]);
  });
});

describe('glob imports: Go filepath.Match semantics without exponential backtracking, and a limit on their reach', () => {
  it('matches like filepath.Match (literals, ?, classes with ranges and ^, escapes); malformed patterns are null', () => {
    const m = (p: string, n: string) => globSegmentMatcher(p)?.(n) ?? 'bad';
    expect([m('*.toml', 'a.toml'), m('*.toml', '.toml'), m('*.toml', 'a.tom'), m('a*b*c', 'abxbc'), m('a*b*c', 'abxbcx'), m('?', ''), m('?', 'é')]).toEqual([true, true, false, true, false, false, true]);
    expect([m('[0-9]*', '5x'), m('[^0-9]*', '5x'), m('[a-c]', 'b'), m('[a-c]', 'd'), m('\\*', '*'), m('\\*', 'a'), m('[\\]]', ']')]).toEqual([true, false, true, false, true, false, true]);
    expect([m('[', 'x'), m('a\\', 'a'), m('[]a]', 'a'), m('[-a]', 'a'), m('[a-]', 'a'), m('[]', 'x')]).toEqual(['bad', 'bad', 'bad', 'bad', 'bad', 'bad']);
  });

  it('agrees with a plain backtracking matcher on random small patterns and names', () => {
    // Reference: the definition, by recursion (exponential, fine for these sizes).
    const ref = (p: string, n: string): boolean => {
      if (!p) return !n;
      if (p[0] === '*') return ref(p.slice(1), n) || (n.length > 0 && ref(p, n.slice(1)));
      return n.length > 0 && (p[0] === '?' || p[0] === n[0]) && ref(p.slice(1), n.slice(1));
    };
    fc.assert(
      fc.property(fc.stringMatching(/^[ab*?]{0,8}$/), fc.stringMatching(/^[ab]{0,10}$/), (p, n) => {
        expect(globSegmentMatcher(p)!(n)).toBe(ref(p, n));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('a pattern with many stars against a long name finishes (a regular expression backtracked for hours)', () => {
    const pattern = '*a'.repeat(20) + '*b';
    expect(globSegmentMatcher(pattern)!('a'.repeat(250))).toBe(false);
    expect(globSegmentMatcher(pattern)!('a'.repeat(250) + 'b')).toBe(true);
  });

  it(`a glob reaching more than ${MAX_GLOB_PATHS} paths (links to their own directory) is not expanded, and reported`, () => {
    const root = node({ 'etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/d/*/*/*/*/*.toml"]\n' });
    for (let i = 0; i < 12; i++) symlinkSync('.', join(root, `etc/containerd/d-${i}`));
    mkdirSync(join(root, 'etc/containerd/d'));
    for (let i = 0; i < 12; i++) symlinkSync('.', join(root, `etc/containerd/d/l${i}`));
    const { findings } = lintSpec({ name: 'n', root, files: [], focus: null }, { given: { containerd: parseVersion('2.1')!, kubernetes: parseVersion('1.34')! } });
    expect(findings.filter((f) => f.rule.startsWith('containerd-import')).map((f) => `${f.range!.start.line}:${f.range!.start.column} ${f.rule} ${f.message}`)).toEqual([
      `2:12 containerd-import-limit import "/etc/containerd/d/*/*/*/*/*.toml" not followed: its glob reaches more than ${MAX_GLOB_PATHS} paths (crilint's limit), so none of its matches is checked`,
    ]);
  });
});

describe('found while checking glob imports against containerd 1.6.20', () => {
  it('a glob matches a dangling symlink (filepath.Glob does not stat its matches), and containerd then fails to open it', () => {
    const root = node({ 'etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n', 'etc/containerd/conf.d/20-ok.toml': 'version = 2\n' });
    symlinkSync('/etc/containerd/missing.toml', join(root, 'etc/containerd/conf.d/10-dangling.toml'));
    const { findings } = lintSpec({ name: 'n', root, files: [], focus: null }, { given: { containerd: parseVersion('1.6.38')!, kubernetes: parseVersion('1.28')! } });
    expect(findings.filter((f) => f.rule.startsWith('containerd-import')).map((f) => `${f.range!.start.line}:${f.range!.start.column} ${f.rule} ${f.message}`)).toEqual([
      '2:12 containerd-import-not-found imported file /etc/containerd/conf.d/10-dangling.toml does not exist; containerd fails to start when an import cannot be read',
    ]);
  });
});

describe('found by the differential suite (seed 820256719: a truncation inside a multi-byte character)', () => {
  // containerd 1.6.20 loads a config.toml with invalid UTF-8 (go-toml v1 reads each bad sequence as
  // U+FFFD; checked: a bad comment, a bad string, a cut-off last line all start); go-toml v2
  // (containerd 2.x) refuses it ("invalid character in comment", pelletier/go-toml unstable/scanner.go).
  const bytes = Buffer.concat([
    Buffer.from('version = 2\n# containerd 2.0\u2013'),
    Buffer.from([0xe2, 0x80]), // "–" cut in two
    Buffer.from('\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n'),
  ]);
  const root = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'crilint-utf8-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'etc/containerd'), { recursive: true });
    writeFileSync(join(dir, 'etc/containerd/config.toml'), bytes);
    mkdirSync(join(dir, 'var/lib/kubelet'), { recursive: true });
    writeFileSync(join(dir, 'var/lib/kubelet/config.yaml'), 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n');
    return dir;
  };
  const lint = (containerd: string) =>
    lintSpec({ name: 'n', root: root(), files: [], focus: null }, { given: { kubernetes: parseVersion('1.28')!, containerd: parseVersion(containerd)! } }).findings.map(
      (f) => `${f.file!.display}:${f.range!.start.line}:${f.range!.start.column} ${f.severity} ${f.rule}${f.rule === 'syntax' ? ` ${f.message}` : ''}`,
    );

  it('for containerd 1.x: a warning at the first bad sequence, and the file is still checked; for 2.x: the error, and nothing else in the file', () => {
    expect(lint('1.6')).toEqual([
      'etc/containerd/config.toml:1:1 warning sandbox-image-mismatch',
      'etc/containerd/config.toml:2:18 warning syntax invalid UTF-8 at byte 31: containerd 1.6 reads each invalid byte sequence as U+FFFD (go-toml v1) and starts, but containerd 2.x refuses the file (go-toml v2: "invalid character"); write the file as UTF-8',
      'etc/containerd/config.toml:4:19 error cgroup-driver-mismatch',
    ]);
    expect(lint('2.1')).toEqual(['etc/containerd/config.toml:2:18 error syntax invalid UTF-8 at byte 31; the file must be UTF-8 text']);
  });

  it('--fix leaves the file alone: writing it would replace the invalid bytes', () => {
    const r = runFixes({ name: 'n', root: root(), files: [], focus: null }, { given: { kubernetes: parseVersion('1.28')!, containerd: parseVersion('1.6')! }, unsafe: true }).result;
    expect(r.files.size).toBe(0);
    expect(r.findings.map((f) => `${f.rule} ${f.fix?.safety ?? '-'}`)).toEqual(['sandbox-image-mismatch -', 'syntax -', 'cgroup-driver-mismatch -']);
  });
});
