/**
 * Bugs the property suite (test/property.test.ts) and the differential suite
 * (test/differential.test.ts) found, each pinned by the smallest input that showed it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { runFixes } from '../src/engine/fix-run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function node(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'crilint-regress-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
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
