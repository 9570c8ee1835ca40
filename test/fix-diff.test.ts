import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileDiff, unifiedDiff, type DiffFile } from '../src/fix/diff.js';
import { writeFiles } from '../src/fix/write.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('fileDiff', () => {
  it('writes a/ b/ headers and hunks', () => {
    const f: DiffFile = { display: 'etc/containerd/config.toml', original: 'version = 2\n[a]\nx = 1\n', text: 'version = 2\n[a]\nx = 2\n', bom: false };
    expect(fileDiff(f)).toBe('--- a/etc/containerd/config.toml\n+++ b/etc/containerd/config.toml\n@@ -1,3 +1,3 @@\n version = 2\n [a]\n-x = 1\n+x = 2\n');
  });

  it('diffs a new file against /dev/null', () => {
    expect(fileDiff({ display: 'etc/sysctl.d/k8s.conf', original: null, text: 'net.ipv4.ip_forward = 1\n', bom: false })).toBe(
      '--- /dev/null\n+++ b/etc/sysctl.d/k8s.conf\n@@ -0,0 +1,1 @@\n+net.ipv4.ip_forward = 1\n',
    );
  });

  it('says so when the last line has no newline, and is empty when nothing changes', () => {
    expect(fileDiff({ display: 'x', original: 'a = 1', text: 'a = 2', bom: false })).toBe('--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n-a = 1\n\\ No newline at end of file\n+a = 2\n\\ No newline at end of file\n');
    expect(fileDiff({ display: 'x', original: 'a', text: 'a', bom: false })).toBe('');
  });
});

describe('unifiedDiff applies with git apply and patch -p1, giving the writer\'s bytes', () => {
  const files: (DiffFile & { rel: string })[] = [
    { rel: 'etc/containerd/config.toml', display: 'etc/containerd/config.toml', original: 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.8"\n', text: 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10"\n', bom: false },
    { rel: 'var/lib/kubelet/config.yaml', display: 'var/lib/kubelet/config.yaml', original: 'kind: KubeletConfiguration\r\ncgroupDriver: cgroupfs\r\n', text: 'kind: KubeletConfiguration\r\ncgroupDriver: systemd\r\n', bom: true },
    { rel: 'etc/crictl.yaml', display: 'etc/crictl.yaml', original: 'timeout: 2', text: 'timeout: 2\nruntime-endpoint: unix:///run/containerd/containerd.sock', bom: false },
    { rel: 'etc/sysctl.d/99-kubernetes.conf', display: 'etc/sysctl.d/99-kubernetes.conf', original: null, text: '# crilint\nnet.ipv4.ip_forward = 1\n', bom: false },
  ];

  function node(): string {
    const d = mkdtempSync(join(tmpdir(), 'crilint-diff-'));
    dirs.push(d);
    for (const f of files) {
      if (f.original === null) continue;
      mkdirSync(dirname(join(d, f.rel)), { recursive: true });
      writeFileSync(join(d, f.rel), (f.bom ? '\ufeff' : '') + f.original);
    }
    return d;
  }

  function written(): Map<string, Buffer> {
    const d = node();
    writeFiles(files.map((f) => ({ path: join(d, f.rel), display: f.display, text: f.text, bom: f.bom, created: f.original === null })), { root: d });
    return new Map(files.map((f) => [f.rel, readFileSync(join(d, f.rel))]));
  }

  it('git apply', () => {
    const patch = unifiedDiff(files);
    const d = node();
    const r = spawnSync('git', ['apply', '-'], { cwd: d, input: patch, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const want = written();
    for (const f of files) expect(readFileSync(join(d, f.rel)), f.rel).toEqual(want.get(f.rel));
  });

  it('patch -p1', () => {
    const patch = unifiedDiff(files);
    const d = node();
    const r = spawnSync('patch', ['-p1', '--batch', '--silent'], { cwd: d, input: patch, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const want = written();
    for (const f of files) expect(readFileSync(join(d, f.rel)), f.rel).toEqual(want.get(f.rel));
  });

  it('orders files by display path', () => {
    const patch = unifiedDiff(files);
    expect([...patch.matchAll(/^\+\+\+ b\/(.*)$/gm)].map((m) => m[1])).toEqual([
      'etc/containerd/config.toml',
      'etc/crictl.yaml',
      'etc/sysctl.d/99-kubernetes.conf',
      'var/lib/kubelet/config.yaml',
    ]);
  });
});
