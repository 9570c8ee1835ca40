/**
 * The containerd rules on the real corpus (../shared/corpus/containerd) and on cases the fixtures
 * do not show: exact findings (line, column, message) for the files the issue names, every
 * non-template corpus file at the containerd it was written for (the reviewed findings, pinned),
 * unsafe fixes (the fixture runner applies safe fixes only) with their exact output, and the merge
 * and target subtleties (imports, 1.x table replacement, per-target URI checks).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as smolParse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion, type Version } from '../src/core/version.js';
import { discover, type NodeSetSpec } from '../src/discover/index.js';
import { exampleRules, lintRoot } from '../src/engine/docs.js';
import { runFixes } from '../src/engine/fix-run.js';
import { lintSpec } from '../src/engine/pipeline.js';
import { CORPUS } from './helpers/cli.js';
import { tempDirs } from './helpers/tmp.js';

const DIR = join(CORPUS, 'containerd');
const CONTAINERD_RULES = new Set([
  'config-version-missing',
  'config-version-unsupported',
  'containerd-import-cycle',
  'containerd-import-limit',
  'containerd-import-not-found',
  'cri-config-ignored',
  'cri-plugin-disabled',
  'default-runtime-undefined',
  'deprecated-key',
  'dropin-version-above-root',
  'invalid-value',
  'plugin-id-not-uri',
  'plugin-ids-mixed',
  'registry-mirrors-with-config-path',
  'removed-key',
  'server-section-inert',
  'systemd-cgroup-misplaced',
  'unknown-key',
]);

const tmpDir = tempDirs('crilint-rules-containerd-');
function tmpRoot(files: Record<string, string>): string {
  const dir = tmpDir();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
function v(s: string): Version {
  return parseVersion(s)!;
}
function line(f: Finding): string {
  return `${f.file ? f.file.display.replace(/^.*\//, '') + ':' : ''}${f.range?.start.line}:${f.range?.start.column} ${f.severity} ${f.rule}${f.fix ? ` (${f.fix.safety} fix)` : ''} ${f.message}`;
}
function short(f: Finding): string {
  return `${f.range!.start.line}:${f.range!.start.column} ${f.severity} ${f.rule}${f.fix ? ` (${f.fix.safety} fix)` : ''}`;
}
function looseSpec(files: { kind: 'containerd' | 'kubelet'; path: string }[]): NodeSetSpec {
  return { name: '(files)', root: null, files, focus: null };
}
function lintCorpus(name: string, containerd?: string): Finding[] {
  const given = containerd ? { containerd: v(containerd) } : {};
  return lintSpec(looseSpec([{ kind: 'containerd', path: join(DIR, name) }]), { given }).findings;
}
function mine(findings: Finding[]): Finding[] {
  return findings.filter((f) => CONTAINERD_RULES.has(f.rule));
}
/** `crilint lint --fix [--unsafe-fixes]` limited to one rule, on a copy; the changed files' text. */
function fixed(files: Record<string, string>, rule: string, containerd: string, unsafe: boolean): Record<string, string> {
  const root = tmpRoot(files);
  const d = discover([], [root]);
  const keep = exampleRules(rule);
  const { result } = runFixes(d.specs[0]!, { given: { containerd: v(containerd), kubernetes: v('1.34') }, unsafe, keep: (f) => keep.includes(f.rule) });
  expect(result.failed.map((x) => x.reason)).toEqual([]);
  const out: Record<string, string> = {};
  for (const f of result.files.values()) if (f.text !== f.original) out[f.display] = f.text;
  return out;
}

