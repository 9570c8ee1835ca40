/**
 * Docker Engine + cri-dockerd nodes: the model (daemon.json as strict JSON with positions; unit
 * files found as systemd finds them, drop-ins in name order, `ExecStart=` reset by an empty
 * assignment; cri-dockerd's socket from its flag, socket activation or its default; Docker's
 * cgroup driver from exec-opts), the rules on them (cgroup-driver-mismatch, cri-socket-mismatch,
 * sandbox-image-mismatch, docker-flag-conflict, invalid-value) with exact findings and fixed bytes,
 * and the corpus units of ../shared/corpus/other/docker in a node root.
 */
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { classifyFile, discover } from '../src/discover/index.js';
import { lintRoot } from '../src/engine/docs.js';
import { criDockerdCommand, criDockerdEndpoint, dockerCgroupDriver, dockerdCommand } from '../src/model/docker.js';
import { execStart, flagOf } from '../src/model/units.js';
import { loadNodeSet } from '../src/model/load.js';
import { CORPUS } from './helpers/cli.js';
import { fixed, pos, show } from './helpers/findings.js';
import { tempRoots, type Files } from './helpers/roots.js';

const root = tempRoots('crilint-docker-');
const RULES = ['syntax', 'cgroup-driver-mismatch', 'cri-socket-mismatch', 'sandbox-image-mismatch', 'docker-flag-conflict', 'invalid-value', 'crictl-endpoint-unset'];

function lint(files: Files, k: string): Finding[] {
  return lintRoot(root(files), { kubernetes: parseVersion(k)! }).findings.filter((f) => RULES.includes(f.rule));
}

function docker(files: Files) {
  const { node, ioErrors } = loadNodeSet(discover([], [root(files)]).specs[0]!);
  expect(ioErrors).toEqual([]);
  return node;
}

const SERVICE = '[Unit]\nDescription=CRI Interface for Docker Application Container Engine\n\n[Service]\nType=notify\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n';
const SOCKET = '[Socket]\nListenStream=%t/cri-dockerd.sock\nSocketMode=0660\n';
const DOCKERD = '[Service]\nExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n';
const KUBELET = (extra: string) => `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n${extra}`;
const EP = 'containerRuntimeEndpoint: unix:///var/run/cri-dockerd.sock\n';
/** A cri-dockerd node as the packages and kubeadm leave it, with Docker on systemd and the pause image kubeadm 1.34 expects. */
const NODE: Files = {
  'lib/systemd/system/cri-docker.service': SERVICE,
  'lib/systemd/system/cri-docker.socket': SOCKET,
  'lib/systemd/system/docker.service': DOCKERD,
  'etc/systemd/system/cri-docker.service.d/10-pause.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// \\\n  --pod-infra-container-image=registry.k8s.io/pause:3.10.1\n',
  'etc/docker/daemon.json': '{\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "log-driver": "json-file"\n}\n',
  'var/lib/kubelet/config.yaml': KUBELET(EP),
  'etc/crictl.yaml': 'runtime-endpoint: unix:///var/run/cri-dockerd.sock\n',
};

