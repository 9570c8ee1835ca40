import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Range } from '../src/core/types.js';
import { LoadContext } from '../src/model/load.js';
import { loadSysctl, type SysctlEffective, type SysctlFile, type SysctlModel } from '../src/model/sysctl.js';
import { normalizeSysctlKey, parseSysctl, sysctlGlobMatch, type SysctlEntry } from '../src/parse/sysctl.js';
import { REPO } from './helpers/cli.js';
import { src } from './helpers/source.js';

const at = (r: Range | null) => (r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : null);
const brief = (e: SysctlEntry) => ({
  kind: e.kind,
  line: e.line,
  rawKey: e.rawKey,
  key: e.key,
  path: e.path,
  value: e.value,
  ignoreFailure: e.ignoreFailure,
  glob: e.glob,
  range: at(e.range),
  keyRange: at(e.keyRange),
  valueRange: at(e.valueRange),
});
const where = (e: SysctlEntry | null) => (e ? `${e.file.display}:${e.line}` : null);
const eff = (x: SysctlEffective | null) =>
  x && {
    key: x.key,
    value: x.value,
    winner: where(x.winner),
    overridden: x.overridden.map(where),
    excludedBy: where(x.excludedBy),
    via: x.via,
    ignoreFailure: x.ignoreFailure,
  };
const fileRow = (f: SysctlFile) => ({ path: f.path, kind: f.kind, target: f.target, source: f.source?.display ?? null, entries: f.entries.length });

