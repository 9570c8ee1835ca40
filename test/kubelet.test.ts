import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Range } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import type { Target } from '../src/engine/rule.js';
import { LoadContext } from '../src/model/load.js';
import {
  assembleKubeletModel,
  kubeletDoc,
  kubeletFlag,
  kubeletFlagsOf,
  kubeletSetting,
  loadKubelet,
  overriddenBy,
  type KubeletDoc,
  type KubeletModel,
} from '../src/model/kubelet.js';
import { get, getPath, toJS, type MapNode, type VNode } from '../src/model/tree.js';
import { formatGoDuration, kubeletProblems, parseGoDuration } from '../src/schema/kubelet.js';
import { REPO } from './helpers/cli.js';
import { src } from './helpers/source.js';

const FIXTURES = resolve(REPO, 'fixtures/parse/kubelet');
const at = (r: Range | null | undefined) => (r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : null);
const where = (n: VNode | null | undefined) => (n ? `${n.file.display}:${at(n.range)}` : null);

function target(k: string): Target {
  return { kubernetes: parseVersion(k)!, containerd: parseVersion('2.1')!, assumed: { kubernetes: false, containerd: false }, notes: [] };
}

interface Input {
  config?: string;
  configName?: string;
  dropIns?: [string, string][];
  flags?: [string, string][];
  instance?: string;
  pick?: 'first' | 'kubelet';
}

function modelOf(input: Input): { model: KubeletModel; findings: Finding[] } {
  const sink = { findings: [] as Finding[] };
  const config = input.config !== undefined ? kubeletDoc(src(input.config, 'kubelet', `/virtual/${input.configName ?? 'config.yaml'}`), 'config', sink, input.pick ?? 'first') : null;
  const dropIns = (input.dropIns ?? []).map(([name, text]) => kubeletDoc(src(text, 'kubelet', `/virtual/${name}`), 'drop-in', sink)).filter((d): d is KubeletDoc => !!d);
  const instance = input.instance !== undefined ? kubeletDoc(src(input.instance, 'kubelet', '/virtual/instance-config.yaml'), 'instance', sink) : null;
  const flags = kubeletFlagsOf(
    (input.flags ?? []).map(([name, text]) => src(text, 'kubelet-flags', `/virtual/${name}`)),
    sink,
  );
  return { model: assembleKubeletModel({ config, dropIns, instance, flags }), findings: sink.findings };
}

const show = (f: Finding) => [f.rule, f.severity, f.file ? `${f.file.display}:${at(f.range)}` : null, f.message, ...f.related.map((r) => `${r.file?.display}:${at(r.range)} ${r.message}`)];
const problems = (m: KubeletModel, k = '1.36') => kubeletProblems(m, target(k)).map(show);
const setting = (m: KubeletModel, field: string | null, flag?: string | null, k = '1.36') => {
  const s = kubeletSetting(m, field, flag, parseVersion(k)!);
  return { value: s.value, origin: s.origin, node: where(s.node), flag: s.flag ? `${s.flag.source} ${s.flag.written}` : null };
};

const HEAD = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n';