describe('model', () => {
  it('the unit in /etc hides the one in /lib; drop-ins in name order; an empty ExecStart= resets the command', () => {
    const node = docker({
      ...NODE,
      'etc/systemd/system/cri-docker.service': SERVICE.replace('fd://', 'unix:///run/alt.sock'),
      'usr/lib/systemd/system/cri-docker.service.d/10-pause.conf': '[Service]\nExecStart=/hidden\n',
      'etc/systemd/system/cri-docker.service.d/20-add.conf': '[Service]\nExecStart=/usr/bin/cri-dockerd --network-plugin=cni\n',
    });
    const m = node.docker!;
    expect(m.criDockerd!.files.map((f) => f.file.display)).toEqual([
      'etc/systemd/system/cri-docker.service',
      'etc/systemd/system/cri-docker.service.d/10-pause.conf',
      'etc/systemd/system/cri-docker.service.d/20-add.conf',
    ]);
    // 10-pause.conf reset the list and set a command; 20-add.conf appends a second one (systemd
    // rejects two for Type=notify; the last is what crilint reads).
    const cmd = execStart(m.criDockerd)!;
    expect([cmd.binary!.text, cmd.flags.map((f) => `${f.name}=${f.value}`)]).toEqual(['/usr/bin/cri-dockerd', ['network-plugin=cni']]);
  });

  it('a unit masked with a link to /dev/null in /etc counts as absent', () => {
    const dir = root({ 'lib/systemd/system/cri-docker.service': SERVICE, 'lib/systemd/system/docker.service': DOCKERD });
    mkdirSync(join(dir, 'etc/systemd/system'), { recursive: true });
    symlinkSync('/dev/null', join(dir, 'etc/systemd/system/cri-docker.service'));
    const m = loadNodeSet(discover([], [dir]).specs[0]!).node.docker!;
    expect([m.criDockerd, m.dockerd!.files.map((f) => f.file.display)]).toEqual([null, ['lib/systemd/system/docker.service']]);
  });

  it('$VAR words of ExecStart= expand from EnvironmentFile= (read inside the root); the flag keeps its position in that file', () => {
    const files: Files = {
      'lib/systemd/system/cri-docker.service': '[Service]\nEnvironmentFile=-/etc/default/cri-dockerd\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// $CRI_DOCKERD_OPTS\n',
      'etc/default/cri-dockerd': '# cri-dockerd flags\nCRI_DOCKERD_OPTS="--network-plugin=cni --pod-infra-container-image=registry.k8s.io/pause:3.9"\n',
    };
    const cmd = execStart(docker(files).docker!.criDockerd)!;
    const f = flagOf(cmd, 'pod-infra-container-image')!;
    expect([cmd.flags.map((x) => x.name), f.value, pos({ file: f.file, range: f.valueRange })]).toEqual([
      ['container-runtime-endpoint', 'network-plugin', 'pod-infra-container-image'],
      'registry.k8s.io/pause:3.9',
      'etc/default/cri-dockerd:2:68-2:93',
    ]);
    const g = lint({ ...files, 'var/lib/kubelet/config.yaml': KUBELET(EP) }, '1.34').filter((x) => x.rule === 'sandbox-image-mismatch');
    expect(fixed(g[0]!)).toEqual({ 'etc/default/cri-dockerd': files['etc/default/cri-dockerd']!.replace('3.9', '3.10.1') });
  });

  it('$VAR words expand from Environment= too (a drop-in may add it, an empty one clears it), and an EnvironmentFile= variable wins over it', () => {
    const unit = '[Service]\nEnvironment=OPTS=--network-plugin=cni "PAUSE=--pod-infra-container-image=registry.k8s.io/pause:3.9"\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// $OPTS $PAUSE\n';
    const flags = (files: Files) => execStart(docker(files).docker!.criDockerd)!.flags.map((x) => `${x.name}=${x.value} ${pos({ file: x.file, range: x.range })}`);
    expect(flags({ 'lib/systemd/system/cri-docker.service': unit })).toEqual([
      'container-runtime-endpoint=fd:// lib/systemd/system/cri-docker.service:3:32-3:66',
      'network-plugin=cni lib/systemd/system/cri-docker.service:2:18-2:38',
      'pod-infra-container-image=registry.k8s.io/pause:3.9 lib/systemd/system/cri-docker.service:2:46-2:99',
    ]);
    // A drop-in's empty Environment= clears the unit's; its own assignment is what is left.
    expect(flags({ 'lib/systemd/system/cri-docker.service': unit, 'etc/systemd/system/cri-docker.service.d/10-env.conf': '[Service]\nEnvironment=\nEnvironment=OPTS=--cni-bin-dir=/opt/cni/bin\n' }).map((l) => l.split(' ')[0])).toEqual([
      'container-runtime-endpoint=fd://',
      'cni-bin-dir=/opt/cni/bin',
    ]);
    const withFile = { 'lib/systemd/system/cri-docker.service': unit.replace('[Service]\n', '[Service]\nEnvironmentFile=/etc/default/cri-dockerd\n'), 'etc/default/cri-dockerd': 'PAUSE=--pod-infra-container-image=registry.k8s.io/pause:3.10.1\n' };
    expect(flags(withFile)[2]).toBe('pod-infra-container-image=registry.k8s.io/pause:3.10.1 etc/default/cri-dockerd:1:7-1:63');
  });

  it('a continued ExecStart= line keeps exact positions for each flag', () => {
    const m = docker(NODE).docker!;
    const f = flagOf(execStart(m.criDockerd), 'pod-infra-container-image')!;
    expect([f.value, pos({ file: f.file, range: f.valueRange })]).toEqual(['registry.k8s.io/pause:3.10.1', 'etc/systemd/system/cri-docker.service.d/10-pause.conf:4:31-4:59']);
  });

  it("cri-dockerd's socket: socket activation (ListenStream=, %t = /run), a unix:// flag, the binary default", () => {
    const ep = (files: Files) => {
      const e = criDockerdEndpoint(docker(files).docker!)!;
      return `${e.how} ${e.path}`;
    };
    expect(ep(NODE)).toBe('socket-unit /run/cri-dockerd.sock');
    expect(ep({ 'lib/systemd/system/cri-docker.service': SERVICE })).toBe('packaged-socket /run/cri-dockerd.sock');
    expect(ep({ 'lib/systemd/system/cri-docker.service': SERVICE.replace('fd://', 'unix:///run/x.sock') })).toBe('flag /run/x.sock');
    expect(ep({ 'lib/systemd/system/cri-docker.service': '[Service]\nExecStart=/usr/bin/cri-dockerd\n' })).toBe('default /var/run/cri-dockerd.sock');
  });

  it("Docker's cgroup driver: exec-opts as dockerd parses them (key case-insensitive, blanks trimmed, last wins), else --exec-opt, else unset", () => {
    const drv = (json: string, unit = DOCKERD) => {
      const d = dockerCgroupDriver(docker({ 'etc/docker/daemon.json': json, 'lib/systemd/system/docker.service': unit }).docker!);
      return `${d.value} ${d.node ? 'json' : d.flag ? 'flag' : '-'}`;
    };
    expect(drv('{"exec-opts": ["native.cgroupdriver=cgroupfs", " Native.CgroupDriver = systemd "]}')).toBe('systemd json');
    expect(drv('{}', DOCKERD.replace('-H fd://', '-H fd:// --exec-opt native.cgroupdriver=systemd'))).toBe('systemd flag');
    expect(drv('')).toBe('null -');
  });

  it('daemon.json is strict JSON: a comment or a trailing comma is a syntax finding at its position', () => {
    const f = lint({ 'etc/docker/daemon.json': '{\n  "debug": true,\n}\n' }, '1.34');
    expect(f.map((x) => `${pos(x)} ${x.rule} ${x.message.replace(/invalid JSON: .*;/, 'invalid JSON: …;')}`)).toEqual(['etc/docker/daemon.json:3:1-3:2 syntax invalid JSON: …; dockerd does not start']);
  });

  it('loose files: daemon.json by name, the three units by name or drop-in directory; other units are skipped', () => {
    const dir = root({ 'daemon.json': '{}', 'cri-docker.service': SERVICE, 'cri-docker.service.d/10.conf': '[Service]\nExecStart=\n', 'kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet\n' });
    expect(['daemon.json', 'cri-docker.service', 'cri-docker.service.d/10.conf', 'kubelet.service'].map((p) => classifyFile(join(dir, p)))).toEqual([
      { kind: 'docker' },
      { kind: 'systemd-unit' },
      { kind: 'systemd-unit' },
      { skip: 'a systemd unit file (crilint reads docker.service, cri-docker.service, cri-docker.socket and their drop-ins; containerd.service, crio.service and kubelet.service only in a node root)' },
    ]);
  });
});

