/**
 * Malformed and hostile input through the real CLI: every case ends in a `syntax` finding with
 * a position (exit 1) or an exit-2 message naming the file; never a stack trace, never a hang
 * (each run is bounded by the spawn timeout). Byte-exact inputs are written to a temp dir here.
 * Reading-layer details (UTF-16, empty files, /dev/null) are checked in-process at the end.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBytes, readSource, MAX_FILE_BYTES, IoError } from '../src/discover/read.js';
import { REPO } from './helpers/cli.js';
import { MAX_NODE_FILES } from '../src/model/load.js';

const TIMEOUT_MS = 20_000;
const TARGET = ['--kubernetes', '1.34', '--containerd', '2.1'];
let tmp: string;

interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** The built CLI with cwd = tmp, killed if it runs longer than TIMEOUT_MS (then `code` is null). */
function cli(args: string[], opts: { asUser?: number } = {}): Run {
  const bin = resolve(REPO, 'bin/crilint.mjs');
  const cmd = opts.asUser === undefined ? [process.execPath, bin, ...args] : ['setpriv', `--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', process.execPath, bin, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: tmp, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: TIMEOUT_MS });
  expect(r.signal, `crilint ${args.join(' ')} did not finish within ${TIMEOUT_MS} ms`).toBeNull();
  expect(r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/); // no stack trace
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

/** Findings of a JSON run as `line:column rule message`, plus exit code and stderr. */
function lintJson(root: string): { findings: string[]; stderr: string; code: number | null } {
  const r = cli(['lint', '--root', root, ...TARGET, '--format', 'json']);
  const doc = JSON.parse(r.stdout) as { findings: { rule: string; file: string; line: number; column: number; message: string }[] };
  return { findings: doc.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`), stderr: r.stderr, code: r.code };
}