describe('KubeletConfiguration file', () => {
  it('gives YAML values exact ranges and decodes YAML 1.1 booleans as the kubelet does', () => {
    const { model, findings } = modelOf({ config: `${HEAD}cgroupDriver: systemd\nfailSwapOn: no\nevictionHard:\n  memory.available: 200Mi\n` });
    expect(findings).toEqual([]);
    expect(model.config!.json).toBe(false);
    expect(setting(model, 'cgroupDriver')).toEqual({ value: 'systemd', origin: 'config', node: 'config.yaml:3:15-3:22', flag: null });
    expect(setting(model, 'failSwapOn')).toEqual({ value: false, origin: 'config', node: 'config.yaml:4:13-4:15', flag: null });
    expect(setting(model, 'evictionHard')).toEqual({ value: { 'memory.available': '200Mi' }, origin: 'config', node: 'config.yaml:6:3-7:1', flag: null });
    expect(where(getPath(model.merged!, ['evictionHard', 'memory.available']))).toBe('config.yaml:6:21-6:26');
    expect(setting(model, 'maxPods')).toEqual({ value: 110, origin: 'default', node: null, flag: null });
    expect(problems(model)).toEqual([]);
  });

  it('reads JSON with exact ranges, and holds it to strict JSON as the kubelet does', () => {
    const json = '{\n  "apiVersion": "kubelet.config.k8s.io/v1beta1",\n  "kind": "KubeletConfiguration",\n  "cgroupDriver": "systemd",\n  "maxPods": 58\n}\n';
    const { model, findings } = modelOf({ config: json, configName: 'config.json' });
    expect(findings).toEqual([]);
    expect(model.config!.json).toBe(true);
    const driver = get(model.merged!, 'cgroupDriver')!;
    expect([at(driver.keyRange), at(driver.range)]).toEqual(['4:3-4:17', '4:19-4:28']);
    expect(setting(model, 'maxPods')).toEqual({ value: 58, origin: 'config', node: 'config.json:5:14-5:16', flag: null });

    const bad = modelOf({ config: '{"kind": "KubeletConfiguration",}', configName: 'bad.json' });
    expect(bad.findings.map((f) => [f.rule, at(f.range), f.message])).toEqual([
      ['syntax', '1:33-1:34', 'invalid JSON (the kubelet decodes a file starting with "{" as JSON, not YAML): Expected double-quoted property name'],
    ]);
    expect(toJS(bad.model.config!.root)).toEqual({ kind: 'KubeletConfiguration' });
  });

  it('picks the KubeletConfiguration document of a multi-document kubeadm file; the kubelet itself reads only the first', () => {
    const text = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n';
    const loose = modelOf({ config: text, configName: 'kubeadm.yaml', pick: 'kubelet' });
    expect([loose.model.config!.document, loose.model.config!.documents, loose.model.config!.root.range.start.line]).toEqual([1, 2, 4]);
    expect(problems(loose.model)).toEqual([]);
    const asKubelet = modelOf({ config: text, configName: 'kubeadm.yaml', pick: 'first' });
    expect(problems(asKubelet.model)).toEqual([
      ['invalid-value', 'error', 'kubeadm.yaml:2:7-2:24', 'kind must be "KubeletConfiguration", found "InitConfiguration": the kubelet cannot decode this file as its configuration'],
    ]);
  });

  it('reports a wrong or missing apiVersion and kind', () => {
    expect(problems(modelOf({ config: 'kind: KubeletConfiguration\napiVersion: kubelet.config.k8s.io/v1\n' }).model)).toEqual([
      ['invalid-value', 'error', 'config.yaml:2:13-2:37', 'apiVersion must be "kubelet.config.k8s.io/v1beta1", found "kubelet.config.k8s.io/v1": the kubelet cannot decode this file'],
    ]);
    expect(problems(modelOf({ config: 'cgroupDriver: systemd\n' }).model)).toEqual([
      ['invalid-value', 'error', 'config.yaml:1:1-1:1', 'apiVersion is missing: the kubelet cannot decode the file without "apiVersion: kubelet.config.k8s.io/v1beta1"'],
      ['invalid-value', 'error', 'config.yaml:1:1-1:1', 'kind is missing: the kubelet cannot decode the file without "kind: KubeletConfiguration"'],
    ]);
  });

  it('keeps duplicate keys, lets the last win, and warns at the winner with the earlier one related', () => {
    const { model } = modelOf({ config: `${HEAD}cgroupDriver: cgroupfs\nmaxPods: 10\ncgroupDriver: systemd\n` });
    expect((model.config!.root as MapNode).entries.filter((e) => e.key === 'cgroupDriver')).toHaveLength(2);
    expect(setting(model, 'cgroupDriver')).toEqual({ value: 'systemd', origin: 'config', node: 'config.yaml:5:15-5:22', flag: null });
    expect(problems(model)).toEqual([
      [
        'invalid-value',
        'warning',
        'config.yaml:5:1-5:13',
        'duplicate key "cgroupDriver": the kubelet\'s strict decoding fails and it falls back to lenient decoding, where the later value (this one, line 5) wins',
        'config.yaml:3:1-3:13 earlier "cgroupDriver" (ignored)',
      ],
    ]);
  });
});

