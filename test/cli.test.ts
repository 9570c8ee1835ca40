/**
 * The CLI as users run it (the built bin, spawned): help, version, usage errors, exit codes,
 * output on stdout and notes on stderr; and `lint()` in-process with test rules for what needs
 * findings the real rules do not make yet (pre-commit focus, --quiet, --max-warnings).
 * `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintArgs } from '../src/cli/lint.js';
import { defineRule, type Rule } from '../src/engine/rule.js';
import { rangeOf } from '../src/core/source.js';
import { crilint, REPO } from './helpers/cli.js';

const NODE = 'fixtures/cli/node';
let tmp: string;

beforeAll(() => {
  if (!existsSync(resolve(REPO, 'dist/crilint.mjs'))) throw new Error('dist/crilint.mjs is missing: run `npm run build` (npm test does)');
  tmp = mkdtempSync(join(tmpdir(), 'crilint-cli-'));
  // A node whose sysctl.d file is binary: a `syntax` finding that needs no component rules.
  mkdirSync(join(tmp, 'bin-node/etc/sysctl.d'), { recursive: true });
  writeFileSync(join(tmp, 'bin-node/etc/sysctl.d/10-k8s.conf'), Buffer.from('net.ipv4.ip_forward = 1\n\x7fELF\x02\x01\x01\x00\x00\x00'));
  mkdirSync(join(tmp, 'empty-dir'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('usage', () => {
  it('prints the lint options', () => {
    const r = crilint(['lint', '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'crilint lint [paths..]',
        '',
        'Lint node configuration: node roots, fleets of them, or loose files',
        '',
        'Positionals:',
        '  paths  Files, node roots, or directories of node roots                        [array] [default: .]',
        '',
        'Options:',
        '  --color           Colour the output (default: on a terminal, unless NO_COLOR is set)     [boolean]',
        '  --debug           Show stack traces for internal errors, and what --cache reused         [boolean]',
        '  --help            Show help                                                              [boolean]',
        '  --version         Show version number                                                    [boolean]',
        "  --root            Lint DIR whole as a node's / (repeatable)                                [array]",
        '  --kubernetes      Target Kubernetes X.Y (default: newest known)                           [string]',
        '  --containerd      Target containerd X.Y (default: from config version)                    [string]',
        '  --runtime         Node runtime (default: detected)      [choices: "containerd", "cri-o", "docker"]',
        '  --docker          Target Docker Engine X.Y (default: any release 20.10-29.7)              [string]',
        '  --format          Output format [choices: "stylish", "json", "sarif", "github"] [default: stylish]',
        '  --max-warnings    Exit 1 when there are more than N warnings                              [number]',
        '  --quiet           Report errors only                                    [boolean] [default: false]',
        '  --fix             Apply safe fixes and report what remains              [boolean] [default: false]',
        '  --unsafe-fixes    Also apply fixes that change node behaviour           [boolean] [default: false]',
        '  --fix-dry-run     Print the diff --fix would write; write nothing       [boolean] [default: false]',
        '  --config          Config file (default: crilint.config.yaml up to the git root)           [string]',
        '  --profile         Enable an opt-in rule profile (e.g. cis; repeatable)                     [array]',
        '  --cache           Reuse results of unchanged node sets (not with --fix) [boolean] [default: false]',
        '  --cache-location  Cache file or directory (default: .crilintcache)                        [string]',
        '  --jobs            Worker threads for a fleet (default: 1 a core from 128 nodes, 4 cores)  [number]',
        '',
        'Examples:',
        '  crilint lint --root examples/broken-node            Lint a whole node root',
        '  crilint lint nodes/                                 Lint every node root below nodes/',
        '  crilint lint nodes/*                                Lint several node roots (a fleet: in parallel)',
        '  crilint lint nodes/a/etc/containerd/config.toml     Lint a changed file with its node (pre-commit)',
        '  crilint lint --root nodes/a --fix-dry-run           Show the diff --fix would write',
        '  crilint lint nodes/ --format sarif > crilint.sarif  SARIF for GitHub code scanning',
        '  crilint lint nodes/ --cache                         Lint only what changed since the last run',
        '',
      ].join('\n'),
    );
  });

  it('knows its version wherever it runs', () => {
    const r = crilint(['--version'], { cwd: tmp });
    expect(r).toEqual({ stdout: '0.1.0\n', stderr: '', code: 0 });
  });

  it.each([
    [['lint', '--bogus', NODE], 'crilint: Unknown argument: bogus (see crilint --help)\n'],
    [['lint', '--root'], 'crilint: Not enough arguments following: root (see crilint --help)\n'],
    [['lint', '--format', 'xml', NODE], 'crilint: Invalid values:\n  Argument: format, Given: "xml", Choices: "stylish", "json", "sarif", "github" (see crilint --help)\n'],
    [['lint', '--runtime', 'podman', NODE], 'crilint: Invalid values:\n  Argument: runtime, Given: "podman", Choices: "containerd", "cri-o", "docker" (see crilint --help)\n'],
    [['lint', '--max-warnings', '1.5', NODE], 'crilint: --max-warnings takes a whole number >= 0\n'],
    [['lint', '--kubernetes', 'latest', NODE], 'crilint: --kubernetes latest: expected a version such as 1.34 or 1.34.2\n'],
    [['lint', '--docker', 'moby', NODE], 'crilint: --docker moby: expected a version such as 27.1 or 27.1.2\n'],
  ])('a usage error exits 2 with one line and no stack: %j', (args, stderr) => {
    expect(crilint(args)).toEqual({ stdout: '', stderr, code: 2 });
  });

  it('--docker is in the JSON target, and crilint.config.yaml target.docker gives it too', () => {
    const json = (args: string[], cwd?: string) => JSON.parse(crilint(['lint', '--root', 'examples/clean-node', '--kubernetes', '1.34', '--containerd', '2.1', '--format', 'json', ...args], cwd ? { cwd } : {}).stdout).target;
    expect(json(['--docker', '27.1'])).toEqual({ kubernetes: '1.34', containerd: '2.1', assumed: [], docker: '27.1' });
    expect(json([])).toEqual({ kubernetes: '1.34', containerd: '2.1', assumed: [] });
    // Docker wrote year.month before 23.0.
    expect(json(['--docker', '19.03.15']).docker).toBe('19.03.15');
  });

  it('accepts --no-color and --debug', () => {
    expect(crilint(['lint', '--no-color', '--debug', '--root', 'examples/clean-node', '--kubernetes', '1.34', '--containerd', '2.1'])).toEqual({ stdout: '', stderr: '', code: 0 });
  });
});

describe('exit codes and output', () => {
  it('--runtime names the node\'s runtime: with containerd and CRI-O configured, crictl on containerd is fine when detected and a warning with --runtime cri-o', () => {
    const node = 'fixtures/cri-socket-mismatch/clean-containerd-and-crio';
    const base = ['lint', '--root', node, '--kubernetes', '1.34', '--containerd', '2.1', '--format', 'json'];
    const detected = crilint(base);
    expect([detected.code, JSON.parse(detected.stdout).target, JSON.parse(detected.stdout).findings.filter((f: { rule: string }) => f.rule === 'cri-socket-mismatch')]).toEqual([0, { kubernetes: '1.34', containerd: '2.1', assumed: [] }, []]);
    const r = crilint([...base, '--runtime', 'cri-o']);
    const doc = JSON.parse(r.stdout);
    expect([r.code, doc.target, doc.findings.map((f: { rule: string; severity: string; file: string; line: number; column: number }) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}`), doc.summary]).toEqual([
      0,
      { kubernetes: '1.34', containerd: '2.1', assumed: [], runtime: 'cri-o' },
      ['etc/crictl.yaml:1:19 warning cri-socket-mismatch'],
      { errors: 0, warnings: 1, infos: 0, fixable: 1 },
    ]);
    // The same from crilint.config.yaml (target.runtime), and --runtime wins over it.
    const dir = mkdtempSync(join(tmpdir(), 'crilint-runtime-'));
    try {
      cpSync(join(REPO, node), join(dir, 'node'), { recursive: true });
      writeFileSync(join(dir, 'crilint.config.yaml'), 'target: {runtime: cri-o}\n');
      const args = ['lint', '--root', 'node', '--kubernetes', '1.34', '--containerd', '2.1', '--format', 'json'];
      const rules = (x: { stdout: string }) => JSON.parse(x.stdout).findings.map((f: { rule: string; file: string }) => `${f.file} ${f.rule}`);
      expect(rules(crilint(args, { cwd: dir }))).toEqual(['etc/crictl.yaml cri-socket-mismatch']);
      expect(rules(crilint([...args, '--runtime', 'containerd'], { cwd: dir })).filter((x: string) => x.endsWith('cri-socket-mismatch'))).toEqual(['var/lib/kubelet/config.yaml cri-socket-mismatch']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a clean node for its target: nothing on stdout or stderr, exit 0', () => {
    expect(crilint(['lint', '--root', 'examples/clean-node', '--kubernetes', '1.34', '--containerd', '2.1'])).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('says on stderr which versions it assumed', () => {
    expect(crilint(['lint', '--root', 'fixtures/cli/fleet/nodes/group/pool-c'])).toEqual({
      stdout: '',
      stderr: 'crilint: assuming Kubernetes 1.36 and containerd 1.7 (set --kubernetes/--containerd to choose)\n',
      code: 0,
    });
    expect(crilint(['lint', '--root', 'fixtures/cli/fleet/nodes/group/pool-c', '--quiet'])).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('an error finding exits 1, shown with its code frame', () => {
    const r = crilint(['lint', '--root', join(tmp, 'bin-node'), '--kubernetes', '1.34', '--containerd', '2.1'], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        'bin-node/etc/sysctl.d/10-k8s.conf:2:8: error: binary file (NUL byte at byte 31); not a configuration file [syntax]',
        '  |',
        '2 | \u2421ELF\u2402\u2401\u2401',
        '  |        ^',
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 info)',
        '',
      ].join('\n'),
    );
  });

  it('JSON: the same finding, file relative to the node root, target as given', () => {
    const r = crilint(['lint', '--root', join(tmp, 'bin-node'), '--kubernetes', '1.34', '--containerd', '2.1', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      version: 1,
      target: { kubernetes: '1.34', containerd: '2.1', assumed: [] },
      findings: [
        {
          rule: 'syntax',
          severity: 'error',
          message: 'binary file (NUL byte at byte 31); not a configuration file',
          file: 'etc/sysctl.d/10-k8s.conf',
          line: 2,
          column: 8,
          endLine: 2,
          endColumn: 8,
          fix: null,
          related: [],
        },
      ],
      summary: { errors: 1, warnings: 0, infos: 0, fixable: 0 },
    });
  });

  it('colour: FORCE_COLOR turns it on without a terminal, NO_COLOR and --no-color keep it off', () => {
    const args = ['lint', '--root', join(tmp, 'bin-node'), '--kubernetes', '1.34', '--containerd', '2.1'];
    const on = crilint(args, { cwd: tmp, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(on.stdout.split('\n')[0]).toBe('\x1b[1mbin-node/etc/sysctl.d/10-k8s.conf:2:8:\x1b[22m \x1b[31merror\x1b[39m: binary file (NUL byte at byte 31); not a configuration file \x1b[2m[syntax]\x1b[22m');
    expect(crilint(args, { cwd: tmp, env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout).not.toContain('\x1b');
    expect(crilint([...args, '--no-color'], { cwd: tmp, env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).not.toContain('\x1b');
  });

  it('a missing path is exit 2 naming it, and what could be read is still reported', () => {
    const r = crilint(['lint', 'no/such/file.toml', '--root', join(tmp, 'bin-node'), '--kubernetes', '1.34', '--containerd', '2.1'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crilint: no/such/file.toml: no such file or directory\n');
    expect(r.stdout).toContain('bin-node/etc/sysctl.d/10-k8s.conf:2:8: error: binary file');
  });

  it('JSON on an I/O problem is still one complete document', () => {
    const r = crilint(['lint', '--root', 'nope', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('crilint: --root nope: no such file or directory\n');
    expect(JSON.parse(r.stdout)).toEqual({ version: 1, target: { kubernetes: null, containerd: null, assumed: [] }, findings: [], summary: { errors: 0, warnings: 0, infos: 0, fixable: 0 } });
  });

  it('with no PATHS, lints the working directory', () => {
    expect(crilint(['lint', '--kubernetes', '1.34', '--containerd', '2.1'], { cwd: join(tmp, 'bin-node') }).stdout).toContain('etc/sysctl.d/10-k8s.conf:2:8: error: binary file');
    expect(crilint(['lint'], { cwd: join(tmp, 'empty-dir') })).toEqual({
      stdout: '',
      stderr: 'crilint: .: no node configuration found (expected a node root with etc/containerd, var/lib/kubelet, etc/sysctl.d, ... or directories of such roots)\n',
      code: 2,
    });
  });

  it('a skipped template is a note, not a failure', () => {
    expect(crilint(['lint', 'fixtures/cli/loose/config.toml.tmpl'])).toEqual({
      stdout: '',
      stderr: 'crilint: fixtures/cli/loose/config.toml.tmpl: skipped: a template (by its name); lint the rendered file instead\ncrilint: nothing to lint (every path given was skipped)\n',
      code: 0,
    });
  });

  it('a fleet: every node under the directory, each in the JSON nodes list with its own target', () => {
    const r = crilint(['lint', 'fixtures/cli/fleet/nodes', '--kubernetes', '1.34', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.nodes).toEqual([
      { node: 'fixtures/cli/fleet/nodes/group/pool-c', target: { kubernetes: '1.34', containerd: '1.7', assumed: ['containerd'] } },
      { node: 'fixtures/cli/fleet/nodes/pool-a', target: { kubernetes: '1.34', containerd: '2.2', assumed: ['containerd'] } },
      { node: 'fixtures/cli/fleet/nodes/pool-b', target: { kubernetes: '1.34', containerd: '1.7', assumed: ['containerd'] } },
    ]);
    expect(doc.target).toEqual({ kubernetes: '1.34', containerd: null, assumed: ['containerd'] });
  });

  it('a fleet in stylish: a summary line per node; one stderr line per distinct assumption, naming the nodes when they differ', () => {
    const r = crilint(['lint', 'fixtures/cli/fleet/nodes', '--kubernetes', '1.34']);
    expect(r).toEqual({
      stdout: [
        'fixtures/cli/fleet/nodes/group/pool-c: ✔ no problems',
        'fixtures/cli/fleet/nodes/pool-a: ✔ no problems',
        'fixtures/cli/fleet/nodes/pool-b: ✔ no problems',
        '',
        '✔ no problems in 3 nodes',
        '',
      ].join('\n'),
      stderr:
        'crilint: fixtures/cli/fleet/nodes/group/pool-c, fixtures/cli/fleet/nodes/pool-b: assuming containerd 1.7 (set --kubernetes/--containerd to choose)\n' +
        'crilint: fixtures/cli/fleet/nodes/pool-a: assuming containerd 2.2 (set --kubernetes/--containerd to choose)\n',
      code: 0,
    });
  });
});

/** Test rules over fixtures/cli/node: an error in containerd related to kubelet, a warning in sysctl.d, a node-level info. */
const rules: Rule[] = [
  defineRule({
    meta: { id: 'test-cross', description: 'cross-file', severity: 'error', files: [] },
    check(ctx) {
      const c = ctx.node.files.find((f) => f.display === 'etc/containerd/config.toml')!;
      const k = ctx.node.files.find((f) => f.display === 'var/lib/kubelet/config.yaml')!;
      ctx.report({ file: c, range: rangeOf(c, 0, 11), message: 'containerd vs kubelet', related: [{ file: k, range: rangeOf(k, 0, 10), message: 'kubelet side' }] });
    },
  }),
  defineRule({
    meta: { id: 'test-sysctl', description: 'sysctl', severity: 'warning', files: [] },
    check(ctx) {
      const s = ctx.node.files.find((f) => f.display === 'etc/sysctl.d/10-k8s.conf')!;
      ctx.report({ file: s, range: rangeOf(s, 0, 19), message: 'sysctl warning' });
    },
  }),
  defineRule({
    meta: { id: 'test-node', description: 'node', severity: 'info', files: [] },
    check(ctx) {
      ctx.report({ file: null, range: null, message: 'about the node' });
    },
  }),
];

