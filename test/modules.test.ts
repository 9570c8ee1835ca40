import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Range } from '../src/core/types.js';
import { LoadContext } from '../src/model/load.js';
import { loadModules, normalizeModuleName, parseModules, type ModuleEntry } from '../src/model/modules.js';
import { REPO } from './helpers/cli.js';
import { src } from './helpers/source.js';

const at = (r: Range) => `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;
const row = (m: ModuleEntry) => `${m.file.display}:${at(m.range)} ${m.name}`;
const rootCtx = (root: string) => new LoadContext({ name: root, root, files: [], focus: null });

describe('modules-load.d parser', () => {
  it('takes every stripped non-comment line as a module name, with no inline comments', () => {
    const p = parseModules(src('# comment\n; comment\n\n  overlay  \nbr_netfilter # bridge\r\nip_vs-rr\nnf_conntrack', 'modules-load', '/virtual/k8s.conf'));
    expect(p.modules.map((m) => [m.line, m.name, m.normalized, at(m.range)])).toEqual([
      [4, 'overlay', 'overlay', '4:3-4:10'],
      [5, 'br_netfilter # bridge', 'br_netfilter # bridge', '5:1-5:22'],
      [6, 'ip_vs-rr', 'ip_vs_rr', '6:1-6:9'],
      [7, 'nf_conntrack', 'nf_conntrack', '7:1-7:13'],
    ]);
    expect(p.comments.map((c) => [c.line, c.text, at(c.range)])).toEqual([
      [1, ' comment', '1:1-1:10'],
      [2, ' comment', '2:1-2:10'],
    ]);
  });

  it('treats an empty file as loading nothing', () => {
    expect(parseModules(src('', 'modules-load')).modules).toEqual([]);
  });

  it('normalises names the way kmod looks them up', () => {
    expect(normalizeModuleName('br-netfilter')).toBe('br_netfilter');
  });
});

describe('modules-load.d model (root mode)', () => {
  const ctx = rootCtx(resolve(REPO, 'fixtures/parse/modules/layered'));
  const m = loadModules(ctx)!;

  it('orders files by name across directories and masks same-named files', () => {
    expect(m.mode).toBe('root');
    expect(m.files.map((f) => [f.path, f.kind, f.modules.length])).toEqual([
      ['/usr/lib/modules-load.d/10-vendor.conf', 'file', 2],
      ['/run/modules-load.d/20-run.conf', 'file', 1],
      ['/usr/local/lib/modules-load.d/30-local.conf', 'file', 1],
      ['/etc/modules-load.d/k8s.conf', 'file', 2],
    ]);
    expect(m.masked.map((f) => `${f.path} <- ${f.maskedBy!.path}`)).toEqual(['/usr/lib/modules-load.d/k8s.conf <- /etc/modules-load.d/k8s.conf']);
    expect(m.modules.map(row)).toEqual([
      'usr/lib/modules-load.d/10-vendor.conf:1:3-1:12 ip_tables',
      'usr/lib/modules-load.d/10-vendor.conf:3:1-3:13 br-netfilter',
      'run/modules-load.d/20-run.conf:1:1-1:45 br_netfilter # needed for net.bridge sysctls',
      'usr/local/lib/modules-load.d/30-local.conf:1:1-1:6 vxlan',
      'etc/modules-load.d/k8s.conf:2:1-2:8 overlay',
      'etc/modules-load.d/k8s.conf:3:1-3:13 br_netfilter',
    ]);
  });

  it('answers where a module is loaded (dash and underscore alike), and not for masked files', () => {
    expect(m.loads('br_netfilter').map(row)).toEqual(['usr/lib/modules-load.d/10-vendor.conf:3:1-3:13 br-netfilter', 'etc/modules-load.d/k8s.conf:3:1-3:13 br_netfilter']);
    expect(m.loads('br-netfilter').length).toBe(2);
    expect(m.loads('nf_conntrack')).toEqual([]);
    expect(m.loads('ignored')).toEqual([]);
    expect(m.names()).toEqual(['ip_tables', 'br_netfilter', 'br_netfilter # needed for net.bridge sysctls', 'vxlan', 'overlay']);
  });

  it('records comments for suppression directives', () => {
    const k8s = ctx.files.find((f) => f.display === 'etc/modules-load.d/k8s.conf')!;
    expect(ctx.comments.get(k8s)!.map((c) => c.text)).toEqual([' Kubernetes']);
    expect(ctx.findings).toEqual([]);
  });
});

describe('modules-load.d model: masks and loose files', () => {
  const tmps: string[] = [];
  afterAll(() => tmps.forEach((t) => rmSync(t, { recursive: true, force: true })));
  const layout = (files: Record<string, string | { link: string }>) => {
    const root = mkdtempSync(join(tmpdir(), 'crilint-modules-'));
    tmps.push(root);
    for (const [rel, body] of Object.entries(files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      if (typeof body === 'string') writeFileSync(join(root, rel), body);
      else symlinkSync(body.link, join(root, rel));
    }
    return root;
  };

  it('a /dev/null link and an empty file both mask the vendor file', () => {
    const root = layout({
      'usr/lib/modules-load.d/a.conf': 'br_netfilter\n',
      'etc/modules-load.d/a.conf': { link: '/dev/null' },
      'usr/lib/modules-load.d/b.conf': 'overlay\n',
      'etc/modules-load.d/b.conf': '',
    });
    const m = loadModules(rootCtx(root))!;
    expect(m.files.map((f) => [f.path, f.kind, f.target])).toEqual([
      ['/etc/modules-load.d/a.conf', 'devnull', '/dev/null'],
      ['/etc/modules-load.d/b.conf', 'file', null],
    ]);
    expect(m.modules).toEqual([]);
    expect(m.masked.map((f) => f.path)).toEqual(['/usr/lib/modules-load.d/a.conf', '/usr/lib/modules-load.d/b.conf']);
  });

  it('is null for a root without modules-load.d files', () => {
    expect(loadModules(rootCtx(layout({ 'etc/hostname': 'node\n' })))).toBeNull();
  });

  it('orders loose files by name', () => {
    const dir = layout({ 'z.conf': 'overlay\n', 'a.conf': 'br_netfilter\n' });
    const ctx = new LoadContext({ name: '(files)', root: null, files: ['z.conf', 'a.conf'].map((n) => ({ kind: 'modules-load' as const, path: join(dir, n) })), focus: null });
    const m = loadModules(ctx)!;
    expect(m.mode).toBe('files');
    expect(m.files.map((f) => f.name)).toEqual(['a.conf', 'z.conf']);
    expect(m.names()).toEqual(['br_netfilter', 'overlay']);
  });

  const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  it.skipIf(!ANALYZE && !process.env.CI)(
    `agrees with systemd-analyze cat-config modules-load.d${ANALYZE ? '' : ' (skipped: systemd-analyze not installed; CI installs the systemd package)'}`,
    () => {
      const root = layout({
        'usr/lib/modules-load.d/k8s.conf': 'nf_conntrack\n',
        'etc/modules-load.d/k8s.conf': 'overlay\n',
        'run/modules-load.d/10-run.conf': 'br_netfilter\n',
        'usr/lib/modules-load.d/50-masked.conf': 'vxlan\n',
        'etc/modules-load.d/50-masked.conf': { link: '/dev/null' },
        'etc/modules-load.d/.hidden.conf': 'dummy\n',
      });
      const r = spawnSync(ANALYZE!, ['--no-pager', `--root=${root}`, 'cat-config', 'modules-load.d'], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0' } });
      expect(r.status, r.stderr).toBe(0);
      const order = r.stdout
        .split('\n')
        .filter((l) => l.startsWith(`# ${root}/`))
        .map((l) => l.slice(2 + root.length));
      expect(order).toEqual(['/run/modules-load.d/10-run.conf', '/etc/modules-load.d/50-masked.conf', '/etc/modules-load.d/k8s.conf']);
      expect(loadModules(rootCtx(root))!.files.map((f) => f.path)).toEqual(order);
    },
  );
});