describe('drop-in merge (--config-dir: JSON merge patch, in file order)', () => {
  const config = `${HEAD}port: 20250\nauthorization:\n  mode: Webhook\n  webhook:\n    cacheAuthorizedTTL: 5m\nclusterDNS:\n- 192.168.0.9\n- 192.168.0.8\nfeatureGates:\n  MemoryQoS: true\nserializeImagePulls: false\n`;
  const d10 = `${HEAD}authorization:\n  mode: AlwaysAllow\nclusterDNS:\n- 192.168.0.2\nfeatureGates:\n  KubeletTracing: true\n`;
  const d20 = `${HEAD}port: null\nauthorization:\n  webhook:\n    cacheAuthorizedTTL: 8m\n`;

  it('merges maps key by key, replaces lists and scalars, and lets null remove a value', () => {
    const { model } = modelOf({ config, dropIns: [['10.conf', d10], ['20.conf', d20]] });
    expect(toJS(model.merged!)).toEqual({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      port: null,
      authorization: { mode: 'AlwaysAllow', webhook: { cacheAuthorizedTTL: '8m' } },
      clusterDNS: ['192.168.0.2'],
      featureGates: { MemoryQoS: true, KubeletTracing: true },
      serializeImagePulls: false,
    });
  });

  it('keeps the original nodes as leaves and records what each winner overrode', () => {
    const { model } = modelOf({ config, dropIns: [['10.conf', d10], ['20.conf', d20]] });
    const m = model.merged!;
    const mode = getPath(m, ['authorization', 'mode'])!;
    expect(where(mode)).toBe('10.conf:4:9-4:20');
    expect(overriddenBy(model, mode).map(where)).toEqual(['config.yaml:5:9-5:16']);
    const ttl = getPath(m, ['authorization', 'webhook', 'cacheAuthorizedTTL'])!;
    expect(where(ttl)).toBe('20.conf:6:25-6:27');
    expect(overriddenBy(model, ttl).map(where)).toEqual(['config.yaml:7:25-7:27']);
    const dns = get(m, 'clusterDNS')!;
    expect([where(dns), overriddenBy(model, dns).map(where)]).toEqual(['10.conf:6:1-7:1', ['config.yaml:9:1-11:1']]);
    expect(where(getPath(m, ['featureGates', 'MemoryQoS']))).toBe('config.yaml:12:14-12:18');
    expect(model.contributors.get(get(m, 'authorization') as MapNode)!.map((n) => n.file.display)).toEqual(['config.yaml', '10.conf', '20.conf']);
    // null resets the field to its default; the null node says where, and what it removed.
    expect(setting(model, 'port')).toEqual({ value: 10250, origin: 'default', node: '20.conf:3:7-3:11', flag: null });
    expect(overriddenBy(model, get(m, 'port')!).map(where)).toEqual(['config.yaml:3:7-3:12']);
    expect(setting(model, 'serializeImagePulls')).toEqual({ value: false, origin: 'config', node: 'config.yaml:13:22-13:27', flag: null });
  });

  it('needs apiVersion and kind in drop-ins too, and flags resolvConf in a drop-in before 1.32', () => {
    const { model } = modelOf({ config: HEAD, dropIns: [['50.conf', 'resolvConf: /run/systemd/resolve/resolv.conf\n']] });
    expect(problems(model, '1.31')).toEqual([
      ['invalid-value', 'error', '50.conf:1:1-1:1', 'apiVersion is missing: the kubelet cannot decode the file without "apiVersion: kubelet.config.k8s.io/v1beta1"'],
      ['invalid-value', 'error', '50.conf:1:1-1:1', 'kind is missing: the kubelet cannot decode the file without "kind: KubeletConfiguration"'],
      [
        'invalid-value',
        'error',
        '50.conf:1:1-1:11',
        'resolvConf in a --config-dir drop-in has no effect before Kubernetes 1.32: the kubelet merges drop-ins into its internal struct, whose field is named ResolverConfig (kubernetes/kubernetes#126630, fixed in 1.32 by #127421); set it in the main config file',
      ],
    ]);
    expect(problems(model, '1.32').map((p) => p[3])).not.toContain(expect.stringContaining('resolvConf'));
  });
});

