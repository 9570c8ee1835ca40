/**
 * Every real sysctl.d, modules-load.d and crictl.yaml file of ../shared/corpus/other parses without
 * a `syntax` finding and without a crash, with the exact number of statements each holds.
 * Templates (`*.j2`) are excluded; the `*.extracted` files are literal file contents lifted out of
 * Ansible tasks (see corpus/other/SOURCES.md) and are included.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSource, type FileKind } from '../src/core/source.js';
import { parseVersion } from '../src/core/version.js';
import { LoadContext } from '../src/model/load.js';
import { parseCrictl } from '../src/model/crictl.js';
import { loadModules, parseModules } from '../src/model/modules.js';
import { loadSysctl } from '../src/model/sysctl.js';
import { parseSysctl } from '../src/parse/sysctl.js';
import { crictlProblems } from '../src/schema/crictl.js';
import { CORPUS } from './helpers/cli.js';

const OTHER = join(CORPUS, 'other');
const TEMPLATE = /\.(j2|tmpl)$/;
const files = (dir: string) =>
  readdirSync(join(OTHER, dir))
    .filter((n) => !TEMPLATE.test(n))
    .sort();
const load = (dir: string, name: string, kind: FileKind) => {
  const path = join(OTHER, dir, name);
  return makeSource({ path, display: `${dir}/${name}`, kind }, readFileSync(path, 'utf8'));
};

/** assignments (explicit + glob), of which globs, exclusions, assignments with the `-` prefix. */
const SYSCTL: Record<string, { assign: number; glob: number; exclude: number; ignoreFailure: number }> = {
  'eks-al2023__67-eks-reserved-ports.conf': { assign: 1, glob: 0, exclude: 0, ignoreFailure: 0 },
  'eks-al2023__99-amazon.conf': { assign: 3, glob: 0, exclude: 0, ignoreFailure: 0 },
  'eks-al2023__99-kubernetes-cri.conf': { assign: 3, glob: 0, exclude: 0, ignoreFailure: 0 },
  'eks-al2023__etc-sysctl.conf': { assign: 4, glob: 0, exclude: 0, ignoreFailure: 0 },
  'kind__10-network-magic.conf': { assign: 2, glob: 0, exclude: 0, ignoreFailure: 0 },
  'kind__10-network-security.conf': { assign: 2, glob: 0, exclude: 0, ignoreFailure: 0 },
  'minikube-iso__11-tcp-mtu-probing.conf': { assign: 1, glob: 0, exclude: 0, ignoreFailure: 0 },
  'minikube-iso__50-fs-inotify.conf': { assign: 2, glob: 0, exclude: 0, ignoreFailure: 0 },
  'minikube-iso__90-cilium-rp_filter.conf': { assign: 2, glob: 2, exclude: 0, ignoreFailure: 0 },
  'minikube-iso__disable-ipv6.conf': { assign: 2, glob: 0, exclude: 0, ignoreFailure: 0 },
  'procps-testsuite__sysctl_glob_test.conf': { assign: 2, glob: 1, exclude: 1, ignoreFailure: 0 },
  'procps-testsuite__sysctl_slash_test.conf': { assign: 1, glob: 0, exclude: 0, ignoreFailure: 0 },
  'procps__etc-sysctl.conf': { assign: 6, glob: 0, exclude: 0, ignoreFailure: 0 },
  'systemd__50-default.conf': { assign: 11, glob: 0, exclude: 0, ignoreFailure: 1 },
};

const MODULES: Record<string, string[]> = {
  'eks-al2023__containerd.conf': [],
  'eks-al2023__iptables.conf': ['ip_tables', 'iptable_nat'],
  'image-builder__kubernetes.conf.extracted': ['overlay', 'br_netfilter'],
  'kubespray__kubespray-br_netfilter.conf.extracted': ['br_netfilter'],
};

/** Keys in file order, and the keys released crictl (1.36) rejects. */
const CRICTL: Record<string, { keys: string[]; rejectedBy136: string[] }> = {
  'cri-o__crictl.yaml': { keys: ['runtime-endpoint', 'timeout', 'debug'], rejectedBy136: [] },
  'cri-tools-docs-v1.36.0__crictl.yaml': { keys: ['runtime-endpoint', 'image-endpoint', 'timeout', 'debug', 'pull-image-on-create'], rejectedBy136: [] },
  // The example on cri-tools main documents max-retries, which no released crictl accepts (reference §1.6).
  'cri-tools-docs__crictl.yaml': { keys: ['runtime-endpoint', 'image-endpoint', 'timeout', 'debug', 'pull-image-on-create', 'max-retries'], rejectedBy136: ['max-retries'] },
  'kind__crictl.yaml': { keys: ['runtime-endpoint'], rejectedBy136: [] },
};