describe('sysctl.d line parser', () => {
  it('parses assignments, exclusions, globs and comments with exact ranges', () => {
    const s = src(
      [
        '# comment',
        '  ; also a comment',
        '',
        'net.ipv4.ip_forward = 1',
        'vm.swappiness=10',
        '  kernel.panic   =   10  ',
        'net.ipv4.tcp_syncookies = 1 # not a comment',
        '-net.ipv4.ping_group_range = 0 2147483647',
        '-net.ipv4.conf.all.rp_filter',
        'net.ipv4.conf.*.rp_filter = 2',
        'net/ipv4/conf/eth0.100/forwarding = 1',
        'net.ipv4.conf.eth0/100.rp_filter=0',
        'kernel.domainname =',
        '\t- kernel.hostname = node1',
      ].join('\n'),
      'sysctl',
    );
    const p = parseSysctl(s);
    expect(p.findings).toEqual([]);
    expect(p.comments.map((c) => ({ line: c.line, text: c.text, range: at(c.range), ownLine: c.ownLine }))).toEqual([
      { line: 1, text: ' comment', range: '1:1-1:10', ownLine: true },
      { line: 2, text: ' also a comment', range: '2:3-2:19', ownLine: true },
    ]);
    expect(p.entries.map(brief)).toEqual([
      { kind: 'assign', line: 4, rawKey: 'net.ipv4.ip_forward', key: 'net.ipv4.ip_forward', path: 'net/ipv4/ip_forward', value: '1', ignoreFailure: false, glob: false, range: '4:1-4:24', keyRange: '4:1-4:20', valueRange: '4:23-4:24' },
      { kind: 'assign', line: 5, rawKey: 'vm.swappiness', key: 'vm.swappiness', path: 'vm/swappiness', value: '10', ignoreFailure: false, glob: false, range: '5:1-5:17', keyRange: '5:1-5:14', valueRange: '5:15-5:17' },
      { kind: 'assign', line: 6, rawKey: 'kernel.panic', key: 'kernel.panic', path: 'kernel/panic', value: '10', ignoreFailure: false, glob: false, range: '6:3-6:24', keyRange: '6:3-6:15', valueRange: '6:22-6:24' },
      // No inline comments: the value is everything after `=` (systemd-sysctl writes "1 # not a comment").
      { kind: 'assign', line: 7, rawKey: 'net.ipv4.tcp_syncookies', key: 'net.ipv4.tcp_syncookies', path: 'net/ipv4/tcp_syncookies', value: '1 # not a comment', ignoreFailure: false, glob: false, range: '7:1-7:44', keyRange: '7:1-7:24', valueRange: '7:27-7:44' },
      { kind: 'assign', line: 8, rawKey: 'net.ipv4.ping_group_range', key: 'net.ipv4.ping_group_range', path: 'net/ipv4/ping_group_range', value: '0 2147483647', ignoreFailure: true, glob: false, range: '8:1-8:42', keyRange: '8:2-8:27', valueRange: '8:30-8:42' },
      { kind: 'exclude', line: 9, rawKey: 'net.ipv4.conf.all.rp_filter', key: 'net.ipv4.conf.all.rp_filter', path: 'net/ipv4/conf/all/rp_filter', value: null, ignoreFailure: false, glob: false, range: '9:1-9:29', keyRange: '9:2-9:29', valueRange: null },
      { kind: 'assign', line: 10, rawKey: 'net.ipv4.conf.*.rp_filter', key: 'net.ipv4.conf.*.rp_filter', path: 'net/ipv4/conf/*/rp_filter', value: '2', ignoreFailure: false, glob: true, range: '10:1-10:30', keyRange: '10:1-10:26', valueRange: '10:29-10:30' },
      // First separator `/`: dots stay dots (a VLAN interface name); the dotted form swaps them.
      { kind: 'assign', line: 11, rawKey: 'net/ipv4/conf/eth0.100/forwarding', key: 'net.ipv4.conf.eth0/100.forwarding', path: 'net/ipv4/conf/eth0.100/forwarding', value: '1', ignoreFailure: false, glob: false, range: '11:1-11:38', keyRange: '11:1-11:34', valueRange: '11:37-11:38' },
      { kind: 'assign', line: 12, rawKey: 'net.ipv4.conf.eth0/100.rp_filter', key: 'net.ipv4.conf.eth0/100.rp_filter', path: 'net/ipv4/conf/eth0.100/rp_filter', value: '0', ignoreFailure: false, glob: false, range: '12:1-12:35', keyRange: '12:1-12:33', valueRange: '12:34-12:35' },
      { kind: 'assign', line: 13, rawKey: 'kernel.domainname', key: 'kernel.domainname', path: 'kernel/domainname', value: '', ignoreFailure: false, glob: false, range: '13:1-13:20', keyRange: '13:1-13:18', valueRange: '13:20-13:20' },
      { kind: 'assign', line: 14, rawKey: 'kernel.hostname', key: 'kernel.hostname', path: 'kernel/hostname', value: 'node1', ignoreFailure: true, glob: false, range: '14:2-14:27', keyRange: '14:4-14:19', valueRange: '14:22-14:27' },
    ]);
  });

  it('reports a line that is not an assignment as a syntax error at the statement', () => {
    const s = src('net.ipv4.ip_forward = 1\n  net.ipv4.ip_forward 1  \n= 5\n-\nok = 1\n', 'sysctl');
    const p = parseSysctl(s);
    expect(p.findings.map((f) => ({ rule: f.rule, severity: f.severity, at: at(f.range), message: f.message }))).toEqual([
      {
        rule: 'syntax',
        severity: 'error',
        at: '2:3-2:24',
        message:
          'not an assignment: "net.ipv4.ip_forward 1"; systemd-sysctl ignores this line ("Line is not an assignment, ignoring") and exits with a failure (expected "key = value")',
      },
      { rule: 'syntax', severity: 'error', at: '3:1-3:4', message: 'assignment without a key: "= 5"; systemd-sysctl would write the value to /proc/sys/ itself and fail' },
    ]);
    expect(p.entries.map((e) => `${e.line}:${e.key}=${e.value}`)).toEqual(['1:net.ipv4.ip_forward=1', '5:ok=1']);
  });

  it('handles CRLF line ends, a missing final newline and a BOM', () => {
    const s = src('\ufeffa.b = 1\r\n# c\r\nc.d=2', 'sysctl');
    const p = parseSysctl(s);
    expect(p.entries.map((e) => [e.key, e.value, at(e.range)])).toEqual([
      ['a.b', '1', '1:1-1:8'],
      ['c.d', '2', '3:1-3:6'],
    ]);
    expect(p.comments.map((c) => [c.text, at(c.range)])).toEqual([[' c', '2:1-2:4']]);
  });

  it('normalises keys like systemd sysctl_normalize', () => {
    expect(normalizeSysctlKey('net.ipv4.ip_forward')).toEqual({ key: 'net.ipv4.ip_forward', path: 'net/ipv4/ip_forward' });
    expect(normalizeSysctlKey('net/ipv4/ip_forward')).toEqual({ key: 'net.ipv4.ip_forward', path: 'net/ipv4/ip_forward' });
    expect(normalizeSysctlKey('/net//ipv4/./ip_forward/')).toEqual({ key: 'net.ipv4.ip_forward', path: 'net/ipv4/ip_forward' });
    expect(normalizeSysctlKey('net.ipv4.conf.enp3s0/200.forwarding')).toEqual({ key: 'net.ipv4.conf.enp3s0/200.forwarding', path: 'net/ipv4/conf/enp3s0.200/forwarding' });
    expect(normalizeSysctlKey('net/ipv4/conf/enp3s0.200/forwarding').key).toBe('net.ipv4.conf.enp3s0/200.forwarding');
    expect(normalizeSysctlKey('kernel')).toEqual({ key: 'kernel', path: 'kernel' });
  });

  it('matches glob keys component by component', () => {
    expect(sysctlGlobMatch('net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.all.rp_filter')).toBe(true);
    expect(sysctlGlobMatch('net.ipv4.conf.*.rp_filter', 'net/ipv4/conf/eth0.100/rp_filter')).toBe(true);
    expect(sysctlGlobMatch('net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.all.accept_redirects')).toBe(false);
    expect(sysctlGlobMatch('net.ipv4.*', 'net.ipv4.conf.all.rp_filter')).toBe(false);
    expect(sysctlGlobMatch('net.ipv4.conf.lxc*.rp_filter', 'net.ipv4.conf.lxc12ab.rp_filter')).toBe(true);
    expect(sysctlGlobMatch('net.ipv4.conf.lxc*.rp_filter', 'net.ipv4.conf.eth0.rp_filter')).toBe(false);
    expect(sysctlGlobMatch('fs.protected_?ardlinks', 'fs.protected_hardlinks')).toBe(true);
    expect(sysctlGlobMatch('net.ipv4.conf.eth[01].rp_filter', 'net.ipv4.conf.eth1.rp_filter')).toBe(true);
    expect(sysctlGlobMatch('net.ipv4.conf.eth[!01].rp_filter', 'net.ipv4.conf.eth1.rp_filter')).toBe(false);
    expect(sysctlGlobMatch('net.ipv4.conf.eth[!01].rp_filter', 'net.ipv4.conf.eth2.rp_filter')).toBe(true);
  });
});