describe('effective settings (flags > drop-ins > config file > v1beta1 defaults)', () => {
  const flags: [string, string][] = [
    ['kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/crio/crio.sock --feature-gates=NodeSwap=true"\n'],
    ['default-kubelet', 'KUBELET_EXTRA_ARGS="--cgroup-driver=cgroupfs --feature-gates=KubeletTracing=false --tls-cipher-suites=A,B --tls-cipher-suites C"\n'],
  ];
  const config = `${HEAD}cgroupDriver: systemd\ncontainerRuntimeEndpoint: ""\nfeatureGates:\n  MemoryQoS: true\n  NodeSwap: false\ntlsCipherSuites: [X]\n`;

  it('lets flags override the file, EXTRA_ARGS last; map flags merge over the file map, list flags accumulate', () => {
    const { model } = modelOf({ config, flags });
    expect(setting(model, 'cgroupDriver')).toEqual({ value: 'cgroupfs', origin: 'flag', node: 'config.yaml:3:15-3:22', flag: 'KUBELET_EXTRA_ARGS --cgroup-driver' });
    const s = kubeletSetting(model, 'cgroupDriver');
    expect([s.flag!.file.display, at(s.flag!.range), at(s.flag!.valueRange)]).toEqual(['default-kubelet', '1:21-1:45', '1:37-1:45']);
    expect(setting(model, 'containerRuntimeEndpoint')).toEqual({ value: 'unix:///run/crio/crio.sock', origin: 'flag', node: 'config.yaml:4:27-4:29', flag: 'KUBELET_KUBEADM_ARGS --container-runtime-endpoint' });
    expect(setting(model, 'imageServiceEndpoint')).toEqual({ value: 'unix:///run/crio/crio.sock', origin: 'default', node: null, flag: null });
    expect(setting(model, 'featureGates').value).toEqual({ MemoryQoS: true, NodeSwap: true, KubeletTracing: false });
    expect(setting(model, 'tlsCipherSuites').value).toEqual(['A', 'B', 'C']);
    expect(setting(model, 'authorization.mode', 'authorization-mode')).toEqual({ value: 'Webhook', origin: 'default', node: null, flag: null });
  });

  it('defaults an empty containerRuntimeEndpoint (from 1.27 only) and keeps the node that was empty', () => {
    const { model } = modelOf({ config });
    expect(setting(model, 'containerRuntimeEndpoint')).toEqual({ value: 'unix:///run/containerd/containerd.sock', origin: 'default', node: 'config.yaml:4:27-4:29', flag: null });
    expect(setting(model, 'imageServiceEndpoint').value).toBe('unix:///run/containerd/containerd.sock');
    // 1.26 does not know the field at all (added in 1.27): the kubelet drops it and has no default.
    expect(setting(model, 'containerRuntimeEndpoint', undefined, '1.26')).toEqual({ value: '', origin: 'default', node: null, flag: null });
  });

  it('uses the version-dependent and derived defaults', () => {
    const { model } = modelOf({ config: `${HEAD}maxParallelImagePulls: 5\nnodeStatusUpdateFrequency: 20s\n` });
    expect(setting(model, 'eventRecordQPS', undefined, '1.26').value).toBe(5);
    expect(setting(model, 'eventRecordQPS', undefined, '1.27').value).toBe(50);
    expect(setting(model, 'failCgroupV1', undefined, '1.34').value).toBe(false);
    expect(setting(model, 'failCgroupV1', undefined, '1.35').value).toBe(true);
    expect(setting(model, 'serializeImagePulls')).toEqual({ value: false, origin: 'default', node: null, flag: null });
    expect(setting(model, 'nodeStatusReportFrequency').value).toBe('20s');
    expect(setting(model, 'evictionHard', undefined, '1.29').value).toEqual({ 'memory.available': '100Mi', 'nodefs.available': '10%', 'nodefs.inodesFree': '5%', 'imagefs.available': '15%' });
  });

  it('applies the flag-era defaults when the kubelet has no config file', () => {
    const noConfig = modelOf({ flags: [['kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS=--node-ip=10.0.0.1\n']] }).model;
    expect(setting(noConfig, 'readOnlyPort').value).toBe(10255);
    expect(setting(noConfig, 'authentication.anonymous.enabled').value).toBe(true);
    expect(setting(noConfig, 'authorization.mode').value).toBe('AlwaysAllow');
    expect(setting(modelOf({ config: HEAD }).model, 'readOnlyPort').value).toBe(0);
    // A --config flag means a config file, even when that file was not given to crilint.
    expect(setting(modelOf({ flags: [['kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS=--config=/etc/k.yaml\n']] }).model, 'readOnlyPort').value).toBe(0);
    // Drop-ins alone keep the flag-era defaults (k3s-io/k3s#12164).
    expect(setting(modelOf({ dropIns: [['00.conf', `${HEAD}maxPods: 20\n`]] }).model, 'readOnlyPort').value).toBe(10255);
  });

  it('exposes flag-only settings', () => {
    const { model } = modelOf({ flags: [['kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.9"\n']] });
    expect(setting(model, null, 'pod-infra-container-image')).toEqual({ value: 'registry.k8s.io/pause:3.9', origin: 'flag', node: null, flag: 'KUBELET_KUBEADM_ARGS --pod-infra-container-image' });
    expect(at(kubeletFlag(model, 'pod-infra-container-image')!.valueRange)).toBe('1:51-1:76');
    expect(kubeletFlag(model, 'network-plugin')).toBeNull();
  });
});

describe('schema findings', () => {
  it('reports unknown keys with suggestions, fields newer than the target, and values the kubelet cannot decode', () => {
    const text = `${HEAD}cgroupDriverr: systemd\nmaxPods: "110"\nsyncFrequency: 60\ncgroupDriver: sysd\nauthentication:\n  anonymous:\n    enable: false\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\nresolvConf: null\nkubeReserved:\n  cpu: 1\n`;
    const IGN = 'the kubelet ignores unknown fields (lenient decoding), so this setting has no effect';
    expect(problems(modelOf({ config: text }).model, '1.26')).toEqual([
      ['unknown-key', 'error', 'config.yaml:3:1-3:14', `unknown key "cgroupDriverr" in KubeletConfiguration; did you mean "cgroupDriver"? The kubelet ignores unknown fields (lenient decoding), so this setting has no effect`],
      ['invalid-value', 'error', 'config.yaml:4:10-4:15', 'invalid value for maxPods: expected integer (found "110")'],
      ['invalid-value', 'error', 'config.yaml:5:16-5:18', 'invalid value for syncFrequency: expected a Go duration string such as "10s", "2m0s" or "1h30m" (metav1.Duration; a bare number is rejected) (found 60)'],
      ['invalid-value', 'error', 'config.yaml:6:15-6:19', 'invalid value for cgroupDriver: expected one of "cgroupfs", "systemd" (found sysd)'],
      ['unknown-key', 'error', 'config.yaml:9:5-9:11', `unknown key "enable" in KubeletConfiguration authentication.anonymous; did you mean "enabled"? The kubelet ignores unknown fields (lenient decoding), so this setting has no effect`],
      ['unknown-key', 'error', 'config.yaml:10:1-10:25', `unknown key "containerRuntimeEndpoint" in KubeletConfiguration for Kubernetes 1.26 (added in 1.27); ${IGN}`],
      ['invalid-value', 'error', 'config.yaml:13:8-13:9', 'invalid value for kubeReserved.cpu: expected string (found 1)'],
    ]);
    // The same file for 1.27 knows containerRuntimeEndpoint.
    expect(problems(modelOf({ config: text }).model, '1.27').map((p) => p[2])).not.toContain('config.yaml:10:1-10:25');
  });
});

