/**
 * .pre-commit-hooks.yaml: the hooks' fields, the `files` pattern over a table of paths (judged by
 * Python's `re`, the engine pre-commit uses, and by JavaScript's), its coverage of every path
 * discovery treats as well-known, and a run the way pre-commit makes one: in a git repository
 * with node roots, the staged files that match `files` are appended to `entry` in one process
 * (`require_serial`), from the repository root.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WELL_KNOWN } from '../src/discover/index.js';
import { crilint, REPO } from './helpers/cli.js';

interface Hook {
  id: string;
  name: string;
  description: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
  require_serial: boolean;
}

const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const FILES = hooks[0]!.files;

/** Python's verdict (re.search, as pre-commit's `files` filter) for each path. */
function pythonMatches(pattern: string, paths: readonly string[]): boolean[] {
  const r = spawnSync('python3', ['-c', 'import json,re,sys\nd=json.load(sys.stdin)\nr=re.compile(d["p"])\nprint(json.dumps([bool(r.search(x)) for x in d["xs"]]))'], {
    input: JSON.stringify({ p: pattern, xs: paths }),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as boolean[];
}

/** The same pattern for JavaScript: verbose mode `(?x)` drops whitespace (the pattern has no escaped spaces or comments). */
const jsPattern = new RegExp(FILES.replace(/^\(\?x\)/, '').replace(/\s+/g, ''));

describe('pre-commit: .pre-commit-hooks.yaml', () => {
  it('defines crilint (lint) and crilint-fix (lint --fix), node hooks over the same files, serial, with file names', () => {
    expect(hooks.map((h) => h.id)).toEqual(['crilint', 'crilint-fix']);
    for (const h of hooks) {
      expect(Object.keys(h).sort()).toEqual(['description', 'entry', 'files', 'id', 'language', 'name', 'pass_filenames', 'require_serial']);
      expect(h.language).toBe('node');
      expect(h.pass_filenames).toBe(true);
      expect(h.require_serial).toBe(true);
      expect(h.files).toBe(FILES);
    }
    expect(hooks[0]!.entry).toBe('crilint lint');
    expect(hooks[1]!.entry).toBe('crilint lint --fix');
    // The entry runs the package's bin, which is what pre-commit's node language installs.
    expect(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).bin).toEqual({ crilint: 'bin/crilint.mjs' });
  });

  const TABLE: [string, boolean][] = [
    ['etc/containerd/config.toml', true],
    ['nodes/pool-a/etc/containerd/config.toml', true],
    ['nodes/pool-a/etc/containerd/conf.d/99-nvidia.toml', true],
    ['nodes/pool-a/etc/containerd/config.d/10-runtimes.toml', true],
    ['nodes/pool-a/etc/containerd/runtimes.toml', true],
    ['nodes/pool-a/var/lib/kubelet/config.yaml', true],
    ['nodes/pool-a/var/lib/kubelet/config.yml', true],
    ['nodes/pool-a/var/lib/kubelet/config.json', true],
    ['nodes/pool-a/var/lib/kubelet/instance-config.yaml', true],
    ['nodes/pool-a/var/lib/kubelet/kubeadm-flags.env', true],
    ['nodes/pool-a/etc/kubernetes/kubelet.conf.d/50-limits.conf', true],
    // kubespray's layout: the config file and the flags its kubelet.service reads.
    ['nodes/pool-a/etc/kubernetes/kubelet-config.yaml', true],
    ['nodes/pool-a/etc/kubernetes/kubelet.env', true],
    ['nodes/pool-a/etc/kubernetes/admin.conf', false],
    ['nodes/pool-a/etc/kubernetes/kubelet.conf', false],
    ['nodes/pool-a/etc/default/kubelet', true],
    ['nodes/pool-a/etc/sysconfig/kubelet', true],
    ['nodes/pool-a/etc/crictl.yaml', true],
    ['nodes/pool-a/etc/crio/crio.conf', true],
    ['nodes/pool-a/etc/crio/crio.conf.d/10-crio.conf', true],
    ['nodes/pool-a/etc/crio/crio.conf.d/extra/README', true],
    ['nodes/pool-a/etc/docker/daemon.json', true],
    ['nodes/pool-a/etc/systemd/system/cri-docker.service', true],
    ['nodes/pool-a/usr/lib/systemd/system/cri-docker.socket', true],
    ['nodes/pool-a/lib/systemd/system/docker.service', true],
    ['nodes/pool-a/etc/systemd/system/cri-docker.service.d/10-pause.conf', true],
    ['nodes/pool-a/usr/lib/systemd/system/crio.service', true],
    ['nodes/pool-a/etc/systemd/system/crio.service.d/10-flags.conf', true],
    ['nodes/pool-a/etc/sysconfig/crio', true],
    ['nodes/pool-a/etc/default/crio', true],
    ['nodes/pool-a/etc/systemd/system/crio-wipe.service', false],
    ['nodes/pool-a/etc/systemd/system/kubelet.service', true],
    ['nodes/pool-a/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf', true],
    ['nodes/pool-a/etc/systemd/system/containerd.service', true],
    ['nodes/pool-a/etc/systemd/system/containerd.service.d/10-config.conf', true],
    ['nodes/pool-a/etc/systemd/system/sshd.service', false],
    ['nodes/pool-a/etc/sysctl.conf', true],
    ['nodes/pool-a/etc/sysctl.d/99-kubernetes.conf', true],
    ['nodes/pool-a/run/sysctl.d/10-a.conf', true],
    ['nodes/pool-a/usr/local/lib/sysctl.d/10-a.conf', true],
    ['nodes/pool-a/usr/lib/sysctl.d/50-default.conf', true],
    ['nodes/pool-a/lib/sysctl.d/50-default.conf', true],
    ['nodes/pool-a/etc/modules-load.d/k8s.conf', true],
    ['nodes/pool-a/usr/lib/modules-load.d/k8s.conf', true],
    ['crilint.config.yaml', true],
    ['.crilint.yaml', true],
    ['infra/crilint.config.yaml', true],
    // Not node configuration, or not read by crilint.
    ['README.md', false],
    ['nodes/pool-a/etc/containerd/config.toml.tmpl', false],
    ['templates/config.toml.j2', false],
    ['nodes/pool-a/etc/containerd/certs.d/docker.io/hosts.toml', false],
    ['nodes/pool-a/etc/containerd/conf.d/nested/x.toml', false],
    ['nodes/pool-a/var/lib/kubelet/pki/kubelet.crt', false],
    ['nodes/pool-a/var/lib/kubelet/kubeconfig', false],
    ['nodes/pool-a/etc/sysctl.d/README', false],
    ['nodes/pool-a/etc/sysctl.d/99-kubernetes.conf.bak', false],
    ['nodes/pool-a/etc/crictl.yaml.orig', false],
    ['nodes/pool-a/netc/crictl.yaml', false],
    ['nodes/pool-a/etc/crictl.yml', false],
    ['my-crilint.config.yaml', false],
    ['.github/workflows/crilint.yaml', false],
  ];

  it('`files` matches the node configuration files and nothing else (Python re and JavaScript agree)', () => {
    const paths = TABLE.map(([p]) => p);
    const py = pythonMatches(FILES, paths);
    expect(Object.fromEntries(paths.map((p, i) => [p, py[i]]))).toEqual(Object.fromEntries(TABLE));
    expect(Object.fromEntries(paths.map((p) => [p, jsPattern.test(p)]))).toEqual(Object.fromEntries(TABLE));
  });

  it('`files` covers every path discovery reads at a node root (src/discover WELL_KNOWN)', () => {
    const matched = TABLE.filter(([, m]) => m).map(([p]) => p.replace(/^nodes\/pool-a\//, ''));
    for (const [re] of WELL_KNOWN) expect(matched.some((p) => re.test(p)), `no path in the table for ${re}`).toBe(true);
    // And each well-known path, under any prefix, passes the hook's filter.
    const wellKnown = matched.filter((p) => WELL_KNOWN.some(([re]) => re.test(p)));
    const variants = wellKnown.flatMap((p) => [p, `some/dir/${p}`]);
    expect(pythonMatches(FILES, variants)).toEqual(variants.map(() => true));
  });
});

describe('pre-commit: a commit in a repository of node roots', () => {
  let repo: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.email=ci@example.org', '-c', 'user.name=ci', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** What pre-commit runs for a hook: the staged files that match `files`, appended to `entry`, in the repository root. */
  const runHook = (hook: Hook) => {
    const staged = git('diff', '--cached', '--name-only', '--diff-filter=ACMR', '-z').split('\0').filter(Boolean);
    const verdicts = pythonMatches(hook.files, staged);
    const files = staged.filter((_, i) => verdicts[i]);
    if (!files.length) return { files, result: null };
    const [cmd, ...args] = hook.entry.split(' ');
    expect(cmd).toBe('crilint');
    return { files, result: crilint([...args, ...files], { cwd: repo }) };
  };

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'crilint-pre-commit-'));
    git('init', '-q');
    cpSync(join(REPO, 'examples/clean-node'), join(repo, 'nodes/pool-a'), { recursive: true });
    cpSync(join(REPO, 'examples/clean-node'), join(repo, 'nodes/pool-b'), { recursive: true });
    writeFileSync(join(repo, 'crilint.config.yaml'), 'target:\n  kubernetes: "1.34"\n  containerd: "2.1"\n');
    writeFileSync(join(repo, 'README.md'), '# nodes\n');
    git('add', '.');
    git('commit', '-q', '-m', 'clean nodes');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('a clean repository lints clean', () => {
    const r = crilint(['lint', 'nodes'], { cwd: repo });
    expect(r).toEqual({ stdout: 'nodes/pool-a: ✔ no problems\nnodes/pool-b: ✔ no problems\n\n✔ no problems in 2 nodes\n', stderr: '', code: 0 });
  });

  it('a change outside node configuration does not run the hook', () => {
    appendFileSync(join(repo, 'README.md'), 'more\n');
    git('add', 'README.md');
    expect(runHook(hooks[0]!)).toEqual({ files: [], result: null });
    git('commit', '-q', '-m', 'readme');
  });

  it("a broken kubelet config fails the commit with that file's findings; the other node and unchanged files stay quiet", () => {
    appendFileSync(join(repo, 'nodes/pool-a/var/lib/kubelet/config.yaml'), 'maxPodz: 10\n');
    appendFileSync(join(repo, 'nodes/pool-b/etc/sysctl.d/10-kubernetes.conf'), '# reviewed\n');
    git('add', '.');
    const line = readFileSync(join(repo, 'nodes/pool-a/var/lib/kubelet/config.yaml'), 'utf8').split('\n').length - 1;
    const { files, result } = runHook(hooks[0]!);
    expect(files).toEqual(['nodes/pool-a/var/lib/kubelet/config.yaml', 'nodes/pool-b/etc/sysctl.d/10-kubernetes.conf']);
    expect(result!.code).toBe(1);
    expect(result!.stderr).toBe('');
    expect(result!.stdout).toBe(
      [
        `nodes/pool-a/var/lib/kubelet/config.yaml:${line}:1: error: unknown key "maxPodz" in KubeletConfiguration; did you mean "maxPods"? The kubelet ignores unknown fields (lenient decoding), so this setting has no effect [unknown-key]`,
        '   |',
        `${line} | maxPodz: 10`,
        '   | ^~~~~~~',
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 info) in 1 of 2 nodes',
        '',
      ].join('\n'),
    );
    git('reset', '-q', '--hard');
  });

  it('a finding in a file that was not changed is counted on stderr and does not fail the commit', () => {
    // Break pool-a's kubelet config in a commit of its own (as if made without the hook) …
    appendFileSync(join(repo, 'nodes/pool-a/var/lib/kubelet/config.yaml'), 'maxPodz: 10\n');
    git('commit', '-q', '-a', '-m', 'unchecked');
    // … then change another file of the same node.
    appendFileSync(join(repo, 'nodes/pool-a/etc/crictl.yaml'), '# reviewed\n');
    git('add', '.');
    const { files, result } = runHook(hooks[0]!);
    expect(files).toEqual(['nodes/pool-a/etc/crictl.yaml']);
    expect(result).toEqual({
      stdout: '',
      stderr: 'crilint: nodes/pool-a: 1 finding in files not given is not shown (crilint lint --root nodes/pool-a shows everything)\n',
      code: 0,
    });
    git('reset', '-q', '--hard');
  });

  it('crilint-fix repairs the staged file; pre-commit then fails the commit because the hook changed files', () => {
    const crictl = join(repo, 'nodes/pool-a/etc/crictl.yaml');
    const clean = readFileSync(crictl, 'utf8');
    writeFileSync(crictl, clean.replace('unix:///run/containerd/containerd.sock', 'unix:///var/run/crio/crio.sock'));
    git('add', '.');
    const { files, result } = runHook(hooks[1]!);
    expect(files).toEqual(['nodes/pool-a/etc/crictl.yaml']);
    expect(result).toEqual({ stdout: '', stderr: 'crilint: fixed 1 problem in 1 file\n', code: 0 });
    // What pre-commit looks at: the hook modified a file, so the commit stops for a review.
    expect(git('diff', '--name-only')).toBe('nodes/pool-a/etc/crictl.yaml\n');
    expect(readFileSync(crictl, 'utf8')).toBe(clean);
    git('reset', '-q', '--hard');
  });

  it('a broken crilint.config.yaml fails the commit as a configuration problem (exit 2)', () => {
    writeFileSync(join(repo, 'crilint.config.yaml'), 'target:\n  kubernetes: 1.34\n');
    git('add', '.');
    const { files, result } = runHook(hooks[0]!);
    expect(files).toEqual(['crilint.config.yaml']);
    expect(result!.code).toBe(2);
    expect(result!.stdout).toBe('');
    expect(result!.stderr).toMatch(/^crilint: crilint\.config\.yaml:2:15: /);
    git('reset', '-q', '--hard');
  });
});