describe('rules', () => {
  it('a consistent kubeadm-style cri-dockerd node has no findings', () => {
    expect(lint(NODE, '1.34').flatMap(show)).toEqual([]);
  });

  it('cgroup driver on 1.30: cgroupfs in daemon.json against a systemd kubelet is an error, with the unsafe fix in the JSON', () => {
    const files = { ...NODE, 'etc/docker/daemon.json': '{\n  "exec-opts": ["native.cgroupdriver=cgroupfs"]\n}\n', 'etc/systemd/system/cri-docker.service.d/10-pause.conf': '' };
    const f = lint(files, '1.30').filter((x) => x.rule === 'cgroup-driver-mismatch');
    expect(f.flatMap(show)).toEqual([
      'etc/docker/daemon.json:2:17-2:47 error cgroup-driver-mismatch [unsafe] Docker runs with the cgroupfs cgroup driver (exec-opts "native.cgroupdriver=cgroupfs"), but the kubelet uses systemd (cgroupDriver: systemd): the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); pod cgroups end up where the other side does not look, and sandboxes fail to start or are killed and re-created. Use systemd on both (native.cgroupdriver=systemd, cgroupDriver: systemd)',
      "  related var/lib/kubelet/config.yaml:3:15-3:22 the kubelet's cgroupDriver: systemd",
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/docker/daemon.json': '{\n  "exec-opts": ["native.cgroupdriver=systemd"]\n}\n' });
  });

  it("cgroup driver unset: a warning while the kubelet uses its own (1.30), nothing once it takes Docker's through cri-dockerd (1.34)", () => {
    const files = { ...NODE, 'etc/docker/daemon.json': '{\n  "log-driver": "json-file"\n}\n', 'etc/systemd/system/cri-docker.service.d/10-pause.conf': '' };
    expect(lint(files, '1.30').filter((x) => x.rule === 'cgroup-driver-mismatch').flatMap(show)).toEqual([
      `etc/docker/daemon.json:1:1-1:1 warning cgroup-driver-mismatch [-] Docker's cgroup driver is not set (no native.cgroupdriver in exec-opts): dockerd uses systemd on a cgroup v2 host booted with systemd and cgroupfs on cgroup v1, and the kubelet uses systemd (cgroupDriver: systemd) because the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); set "exec-opts": ["native.cgroupdriver=systemd"] in daemon.json so both sides are known to agree`,
      "  related var/lib/kubelet/config.yaml:3:15-3:22 the kubelet's cgroupDriver: systemd",
    ]);
    expect(lint(files, '1.34').filter((x) => x.rule === 'cgroup-driver-mismatch')).toEqual([]);
  });

  it('CRI socket: /var/run/cri-dockerd.sock is the socket unit\'s /run/cri-dockerd.sock; a kubelet left at containerd\'s default is an error with the safe fix', () => {
    const f = lint({ ...NODE, 'var/lib/kubelet/config.yaml': KUBELET('') }, '1.34');
    expect(f.flatMap(show)).toEqual([
      'var/lib/kubelet/config.yaml:1:1-1:1 error cri-socket-mismatch [safe] the kubelet dials /run/containerd/containerd.sock (containerRuntimeEndpoint is not set, so its default unix:///run/containerd/containerd.sock applies), but cri-dockerd listens on /run/cri-dockerd.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      '  related lib/systemd/system/cri-docker.socket:2:14-2:33 cri-dockerd listens on /run/cri-dockerd.sock (socket activation: cri-docker.socket)',
    ]);
    expect(fixed(f[0]!)).toEqual({ 'var/lib/kubelet/config.yaml': KUBELET('containerRuntimeEndpoint: unix:///run/cri-dockerd.sock\n') });
  });

  it("pause image: the flag is rewritten in place; without the flag, cri-dockerd's default (3.10) is fixed by a drop-in that repeats the command with the flag", () => {
    const f = lint({ ...NODE, 'etc/systemd/system/cri-docker.service.d/10-pause.conf': NODE['etc/systemd/system/cri-docker.service.d/10-pause.conf']!.replace('3.10.1', '3.9') }, '1.34');
    expect(f.map((x) => `${pos(x)} ${x.rule} ${x.fix?.safety}`)).toEqual(['etc/systemd/system/cri-docker.service.d/10-pause.conf:4:31-4:56 sandbox-image-mismatch safe']);
    expect(Object.values(fixed(f[0]!))[0]).toBe(NODE['etc/systemd/system/cri-docker.service.d/10-pause.conf']);
    const g = lint({ ...NODE, 'etc/systemd/system/cri-docker.service.d/10-pause.conf': '' }, '1.34');
    expect(g.flatMap(show)).toEqual([
      "lib/systemd/system/cri-docker.service:6:1-6:66 warning sandbox-image-mismatch [safe] cri-dockerd 0.4.1 (assumed: the newest crilint knows) uses its default pause image registry.k8s.io/pause:3.10 (--pod-infra-container-image is not set), but kubeadm for Kubernetes 1.34 expects pause:3.10.1: kubeadm warns that the sandbox image of the container runtime is inconsistent with the one it uses, and the node pulls and keeps both; add --pod-infra-container-image=registry.k8s.io/pause:3.10.1 to cri-dockerd's ExecStart= (in a drop-in: ExecStart= to clear it, then the whole command)",
    ]);
    const ch = g[0]!.fix!.changes[0]!;
    expect([ch.create?.display, ch.edits[0]!.text]).toEqual([
      'etc/systemd/system/cri-docker.service.d/99-crilint-pause.conf',
      '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --pod-infra-container-image=registry.k8s.io/pause:3.10.1\n',
    ]);
    // A drop-in that sorts after the one the fix would write would win over it: no fix then.
    const h = lint({ ...NODE, 'etc/systemd/system/cri-docker.service.d/10-pause.conf': '', 'etc/systemd/system/cri-docker.service.d/zz-local.conf': '[Service]\nRestart=always\n' }, '1.34');
    expect(h.map((x) => `${x.rule} ${x.fix?.safety ?? '-'}`)).toEqual(['sandbox-image-mismatch -']);
  });

  it('a setting in daemon.json and on dockerd\'s command line stops dockerd: hosts/-H, exec-opts/--exec-opt, a flattened proxies key', () => {
    const files = {
      ...NODE,
      'etc/docker/daemon.json': '{\n  "hosts": ["unix:///var/run/docker.sock"],\n  "exec-opts": ["native.cgroupdriver=systemd"],\n  "proxies": {"http-proxy": "http://proxy:3128"},\n  "containerd": "/run/containerd/containerd.sock"\n}\n',
      'etc/systemd/system/docker.service.d/http-proxy.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// --exec-opt native.cgroupdriver=systemd --http-proxy=http://proxy:3128\n',
    };
    expect(lint(files, '1.34').filter((x) => x.rule === 'docker-flag-conflict').map((x) => `${pos(x)} ${x.message.slice(0, x.message.indexOf(': dockerd'))} / ${x.related.map((r) => `${pos(r)} ${r.message}`).join('')}`)).toEqual([
      'etc/docker/daemon.json:2:3-2:10 "hosts" is set in daemon.json and as -H fd:// on dockerd\'s command line (etc/systemd/system/docker.service.d/http-proxy.conf) / etc/systemd/system/docker.service.d/http-proxy.conf:3:28-3:36 -H on dockerd\'s ExecStart=',
      'etc/docker/daemon.json:3:3-3:14 "exec-opts" is set in daemon.json and as --exec-opt native.cgroupdriver=systemd on dockerd\'s command line (etc/systemd/system/docker.service.d/http-proxy.conf) / etc/systemd/system/docker.service.d/http-proxy.conf:3:37-3:75 --exec-opt on dockerd\'s ExecStart=',
      'etc/docker/daemon.json:4:15-4:27 "http-proxy" is set in daemon.json and as --http-proxy http://proxy:3128 on dockerd\'s command line (etc/systemd/system/docker.service.d/http-proxy.conf) / etc/systemd/system/docker.service.d/http-proxy.conf:3:76-3:106 --http-proxy on dockerd\'s ExecStart=',
    ]);
    // The packaged unit alone (-H fd:// and --containerd) against a daemon.json without those keys: fine.
    expect(lint(NODE, '1.34').filter((x) => x.rule === 'docker-flag-conflict')).toEqual([]);
  });

  it("dockerd's boolean flags take no separate value: --debug and -D before -H leave -H a flag of its own", () => {
    const files = {
      ...NODE,
      'etc/docker/daemon.json': '{\n  "hosts": ["unix:///var/run/docker.sock"]\n}\n',
      'etc/systemd/system/docker.service.d/debug.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/dockerd --debug -D --live-restore -H fd://\n',
    };
    const cmd = dockerdCommand(docker(files).docker!)!;
    expect(cmd.flags.map((f) => `${f.written}=${f.value}`)).toEqual(['--debug=null', '-D=null', '--live-restore=null', '-H=fd://']);
    expect(lint(files, '1.34').filter((x) => x.rule === 'docker-flag-conflict').map((x) => pos(x))).toEqual(['etc/docker/daemon.json:2:3-2:10']);
  });

  it("dockerd's command line: a flag it does not define (exact names), one of removed releases, a bad shorthand, a flag without its value", () => {
    const unit = (args: string) => ({ ...NODE, 'etc/systemd/system/docker.service.d/10-flags.conf': `[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// ${args}\n` });
    const show1 = (files: Files, docker?: string) =>
      lintRoot(root(files), { kubernetes: parseVersion('1.34')!, ...(docker ? { docker: parseVersion(docker)! } : {}) })
        .findings.filter((x) => x.rule === 'unknown-key' || x.rule === 'invalid-value')
        .map((x) => `${pos(x)} ${x.severity} ${x.message}`);
    expect(show1(unit('--exec_opt native.cgroupdriver=systemd --graph /var/lib/docker -X 1'))).toEqual([
      `etc/systemd/system/docker.service.d/10-flags.conf:3:37-3:47 error unknown flag --exec_opt on dockerd's command line (docker.service); did you mean --exec-opt? dockerd does not start ("unknown flag: --exec_opt")`,
      `etc/systemd/system/docker.service.d/10-flags.conf:3:76-3:83 warning --graph on dockerd's command line (docker.service) is not a flag of dockerd 24.0 and later: those releases do not start ("unknown flag: --graph"); only dockerd 20.10–23.0 define it; use --data-root`,
      `etc/systemd/system/docker.service.d/10-flags.conf:3:100-3:102 error unknown shorthand flag -X on dockerd's command line (docker.service): dockerd does not start ("unknown shorthand flag: 'X' in -X")`,
    ]);
    expect(show1(unit('--log-level'))).toEqual([
      `etc/systemd/system/docker.service.d/10-flags.conf:3:37-3:48 error --log-level ends dockerd's command line (docker.service) without its value: dockerd does not start ("flag needs an argument: --log-level")`,
    ]);
    // With --docker: the release decides (bip6 came in 28.0).
    expect(show1(unit('--bip6 fd00::1/64'), '27.5')).toEqual([
      `etc/systemd/system/docker.service.d/10-flags.conf:3:37-3:43 error unknown flag --bip6 on dockerd's command line (docker.service); it is a flag of dockerd 28.0 and later; did you mean --bip? dockerd 27.5 does not start ("unknown flag: --bip6")`,
    ]);
    expect(show1(unit('--bip6 fd00::1/64'), '28.0')).toEqual([]);
  });

  it("cri-dockerd's boolean flags take no separate value either: --ipv6-dual-stack before the pause image flag", () => {
    const files = { ...NODE, 'etc/systemd/system/cri-docker.service.d/10-pause.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --ipv6-dual-stack --pod-infra-container-image registry.k8s.io/pause:3.9\n' };
    expect(criDockerdCommand(docker(files).docker!)!.flags.map((f) => `${f.written}=${f.value}`)).toEqual(['--container-runtime-endpoint=fd://', '--ipv6-dual-stack=null', '--pod-infra-container-image=registry.k8s.io/pause:3.9']);
    expect(lint(files, '1.34').filter((x) => x.rule === 'sandbox-image-mismatch').map((x) => `${pos(x)} ${x.message.slice(0, x.message.indexOf(','))}`)).toEqual([
      "etc/systemd/system/cri-docker.service.d/10-pause.conf:3:113-3:138 cri-dockerd's pause image is registry.k8s.io/pause:3.9 (--pod-infra-container-image)",
    ]);
  });

  it("cri-dockerd's command line: a flag it does not define (exact names), a bad shorthand, a flag without its value; none on the packaged and kubeadm-style units", () => {
    const unit = (args: string) => ({ ...NODE, 'etc/systemd/system/cri-docker.service.d/10-pause.conf': `[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// ${args}\n` });
    const show1 = (files: Files) =>
      lintRoot(root(files), { kubernetes: parseVersion('1.34')! })
        .findings.filter((x) => x.rule === 'unknown-key' || x.rule === 'invalid-value')
        .map((x) => `${pos(x)} ${x.severity} ${x.message}`);
    expect(show1(unit('--pod-infra-container-image=registry.k8s.io/pause:3.10.1 --network_plugin cni --cgroup-driver systemd -v 2'))).toEqual([
      `etc/systemd/system/cri-docker.service.d/10-pause.conf:3:124-3:140 error unknown flag --network_plugin on cri-dockerd's command line (cri-docker.service); did you mean --network-plugin? cri-dockerd does not start ("unknown flag: --network_plugin")`,
      `etc/systemd/system/cri-docker.service.d/10-pause.conf:3:145-3:160 error unknown flag --cgroup-driver on cri-dockerd's command line (cri-docker.service); cri-dockerd does not start ("unknown flag: --cgroup-driver")`,
      `etc/systemd/system/cri-docker.service.d/10-pause.conf:3:169-3:171 error unknown shorthand flag -v on cri-dockerd's command line (cri-docker.service): cri-dockerd does not start ("unknown shorthand flag: 'v' in -v")`,
    ]);
    expect(show1(unit('--pod-infra-container-image=registry.k8s.io/pause:3.10.1 --log-level'))).toEqual([
      `etc/systemd/system/cri-docker.service.d/10-pause.conf:3:124-3:135 error --log-level ends cri-dockerd's command line (cri-docker.service) without its value: cri-dockerd does not start ("flag needs an argument: --log-level")`,
    ]);
    expect(show1(NODE)).toEqual([]);
    expect(show1({ ...NODE, 'etc/systemd/system/cri-docker.service.d/10-pause.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni --hairpin-mode=hairpin-veth --ipv6-dual-stack -h --pod-infra-container-image registry.k8s.io/pause:3.10.1\n' })).toEqual([]);
  });

  it("dockerd's log level: \"warning\" only before 25.0 (a warning without --docker, an error for 25.0), another word never; case does not matter", () => {
    const at = (json: string, docker?: string, flags = '') =>
      lintRoot(root({ ...NODE, 'etc/docker/daemon.json': json, ...(flags ? { 'etc/systemd/system/docker.service.d/10-flags.conf': `[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// ${flags}\n` } : {}) }), { kubernetes: parseVersion('1.34')!, ...(docker ? { docker: parseVersion(docker)! } : {}) })
        .findings.filter((x) => x.rule === 'invalid-value')
        .map((x) => `${pos(x)} ${x.severity} ${x.message}`);
    expect(at('{"log-level": "warning"}')).toEqual([
      'etc/docker/daemon.json:1:15-1:24 warning "log-level": "warning" in daemon.json is a log level only for dockerd 20.10–24.0: dockerd 25.0 and later do not start ("invalid logging level: warning"); use "warn"',
    ]);
    expect(at('{"log-level": "warning"}', '25.0')).toEqual(['etc/docker/daemon.json:1:15-1:24 error "log-level": "warning" in daemon.json is not a log level: dockerd 25.0 does not start ("invalid logging level: warning"); the levels are panic, fatal, error, warn, info, debug, trace; did you mean "warn"?']);
    expect(at('{"log-level": "warning"}', '24.0')).toEqual([]);
    expect(at('{"log-level": "verbose"}', '20.10')).toEqual(['etc/docker/daemon.json:1:15-1:24 error "log-level": "verbose" in daemon.json is not a log level: dockerd 20.10 does not start ("unable to parse logging level: verbose"); the levels are panic, fatal, error, warn, warning, info, debug, trace']);
    expect(at('{"log-level": "WARN"}')).toEqual([]);
    expect(at('{"log-level": ""}', '29.7')).toEqual([]);
    expect(at('{}', '29.7', '-l Warning')).toEqual([
      'etc/systemd/system/docker.service.d/10-flags.conf:3:40-3:47 error -l Warning on dockerd\'s command line (docker.service) is not a log level: dockerd 29.7 does not start ("invalid logging level: Warning"); the levels are panic, fatal, error, warn, info, debug, trace; did you mean "warn"?',
    ]);
  });

  it('a flag name that dockerd accepts as a key but does not read: an error at the key, an unsafe rename when the real key is free', () => {
    const json = '{\n  "exec-opt": ["native.cgroupdriver=systemd"],\n  "dns-opt": ["ndots:2"],\n  "dns-opts": ["timeout:1"],\n  "no-proxy": "localhost",\n  "debug": true,\n  "allow-nondistributable-artifacts": ["r.example:5000"]\n}\n';
    // Kubernetes 1.30: its kubelet does not take the cgroup driver from the runtime, so an undecided Docker driver shows.
    const all = lintRoot(root({ ...NODE, 'etc/docker/daemon.json': json }), { kubernetes: parseVersion('1.30')! }).findings;
    const f = all.filter((x) => x.rule === 'unknown-key');
    expect(f.flatMap(show)).toEqual([
      `etc/docker/daemon.json:2:3-2:13 error unknown-key [unsafe] "exec-opt" in daemon.json has no effect: it is the name of dockerd's --exec-opt flag, and every dockerd release (20.10–29.7) accepts a flag's name as a key but reads it only for an on/off flag; the key is "exec-opts"`,
      `etc/docker/daemon.json:3:3-3:12 error unknown-key [-] "dns-opt" in daemon.json has no effect: it is the name of dockerd's --dns-opt flag, and every dockerd release (20.10–29.7) accepts a flag's name as a key but reads it only for an on/off flag; the key is "dns-opts", which this file also sets; merge the values into it and remove "dns-opt"`,
      `etc/docker/daemon.json:5:3-5:13 error unknown-key [-] "no-proxy" in daemon.json has no effect: it is the name of dockerd's --no-proxy flag, and dockerd 23.0 and later accept a flag's name as a key but read it only for an on/off flag, and dockerd 20.10 refuses this key; set it inside "proxies": {"no-proxy": …}`,
      `etc/docker/daemon.json:7:3-7:37 warning unknown-key [-] "allow-nondistributable-artifacts" in daemon.json has no effect on dockerd 28.1 and later, which dropped the setting but still accept the key (dockerd 20.10–28.0 read it); remove it`,
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/docker/daemon.json': json.replace('"exec-opt"', '"exec-opts"') });
    // dockerd reads no cgroup driver from "exec-opt": the driver stays undecided.
    expect(all.filter((x) => x.rule === 'cgroup-driver-mismatch').map((x) => `${pos(x)} ${x.severity} ${x.message.slice(0, x.message.indexOf('):') + 1)}`)).toEqual([
      `etc/docker/daemon.json:2:16-2:45 warning Docker's cgroup driver is not set ("native.cgroupdriver=systemd" is in "exec-opt", the name of the --exec-opt flag, which dockerd does not read as a key)`,
    ]);
    // The same inside an object dockerd drops, in full.
    const nested = lintRoot(root({ ...NODE, 'etc/docker/daemon.json': '{\n  "runtime": {\n    "exec-opts": ["native.cgroupdriver=systemd"]\n  }\n}\n' }), { kubernetes: parseVersion('1.30')! }).findings;
    expect(nested.filter((x) => x.rule === 'cgroup-driver-mismatch').flatMap(show)).toEqual([
      `etc/docker/daemon.json:3:19-3:48 warning cgroup-driver-mismatch [-] Docker's cgroup driver is not set ("native.cgroupdriver=systemd" is in "exec-opts" inside "runtime", an object dockerd does not read): dockerd uses systemd on a cgroup v2 host booted with systemd and cgroupfs on cgroup v1, and the kubelet uses systemd (cgroupDriver: systemd) because the kubelet of Kubernetes 1.30 does not take the driver from the runtime (KubeletCgroupDriverFromCRI is on by default from 1.31); set "exec-opts": ["native.cgroupdriver=systemd"] in daemon.json so both sides are known to agree`,
      '  related var/lib/kubelet/config.yaml:3:15-3:22 the kubelet\'s cgroupDriver: systemd',
    ]);
    // A boolean flag's name works as a key (debug), and so do the keys themselves.
    expect(lint({ ...NODE, 'etc/docker/daemon.json': '{"exec-opts": ["native.cgroupdriver=systemd"], "dns-opts": ["ndots:2"], "proxies": {"no-proxy": "localhost"}, "debug": true}' }, '1.34')).toEqual([]);
  });

  it('an object dockerd does not read: its keys are checked as top-level keys, then it is dropped; a near-miss name is renamed', () => {
    const json = [
      '{',
      '  "log-opt": {"max-size": "10m", "max-file": "3"},',
      '  "log": {"log-driver": "json-file", "debug": true, "bar": 1},',
      '  "proxy": {"http-proxy": "http://p:3128"},',
      '  "runtime": {},',
      '  "runtimes": {"crun": {"path": "/usr/bin/crun"}},',
      '  "foo": {},',
      '  "opts": {"live-restore": true, "exec-opt": ["native.cgroupdriver=systemd"]},',
      '  "labels": ["a=b"]',
      '}',
      '',
    ].join('\n');
    const f = lintRoot(root({ ...NODE, 'etc/docker/daemon.json': json }), { kubernetes: parseVersion('1.34')! }).findings.filter((x) => x.rule === 'unknown-key');
    expect(f.flatMap(show)).toEqual([
      `etc/docker/daemon.json:2:3-2:12 error unknown-key [unsafe] "log-opt" in daemon.json is not an object dockerd reads: it checks the keys inside as top-level keys and refuses "max-size" and "max-file", so it does not start ("the following directives don't match any configuration option: max-file, max-size"); "log-opt" is the name of dockerd's --log-opt flag, and the key is "log-opts"`,
      '  related etc/docker/daemon.json:2:15-2:25 dockerd refuses "max-size"',
      '  related etc/docker/daemon.json:2:34-2:44 dockerd refuses "max-file"',
      `etc/docker/daemon.json:3:3-3:8 error unknown-key [-] "log" in daemon.json has no effect: dockerd reads the objects of "builder", "default-network-opts", "default-ulimits", "features", "log-opts", "nri-opts", "proxies" and "runtimes" only: it checks the keys inside any other as top-level keys, then ignores the object, so "log-driver" and "debug" in it are not applied; move them to the top level`,
      // "bar" inside "log": refused as a top-level key, on its own. "live-restore" inside "opts" applies (an on/off flag of the config), "exec-opt" would not even at the top level.
      `etc/docker/daemon.json:3:53-3:58 error unknown-key [-] unknown key "bar" in daemon.json; did you mean "bip"? dockerd does not start ("the following directives don't match any configuration option: bar")`,
      `etc/docker/daemon.json:4:3-4:10 error unknown-key [unsafe] "proxy" in daemon.json has no effect: dockerd does not read this object (it checks the keys inside as top-level keys, then ignores it), so "http-proxy" in it is not applied; did you mean "proxies"?`,
      `etc/docker/daemon.json:5:3-5:12 error unknown-key [-] "runtime" in daemon.json has no effect: dockerd does not read this object (it checks the keys inside as top-level keys, then ignores it); did you mean "runtimes"? It is empty: remove it`,
      `etc/docker/daemon.json:7:3-7:8 warning unknown-key [-] "foo" in daemon.json is not a key of dockerd, which ignores this empty object; remove it`,
      `etc/docker/daemon.json:8:3-8:9 error unknown-key [-] "opts" in daemon.json has no effect: dockerd reads the objects of "builder", "default-network-opts", "default-ulimits", "features", "log-opts", "nri-opts", "proxies" and "runtimes" only: it checks the keys inside any other as top-level keys, then ignores the object, so "exec-opt" in it is not applied; move it to the top level ("exec-opt" as "exec-opts")`,
    ]);
    expect(fixed(f[0]!)).toEqual({ 'etc/docker/daemon.json': json.replace('"log-opt"', '"log-opts"') });
    expect(fixed(f[3]!)).toEqual({ 'etc/docker/daemon.json': json.replace('"proxy"', '"proxies"') });
  });

  it('--docker: the keys of that release decide (of its minor line, else the two read around it), with a note outside the releases known', () => {
    const json = '{\n  "bip6": "fd00::1/64",\n  "graph": "/var/lib/docker",\n  "exec-opt": ["native.cgroupdriver=systemd"],\n  "deprecated-key-path": "/etc/docker/key.json"\n}\n';
    const at = (docker?: string) => {
      const r = lintRoot(root({ ...NODE, 'etc/docker/daemon.json': json }), { kubernetes: parseVersion('1.34')!, ...(docker ? { docker: parseVersion(docker)! } : {}) });
      return { findings: r.findings.filter((x) => x.rule === 'unknown-key').map((x) => `${pos(x)} ${x.severity} ${x.message}`), notes: r.target.notes, docker: r.target.docker };
    };
    // Any release: bip6 is read by the newest ones, graph and deprecated-key-path only by older ones.
    expect(at().findings.map((l) => l.slice(0, l.indexOf(' ', l.indexOf(' ') + 1)))).toEqual(['etc/docker/daemon.json:3:3-3:10 warning', 'etc/docker/daemon.json:4:3-4:13 error', 'etc/docker/daemon.json:5:3-5:24 warning']);
    // 24.0.7 is checked as 24.0, the release of its minor line.
    expect(at('24.0.7')).toEqual({
      findings: [
        `etc/docker/daemon.json:2:3-2:9 error unknown key "bip6" in daemon.json; it is a key of dockerd 28.0 and later; did you mean "bip"? dockerd 24.0 does not start ("the following directives don't match any configuration option: bip6")`,
        `etc/docker/daemon.json:3:3-3:10 error unknown key "graph" in daemon.json; dockerd 24.0 removed it; did you mean "data-root"? dockerd 24.0 does not start ("the following directives don't match any configuration option: graph")`,
        `etc/docker/daemon.json:4:3-4:13 error "exec-opt" in daemon.json has no effect: it is the name of dockerd's --exec-opt flag, and dockerd 24.0 accepts a flag's name as a key but reads it only for an on/off flag; the key is "exec-opts"`,
        `etc/docker/daemon.json:5:3-5:24 error "deprecated-key-path" in daemon.json has no effect on dockerd 24.0, which dropped the setting but still accepts the key; remove it`,
      ],
      notes: [],
      docker: { version: { major: 24, minor: 0, patch: 7 }, releases: ['24.0'], label: '24.0' },
    });
    // Every minor line is read: 28.2 is checked as 28.2, and 27.3 (before 28.0 added bip6) refuses bip6.
    expect(at('28.2').findings.map((l) => l.slice(0, l.indexOf(' ', l.indexOf(' ') + 1)))).toEqual(['etc/docker/daemon.json:3:3-3:10 error', 'etc/docker/daemon.json:4:3-4:13 error', 'etc/docker/daemon.json:5:3-5:24 error']);
    expect(at('28.2').docker).toEqual({ version: { major: 28, minor: 2 }, releases: ['28.2'], label: '28.2' });
    expect(at('27.3').findings[0]).toBe(
      `etc/docker/daemon.json:2:3-2:9 error unknown key "bip6" in daemon.json; it is a key of dockerd 28.0 and later; did you mean "bip"? dockerd 27.3 does not start ("the following directives don't match any configuration option: bip6")`,
    );
    // 22.06, a minor line Docker never released, lies between 20.10 and 23.0: a key is refused when both refuse it.
    expect(at('22.06').docker).toEqual({ version: { major: 22, minor: 6 }, releases: ['20.10', '23.0'], label: '22.06' });
    expect(at('22.06').findings.map((l) => l.slice(0, l.indexOf(' ', l.indexOf(' ') + 1)))).toEqual(['etc/docker/daemon.json:2:3-2:9 error', 'etc/docker/daemon.json:4:3-4:13 error']);
    expect(at('22.06').findings[0]).toContain('dockerd 22.06 does not start');
    // 23.0 still reads graph and the trust key, and not bip6.
    expect(at('23.0').findings.map((l) => l.slice(0, l.indexOf(' ', l.indexOf(' ') + 1)))).toEqual(['etc/docker/daemon.json:2:3-2:9 error', 'etc/docker/daemon.json:4:3-4:13 error']);
    expect(at('19.03').notes).toEqual(['dockerd 19.03 is older than the releases crilint knows (20.10–29.7): daemon.json is checked as for 20.10']);
    expect(at('30.1').notes).toEqual(['dockerd 30.1 is newer than the releases crilint knows (20.10–29.7): daemon.json is checked as for 29.7']);
    expect(at('29.7.2').notes).toEqual([]);
  });

  it('--docker at the minor lines where a key came or went (read from moby at every minor line, not only the majors)', () => {
    const refused = (json: string, docker: string) =>
      lintRoot(root({ ...NODE, 'etc/docker/daemon.json': json }), { kubernetes: parseVersion('1.34')!, docker: parseVersion(docker)! })
        .findings.filter((x) => x.rule === 'unknown-key' || x.rule === 'invalid-value')
        .map((x) => `${pos(x)} ${x.severity} ${x.message.split(';')[0]}`);
    // allow-direct-routing came in 28.2, the `feature` flag in 27.3, nri-opts in 29.2, default-stop-timeout in 29.7.
    const adr = '{\n  "allow-direct-routing": true\n}\n';
    expect(refused(adr, '28.1')).toEqual(['etc/docker/daemon.json:2:3-2:25 error unknown key "allow-direct-routing" in daemon.json']);
    expect(refused(adr, '28.2')).toEqual([]);
    const feature = '{\n  "feature": "containerd-snapshotter=true"\n}\n';
    expect(refused(feature, '27.2')).toEqual(['etc/docker/daemon.json:2:3-2:12 error unknown key "feature" in daemon.json']);
    expect(refused(feature, '27.3')).toEqual(['etc/docker/daemon.json:2:3-2:12 error "feature" in daemon.json has no effect: it is the name of dockerd\'s --feature flag, and dockerd 27.3 accepts a flag\'s name as a key but reads it only for an on/off flag']);
    // Before 29.2 nri-opts is no key, and its object is flattened for the check: one finding on its name, the refused key inside related.
    const nri = '{\n  "nri-opts": {"enable": true}\n}\n';
    const at291 = lintRoot(root({ ...NODE, 'etc/docker/daemon.json': nri }), { kubernetes: parseVersion('1.34')!, docker: parseVersion('29.1')! }).findings.filter((x) => x.rule === 'unknown-key');
    expect(at291.map((x) => `${pos(x)} ${x.message} | ${x.related.map((r) => `${r.range!.start.line}:${r.range!.start.column} ${r.message}`).join()}`)).toEqual([
      `etc/docker/daemon.json:2:3-2:13 unknown key "nri-opts" in daemon.json; it is an object of dockerd 29.2 and later: dockerd 29.1 checks the keys inside as top-level keys and refuses "enable", so it does not start ("the following directives don't match any configuration option: enable") | 2:16 dockerd refuses "enable"`,
    ]);
    expect(refused(nri, '29.2')).toEqual([]);
    const stop = '{\n  "default-stop-timeout": "30"\n}\n';
    expect(refused(stop, '29.6')).toEqual(['etc/docker/daemon.json:2:3-2:25 error unknown key "default-stop-timeout" in daemon.json']);
    expect(refused(stop, '29.7')).toEqual(['etc/docker/daemon.json:2:27-2:31 error "default-stop-timeout" in daemon.json is a string ("30"), but dockerd reads a whole number: it does not start ("json: cannot unmarshal string into Go struct field …")']);
    // A value is checked only where the key is decoded: with 28.1, the dropped key's list of numbers is not read.
    expect(refused('{\n  "allow-nondistributable-artifacts": [5000]\n}\n', '28.1').map((l) => l.slice(0, l.indexOf(' error')))).toEqual(['etc/docker/daemon.json:2:3-2:37']);
    expect(refused('{\n  "allow-nondistributable-artifacts": [5000]\n}\n', '28.0')).toEqual(['etc/docker/daemon.json:2:40-2:44 error item 1 of "allow-nondistributable-artifacts" in daemon.json is a number (5000), but dockerd reads a string: it does not start ("json: cannot unmarshal number into Go struct field …")']);
    // allow-nondistributable-artifacts: 28.1 dropped the setting and kept the key.
    const ana = '{\n  "allow-nondistributable-artifacts": ["registry.local:5000"]\n}\n';
    expect(refused(ana, '28.0')).toEqual([]);
    expect(refused(ana, '28.1')).toEqual(['etc/docker/daemon.json:2:3-2:37 error "allow-nondistributable-artifacts" in daemon.json has no effect on dockerd 28.1, which dropped the setting but still accepts the key']);
  });

  it('a daemon.json value of a JSON type dockerd cannot decode stops it: at the value, or at the first bad item', () => {
    const json = '{"labels": "a=b", "live-restore": "true", "mtu": 1e3, "dns": ["1.1.1.1", 8], "features": {"buildkit": "true"}, "runtimes": [], "debug": null, "shutdown-timeout": 15, "log-opts": {"max-size": "10m"}}';
    const f = lint({ ...NODE, 'etc/docker/daemon.json': json }, '1.34').filter((x) => x.rule === 'invalid-value');
    expect(f.flatMap(show)).toEqual([
      'etc/docker/daemon.json:1:12-1:17 error invalid-value [-] "labels" in daemon.json is a string ("a=b"), but dockerd reads a list of strings: it does not start ("json: cannot unmarshal string into Go struct field …")',
      'etc/docker/daemon.json:1:35-1:41 error invalid-value [-] "live-restore" in daemon.json is a string ("true"), but dockerd reads true or false: it does not start ("json: cannot unmarshal string into Go struct field …")',
      'etc/docker/daemon.json:1:50-1:53 error invalid-value [-] "mtu" in daemon.json is a number (1e3), but dockerd reads a whole number: it does not start ("json: cannot unmarshal number 1e3 into Go struct field …")',
      'etc/docker/daemon.json:1:74-1:75 error invalid-value [-] item 2 of "dns" in daemon.json is a number (8), but dockerd reads a string: it does not start ("json: cannot unmarshal number into Go struct field …")',
      'etc/docker/daemon.json:1:103-1:109 error invalid-value [-] "buildkit" of "features" in daemon.json is a string ("true"), but dockerd reads true or false: it does not start ("json: cannot unmarshal string into Go struct field …")',
      'etc/docker/daemon.json:1:124-1:126 error invalid-value [-] "runtimes" in daemon.json is a list ([…]), but dockerd reads an object: it does not start ("json: cannot unmarshal array into Go struct field …")',
    ]);
  });

  it('value types of keys with a decoder of their own: address pools item by item, proxies, log-format', () => {
    const json = '{\n  "default-address-pools": [{"base": "172.80.0.0/16", "size": 24}, {"base": "172.90.0.0/16", "size": "24"}],\n  "proxies": {"http-proxy": "http://p:3128", "no-proxy": ["localhost"]},\n  "log-format": 1\n}\n';
    const f = lint({ ...NODE, 'etc/docker/daemon.json': json }, '1.34').filter((x) => x.rule === 'invalid-value');
    expect(f.map((x) => `${pos(x)} ${x.message.slice(0, x.message.indexOf(': it does not start'))}`)).toEqual([
      'etc/docker/daemon.json:2:102-2:106 "size" of item 2 of "default-address-pools" in daemon.json is a string ("24"), but dockerd reads a whole number',
      'etc/docker/daemon.json:3:58-3:71 "no-proxy" of "proxies" in daemon.json is a list ([…]), but dockerd reads a string',
      'etc/docker/daemon.json:4:17-4:18 "log-format" in daemon.json is a number (1), but dockerd reads a string',
    ]);
    expect(lint({ ...NODE, 'etc/docker/daemon.json': '{"default-address-pools": ["172.80.0.0/16"]}' }, '1.34').filter((x) => x.rule === 'invalid-value').map((x) => x.message.split(':')[0])).toEqual([
      'item 1 of "default-address-pools" in daemon.json is a string ("172.80.0.0/16"), but dockerd reads an object {"base"',
    ]);
  });

  it('native.cgroupdriver other than systemd/cgroupfs, and an exec-opt that is not opt=value, stop dockerd', () => {
    const f = lint({ ...NODE, 'etc/docker/daemon.json': '{"exec-opts": ["native.cgroupdriver=system", "isolation"]}' }, '1.34').filter((x) => x.rule === 'invalid-value');
    expect(f.map((x) => `${pos(x)} ${x.message}`)).toEqual([
      `etc/docker/daemon.json:1:16-1:44 native.cgroupdriver=system: dockerd does not start ("native.cgroupdriver option system not supported"); use systemd or cgroupfs`,
      `etc/docker/daemon.json:1:46-1:57 exec-opts item "isolation" is not "opt=value": dockerd does not start ("invalid exec-opt (isolation): must be formatted 'opt=value'")`,
    ]);
  });
});

const DOCKER_CORPUS = join(CORPUS, 'other', 'docker');
describe.skipIf(!existsSync(DOCKER_CORPUS))(`corpus: ../shared/corpus/other/docker${existsSync(DOCKER_CORPUS) ? '' : ' (skipped: ../shared not present)'}`, () => {
  it("the packaged cri-docker.service and cri-docker.socket in a node root: socket activation on /run/cri-dockerd.sock, the kubelet on kubeadm's /var/run/cri-dockerd.sock is fine", () => {
    const dir = root({ 'var/lib/kubelet/config.yaml': KUBELET(EP), 'etc/docker/daemon.json': '{"exec-opts": ["native.cgroupdriver=systemd"]}\n' });
    mkdirSync(join(dir, 'usr/lib/systemd/system'), { recursive: true });
    copyFileSync(join(DOCKER_CORPUS, 'cri-dockerd__cri-docker.service'), join(dir, 'usr/lib/systemd/system/cri-docker.service'));
    copyFileSync(join(DOCKER_CORPUS, 'cri-dockerd__cri-docker.socket'), join(dir, 'usr/lib/systemd/system/cri-docker.socket'));
    const { node, findings } = lintRoot(dir, { kubernetes: parseVersion('1.33')! });
    expect(node.findings).toEqual([]);
    expect(`${criDockerdEndpoint(node.docker!)!.how} ${criDockerdEndpoint(node.docker!)!.path}`).toBe('socket-unit /run/cri-dockerd.sock');
    // cri-dockerd's default pause 3.10 is what kubeadm 1.33 expects: nothing to report.
    expect(findings.flatMap(show)).toEqual([]);
  });
});