describe("the kubelet's own validation", () => {
  it('checks ranges and cross-field rules on the effective configuration, pointing at the wrong value', () => {
    const text = [
      HEAD.trimEnd(),
      'imageGCHighThresholdPercent: 80',
      'imageGCLowThresholdPercent: 90',
      'maxParallelImagePulls: 5',
      'serializeImagePulls: true',
      'evictionHard:',
      '  memory.available: 100Mi',
      '  disk.available: 10%',
      'enforceNodeAllocatable: [pods, system-reserved, kube-reserved-compressible, kube-reserved]',
      'containerLogMaxFiles: 1',
      'containerLogMonitorInterval: 2s',
      'tlsMinVersion: VersionTLS14',
      'tlsCipherSuites: [TLS_AES_128_GCM_SHA256, TLS_FAKE]',
      'port: 70000',
      'shutdownGracePeriod: 10s',
      'shutdownGracePeriodCriticalPods: 20s',
      'runOnce: true',
      '',
    ].join('\n');
    const R = 'the kubelet refuses to start: ';
    const I = `${R}invalid configuration: `;
    const ENA = 'enforceNodeAllocatable (--enforce-node-allocatable)';
    expect(problems(modelOf({ config: text }).model, '1.36')).toEqual([
      ['invalid-value', 'error', 'config.yaml:4:29-4:31', `${I}imageGCLowThresholdPercent (--image-gc-low-threshold) 90 must be less than imageGCHighThresholdPercent (--image-gc-high-threshold) 80`, 'config.yaml:3:30-3:32 imageGCHighThresholdPercent is set here'],
      ['invalid-value', 'error', 'config.yaml:5:24-5:25', `${I}maxParallelImagePulls cannot be larger than 1 unless SerializeImagePulls (--serialize-image-pulls) is set to false`, 'config.yaml:6:22-6:26 serializeImagePulls is set here'],
      ['invalid-value', 'error', 'config.yaml:9:3-9:17', `${R}unsupported eviction signal disk.available`],
      ['invalid-value', 'error', 'config.yaml:10:32-10:47', `${I}systemReservedCgroup (--system-reserved-cgroup) must be specified when "system-reserved" or "system-reserved-compressible" included in ${ENA}`],
      ['invalid-value', 'error', 'config.yaml:10:49-10:75', `${I}both "kube-reserved" and "kube-reserved-compressible" cannot be specified together in ${ENA}`],
      ['invalid-value', 'error', 'config.yaml:10:49-10:75', `${I}kubeReservedCgroup (--kube-reserved-cgroup) must be specified when "kube-reserved" or "kube-reserved-compressible" included in ${ENA}`],
      ['invalid-value', 'error', 'config.yaml:11:23-11:24', `${I}containerLogMaxFiles must be greater than 1`],
      ['invalid-value', 'error', 'config.yaml:12:30-12:32', `${I}containerLogMonitorInterval must be a positive time duration greater than or equal to 3s`],
      ['invalid-value', 'error', 'config.yaml:13:16-13:28', `${R}unknown tls version "VersionTLS14"`],
      ['invalid-value', 'error', 'config.yaml:14:43-14:51', `${R}Cipher suite TLS_FAKE not supported or doesn't exist`],
      ['invalid-value', 'error', 'config.yaml:15:7-15:12', `${I}port (--port) 70000 must be between 1 and 65535, inclusive`],
      ['invalid-value', 'error', 'config.yaml:17:34-17:37', `${I}shutdownGracePeriodCriticalPods 20s must be <= shutdownGracePeriod 10s`, 'config.yaml:16:22-16:25 shutdownGracePeriod is set here'],
      ['invalid-value', 'error', 'config.yaml:18:10-18:14', `${I}runOnce (--runOnce) true, Runonce mode has been deprecated and should not be set`],
    ]);
  });

  it('uses the pre-1.36 enforceNodeAllocatable rules and texts for older targets', () => {
    const { model } = modelOf({ config: `${HEAD}cgroupsPerQOS: false\nenforceNodeAllocatable: [pods, system-reserved, kube-reserved-compressible]\n` });
    const I = 'the kubelet refuses to start: invalid configuration: ';
    const ENA = 'enforceNodeAllocatable (--enforce-node-allocatable)';
    expect(problems(model, '1.35')).toEqual([
      ['invalid-value', 'error', 'config.yaml:3:16-3:21', `${I}${ENA} is not supported unless cgroupsPerQOS (--cgroups-per-qos) is set to true`, 'config.yaml:4:25-4:76 enforceNodeAllocatable is set here'],
      ['invalid-value', 'error', 'config.yaml:4:32-4:47', `${I}systemReservedCgroup (--system-reserved-cgroup) must be specified when "system-reserved" contained in ${ENA}`],
      ['invalid-value', 'error', 'config.yaml:4:49-4:75', `${I}option "kube-reserved-compressible" specified for ${ENA}. Valid options are "pods", "system-reserved", "kube-reserved", or "none"`],
    ]);
    expect(problems(model, '1.36')).toEqual([
      ['invalid-value', 'error', 'config.yaml:3:16-3:21', `${I}cgroupsPerQOS (--cgroups-per-qos) must be set to true when "pods" contained in ${ENA}`, 'config.yaml:4:25-4:76 enforceNodeAllocatable is set here'],
      ['invalid-value', 'error', 'config.yaml:4:32-4:47', `${I}systemReservedCgroup (--system-reserved-cgroup) must be specified when "system-reserved" or "system-reserved-compressible" included in ${ENA}`],
      ['invalid-value', 'error', 'config.yaml:4:49-4:75', `${I}kubeReservedCgroup (--kube-reserved-cgroup) must be specified when "kube-reserved" or "kube-reserved-compressible" included in ${ENA}`],
    ]);
  });

  it('checks swapBehavior per version and the NodeSwap gate', () => {
    const I = 'the kubelet refuses to start: invalid configuration: ';
    const unlimited = modelOf({ config: `${HEAD}memorySwap:\n  swapBehavior: UnlimitedSwap\n` }).model;
    expect(problems(unlimited, '1.30')).toEqual([['invalid-value', 'error', 'config.yaml:4:17-4:30', `${I}memorySwap.swapBehavior "UnlimitedSwap" must be one of: "", "LimitedSwap" or "NoSwap"`]]);
    // 1.29: NodeSwap is beta but off by default.
    expect(problems(unlimited, '1.29')).toEqual([['invalid-value', 'error', 'config.yaml:4:17-4:30', `${I}memorySwap.swapBehavior cannot be set when NodeSwap feature flag is disabled`]]);
    const withGate = modelOf({ config: `${HEAD}featureGates:\n  NodeSwap: true\nmemorySwap:\n  swapBehavior: UnlimitedSwap\n` }).model;
    expect(problems(withGate, '1.29')).toEqual([]);
  });

  it('rejects feature gates unknown at the target and locked gates set the other way', () => {
    const { model } = modelOf({
      config: `${HEAD}featureGates:\n  KubeletCgroupDriverFromCRI: true\n  KubeletCrashLoopBackOffMax: true\n  DynamicResourceAllocation: true\n  ImageMaximumGCAge: false\n`,
      flags: [['default-kubelet', 'KUBELET_EXTRA_ARGS=--feature-gates=KubeletPSI=true\n']],
    });
    const R = 'the kubelet refuses to start: ';
    expect(problems(model, '1.30')).toEqual([
      ['invalid-value', 'error', 'config.yaml:5:3-5:29', `${R}unrecognized feature gate: KubeletCrashLoopBackOffMax (KubeletCrashLoopBackOffMax exists from Kubernetes 1.32)`],
      ['invalid-value', 'error', 'default-kubelet:1:36-1:51', `${R}unrecognized feature gate: KubeletPSI (KubeletPSI exists from Kubernetes 1.33)`],
    ]);
    expect(problems(model, '1.36')).toEqual([
      ['invalid-value', 'error', 'config.yaml:7:22-7:27', `${R}cannot set feature gate ImageMaximumGCAge to false, feature is locked to true`],
    ]);
  });

  it('rejects flags the kubelet cannot parse: removed flags, positionals, bad values, missing arguments', () => {
    const { model } = modelOf({
      config: HEAD,
      flags: [
        ['kubeadm-flags.env', 'KUBELET_KUBEADM_ARGS="--pod-infra-container-image=registry.k8s.io/pause:3.10 --container-runtime=remote"\n'],
        ['default-kubelet', 'KUBELET_EXTRA_ARGS="--fail-swap-on false --max-pods=abc --node-ip"\n'],
      ],
    });
    const R = 'the kubelet refuses to start: ';
    expect(problems(model, '1.36')).toEqual([
      ['invalid-value', 'error', 'default-kubelet:1:36-1:41', `${R}unknown command false: a word that is not a flag (boolean flags take their value as --flag=false)`],
      ['invalid-value', 'error', 'default-kubelet:1:53-1:56', `${R}invalid argument "abc" for "--max-pods" flag: expected an integer`],
      ['invalid-value', 'error', 'default-kubelet:1:57-1:66', `${R}flag needs an argument: --node-ip`],
      ['invalid-value', 'error', 'kubeadm-flags.env:1:23-1:50', `--pod-infra-container-image was removed in Kubernetes 1.35; ${R}failed to parse kubelet flag: unknown flag: --pod-infra-container-image`],
      ['invalid-value', 'error', 'kubeadm-flags.env:1:78-1:97', `--container-runtime was removed in Kubernetes 1.27; ${R}failed to parse kubelet flag: unknown flag: --container-runtime`],
    ]);
    expect(problems(model, '1.34').map((p) => p[2])).not.toContain('kubeadm-flags.env:1:23-1:50');
  });

  it('warns when config.yaml disagrees with kubeadm\'s instance config', () => {
    const { model } = modelOf({ config: `${HEAD}containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock\n`, instance: 'containerRuntimeEndpoint: "unix:///run/containerd/containerd.sock"\n' });
    expect(problems(model)).toEqual([
      [
        'invalid-value',
        'warning',
        'config.yaml:3:27-3:69',
        'containerRuntimeEndpoint is "unix:///var/run/containerd/containerd.sock" here but "unix:///run/containerd/containerd.sock" in kubeadm\'s instance-config.yaml: the kubelet uses this value, and kubeadm patches the instance config over it the next time it writes the kubelet configuration (kubeadm upgrade/join)',
        'instance-config.yaml:1:27-1:67 kubeadm instance config (NodeLocalCRISocket)',
      ],
    ]);
  });

  it('formats and parses Go durations as the kubelet prints them', () => {
    expect(['1m', '90s', '1h', '100ms', '1.5s', '0', '-2m0s', '1h30m'].map((d) => formatGoDuration(parseGoDuration(d)!))).toEqual(['1m0s', '1m30s', '1h0m0s', '100ms', '1.5s', '0s', '-2m0s', '1h30m0s']);
    expect([parseGoDuration(''), parseGoDuration('10'), parseGoDuration('5 m'), parseGoDuration('1d')]).toEqual([null, null, null, null]);
  });
});

