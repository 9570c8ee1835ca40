/**
 * Path tricks through the CLI (dist/): every path a node's configuration names — containerd
 * imports (plain, `..`, absolute, globs), files and directories reached through symlinks, the
 * kubelet's --config and --config-dir, the sysctl.d drop-in directories, CRI socket endpoints — is
 * resolved below the node root and never leaves it, and `--fix` writes nothing outside it.
 *
 * Outside the root sits a directory of bait: files that would each produce a `syntax` finding if
 * crilint read them, and a FIFO that would make it wait if it opened an endpoint. Every run must
 * finish, report no syntax finding, and leave the bait exactly as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crilint } from './helpers/cli.js';

const TARGET = ['--kubernetes', '1.34', '--containerd', '2.1'];
let base: string;
let bait: string;
let baitBefore: string;

afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'crilint-paths-'));
  bait = join(base, 'outside');
  const broken = { toml: 'version = [\n', yaml: 'a: [unclosed\n', conf: 'kernel.x = 1\nnot an assignment\n' };
  put(bait, 'etc/containerd/bait.toml', broken.toml);
  put(bait, 'bait.toml', broken.toml);
  put(bait, 'conf.d/10-bait.toml', broken.toml);
  put(bait, 'config.yaml', broken.yaml);
  put(bait, 'kubelet.conf.d/10-bait.conf', broken.yaml);
  put(bait, 'crictl.yaml', broken.yaml);
  put(bait, 'sysctl.d/10-bait.conf', broken.conf);
  expect(spawnSync('mkfifo', [join(bait, 'containerd.sock')]).status).toBe(0);
  baitBefore = listing(bait);
});

function put(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** Names, sizes and contents of every file below dir (FIFOs by name). */
function listing(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((rel) => {
      const st = statSync(join(dir, rel));
      return st.isFile() ? `${rel} ${st.size} ${readFileSync(join(dir, rel), 'utf8')}` : `${rel} ${st.isFIFO() ? 'fifo' : 'dir'}`;
    })
    .join('\n');
}

let nodes = 0;
/** A node root with the given files and links (values starting with `->` are symlink targets). */
function node(files: Record<string, string>): string {
  const root = join(base, `node-${nodes++}`);
  mkdirSync(root);
  for (const [rel, v] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    if (v.startsWith('->')) symlinkSync(v.slice(2), join(root, rel));
    else writeFileSync(join(root, rel), v);
  }
  return root;
}