describe('corpus: the files the issue names', () => {
  const docker = 'docker-containerd.io-package-config.toml';

  it("Docker's containerd.io config with a kubelet config gives cri-plugin-disabled (loose files, as pre-commit passes them)", () => {
    const kubelet = join(tmpDir(), 'config.yaml');
    writeFileSync(kubelet, 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n');
    const d = discover([join(DIR, docker), kubelet], []);
    expect(d.specs.length).toBe(1);
    expect(d.specs[0]!.files.map((f) => f.kind).sort()).toEqual(['containerd', 'kubelet']);
    const findings = lintSpec(d.specs[0]!, { given: { containerd: v('1.7'), kubernetes: v('1.34') } }).findings.filter((f) => f.rule === 'cri-plugin-disabled');
    expect(findings.map(line)).toEqual([
      'docker-containerd.io-package-config.toml:15:21 error cri-plugin-disabled (safe fix) disabled_plugins lists "cri", the CRI plugin: containerd 1.7 starts without the CRI service, so the kubelet fails with `validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/containerd/containerd.sock": rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService` and the node never becomes Ready; remove "cri" from disabled_plugins',
    ]);
    expect(findings[0]!.related.map((r) => [r.file?.path, r.range, r.message])).toEqual([[kubelet, null, "the kubelet on this node talks to containerd's CRI service at unix:///run/containerd/containerd.sock"]]);
    // The same verdict on containerd 2.x, which renames the version-1 "cri" itself.
    const on2 = lintSpec(d.specs[0]!, { given: { containerd: v('2.2'), kubernetes: v('1.34') } }).findings.filter((f) => f.rule === 'cri-plugin-disabled');
    expect(on2.map(short)).toEqual(['15:21 error cri-plugin-disabled (safe fix)']);
  });

  it('Docker\'s containerd.io config alone is what Docker ships on purpose: no cri-plugin-disabled (decision: the rule needs a kubelet)', () => {
    for (const t of ['1.6.20', '1.7', '2.2']) expect(lintCorpus(docker, t).filter((f) => f.rule === 'cri-plugin-disabled')).toEqual([]);
    expect(lintCorpus(docker).filter((f) => f.rule === 'config-version-missing').map(short)).toEqual(['15:1 warning config-version-missing']);
  });

  it("kind's tolerate_missing_hugepages_controller is an unknown key with the right suggestion (its containerd 2.3 and 1.7)", () => {
    for (const t of ['2.3', '1.7']) {
      expect(lintCorpus('kind-base-image-config-v2.toml', t).filter((f) => f.rule === 'unknown-key').map(line)).toEqual([
        'kind-base-image-config-v2.toml:40:3 error unknown-key unknown key "tolerate_missing_hugepages_controller" in [plugins."io.containerd.grpc.v1.cri"]; did you mean "tolerate_missing_hugetlb_controller"? containerd ignores unknown keys, so this setting has no effect',
      ]);
    }
  });

  it("minikube's untrusted_workload_runtime is reported as removed for containerd 2.x, deprecated for 1.x", () => {
    for (const t of ['2.0', '2.3']) {
      expect(mine(lintCorpus('minikube-kicbase-and-iso-containerd-v2.toml', t)).map(line)).toEqual([
        `minikube-kicbase-and-iso-containerd-v2.toml:44:55 warning removed-key (safe fix) untrusted_workload_runtime in [plugins."io.containerd.grpc.v1.cri".containerd] was removed in containerd 2.0: containerd ${t} ignores it ("Ignoring unknown key in TOML for plugin"); its value is the default anyway, so remove it`,
      ]);
    }
    // Its runtime_type/runtime_engine/runtime_root are all empty: on 1.x the deprecated table is harmless and not reported.
    expect(mine(lintCorpus('minikube-kicbase-and-iso-containerd-v2.toml', '1.7'))).toEqual([]);
  });

  it('the AKS version-2-header template is not TOML (template syntax), so an equivalent fixture shows plugin-ids-mixed', () => {
    const name = 'aks-agentbaker-containerd2x-version2-header-with-v3-ids.TEMPLATE.gotmpl.toml.tmpl';
    const text = readFileSync(join(DIR, name), 'utf8');
    expect(() => smolParse(text)).toThrow();
    const root = tmpRoot({ 'etc/containerd/config.toml': text });
    expect(lintRoot(root, { containerd: v('2.1') }).findings.filter((f) => f.rule === 'syntax').map((f) => `${f.range?.start.line}:${f.range?.start.column}`)).toEqual(['2:17']);
    // fixtures/plugin-ids-mixed/aks-version-2-header-v3-ids is the template rendered by hand
    // (no kata, nvidia or artifact streaming), with the kata runtime of the version 2 layout kept.
    const fixture = join(import.meta.dirname, '../fixtures/plugin-ids-mixed/aks-version-2-header-v3-ids');
    const rendered = readFileSync(join(fixture, 'etc/containerd/config.toml'), 'utf8');
    expect(() => smolParse(rendered)).not.toThrow();
    expect(lintRoot(fixture, { containerd: v('2.1') }).findings.filter((f) => f.rule === 'plugin-ids-mixed').map(short)).toEqual([
      '3:10 warning plugin-ids-mixed',
      '8:10 warning plugin-ids-mixed',
    ]);
    expect(lintRoot(fixture, { containerd: v('1.6.20') }).findings.filter((f) => f.rule === 'plugin-ids-mixed').map(short)).toEqual(['3:10 error plugin-ids-mixed', '8:10 error plugin-ids-mixed']);
  });
});

/**
 * Every non-template corpus file at the containerd release it was written for (SOURCES.md: kind
 * and minikube ship 2.3.4, EKS nodeadm's v3 files target 2.0/2.1, the containerd docs their own
 * release, …). Each finding was reviewed: the errors are containerd's own (the 1.7 docs put keys
 * under `x509_key_pair_streaming`; the 2.x docs list keys newer than 1.7 in their 1.x section; the
 * man pages import a `debug.toml` that is not there; kind's typo), the warnings are keys containerd
 * itself warns about (removed with their default value, deprecated with a value). No file is told
 * its `version` is wrong for the release it was written for.
 */
const NATIVE: Record<string, { target: string; findings: string[] }> = {
  'aks-agentbaker-ubuntu-gb-nvidia-v2.toml': { target: '1.7', findings: [] },
  'bottlerocket-host-containerd-cri-disabled-v2.toml': { target: '1.7', findings: [] },
  'containerd-1.6-config-default-migration-testdata-v2.toml': { target: '1.6', findings: ['172:5 warning deprecated-key', '173:5 warning deprecated-key'] },
  'containerd-1.7-config-default-migration-testdata-v2.toml': { target: '1.7', findings: ['189:5 warning deprecated-key', '190:5 warning deprecated-key'] },
  'containerd-1.7-custom-migration-testdata-v2.toml': { target: '1.7', findings: [] },
  'containerd-1.7-docs-cri-config-full-annotated-v2.toml': {
    target: '1.7',
    findings: ['68:3', '72:3', '76:3', '81:3', '84:3', '88:3', '98:3', '105:3', '111:3', '116:3', '121:3', '131:3'].map((p) => `${p} error unknown-key`),
  },
  'containerd-2.0-docs-cri-config-full-v3.toml': { target: '2.0', findings: ['33:5 warning removed-key (safe fix)'] },
  'containerd-2.2-docs-cri-config-1.x-section-full-annotated-v2.toml': { target: '1.7', findings: ['137:3', '142:3', '244:7', '274:7', '279:7', '345:5'].map((p) => `${p} error unknown-key`) },
  'containerd-2.2-docs-cri-config-full-v3.toml': { target: '2.2', findings: ['34:5 warning removed-key (safe fix)'] },
  'containerd-2.2-man-page-complete-example-v2.toml': { target: '2.2', findings: ['6:46 error containerd-import-not-found'] },
  'containerd-2.3-man-page-example-v4.toml': { target: '2.3', findings: ['6:46 error containerd-import-not-found', '16:3 error unknown-key'] },
  'containerd-contrib-cri-in-userns-v2.toml': { target: '2.2', findings: [] },
  'containerd-man-page-multiple-runtimes-partial-noversion.toml': { target: '2.2', findings: ['1:2 warning config-version-missing', '3:12 warning plugin-ids-mixed'] },
  'docker-containerd.io-package-config.toml': { target: '1.7', findings: ['15:1 warning config-version-missing'] },
  'eks-ami-al2-containerd-config-v2-placeholder.toml': { target: '1.7', findings: [] },
  'eks-ami-al2-containerd-config2-v3-placeholder.toml': { target: '2.0', findings: [] },
  'eks-ami-nodeadm-e2e-expected-v2-rendered.toml': { target: '1.7', findings: [] },
  'eks-ami-nodeadm-e2e-expected-v3-full-dump-containerd2.0.toml': { target: '2.0', findings: [] },
  'eks-ami-nodeadm-e2e-expected-v3-nvidia-runtime.toml': { target: '2.1', findings: ['22:1 warning deprecated-key (safe fix)'] },
  'eks-ami-nodeadm-e2e-expected-v3-rendered.toml': { target: '2.1', findings: ['22:1 warning deprecated-key (safe fix)'] },
  'k0s-docs-dropin-gvisor-runsc-v3.toml': { target: '2.3', findings: [] },
  'k0s-docs-dropin-registry-config-path-v3.toml': { target: '2.3', findings: [] },
  'kind-base-image-config-v2.toml': { target: '2.3', findings: ['40:3 error unknown-key'] },
  'minikube-kicbase-and-iso-containerd-v2.toml': { target: '2.3', findings: ['44:55 warning removed-key (safe fix)'] },
  'nvidia-ctk-testdata-containerd-1.x-default-dump-v1-noversion.toml': {
    target: '1.6',
    findings: ['1:1 warning config-version-missing', '50:31 warning deprecated-key', '53:24 warning deprecated-key (unsafe fix)', '62:29 warning deprecated-key'],
  },
  'nvidia-ctk-testdata-containerd-1.x-default-dump-v2.toml': { target: '1.6', findings: ['81:26 warning deprecated-key (unsafe fix)', '91:53 warning deprecated-key'] },
  'talos-cri-containerd-v3-imports.toml': { target: '2.2', findings: [] },
  'talos-cri-plugin-base-part-v3.toml': { target: '2.2', findings: [] },
  'talos-system-containerd-cri-disabled-v3.toml': { target: '2.2', findings: [] },
  'talos-testdata-cri-registry-configs-auth-v3.toml': { target: '2.2', findings: ['1:2 warning config-version-missing', '2:12 warning plugin-ids-mixed'] },
};

describe('corpus: every non-template file at the containerd it was written for', () => {
  it('covers every non-template corpus file', async () => {
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(DIR).filter((f) => f.endsWith('.toml') && !f.includes('TEMPLATE')).sort()).toEqual(Object.keys(NATIVE).sort());
  });
  for (const [name, want] of Object.entries(NATIVE)) {
    it(`${name} (containerd ${want.target})`, () => {
      expect(mine(lintCorpus(name, want.target)).map(short)).toEqual(want.findings);
    });
  }

  it('no rule crashes on any corpus file at any target, and config versions get the verdict of each target', () => {
    const files = Object.keys(NATIVE);
    const targets = ['1.6.20', '1.6', '1.7.16', '1.7', '2.0', '2.1', '2.2.1', '2.2', '2.3'];
    const verdicts: Record<string, string[]> = {};
    for (const t of targets) {
      for (const f of files) {
        const found = lintCorpus(f, t).filter((x) => x.rule === 'config-version-unsupported');
        for (const x of found) (verdicts[`${t} ${x.severity}`] ??= []).push(f.replace(/\.toml$/, ''));
      }
    }
    const v3 = ['containerd-2.0-docs-cri-config-full-v3', 'containerd-2.2-docs-cri-config-full-v3', 'eks-ami-al2-containerd-config2-v3-placeholder', 'eks-ami-nodeadm-e2e-expected-v3-full-dump-containerd2.0', 'eks-ami-nodeadm-e2e-expected-v3-nvidia-runtime', 'eks-ami-nodeadm-e2e-expected-v3-rendered', 'k0s-docs-dropin-gvisor-runsc-v3', 'k0s-docs-dropin-registry-config-path-v3', 'talos-cri-plugin-base-part-v3'];
    const v3NoCriTables = ['talos-cri-containerd-v3-imports', 'talos-system-containerd-cri-disabled-v3'];
    const v4 = 'containerd-2.3-man-page-example-v4';
    const all3 = [...v3, ...v3NoCriTables, v4].sort();
    expect(Object.fromEntries(Object.entries(verdicts).map(([k, list]) => [k, list.sort()]))).toEqual({
      // Old 1.6/1.7 patches do not check: an error where 2.x-only tables are lost, a warning otherwise.
      '1.6.20 error': [...v3, v4].sort(),
      '1.6.20 warning': v3NoCriTables,
      '1.7.16 error': [...v3, v4].sort(),
      '1.7.16 warning': v3NoCriTables,
      // Newest 1.6/1.7 patches refuse version 3 and 4; 2.0–2.2 refuse version 4.
      '1.6 error': all3,
      '1.7 error': all3,
      '2.0 error': [v4],
      '2.1 error': [v4],
      '2.2.1 error': [v4],
      '2.2 error': [v4],
    });
  });
});

