/**
 * The kernel rules (sysctl-required, kernel-module-required, protect-kernel-defaults-sysctl,
 * sysctl-inline-comment) and what they share (src/rules/shared/kernel.ts): how the kernel reads a
 * value, which write wins for linked keys, and the cases the fixtures cannot show (loose files,
 * unsafe fixes, masked files, a node assembled from the EKS AL2023 image's real files).
 *
 * The oracle block runs the real systemd-sysctl and procps `sysctl` in a fresh network namespace
 * (`unshare -n`, root only): every key used there is per-namespace (net.ipv4.*, net.ipv6.*), so
 * nothing on the test machine changes. CI (root, systemd and procps installed) must run it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempTree, type Layout } from './helpers/tree.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { discover } from '../src/discover/index.js';
import { fixtureFinding, type FixtureFinding } from '../src/engine/docs.js';
import { runFixes } from '../src/engine/fix-run.js';
import { lintSpec } from '../src/engine/pipeline.js';
import { LoadContext } from '../src/model/load.js';
import { loadSysctl } from '../src/model/sysctl.js';
import { culprit, kernelInt, kernelValue } from '../src/rules/shared/kernel.js';
import { CORPUS } from './helpers/cli.js';
import { isIPv6 as netIsIPv6 } from 'node:net';
import { isIPv6 } from '../src/rules/sysctl-required.js';

const MINE = ['sysctl-required', 'kernel-module-required', 'protect-kernel-defaults-sysctl', 'sysctl-inline-comment', 'syntax'];
const T134 = { kubernetes: parseVersion('1.34')!, containerd: parseVersion('2.1')! };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function build(layout: Layout): string {
  return tempTree(layout, dirs, 'crilint-kernel-');
}

function spec(root: string | null, paths: string[] = []) {
  const d = discover(paths, root ? [root] : []);
  expect(d.errors).toEqual([]);
  expect(d.specs.length).toBe(1);
  return d.specs[0]!;
}

/** Findings of the kernel rules (and syntax), as the JSON output lists them. */
function lint(root: string | null, paths: string[] = [], given = T134, rules: readonly string[] = MINE): FixtureFinding[] {
  return lintSpec(spec(root, paths), { given }).findings.filter((f) => rules.includes(f.rule)).map(fixtureFinding);
}

/** Short form: `file:line:col rule severity fix`. */
function brief(list: FixtureFinding[]): string[] {
  return list.map((f) => `${f.file ?? '-'}:${f.line ?? '-'}:${f.column ?? '-'} ${f.rule} ${f.severity} ${f.fix ?? 'no-fix'}`);
}

/** `crilint lint --fix` (or --unsafe-fixes) limited to the kernel rules: the files it writes, by display path. */
function fixed(root: string, unsafe: boolean, given = T134, rules: readonly string[] = MINE): Record<string, string> {
  const { result } = runFixes(spec(root), { given, unsafe, keep: (f) => rules.includes(f.rule) });
  expect(result.failed).toEqual([]);
  expect(result.deferred).toEqual([]);
  return Object.fromEntries([...result.files.values()].map((f) => [f.display, f.text]));
}

function model(layout: Layout) {
  const root = build(layout);
  return loadSysctl(new LoadContext({ name: root, root, files: [], focus: null }))!;
}

describe('how the kernel reads a value written to /proc/sys (proc_get_long, verified on Linux 6.18)', () => {
  it.each([
    ['1', 1],
    ['0', 0],
    ['1 # on', 1],
    ['1\t#x', 1],
    ['1 2', 1],
    ['0x1', 1],
    ['0X1f', 31],
    ['01', 1],
    ['010', 8],
    ['00', 0],
    ['-1', -1],
    ['10 ; reboot', 10],
    ['1#on', null],
    ['+1', null],
    ['true', null],
    ['yes', null],
    ['1.0', null],
    ['08', null],
    ['0xg', null],
    ['', null],
    ['-', null],
  ] as const)('%j → %j', (raw, value) => {
    expect(kernelInt(raw)).toBe(value);
  });
});

