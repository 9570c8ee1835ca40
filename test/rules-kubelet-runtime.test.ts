/**
 * The kubelet/runtime cross-check rules: cgroup-driver-mismatch, cri-socket-mismatch,
 * sandbox-image-mismatch, crictl-endpoint-unset, kubelet-flag-overrides-config,
 * kubelet-swap-config and cis-kubelet (profile cis). Each node is written to a temporary root and
 * linted as `crilint lint --root` does (every registered rule, suppressions); only these rules'
 * findings are compared, with exact ranges, related locations and fixed bytes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { lintRoot } from '../src/engine/docs.js';
import { applyEdits } from '../src/fix/index.js';
import { endpointLike, normalizeSocketPath, parseEndpoint, sameSocket } from '../src/rules/shared/endpoints.js';
import { cipherAccepted, cisBenchmark } from '../src/rules/shared/cis.js';
import { splitImage } from '../src/rules/sandbox-image-mismatch.js';

const MINE = [
  'cgroup-driver-mismatch',
  'cis-kubelet',
  'cri-socket-mismatch',
  'crictl-endpoint-unset',
  'kubelet-flag-overrides-config',
  'kubelet-swap-config',
  'sandbox-image-mismatch',
];

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

type Files = Record<string, string>;

function root(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'crilint-krt-'));
  roots.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** All findings of every rule, for a node and target. */
function lintAll(files: Files, k: string, c: string, profiles: string[] = []): Finding[] {
  return lintRoot(root(files), { kubernetes: parseVersion(k)!, containerd: parseVersion(c)! }, profiles).findings;
}

/** This suite's rules' findings (or one rule's). */
function lint(files: Files, k: string, c: string, profiles: string[] = [], only?: string): Finding[] {
  return lintAll(files, k, c, profiles).filter((f) => (only ? f.rule === only : MINE.includes(f.rule)));
}

const pos = (f: { file: Finding['file']; range: Finding['range'] }) =>
  f.range ? `${f.file!.display}:${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}` : '-';

/** `file:line:col-line:col severity rule [fix] message` and its related locations. */
function show(f: Finding): string[] {
  return [`${pos(f)} ${f.severity} ${f.rule} [${f.fix?.safety ?? '-'}] ${f.message}`, ...f.related.map((r) => `  related ${pos(r)} ${r.message}`)];
}

/** The files a finding's fix writes, with their new text. */
function fixed(f: Finding): Files {
  const out: Files = {};
  for (const ch of f.fix?.changes ?? []) out[ch.file!.display] = applyEdits(ch.file!.text, ch.edits);
  return out;
}

/** Whether a run reports any of this suite's rules. */
const rulesOf = (list: Finding[]) => list.map((f) => `${f.rule} ${f.severity}`);

// -----------------------------------------------------------------------------------------------
// Shared inputs

const KUBELET_SYSTEMD = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n';
const KUBELET_CGROUPFS = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\n';
const V2 = (systemd: boolean) =>
  `version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n    SystemdCgroup = ${systemd}\n`;
const V3 = (systemd: boolean) => `version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\n  SystemdCgroup = ${systemd}\n`;

/** What `kubeadm init`/`join` 1.30 leaves on a node running containerd 1.7 (kubelet config marshalled with zero values). */
const KUBEADM_130: Files = {
  'etc/containerd/config.toml': `version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.9"

  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"

    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = true
`,
  'var/lib/kubelet/config.yaml': `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
resolvConf: /run/systemd/resolve/resolv.conf
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`,
  'var/lib/kubelet/kubeadm-flags.env':
    'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n',
  'etc/crictl.yaml': 'runtime-endpoint: "unix:///run/containerd/containerd.sock"\nimage-endpoint: ""\ntimeout: 0\ndebug: false\npull-image-on-create: false\ndisable-pull-on-run: false\n',
};

/**
 * Kubernetes 1.34 with containerd 2.1: kubeadm (NodeLocalCRISocket beta) writes the criSocket to
 * instance-config.yaml and patches it into config.yaml, still writes --pod-infra-container-image
 * (no effect since ~1.31); containerd from `containerd config default` with systemd and kubeadm's pause.
 */
const KUBEADM_134: Files = {
  'etc/containerd/config.toml': `version = 3
root = '/var/lib/containerd'
state = '/run/containerd'

[grpc]
  address = '/run/containerd/containerd.sock'

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'

    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = 'registry.k8s.io/pause:3.10.1'

    [plugins.'io.containerd.cri.v1.images'.registry]
      config_path = '/etc/containerd/certs.d:/etc/docker/certs.d'

  [plugins.'io.containerd.cri.v1.runtime']
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'

      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
          runtime_type = 'io.containerd.runc.v2'

          [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
            BinaryName = ''
            SystemdCgroup = true
`,
  'var/lib/kubelet/config.yaml': KUBEADM_130['var/lib/kubelet/config.yaml']!.replace(
    'containerRuntimeEndpoint: ""',
    'containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock',
  ),
  'var/lib/kubelet/instance-config.yaml': 'containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock"\n',
  'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.10.1"\n',
  'etc/crictl.yaml': KUBEADM_130['etc/crictl.yaml']!,
};

// -----------------------------------------------------------------------------------------------

describe('a consistent kubeadm-style node', () => {
  it('Kubernetes 1.30 with containerd 1.7: none of these rules reports anything, the cis profile included', () => {
    expect(lint(KUBEADM_130, '1.30', '1.7', ['cis']).flatMap(show)).toEqual([]);
  });

  it('Kubernetes 1.34 with containerd 2.1: none of these rules reports anything, the cis profile included', () => {
    expect(lint(KUBEADM_134, '1.34', '2.1', ['cis']).flatMap(show)).toEqual([]);
  });

  it('the same 1.30 node on Kubernetes 1.35 leaves the removed flag to invalid-value (no second finding)', () => {
    const all = lintAll(KUBEADM_134, '1.35', '2.1');
    expect(all.filter((f) => f.rule === 'invalid-value').map((f) => `${pos(f)} ${f.message}`)).toEqual([
      'var/lib/kubelet/kubeadm-flags.env:1:23-1:50 --pod-infra-container-image was removed in Kubernetes 1.35; the kubelet refuses to start: failed to parse kubelet flag: unknown flag: --pod-infra-container-image',
    ]);
    expect(all.filter((f) => MINE.includes(f.rule)).flatMap(show)).toEqual([]);
  });
});