describe('unsafe fixes (the fixture runner applies safe ones only): exact output', () => {
  it('cri-config-ignored renames version 2 headers to the version 3 tables and moves keys that change table', () => {
    const config = [
      'version = 3',
      '',
      '[plugins."io.containerd.grpc.v1.cri"]',
      '  stream_server_port = "10010"',
      '',
      '[plugins."io.containerd.grpc.v1.cri".containerd]',
      '  snapshotter = "overlayfs"',
      '  default_runtime_name = "runc"',
      '',
      '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
      '  SystemdCgroup = true',
      '',
    ].join('\n');
    expect(fixed({ 'etc/containerd/config.toml': config }, 'cri-config-ignored', '2.1', false)).toEqual({});
    expect(fixed({ 'etc/containerd/config.toml': config }, 'cri-config-ignored', '2.1', true)).toEqual({
      'etc/containerd/config.toml': [
        'version = 3',
        '',
        '[plugins."io.containerd.grpc.v1.cri"]',
        '  stream_server_port = "10010"',
        '',
        '[plugins."io.containerd.cri.v1.runtime".containerd]',
        '  default_runtime_name = "runc"',
        '',
        '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]',
        '  SystemdCgroup = true',
        '',
        '[plugins."io.containerd.cri.v1.images"]',
        '  snapshotter = "overlayfs"',
        '',
      ].join('\n'),
    });
  });

  it('cri-config-ignored: the CRI header goes when the moved key was all its section held, and stays when anything else is there', () => {
    const lone = 'version = 3\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n\n[plugins."io.containerd.cri.v1.runtime"]\n  enable_selinux = false\n';
    expect(fixed({ 'etc/containerd/config.toml': lone }, 'cri-config-ignored', '2.1', true)).toEqual({
      'etc/containerd/config.toml': 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime"]\n  enable_selinux = false\n\n[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.9"\n',
    });
    // Windows line ends are kept, and the blank line above the header goes with it.
    expect(fixed({ 'etc/containerd/config.toml': lone.replace(/\n/g, '\r\n') }, 'cri-config-ignored', '2.1', true)).toEqual({
      'etc/containerd/config.toml': 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime"]\n  enable_selinux = false\n\n[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.9"\n'.replace(/\n/g, '\r\n'),
    });
    // A comment that is not the key's own (a blank line apart), or one on the header line, keeps the header.
    const noted = 'version = 3\n\n[plugins."io.containerd.grpc.v1.cri"]\n  # owned by the platform team\n\n  sandbox_image = "registry.k8s.io/pause:3.9"\n';
    expect(fixed({ 'etc/containerd/config.toml': noted }, 'cri-config-ignored', '2.1', true)['etc/containerd/config.toml']).toContain('[plugins."io.containerd.grpc.v1.cri"]\n  # owned by the platform team\n');
    const tagged = 'version = 3\n\n[plugins."io.containerd.grpc.v1.cri"] # CRI\n  sandbox_image = "registry.k8s.io/pause:3.9"\n';
    expect(fixed({ 'etc/containerd/config.toml': tagged }, 'cri-config-ignored', '2.1', true)['etc/containerd/config.toml']).toContain('[plugins."io.containerd.grpc.v1.cri"] # CRI\n');
  });

  it('server-section-inert moves a version 4 file\'s [metrics] address into the metrics plugin', () => {
    const config = 'version = 4\n\n[metrics]\n  address = "127.0.0.1:1338"\n';
    expect(fixed({ 'etc/containerd/config.toml': config }, 'server-section-inert', '2.3', true)).toEqual({
      'etc/containerd/config.toml': 'version = 4\n\n[plugins."io.containerd.server.v1.metrics"]\n  address = "127.0.0.1:1338"\n',
    });
  });

  it('systemd-cgroup-misplaced moves SystemdCgroup into options (the header becomes options when it held only that key)', () => {
    const only = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  SystemdCgroup = true\n';
    expect(fixed({ 'etc/containerd/config.toml': `version = 2\n\n${only}` }, 'systemd-cgroup-misplaced', '1.7', true)).toEqual({
      'etc/containerd/config.toml': 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n',
    });
    const withOptions = 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  SystemdCgroup = true\n  runtime_type = "io.containerd.runc.v2"\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  BinaryName = "/usr/bin/runc"\n';
    expect(fixed({ 'etc/containerd/config.toml': withOptions }, 'systemd-cgroup-misplaced', '1.7', true)).toEqual({
      'etc/containerd/config.toml':
        'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  BinaryName = "/usr/bin/runc"\n  SystemdCgroup = true\n',
    });
  });

  it('removed-key: runtime.v1.linux → runc.v2 and a non-default sandbox_mode → sandboxer only with --unsafe-fixes', () => {
    const config = 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runtime.v1.linux"\n  sandbox_mode = "shim"\n';
    expect(fixed({ 'etc/containerd/config.toml': config }, 'removed-key', '2.1', false)).toEqual({});
    expect(fixed({ 'etc/containerd/config.toml': config }, 'removed-key', '2.1', true)).toEqual({
      'etc/containerd/config.toml': 'version = 3\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n  sandboxer = "shim"\n',
    });
  });

  it('plugin-id-not-uri keeps the file\'s quoting and renames sub-table headers too', () => {
    const config = "version = 2\ndisabled_plugins = ['cri']\n\n[plugins.cri]\n  enable_selinux = true\n\n[plugins.cri.containerd]\n  snapshotter = 'overlayfs'\n";
    expect(fixed({ 'etc/containerd/config.toml': config }, 'plugin-id-not-uri', '1.7', false)).toEqual({
      'etc/containerd/config.toml': "version = 2\ndisabled_plugins = ['io.containerd.grpc.v1.cri']\n\n[plugins.'io.containerd.grpc.v1.cri']\n  enable_selinux = true\n\n[plugins.'io.containerd.grpc.v1.cri'.containerd]\n  snapshotter = 'overlayfs'\n",
    });
  });
});

