/**
 * The kubelet/runtime cross-check rules on CRI-O nodes: cgroup-driver-mismatch (cgroup_manager,
 * with the RuntimeConfig version logic), cri-socket-mismatch ([crio.api] listen), sandbox-image-
 * mismatch (pause_image), crictl-endpoint-unset, and nodes with both containerd and CRI-O
 * configured (the kubelet dialling one of them is fine and only that one is checked; dialling
 * neither is an error). Each node is written to a temporary root and linted as `crilint lint
 * --root` does; findings are compared with exact ranges, related locations and fixed bytes.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { lintRoot } from '../src/engine/docs.js';
import { fixed, pos, show } from './helpers/findings.js';
import { tempRoots, type Files } from './helpers/roots.js';

const root = tempRoots('crilint-rcrio-');
const MINE = ['cgroup-driver-mismatch', 'cri-socket-mismatch', 'sandbox-image-mismatch', 'crictl-endpoint-unset', 'invalid-value', 'unknown-key'];

function lint(files: Files, k: string, c?: string): Finding[] {
  return lintRoot(root(files), { kubernetes: parseVersion(k)!, ...(c ? { containerd: parseVersion(c)! } : {}) }).findings.filter((f) => MINE.includes(f.rule));
}

const KUBELET = (extra: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n${extra}`;
const CRIO_EP = 'containerRuntimeEndpoint: unix:///var/run/crio/crio.sock\n';
const PACKAGED = '[crio.runtime]\ndefault_runtime = "crun"\n\n[crio.runtime.runtimes.crun]\nruntime_path = "/usr/libexec/crio/crun"\n';
const PAUSE = (tag: string) => `[crio.image]\npause_image = "registry.k8s.io/pause:${tag}"\n`;
/** A kubeadm-style CRI-O node for Kubernetes 1.34 (CRI-O 1.34's defaults: systemd, pause 3.10.1). */
const CLEAN: Files = {
  'etc/crio/crio.conf.d/10-crio.conf': PACKAGED,
  'var/lib/kubelet/config.yaml': KUBELET(`cgroupDriver: systemd\n${CRIO_EP}`),
  'etc/crictl.yaml': 'runtime-endpoint: unix:///var/run/crio/crio.sock\n',
};
const CGROUPFS = '[crio.runtime]\nconmon_cgroup = "pod"\ncgroup_manager = "cgroupfs"\n';

