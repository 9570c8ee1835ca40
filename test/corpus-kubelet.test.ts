/**
 * Every real kubelet file in ../shared/corpus/kubelet (templates excluded: .j2/.tmpl names or
 * Go/Jinja placeholders) parses without a syntax finding and is recognised for what it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import type { Target } from '../src/engine/rule.js';
import { LoadContext } from '../src/model/load.js';
import { assembleKubeletModel, kubeletDoc, kubeletSetting, loadKubelet, overriddenBy, type KubeletDocRole } from '../src/model/kubelet.js';
import { getPath, toJS } from '../src/model/tree.js';
import { kubeletProblems } from '../src/schema/kubelet.js';
import { CORPUS } from './helpers/cli.js';
import { src } from './helpers/source.js';

const DIR = resolve(CORPUS, 'kubelet');
const isTemplate = (name: string, text: string) => /\.(j2|tmpl)$/.test(name) || /\{\{|\{%/.test(text);

function target(k: string): Target {
  return { kubernetes: parseVersion(k)!, containerd: parseVersion('2.1')!, assumed: { kubernetes: false, containerd: false }, notes: [] };
}

function load(name: string) {
  const ctx = new LoadContext({ name: '(files)', root: null, files: [{ kind: 'kubelet', path: resolve(DIR, name) }], focus: null });
  const model = loadKubelet(ctx)!;
  return { model, findings: ctx.findings };
}

const brief = (f: Finding) => [f.rule, f.severity, `${f.range!.start.line}:${f.range!.start.column}-${f.range!.end.line}:${f.range!.end.column}`, f.message];

interface Expect {
  role: KubeletDocRole;
  /** Index of the KubeletConfiguration document and number of documents. */
  document: [number, number];
  json: boolean;
  /** Findings at Kubernetes 1.36 (rule, severity, range, message). */
  problems: unknown[][];
}

const EXPECTED: Record<string, Expect> = {
  'eks-ami-al2-kubelet-config.template.json': { role: 'config', document: [0, 1], json: true, problems: [] },
  'eks-nodeadm-al2023-expected-kubelet-config-drop-in.json': { role: 'config', document: [0, 1], json: true, problems: [] },
  'eks-nodeadm-al2023-expected-kubelet-config.json': { role: 'config', document: [0, 1], json: true, problems: [] },
  // kube-bench's fixture has `enabled: true` indented under authentication instead of webhook.
  'kube-bench-check-test-inline-KubeletConfiguration.yaml': {
    role: 'config',
    document: [0, 1],
    json: false,
    problems: [['unknown-key', 'error', '9:3-9:10', 'unknown key "enabled" in KubeletConfiguration authentication; the kubelet ignores unknown fields (lenient decoding), so this setting has no effect']],
  },
  'kubeadm-testdata-defaulting-controlplane-defaulted.yaml': { role: 'config', document: [3, 4], json: false, problems: [] },
  // kubeadm's instance config: a patch with only containerRuntimeEndpoint, no apiVersion/kind.
  'kubeadm-testdata-kubelet-instance-config.yaml': { role: 'instance', document: [0, 1], json: false, problems: [] },
};

