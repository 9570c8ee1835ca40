/**
 * The README's quick start: the bundled examples lint exactly as examples/README.md says, through
 * the real CLI (dist/).
 */
import { describe, expect, it } from 'vitest';
import { crilint } from './helpers/cli.js';

describe('examples/', () => {
  it('clean-node: nothing to report for its target', () => {
    expect(crilint(['lint', '--root', 'examples/clean-node', '--kubernetes', '1.34', '--containerd', '2.1'])).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('broken-node: the seven mistakes of examples/README.md, at their positions', () => {
    const r = crilint(['lint', '--root', 'examples/broken-node', '--kubernetes', '1.35', '--containerd', '2.1', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as {
      findings: { rule: string; severity: string; file: string; line: number; column: number; fix: string | null; related: { file: string; line: number }[] }[];
      summary: unknown;
    };
    expect(doc.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} fix=${f.fix} related=${f.related.map((x) => `${x.file}:${x.line}`).join(',')}`)).toEqual([
      'etc/containerd/config.toml:24:7 error systemd-cgroup-misplaced fix=null related=',
      'etc/containerd/config.toml:28:25 info cgroup-driver-mismatch fix=unsafe related=var/lib/kubelet/config.yaml:14',
      'etc/crictl.yaml:2:19 warning cri-socket-mismatch fix=safe related=etc/containerd/config.toml:9',
      'etc/sysctl.d/10-kubernetes.conf:3:38 warning kernel-module-required fix=safe related=etc/sysctl.d/10-kubernetes.conf:4,etc/modules-load.d/k8s.conf:2',
      'etc/sysctl.d/99-cis-hardening.conf:3:23 error sysctl-required fix=safe related=etc/sysctl.d/10-kubernetes.conf:2',
      'var/lib/kubelet/config.yaml:19:1 error unknown-key fix=null related=',
      'var/lib/kubelet/kubeadm-flags.env:3:91 error invalid-value fix=null related=',
    ]);
    expect(doc.summary).toEqual({ errors: 4, warnings: 2, infos: 1, fixable: 4 });
  });
});