describe('the value the kernel holds (linked keys, write order)', () => {
  // The three files of the oracle's first scenario: systemd writes ip_forward at its first place
  // (the equal re-assignment in 30-c keeps it there), then all.forwarding = 0 — which is ip_forward.
  const m = model({
    'etc/sysctl.d/10-a.conf': 'net.ipv4.ip_forward = 1\n',
    'etc/sysctl.d/20-b.conf': 'net.ipv4.conf.all.forwarding = 0\n',
    'etc/sysctl.d/30-c.conf': 'net.ipv4.ip_forward = 1\n',
  });

  it('systemd-sysctl: an equal re-assignment keeps the key at its first place (writtenAt), so all.forwarding = 0 is written last', () => {
    const eff = m.effective('net.ipv4.ip_forward')!;
    expect([eff.winner!.file.display, eff.writtenAt!.file.display]).toEqual(['etc/sysctl.d/30-c.conf', 'etc/sysctl.d/10-a.conf']);
    const kv = kernelValue(m, 'net.ipv4.ip_forward');
    expect(kv.value).toBe(0);
    expect(kv.writes.map((w) => [w.key, w.entry.file.display, w.value])).toEqual([
      ['net.ipv4.ip_forward', 'etc/sysctl.d/30-c.conf', 1],
      ['net.ipv4.conf.all.forwarding', 'etc/sysctl.d/20-b.conf', 0],
    ]);
    expect(culprit(kv)).toMatchObject({ kind: 'wrong', entry: { line: 1, file: { display: 'etc/sysctl.d/20-b.conf' } } });
  });

  it('procps writes every statement in list order: the last one (30-c) decides', () => {
    const kv = kernelValue(m.procps, 'net.ipv4.ip_forward');
    expect(kv.value).toBe(1);
    expect(kv.setBy!.entry.file.display).toBe('etc/sysctl.d/30-c.conf');
  });

  it('a rejected write keeps the earlier value; nothing written keeps the kernel default', () => {
    const r = model({ 'etc/sysctl.d/10-a.conf': 'net.ipv4.conf.all.forwarding = 1\n', 'etc/sysctl.d/20-b.conf': 'net.ipv4.ip_forward = 1#on\n' });
    const kv = kernelValue(r, 'net.ipv4.ip_forward');
    expect([kv.value, kv.setBy!.entry.file.display, culprit(kv).kind]).toEqual([1, 'etc/sysctl.d/10-a.conf', 'rejected']);
    const none = model({ 'etc/sysctl.d/10-a.conf': 'vm.swappiness = 10\n' });
    expect(kernelValue(none, 'net.ipv4.ip_forward')).toMatchObject({ value: 0, setBy: null, writes: [] });
    expect(kernelValue(none, 'vm.overcommit_memory').value).toBe(0);
    expect(kernelValue(none, 'kernel.keys.root_maxkeys').value).toBe(1000000);
  });

  it('a glob writes the linked key unless it has an assignment of its own; an exclusion cancels (systemd only)', () => {
    const g = model({ 'etc/sysctl.d/10-a.conf': 'net.ipv4.ip_forward = 1\n', 'etc/sysctl.d/90-b.conf': 'net.ipv4.conf.*.forwarding = 0\n' });
    expect(kernelValue(g, 'net.ipv4.ip_forward').value).toBe(0);
    const g2 = model({ 'etc/sysctl.d/10-a.conf': 'net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.forwarding = 1\n', 'etc/sysctl.d/90-b.conf': 'net.ipv4.conf.*.forwarding = 0\n' });
    expect(kernelValue(g2, 'net.ipv4.ip_forward').value).toBe(1);
    const x = model({ 'etc/sysctl.d/10-a.conf': 'net.ipv4.ip_forward = 1\n', 'etc/sysctl.d/90-b.conf': '-net.ipv4.ip_forward\n' });
    expect([kernelValue(x, 'net.ipv4.ip_forward').value, culprit(kernelValue(x, 'net.ipv4.ip_forward')).kind]).toEqual([0, 'excluded']);
    expect(kernelValue(x.procps, 'net.ipv4.ip_forward').value).toBe(1);
  });

  it('IPv6: all.forwarding is copied to default.forwarding', () => {
    const v6 = model({ 'etc/sysctl.d/k8s.conf': 'net.ipv6.conf.all.forwarding = 1\n' });
    expect(kernelValue(v6, 'net.ipv6.conf.default.forwarding').value).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Oracle: the real systemd-sysctl and procps in a fresh network namespace.

const which = (names: string[]) => names.find((p) => existsSync(p)) ?? null;
const SYSTEMD_SYSCTL = which(['/usr/lib/systemd/systemd-sysctl', '/lib/systemd/systemd-sysctl']);
const PROCPS_SYSCTL = which(['/usr/sbin/sysctl', '/sbin/sysctl', '/usr/bin/sysctl']);
const netns = process.getuid?.() === 0 && spawnSync('unshare', ['-n', 'true']).status === 0;
const oracle = SYSTEMD_SYSCTL !== null && PROCPS_SYSCTL !== null && netns;

describe('kernel value oracle (systemd-sysctl and procps in `unshare -n`)', () => {
  it('runs wherever CI runs (root, unshare, systemd-sysctl and procps sysctl); elsewhere only when they are there', () => {
    if (process.env.CI) expect({ SYSTEMD_SYSCTL, PROCPS_SYSCTL, netns }).toEqual({ SYSTEMD_SYSCTL: expect.any(String), PROCPS_SYSCTL: expect.any(String), netns: true });
    else expect(typeof oracle).toBe('boolean');
  });

  const KEYS = ['net.ipv4.ip_forward', 'net.ipv6.conf.default.forwarding'] as const;
  const FORWARDING = ['net/ipv4/conf/all/forwarding', 'net/ipv4/conf/default/forwarding', 'net/ipv6/conf/all/forwarding', 'net/ipv6/conf/default/forwarding'];
  /** Files in name order below etc/sysctl.d (only per-namespace net.* keys). */
  const scenarios: Record<string, string[]> = {
    'equal re-assignment keeps its place': ['net.ipv4.ip_forward = 1', 'net.ipv4.conf.all.forwarding = 0', 'net.ipv4.ip_forward = 1'],
    'the reverse: systemd forwards, procps does not': ['net.ipv4.conf.all.forwarding = 0', 'net.ipv4.ip_forward = 1', 'net.ipv4.conf.all.forwarding = 0'],
    'glob after the explicit key': ['net.ipv4.ip_forward = 1', 'net.ipv4.conf.*.forwarding = 0'],
    'glob, with all.forwarding explicit': ['net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.forwarding = 1', 'net.ipv4.conf.*.forwarding = 0'],
    'inline comment after a blank': ['net.ipv4.ip_forward = 1 # on'],
    'inline comment attached': ['net.ipv4.ip_forward = 1#on'],
    'rejected after a good linked write': ['net.ipv4.conf.all.forwarding = 1', 'net.ipv4.ip_forward = yes'],
    'hex and octal': ['net.ipv4.ip_forward = 0x1', 'net.ipv6.conf.all.forwarding = 01'],
    'exclusion cancels': ['net.ipv4.ip_forward = 1', '-net.ipv4.ip_forward'],
    'IPv6 all then default': ['net.ipv6.conf.all.forwarding = 1', 'net.ipv6.conf.default.forwarding = 0'],
    'IPv6 default then all': ['net.ipv6.conf.default.forwarding = 0', 'net.ipv6.conf.all.forwarding = 1'],
  };

  for (const [name, files] of Object.entries(scenarios)) {
    it.runIf(oracle)(name, () => {
      const layout: Layout = {};
      files.forEach((text, i) => (layout[`etc/sysctl.d/${10 + i * 10}-f.conf`] = text + '\n'));
      const root = build(layout);
      const m = loadSysctl(new LoadContext({ name: root, root, files: [], focus: null }))!;
      const paths = files.map((_, i) => join(root, `etc/sysctl.d/${10 + i * 10}-f.conf`));
      // procps --system reads all files as one list: the concatenation, applied with one -p.
      const all = join(root, 'all.conf');
      writeFileSync(all, files.join('\n') + '\n');
      const read = KEYS.map((k) => `cat /proc/sys/${k.replace(/\./g, '/')}`).join('; ');
      // A new namespace copies IPv4 forwarding from the host's (net.core.devconf_inherit_init_net = 0):
      // start from the kernel's defaults, which crilint assumes, whatever the host forwards.
      const reset = FORWARDING.map((p) => `echo 0 > /proc/sys/${p}`).join('; ');
      const run = (cmd: string) => {
        const r = spawnSync('unshare', ['-n', 'sh', '-c', `${reset}; ${cmd} >/dev/null 2>&1; ${read}`], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout.trim().split('\n').map(Number);
      };
      const systemd = run(`${SYSTEMD_SYSCTL} --prefix=/net ${paths.join(' ')}`);
      const procps = run(`${PROCPS_SYSCTL} -p ${all}`);
      expect(KEYS.map((k) => kernelValue(m, k).value), 'systemd-sysctl').toEqual(systemd);
      expect(KEYS.map((k) => kernelValue(m.procps, k).value), 'procps').toEqual(procps);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('sysctl-required', () => {
  it('tells IPv6 addresses as node:net does (without zone IDs, which net.ParseIP rejects too)', () => {
    const samples = [
      'fd00:10:96::a', '::1', '::', '2001:db8::1', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:10.96.0.10', '64:ff9b::192.0.2.33',
      '10.96.0.10', '169.254.20.10', '', ':', ':::', '1::2::3', '2001:db8::g', 'fd00::1/64', '[fd00::1]', 'fd00::1]/x', 'http://[::1]', 'localhost',
      '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '12345::1', '::ffff:300.1.1.1', 'fe80::1 ',
    ];
    expect(samples.map((x) => [x, isIPv6(x)])).toEqual(samples.map((x) => [x, netIsIPv6(x)]));
    expect(isIPv6('fe80::1%eth0')).toBe(false);
  });

  it('systemd and procps write in different orders: boot forwards, "sysctl --system" does not', () => {
    const root = build({
      'etc/sysctl.d/10-a.conf': 'net.ipv4.conf.all.forwarding = 0\n',
      'etc/sysctl.d/20-b.conf': 'net.ipv4.ip_forward = 1\n',
      'etc/sysctl.d/30-c.conf': 'net.ipv4.conf.all.forwarding = 0\n',
    });
    expect(lint(root)).toEqual([
      {
        rule: 'sysctl-required',
        severity: 'error',
        file: 'etc/sysctl.d/30-c.conf',
        line: 1,
        column: 32,
        endLine: 1,
        endColumn: 33,
        message:
          'IP forwarding is on after boot, but "sysctl --system" (procps) writes every assignment in list order, while systemd-sysctl writes each key once, at the place of the assignment that last changed its value: this assignment sets net.ipv4.conf.all.forwarding to 0, so after "sysctl --system" (which the Kubernetes install guide, TuneD and configuration tools run) net.ipv4.ip_forward is 0 until the next reboot: pod traffic is not routed beyond the node and kubeadm\'s preflight fails with "[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1"; set it to 1',
        fix: 'safe',
        related: [{ file: 'etc/sysctl.d/20-b.conf', line: 1, column: 23, message: 'net.ipv4.ip_forward = 1: what systemd-sysctl applies at boot' }],
      },
    ]);
    expect(fixed(root, false)).toEqual({ 'etc/sysctl.d/30-c.conf': 'net.ipv4.conf.all.forwarding = 1\n' });
  });

  it('an exclusion that cancels the assignment: reported at it, no fix (it may guard against a glob)', () => {
    const root = build({ 'etc/sysctl.d/10-k8s.conf': 'net.ipv4.ip_forward = 1\n', 'etc/sysctl.d/99-x.conf': '# keep globs away\n-net.ipv4.ip_forward\n' });
    const [f] = lint(root);
    expect(brief([f!])).toEqual(['etc/sysctl.d/99-x.conf:2:1 sysctl-required error no-fix']);
    expect(f!.message).toBe(
      '"-net.ipv4.ip_forward" cancels the earlier assignment of net.ipv4.ip_forward: systemd-sysctl does not write it at all, so net.ipv4.ip_forward is 0 (the kernel default) after boot: pod traffic is not routed beyond the node and kubeadm\'s preflight fails with "[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1"; remove the exclusion or assign 1 after it',
    );
    expect(f!.related).toEqual([{ file: 'etc/sysctl.d/10-k8s.conf', line: 1, column: 23, message: 'net.ipv4.ip_forward = 1: overridden (applied earlier)' }]);
  });

  it('a rejected value with an attached "#" gets no fix (the comment would be lost)', () => {
    const root = build({ 'etc/sysctl.d/k8s.conf': 'net.ipv4.ip_forward = 1#on\n' });
    expect(brief(lint(root))).toEqual(['etc/sysctl.d/k8s.conf:1:23 sysctl-required error no-fix', 'etc/sysctl.d/k8s.conf:1:24 sysctl-inline-comment error no-fix']);
    expect(lint(root)[0]!.message).toContain('the kernel rejects "1#on" for net.ipv4.ip_forward (sysctl.d has no inline comments: everything after "=" is the value)');
  });

  it('a wrong value followed by text: only the number is replaced', () => {
    const root = build({ 'etc/sysctl.d/99-cis.conf': 'net.ipv4.ip_forward = 0 ; CIS 3.1.1\n' });
    expect(fixed(root, false)).toEqual({ 'etc/sysctl.d/99-cis.conf': 'net.ipv4.ip_forward = 1 ; CIS 3.1.1\n' });
  });

  it('IPv6 from --node-ip; the fix is unsafe and appends to the Kubernetes file', () => {
    const root = build({
      'etc/sysctl.d/99-kubernetes.conf': 'net.ipv4.ip_forward = 1',
      'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--node-ip=fd00::5"\n',
    });
    expect(brief(lint(root))).toEqual(['-:-:- sysctl-required error unsafe']);
    expect(lint(root)[0]!.related).toEqual([{ file: 'var/lib/kubelet/kubeadm-flags.env', line: 1, column: 23, message: "IPv6 in use: the kubelet's --node-ip has the IPv6 address fd00::5" }]);
    expect(fixed(root, false)).toEqual({});
    expect(fixed(root, true)).toEqual({ 'etc/sysctl.d/99-kubernetes.conf': 'net.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 1\n' });
  });

  it('IPv6 forwarding explicitly off on an IPv4 cluster is none of its business', () => {
    const root = build({
      'etc/sysctl.d/k8s.conf': 'net.ipv4.ip_forward = 1\nnet.ipv6.conf.all.forwarding = 0\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDNS: [10.96.0.10]\naddress: "::"\n',
    });
    expect(lint(root)).toEqual([]);
  });

  it('loose files: a wrong value is reported, a fragment without the key is not', () => {
    const root = build({ 'a/99-cis.conf': 'net.ipv4.ip_forward = 0\n', 'b/60-perf.conf': 'vm.swappiness = 10\n' });
    expect(brief(lint(null, [join(root, 'a/99-cis.conf')]))).toEqual([`${relFromCwd(root, 'a/99-cis.conf')}:1:23 sysctl-required error safe`]);
    expect(lint(null, [join(root, 'b/60-perf.conf')])).toEqual([]);
  });

  it('an unreadable sysctl file: no conclusion about what the node sets', () => {
    const root = build({ 'etc/sysctl.d/10-k8s.conf': 'vm.swappiness = 10\n\u0000\u0001binary' });
    expect(brief(lint(root))).toEqual(['etc/sysctl.d/10-k8s.conf:2:1 syntax error no-fix']);
  });
});

function relFromCwd(root: string, rel: string): string {
  const p = join(root, rel);
  const cwdRel = join(process.cwd()) + '/';
  return p.startsWith(cwdRel) ? p.slice(cwdRel.length) : p;
}

describe('kernel-module-required', () => {
  const KMR = ['kernel-module-required', 'syntax'];
  it('a vendor file that lists br_netfilter but is masked; the fix creates a file whose name masks nothing', () => {
    const root = build({
      'etc/sysctl.d/k8s.conf': 'net.bridge.bridge-nf-call-iptables = 1\n',
      'usr/lib/modules-load.d/k8s.conf': 'br_netfilter\n',
      'etc/modules-load.d/k8s.conf': { link: '/dev/null' },
    });
    const found = lint(root, [], T134, KMR);
    expect(brief(found)).toEqual(['etc/sysctl.d/k8s.conf:1:38 kernel-module-required warning safe']);
    expect(found[0]!.related).toEqual([{ file: 'usr/lib/modules-load.d/k8s.conf', line: null, column: null, message: 'lists br_netfilter, but /etc/modules-load.d/k8s.conf (a link to /dev/null) has the same name and hides it' }]);
    expect(fixed(root, false, T134, KMR)).toEqual({ 'etc/modules-load.d/k8s-crilint.conf': 'br_netfilter\n' });
  });

  it('kmod names: br-netfilter loads br_netfilter', () => {
    const root = build({ 'etc/sysctl.d/k8s.conf': 'net.bridge.bridge-nf-call-iptables = 1\n', 'etc/modules-load.d/k8s.conf': 'br-netfilter\n' });
    expect(lint(root, [], T134, KMR)).toEqual([]);
  });

  it('only /etc/sysctl.conf sets a bridge key: what procps says', () => {
    const root = build({ 'etc/sysctl.conf': 'net.bridge.bridge-nf-call-ip6tables=1\n', 'etc/modules-load.d/k8s.conf': 'overlay\n' });
    const [f] = lint(root, [], T134, KMR);
    expect(brief([f!])).toEqual(['etc/sysctl.conf:1:37 kernel-module-required warning safe']);
    expect(f!.message).toContain('"sysctl --system" fails with "sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-ip6tables: No such file or directory"');
    expect(fixed(root, false, T134, KMR)).toEqual({ 'etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter\n' });
  });

  it('loose files: silent without a modules-load.d file among them; with one, fixed in it', () => {
    const root = build({ 'sysctl/k8s.conf': 'net.bridge.bridge-nf-call-iptables = 1\n', 'modules/k8s-modules.conf': 'overlay' });
    const s = join(root, 'sysctl/k8s.conf');
    const mods = join(root, 'modules/k8s-modules.conf');
    expect(lint(null, [s])).toEqual([]);
    expect(brief(lint(null, [s, mods]))).toEqual([`${relFromCwd(root, 'sysctl/k8s.conf')}:1:38 kernel-module-required warning safe`]);
    const { result } = runFixes(spec(null, [s, mods]), { given: T134, unsafe: false, keep: (f) => MINE.includes(f.rule) });
    expect([...result.files.values()].map((f) => [f.path, f.text])).toEqual([[mods, 'overlay\nbr_netfilter\n']]);
  });

  it('a containerd 1.7 config with its default snapshotter (v2 file, no snapshotter key): overlay advice', () => {
    const root = build({ 'etc/containerd/config.toml': 'version = 2\n', 'etc/modules-load.d/k8s.conf': 'br_netfilter\n' });
    expect(brief(lint(root, [], { kubernetes: parseVersion('1.30')!, containerd: parseVersion('1.7')! }))).toEqual(['-:-:- kernel-module-required info safe']);
    const other = build({ 'etc/containerd/config.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n', 'etc/modules-load.d/k8s.conf': 'br_netfilter\n' });
    expect(lint(other, [], { kubernetes: parseVersion('1.30')!, containerd: parseVersion('1.7')! })).toEqual([]);
  });
});

describe('protect-kernel-defaults-sysctl', () => {
  const PKD = ['protect-kernel-defaults-sysctl', 'syntax'];
  const KUBELET = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nprotectKernelDefaults: true\n';

  it('a hardening value: the fix is unsafe and changes only the number', () => {
    const root = build({
      'var/lib/kubelet/config.yaml': KUBELET,
      'etc/sysctl.d/10-k8s.conf': 'vm.overcommit_memory = 1\nkernel.panic = 10\nkernel.panic_on_oops = 1\n',
      'etc/sysctl.d/99-hardening.conf': 'kernel.panic_on_oops=0\n',
    });
    expect(brief(lint(root, [], T134, PKD))).toEqual(['etc/sysctl.d/99-hardening.conf:1:22 protect-kernel-defaults-sysctl error unsafe']);
    expect(fixed(root, false, T134, PKD)).toEqual({});
    expect(fixed(root, true, T134, PKD)).toEqual({ 'etc/sysctl.d/99-hardening.conf': 'kernel.panic_on_oops=1\n' });
  });

  it('/etc/sysctl.conf undoes a tunable for "sysctl --system": reported there (unsafe fix)', () => {
    const root = build({
      'var/lib/kubelet/config.yaml': KUBELET,
      'etc/sysctl.d/99-kubelet.conf': 'vm.overcommit_memory = 1\nkernel.panic = 10\nkernel.panic_on_oops = 1\n',
      'etc/sysctl.conf': 'kernel.panic = 0\n',
    });
    const [f] = lint(root, [], T134, PKD);
    expect(brief([f!])).toEqual(['etc/sysctl.conf:1:16 protect-kernel-defaults-sysctl error unsafe']);
    expect(f!.message).toBe(
      'protectKernelDefaults: true: kernel.panic is 10 after boot, but "sysctl --system" applies /etc/sysctl.conf after every sysctl.d file (systemd-sysctl does not read it at boot), so after "sysctl --system" it is 0 and the kubelet\'s next restart fails with "invalid kernel flag: kernel/panic, expected value: 10, actual value: 0"; set it to 10',
    );
  });

  it('a value the kernel rejects keeps the default: reported at it, no fix', () => {
    const root = build({ 'var/lib/kubelet/config.yaml': KUBELET, 'etc/sysctl.d/99-kubelet.conf': 'vm.overcommit_memory = 1\nkernel.panic = 10s\nkernel.panic_on_oops = 1\n' });
    const [f] = lint(root, [], T134, PKD);
    expect(brief([f!])).toEqual(['etc/sysctl.d/99-kubelet.conf:2:16 protect-kernel-defaults-sysctl error no-fix']);
    expect(f!.message).toContain('the kernel rejects "10s" (not a number), so kernel.panic stays 0 (the kernel default)');
  });

  it('the flag wins over the file: --protect-kernel-defaults=false turns the check off', () => {
    const root = build({
      'var/lib/kubelet/config.yaml': KUBELET,
      'var/lib/kubelet/kubeadm-flags.env': 'KUBELET_KUBEADM_ARGS="--protect-kernel-defaults=false"\n',
      'etc/sysctl.d/k8s.conf': 'net.ipv4.ip_forward = 1\n',
    });
    expect(lint(root, [], T134, PKD)).toEqual([]);
  });

  it('a node set without sysctl files says nothing about the tunables', () => {
    expect(lint(build({ 'var/lib/kubelet/config.yaml': KUBELET }))).toEqual([]);
  });
});

describe('sysctl-inline-comment', () => {
  const SIC = ['sysctl-inline-comment', 'syntax'];
  it('the "-" prefix: the failure is ignored, so the service does not fail (but the setting is still lost)', () => {
    const root = build({ 'etc/sysctl.d/k8s.conf': '-net.core.somaxconn = 4096#x\n' });
    const [f] = lint(root, [], T134, SIC);
    expect(brief([f!])).toEqual(['etc/sysctl.d/k8s.conf:1:27 sysctl-inline-comment error no-fix']);
    expect(f!.message).toBe(
      '"#x" is part of the value: sysctl.d has no inline comments, so systemd-sysctl writes "4096#x" to net.core.somaxconn, which the kernel rejects ("Couldn\'t write \'4096#x\' to \'net/core/somaxconn\': Invalid argument") and net.core.somaxconn keeps its previous value; put the comment on a line of its own above',
    );
  });

  it('a masked file is not read, so its comments are not reported', () => {
    const root = build({ 'usr/lib/sysctl.d/50-x.conf': 'vm.swappiness = 10 # vendor\n', 'etc/sysctl.d/50-x.conf': { link: '/dev/null' } });
    expect(lint(root, [], T134, SIC)).toEqual([]);
  });
});

describe('a node assembled from the EKS Amazon Linux 2023 image (../shared/corpus)', () => {
  const other = (p: string) => readFileSync(join(CORPUS, 'other', p), 'utf8');
  const layout: Layout = {
    'etc/sysctl.d/99-kubernetes-cri.conf': other('sysctl.d/eks-al2023__99-kubernetes-cri.conf'),
    'etc/sysctl.d/99-amazon.conf': other('sysctl.d/eks-al2023__99-amazon.conf'),
    'etc/sysctl.d/67-eks-reserved-ports.conf': other('sysctl.d/eks-al2023__67-eks-reserved-ports.conf'),
    'etc/sysctl.conf': other('sysctl.d/eks-al2023__etc-sysctl.conf'),
    'etc/modules-load.d/containerd.conf': other('modules-load.d/eks-al2023__containerd.conf'),
    'etc/modules-load.d/iptables.conf': other('modules-load.d/eks-al2023__iptables.conf'),
    'var/lib/kubelet/config.yaml': readFileSync(join(CORPUS, 'kubelet/eks-nodeadm-al2023-expected-kubelet-config.json'), 'utf8'),
  };

  it('protectKernelDefaults holds (99-amazon.conf sets what differs from the kernel defaults); br_netfilter is never loaded', () => {
    const root = build(layout);
    expect(brief(lint(root))).toEqual(['etc/sysctl.d/99-kubernetes-cri.conf:1:39 kernel-module-required warning safe']);
    expect(fixed(root, false)).toEqual({ 'etc/modules-load.d/containerd.conf': 'br_netfilter\n' });
  });
});