describe('node root (root mode)', () => {
  const load = (name: string) => {
    const ctx = new LoadContext({ name, root: resolve(FIXTURES, name), files: [], focus: null });
    return { model: loadKubelet(ctx)!, ctx };
  };

  it('reads the kubeadm files, follows --config-dir from /etc/default/kubelet and walks it as filepath.WalkDir does', () => {
    const { model, ctx } = load('kubeadm-node');
    expect(ctx.findings).toEqual([]);
    expect([model.configPath, model.configDir, model.config!.file.display]).toEqual(['/var/lib/kubelet/config.yaml', '/etc/kubernetes/kubelet.conf.d', 'var/lib/kubelet/config.yaml']);
    expect(model.flags!.files.map((f) => f.file.display)).toEqual(['var/lib/kubelet/kubeadm-flags.env', 'etc/default/kubelet']);
    expect(model.dropIns.map((d) => [d.file.display, d.json])).toEqual([
      ['etc/kubernetes/kubelet.conf.d/05-sub/99-late.conf', false],
      ['etc/kubernetes/kubelet.conf.d/10-dns.conf', false],
      ['etc/kubernetes/kubelet.conf.d/20-gates.conf', true],
    ]);
    const driver = get(model.merged!, 'cgroupDriver')!;
    expect([where(driver), ...overriddenBy(model, driver).map(where)]).toEqual([
      'etc/kubernetes/kubelet.conf.d/20-gates.conf:6:19-6:28',
      'etc/kubernetes/kubelet.conf.d/05-sub/99-late.conf:3:15-3:23',
      'var/lib/kubelet/config.yaml:3:15-3:22',
    ]);
    expect(toJS(get(model.merged!, 'authorization')!)).toEqual({ mode: 'AlwaysAllow', webhook: { cacheAuthorizedTTL: '5m0s' } });
    expect(setting(model, 'featureGates').value).toEqual({ KubeletTracing: true, NodeSwap: true });
    expect(setting(model, 'maxPods')).toEqual({ value: 200, origin: 'flag', node: 'etc/kubernetes/kubelet.conf.d/20-gates.conf:5:14-5:17', flag: 'KUBELET_EXTRA_ARGS --max-pods' });
    expect(model.instance!.file.display).toBe('var/lib/kubelet/instance-config.yaml');
    expect(problems(model, '1.36')).toEqual([
      [
        'invalid-value',
        'warning',
        'var/lib/kubelet/config.yaml:4:27-4:69',
        'containerRuntimeEndpoint is "unix:///var/run/containerd/containerd.sock" here but "unix:///run/containerd/containerd.sock" in kubeadm\'s instance-config.yaml: the kubelet uses this value, and kubeadm patches the instance config over it the next time it writes the kubelet configuration (kubeadm upgrade/join)',
        'var/lib/kubelet/instance-config.yaml:1:27-1:67 kubeadm instance config (NodeLocalCRISocket)',
      ],
      [
        'invalid-value',
        'error',
        'var/lib/kubelet/kubeadm-flags.env:1:42-1:69',
        '--pod-infra-container-image was removed in Kubernetes 1.35; the kubelet refuses to start: failed to parse kubelet flag: unknown flag: --pod-infra-container-image',
      ],
    ]);
  });

  it('reads the config file named by --config, and lets the flag override it', () => {
    const { model } = load('config-flag');
    expect([model.configPath, model.config!.file.display, model.config!.json]).toEqual(['/etc/kubernetes/kubelet/config.json', 'etc/kubernetes/kubelet/config.json', true]);
    expect(setting(model, 'containerRuntimeEndpoint')).toEqual({
      value: 'unix:///run/crio/crio.sock',
      origin: 'flag',
      node: 'etc/kubernetes/kubelet/config.json:5:31-5:71',
      flag: 'KUBELET_KUBEADM_ARGS --container-runtime-endpoint',
    });
    expect(problems(model, '1.36')).toEqual([]);
  });

  it('reports a --config file that is not there (relative paths resolve from /)', () => {
    const { model } = load('config-missing');
    expect([model.configPath, model.configMissing, model.config]).toEqual(['/etc/kubelet.yaml', true, null]);
    expect(problems(model, '1.36')).toEqual([
      ['invalid-value', 'error', 'etc/sysconfig/kubelet:1:30-1:46', '--config names /etc/kubelet.yaml, which does not exist in this node root; the kubelet fails to start ("failed to load kubelet config file")'],
    ]);
  });
});