describe('corpus: kubelet', () => {
  const names = readdirSync(DIR)
    .filter((n) => n !== 'SOURCES.md')
    .filter((n) => !isTemplate(n, readFileSync(resolve(DIR, n), 'utf8')))
    .sort();

  it('has an expectation for every non-template file', () => {
    expect(names).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of names) {
    it(`${name}: parses without syntax findings and is recognised`, () => {
      const { model, findings } = load(name);
      const want = EXPECTED[name]!;
      expect(findings).toEqual([]);
      const doc = want.role === 'instance' ? model.instance : model.config;
      expect(doc).not.toBeNull();
      expect([doc!.role, doc!.document, doc!.documents, doc!.json]).toEqual([want.role, ...want.document, want.json]);
      if (want.role === 'config') expect(toJS(getPath(doc!.root, ['kind'])!)).toBe('KubeletConfiguration');
      else expect(Object.keys(toJS(doc!.root) as object)).toEqual(['containerRuntimeEndpoint']);
      expect(kubeletProblems(model, target('1.36')).map(brief)).toEqual(want.problems);
    });
  }

  it('kubeadm defaulting testdata and EKS files have no unknown keys, except fields newer than the target', () => {
    const unknownKeys = (name: string, k: string) =>
      kubeletProblems(load(name).model, target(k))
        .filter((p) => p.rule === 'unknown-key')
        .map((p) => `${p.range!.start.line}:${p.range!.start.column} ${p.message}`);
    for (const k of ['1.24', '1.27', '1.30', '1.33', '1.36']) {
      expect(unknownKeys('kubeadm-testdata-defaulting-controlplane-defaulted.yaml', k)).toEqual([]);
      expect(unknownKeys('eks-ami-al2-kubelet-config.template.json', k)).toEqual([]);
      expect(unknownKeys('eks-nodeadm-al2023-expected-kubelet-config-drop-in.json', k)).toEqual([]);
    }
    // nodeadm sets containerRuntimeEndpoint, a field of Kubernetes 1.27 and later.
    expect(unknownKeys('eks-nodeadm-al2023-expected-kubelet-config.json', '1.26')).toEqual([
      '35:5 unknown key "containerRuntimeEndpoint" in KubeletConfiguration for Kubernetes 1.26 (added in 1.27); the kubelet ignores unknown fields (lenient decoding), so this setting has no effect',
    ]);
    for (const k of ['1.27', '1.30', '1.33', '1.36']) expect(unknownKeys('eks-nodeadm-al2023-expected-kubelet-config.json', k)).toEqual([]);
  });

  it('the kubeadm (1.13-era) defaulted config reads with the values kubeadm wrote', () => {
    const { model } = load('kubeadm-testdata-defaulting-controlplane-defaulted.yaml');
    const v = (field: string) => kubeletSetting(model, field, null, parseVersion('1.36')!);
    expect([v('cgroupDriver').value, v('eventRecordQPS').value, v('nodeStatusReportFrequency').value, v('clusterDNS').value]).toEqual(['cgroupfs', 5, '1m0s', ['10.192.0.10']]);
    expect(v('cgroupDriver').node!.range.start.line).toBe(97);
  });

  it('EKS nodeadm drop-in merges over the EKS config: lists replaced, maps merged key by key, with provenance', () => {
    const sink = { findings: [] as Finding[] };
    const read = (n: string) => src(readFileSync(resolve(DIR, n), 'utf8'), 'kubelet', `/corpus/${n}`);
    const config = kubeletDoc(read('eks-nodeadm-al2023-expected-kubelet-config.json'), 'config', sink);
    const dropIn = kubeletDoc(read('eks-nodeadm-al2023-expected-kubelet-config-drop-in.json'), 'drop-in', sink)!;
    const model = assembleKubeletModel({ config, dropIns: [dropIn] });
    expect(sink.findings).toEqual([]);
    expect(toJS(getPath(model.merged!, ['clusterDNS'])!)).toEqual(['0.0.0.0', '1.1.1.1']);
    expect(toJS(getPath(model.merged!, ['logging'])!)).toEqual({ verbosity: 5 });
    const verbosity = getPath(model.merged!, ['logging', 'verbosity'])!;
    expect([verbosity.file.display, verbosity.range.start.line]).toEqual(['/corpus/eks-nodeadm-al2023-expected-kubelet-config-drop-in.json', 5]);
    expect(overriddenBy(model, verbosity).map((n) => [n.file.display, n.range.start.line])).toEqual([['/corpus/eks-nodeadm-al2023-expected-kubelet-config.json', 43]]);
    expect(kubeletSetting(model, 'cgroupDriver').value).toBe('systemd');
    expect(kubeletProblems(model, target('1.36'))).toEqual([]);
  });
});
