/**
 * Fleet mode through the built CLI: worker threads (--jobs N) give byte for byte what one thread
 * gives (stylish, json, sarif, github), in the order the nodes were given or found; the stylish
 * summary line of each node; a broken node (unparsable, unreadable) is reported and the others go
 * on, with the exit code the worst node earns; node sets from the config file; --fix with --jobs;
 * the progress bar only on a terminal outside CI (through `script`, a pseudo-terminal) and never
 * for json. Then the pieces in-process: chooseJobs(), showProgress(), the Progress bar, and an
 * internal error in one node of a fleet. `npm test` builds dist/ first.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseJobs, FLEET_MIN_CORES, FLEET_THRESHOLD, lint, showProgress } from '../src/cli/lint.js';
import { Progress } from '../src/cli/progress.js';
import { defineRule } from '../src/engine/rule.js';
import { crilint, REPO } from './helpers/cli.js';

let tmp: string;
const T = ['--kubernetes', '1.34', '--containerd', '2.1'];
/** Line of the syntax error in b-broken-toml. */
let brokenLine: number;

function node(dir: string, from = 'examples/clean-node') {
  cpSync(resolve(REPO, from), dir, { recursive: true });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'crilint-fleet-'));
  const nodes = join(tmp, 'fleet/nodes');
  mkdirSync(nodes, { recursive: true });
  node(join(nodes, 'a-clean'));
  node(join(nodes, 'b-broken-toml'));
  const toml = join(nodes, 'b-broken-toml/etc/containerd/config.toml');
  // The error is at the end of the file: the line after the one appended.
  brokenLine = readFileSync(toml, 'utf8').split('\n').length + 1;
  appendFileSync(toml, '[plugins."io.containerd.grpc.v1.cri"\n');
  node(join(nodes, 'c-typo'));
  appendFileSync(join(nodes, 'c-typo/var/lib/kubelet/config.yaml'), 'maxPod: 10\n');
  node(join(nodes, 'd-unreadable'));
  rmSync(join(nodes, 'd-unreadable/etc/crictl.yaml'));
  symlinkSync('/etc/missing.yaml', join(nodes, 'd-unreadable/etc/crictl.yaml'));
  node(join(nodes, 'e-clean'));
  // A bigger fleet for the byte-for-byte comparisons: the fixtures' node sets and the examples.
  const big = join(tmp, 'big');
  mkdirSync(big);
  const cases = ['cgroup-driver-mismatch/containerd-cgroupfs', 'cgroup-driver-mismatch/systemd-both', 'cli/node', 'config-version-missing/no-version'];
  cases.forEach((c, i) => cpSync(resolve(REPO, 'fixtures', c), join(big, `n${i}`), { recursive: true, verbatimSymlinks: true }));
  node(join(big, 'n8'), 'examples/broken-node');
  node(join(big, 'n9'));
  cpSync(join(nodes, 'b-broken-toml'), join(big, 'n7'), { recursive: true });
  cpSync(join(nodes, 'd-unreadable'), join(big, 'n6'), { recursive: true, verbatimSymlinks: true });
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const unreadableLine = 'crilint: nodes/d-unreadable: etc/crictl.yaml: broken symbolic link (to /etc/missing.yaml, looked up inside the node root)\n';
const inFleet = (args: string[], env: Record<string, string> = {}) => crilint(args, { cwd: join(tmp, 'fleet'), env });