function put(root: string, rel: string, data: string | Buffer): void {
  const p = join(tmp, root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
}

beforeAll(() => {
  if (!existsSync(resolve(REPO, 'dist/crilint.mjs'))) throw new Error('dist/crilint.mjs is missing: run `npm run build` (npm test does)');
  tmp = mkdtempSync(join(tmpdir(), 'crilint-malformed-'));
  chmodSync(tmp, 0o755); // readable by the unprivileged user of the permission test
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('syntax errors are findings with a position', () => {
  it('TOML: a table defined twice', () => {
    put('dup', 'etc/containerd/config.toml', 'version = 3\n\n[plugins."io.containerd.cri.v1.images"]\n  snapshotter = "overlayfs"\n\n[plugins."io.containerd.cri.v1.images"]\n  snapshotter = "native"\n');
    const r = cli(['lint', '--root', 'dup', ...TARGET]);
    expect(r).toEqual({
      stdout: [
        'dup/etc/containerd/config.toml:6:10: error: invalid TOML: Defining a key multiple times is invalid [syntax]',
        '  |',
        '6 | [plugins."io.containerd.cri.v1.images"]',
        '  |          ^',
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 info)',
        '',
      ].join('\n'),
      stderr: '',
      code: 1,
    });
  });

  it('TOML: an unterminated string', () => {
    put('badstr', 'etc/containerd/config.toml', 'version = 3\n[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.10\n');
    expect(lintJson('badstr')).toEqual({ findings: ['etc/containerd/config.toml:3:40 syntax invalid TOML: Unterminated string constant'], stderr: '', code: 1 });
  });

  it('YAML: a kubelet config with a mis-indented key', () => {
    put('badyaml', 'var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n  maxPods: 10\n');
    expect(lintJson('badyaml')).toEqual({
      findings: [
        'var/lib/kubelet/config.yaml:3:15 syntax invalid YAML: Implicit keys need to be on a single line',
        'var/lib/kubelet/config.yaml:3:15 syntax invalid YAML: Nested mappings are not allowed in compact mappings',
      ],
      stderr: '',
      code: 1,
    });
  });

  it('YAML: an unclosed flow sequence in crictl.yaml, reported at the end of the file', () => {
    put('badcrictl', 'etc/crictl.yaml', 'runtime-endpoint: [unix:///run/containerd/containerd.sock\n');
    expect(lintJson('badcrictl')).toEqual({
      findings: ['etc/crictl.yaml:2:1 syntax invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
      stderr: '',
      code: 1,
    });
  });
});

describe('bytes that are not configuration text', () => {
  it('a binary file: the finding points at the first NUL byte', () => {
    put('binary', 'etc/containerd/config.toml', Buffer.from([0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x0a, 0x7f, 0x45, 0x4c, 0x46, 0x00, 0x00]));
    expect(lintJson('binary')).toEqual({ findings: ['etc/containerd/config.toml:2:5 syntax binary file (NUL byte at byte 12); not a configuration file'], stderr: '', code: 1 });
  });

  it('invalid UTF-8: the finding points at the first bad byte (columns count characters, not bytes)', () => {
    put('utf8', 'etc/crictl.yaml', Buffer.concat([Buffer.from('runtime-endpoint: unix:///run/containerd/containerd.sock\n# café '), Buffer.from([0xc3, 0x28, 0x0a])]));
    const r = cli(['lint', '--root', 'utf8', ...TARGET]);
    expect(r).toEqual({
      stdout: [
        'utf8/etc/crictl.yaml:2:8: error: invalid UTF-8 at byte 65; the file must be UTF-8 text [syntax]',
        '  |',
        '2 | # café ',
        '  |        ^',
        '',
        '✖ 1 problem (1 error, 0 warnings, 0 info)',
        '',
      ].join('\n'),
      stderr: '',
      code: 1,
    });
  });

  it('a 50 MB file is refused by its size, without reading it', () => {
    mkdirSync(join(tmp, 'big/etc/containerd'), { recursive: true });
    writeFileSync(join(tmp, 'big/etc/containerd/config.toml'), '');
    truncateSync(join(tmp, 'big/etc/containerd/config.toml'), 50 * 1024 * 1024);
    expect(lintJson('big')).toEqual({ findings: ['etc/containerd/config.toml:1:1 syntax file is 50 MiB, larger than the 8 MiB limit; not read'], stderr: '', code: 1 });
  });

  it('empty files are valid where the component accepts them (containerd defaults, no sysctls)', () => {
    put('empty', 'etc/containerd/config.toml', '');
    put('empty', 'etc/sysctl.d/10-empty.conf', '');
    put('empty', 'etc/modules-load.d/empty.conf', '');
    // No syntax finding for any of them; what remains are verdicts about the node's content:
    // nothing sets ip_forward, containerd 2.1's default pause tag is not kubeadm 1.34's, and no
    // file loads overlay.
    expect(lintJson('empty')).toEqual({
      findings: [
        'null:null:null kernel-module-required containerd\'s default snapshotter, overlayfs, mounts overlay filesystems, and no modules-load.d file loads the overlay module; current kernels load it on the first mount, so this only matters where module loading is restricted, but listing it next to the other Kubernetes modules is the usual safeguard; add overlay to /etc/modules-load.d/',
        'null:null:null sysctl-required no sysctl.d file sets net.ipv4.ip_forward, so it is 0 (the kernel default) after boot: pod traffic is not routed beyond the node and kubeadm\'s preflight fails with "[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1"; add "net.ipv4.ip_forward = 1" to a file in /etc/sysctl.d',
        'etc/containerd/config.toml:1:1 sandbox-image-mismatch containerd 2.1 uses its default sandbox image registry.k8s.io/pause:3.10 (sandbox_image is not set), but kubeadm for Kubernetes 1.34 expects pause:3.10.1: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, and the node pulls and keeps both; use registry.k8s.io/pause:3.10.1',
      ],
      stderr: '',
      code: 1,
    });
  });
});

describe('structures built to exhaust the parser', () => {
  const n = 100_000;

  it('TOML nested 100 000 arrays deep', () => {
    put('deeptoml', 'etc/containerd/config.toml', `version = 3\nx = ${'['.repeat(n)}${']'.repeat(n)}\n`);
    expect(lintJson('deeptoml')).toEqual({ findings: ['etc/containerd/config.toml:1:1 syntax invalid TOML: Maximum call stack size exceeded'], stderr: '', code: 1 });
  });

  it('TOML nested 100 000 inline tables deep', () => {
    put('deeptoml2', 'etc/containerd/config.toml', `version = 3\nx = ${'{a = '.repeat(n)}1${'}'.repeat(n)}\n`);
    expect(lintJson('deeptoml2')).toEqual({ findings: ['etc/containerd/config.toml:1:1 syntax invalid TOML: Maximum call stack size exceeded'], stderr: '', code: 1 });
  });

  // Where the YAML parser gives up depends on the stack size, so the column is not pinned.
  it('YAML nested 100 000 flow sequences deep', () => {
    put('deepyaml', 'var/lib/kubelet/config.yaml', `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nx: ${'['.repeat(n)}${']'.repeat(n)}\n`);
    const r = lintJson('deepyaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatch(/^var\/lib\/kubelet\/config\.yaml:3:\d+ syntax invalid YAML: Maximum call stack size exceeded$/);
  });

  it('YAML nested 2000 block mappings deep', () => {
    const body = Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 1)}k:\n`).join('');
    put('deepyaml2', 'var/lib/kubelet/config.yaml', `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nx:\n${body}`);
    const r = lintJson('deepyaml2');
    expect(r.code).toBe(1);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatch(/^var\/lib\/kubelet\/config\.yaml:\d+:\d+ syntax (invalid YAML: Maximum call stack size exceeded|YAML document is nested more than 200 levels deep; refusing to read it)$/);
  });

  it('a YAML alias bomb (10^10 values) is refused, in the kubelet config and in crictl.yaml', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 0; i < 9; i++) lines.push(`b${i}: &b${i} [${Array(10).fill(i ? `*b${i - 1}` : '*a').join(', ')}]`);
    put('bomb', 'var/lib/kubelet/config.yaml', ['apiVersion: kubelet.config.k8s.io/v1beta1', 'kind: KubeletConfiguration', ...lines].join('\n') + '\n');
    put('bomb', 'etc/crictl.yaml', ['runtime-endpoint: unix:///run/containerd/containerd.sock', ...lines].join('\n') + '\n');
    const msg = 'syntax YAML document expands to more than 100000 values (alias expansion); refusing to read it';
    expect(lintJson('bomb')).toEqual({ findings: [`etc/crictl.yaml:1:1 ${msg}`, `var/lib/kubelet/config.yaml:1:1 ${msg}`], stderr: '', code: 1 });
  });
});

describe('files that cannot be read: exit 2, naming the file', () => {
  it('a directory where a file is expected', () => {
    mkdirSync(join(tmp, 'dir/etc/containerd/config.toml'), { recursive: true });
    expect(cli(['lint', '--root', 'dir', ...TARGET])).toEqual({ stdout: '', stderr: 'crilint: dir: etc/containerd/config.toml: is a directory, expected a file\n', code: 2 });
  });

  it('a FIFO at a well-known path, and given as a PATH: refused, not waited on', () => {
    mkdirSync(join(tmp, 'fifo/etc'), { recursive: true });
    expect(spawnSync('mkfifo', [join(tmp, 'fifo/etc/crictl.yaml'), join(tmp, 'pipe.conf')]).status).toBe(0);
    expect(cli(['lint', '--root', 'fifo', ...TARGET])).toEqual({ stdout: '', stderr: 'crilint: fifo: etc/crictl.yaml: not a regular file (a FIFO)\n', code: 2 });
    expect(cli(['lint', 'pipe.conf', ...TARGET])).toEqual({ stdout: '', stderr: 'crilint: pipe.conf: not a regular file (a FIFO)\n', code: 2 });
  });

  it('a dangling symlink (its absolute target looked up inside the node root), and a symlink loop', () => {
    mkdirSync(join(tmp, 'dangling/etc/containerd'), { recursive: true });
    symlinkSync('/etc/containerd/base.toml', join(tmp, 'dangling/etc/containerd/config.toml'));
    expect(cli(['lint', '--root', 'dangling', ...TARGET])).toEqual({
      stdout: '',
      stderr: 'crilint: dangling: etc/containerd/config.toml: broken symbolic link (to /etc/containerd/base.toml, looked up inside the node root)\n',
      code: 2,
    });
    mkdirSync(join(tmp, 'loop/etc'), { recursive: true });
    symlinkSync('crictl.yaml', join(tmp, 'loop/etc/crictl.yaml'));
    expect(cli(['lint', '--root', 'loop', ...TARGET])).toEqual({ stdout: '', stderr: 'crilint: loop: etc/crictl.yaml: too many levels of symbolic links\n', code: 2 });
    symlinkSync('nowhere.yaml', join(tmp, 'crictl.yaml'));
    expect(cli(['lint', 'crictl.yaml', ...TARGET])).toEqual({ stdout: '', stderr: 'crilint: crictl.yaml: broken symbolic link (to nowhere.yaml)\n', code: 2 });
  });

  // chmod 000 does not stop root; as root the CLI runs as `nobody` (setpriv), so the check is the same everywhere.
  it('a file without read permission', () => {
    put('noperm', 'etc/containerd/config.toml', 'version = 3\n');
    chmodSync(join(tmp, 'noperm/etc/containerd/config.toml'), 0o000);
    const asUser = process.getuid?.() === 0 ? 65534 : undefined;
    expect(cli(['lint', '--root', 'noperm', ...TARGET], { asUser })).toEqual({ stdout: '', stderr: 'crilint: noperm: etc/containerd/config.toml: permission denied\n', code: 2 });
  });

  it('a missing path', () => {
    expect(cli(['lint', 'etc/containerd/config.toml', ...TARGET])).toEqual({ stdout: '', stderr: 'crilint: etc/containerd/config.toml: no such file or directory\n', code: 2 });
  });
});

describe('the reading layer', () => {
  const init = { path: '/n/etc/crictl.yaml', display: 'etc/crictl.yaml', nodePath: '/etc/crictl.yaml', kind: 'crictl' as const };

  it('an empty file is an empty source without a problem', () => {
    put('layer', 'empty.conf', '');
    const { source, problem } = readSource(join(tmp, 'layer/empty.conf'), 'sysctl', 'empty.conf', null);
    expect(problem).toBeNull();
    expect(source.text).toBe('');
    expect(source.lineStarts).toEqual([0]);
  });

  it('UTF-16 is named as such; a BOM-prefixed UTF-8 file is fine', () => {
    const utf16 = decodeBytes(init, Buffer.from('\ufeffruntime-endpoint: x\n', 'utf16le'));
    expect(utf16.source.text).toBe('');
    expect(utf16.problem).toMatchObject({ rule: 'syntax', message: 'file is UTF-16 text (byte order mark); it must be UTF-8', range: { start: { line: 1, column: 1 } } });
    const bom = decodeBytes(init, Buffer.from('\ufeffruntime-endpoint: x\n', 'utf8'));
    expect(bom.problem).toBeNull();
    expect(bom.source.bom).toBe(true);
    expect(bom.source.text).toBe('runtime-endpoint: x\n');
  });

  it('a truncated multi-byte character at the end of the file is invalid UTF-8 at its first byte', () => {
    const r = decodeBytes(init, Buffer.from([0x61, 0x0a, 0xe2, 0x82]));
    expect(r.source.text).toBe('a\n');
    expect(r.problem).toMatchObject({ message: 'invalid UTF-8 at byte 2; the file must be UTF-8 text', range: { start: { line: 2, column: 1, offset: 2 } } });
  });

  it('the size limit is 8 MiB: a file of exactly that size is read', () => {
    put('layer', 'limit.conf', '');
    truncateSync(join(tmp, 'layer/limit.conf'), MAX_FILE_BYTES);
    expect(readSource(join(tmp, 'layer/limit.conf'), 'sysctl', 'limit.conf', null).problem?.message).toBe('binary file (NUL byte at byte 0); not a configuration file');
    truncateSync(join(tmp, 'layer/limit.conf'), MAX_FILE_BYTES + 1);
    expect(readSource(join(tmp, 'layer/limit.conf'), 'sysctl', 'limit.conf', null).problem?.message).toBe('file is 8388609 bytes, larger than the 8 MiB limit; not read');
  });

  it('a link to /dev/null reads as an empty file (a mask); other devices are refused', () => {
    symlinkSync('/dev/null', join(tmp, 'layer/masked.conf'));
    expect(readSource(join(tmp, 'layer/masked.conf'), 'sysctl', 'masked.conf', null)).toMatchObject({ problem: null, source: { text: '' } });
    expect(() => readSource('/dev/zero', 'sysctl', '/dev/zero', null)).toThrow(new IoError('/dev/zero', '/dev/zero: not a regular file (a character device)'));
  });
});

describe('limits on the size of a node set', () => {
  it(`a node set of more than ${MAX_NODE_FILES} files: the first file over the limit is named, exit 2, and what was read is still reported`, () => {
    mkdirSync(join(tmp, 'many/etc/sysctl.d'), { recursive: true });
    for (let i = 0; i < MAX_NODE_FILES + 5; i++) writeFileSync(join(tmp, `many/etc/sysctl.d/${String(i).padStart(4, '0')}.conf`), 'net.ipv4.ip_forward = 1\n');
    const r = cli(['lint', '--root', 'many', ...TARGET, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`crilint: many: etc/sysctl.d/${String(MAX_NODE_FILES).padStart(4, '0')}.conf: not read, nor any later file: the node set has more than ${MAX_NODE_FILES} files (crilint's limit)\n`);
    expect(JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('syntax');
  });
});
