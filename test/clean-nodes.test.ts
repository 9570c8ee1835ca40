/**
 * False-alarm guard. fixtures/nodes/ holds two consistent kubeadm nodes, written the way kubeadm,
 * `containerd config default`, `crictl config` and the Kubernetes install guide leave them:
 *
 * - kubeadm-1.30-containerd-1.7: config version 2, SystemdCgroup = true, sandbox_image pause:3.9,
 *   kubelet cgroupDriver systemd with kubeadm 1.30's config.yaml (zero durations,
 *   `containerRuntimeEndpoint: ""`), kubeadm-flags.env with --container-runtime-endpoint and
 *   --pod-infra-container-image, crictl.yaml with both endpoints, the install guide's k8s.conf for
 *   sysctl.d (bridge sysctls + ip_forward) and modules-load.d (overlay + br_netfilter), Debian's
 *   /etc/sysctl.conf (all commented) linked from /etc/sysctl.d/99-sysctl.conf.
 * - kubeadm-1.34-containerd-2.1: config version 3, pinned_images.sandbox pause:3.10.1, the split CRI
 *   plugins, kubeadm 1.34's config.yaml (crashLoopBackOff: {}, containerRuntimeEndpoint patched in
 *   from instance-config.yaml: NodeLocalCRISocket is beta and on), kubeadm-flags.env with only
 *   --pod-infra-container-image, crictl.yaml as `crictl config --set` writes it, systemd's own
 *   50-default.conf (globs and `-key` exclusions) next to k8s.conf.
 *
 * Linted through the real CLI (`npm run build` first; the test script does), they must give no
 * error and no warning; infos are listed exactly. So that the guard cannot pass by reading nothing,
 * the same nodes with one mistake each must be caught, and `--fix` must put the original bytes back.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crilint, REPO } from './helpers/cli.js';

interface JsonFinding {
  rule: string;
  severity: string;
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

const show = (f: JsonFinding) => `${f.file ?? '-'}:${f.line ?? '-'}:${f.column ?? '-'} ${f.severity} ${f.rule}: ${f.message}`;

interface Mistake {
  what: string;
  file: string;
  from: string;
  to: string;
  /** What crilint must say (file:line:col severity rule). */
  caught: string;
}

interface ReferenceNode {
  dir: string;
  kubernetes: string;
  containerd: string;
  /** Info findings the node is allowed to have, exactly (file:line:col severity rule: message). */
  infos: string[];
  mistakes: Mistake[];
}

const NODES: ReferenceNode[] = [
  {
    dir: 'fixtures/nodes/kubeadm-1.30-containerd-1.7',
    kubernetes: '1.30',
    containerd: '1.7',
    infos: [],
    mistakes: [
      {
        what: 'IP forwarding switched off',
        file: 'etc/sysctl.d/k8s.conf',
        from: 'net.ipv4.ip_forward                 = 1',
        to: 'net.ipv4.ip_forward                 = 0',
        caught: 'etc/sysctl.d/k8s.conf:4:39 error sysctl-required',
      },
      {
        what: 'br_netfilter no longer loaded',
        file: 'etc/modules-load.d/k8s.conf',
        from: 'overlay\nbr_netfilter\n',
        to: 'overlay\n',
        caught: 'etc/sysctl.d/k8s.conf:2:39 warning kernel-module-required',
      },
    ],
  },
  {
    dir: 'fixtures/nodes/kubeadm-1.34-containerd-2.1',
    kubernetes: '1.34',
    containerd: '2.1',
    infos: [],
    mistakes: [
      {
        what: 'ip_forward line deleted',
        file: 'etc/sysctl.d/k8s.conf',
        from: 'net.ipv4.ip_forward = 1\n',
        to: '',
        caught: '-:-:- error sysctl-required',
      },
    ],
  },
];

const copies: string[] = [];
afterAll(() => {
  for (const c of copies) rmSync(c, { recursive: true, force: true });
});

function lintJson(dir: string, node: ReferenceNode, extra: string[] = []) {
  const r = crilint(['lint', '--root', dir, '--kubernetes', node.kubernetes, '--containerd', node.containerd, '--format', 'json', ...extra]);
  return { ...r, json: JSON.parse(r.stdout) as { target: unknown; findings: JsonFinding[] } };
}

for (const node of NODES) {
  describe(node.dir, () => {
    it('lints with no error and no warning (infos only as listed)', () => {
      const r = lintJson(node.dir, node);
      expect(r.stderr).toBe('');
      expect(r.json.target).toEqual({ kubernetes: node.kubernetes, containerd: node.containerd, assumed: [] });
      expect(r.json.findings.filter((f) => f.severity !== 'info').map(show)).toEqual([]);
      expect(r.json.findings.filter((f) => f.severity === 'info').map(show)).toEqual(node.infos);
      expect(r.code).toBe(0);
    });

    for (const m of node.mistakes) {
      it(`catches a mistake (${m.what}), and --fix puts the original bytes back`, () => {
        const copy = mkdtempSync(join(tmpdir(), 'crilint-node-'));
        copies.push(copy);
        cpSync(join(REPO, node.dir), copy, { recursive: true, verbatimSymlinks: true });
        const path = join(copy, m.file);
        const original = readFileSync(path, 'utf8');
        expect(original.includes(m.from), `${m.file} contains ${JSON.stringify(m.from)}`).toBe(true);
        writeFileSync(path, original.replace(m.from, m.to));

        const before = lintJson(copy, node);
        expect(before.json.findings.map((f) => `${f.file ?? '-'}:${f.line ?? '-'}:${f.column ?? '-'} ${f.severity} ${f.rule}`)).toEqual([m.caught]);

        const fix = crilint(['lint', '--root', copy, '--kubernetes', node.kubernetes, '--containerd', node.containerd, '--fix']);
        expect(fix.code, fix.stdout + fix.stderr).toBe(0);
        expect(readFileSync(path, 'utf8')).toBe(original);
        const after = lintJson(copy, node);
        expect(after.json.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      });
    }
  });
}