describe('fleet output', () => {
  const stylish = () =>
    [
      'nodes/a-clean: ✔ no problems',
      '',
      `nodes/b-broken-toml/etc/containerd/config.toml:${brokenLine}:1: error: invalid TOML: Unterminated table-key [syntax]`,
      '   |',
      `${brokenLine} |`,
      '   | ^',
      '',
      'nodes/b-broken-toml: ✖ 1 problem (1 error, 0 warnings, 0 info)',
      '',
      'nodes/c-typo/var/lib/kubelet/config.yaml:26:1: error: unknown key "maxPod" in KubeletConfiguration; did you mean "maxPods"? The kubelet ignores unknown fields (lenient decoding), so this setting has no effect [unknown-key]',
      '   |',
      '26 | maxPod: 10',
      '   | ^~~~~~',
      '',
      'nodes/c-typo: ✖ 1 problem (1 error, 0 warnings, 0 info)',
      'nodes/d-unreadable: ✖ 1 file could not be read',
      'nodes/e-clean: ✔ no problems',
      '',
      '✖ 2 problems (2 errors, 0 warnings, 0 info) in 2 of 5 nodes',
      '  (1 node with unreadable files: see stderr)',
      '',
    ].join('\n');
  const unreadable = unreadableLine;

  it('prints each node\'s findings, then its summary line, in path order; a broken node does not stop the others; exit 2 for the unreadable one', () => {
    for (const jobs of ['1', '2', '3']) expect(inFleet(['lint', 'nodes', ...T, '--jobs', jobs])).toEqual({ stdout: stylish(), stderr: unreadable, code: 2 });
  });

  it('exit codes: 1 when a node has errors, 0 for a clean fleet (its node lines and one ✔ line)', () => {
    for (const jobs of ['1', '2']) {
      expect(inFleet(['lint', '--root', 'nodes/c-typo', '--root', 'nodes/b-broken-toml', ...T, '--jobs', jobs]).code).toBe(1);
      expect(inFleet(['lint', '--root', 'nodes/e-clean', '--root', 'nodes/a-clean', ...T, '--jobs', jobs])).toEqual({
        stdout: 'nodes/e-clean: ✔ no problems\nnodes/a-clean: ✔ no problems\n\n✔ no problems in 2 nodes\n',
        stderr: '',
        code: 0,
      });
    }
  });

  it('--quiet: lines only for nodes with errors or unreadable files, and no ✔ line for a clean fleet', () => {
    const r = inFleet(['lint', 'nodes', ...T, '--quiet', '--jobs', '2']);
    expect(r.stdout.split('\n').filter((l) => /^nodes\/[a-z-]+: [✔✖]/.test(l))).toEqual([
      'nodes/b-broken-toml: ✖ 1 problem (1 error, 0 warnings, 0 info)',
      'nodes/c-typo: ✖ 1 problem (1 error, 0 warnings, 0 info)',
      'nodes/d-unreadable: ✖ 1 file could not be read',
    ]);
    expect(r.code).toBe(2);
    expect(inFleet(['lint', '--root', 'nodes/a-clean', '--root', 'nodes/e-clean', ...T, '--quiet'])).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('keeps the order the roots were given, whichever thread finishes first', () => {
    const order = ['nodes/e-clean', 'nodes/c-typo', 'nodes/a-clean', 'nodes/b-broken-toml'];
    const r = inFleet(['lint', ...order.flatMap((o) => ['--root', o]), ...T, '--jobs', '3']);
    expect(r.stdout.split('\n').filter((l) => /^nodes\/[a-z-]+: [✔✖]/.test(l)).map((l) => l.split(':')[0])).toEqual(order);
    expect(r.code).toBe(1);
    const json = JSON.parse(inFleet(['lint', ...order.flatMap((o) => ['--root', o]), ...T, '--jobs', '3', '--format', 'json']).stdout) as { nodes: { node: string }[]; findings: { node: string }[] };
    expect(json.nodes.map((n) => n.node)).toEqual(order);
    expect(json.findings.map((f) => f.node)).toEqual(['nodes/c-typo', 'nodes/b-broken-toml']);
  });

  it('json: `node` on each finding and the `nodes` list, the same document from any number of threads; no summary lines', () => {
    const one = inFleet(['lint', 'nodes', ...T, '--format', 'json', '--jobs', '1']);
    expect(one.code).toBe(2);
    expect(one.stderr).toBe(unreadable);
    const doc = JSON.parse(one.stdout) as { findings: Record<string, unknown>[]; nodes: unknown[]; summary: unknown };
    expect(doc.findings.map((f) => [f.node, f.rule, f.file, f.line])).toEqual([
      ['nodes/b-broken-toml', 'syntax', 'etc/containerd/config.toml', brokenLine],
      ['nodes/c-typo', 'unknown-key', 'var/lib/kubelet/config.yaml', 26],
    ]);
    expect(doc.nodes).toHaveLength(5);
    expect(doc.summary).toEqual({ errors: 2, warnings: 0, infos: 0, fixable: 0 });
    expect(one.stdout).toBe(JSON.stringify(doc, null, 2) + '\n');
    expect(inFleet(['lint', 'nodes', ...T, '--format', 'json', '--jobs', '2'])).toEqual(one);
  });

  it('every format is byte-identical with and without workers on a fleet of fixtures', () => {
    const cwd = tmp;
    for (const format of ['stylish', 'json', 'sarif', 'github']) {
      const serial = crilint(['lint', 'big', '--format', format, '--jobs', '1'], { cwd });
      expect(serial.code).toBe(2);
      expect(serial.stdout.length).toBeGreaterThan(1000);
      for (const jobs of ['2', '4']) expect(crilint(['lint', 'big', '--format', format, '--jobs', jobs], { cwd })).toEqual(serial);
    }
  });

  it('lints the node sets the config file declares, in its order, with workers too', () => {
    const dir = join(tmp, 'declared');
    cpSync(join(tmp, 'fleet/nodes'), join(dir, 'pools'), { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(dir, 'crilint.config.yaml'), 'target: { kubernetes: "1.34", containerd: "2.1" }\nnodes:\n  - root: pools/c-typo\n  - root: pools/a-clean\n');
    const serial = crilint(['lint', '--jobs', '1'], { cwd: dir });
    expect(serial.stdout.split('\n').filter((l) => /^pools\/[a-z-]+: /.test(l))).toEqual(['pools/c-typo: ✖ 1 problem (1 error, 0 warnings, 0 info)', 'pools/a-clean: ✔ no problems']);
    expect(serial.code).toBe(1);
    expect(crilint(['lint', '--jobs', '2'], { cwd: dir })).toEqual(serial);
  });

  it('--fix with --jobs fixes each node as without (fixes stay on the main thread)', () => {
    const runs = ['1', '3'].map((jobs) => {
      const dir = join(tmp, `fix-${jobs}`);
      cpSync(join(tmp, 'big'), dir, { recursive: true, verbatimSymlinks: true });
      const r = crilint(['lint', '.', '--fix', '--jobs', jobs], { cwd: dir });
      const files = ['n8/etc/crictl.yaml', 'n8/etc/sysctl.d/99-cis-hardening.conf', 'n8/etc/modules-load.d/k8s.conf', 'n2/etc/crictl.yaml'].map((f) => readFileSync(join(dir, f), 'utf8'));
      return { r, files };
    });
    expect(runs[0]!.r.stderr).toMatch(/crilint: fixed \d+ problems? in \d+ files?/);
    expect(runs[0]!.files[2]).toContain('br_netfilter');
    expect(runs[1]).toEqual(runs[0]);
  });

  it('a worker that runs out of memory hands its nodes to the main thread: the same output, no failure', () => {
    const dir = join(tmp, 'oom');
    for (const n of ['a', 'b', 'c']) node(join(dir, n));
    // 7 MiB of sysctl.d (under the 8 MiB limit): far more than a 4 MiB worker heap holds.
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 7 * 2 ** 20; i++) size += (lines[i] = `net.ipv4.conf.eth${i}.rp_filter = 1\n`).length;
    writeFileSync(join(dir, 'b/etc/sysctl.d/50-big.conf'), lines.join(''));
    const args = ['lint', '--root', 'a', '--root', 'b', '--root', 'c', ...T];
    const serial = crilint([...args, '--jobs', '1'], { cwd: dir });
    expect(serial).toEqual({ stdout: 'a: ✔ no problems\nb: ✔ no problems\nc: ✔ no problems\n\n✔ no problems in 3 nodes\n', stderr: '', code: 0 });
    const env = { CRILINT_WORKER_HEAP_MB: '4' };
    expect(crilint([...args, '--jobs', '2'], { cwd: dir, env })).toEqual(serial);
    const debug = crilint([...args, '--jobs', '2', '--debug'], { cwd: dir, env });
    expect(debug.stdout).toBe(serial.stdout);
    expect(debug.code).toBe(0);
    expect(debug.stderr).toMatch(/^(crilint: debug: a fleet worker stopped \(Worker terminated due to reaching memory limit: JS heap out of memory\); its nodes are linted on the main thread\n)+$/);
  });

  it('a reader that goes away (`| true`) ends the run quietly with exit 2, not a stack trace', () => {
    // `true` exits without reading long before crilint has loaded, so its first write fails (EPIPE).
    const cmd = `'${process.execPath}' '${resolve(REPO, 'bin/crilint.mjs')}' lint big --jobs 2 2>err.txt | true; echo "$\{PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', cmd], { cwd: tmp, encoding: 'utf8' });
    expect(r.stdout).toBe('2\n');
    expect(readFileSync(join(tmp, 'err.txt'), 'utf8')).not.toMatch(/node:events|Error: write EPIPE|^\s+at /m);
  });

  it('--jobs takes a whole number of at least 1', () => {
    expect(inFleet(['lint', 'nodes', '--jobs', '0'])).toEqual({ stdout: '', stderr: 'crilint: --jobs takes a whole number >= 1\n', code: 2 });
  });
});

describe('progress bar', () => {
  it('is not drawn when stderr is not a terminal', () => {
    const r = inFleet(['lint', 'nodes', ...T, '--jobs', '2']);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('nodes]');
  });

  /** The CLI in a pseudo-terminal (util-linux `script`): stdout and stderr both go to it. */
  function inTerminal(args: string[], env: Record<string, string>): string {
    const cmd = [process.execPath, resolve(REPO, 'bin/crilint.mjs'), ...args].map((a) => `'${a}'`).join(' ');
    const base: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env };
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: join(tmp, 'fleet'), env: base, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    return r.stdout;
  }

  it('on a terminal outside CI: drawn from 0 to every node, erased before anything else is written', () => {
    const out = inTerminal(['lint', 'nodes', ...T, '--jobs', '2'], {});
    expect(out).toContain('\rcrilint: [........................] 0/5 nodes\x1b[K');
    expect(out).toContain('\rcrilint: [########################] 5/5 nodes\x1b[K\r\x1b[K');
    // With the bar's drawing and erasing taken out, what is left is the report (the terminal turns
    // \n into \r\n), streamed: a node's stderr line comes with the node, not after the whole run.
    const text = out.replace(/\rcrilint: \[[#.]+\] \d+\/\d+ nodes\x1b\[K/g, '').replace(/\r\x1b\[K/g, '').replace(/\r\n/g, '\n');
    expect(text).toContain(`nodes/c-typo: ✖ 1 problem (1 error, 0 warnings, 0 info)\n${unreadableLine}nodes/d-unreadable: ✖ 1 file could not be read\nnodes/e-clean: ✔ no problems\n`);
    expect(text).not.toContain('nodes]');
  });

  it('not in CI, and never with --format json', () => {
    expect(inTerminal(['lint', 'nodes', ...T, '--jobs', '2'], { CI: 'true' })).not.toContain('nodes]');
    const json = inTerminal(['lint', 'nodes', ...T, '--format', 'json'], {});
    expect(json).not.toContain('nodes]');
    expect(JSON.parse(json.slice(0, json.lastIndexOf('}') + 1).replace(/\r\n/g, '\n').replace(/^crilint: .*\n/gm, '')).nodes).toHaveLength(5);
  });

  it('draws at most every 100 ms, always the last state, and erases itself', () => {
    let now = 0;
    const out: string[] = [];
    const p = new Progress(3, (s) => out.push(s), () => now);
    p.start();
    now = 50;
    p.tick();
    const write = p.around((s) => out.push(s));
    write('report\n');
    now = 200;
    p.tick();
    p.tick();
    p.finish();
    expect(out).toEqual([
      '\rcrilint: [........................] 0/3 nodes\x1b[K',
      '\r\x1b[K',
      'report\n',
      '\rcrilint: [################........] 2/3 nodes\x1b[K',
      '\rcrilint: [########################] 3/3 nodes\x1b[K',
      '\rcrilint: [########################] 3/3 nodes\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('shows only on a terminal and with CI unset, empty, 0 or false', () => {
    expect(showProgress({}, true)).toBe(true);
    expect(showProgress({}, false)).toBe(false);
    for (const ci of ['true', '1', 'yes']) expect(showProgress({ CI: ci }, true)).toBe(false);
    for (const ci of ['', '0', 'false', 'FALSE']) expect(showProgress({ CI: ci }, true)).toBe(true);
  });
});

describe('threads', () => {
  it(`lints on one thread below ${FLEET_THRESHOLD} nodes or ${FLEET_MIN_CORES} cores, else one worker a core; --jobs wins; never more threads than nodes`, () => {
    expect(chooseJobs(undefined, FLEET_THRESHOLD - 1, 8, true)).toBe(1);
    expect(chooseJobs(undefined, FLEET_THRESHOLD, 8, true)).toBe(8);
    expect(chooseJobs(undefined, 10_000, FLEET_MIN_CORES, true)).toBe(FLEET_MIN_CORES);
    expect(chooseJobs(undefined, 10_000, FLEET_MIN_CORES - 1, true)).toBe(1);
    expect(chooseJobs(undefined, 10_000, 2, true)).toBe(1);
    expect(chooseJobs(2, 10_000, 2, true)).toBe(2);
    expect(chooseJobs(3, 10, 2, true)).toBe(3);
    expect(chooseJobs(8, 3, 2, true)).toBe(3);
    expect(chooseJobs(1, 10_000, 8, true)).toBe(1);
    expect(chooseJobs(4, 1, 8, true)).toBe(1);
    // From src/ (no bundle for a worker to start), with test rules, or fixing: this thread only.
    expect(chooseJobs(4, 10_000, 8, false)).toBe(1);
  });

  it('tells the sink once that a fleet starts, with its thread count; not for one node set', async () => {
    const base = { paths: [], format: 'json' as const, quiet: false, color: false, noConfig: true, kubernetes: { major: 1, minor: 34 }, containerd: { major: 2, minor: 1 } };
    const calls: number[] = [];
    const sink = { stdout: () => {}, stderr: () => {}, fleet: (jobs: number) => calls.push(jobs) };
    await lint({ ...base, root: ['a-clean', 'e-clean'].map((n) => join(tmp, 'fleet/nodes', n)), jobs: 1 }, sink);
    expect(calls).toEqual([1]);
    await lint({ ...base, root: [join(tmp, 'fleet/nodes/a-clean')] }, sink);
    expect(calls).toEqual([1]);
  });

  it('a node whose rule throws is an internal error (exit 3); the other nodes are still linted and reported', async () => {
    const boom = defineRule({
      meta: { id: 'test-boom', description: 'throws on one node', severity: 'error', files: [] },
      check(ctx) {
        if (ctx.node.name.endsWith('c-typo')) throw new TypeError('boom');
        ctx.report({ message: 'seen', file: null, range: null });
      },
    });
    const roots = ['a-clean', 'c-typo', 'e-clean'].map((n) => join(tmp, 'fleet/nodes', n));
    const r = await lint({ paths: [], root: roots, format: 'stylish', quiet: false, color: false, rules: [boom], noConfig: true, kubernetes: { major: 1, minor: 34 }, containerd: { major: 2, minor: 1 } });
    expect(r.exitCode).toBe(3);
    const name = (n: string) => r.stdout.split('\n').find((l) => l.startsWith(`${roots[0]!.replace(/a-clean$/, n)}:`) && /[✔✖]/.test(l));
    expect(name('a-clean')).toMatch(/: ✖ 1 problem \(1 error, 0 warnings, 0 info\)$/);
    expect(name('c-typo')).toMatch(/: ✖ not linted \(internal error\)$/);
    expect(name('e-clean')).toMatch(/: ✖ 1 problem \(1 error, 0 warnings, 0 info\)$/);
    expect(r.stderr).toBe(`crilint: internal error: while linting ${roots[1]}: rule test-boom failed: boom\ncrilint: this is a bug in crilint; run again with --debug for details, and please report it.\n`);
  });
});