async function run(over: Partial<LintArgs>) {
  const r = await lint({ paths: [], root: [], format: 'json', quiet: false, color: false, kubernetes: { major: 1, minor: 34 }, containerd: { major: 2, minor: 1 }, rules, noConfig: true, ...over });
  const doc = JSON.parse(r.stdout) as { findings: { rule: string; file: string | null }[] };
  return { ids: doc.findings.map((f) => `${f.rule} ${f.file}`), stderr: r.stderr, code: r.exitCode };
}

describe('--fix-dry-run', () => {
  const CONFIG = 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  # the mirror\n  sandbox_image = "mirror.example/pause:3.6"\n';
  /** Two node roots under a fresh directory, each with a containerd 1.7 config whose pause tag is too old for 1.30. */
  function fleet(): string {
    const dir = mkdtempSync(join(tmp, 'dry-'));
    for (const n of ['n1', 'n2']) {
      mkdirSync(join(dir, n, 'etc/containerd'), { recursive: true });
      writeFileSync(join(dir, n, 'etc/containerd/config.toml'), CONFIG);
    }
    return dir;
  }
  const TARGET = ['--kubernetes', '1.30', '--containerd', '1.7'];
  const hunk = (name: string) =>
    [`--- a/${name}`, `+++ b/${name}`, '@@ -2,4 +2,4 @@', ' ', ' [plugins."io.containerd.grpc.v1.cri"]', '   # the mirror', '-  sandbox_image = "mirror.example/pause:3.6"', '+  sandbox_image = "mirror.example/pause:3.9"', ''].join('\n');

  it('names files from the working directory, so a fleet\'s nodes stay apart and `git apply` there gives what --fix writes', () => {
    const dir = fleet();
    const r = crilint(['lint', 'n1', 'n2', ...TARGET, '--fix-dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(hunk('n1/etc/containerd/config.toml') + hunk('n2/etc/containerd/config.toml'));
    // The report is what remains after the fixes.
    expect(r.stderr).toBe('crilint: --fix-dry-run: 2 fixes would change 2 files; nothing written\nn1: ✔ no problems\nn2: ✔ no problems\n\n✔ no problems in 2 nodes\n');
    expect(readFileSync(join(dir, 'n1/etc/containerd/config.toml'), 'utf8')).toBe(CONFIG);

    const copy = mkdtempSync(join(tmp, 'dry-copy-'));
    cpSync(dir, copy, { recursive: true });
    const applied = spawnSync('git', ['apply', '-'], { cwd: copy, input: r.stdout, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
    expect(crilint(['lint', 'n1', 'n2', ...TARGET, '--fix'], { cwd: dir }).code).toBe(0);
    for (const n of ['n1', 'n2']) {
      const fixed = readFileSync(join(dir, n, 'etc/containerd/config.toml'), 'utf8');
      expect(fixed).toBe(CONFIG.replace('pause:3.6', 'pause:3.9'));
      expect(readFileSync(join(copy, n, 'etc/containerd/config.toml'), 'utf8')).toBe(fixed);
    }
  });

  it('a root outside the working directory is named by its absolute path without the leading /, for `patch -p1` from /', () => {
    const dir = fleet();
    const r = crilint(['lint', '--root', join(dir, 'n1'), ...TARGET, '--fix-dry-run'], { cwd: join(tmp, 'empty-dir') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(hunk(`${join(dir, 'n1').slice(1)}/etc/containerd/config.toml`));
  });

  it('the patch comes before the summary and the report on a merged stream', () => {
    const dir = fleet();
    writeFileSync(join(dir, 'n1/etc/containerd/config.toml'), CONFIG + '\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = 5\n');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${resolve(REPO, 'bin/crilint.mjs')}" lint n1 ${TARGET.join(' ')} --fix-dry-run 2>&1`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const apart = crilint(['lint', 'n1', ...TARGET, '--fix-dry-run'], { cwd: dir });
    expect(apart.code).toBe(1);
    expect(apart.stdout.startsWith('--- a/n1/etc/containerd/config.toml\n')).toBe(true);
    expect(apart.stderr.startsWith('crilint: --fix-dry-run: 1 fix would change 1 file; nothing written\n')).toBe(true);
    expect(apart.stderr).toContain('[invalid-value]');
    expect(r.stdout).toBe(apart.stdout + apart.stderr);
  });
});

describe('pre-commit focus, --quiet, --max-warnings (in-process, test rules)', async () => {
  it('--root shows every finding', async () => {
    expect(await run({ root: [NODE] })).toEqual({ ids: ['test-node null', 'test-cross etc/containerd/config.toml', 'test-sysctl etc/sysctl.d/10-k8s.conf'], stderr: '', code: 1 });
  });

  it('a changed kubelet file shows the containerd error related to it and node-level findings; the rest is counted on stderr', async () => {
    expect(await run({ paths: [`${NODE}/var/lib/kubelet/config.yaml`] })).toEqual({
      ids: ['test-node null', 'test-cross etc/containerd/config.toml'],
      stderr: `crilint: ${NODE}: 1 finding in files not given is not shown (crilint lint --root ${NODE} shows everything)\n`,
      code: 1,
    });
  });

  it('a changed sysctl file does not fail on an error elsewhere', async () => {
    expect(await run({ paths: [`${NODE}/etc/sysctl.d/10-k8s.conf`] })).toEqual({
      ids: ['test-node null', 'test-sysctl etc/sysctl.d/10-k8s.conf'],
      stderr: `crilint: ${NODE}: 1 finding in files not given is not shown (crilint lint --root ${NODE} shows everything)\n`,
      code: 0,
    });
  });

  it('a directory of the root focuses on the files below it', async () => {
    expect((await run({ paths: [`${NODE}/etc`] })).ids).toEqual(['test-node null', 'test-cross etc/containerd/config.toml', 'test-sysctl etc/sysctl.d/10-k8s.conf']);
    expect((await run({ paths: [`${NODE}/var`] })).ids).toEqual(['test-node null', 'test-cross etc/containerd/config.toml']);
  });

  it('a changed file that no component reads is said so', async () => {
    expect(await run({ paths: [`${NODE}/etc/containerd/unused.toml`] })).toEqual({
      ids: ['test-node null'],
      stderr:
        `crilint: ${NODE}: 2 findings in files not given are not shown (crilint lint --root ${NODE} shows everything)\n` +
        `crilint: ${NODE}/etc/containerd/unused.toml: no component of node ${NODE} reads it (nothing imports or includes it); nothing to lint\n`,
      code: 0,
    });
  });

  it('--quiet reports errors only; --max-warnings counts warnings, also those --quiet hides', async () => {
    expect(await run({ root: [NODE], quiet: true })).toEqual({ ids: ['test-cross etc/containerd/config.toml'], stderr: '', code: 1 });
    const only = { paths: [`${NODE}/etc/sysctl.d/10-k8s.conf`] };
    expect((await run({ ...only, maxWarnings: 1 })).code).toBe(0);
    expect(await run({ ...only, maxWarnings: 0 })).toEqual({
      ids: ['test-node null', 'test-sysctl etc/sysctl.d/10-k8s.conf'],
      stderr: `crilint: ${NODE}: 1 finding in files not given is not shown (crilint lint --root ${NODE} shows everything)\ncrilint: 1 warning, more than --max-warnings 0\n`,
      code: 1,
    });
    expect(await run({ ...only, maxWarnings: 0, quiet: true })).toEqual({
      ids: [],
      stderr: `crilint: ${NODE}: 1 finding in files not given is not shown (crilint lint --root ${NODE} shows everything)\ncrilint: 1 warning (not shown with --quiet), more than --max-warnings 0\n`,
      code: 1,
    });
  });

  it('a rule that throws is an internal error that names the node', async () => {
    const boom = defineRule({
      meta: { id: 'test-boom', description: 'throws', severity: 'error', files: [] },
      check() {
        throw new TypeError('boom');
      },
    });
    // The node is reported and the run goes on (the other nodes of a fleet are linted); exit 3.
    expect(await run({ root: [NODE], rules: [boom] })).toEqual({
      ids: [],
      stderr: `crilint: internal error: while linting ${NODE}: rule test-boom failed: boom\ncrilint: this is a bug in crilint; run again with --debug for details, and please report it.\n`,
      code: 3,
    });
  });
});

describe('the bundle (scripts/build.mjs)', () => {
  const broken = ['lint', '--root', 'examples/broken-node', '--kubernetes', '1.35', '--containerd', '2.1', '--format', 'json'];

  it('keys precompiled validators by FNV-1a 64 of the options and schema (checked against a BigInt reference)', async () => {
    // @ts-expect-error: a plain .mjs module of the build, without types
    const { schemaKey } = (await import('../scripts/shims/schema-key.mjs')) as { schemaKey: (o: object, s: object) => string };
    const reference = (o: object, s: object) => {
      const text = JSON.stringify([Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))), s]);
      let h = 0xcbf29ce484222325n;
      for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
      return `${text.length.toString(16)}-${h.toString(16).padStart(16, '0')}`;
    };
    const kubelet = JSON.parse(readFileSync(resolve(REPO, 'schemas/kubelet.schema.json'), 'utf8'));
    const options = { strict: false, allErrors: true, code: { source: true } };
    expect(schemaKey(options, kubelet)).toBe(reference({ allErrors: true, strict: false }, kubelet));
    expect(schemaKey({ b: 2, a: 1 }, { x: 'é€' })).toBe(reference({ a: 1, b: 2 }, { x: 'é€' }));
  });

  it('validators precompiled at build time report exactly what run-time compiled ones do', () => {
    const pre = crilint(broken);
    const runtime = crilint(broken, { env: { CRILINT_AJV_PRECOMPILED: '0' } });
    expect(pre.code).toBe(1);
    expect(JSON.parse(pre.stdout).findings.length).toBeGreaterThan(0);
    expect(runtime).toEqual(pre);
  });

  it('the bundle is ASCII, so the loader reads it as latin1 (no UTF-8 decoding at start-up)', () => {
    const bundle = readFileSync(resolve(REPO, 'dist/crilint.cjs'), 'latin1');
    expect(bundle.match(/.{0,40}[^\x00-\x7f].{0,10}/)?.[0] ?? null, 'a non-ASCII character in dist/crilint.cjs (escape it in src/)').toBeNull();
    expect(readFileSync(resolve(REPO, 'dist/crilint.mjs'), 'utf8')).toContain('readFileSync(file, "latin1")');
  });

  it('loading the CLI and linting a node loads none of node:assert, node:net, node:crypto (lazy; each costs start-up time)', () => {
    // The answer goes to a file, and stdout and stderr are not pipes: Node makes a pipe a net.Socket.
    const out = join(tmp, 'modules.json');
    const lintClean = `await main(['lint', '--root', ${JSON.stringify(resolve(REPO, 'examples/clean-node'))}, '--kubernetes', '1.34', '--containerd', '2.1'])`;
    const probe = `import { writeFileSync } from 'node:fs'; const before = new Set(process.moduleLoadList); const { main } = await import(${JSON.stringify(resolve(REPO, 'dist/crilint.mjs'))}); ${lintClean}; writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m) && /^NativeModule (assert|net|worker_threads|crypto)$/.test(m))));`;
    // From a directory with no package.json above it: yargs' version guess used to fail an assertion there.
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: tmp, encoding: 'utf8', stdio: 'ignore' });
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([]);
  });

  it('has V8 take the code cache of its build, on the main thread and in a worker (the cache is only valid under the V8 flags it was made with)', () => {
    const dist = JSON.stringify(resolve(REPO, 'dist/crilint.mjs'));
    const probe = `import { Worker } from 'node:worker_threads';
      const { codeCacheRejected } = await import(${dist});
      const w = new Worker('const { parentPort } = await import("node:worker_threads"); parentPort.postMessage((await import(' + JSON.stringify(${dist}) + ')).codeCacheRejected);', { eval: true });
      w.on('message', (inWorker) => { console.log(JSON.stringify({ main: codeCacheRejected, worker: inWorker })); w.terminate(); });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ main: false, worker: false });
  });

  it('runs the same without its code cache, or with a cache from another build', () => {
    const copy = join(tmp, 'pkg');
    mkdirSync(join(copy, 'dist'), { recursive: true });
    for (const f of ['crilint.mjs', 'crilint.cjs']) writeFileSync(join(copy, 'dist', f), readFileSync(resolve(REPO, 'dist', f)));
    for (const d of ['schemas', 'rules']) symlinkSync(resolve(REPO, d), join(copy, d));
    const runner = ['--input-type=module', '-e', `import { main } from ${JSON.stringify(join(copy, 'dist/crilint.mjs'))}; process.exitCode = await main(${JSON.stringify(broken)});`];
    const expected = crilint(broken);
    const run = () => {
      const r = spawnSync(process.execPath, runner, { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status };
    };
    expect(run()).toEqual(expected);
    writeFileSync(join(copy, 'dist/crilint.cache'), Buffer.concat([Buffer.from('crilint-0.0.0-0000000000000000\n'), Buffer.alloc(4096, 7)]));
    expect(run()).toEqual(expected);
    const real = readFileSync(resolve(REPO, 'dist/crilint.cache'));
    writeFileSync(join(copy, 'dist/crilint.cache'), Buffer.concat([real.subarray(0, real.indexOf(10) + 1), Buffer.alloc(4096, 7)]));
    expect(run()).toEqual(expected);
  });
});

describe('shell completion', () => {
  it('prints a completion script that calls back into crilint', () => {
    const r = crilint(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('###-begin-crilint-completions-###');
    expect(r.stdout).toContain('--get-yargs-completions');
  });

  it('completes commands and the options of lint, generate and migrate', () => {
    expect(crilint(['--get-yargs-completions', '']).stdout.split('\n').filter(Boolean)).toEqual(['lint', 'rules', 'explain', 'generate', 'migrate', 'schema', 'completion']);
    const opts = crilint(['--get-yargs-completions', 'lint', '--']).stdout.split('\n');
    for (const o of ['--root', '--kubernetes', '--containerd', '--format', '--fix', '--unsafe-fixes', '--fix-dry-run', '--config', '--profile']) expect(opts).toContain(o);
    const gen = crilint(['--get-yargs-completions', 'generate', '--']).stdout.split('\n');
    for (const o of ['--kubernetes', '--containerd', '--cgroup-driver', '--image-repository', '--out', '--check']) expect(gen).toContain(o);
    const mig = crilint(['--get-yargs-completions', 'migrate', '--']).stdout.split('\n');
    for (const o of ['--to', '--write']) expect(mig).toContain(o);
  });
});