describe('bad input', () => {
  it('never throws, whatever the config, drop-in and flags files contain', async () => {
    const fc = (await import('fast-check')).default;
    const frag = fc.constantFrom(
      HEAD,
      'evictionHard: [a, b]\n',
      'evictionHard:\n  x: 1\n',
      'enforceNodeAllocatable: none\n',
      'featureGates: [1]\n',
      'featureGates:\n  NodeSwap: yes\n',
      'memorySwap: x\n',
      'tlsCipherSuites: [1, {a: b}]\n',
      'maxPods: 1e400\n',
      '? [a]\n: b\n',
      '&a x: *a\n',
      '- 1\n',
      '{',
      '"\n',
      'reservedMemory: [{numaNode: x, limits: {memory: 0}}, 3]\n',
      'registerWithTaints: [1, {timeAdded: 2}]\n',
      'shutdownGracePeriodByPodPriority: [1]\n',
      'podLogsDir: "relative/ü"\n',
      '---\n',
    );
    const flag = fc.constantFrom('KUBELET_EXTRA_ARGS=', 'KUBELET_KUBEADM_ARGS="', '--feature-gates=A', ',B=maybe', ' --max-pods ', ' -v', '=', "'", '"', '\\', '\n', ' --', ' --fail-swap-on', '#', ' --eviction-hard=x<1', ' --system-reserved=gpu=1');
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 10 }), fc.array(fc.oneof(flag, fc.string()), { maxLength: 16 }), (parts, flagParts) => {
        const sink = { findings: [] as Finding[] };
        const config = kubeletDoc(src(parts.join(''), 'kubelet', '/virtual/c.yaml'), 'config', sink);
        const dropIn = kubeletDoc(src([...parts].reverse().join(''), 'kubelet', '/virtual/d.conf'), 'drop-in', sink);
        const flags = kubeletFlagsOf([src(flagParts.join(''), 'kubelet-flags', '/virtual/f')], sink);
        const model = assembleKubeletModel({ config, dropIns: dropIn ? [dropIn] : [], flags });
        for (const k of ['1.24', '1.36']) expect(Array.isArray(kubeletProblems(model, target(k)))).toBe(true);
        expect(kubeletSetting(model, 'featureGates').origin).toMatch(/^(flag|config|default)$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('schemas/kubelet.schema.json', () => {
  it('has exactly the v1beta1 fields of the data table, with the same first version', async () => {
    const { KUBELET_CONFIG_FIELD_SINCE } = await import('../src/data/kubelet-fields.js');
    const { kubeletSchema } = await import('../src/schema/kubelet.js');
    const props = (kubeletSchema() as { properties: Record<string, { 'x-since': string }> }).properties;
    const since = Object.fromEntries(Object.entries(props).filter(([k]) => k !== 'apiVersion' && k !== 'kind').map(([k, v]) => [k, v['x-since']]));
    expect(since).toEqual(KUBELET_CONFIG_FIELD_SINCE);
    expect(Object.keys(since)).toHaveLength(126);
  });
});