function rootModel(root: string): { model: SysctlModel | null; ctx: LoadContext } {
  const ctx = new LoadContext({ name: root, root, files: [], focus: null });
  return { model: loadSysctl(ctx), ctx };
}

describe('sysctl.d model (root mode)', () => {
  const root = resolve(REPO, 'fixtures/parse/sysctl/layered');
  const { model, ctx } = rootModel(root);

  it('orders files by name across directories, with same-name masking and only visible *.conf files', () => {
    expect(model!.mode).toBe('root');
    expect(model!.files.map(fileRow)).toEqual([
      { path: '/etc/sysctl.d/10-k8s.conf', kind: 'file', target: null, source: 'etc/sysctl.d/10-k8s.conf', entries: 2 },
      { path: '/usr/lib/sysctl.d/50-default.conf', kind: 'file', target: null, source: 'usr/lib/sysctl.d/50-default.conf', entries: 5 },
      { path: '/run/sysctl.d/60-run.conf', kind: 'file', target: null, source: 'run/sysctl.d/60-run.conf', entries: 1 },
      { path: '/usr/local/lib/sysctl.d/70-local.conf', kind: 'file', target: null, source: 'usr/local/lib/sysctl.d/70-local.conf', entries: 1 },
      { path: '/lib/sysctl.d/80-lib.conf', kind: 'file', target: null, source: 'lib/sysctl.d/80-lib.conf', entries: 1 },
    ]);
    expect(model!.masked.map((f) => [f.path, f.maskedBy?.path])).toEqual([['/usr/lib/sysctl.d/10-k8s.conf', '/etc/sysctl.d/10-k8s.conf']]);
    expect(model!.files[0]!.masks.map((f) => f.path)).toEqual(['/usr/lib/sysctl.d/10-k8s.conf']);
    expect(model!.sysctlConf && fileRow(model!.sysctlConf)).toEqual({ path: '/etc/sysctl.conf', kind: 'file', target: null, source: 'etc/sysctl.conf', entries: 1 });
  });

  it('computes what systemd-sysctl writes: last assignment wins, exclusions cancel, globs fill the rest', () => {
    const m = model!;
    expect(eff(m.effective('net.ipv4.ip_forward'))).toEqual({
      key: 'net.ipv4.ip_forward',
      value: '0',
      winner: 'run/sysctl.d/60-run.conf:1',
      overridden: ['etc/sysctl.d/10-k8s.conf:2'],
      excludedBy: null,
      via: 'explicit',
      ignoreFailure: false,
    });
    expect(eff(m.effective('net/ipv4/ip_forward'))!.winner).toBe('run/sysctl.d/60-run.conf:1');
    expect(eff(m.effective('kernel.sysrq'))).toEqual({ key: 'kernel.sysrq', value: '1', winner: 'usr/local/lib/sysctl.d/70-local.conf:1', overridden: ['usr/lib/sysctl.d/50-default.conf:1'], excludedBy: null, via: 'explicit', ignoreFailure: false });
    // `-net.ipv4.conf.all.rp_filter` replaces the explicit `= 2`: systemd does not write the key.
    expect(eff(m.effective('net.ipv4.conf.all.rp_filter'))).toEqual({
      key: 'net.ipv4.conf.all.rp_filter',
      value: null,
      winner: null,
      overridden: ['usr/lib/sysctl.d/50-default.conf:2'],
      excludedBy: 'usr/lib/sysctl.d/50-default.conf:5',
      via: 'explicit',
      ignoreFailure: false,
    });
    expect(eff(m.effective('net.ipv4.conf.eth0.rp_filter'))).toEqual({ key: 'net.ipv4.conf.eth0.rp_filter', value: '2', winner: 'usr/lib/sysctl.d/50-default.conf:4', overridden: [], excludedBy: null, via: 'glob', ignoreFailure: false });
    expect(eff(m.effective('net.ipv4.ping_group_range'))!.ignoreFailure).toBe(true);
    // /etc/sysctl.conf is not read by systemd-sysctl; the hidden file is skipped.
    expect(m.effective('kernel.panic')).toBeNull();
    expect(m.effective('not.read')).toBeNull();
    expect(m.effective('vm.max_map_count')!.value).toBe('262144');
    expect(m.settings().map((s) => `${s.key}=${s.value}`)).toEqual([
      'net.ipv4.ip_forward=0',
      'net.bridge.bridge-nf-call-iptables=1',
      'kernel.sysrq=1',
      'net.ipv4.conf.all.rp_filter=null',
      'net.ipv4.ping_group_range=0 2147483647',
      'vm.max_map_count=262144',
    ]);
    expect(m.assignments.length).toBe(9);
    expect(m.globs.map((g) => g.key)).toEqual(['net.ipv4.conf.*.rp_filter']);
  });

  it('computes what procps `sysctl --system` writes: hidden files included, /etc/sysctl.conf last, exclusions only stop globs', () => {
    const p = model!.procps;
    expect(p.consumer).toBe('procps');
    expect(p.files.map((f) => f.path)).toEqual([
      '/etc/sysctl.d/.hidden.conf',
      '/etc/sysctl.d/10-k8s.conf',
      '/usr/lib/sysctl.d/50-default.conf',
      '/run/sysctl.d/60-run.conf',
      '/usr/local/lib/sysctl.d/70-local.conf',
      '/lib/sysctl.d/80-lib.conf',
      '/etc/sysctl.conf',
    ]);
    expect(eff(p.effective('net.ipv4.ip_forward'))).toEqual({
      key: 'net.ipv4.ip_forward',
      value: '1',
      winner: 'etc/sysctl.conf:2',
      overridden: ['etc/sysctl.d/10-k8s.conf:2', 'run/sysctl.d/60-run.conf:1'],
      excludedBy: null,
      via: 'explicit',
      ignoreFailure: false,
    });
    expect(eff(p.effective('net.ipv4.conf.all.rp_filter'))).toEqual({ key: 'net.ipv4.conf.all.rp_filter', value: '2', winner: 'usr/lib/sysctl.d/50-default.conf:2', overridden: [], excludedBy: null, via: 'explicit', ignoreFailure: false });
    expect(p.effective('kernel.panic')!.value).toBe('5');
  });

  it('records comments for suppression directives and no findings', () => {
    expect(ctx.findings).toEqual([]);
    const k8s = ctx.files.find((f) => f.display === 'etc/sysctl.d/10-k8s.conf')!;
    expect(ctx.comments.get(k8s)!.map((c) => c.text)).toEqual([' Kubernetes node settings']);
    expect(ctx.files.every((f) => f.kind === 'sysctl')).toBe(true);
  });
});

