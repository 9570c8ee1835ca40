/**
 * The kubelet's command line from kubelet.service: when a node root has the unit, its ExecStart=
 * (after the drop-ins, `$VAR` words expanded from Environment= and EnvironmentFile=) is what the
 * kubelet runs with, so a non-kubeadm layout (kubespray's kubelet.env and --config path) is read as
 * it is, and kubeadm's packaged unit gives what crilint assumed without it. Findings and fixes point
 * at the flag where it is written.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { discover } from '../src/discover/index.js';
import { lintRoot } from '../src/engine/docs.js';
import { loadNodeSet } from '../src/model/load.js';
import { kubeletSetting, type KubeletModel } from '../src/model/kubelet.js';
import { fixed, pos, show } from './helpers/findings.js';
import { tempRoots, type Files } from './helpers/roots.js';

const root = tempRoots('crilint-kunit-');

function kubelet(files: Files): KubeletModel {
  const { node, ioErrors } = loadNodeSet(discover([], [root(files)]).specs[0]!);
  expect(ioErrors).toEqual([]);
  return node.kubelet!;
}

function lint(files: Files, k: string, rules: string[]): Finding[] {
  return lintRoot(root(files), { kubernetes: parseVersion(k)!, containerd: parseVersion('2.1')! }).findings.filter((f) => rules.includes(f.rule));
}

const KUBELET = (extra: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n${extra}`;
const CONTAINERD = 'version = 3\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\nSystemdCgroup = true\n';

/** kubeadm's packaged layout: the kubelet package's unit and kubeadm's drop-in (kubernetes/release, kubelet-integration.md). */
const KUBEADM_UNIT = '[Unit]\nDescription=kubelet: The Kubernetes Node Agent\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\n';
const KUBEADM_DROPIN =
  '[Service]\n' +
  'Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"\n' +
  'Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"\n' +
  'EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n' +
  'EnvironmentFile=-/etc/default/kubelet\n' +
  'ExecStart=\n' +
  'ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n';

