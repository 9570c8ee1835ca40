/**
 * containerd's command line from containerd.service (data CONTAINERD_CLI): `--config`/`-c` names
 * the file containerd reads (a missing one stops it), `--address`/`-a` is the socket whatever the
 * file says. The flags come from the unit's ExecStart= after its drop-ins (model/units.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { lintRoot } from '../src/engine/docs.js';
import { fixed, pos, show } from './helpers/findings.js';
import { RUN_CONTAINERD_ORACLE } from './helpers/containerd.js';
import { tempRoots, type Files } from './helpers/roots.js';

const root = tempRoots('crilint-cunit-');

const lint = (files: Files, rules: string[]) =>
  lintRoot(root(files), { kubernetes: parseVersion('1.34')!, containerd: parseVersion('2.1')! }).findings.filter((f) => rules.includes(f.rule));

const KUBELET = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n';
const CONFIG = (extra = '') => `version = 3\n${extra}[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]\nSystemdCgroup = true\n`;
const UNIT = (args: string) => `[Service]\nExecStartPre=-/sbin/modprobe overlay\nExecStart=/usr/bin/containerd ${args}\n`;

describe('containerd.service', () => {
  it('--config names the file containerd reads: its settings are checked, the default config.toml is not read', () => {
    const files: Files = {
      'lib/systemd/system/containerd.service': UNIT('--config /etc/containerd/custom.toml'),
      'etc/containerd/custom.toml': CONFIG().replace('SystemdCgroup = true', 'SystemdCgroup = false'),
      'etc/containerd/config.toml': CONFIG(),
      'var/lib/kubelet/config.yaml': KUBELET,
    };
    const r = lintRoot(root(files), { kubernetes: parseVersion('1.30')!, containerd: parseVersion('2.1')! });
    expect(r.node.containerd!.configFiles.map((f) => f.location)).toEqual(['/etc/containerd/custom.toml']);
    expect(r.findings.filter((f) => f.rule === 'cgroup-driver-mismatch').map((f) => pos(f))).toEqual(['etc/containerd/custom.toml:3:17-3:22']);
  });

  it('a --config file that is not there stops containerd (the default one may be missing)', () => {
    const f = lint({ 'etc/systemd/system/containerd.service': UNIT('-c /etc/containerd/missing.toml'), 'var/lib/kubelet/config.yaml': KUBELET }, ['invalid-value']);
    expect(f.flatMap(show)).toEqual([
      'etc/systemd/system/containerd.service:3:34-3:62 error invalid-value [-] -c names /etc/containerd/missing.toml, which does not exist in this node root: containerd does not start ("failed to load TOML: /etc/containerd/missing.toml: open /etc/containerd/missing.toml: no such file or directory"; only the default config.toml may be missing)',
    ]);
    expect(lint({ 'etc/systemd/system/containerd.service': UNIT(''), 'var/lib/kubelet/config.yaml': KUBELET }, ['invalid-value'])).toEqual([]);
  });

  it('--address in a drop-in is the socket, whatever [grpc] address says: the kubelet is checked against it', () => {
    const dropIn = '[Service]\nExecStart=\nExecStart=/usr/bin/containerd --address=/run/containerd/k8s.sock\n';
    const files: Files = {
      'lib/systemd/system/containerd.service': UNIT(''),
      'etc/systemd/system/containerd.service.d/10-address.conf': dropIn,
      'etc/containerd/config.toml': CONFIG('[grpc]\naddress = "/run/containerd/containerd.sock"\n'),
      'var/lib/kubelet/config.yaml': KUBELET,
    };
    const f = lint(files, ['cri-socket-mismatch']);
    expect(f.flatMap(show)).toEqual([
      'var/lib/kubelet/config.yaml:4:27-4:65 error cri-socket-mismatch [safe] the kubelet dials /run/containerd/containerd.sock (containerRuntimeEndpoint unix:///run/containerd/containerd.sock), but containerd listens on /run/containerd/k8s.sock: the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady',
      "  related etc/systemd/system/containerd.service.d/10-address.conf:3:41-3:65 containerd listens on /run/containerd/k8s.sock (--address on containerd's command line, containerd.service)",
    ]);
    expect(fixed(f[0]!)).toEqual({ 'var/lib/kubelet/config.yaml': KUBELET.replace('unix:///run/containerd/containerd.sock', 'unix:///run/containerd/k8s.sock') });
  });
});

describe.skipIf(!RUN_CONTAINERD_ORACLE)('containerd 1.6 as the oracle of --address', () => {
  it('the daemon serves on --address, not on [grpc] address, as crilint reads it', async () => {
    const dir = root({});
    const config = `version = 2\nroot = "${dir}/root"\nstate = "${dir}/state"\n[grpc]\n  address = "${dir}/file.sock"\n[ttrpc]\n  address = "${dir}/ttrpc.sock"\n`;
    writeFileSync(join(dir, 'config.toml'), config);
    const daemon = spawn('containerd', ['--config', join(dir, 'config.toml'), '--address', join(dir, 'flag.sock')], { stdio: 'ignore', cwd: '/' });
    try {
      for (let i = 0; i < 100 && !existsSync(join(dir, 'flag.sock')); i++) await new Promise((r) => setTimeout(r, 100));
      expect([existsSync(join(dir, 'flag.sock')), existsSync(join(dir, 'file.sock'))]).toEqual([true, false]);
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
    // crilint, on a node whose unit passes the same flag: the socket is the flag's.
    const node = root({ 'etc/systemd/system/containerd.service': UNIT('--address /run/containerd/flag.sock'), 'etc/containerd/config.toml': CONFIG('[grpc]\naddress = "/run/containerd/file.sock"\n'), 'var/lib/kubelet/config.yaml': KUBELET });
    const f = lintRoot(node, { kubernetes: parseVersion('1.34')!, containerd: parseVersion('1.6')! }).findings.filter((x) => x.rule === 'cri-socket-mismatch');
    expect(f.map((x) => x.message.slice(x.message.indexOf('but '), x.message.indexOf(':', x.message.indexOf('but ')))).filter((m) => m.startsWith('but containerd'))).toEqual(['but containerd listens on /run/containerd/flag.sock']);
  }, 30_000);
});