describe('rules whose files are absent are silent', () => {
  it('containerd alone, the kubelet alone, crictl with a runtime-endpoint alone: only single-file checks', () => {
    // containerd alone: only its own sandbox image (the release default 3.8 is not 1.30's 3.9).
    expect(rulesOf(lint({ 'etc/containerd/config.toml': V2(false) }, '1.30', '1.7'))).toEqual(['sandbox-image-mismatch warning']);
    expect(lint({ 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD }, '1.30', '1.7')).toEqual([]);
    expect(lint({ 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/crio/crio.sock\n' }, '1.34', '2.1')).toEqual([]);
  });

  it('a kubelet flags file without a config file says nothing about the cgroup driver or the endpoint', () => {
    const files = { 'etc/containerd/config.toml': V2(true) + '\n[grpc]\n  address = "/run/k8s.sock"\n', 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.1"\n' };
    expect(rulesOf(lint(files, '1.30', '1.7'))).toEqual(['sandbox-image-mismatch warning']);
  });

  it('a containerd whose CRI plugin is disabled is left to cri-plugin-disabled', () => {
    const files = { 'etc/containerd/config.toml': 'disabled_plugins = ["cri"]\n', 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD, 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/x.sock\n' };
    expect(lint(files, '1.30', '1.7')).toEqual([]);
  });
});

// -----------------------------------------------------------------------------------------------

describe('cgroup-driver-mismatch', () => {
  const lint = (files: Files, k: string, c: string) => lintAll(files, k, c).filter((f) => f.rule === 'cgroup-driver-mismatch');
  const cgroupfsRuntime = (k: string, c: string, v3 = c.startsWith('2')) =>
    lint({ 'etc/containerd/config.toml': v3 ? V3(false) : V2(false), 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD }, k, c).filter((f) => f.rule === 'cgroup-driver-mismatch');

  it('version logic: an error unless the kubelet takes the driver from containerd (Kubernetes ≥ 1.31 with the gate, containerd ≥ 2.0)', () => {
    const verdict = (k: string, c: string) => cgroupfsRuntime(k, c).map((f) => `${f.severity} ${f.fix?.safety}`);
    expect(verdict('1.30', '1.7')).toEqual(['error unsafe']);
    expect(verdict('1.31', '2.0')).toEqual(['info unsafe']);
    expect(verdict('1.34', '2.1')).toEqual(['info unsafe']);
    expect(verdict('1.34', '1.7')).toEqual(['error unsafe']);
    expect(verdict('1.30', '2.0')).toEqual(['error unsafe']);
    expect(verdict('1.28', '2.0')).toEqual(['error unsafe']); // gate alpha, off
  });

  it('says why the kubelet does not take the driver from the runtime', () => {
    expect(cgroupfsRuntime('1.30', '1.7')[0]!.message).toContain('the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31)');
    expect(cgroupfsRuntime('1.34', '1.7', false)[0]!.message).toContain('containerd 1.7 does not report its cgroup driver to the kubelet (CRI RuntimeConfig needs containerd 2.0)');
    const gateOff = lint({ 'etc/containerd/config.toml': V3(false), 'var/lib/kubelet/config.yaml': `${KUBELET_SYSTEMD}featureGates:\n  KubeletCgroupDriverFromCRI: false\n` }, '1.32', '2.0');
    expect(gateOff.map((f) => `${f.severity} ${f.message.split(';')[0]}`)).toEqual([
      'error containerd runs runc with cgroupfs (SystemdCgroup = false), but the kubelet uses systemd (cgroupDriver: systemd): the KubeletCgroupDriverFromCRI feature gate is disabled, so the kubelet does not take the driver from the runtime',
    ]);
    // Locked on from 1.34: disabling it is refused (invalid-value), the kubelet still takes the driver from containerd.
    const locked = lintAll({ 'etc/containerd/config.toml': V3(false), 'var/lib/kubelet/config.yaml': `${KUBELET_SYSTEMD}featureGates:\n  KubeletCgroupDriverFromCRI: false\n` }, '1.34', '2.1');
    expect(locked.filter((f) => f.rule === 'cgroup-driver-mismatch' || f.rule === 'invalid-value').map((f) => `${f.rule} ${f.severity}`)).toEqual(['cgroup-driver-mismatch info', 'invalid-value error']);
  });

  it('points at the containerd value with related at the kubelet value; the unsafe fix sets systemd where it is missing', () => {
    const [f, ...rest] = lint({ 'etc/containerd/config.toml': V2(true), 'var/lib/kubelet/config.yaml': KUBELET_CGROUPFS }, '1.30', '1.7');
    expect(rest).toEqual([]);
    expect(show(f!)).toEqual([
      'etc/containerd/config.toml:7:21-7:25 error cgroup-driver-mismatch [unsafe] containerd runs runc with systemd (SystemdCgroup = true), but the kubelet uses cgroupfs (cgroupDriver: cgroupfs): the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (SystemdCgroup = true, cgroupDriver: systemd)',
      "  related var/lib/kubelet/config.yaml:3:15-3:23 the kubelet's cgroupDriver: cgroupfs",
    ]);
    expect(fixed(f!)).toEqual({ 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD });

    // The kubelet's default (cgroupfs) against runc on systemd: related at the start of the config, cgroupDriver added.
    const [unset] = lint({ 'etc/containerd/config.toml': V2(true), 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n' }, '1.30', '1.7');
    expect(show(unset!)[0]).toContain('but the kubelet uses cgroupfs (cgroupDriver is not set; it defaults to cgroupfs)');
    expect(show(unset!)[1]).toBe('  related var/lib/kubelet/config.yaml:1:1-1:1 cgroupDriver is not set; it defaults to cgroupfs');
    expect(fixed(unset!)).toEqual({ 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n' });
    // runc on cgroupfs against the kubelet on systemd: only config.toml changes.
    const [runtimeSide] = lint({ 'etc/containerd/config.toml': V2(false), 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD }, '1.30', '1.7');
    expect(fixed(runtimeSide!)).toEqual({ 'etc/containerd/config.toml': V2(true) });
  });

  it('fixes the winning value: a --cgroup-driver flag, a drop-in', () => {
    const flag = lint(
      { 'etc/containerd/config.toml': V2(true), 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD, 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.1 --cgroup-driver cgroupfs"\n' },
      '1.30',
      '1.7',
    ).filter((f) => f.rule === 'cgroup-driver-mismatch');
    expect(flag.flatMap(show)).toEqual([
      'etc/containerd/config.toml:7:21-7:25 error cgroup-driver-mismatch [unsafe] containerd runs runc with systemd (SystemdCgroup = true), but the kubelet uses cgroupfs (--cgroup-driver=cgroupfs): the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (SystemdCgroup = true, cgroupDriver: systemd)',
      "  related var/lib/kubelet/kubeadm-flags.env:1:58-1:66 the kubelet's --cgroup-driver=cgroupfs",
    ]);
    expect(fixed(flag[0]!)).toEqual({ 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.1 --cgroup-driver=systemd"\n' });

    const dropIn = lint(
      {
        'etc/containerd/config.toml': V3(true),
        'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--config-dir=/etc/kubernetes/kubelet.conf.d"\n',
        'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD,
        'etc/kubernetes/kubelet.conf.d/50-pool.conf': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs  # pool default\n',
      },
      '1.34',
      '2.1',
    );
    expect(dropIn.flatMap(show)).toEqual([
      "etc/containerd/config.toml:4:19-4:23 info cgroup-driver-mismatch [safe] the kubelet's cgroup driver (cgroupDriver: cgroupfs) is ignored: Kubernetes 1.34 takes it from containerd 2.1 (CRI RuntimeConfig, KubeletCgroupDriverFromCRI), and containerd runs runc with systemd (SystemdCgroup = true); set the kubelet's cgroupDriver to systemd so the files say what the node does",
      "  related etc/kubernetes/kubelet.conf.d/50-pool.conf:3:15-3:23 the kubelet's cgroupDriver: cgroupfs",
    ]);
    expect(fixed(dropIn[0]!)).toEqual({
      'etc/kubernetes/kubelet.conf.d/50-pool.conf': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd  # pool default\n',
    });
  });

  it('where SystemdCgroup is missing: the options table, the runtime table, or the CRI table for the built-in runtime', () => {
    const noOptions = lint(
      { 'etc/containerd/config.toml': 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n', 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD },
      '1.30',
      '1.7',
    );
    expect(noOptions.map(pos)).toEqual(['etc/containerd/config.toml:3:1-3:63']);
    expect(fixed(noOptions[0]!)['etc/containerd/config.toml']).toBe(
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n',
    );

    const builtIn = lint({ 'etc/containerd/config.toml': 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  enable_cdi = true\n', 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD }, '1.30', '1.7');
    expect(builtIn.flatMap(show)[0]).toBe(
      'etc/containerd/config.toml:3:1-3:38 error cgroup-driver-mismatch [unsafe] containerd runs its built-in runc runtime with cgroupfs (no runtime "runc" is configured; SystemdCgroup is not set; it defaults to false), but the kubelet uses systemd (cgroupDriver: systemd): the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (SystemdCgroup = true, cgroupDriver: systemd)',
    );
    expect(fixed(builtIn[0]!)['etc/containerd/config.toml']).toBe(
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  enable_cdi = true\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n',
    );
  });

  it('a second runc runtime that disagrees is its own finding; non-runc shims are not compared', () => {
    const config = `${V2(false)}
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]
  runtime_type = "io.containerd.kata.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun.options]
  BinaryName = "/usr/bin/crun"
  SystemdCgroup = true
`;
    const list = lint({ 'etc/containerd/config.toml': config, 'var/lib/kubelet/config.yaml': KUBELET_CGROUPFS }, '1.30', '1.7');
    expect(list.flatMap(show)).toEqual([
      'etc/containerd/config.toml:14:19-14:23 error cgroup-driver-mismatch [unsafe] runtime "crun" runs runc with systemd (SystemdCgroup = true), but the kubelet uses cgroupfs (cgroupDriver: cgroupfs): pods that use this runtime (RuntimeClass handler "crun") get cgroups in the wrong place and fail to start; set SystemdCgroup = false',
      "  related var/lib/kubelet/config.yaml:3:15-3:23 the kubelet's cgroupDriver: cgroupfs",
    ]);
    expect(fixed(list[0]!)['etc/containerd/config.toml']).toBe(config.replace('SystemdCgroup = true', 'SystemdCgroup = false'));
  });

  it('the default runtime decides: the built-in runc on 2.x next to other runtimes; nothing when the CRI plugin cannot load', () => {
    const nvidiaOnly = 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]\n  BinaryName = "/usr/bin/nvidia-container-runtime"\n  SystemdCgroup = true\n';
    const onTwo = lint({ 'etc/containerd/config.toml': nvidiaOnly, 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD }, '1.34', '2.1');
    expect(onTwo.map((f) => `${pos(f)} ${f.severity} ${f.message.split(':')[0]}`)).toEqual([
      "etc/containerd/config.toml:1:1-1:1 info the kubelet's cgroup driver (cgroupDriver",
      'etc/containerd/config.toml:5:19-5:23 error runtime "nvidia" runs runc with systemd (SystemdCgroup = true), but the kubelet uses cgroupfs (taken from the built-in runc runtime)',
    ]);
    // containerd 1.7 replaces the built-in runtimes with the file's: "runc" is undefined and the CRI plugin fails (default-runtime-undefined).
    const nvidiaV2 = 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia.options]\n  SystemdCgroup = true\n';
    expect(lint({ 'etc/containerd/config.toml': nvidiaV2, 'var/lib/kubelet/config.yaml': KUBELET_CGROUPFS }, '1.30', '1.7')).toEqual([]);
    const undefinedDefault = `${V2(true)}\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "kata"\n`;
    expect(lint({ 'etc/containerd/config.toml': undefinedDefault, 'var/lib/kubelet/config.yaml': KUBELET_CGROUPFS }, '1.30', '1.7')).toEqual([]);
    // A non-runc default runtime: the runc runtimes still have to match the kubelet.
    const kataDefault = `${V2(true)}\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  default_runtime_name = "kata"\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]\n  runtime_type = "io.containerd.kata.v2"\n`;
    expect(lint({ 'etc/containerd/config.toml': kataDefault, 'var/lib/kubelet/config.yaml': KUBELET_CGROUPFS }, '1.30', '1.7').map(pos)).toEqual(['etc/containerd/config.toml:7:21-7:25']);
  });

  it('a directive above SystemdCgroup suppresses it', () => {
    const config = V2(false).replace('    SystemdCgroup = false', '    # crilint-disable-next-line cgroup-driver-mismatch -- migrating, OPS-1412\n    SystemdCgroup = false');
    const all = lintAll({ 'etc/containerd/config.toml': config, 'var/lib/kubelet/config.yaml': KUBELET_SYSTEMD }, '1.30', '1.7');
    expect(all.filter((f) => f.rule === 'cgroup-driver-mismatch' || f.rule === 'unused-suppression')).toEqual([]);
  });
});

// -----------------------------------------------------------------------------------------------

describe('CRI endpoints', () => {
  it('normalises endpoints as the CRI client does on Linux', () => {
    const table: [string, string, string | null][] = [
      ['unix:///run/containerd/containerd.sock', '/run/containerd/containerd.sock', null],
      ['unix:///var/run/containerd/containerd.sock', '/run/containerd/containerd.sock', null],
      ['/run/containerd/containerd.sock', '/run/containerd/containerd.sock', null],
      ['/var/run/containerd/containerd.sock', '/run/containerd/containerd.sock', null],
      ['unix:/run/containerd/containerd.sock', '/run/containerd/containerd.sock', null],
      ['UNIX:///run//containerd/./containerd.sock', '/run/containerd/containerd.sock', null],
      ['unix:///var/run', '/run', null],
      ['unix://run/containerd/containerd.sock', '/containerd/containerd.sock', 'host'],
      ['run/containerd/containerd.sock', '/containerd/containerd.sock', 'host'],
      ['containerd.sock', '', 'no-path'],
      ['unix://', '', 'no-path'],
      ['unix:containerd.sock', '', 'no-path'],
      ['tcp://127.0.0.1:1234', '', 'unsupported'],
      ['npipe:////./pipe/containerd-containerd', '', 'unsupported'],
      ['', '', 'empty'],
    ];
    expect(table.map(([raw]) => [raw, parseEndpoint(raw).socket, parseEndpoint(raw).problem?.kind ?? null])).toEqual(table);
    expect(parseEndpoint('unix://run/containerd/containerd.sock').problem).toEqual({ kind: 'host', intended: '/run/containerd/containerd.sock' });
    expect(parseEndpoint('tcp://127.0.0.1:1234').problem).toEqual({ kind: 'unsupported', error: 'only support unix socket endpoint' });
    expect(parseEndpoint('npipe:////./pipe/x').problem).toEqual({ kind: 'unsupported', error: 'protocol "npipe" not supported' });
    expect(normalizeSocketPath('/var/run/')).toBe('/run');
    expect(normalizeSocketPath('/var/running/x.sock')).toBe('/var/running/x.sock');
    expect(sameSocket('unix:///var/run/containerd/containerd.sock', '/run/containerd/containerd.sock')).toBe(true);
    expect(sameSocket('unix://run/containerd/containerd.sock', '/containerd/containerd.sock')).toBe(false);
    expect(sameSocket('tcp://x:1', 'tcp://x:1')).toBe(false);
  });

  it('keeps the user style when rewriting an endpoint', () => {
    expect(endpointLike('/var/run/crio/crio.sock', '/run/containerd/containerd.sock')).toBe('/run/containerd/containerd.sock');
    expect(endpointLike('unix:///var/run/crio/crio.sock', '/run/containerd/containerd.sock')).toBe('unix:///run/containerd/containerd.sock');
    expect(endpointLike('unix://run/containerd/containerd.sock', '/run/containerd/containerd.sock')).toBe('unix:///run/containerd/containerd.sock');
    expect(endpointLike('run/containerd/containerd.sock', '/run/containerd/containerd.sock')).toBe('unix:///run/containerd/containerd.sock');
    expect(endpointLike('tcp://127.0.0.1:1', '/run/x.sock')).toBe('unix:///run/x.sock');
  });
});

describe('cri-socket-mismatch', () => {
  const lint = (files: Files, k: string, c: string, profiles: string[] = []) => lintAll(files, k, c, profiles).filter((f) => f.rule === 'cri-socket-mismatch' || f.rule === 'kubelet-flag-overrides-config');
  it('an error for the kubelet, a warning for crictl, with related at containerd\'s address and safe fixes', () => {
    const files: Files = {
      'etc/containerd/config.toml': 'version = 2\n\n[grpc]\n  address = "/run/containerd/containerd.sock"\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: /var/run/crio/crio.sock\n',
      'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/crio/crio.sock # images\n',
    };
    const list = lint(files, '1.30', '1.7');
    expect(list.flatMap(show)).toEqual([
      'etc/crictl.yaml:2:17-2:43 warning cri-socket-mismatch [safe] crictl dials /run/crio/crio.sock (image-endpoint unix:///run/crio/crio.sock), but containerd listens on /run/containerd/containerd.sock: `crictl images` and `crictl pull` fail to connect',
      '  related etc/containerd/config.toml:4:13-4:46 containerd listens on /run/containerd/containerd.sock',
      'var/lib/kubelet/config.yaml:3:27-3:50 error cri-socket-mismatch [safe] the kubelet dials /run/crio/crio.sock (containerRuntimeEndpoint /var/run/crio/crio.sock), but containerd listens on /run/containerd/containerd.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      '  related etc/containerd/config.toml:4:13-4:46 containerd listens on /run/containerd/containerd.sock',
    ]);
    expect(fixed(list[0]!)).toEqual({ 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock # images\n' });
    // A bare path stays a bare path.
    expect(fixed(list[1]!)).toEqual({ 'var/lib/kubelet/config.yaml': files['var/lib/kubelet/config.yaml']!.replace('/var/run/crio/crio.sock', '/run/containerd/containerd.sock') });
  });

  it('the flag wins over the config file; a wrong config value under a right flag is only kubelet-flag-overrides-config', () => {
    const files: Files = {
      'etc/containerd/config.toml': 'version = 2\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/crio/crio.sock\n',
      'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"\n',
    };
    expect(rulesOf(lint(files, '1.30', '1.7'))).toEqual(['kubelet-flag-overrides-config info']);
  });

  it('the v4 server plugin address, the kubelet default, and kubeadm\'s instance config', () => {
    const files: Files = {
      'etc/containerd/config.toml': 'version = 4\n\n[grpc]\n  address = "/run/ignored.sock"\n\n[plugins."io.containerd.server.v1.grpc"]\n  address = "/run/containerd/k8s.sock"\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n',
      'var/lib/kubelet/instance-config.yaml': 'containerRuntimeEndpoint: "unix:///run/containerd/k8s.sock"\n',
    };
    const list = lint(files, '1.36', '2.3');
    expect(list.flatMap(show)).toEqual([
      'var/lib/kubelet/config.yaml:1:1-1:1 error cri-socket-mismatch [safe] the kubelet dials /run/containerd/containerd.sock (containerRuntimeEndpoint is not set, so its default unix:///run/containerd/containerd.sock applies), but containerd listens on /run/containerd/k8s.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      '  related etc/containerd/config.toml:7:13-7:39 containerd listens on /run/containerd/k8s.sock',
    ]);
    expect(fixed(list[0]!)).toEqual({ 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/containerd/k8s.sock\n' });

    const inst = lint({ ...files, 'var/lib/kubelet/instance-config.yaml': "containerRuntimeEndpoint: 'unix://run/containerd/k8s.sock'\n", 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/containerd/k8s.sock\n' }, '1.36', '2.3');
    expect(inst.flatMap(show)).toEqual([
      `var/lib/kubelet/instance-config.yaml:1:27-1:59 warning cri-socket-mismatch [safe] containerRuntimeEndpoint unix://run/containerd/k8s.sock reads "run" as a host name, so kubeadm's criSocket (instance-config.yaml) names /containerd/k8s.sock, not /run/containerd/k8s.sock (write three slashes: unix:///…); containerd listens on /run/containerd/k8s.sock: kubeadm writes this endpoint into the kubelet configuration at the next \`kubeadm upgrade\` or \`join\`, and the kubelet then cannot reach the runtime`,
      '  related etc/containerd/config.toml:7:13-7:39 containerd listens on /run/containerd/k8s.sock',
    ]);
    expect(fixed(inst[0]!)).toEqual({ 'var/lib/kubelet/instance-config.yaml': "containerRuntimeEndpoint: 'unix:///run/containerd/k8s.sock'\n" });
  });

  it('without a grpc address: containerd\'s default socket, related at the start of config.toml', () => {
    const list = lint({ 'etc/containerd/config.toml': 'version = 2\n', 'etc/crictl.yaml': 'runtime-endpoint: tcp://localhost:3735\n' }, '1.34', '1.7');
    expect(list.flatMap(show)).toEqual([
      'etc/crictl.yaml:1:19-1:39 warning cri-socket-mismatch [safe] runtime-endpoint tcp://localhost:3735 is not a unix socket, the only kind of endpoint Linux CRI clients accept ("only support unix socket endpoint"); containerd listens on /run/containerd/containerd.sock, so write unix:///run/containerd/containerd.sock: `crictl ps` and friends fail to connect ("validate service connection: … connect: no such file or directory")',
      '  related etc/containerd/config.toml:1:1-1:1 containerd listens on its default socket /run/containerd/containerd.sock (no grpc address is set)',
    ]);
  });
});

// -----------------------------------------------------------------------------------------------

describe('sandbox-image-mismatch', () => {
  const lint = (files: Files, k: string, c: string) => lintAll(files, k, c).filter((f) => f.rule === 'sandbox-image-mismatch');
  it('splits image references into name, tag and digest', () => {
    expect(splitImage('registry.k8s.io/pause:3.9')).toEqual({ name: 'registry.k8s.io/pause', tag: '3.9', digest: null });
    expect(splitImage('mirror:5000/k8s/pause')).toEqual({ name: 'mirror:5000/k8s/pause', tag: 'latest', digest: null });
    expect(splitImage('pause@sha256:abc')).toEqual({ name: 'pause', tag: null, digest: 'sha256:abc' });
    expect(splitImage('pause:3.9@sha256:abc')).toEqual({ name: 'pause', tag: '3.9', digest: 'sha256:abc' });
  });

  it('compares only the tag with kubeadm\'s pause, across releases and config versions', () => {
    const v2 = (img: string) => `version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "${img}"\n`;
    const tagOf = (img: string, k: string, c: string) => lint({ 'etc/containerd/config.toml': v2(img) }, k, c).map((f) => f.message.slice(0, 80));
    expect(tagOf('private.example.com/pause:3.9', '1.30', '1.7')).toEqual([]);
    expect(tagOf('registry.k8s.io/pause:3.9', '1.31', '1.7')).toEqual(["containerd's sandbox image is registry.k8s.io/pause:3.9, but kubeadm for Kuberne"]);
    expect(tagOf('registry.k8s.io/pause@sha256:0123', '1.34', '2.1')).toEqual([]);
    // Unset: the release default, reported at the CRI table with the containerd version in the message.
    const unset = lint({ 'etc/containerd/config.toml': 'version = 3\n\n[plugins."io.containerd.cri.v1.images"]\n  snapshotter = "overlayfs"\n' }, '1.36', '2.2');
    expect(unset.flatMap(show)).toEqual([
      'etc/containerd/config.toml:3:1-3:40 warning sandbox-image-mismatch [safe] containerd 2.2 uses its default sandbox image registry.k8s.io/pause:3.10.1 (pinned_images.sandbox is not set), but kubeadm for Kubernetes 1.36 expects pause:3.10.2: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, and the node pulls and keeps both; use registry.k8s.io/pause:3.10.2',
    ]);
    expect(fixed(unset[0]!)).toEqual({
      'etc/containerd/config.toml': 'version = 3\n\n[plugins."io.containerd.cri.v1.images"]\n  snapshotter = "overlayfs"\n\n[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.10.2"\n',
    });
    expect(lint({ 'etc/containerd/config.toml': 'version = 3\n' }, '1.35', '2.2')).toEqual([]); // 2.2's default is 1.35's pause
  });

  it('a config version the target does not read: silent when containerd refuses it, no fix where it reads it with version 2 rules', () => {
    const v3 = { 'etc/containerd/config.toml': 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd]\n  default_runtime_name = "runc"\n' };
    // 1.7.17+ refuses version 3 and does not start (config-version-unsupported says so).
    expect(lint(v3, '1.36', '1.7')).toEqual([]);
    // 1.6.20 does not check the version: it starts with the CRI defaults, so its default pause is real, but a
    // pinned_images key would be ignored there too: no fix.
    expect(lint(v3, '1.36', '1.6.20').flatMap(show)).toEqual([
      'etc/containerd/config.toml:1:1-1:1 warning sandbox-image-mismatch [-] containerd 1.6.20 uses its default sandbox image registry.k8s.io/pause:3.6 (sandbox_image is not set), but kubeadm for Kubernetes 1.36 expects pause:3.10.2: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, and the node pulls and keeps both; use registry.k8s.io/pause:3.10.2',
    ]);
  });

  it('keeps the registry and the quoting when fixing the tag', () => {
    const [f] = lint({ 'etc/containerd/config.toml': "version = 2\n[plugins.'io.containerd.grpc.v1.cri']\n  sandbox_image = 'mirror:5000/pause:3.6' # air-gapped\n" }, '1.30', '1.7');
    expect(fixed(f!)).toEqual({ 'etc/containerd/config.toml': "version = 2\n[plugins.'io.containerd.grpc.v1.cri']\n  sandbox_image = 'mirror:5000/pause:3.9' # air-gapped\n" });
  });

  it('--pod-infra-container-image: compared while it has an effect (≤ 1.30), ignored from 1.31, invalid-value\'s from 1.35', () => {
    const files = (flag: string): Files => ({
      'etc/containerd/config.toml': 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n',
      'var/lib/kubelet/kubeadm-flags.env': `KUBELET_KUBEADM_ARGS="--pod-infra-container-image=${flag}"\n`,
    });
    const at130 = lint(files('registry.k8s.io/pause:3.8'), '1.30', '1.7');
    expect(at130.flatMap(show)).toEqual([
      "var/lib/kubelet/kubeadm-flags.env:1:51-1:76 warning sandbox-image-mismatch [safe] --pod-infra-container-image is registry.k8s.io/pause:3.8, but containerd runs pod sandboxes with registry.k8s.io/pause:3.9: the flag only tells the kubelet's image garbage collector which pause image to keep, so it spares an image no pod uses while containerd's can be removed and pulled again; set it to registry.k8s.io/pause:3.9",
      "  related etc/containerd/config.toml:4:19-4:46 containerd's sandbox image registry.k8s.io/pause:3.9",
    ]);
    expect(fixed(at130[0]!)).toEqual({ 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.9"\n' });
    expect(lint(files('registry.k8s.io/pause:3.8'), '1.31', '1.7').map((f) => f.rule)).toEqual(['sandbox-image-mismatch']); // containerd's own tag only
    expect(lint(files('registry.k8s.io/pause:3.8'), '1.31', '1.7')[0]!.file!.display).toBe('etc/containerd/config.toml');
    const at135 = lintAll(files('registry.k8s.io/pause:3.8'), '1.35', '2.1');
    expect(at135.filter((f) => f.file?.display === 'var/lib/kubelet/kubeadm-flags.env').map((f) => f.rule)).toEqual(['invalid-value']);
  });
});

// -----------------------------------------------------------------------------------------------

describe('crictl-endpoint-unset', () => {
  it('names the default endpoints of the crictl that goes with the target', () => {
    const msg = (k: string) => lint({ 'etc/crictl.yaml': 'timeout: 10\n' }, k, '1.7')[0]!.message;
    expect(msg('1.29')).toContain('[unix:///var/run/dockershim.sock unix:///run/containerd/containerd.sock unix:///run/crio/crio.sock unix:///var/run/cri-dockerd.sock]');
    expect(msg('1.30')).toContain('[unix:///run/containerd/containerd.sock unix:///run/crio/crio.sock unix:///var/run/cri-dockerd.sock]');
  });

  it('fixes: a new key after the others, an empty value, an empty file', () => {
    const [added] = lint({ 'etc/crictl.yaml': 'timeout: 10 # seconds\n' }, '1.34', '2.1');
    expect(show(added!)[0]).toMatch(/^etc\/crictl\.yaml:1:1-1:1 warning crictl-endpoint-unset \[safe\] runtime-endpoint is not set: /);
    expect(fixed(added!)).toEqual({ 'etc/crictl.yaml': 'timeout: 10 # seconds\nruntime-endpoint: unix:///run/containerd/containerd.sock\n' });
    const [empty] = lint({ 'etc/crictl.yaml': "runtime-endpoint: ''\n" }, '1.34', '2.1');
    expect(pos(empty!)).toBe('etc/crictl.yaml:1:19-1:21');
    expect(fixed(empty!)).toEqual({ 'etc/crictl.yaml': "runtime-endpoint: 'unix:///run/containerd/containerd.sock'\n" });
    const [none] = lint({ 'etc/crictl.yaml': '' }, '1.34', '2.1');
    expect(fixed(none!)).toEqual({ 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' });
  });

  it('leaves values of the wrong kind to invalid-value, and can be suppressed for the file', () => {
    expect(lint({ 'etc/crictl.yaml': 'runtime-endpoint: [a, b]\n' }, '1.34', '2.1')).toEqual([]);
    const all = lintAll({ 'etc/crictl.yaml': '# crilint-disable-file crictl-endpoint-unset -- shared by CRI-O nodes\ntimeout: 10\n' }, '1.34', '2.1');
    expect(all.filter((f) => f.rule === 'crictl-endpoint-unset' || f.rule === 'unused-suppression')).toEqual([]);
  });
});

// -----------------------------------------------------------------------------------------------

describe('kubelet-flag-overrides-config', () => {
  const lint = (files: Files, k: string, c: string, profiles: string[] = []) => lintAll(files, k, c, profiles).filter((f) => f.rule === 'kubelet-flag-overrides-config' || f.rule === 'kubelet-flag-overrides-config');
  it('compares values as the kubelet parses them', () => {
    const run = (flags: string, config: string) =>
      lint({ 'var/lib/kubelet/kubeadm-flags.env': `KUBELET_KUBEADM_ARGS="${flags}"\n`, 'var/lib/kubelet/config.yaml': `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n${config}` }, '1.34', '2.1').map(
        (f) => `${pos(f)} ${f.related.map(pos).join(',')}`,
      );
    expect(run('--node-status-update-frequency=1m', 'nodeStatusUpdateFrequency: 60s\n')).toEqual([]);
    expect(run('--fail-swap-on', 'failSwapOn: true\n')).toEqual([]);
    expect(run('--max-pods=0x10', 'maxPods: 16\n')).toEqual([]);
    expect(run('--eviction-hard=nodefs.available<10%,memory.available<100Mi', 'evictionHard:\n  memory.available: 100Mi\n  nodefs.available: "10%"\n')).toEqual([]);
    expect(run('--container-runtime-endpoint=/var/run/containerd/containerd.sock', 'containerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n')).toEqual([]);
    expect(run('--cluster-dns=10.96.0.10', 'clusterDNS: [10.96.0.10]\n')).toEqual([]);
    expect(run('--cluster-dns=10.96.0.11', 'clusterDNS: [10.96.0.10]\n')).toEqual(['var/lib/kubelet/kubeadm-flags.env:1:23-1:47 var/lib/kubelet/config.yaml:3:13-3:25']);
    expect(run('--fail-swap-on=false', 'failSwapOn: yes\n')).toEqual(['var/lib/kubelet/kubeadm-flags.env:1:23-1:43 var/lib/kubelet/config.yaml:3:13-3:16']);
    // An empty string of a defaulted field counts as unset.
    expect(run('--cgroup-driver=cgroupfs', 'cgroupDriver: ""\n')).toEqual([]);
  });

  it('reports only the feature gates set both ways, at the gate', () => {
    const list = lint(
      {
        'etc/default/kubelet': 'KUBELET_EXTRA_ARGS="--feature-gates=KubeletPSI=false,UserNamespacesSupport=true"\n',
        'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  UserNamespacesSupport: true\n  KubeletPSI: true\n',
      },
      '1.34',
      '2.1',
    );
    expect(list.flatMap(show)).toEqual([
      "etc/default/kubelet:1:21-1:80 info kubelet-flag-overrides-config [-] --feature-gates=KubeletPSI=false,UserNamespacesSupport=true overrides KubeletPSI: true in featureGates (var/lib/kubelet/config.yaml:5): the kubelet merges the flag's gates over the file's, so the file's value of this gate is ignored; keep each gate in one place",
      '  related var/lib/kubelet/config.yaml:5:15-5:19 featureGates.KubeletPSI, overridden by --feature-gates',
    ]);
  });

  it('skips fields the target kubelet does not know', () => {
    const files = { 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/x.sock"\n', 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncontainerRuntimeEndpoint: unix:///run/y.sock\n' };
    expect(rulesOf(lint(files, '1.26', '1.7'))).toEqual([]);
    expect(rulesOf(lint(files, '1.27', '1.7'))).toEqual(['kubelet-flag-overrides-config info']);
  });
});

// -----------------------------------------------------------------------------------------------

describe('kubelet-swap-config', () => {
  const config = (body: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n${body}`;

  it('follows the NodeSwap stages and leaves values the kubelet rejects to invalid-value', () => {
    const rules = (body: string, k: string) => lintAll({ 'var/lib/kubelet/config.yaml': config(body) }, k, '1.7').filter((f) => f.rule === 'kubelet-swap-config' || f.rule === 'invalid-value').map((f) => f.rule);
    const limited = 'memorySwap:\n  swapBehavior: LimitedSwap\n';
    expect(rules(limited, '1.28')).toEqual(['invalid-value']); // NodeSwap beta, off
    expect(rules(`${limited}featureGates:\n  NodeSwap: true\n`, '1.28')).toEqual(['kubelet-swap-config']);
    expect(rules(limited, '1.30')).toEqual(['kubelet-swap-config']);
    expect(rules('memorySwap:\n  swapBehavior: UnlimitedSwap\n', '1.30')).toEqual(['invalid-value']);
    expect(rules('memorySwap:\n  swapBehavior: NoSwap\n', '1.34')).toEqual([]);
    expect(rules(`failSwapOn: false\n${limited}`, '1.34')).toEqual([]);
  });

  it('fixes the winning failSwapOn: the config value, the flag, or a new key next to memorySwap', () => {
    const [inConfig] = lint({ 'var/lib/kubelet/config.yaml': config('failSwapOn: true\nmemorySwap:\n  swapBehavior: LimitedSwap\n') }, '1.34', '2.1');
    expect(show(inConfig!)).toEqual([
      'var/lib/kubelet/config.yaml:5:17-5:28 warning kubelet-swap-config [safe] memorySwap.swapBehavior: LimitedSwap lets pods use swap, but failSwapOn is true: on a node with swap the kubelet refuses to start ("running with swap on is not supported, please disable swap! or set --fail-swap-on flag to false"), and on a node without swap the setting does nothing; set failSwapOn: false',
      '  related var/lib/kubelet/config.yaml:3:13-3:17 failSwapOn: true',
    ]);
    expect(fixed(inConfig!)).toEqual({ 'var/lib/kubelet/config.yaml': config('failSwapOn: false\nmemorySwap:\n  swapBehavior: LimitedSwap\n') });
    const [byFlag] = lint({ 'var/lib/kubelet/config.yaml': config('memorySwap:\n  swapBehavior: LimitedSwap\n'), 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--fail-swap-on=true"\n' }, '1.34', '2.1').filter((f) => f.rule === 'kubelet-swap-config');
    expect(fixed(byFlag!)).toEqual({ 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--fail-swap-on=false"\n' });
  });
});

// -----------------------------------------------------------------------------------------------

describe('cis-kubelet', () => {
  const lint = (files: Files, k: string, c: string, profiles: string[] = []) => lintAll(files, k, c, profiles).filter((f) => f.rule === 'cis-kubelet');
  it('is off unless the cis profile is enabled', () => {
    const files = { 'etc/default/kubelet': 'KUBELET_EXTRA_ARGS="--anonymous-auth=true"\n' };
    expect(lint(files, '1.34', '2.1')).toEqual([]);
    expect(rulesOf(lint(files, '1.34', '2.1', ['cis']))).toEqual(['cis-kubelet warning', 'cis-kubelet warning', 'cis-kubelet warning', 'cis-kubelet warning']);
  });

  it('uses the legacy command-line defaults only without a config file', () => {
    const flagsOnly = lint({ 'etc/default/kubelet': 'KUBELET_EXTRA_ARGS="--kubeconfig=/etc/kubernetes/kubelet.conf"\n' }, '1.34', '2.1', ['cis']);
    expect(flagsOnly.map((f) => f.message.slice(0, 12))).toEqual(['CIS 4.2.1 (c', 'CIS 4.2.2 (c', 'CIS 4.2.3 (c', 'CIS 4.2.4 (c']);
    const withConfig = lint({ 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n' }, '1.34', '2.1', ['cis']);
    expect(withConfig.flatMap(show)).toEqual([
      "var/lib/kubelet/config.yaml:1:1-1:1 warning cis-kubelet [-] CIS 4.2.3 (cis-1.12): authentication.x509.clientCAFile is not set: the kubelet cannot authenticate client certificates, such as the API server's; set it to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt)",
    ]);
  });

  it('maps Kubernetes minors to benchmarks, their check IDs and cipher lists', () => {
    const v = (s: string) => parseVersion(s)!;
    expect(['1.24', '1.25', '1.28', '1.31', '1.32', '1.34', '1.36'].map((k) => `${k} ${cisBenchmark(v(k)).name}${cisBenchmark(v(k)).newest ? '+' : ''} ${cisBenchmark(v(k)).ids.ciphers}`)).toEqual([
      '1.24 cis-1.24 4.2.13',
      '1.25 cis-1.7 4.2.12',
      '1.28 cis-1.10 4.2.12',
      '1.31 cis-1.11 4.2.12',
      '1.32 cis-1.12 4.2.12',
      '1.34 cis-1.12 4.2.12',
      '1.36 cis-1.12+ 4.2.12',
    ]);
    expect(cipherAccepted(cisBenchmark(v('1.31')), 'TLS_RSA_WITH_AES_128_GCM_SHA256')).toBe(true);
    expect(cipherAccepted(cisBenchmark(v('1.32')), 'TLS_RSA_WITH_AES_128_GCM_SHA256')).toBe(false);
    expect(cipherAccepted(cisBenchmark(v('1.32')), 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256')).toBe(true);
    expect(cipherAccepted(cisBenchmark(v('1.32')), 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA')).toBe(false);
  });

  it('points at each weak suite, in the config list or inside the flag value', () => {
    const inConfig = lint(
      { 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  x509:\n    clientCAFile: /ca.crt\ntlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_GCM_SHA384]\n' },
      '1.24',
      '1.6',
      ['cis'],
    );
    expect(inConfig).toEqual([]); // cis-1.24 still allows the TLS_RSA GCM suites
    const flag = lint(
      { 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  x509:\n    clientCAFile: /ca.crt\n', 'etc/default/kubelet': 'KUBELET_EXTRA_ARGS="--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_GCM_SHA384"\n' },
      '1.33',
      '2.1',
      ['cis'],
    );
    expect(flag.map((f) => `${pos(f)} ${f.message.split(',')[0]}`)).toEqual([
      'etc/default/kubelet:1:79-1:110 CIS 4.2.12 (cis-1.12): the kubelet offers the cipher suite TLS_RSA_WITH_AES_256_GCM_SHA384',
    ]);
  });
});

// -----------------------------------------------------------------------------------------------

describe('real configuration files (../shared/corpus)', () => {
  const CORPUS = join(import.meta.dirname, '../../shared/corpus');
  const real = (dir: string) =>
    readdirSync(join(CORPUS, dir))
      .filter((n) => !/TEMPLATE|\.tmpl$|\.j2$|\.md$/.test(n))
      .map((n) => [n, readFileSync(join(CORPUS, dir, n), 'utf8')] as const);
  const containerd = real('containerd');
  const kubelet = real('kubelet').filter(([n]) => !n.includes('drop-in') && !n.includes('instance-config'));
  const crictl = real('other/crictl');

  it(`lints every real containerd file (${containerd.length}) with a real kubelet config and crictl.yaml at several targets: no crash, every finding in its file`, () => {
    let n = 0;
    for (const [name, text] of containerd) {
      const [kName, kText] = kubelet[n % kubelet.length]!;
      const [cName, cText] = crictl[n % crictl.length]!;
      n++;
      for (const [k, c] of [['1.30', '1.7'], ['1.34', '2.1'], ['1.36', '2.3']] as const) {
        const files = { 'etc/containerd/config.toml': text, 'var/lib/kubelet/config.yaml': kText, 'etc/crictl.yaml': cText };
        const list = lint(files, k, c, ['cis']);
        for (const f of list) {
          const where = `${name} + ${kName} + ${cName} @ ${k}/${c}: ${f.rule} ${f.message}`;
          expect(f.file, where).not.toBeNull();
          expect(f.range!.end.offset, where).toBeLessThanOrEqual(f.file!.text.length);
          expect(f.range!.start.offset, where).toBeLessThanOrEqual(f.range!.end.offset);
          for (const ch of f.fix?.changes ?? []) expect(() => applyEdits(ch.file!.text, ch.edits), where).not.toThrow();
        }
      }
    }
    expect(n).toBe(containerd.length);
  });
});