describe('kubelet.service', () => {
  it("kubeadm's packaged unit: the command line crilint assumed without it, plus the drop-in's Environment= flags", () => {
    const m = kubelet({
      'usr/lib/systemd/system/kubelet.service': KUBEADM_UNIT,
      'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf': KUBEADM_DROPIN,
      'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock"\n',
      'etc/default/kubelet': 'KUBELET_EXTRA_ARGS=--node-ip=10.0.0.5\n',
      'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\n'),
    });
    expect(m.flags!.args.flags.map((f) => `${f.name}=${f.value} ${pos({ file: f.file, range: f.range })}`)).toEqual([
      'bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf:2:38-2:99',
      'kubeconfig=/etc/kubernetes/kubelet.conf usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf:2:100-2:141',
      'config=/var/lib/kubelet/config.yaml usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf:3:34-3:71',
      'container-runtime-endpoint=unix:///run/containerd/containerd.sock var/lib/kubelet/kubeadm-flags.env:1:23-1:90',
      'node-ip=10.0.0.5 etc/default/kubelet:1:20-1:38',
    ]);
    expect(m.configPath).toBe('/var/lib/kubelet/config.yaml');
    expect(m.files.map((f) => f.display).sort()).toEqual([
      'etc/default/kubelet',
      'usr/lib/systemd/system/kubelet.service',
      'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf',
      'var/lib/kubelet/config.yaml',
      'var/lib/kubelet/kubeadm-flags.env',
    ]);
  });

  it("kubespray's layout: flags from /etc/kubernetes/kubelet.env, the config file its --config names; the cgroup driver is checked against that file", () => {
    const unit = '[Service]\nEnvironmentFile=-/etc/kubernetes/kubelet.env\nExecStart=/usr/local/bin/kubelet \\\n    $KUBE_LOGTOSTDERR \\\n    $KUBELET_ARGS \\\n    $KUBELET_CLOUDPROVIDER\n';
    const env = 'KUBE_LOGTOSTDERR="--logtostderr=true"\nKUBELET_ARGS="--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --config=/etc/kubernetes/kubelet-config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock"\nKUBELET_CLOUDPROVIDER=""\n';
    const files: Files = {
      'etc/systemd/system/kubelet.service': unit,
      'etc/kubernetes/kubelet.env': env,
      'etc/kubernetes/kubelet-config.yaml': KUBELET('cgroupDriver: cgroupfs\n'),
      'etc/containerd/config.toml': CONTAINERD,
    };
    const m = kubelet(files);
    expect([m.configPath, m.config?.file.display, kubeletSetting(m, 'cgroupDriver').value, kubeletSetting(m, 'containerRuntimeEndpoint').flag?.file.display]).toEqual([
      '/etc/kubernetes/kubelet-config.yaml',
      'etc/kubernetes/kubelet-config.yaml',
      'cgroupfs',
      'etc/kubernetes/kubelet.env',
    ]);
    const f = lint(files, '1.30', ['cgroup-driver-mismatch']);
    expect(f.map((x) => `${pos(x)} ${x.severity} ${x.related.map((r) => pos(r)).join()}`)).toEqual([
      'etc/containerd/config.toml:3:17-3:21 error etc/kubernetes/kubelet-config.yaml:3:15-3:23',
    ]);
    // Without the unit, crilint would look for kubeadm's /var/lib/kubelet/config.yaml and find no kubelet.
    const { 'etc/systemd/system/kubelet.service': _unit, ...withoutUnit } = files;
    const { node } = loadNodeSet(discover([], [root(withoutUnit)]).specs[0]!);
    expect(node.kubelet?.config ?? null).toBe(null);
  });

  it('a flag on ExecStart= of a drop-in: reported where it is written, and the fix rewrites it there', () => {
    const dropIn = '[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///run/crio/crio.sock\n';
    const files: Files = {
      'lib/systemd/system/kubelet.service': KUBEADM_UNIT,
      'etc/systemd/system/kubelet.service.d/20-flags.conf': dropIn,
      'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\n'),
      'etc/containerd/config.toml': CONTAINERD,
    };
    const f = lint(files, '1.34', ['cri-socket-mismatch']);
    expect(f.flatMap(show)[0]).toBe(
      'etc/systemd/system/kubelet.service.d/20-flags.conf:3:95-3:121 error cri-socket-mismatch [safe] the kubelet dials /run/crio/crio.sock (--container-runtime-endpoint unix:///run/crio/crio.sock), but containerd listens on /run/containerd/containerd.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
    );
    expect(fixed(f[0]!)).toEqual({ 'etc/systemd/system/kubelet.service.d/20-flags.conf': dropIn.replace('unix:///run/crio/crio.sock', 'unix:///run/containerd/containerd.sock') });
  });

  it('a unit without ExecStart= (a drop-in only resetting it) leaves the kubeadm files as the command line', () => {
    const m = kubelet({
      'lib/systemd/system/kubelet.service': '[Unit]\nDescription=kubelet\n',
      'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.9"\n',
      'var/lib/kubelet/config.yaml': KUBELET(''),
    });
    expect(m.flags!.args.flags.map((x) => `${x.name}=${x.value}`)).toEqual(['node-ip=10.0.0.9']);
  });

  it('with no config file and no environment file, a cis-kubelet finding about an unset flag points at the unit that runs the kubelet', () => {
    const unit = '[Service]\nExecStart=/usr/bin/kubelet --container-runtime-endpoint=unix:///run/containerd/containerd.sock\n';
    const f = lintRoot(root({ 'etc/systemd/system/kubelet.service': unit, 'etc/containerd/config.toml': CONTAINERD }), { kubernetes: parseVersion('1.34')!, containerd: parseVersion('2.1')! }, ['cis']).findings.filter((x) => x.rule === 'cis-kubelet');
    expect(f.length).toBeGreaterThan(0);
    expect([...new Set(f.filter((x) => !x.message.startsWith('--')).map((x) => pos(x)))]).toEqual(['etc/systemd/system/kubelet.service:1:1-1:1']);
  });
});