describe('merges, imports and targets', () => {
  const KUBELET = { 'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n' };

  it('cri-plugin-disabled points at the drop-in that disables CRI and fixes it there', () => {
    const files = { ...KUBELET, 'etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n', 'etc/containerd/conf.d/50-docker.toml': 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n' };
    const root = tmpRoot(files);
    expect(lintRoot(root, { containerd: v('1.7'), kubernetes: v('1.34') }).findings.filter((f) => f.rule === 'cri-plugin-disabled').map((f) => `${f.file?.display}:${short(f)}`)).toEqual([
      'etc/containerd/conf.d/50-docker.toml:2:21 error cri-plugin-disabled (safe fix)',
    ]);
    expect(fixed(files, 'cri-plugin-disabled', '1.7', false)).toEqual({ 'etc/containerd/conf.d/50-docker.toml': 'version = 2\ndisabled_plugins = []\n' });
  });

  it('cri-plugin-disabled: a v3 file disabling only io.containerd.grpc.v1.cri on 1.x is not the 1.x CRI (that file is unsupported there anyway)', () => {
    const root = tmpRoot({ ...KUBELET, 'etc/containerd/config.toml': 'version = 2\ndisabled_plugins = ["io.containerd.cri.v1.images"]\n' });
    expect(lintRoot(root, { containerd: v('1.7'), kubernetes: v('1.34') }).findings.filter((f) => f.rule === 'cri-plugin-disabled')).toEqual([]);
    expect(lintRoot(root, { containerd: v('2.0'), kubernetes: v('1.34') }).findings.filter((f) => f.rule === 'cri-plugin-disabled').map(short)).toEqual(['2:21 error cri-plugin-disabled (safe fix)']);
  });

  it('plugin-id-not-uri follows each release: 1.6 counts dots, 1.7 also wants io.containerd., 2.x only a dot in the lists', () => {
    const root = tmpRoot({ 'etc/containerd/config.toml': 'version = 2\ndisabled_plugins = ["com.example.snapshotter.v1.x"]\n\n[plugins."com.example.snapshotter.v1.x"]\n  root = "/x"\n' });
    const at = (t: string) => lintRoot(root, { containerd: v(t) }).findings.filter((f) => f.rule === 'plugin-id-not-uri').map(short);
    expect(at('1.6')).toEqual([]);
    expect(at('1.7')).toEqual(['2:21 error plugin-id-not-uri', '4:10 error plugin-id-not-uri']);
    expect(at('2.1')).toEqual([]);
  });

  it('config-version-unsupported: 1.x checks the merged version (the last one), 2.x every file', () => {
    const root = tmpRoot({ 'etc/containerd/config.toml': 'version = 3\nimports = ["conf.d/*.toml"]\n', 'etc/containerd/conf.d/10.toml': 'version = 2\n' });
    expect(lintRoot(root, { containerd: v('1.7') }).findings.filter((f) => f.rule === 'config-version-unsupported')).toEqual([]);
    const flipped = tmpRoot({ 'etc/containerd/config.toml': 'version = 2\nimports = ["conf.d/*.toml"]\n', 'etc/containerd/conf.d/10.toml': 'version = 4\n' });
    expect(lintRoot(flipped, { containerd: v('1.7') }).findings.filter((f) => f.rule === 'config-version-unsupported').map((f) => `${f.file?.display}:${short(f)}`)).toEqual(['etc/containerd/conf.d/10.toml:1:11 error config-version-unsupported']);
    expect(lintRoot(flipped, { containerd: v('2.2') }).findings.filter((f) => f.rule === 'config-version-unsupported').map((f) => `${f.file?.display}:${short(f)}`)).toEqual(['etc/containerd/conf.d/10.toml:1:11 error config-version-unsupported']);
  });

  it('default-runtime-undefined: on 1.x a drop-in CRI table replaces the main one and loses runc; 2.x merges', () => {
    const root = tmpRoot({
      'etc/containerd/config.toml': 'version = 2\nimports = ["conf.d/*.toml"]\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n',
      'etc/containerd/conf.d/99-nvidia.toml': 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.nvidia]\n  runtime_type = "io.containerd.runc.v2"\n',
    });
    expect(lintRoot(root, { containerd: v('1.7') }).findings.filter((f) => f.rule === 'default-runtime-undefined').map((f) => `${f.file?.display}:${short(f)}`)).toEqual([
      'etc/containerd/conf.d/99-nvidia.toml:3:49 error default-runtime-undefined',
    ]);
    expect(lintRoot(root, { containerd: v('2.1') }).findings.filter((f) => f.rule === 'default-runtime-undefined')).toEqual([]);
  });

  it('unknown-key leaves keys to the rule that explains them (one finding per key)', () => {
    const root = tmpRoot({
      'etc/containerd/config.toml':
        'version = 3\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.9"\n\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]\n  runtime_root = "/run/runc"\n  SystemdCgroup = true\n',
    });
    const found = mine(lintRoot(root, { containerd: v('2.1') }).findings);
    expect(found.map((f) => `${short(f)}`)).toEqual(['4:3 error cri-config-ignored (unsafe fix)', '7:3 error removed-key', '8:3 error systemd-cgroup-misplaced (unsafe fix)']);
  });

  it('server-section-inert is silent before 2.3 (version 4 is refused there) and for values that change nothing', () => {
    const root = tmpRoot({ 'etc/containerd/config.toml': 'version = 4\n\n[grpc]\n  address = "/run/containerd/containerd.sock"\n  max_recv_message_size = 16777216\n  uid = 0\n\n[metrics]\n  address = "127.0.0.1:1338"\n' });
    expect(lintRoot(root, { containerd: v('2.3') }).findings.filter((f) => f.rule === 'server-section-inert').map(short)).toEqual(['9:3 warning server-section-inert (unsafe fix)']);
    expect(lintRoot(root, { containerd: v('2.2') }).findings.filter((f) => f.rule === 'server-section-inert')).toEqual([]);
  });
});