describe('a CRI-O node', () => {
  it('kubeadm-style and consistent: no findings on 1.34; on 1.36 only the default pause image kubeadm does not expect', () => {
    expect(lint(CLEAN, '1.34').flatMap(show)).toEqual([]);
    const f = lint({ ...CLEAN, 'var/lib/kubelet/config.yaml': KUBELET(`cgroupDriver: systemd\n${CRIO_EP}`) }, '1.36');
    expect(f.flatMap(show)).toEqual([
      'etc/crio/crio.conf.d/10-crio.conf:1:1-1:1 warning sandbox-image-mismatch [safe] CRI-O 1.36 uses its default pause image registry.k8s.io/pause:3.10.1 (pause_image is not set), but kubeadm for Kubernetes 1.36 expects pause:3.10.2: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, and the node pulls and keeps both; use registry.k8s.io/pause:3.10.2',
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/crio/crio.conf.d/10-crio.conf': `${PACKAGED}\n[crio.image]\npause_image = "registry.k8s.io/pause:3.10.2"\n` });
  });

  it('cgroup driver: an error while the kubelet does not ask CRI-O (1.30), with the unsafe fix to systemd on both sides', () => {
    const files = { ...CLEAN, 'etc/crio/crio.conf.d/02-cgroup-manager.conf': CGROUPFS, 'var/lib/kubelet/config.yaml': KUBELET(`cgroupDriver: systemd\n${CRIO_EP}`), 'etc/crio/crio.conf.d/90-pause.conf': PAUSE('3.9') };
    const f = lint(files, '1.30').filter((x) => x.rule === 'cgroup-driver-mismatch');
    expect(f.flatMap(show)).toEqual([
      'etc/crio/crio.conf.d/02-cgroup-manager.conf:3:18-3:28 error cgroup-driver-mismatch [unsafe] CRI-O runs with the cgroupfs cgroup manager (cgroup_manager = "cgroupfs"), but the kubelet uses systemd (cgroupDriver: systemd): the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (cgroup_manager = "systemd", cgroupDriver: systemd)',
      "  related var/lib/kubelet/config.yaml:3:15-3:22 the kubelet's cgroupDriver: systemd",
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/crio/crio.conf.d/02-cgroup-manager.conf': CGROUPFS.replace('"cgroupfs"', '"systemd"') });
  });

  it('cgroup driver from 1.31: the kubelet takes it from CRI-O (info); a kubelet left at cgroupfs gets the safe fix', () => {
    const f = lint({ ...CLEAN, 'var/lib/kubelet/config.yaml': KUBELET(CRIO_EP) }, '1.34').filter((x) => x.rule === 'cgroup-driver-mismatch');
    expect(f.flatMap(show)).toEqual([
      "etc/crio/crio.conf.d/10-crio.conf:1:1-1:15 info cgroup-driver-mismatch [safe] the kubelet's cgroup driver (cgroupDriver is not set; it defaults to cgroupfs) is ignored: Kubernetes 1.34 takes it from CRI-O 1.34 (CRI RuntimeConfig, KubeletCgroupDriverFromCRI), and CRI-O runs with the systemd cgroup manager (cgroup_manager is not set; it defaults to systemd); set the kubelet's cgroupDriver to systemd so the files say what the node does",
      '  related var/lib/kubelet/config.yaml:1:1-1:1 cgroupDriver is not set; it defaults to cgroupfs',
    ]);
    expect(fixed(f[0]!)).toEqual({ 'var/lib/kubelet/config.yaml': KUBELET(`${CRIO_EP}cgroupDriver: systemd\n`) });
    // The gate switched off: the kubelet uses its own driver again, and the mismatch breaks pods.
    const off = lint({ ...CLEAN, 'var/lib/kubelet/config.yaml': KUBELET(`${CRIO_EP}featureGates:\n  KubeletCgroupDriverFromCRI: false\n`) }, '1.33').filter((x) => x.rule === 'cgroup-driver-mismatch');
    expect(off.map((x) => `${x.severity} ${x.fix?.safety} ${x.message.split(':')[1]}`)).toEqual([
      'error unsafe  the KubeletCgroupDriverFromCRI feature gate is disabled, so the kubelet does not take the driver from the runtime; pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (cgroup_manager = "systemd", cgroupDriver',
    ]);
  });

  it('CRI socket: a kubelet left at its default (containerd) endpoint, crictl on the wrong socket, listen moved', () => {
    const f = lint({ ...CLEAN, 'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\n'), 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' }, '1.34');
    expect(f.flatMap(show)).toEqual([
      'etc/crictl.yaml:1:19-1:57 warning cri-socket-mismatch [safe] crictl dials /run/containerd/containerd.sock (runtime-endpoint unix:///run/containerd/containerd.sock), but CRI-O listens on /var/run/crio/crio.sock: `crictl ps` and friends fail to connect ("validate service connection: … connect: no such file or directory")',
      '  related etc/crio/crio.conf.d/10-crio.conf:1:1-1:1 CRI-O listens on its default socket /var/run/crio/crio.sock (no [crio.api] listen is set)',
      'var/lib/kubelet/config.yaml:1:1-1:1 error cri-socket-mismatch [safe] the kubelet dials /run/containerd/containerd.sock (containerRuntimeEndpoint is not set, so its default unix:///run/containerd/containerd.sock applies), but CRI-O listens on /var/run/crio/crio.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      '  related etc/crio/crio.conf.d/10-crio.conf:1:1-1:1 CRI-O listens on its default socket /var/run/crio/crio.sock (no [crio.api] listen is set)',
    ]);
    expect(fixed(f[1]!)).toEqual({ 'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///var/run/crio/crio.sock\n') });
    const moved = lint({ ...CLEAN, 'etc/crio/crio.conf.d/50-api.conf': '[crio.api]\nlisten = "/run/crio/alt.sock"\n' }, '1.34');
    expect(moved.map((x) => `${pos(x)} ${x.rule} ${x.related.map(pos).join(' ')}`)).toEqual([
      'etc/crictl.yaml:1:19-1:49 cri-socket-mismatch etc/crio/crio.conf.d/50-api.conf:2:10-2:30',
      'var/lib/kubelet/config.yaml:4:27-4:57 cri-socket-mismatch etc/crio/crio.conf.d/50-api.conf:2:10-2:30',
    ]);
  });

  it('listen written as an endpoint URL is invalid-value (CRI-O takes a path)', () => {
    const f = lint({ ...CLEAN, 'etc/crio/crio.conf.d/50-api.conf': '[crio.api]\nlisten = "unix:///var/run/crio/crio.sock"\n' }, '1.34');
    expect(f.flatMap(show)).toEqual([
      'etc/crio/crio.conf.d/50-api.conf:2:10-2:42 error invalid-value [-] listen = "unix:///var/run/crio/crio.sock" is not an absolute path: CRI-O creates its socket at the path as written (net.Listen("unix", …); it is not an endpoint URL), so the socket is not where the kubelet and crictl look; write "/var/run/crio/crio.sock"',
    ]);
  });

  it('pause image: a set tag kubeadm does not expect is fixed in place; --pod-infra-container-image is compared while it has an effect', () => {
    const files = { ...CLEAN, 'etc/crio/crio.conf.d/50-pause.conf': PAUSE('3.9'), 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.9"\n' };
    const f = lint(files, '1.30').filter((x) => x.rule === 'sandbox-image-mismatch');
    expect(f.flatMap(show)).toEqual([]);
    const g = lint({ ...files, 'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.8"\n' }, '1.30').filter((x) => x.rule === 'sandbox-image-mismatch');
    expect(g.flatMap(show)).toEqual([
      "var/lib/kubelet/kubeadm-flags.env:1:51-1:76 warning sandbox-image-mismatch [safe] --pod-infra-container-image is registry.k8s.io/pause:3.8, but CRI-O runs pod sandboxes with registry.k8s.io/pause:3.9: the flag only tells the kubelet's image garbage collector which pause image to keep, so it spares an image no pod uses while CRI-O's can be removed and pulled again; set it to registry.k8s.io/pause:3.9",
      "  related etc/crio/crio.conf.d/50-pause.conf:2:15-2:42 CRI-O's pause image registry.k8s.io/pause:3.9",
    ]);
    const h = lint(files, '1.34').filter((x) => x.rule === 'sandbox-image-mismatch');
    expect(h.map((x) => `${pos(x)} ${x.fix?.safety}`)).toEqual(['etc/crio/crio.conf.d/50-pause.conf:2:15-2:42 safe']);
    expect(fixed(h[0]!)).toEqual({ 'etc/crio/crio.conf.d/50-pause.conf': PAUSE('3.10.1') });
  });

  it('crictl.yaml without runtime-endpoint gets CRI-O\'s socket', () => {
    const f = lintRoot(root({ ...CLEAN, 'etc/crictl.yaml': 'timeout: 10\n' }), { kubernetes: parseVersion('1.34')! }).findings.filter((x) => x.rule === 'crictl-endpoint-unset');
    expect(fixed(f[0]!)).toEqual({ 'etc/crictl.yaml': 'timeout: 10\nruntime-endpoint: unix:///var/run/crio/crio.sock\n' });
  });
});

describe('a node with containerd and CRI-O configured', () => {
  const BOTH: Files = {
    ...CLEAN,
    // containerd runs runc with cgroupfs (SystemdCgroup unset) and the 2.1 default sandbox image.
    'etc/containerd/config.toml': 'version = 3\n',
  };

  it('the kubelet dials CRI-O: fine, and containerd is not held against the kubelet', () => {
    expect(lint(BOTH, '1.34', '2.1').flatMap(show)).toEqual([]);
  });

  it('the kubelet dials containerd: fine too, and containerd is checked (its cgroupfs runc and 1.7 sandbox image against the kubelet and kubeadm 1.30), CRI-O is not', () => {
    // containerd 1.7 refuses version 3 (and then no sandbox image is compared): a version 2 file here.
    const f = lint({ ...BOTH, 'etc/containerd/config.toml': 'version = 2\n', 'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n') }, '1.30', '1.7');
    expect(f.map((x) => `${x.rule} ${x.severity} ${pos(x)}`)).toEqual(['cgroup-driver-mismatch error etc/containerd/config.toml:1:1-1:1', 'sandbox-image-mismatch warning etc/containerd/config.toml:1:1-1:1']);
  });

  it('the kubelet dials neither: an error naming both sockets, without a fix', () => {
    const f = lint({ ...BOTH, 'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/cri-dockerd.sock\n'), 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' }, '1.34', '2.1');
    expect(f.flatMap(show)).toEqual([
      'var/lib/kubelet/config.yaml:4:27-4:55 error cri-socket-mismatch [-] the kubelet dials /run/cri-dockerd.sock (containerRuntimeEndpoint unix:///run/cri-dockerd.sock), but containerd listens on /run/containerd/containerd.sock and CRI-O on /var/run/crio/crio.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      '  related etc/containerd/config.toml:1:1-1:1 containerd listens on its default socket /run/containerd/containerd.sock (no grpc address is set)',
      '  related etc/crio/crio.conf.d/10-crio.conf:1:1-1:1 CRI-O listens on its default socket /var/run/crio/crio.sock (no [crio.api] listen is set)',
    ]);
  });
});

describe('--runtime', () => {
  const BOTH: Files = { ...CLEAN, 'etc/containerd/config.toml': 'version = 3\n' };
  const given = (k: string, runtime: 'containerd' | 'crio' | 'cri-dockerd') => ({ kubernetes: parseVersion(k)!, containerd: parseVersion('2.1')!, runtime });

  it('names the runtime: a kubelet on CRI-O while the node runs containerd is an error, with the fix to containerd\'s socket', () => {
    const f = lintRoot(root(BOTH), given('1.34', 'containerd')).findings.filter((x) => x.rule === 'cri-socket-mismatch');
    expect(f.map((x) => `${pos(x)} ${x.fix?.safety} ${x.message.slice(0, x.message.indexOf(': '))}`)).toEqual([
      'etc/crictl.yaml:1:19-1:49 safe crictl dials /run/crio/crio.sock (runtime-endpoint unix:///var/run/crio/crio.sock), but containerd listens on /run/containerd/containerd.sock',
      'var/lib/kubelet/config.yaml:4:27-4:57 safe the kubelet dials /run/crio/crio.sock (containerRuntimeEndpoint unix:///var/run/crio/crio.sock), but containerd listens on /run/containerd/containerd.sock',
    ]);
    // Detected from the files (no --runtime): the kubelet dials CRI-O, which is configured, so all is well.
    expect(lintRoot(root(BOTH), { kubernetes: parseVersion('1.34')!, containerd: parseVersion('2.1')! }).findings.filter((x) => x.rule === 'cri-socket-mismatch')).toEqual([]);
  });

  it('a runtime without its configuration in the node set is checked at its default socket', () => {
    const f = lintRoot(root({ 'var/lib/kubelet/config.yaml': KUBELET(`cgroupDriver: systemd\n${CRIO_EP}`) }), given('1.34', 'cri-dockerd')).findings.filter((x) => x.rule === 'cri-socket-mismatch');
    expect(f.flatMap(show)).toEqual([
      'var/lib/kubelet/config.yaml:4:27-4:57 error cri-socket-mismatch [safe] the kubelet dials /run/crio/crio.sock (containerRuntimeEndpoint unix:///var/run/crio/crio.sock), but cri-dockerd listens on /run/cri-dockerd.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      '  related - --runtime docker: cri-dockerd listens on its default socket /run/cri-dockerd.sock (none of its configuration is in this node set)',
    ]);
    expect(fixed(f[0]!)).toEqual({ 'var/lib/kubelet/config.yaml': KUBELET('cgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/cri-dockerd.sock\n') });
  });
});

describe("crio's command line (crio.service, /etc/sysconfig/crio)", () => {
  // The packaged unit: flags come from the $CRIO_*_OPTIONS variables of /etc/sysconfig/crio.
  const UNIT = '[Service]\nType=notify\nEnvironmentFile=-/etc/sysconfig/crio\nExecStart=/usr/bin/crio \\\n          $CRIO_CONFIG_OPTIONS \\\n          $CRIO_RUNTIME_OPTIONS \\\n          $CRIO_METRICS_OPTIONS\n';
  const SVC = 'usr/lib/systemd/system/crio.service';
  const CGROUPFS_KUBELET = KUBELET(`cgroupDriver: cgroupfs\n${CRIO_EP}`);

  it('--cgroup-manager wins over the files: no false alarm when it agrees with the kubelet, the error points at the flag when it does not', () => {
    const sysconfig = 'CRIO_RUNTIME_OPTIONS="--enable-metrics --cgroup-manager cgroupfs --conmon-cgroup=pod"\n';
    const node = { ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': sysconfig, 'var/lib/kubelet/config.yaml': CGROUPFS_KUBELET };
    // The files say systemd (the default), crio runs with cgroupfs, and so does the kubelet: consistent.
    expect(lint(node, '1.30').flatMap(show)).toEqual([]);
    const f = lint({ ...node, 'var/lib/kubelet/config.yaml': KUBELET(`cgroupDriver: systemd\n${CRIO_EP}`) }, '1.30').filter((x) => x.rule === 'cgroup-driver-mismatch');
    expect(f.flatMap(show)).toEqual([
      'etc/sysconfig/crio:1:57-1:65 error cgroup-driver-mismatch [unsafe] CRI-O runs with the cgroupfs cgroup manager (--cgroup-manager cgroupfs on crio\'s command line (crio.service)), but the kubelet uses systemd (cgroupDriver: systemd): the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (--cgroup-manager=systemd, cgroupDriver: systemd)',
      "  related var/lib/kubelet/config.yaml:3:15-3:22 the kubelet's cgroupDriver: systemd",
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/sysconfig/crio': sysconfig.replace('--cgroup-manager cgroupfs', '--cgroup-manager=systemd') });
  });

  it('a flag in a drop-in that replaces ExecStart=, Go flag syntax (-flag=value), and CONTAINER_* variables; the flag beats the variable', () => {
    const dropIn = '[Service]\nExecStart=\nExecStart=/usr/bin/crio -cgroup-manager=cgroupfs\n';
    const m = lintRoot(root({ ...CLEAN, [SVC]: UNIT, 'etc/systemd/system/crio.service.d/10-flags.conf': dropIn, 'etc/sysconfig/crio': 'CONTAINER_CGROUP_MANAGER=systemd\nCONTAINER_LISTEN=/run/crio/other.sock\n', 'var/lib/kubelet/config.yaml': CGROUPFS_KUBELET }), { kubernetes: parseVersion('1.30')! });
    const mine = m.findings.filter((x) => MINE.includes(x.rule)).flatMap(show);
    // cgroupfs from the drop-in's flag (over the variable's systemd) agrees with the kubelet; the socket moved by CONTAINER_LISTEN does not.
    expect(mine.filter((l) => l.includes('cgroup-driver-mismatch'))).toEqual([]);
    expect(mine.find((l) => l.startsWith('var/lib/kubelet/config.yaml') && l.includes('cri-socket-mismatch'))).toBe(
      'var/lib/kubelet/config.yaml:4:27-4:57 error cri-socket-mismatch [safe] the kubelet dials /run/crio/crio.sock (containerRuntimeEndpoint unix:///var/run/crio/crio.sock), but CRI-O listens on /run/crio/other.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
    );
    expect(mine).toContain('  related etc/sysconfig/crio:2:18-2:38 CRI-O listens on /run/crio/other.sock (CONTAINER_LISTEN=/run/crio/other.sock in the environment of crio.service)');
  });

  it('--pause-image: compared with kubeadm and fixed in place; an invalid --cgroup-manager and a relative --listen stop CRI-O', () => {
    const pause = 'CRIO_CONFIG_OPTIONS="--pause-image=registry.k8s.io/pause:3.9"\n';
    const p = lint({ ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': pause }, '1.34');
    expect(p.flatMap(show)).toEqual([
      "etc/sysconfig/crio:1:36-1:61 warning sandbox-image-mismatch [safe] CRI-O's pause image is registry.k8s.io/pause:3.9 (--pause-image=registry.k8s.io/pause:3.9 on crio's command line (crio.service)), but kubeadm for Kubernetes 1.34 expects pause:3.10.1: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, and the node pulls and keeps both; use registry.k8s.io/pause:3.10.1",
    ]);
    expect(fixed(p[0]!)).toEqual({ 'etc/sysconfig/crio': pause.replace('pause:3.9', 'pause:3.10.1') });
    const bad = 'CRIO_RUNTIME_OPTIONS="--cgroup-manager=cgroups --listen=crio.sock"\n';
    expect(lint({ ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': bad }, '1.34').flatMap(show)).toEqual([
      'etc/sysconfig/crio:1:40-1:47 error invalid-value [-] --cgroup-manager=cgroups on crio\'s command line (crio.service): CRI-O refuses to start ("invalid cgroup manager: cgroups"); use systemd or cgroupfs',
      'etc/sysconfig/crio:1:57-1:66 error invalid-value [-] --listen=crio.sock on crio\'s command line (crio.service) is not an absolute path: CRI-O creates its socket at the path as written (net.Listen("unix", …); it is not an endpoint URL), so the socket is not where the kubelet and crictl look; write an absolute path such as "/var/run/crio/crio.sock"',
    ]);
    // The conmon cgroup from the command line, against the manager of the files (systemd by default), and the related location of that manager.
    expect(lint({ ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': 'CRIO_RUNTIME_OPTIONS=--conmon-cgroup=conmon.scope\n', 'etc/crio/crio.conf.d/20-mgr.conf': '[crio.runtime]\ncgroup_manager = "systemd"\n' }, '1.34').flatMap(show)).toEqual([
      'etc/sysconfig/crio:1:38-1:50 error invalid-value [-] --conmon-cgroup=conmon.scope on crio\'s command line (crio.service) does not fit the systemd cgroup manager (cgroup_manager = "systemd"): CRI-O refuses to start ("conmon cgroup should be \'pod\' or a systemd slice"); use "pod" or a systemd slice such as "system.slice"',
      '  related etc/crio/crio.conf.d/20-mgr.conf:2:18-2:27 cgroup_manager = "systemd"',
    ]);
  });

  it('a flag crio does not define (or not in this release), and one left without its value, stop crio', () => {
    const sysconfig = 'CRIO_RUNTIME_OPTIONS="--cgroup_manager=cgroupfs --shared-cpuset=0-1"\nCRIO_METRICS_OPTIONS="--enable-metrics --metrics-port"\n';
    const f = lint({ ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': sysconfig }, '1.28');
    expect(f.flatMap(show)).toEqual([
      'etc/sysconfig/crio:1:23-1:39 error unknown-key [-] unknown flag --cgroup_manager on crio\'s command line (crio.service); did you mean --cgroup-manager? CRI-O 1.28 does not start ("flag provided but not defined: -cgroup_manager")',
      'etc/sysconfig/crio:1:49-1:64 error unknown-key [-] unknown flag --shared-cpuset on crio\'s command line (crio.service); it is a flag of CRI-O 1.29 and later; CRI-O 1.28 does not start ("flag provided but not defined: -shared-cpuset")',
      'etc/sysconfig/crio:2:40-2:54 error invalid-value [-] --metrics-port ends crio\'s command line (crio.service) without its value: CRI-O 1.28 does not start ("flag needs an argument: -metrics-port")',
    ]);
    // 1.29 has --shared-cpuset; a boolean flag (--enable-metrics) takes no value, so it does not swallow the next flag.
    expect(lint({ ...CLEAN, [SVC]: UNIT, 'etc/crio/crio.conf': '', 'etc/sysconfig/crio': 'CRIO_RUNTIME_OPTIONS="--shared-cpuset=0-1 --enable-metrics -c /etc/crio/crio.conf"\n' }, '1.29').flatMap(show)).toEqual([]);
  });

  it('Environment= of the unit and its drop-ins: its variables expand in ExecStart= and set CONTAINER_*; EnvironmentFile= overrides them; the fix keeps the quotes', () => {
    const dropIn = '[Service]\nEnvironment="CRIO_RUNTIME_OPTIONS=--cgroup-manager=cgroupfs" "CONTAINER_PAUSE_IMAGE=registry.k8s.io/pause:3.8"\n';
    const node = { ...CLEAN, [SVC]: UNIT, 'etc/systemd/system/crio.service.d/10-env.conf': dropIn, 'var/lib/kubelet/config.yaml': KUBELET(`cgroupDriver: systemd\n${CRIO_EP}`) };
    const f = lint(node, '1.30');
    expect(f.map((x) => `${pos(x)} ${x.rule} ${x.message.slice(0, x.message.indexOf(')') + 1)}`)).toEqual([
      'etc/systemd/system/crio.service.d/10-env.conf:2:52-2:60 cgroup-driver-mismatch CRI-O runs with the cgroupfs cgroup manager (--cgroup-manager=cgroupfs on crio\'s command line (crio.service)',
      "etc/systemd/system/crio.service.d/10-env.conf:2:85-2:110 sandbox-image-mismatch CRI-O's pause image is registry.k8s.io/pause:3.8 (CONTAINER_PAUSE_IMAGE=registry.k8s.io/pause:3.8 in the environment of crio.service)",
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/systemd/system/crio.service.d/10-env.conf': dropIn.replace('--cgroup-manager=cgroupfs', '--cgroup-manager=systemd') });
    expect(fixed(f[1]!)).toEqual({ 'etc/systemd/system/crio.service.d/10-env.conf': dropIn.replace('pause:3.8', 'pause:3.9') });
    // The environment file wins over Environment=: its options say systemd, so the kubelet agrees.
    expect(lint({ ...node, 'etc/sysconfig/crio': 'CRIO_RUNTIME_OPTIONS=--cgroup-manager=systemd\n' }, '1.30').filter((x) => x.rule === 'cgroup-driver-mismatch')).toEqual([]);
  });

  it('a --config file that is not there stops crio (a missing default crio.conf is skipped); a missing --config-dir is fine', () => {
    const f = lint({ ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': 'CRIO_CONFIG_OPTIONS="--config=/etc/crio/custom.conf --config-dir=/etc/crio/crio.conf.d"\n' }, '1.34');
    expect(f.flatMap(show)).toEqual([
      'etc/sysconfig/crio:1:31-1:52 error invalid-value [-] --config=/etc/crio/custom.conf names /etc/crio/custom.conf, which does not exist in this node root: CRI-O 1.34 does not start ("update config from file: … no such file or directory"; only a missing default crio.conf is skipped)',
    ]);
    expect(lint({ ...CLEAN, [SVC]: UNIT, 'etc/sysconfig/crio': 'CONTAINER_CONFIG_DIR=/opt/none\n' }, '1.34').flatMap(show)).toEqual([]);
  });
});