/** Lint (optionally --fix) a node: findings as `file:line rule message`, exit code, stderr. Checks the bait is untouched. */
function lint(root: string, extra: string[] = []) {
  const r = crilint(['lint', '--root', relative(base, root), ...TARGET, '--format', 'json', ...extra], { cwd: base });
  expect(r.code, r.stderr).not.toBeNull(); // finished (a FIFO opened for reading would block)
  const doc = JSON.parse(r.stdout) as { findings: { rule: string; file: string | null; line: number | null; message: string }[] };
  expect(listing(bait)).toBe(baitBefore);
  const findings = doc.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`);
  expect(findings.filter((f) => / syntax /.test(f))).toEqual([]);
  return { findings, code: r.code, stderr: r.stderr };
}

/** `../` enough times to climb from anywhere in a node root to `/`, then the bait path. */
const climb = (p: string) => `${'../'.repeat(30)}${p.replace(/^\//, '')}`;

describe('containerd imports stay below the node root', () => {
  it('`..` that climbs above the root, an absolute path, and a glob are all resolved below it', () => {
    const root = node({
      'etc/containerd/config.toml': `version = 3\nimports = [${JSON.stringify(climb(join(bait, 'bait.toml')))}, ${JSON.stringify(join(bait, 'bait.toml'))}, ${JSON.stringify(climb(join(bait, 'conf.d/*.toml')))}]\n`,
    });
    const r = lint(root);
    // Both file entries name <root><bait>/bait.toml, which does not exist; the glob matches nothing.
    expect(r.findings.filter((f) => f.includes('containerd-import-not-found'))).toEqual([
      `etc/containerd/config.toml:2 containerd-import-not-found imported file ${join(bait, 'bait.toml')} does not exist; containerd fails to start when an import cannot be read`,
      `etc/containerd/config.toml:2 containerd-import-not-found imported file ${join(bait, 'bait.toml')} does not exist; containerd fails to start when an import cannot be read`,
    ]);
  });

  it('an imported file that is a symlink out of the root (absolute or climbing) is looked up below the root', () => {
    for (const target of [join(bait, 'bait.toml'), climb(join(bait, 'bait.toml'))]) {
      const root = node({ 'etc/containerd/config.toml': 'version = 3\nimports = ["conf.d/10-x.toml"]\n', 'etc/containerd/conf.d/10-x.toml': `->${target}` });
      const r = lint(root);
      expect(r.findings.filter((f) => f.includes('import'))).toEqual([
        'etc/containerd/config.toml:2 containerd-import-not-found imported file /etc/containerd/conf.d/10-x.toml does not exist; containerd fails to start when an import cannot be read',
      ]);
    }
  });

  it('a directory symlink on the way out of the root (etc/containerd -> the bait) is looked up below the root', () => {
    const root = node({ 'etc/containerd': `->${join(bait, 'etc/containerd')}`, 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' });
    const r = lint(root);
    expect(r.findings.filter((f) => f.startsWith('etc/containerd'))).toEqual([]);
  });
});

describe('drop-in directories and kubelet flags stay below the node root', () => {
  it('sysctl.d as a symlink to a directory outside the root (absolute or climbing) is not read', () => {
    for (const target of [join(bait, 'sysctl.d'), climb(join(bait, 'sysctl.d'))]) {
      const root = node({ 'etc/sysctl.d': `->${target}`, 'etc/sysctl.conf': 'net.ipv4.ip_forward = 1\n' });
      const r = lint(root);
      expect(r.findings.filter((f) => f.includes('10-bait'))).toEqual([]);
    }
  });

  it('--config and --config-dir naming paths outside the root (absolute and climbing) are looked up below it', () => {
    const root = node({
      'var/lib/kubelet/kubeadm-flags.env': `KUBELET_KUBEADM_ARGS="--config=${join(bait, 'config.yaml')} --config-dir=${climb(join(bait, 'kubelet.conf.d'))}"\n`,
      'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n',
    });
    const r = lint(root);
    expect(r.findings.filter((f) => f.includes('bait'))).toEqual([]);
  });

  it('a symlink chain longer than 40 links is an error, not a way out (the OS would follow the rest of it)', () => {
    const files: Record<string, string> = { 'etc/crictl.yaml': '->/l1' };
    for (let i = 1; i <= 45; i++) files[`l${i}`] = `->l${i + 1}`;
    files['l46'] = `->${climb(join(bait, 'crictl.yaml'))}`;
    const root = node(files);
    const r = lint(root);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `crilint: ${relative(base, root)}: etc/crictl.yaml: too many levels of symbolic links\n` });
  });
});

describe('CRI endpoints are compared, never opened', () => {
  it('endpoints naming a FIFO outside the root do not make crilint wait', () => {
    const sock = `unix://${join(bait, 'containerd.sock')}`;
    const root = node({
      'etc/crictl.yaml': `runtime-endpoint: ${sock}\nimage-endpoint: ${sock}\n`,
      'var/lib/kubelet/config.yaml': `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\ncontainerRuntimeEndpoint: ${sock}\n`,
    });
    lint(root);
  });
});

describe('--fix never writes outside the root', () => {
  it('a fixable file reached through a symlink that leads out of the root is not read, so not fixed; nothing outside changes', () => {
    writeFileSync(join(bait, 'fixable-crictl.yaml'), 'runtime-endpoint: unix:///run/containerd/containerd.sock\ndebug: yes\n');
    baitBefore = listing(bait);
    for (const target of [join(bait, 'fixable-crictl.yaml'), climb(join(bait, 'fixable-crictl.yaml'))]) {
      const root = node({ 'etc/crictl.yaml': `->${target}`, 'etc/containerd/config.toml': 'version = 3\n' });
      const r = lint(root, ['--fix', '--unsafe-fixes']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`etc/crictl.yaml: broken symbolic link (to ${target}`);
    }
  });
});