describe('sysctl.d model: symlinks stay inside the root', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'crilint-sysctl-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    writeFileSync(join(tmp, rel), text);
  };
  const link = (rel: string, target: string) => {
    mkdirSync(dirname(join(tmp, rel)), { recursive: true });
    symlinkSync(target, join(tmp, rel));
  };
  put('usr/lib/sysctl.d/50-default.conf', 'kernel.sysrq = 16\n');
  link('etc/sysctl.d/50-default.conf', '/dev/null');
  put('usr/lib/sysctl.d/20-rel.conf', 'a.b = 1\n');
  link('etc/sysctl.d/20-rel.conf', '../../dev/null');
  put('etc/sysctl.conf', 'net.ipv4.ip_forward = 1\n');
  link('etc/sysctl.d/99-sysctl.conf', '../sysctl.conf');
  link('etc/sysctl.d/98-abs.conf', '/etc/sysctl.conf');
  put('usr/lib/sysctl.d/30-dangling.conf', 'c.d = 1\n');
  link('etc/sysctl.d/30-dangling.conf', '/nonexistent/x.conf');
  link('etc/sysctl.d/40-escape.conf', '../../../../../../../../../../etc/hostname');
  mkdirSync(join(tmp, 'etc/sysctl.d/45-dir.conf'));
  put('usr/lib/sysctl.d/60-empty.conf', 'e.f = 1\n');
  put('etc/sysctl.d/60-empty.conf', '');

  it('classifies masks, links, dangling links and directories, and reads link targets inside the root', () => {
    const { model, ctx } = rootModel(tmp);
    expect(model!.files.map(fileRow)).toEqual([
      { path: '/etc/sysctl.d/20-rel.conf', kind: 'devnull', target: '/dev/null', source: null, entries: 0 },
      { path: '/etc/sysctl.d/30-dangling.conf', kind: 'missing', target: '/nonexistent/x.conf', source: null, entries: 0 },
      { path: '/etc/sysctl.d/40-escape.conf', kind: 'missing', target: '/etc/hostname', source: null, entries: 0 },
      { path: '/etc/sysctl.d/45-dir.conf', kind: 'other', target: null, source: null, entries: 0 },
      { path: '/etc/sysctl.d/50-default.conf', kind: 'devnull', target: '/dev/null', source: null, entries: 0 },
      { path: '/etc/sysctl.d/60-empty.conf', kind: 'file', target: null, source: 'etc/sysctl.d/60-empty.conf', entries: 0 },
      { path: '/etc/sysctl.d/98-abs.conf', kind: 'file', target: '/etc/sysctl.conf', source: 'etc/sysctl.d/98-abs.conf', entries: 1 },
      { path: '/etc/sysctl.d/99-sysctl.conf', kind: 'file', target: '/etc/sysctl.conf', source: 'etc/sysctl.d/99-sysctl.conf', entries: 1 },
    ]);
    expect(model!.masked.map((f) => `${f.path} <- ${f.maskedBy!.path}`)).toEqual([
      '/usr/lib/sysctl.d/20-rel.conf <- /etc/sysctl.d/20-rel.conf',
      '/usr/lib/sysctl.d/30-dangling.conf <- /etc/sysctl.d/30-dangling.conf',
      '/usr/lib/sysctl.d/50-default.conf <- /etc/sysctl.d/50-default.conf',
      '/usr/lib/sysctl.d/60-empty.conf <- /etc/sysctl.d/60-empty.conf',
    ]);
    expect(model!.effective('kernel.sysrq')).toBeNull();
    expect(model!.effective('e.f')).toBeNull();
    expect(eff(model!.effective('net.ipv4.ip_forward'))).toEqual({
      key: 'net.ipv4.ip_forward',
      value: '1',
      winner: 'etc/sysctl.d/99-sysctl.conf:1',
      overridden: ['etc/sysctl.d/98-abs.conf:1'],
      excludedBy: null,
      via: 'explicit',
      ignoreFailure: false,
    });
    // A link is read by its own name (the name systemd sorts by); its bytes are the target's, inside the root.
    expect(ctx.files.find((f) => f.display === 'etc/sysctl.d/98-abs.conf')!.text).toBe('net.ipv4.ip_forward = 1\n');
    // procps additionally applies /etc/sysctl.conf itself, last.
    expect(model!.procps.effective('net.ipv4.ip_forward')!.winner!.file.display).toBe('etc/sysctl.conf');
    expect(ctx.ioErrors).toEqual([]);
  });

  it('reads a merged-usr /lib -> usr/lib only once', () => {
    const r = mkdtempSync(join(tmpdir(), 'crilint-sysctl-merged-'));
    try {
      mkdirSync(join(r, 'usr/lib/sysctl.d'), { recursive: true });
      writeFileSync(join(r, 'usr/lib/sysctl.d/50-x.conf'), 'a.b = 1\n');
      symlinkSync('usr/lib', join(r, 'lib'));
      const { model } = rootModel(r);
      expect(model!.files.map((f) => f.path)).toEqual(['/usr/lib/sysctl.d/50-x.conf']);
      expect(model!.masked).toEqual([]);
    } finally {
      rmSync(r, { recursive: true, force: true });
    }
  });

  it('is null for a root without any sysctl configuration', () => {
    const r = mkdtempSync(join(tmpdir(), 'crilint-sysctl-none-'));
    try {
      mkdirSync(join(r, 'etc/sysctl.d'), { recursive: true });
      expect(rootModel(r).model).toBeNull();
    } finally {
      rmSync(r, { recursive: true, force: true });
    }
  });
});