describe.skipIf(!existsSync(OTHER))(`corpus: ../shared/corpus/other${existsSync(OTHER) ? '' : ' (skipped: ../shared not present)'}`, () => {
  it('covers every non-template file', () => {
    expect(files('sysctl.d')).toEqual(Object.keys(SYSCTL).sort());
    expect(files('modules-load.d')).toEqual(Object.keys(MODULES).sort());
    expect(files('crictl')).toEqual(Object.keys(CRICTL).sort());
  });

  for (const [name, want] of Object.entries(SYSCTL)) {
    it(`sysctl.d/${name}`, () => {
      const p = parseSysctl(load('sysctl.d', name, 'sysctl'));
      expect(p.findings).toEqual([]);
      const assigns = p.entries.filter((e) => e.kind === 'assign');
      expect({
        assign: assigns.length,
        glob: assigns.filter((e) => e.glob).length,
        exclude: p.entries.filter((e) => e.kind === 'exclude').length,
        ignoreFailure: assigns.filter((e) => e.ignoreFailure).length,
      }).toEqual(want);
    });
  }

  it('spot-checks corpus values and key forms', () => {
    const slash = parseSysctl(load('sysctl.d', 'procps__etc-sysctl.conf', 'sysctl')).entries;
    expect(slash.map((e) => `${e.key}=${e.value}`)).toEqual([
      'net.ipv4.tcp_syncookies=1',
      'net.ipv4.conf.all.log_martians=1',
      'net.ipv4.conf.all.accept_redirects=0',
      'net.ipv4.conf.all.accept_source_route=0',
      'net.ipv4.icmp_echo_ignore_broadcasts=1',
      'kernel.pid_max=10000',
    ]);
    const ports = parseSysctl(load('sysctl.d', 'eks-al2023__67-eks-reserved-ports.conf', 'sysctl')).entries[0]!;
    expect([ports.key, ports.value, ports.line]).toEqual(['net.ipv4.ip_local_reserved_ports', '2703,9808,9809,10249,10250,10256,61678,61679', 18]);
  });

  it('loads all corpus sysctl files as one loose set without findings', () => {
    const ctx = new LoadContext({ name: '(files)', root: null, files: files('sysctl.d').map((n) => ({ kind: 'sysctl' as const, path: join(OTHER, 'sysctl.d', n) })), focus: null });
    const m = loadSysctl(ctx)!;
    expect(ctx.findings).toEqual([]);
    expect(ctx.ioErrors).toEqual([]);
    expect(m.files.length).toBe(14);
    // Sorted by name: systemd__50-default.conf sorts last, so its rp_filter = 2 wins over kind's 1.
    expect(m.effective('net.ipv4.conf.all.rp_filter')!.value).toBe('2');
    expect(m.effective('net.ipv4.conf.lxc0a1b.rp_filter')).toMatchObject({ value: '0', via: 'glob' });
  });

  for (const [name, want] of Object.entries(MODULES)) {
    it(`modules-load.d/${name}`, () => {
      expect(parseModules(load('modules-load.d', name, 'modules-load')).modules.map((m) => m.name)).toEqual(want);
    });
  }

  it('loads all corpus modules-load.d files as one loose set', () => {
    const ctx = new LoadContext({ name: '(files)', root: null, files: files('modules-load.d').map((n) => ({ kind: 'modules-load' as const, path: join(OTHER, 'modules-load.d', n) })), focus: null });
    const m = loadModules(ctx)!;
    expect(ctx.findings).toEqual([]);
    expect(m.loads('br_netfilter').map((e) => e.file.display.replace(/^.*\//, ''))).toEqual(['image-builder__kubernetes.conf.extracted', 'kubespray__kubespray-br_netfilter.conf.extracted']);
  });

  for (const [name, want] of Object.entries(CRICTL)) {
    it(`crictl/${name}`, () => {
      const m = parseCrictl(load('crictl', name, 'crictl'));
      expect(m.shape).toBe('map');
      expect(m.entries.map((e) => e.key)).toEqual(want.keys);
      const released = crictlProblems(m, { crictl: parseVersion('1.36')! });
      expect(released.map((p) => `${p.rule} ${m.file.text.slice(p.range!.start.offset, p.range!.end.offset)}`)).toEqual(want.rejectedBy136.map((k) => `unknown-key ${k}`));
      expect(crictlProblems(m, { crictl: parseVersion('1.37')! })).toEqual([]);
    });
  }

  it('reads the corpus crictl values as crictl does', () => {
    const crio = parseCrictl(load('crictl', 'cri-o__crictl.yaml', 'crictl'));
    expect([crio.runtimeEndpoint.value, crio.timeout.value, crio.debug.value, crio.imageEndpoint.value]).toEqual(['unix:///var/run/crio/crio.sock', 0, false, '']);
    const docs = parseCrictl(load('crictl', 'cri-tools-docs__crictl.yaml', 'crictl'));
    expect([docs.timeout.value, docs.debug.value, docs.maxRetries.value]).toEqual([2, true, 3]);
  });
});