describe('sysctl.d model: equal re-assignments and syntax findings', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'crilint-sysctl-eq-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(join(tmp, 'etc/sysctl.d'), { recursive: true });
  writeFileSync(join(tmp, 'etc/sysctl.d/10-a.conf'), '-kernel.panic = 10\nbroken line\n');
  writeFileSync(join(tmp, 'etc/sysctl.d/20-b.conf'), 'kernel.panic = 10\n');

  it('keeps the ignore-failure flag over an equal value and reports the bad line', () => {
    const { model, ctx } = rootModel(tmp);
    expect(eff(model!.effective('kernel.panic'))).toEqual({
      key: 'kernel.panic',
      value: '10',
      winner: 'etc/sysctl.d/20-b.conf:1',
      overridden: ['etc/sysctl.d/10-a.conf:1'],
      excludedBy: null,
      via: 'explicit',
      ignoreFailure: true,
    });
    expect(model!.procps.effective('kernel.panic')!.ignoreFailure).toBe(false);
    expect(ctx.findings.map((f) => `${f.rule} ${f.file!.display}:${at(f.range)}`)).toEqual(['syntax etc/sysctl.d/10-a.conf:2:1-2:12']);
  });
});

describe('sysctl.d model (loose files)', () => {
  it('orders loose files by name and treats a file named sysctl.conf as /etc/sysctl.conf', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'crilint-sysctl-loose-'));
    try {
      writeFileSync(join(tmp, 'sysctl.conf'), 'x.y = conf\n');
      writeFileSync(join(tmp, 'b.conf'), 'x.y = b\n');
      writeFileSync(join(tmp, 'a.conf'), 'x.y = a\n');
      const ctx = new LoadContext({
        name: '(files)',
        root: null,
        files: ['sysctl.conf', 'b.conf', 'a.conf'].map((n) => ({ kind: 'sysctl' as const, path: join(tmp, n) })),
        focus: null,
      });
      const m = loadSysctl(ctx)!;
      expect(m.mode).toBe('files');
      expect(m.files.map((f) => f.name)).toEqual(['a.conf', 'b.conf']);
      expect(m.sysctlConf!.name).toBe('sysctl.conf');
      expect(m.effective('x.y')!.value).toBe('b');
      expect(m.procps.effective('x.y')!.value).toBe('conf');
      expect(m.procps.files.map((f) => f.name)).toEqual(['a.conf', 'b.conf', 'sysctl.conf']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('is null when no sysctl file is given', () => {
    expect(loadSysctl(new LoadContext({ name: '(files)', root: null, files: [], focus: null }))).toBeNull();
  });
});

describe('sysctl.d model: masked files are not parsed', () => {
  it('reports no syntax error from a masked vendor file', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'crilint-sysctl-maskedbad-'));
    try {
      mkdirSync(join(tmp, 'usr/lib/sysctl.d'), { recursive: true });
      mkdirSync(join(tmp, 'etc/sysctl.d'), { recursive: true });
      writeFileSync(join(tmp, 'usr/lib/sysctl.d/10-x.conf'), 'broken line\n');
      writeFileSync(join(tmp, 'etc/sysctl.d/10-x.conf'), 'a.b = 1\n');
      const { model, ctx } = rootModel(tmp);
      expect(model!.masked.map((f) => [f.path, f.entries.length])).toEqual([['/usr/lib/sysctl.d/10-x.conf', 0]]);
      expect(ctx.findings).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
