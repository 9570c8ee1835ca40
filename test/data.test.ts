import { describe, expect, it } from 'vitest';
import { parseVersion, type Version } from '../src/core/version.js';
import {
  CONFIG_DEFAULT_EMITS,
  CONTAINERD_DEFAULTS,
  CONTAINERD_KEY_CHANGES,
  CONTAINERD_MINORS,
  CRI_PLUGIN_IDS,
  DATA_NOTES,
  FEATURE_GATES,
  KUBEADM_CRI_SOCKETS,
  KUBEADM_PAUSE_VERSION,
  KUBELET_CONFIG_FIELD_SINCE,
  KUBERNETES_MINORS,
  PROTECT_KERNEL_DEFAULTS_SYSCTLS,
  atLeastLoose,
  clampContainerd,
  clampKubernetes,
  configDefaultShowsSystemdCgroup,
  configVersionVerdict,
  containerdDefault,
  containerdDefaultPath,
  containerdForConfigVersion,
  containerdKeyStatus,
  containerdValueStatus,
  criKeyPath,
  crictlConfigKeys,
  crictlDefaultEndpoints,
  defaultConfigVersion,
  defaultImageRepository,
  defaultSandboxImage,
  expectedPause,
  expectedPauseImage,
  failCgroupV1Default,
  fmtKeyPath,
  gateDefault,
  gateKnown,
  gateLocked,
  gateStage,
  isSupportedCombo,
  kubeletCgroupDriverFromRuntime,
  kubeletFieldKnown,
  kubeletFieldSince,
  kubeletFlagStatus,
  kubeletRuntimeEndpoint,
  mapV2CriKey,
  maxConfigVersion,
  reaches,
  recommendedContainerd,
  renamedPluginId,
  runtimeReportsCgroupDriver,
  supportedContainerd,
  swapBehaviorValues,
  v1CriSettingsMigrated,
  v1PluginUri,
} from '../src/data/index.js';

const V = (s: string): Version => parseVersion(s)!;
const CRI2 = ['plugins', 'io.containerd.grpc.v1.cri'];
const RT = ['plugins', 'io.containerd.cri.v1.runtime'];
const IM = ['plugins', 'io.containerd.cri.v1.images'];

describe('version helpers', () => {
  it('treats a minor-only version as the newest patch of its line', () => {
    expect(atLeastLoose(V('2.0'), '2.0.7')).toBe(true);
    expect(atLeastLoose(V('2.0.6'), '2.0.7')).toBe(false);
    expect(atLeastLoose(V('2.0.7'), '2.0.7')).toBe(true);
    expect(atLeastLoose(V('1.34'), '1.34')).toBe(true);
    expect(atLeastLoose(V('1.33'), '1.34')).toBe(false);
    expect(atLeastLoose(V('1.34.0'), '1.34')).toBe(true);
  });

  it('clamps versions outside the tables with a note', () => {
    expect(clampKubernetes(V('1.34.2'))).toEqual({ version: V('1.34.2'), line: '1.34' });
    expect(clampKubernetes(V('1.37.1'))).toEqual({
      version: { major: 1, minor: 36 },
      line: '1.36',
      clamped: 'newer',
      note: "Kubernetes 1.37.1 is newer than the data tables (newest 1.36); checking with 1.36's data",
    });
    expect(clampKubernetes(V('1.20'))).toMatchObject({ version: { major: 1, minor: 24, patch: 0 }, line: '1.24', clamped: 'older' });
    expect(clampContainerd(V('2.4.0'))).toMatchObject({ version: { major: 2, minor: 3 }, line: '2.3', clamped: 'newer' });
    expect(clampContainerd(V('1.5.9'))).toMatchObject({ version: { major: 1, minor: 6, patch: 0 }, clamped: 'older' });
    expect(clampContainerd(V('1.5.9')).note).toBe("containerd 1.5.9 is older than the data tables (oldest 1.6); checking with 1.6.0's data");
  });

  it('reads per-line thresholds (backports)', () => {
    const since = { '1.6': '1.6.32', '1.7': '1.7.16', '2.0': '2.0.0' };
    expect(reaches(V('1.6.31'), since)).toBe(false);
    expect(reaches(V('1.6.32'), since)).toBe(true);
    expect(reaches(V('1.7.15'), since)).toBe(false);
    expect(reaches(V('1.7.16'), since)).toBe(true);
    expect(reaches(V('2.2.1'), since)).toBe(true);
    expect(reaches(V('1.5.0'), since)).toBe(false);
  });

  it('formats key paths with quoted dotted segments', () => {
    expect(fmtKeyPath([...CRI2, 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'])).toBe('plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup');
  });
});

describe('kubeadm pause and image repository', () => {
  it('has an entry for every Kubernetes minor', () => {
    expect(Object.keys(KUBEADM_PAUSE_VERSION)).toEqual([...KUBERNETES_MINORS]);
  });

  it('gives the pause version per minor, for patch and minor-only versions', () => {
    expect(expectedPause(V('1.24'))).toBe('3.7');
    expect(expectedPause(V('1.25.3'))).toBe('3.8');
    expect(expectedPause(V('1.30.14'))).toBe('3.9');
    expect(expectedPause(V('1.31'))).toBe('3.10');
    expect(expectedPause(V('1.33.2'))).toBe('3.10');
    expect(expectedPause(V('1.34'))).toBe('3.10.1');
    expect(expectedPause(V('1.35.0'))).toBe('3.10.1');
    expect(expectedPause(V('1.36'))).toBe('3.10.2');
    expect(expectedPause(V('1.38'))).toBe('3.10.2');
    expect(expectedPause(V('1.22'))).toBe('3.7');
  });

  it('switches the image repository within 1.24', () => {
    expect(defaultImageRepository(V('1.24.8'))).toBe('k8s.gcr.io');
    expect(defaultImageRepository(V('1.24.9'))).toBe('registry.k8s.io');
    expect(defaultImageRepository(V('1.24'))).toBe('registry.k8s.io');
    expect(defaultImageRepository(V('1.34'))).toBe('registry.k8s.io');
    expect(expectedPauseImage(V('1.34'))).toBe('registry.k8s.io/pause:3.10.1');
    expect(expectedPauseImage(V('1.24.3'))).toBe('k8s.gcr.io/pause:3.7');
    expect(expectedPauseImage(V('1.36'), 'mirror.example.com/k8s')).toBe('mirror.example.com/k8s/pause:3.10.2');
  });
});

describe('feature gates', () => {
  it('stages KubeletCgroupDriverFromCRI: alpha 1.28 off, beta 1.31 on, GA 1.34 locked', () => {
    expect(gateKnown(V('1.27'), 'KubeletCgroupDriverFromCRI')).toBe(false);
    expect(gateDefault(V('1.27'), 'KubeletCgroupDriverFromCRI')).toBeUndefined();
    expect(gateStage(V('1.28'), 'KubeletCgroupDriverFromCRI')).toEqual({ since: '1.28', stage: 'alpha', default: false });
    expect(gateDefault(V('1.30.5'), 'KubeletCgroupDriverFromCRI')).toBe(false);
    expect(gateDefault(V('1.31'), 'KubeletCgroupDriverFromCRI')).toBe(true);
    expect(gateLocked(V('1.33'), 'KubeletCgroupDriverFromCRI')).toBe(false);
    expect(gateLocked(V('1.34'), 'KubeletCgroupDriverFromCRI')).toBe(true);
    expect(gateStage(V('1.36'), 'KubeletCgroupDriverFromCRI')?.stage).toBe('ga');
  });

  it('stages NodeSwap: alpha 1.22, beta off 1.28, beta on 1.30, GA 1.34', () => {
    expect(gateStage(V('1.24'), 'NodeSwap')).toEqual({ since: '1.22', stage: 'alpha', default: false });
    expect(gateStage(V('1.29'), 'NodeSwap')).toEqual({ since: '1.28', stage: 'beta', default: false });
    expect(gateDefault(V('1.30'), 'NodeSwap')).toBe(true);
    expect(gateLocked(V('1.34.1'), 'NodeSwap')).toBe(true);
  });

  it('covers the other node gates and says undefined for gates it does not know', () => {
    expect(gateDefault(V('1.34'), 'ImageMaximumGCAge')).toBe(true);
    expect(gateLocked(V('1.35'), 'ImageMaximumGCAge')).toBe(true);
    expect(gateKnown(V('1.28'), 'ImageMaximumGCAge')).toBe(false);
    expect(gateDefault(V('1.32'), 'UserNamespacesSupport')).toBe(false);
    expect(gateDefault(V('1.33'), 'UserNamespacesSupport')).toBe(true);
    expect(gateDefault(V('1.36'), 'MemoryQoS')).toBe(false);
    expect(gateKnown(V('1.24'), 'ContainerCheckpoint')).toBe(false);
    expect(gateKnown(V('1.25'), 'ContainerCheckpoint')).toBe(true);
    expect(gateStage(V('1.36'), 'NodeLocalCRISocket')).toMatchObject({ stage: 'ga', locked: true });
    expect(FEATURE_GATES.NodeLocalCRISocket!.component).toBe('kubeadm');
    expect(gateKnown(V('1.34'), 'NoSuchGate')).toBeUndefined();
    expect(gateKnown(V('1.34'), 'constructor')).toBeUndefined();
    expect(gateLocked(V('1.34'), 'NoSuchGate')).toBe(false);
  });

  it('gives every gate a source and ascending stages', () => {
    for (const [name, g] of Object.entries(FEATURE_GATES)) {
      expect(g.source, name).not.toBe('');
      const sinces = g.stages.map((s) => s.since);
      expect([...sinces].sort((a, b) => (atLeastLoose(V(a), b) ? 1 : -1)), name).toEqual(sinces);
    }
  });
});

describe('kubelet runtime endpoint, failCgroupV1, swap', () => {
  it('has no config field or default before 1.27', () => {
    expect(kubeletRuntimeEndpoint(V('1.26.9'))).toMatchObject({ configField: false, default: null, flagRequired: true, flagDeprecated: false });
    expect(kubeletRuntimeEndpoint(V('1.27'))).toMatchObject({ configField: true, default: 'unix:///run/containerd/containerd.sock', flagRequired: false, flagDeprecated: true });
  });

  it('flips the failCgroupV1 default in 1.35', () => {
    expect(failCgroupV1Default(V('1.30'))).toBeUndefined();
    expect(failCgroupV1Default(V('1.31'))).toBe(false);
    expect(failCgroupV1Default(V('1.34.3'))).toBe(false);
    expect(failCgroupV1Default(V('1.35'))).toBe(true);
    expect(failCgroupV1Default(V('1.40'))).toBe(true);
  });

  it('drops UnlimitedSwap and adds NoSwap in 1.30', () => {
    expect(swapBehaviorValues(V('1.29'))).toEqual(['', 'LimitedSwap', 'UnlimitedSwap']);
    expect(swapBehaviorValues(V('1.30.0'))).toEqual(['', 'NoSwap', 'LimitedSwap']);
  });

  it('lists the six protectKernelDefaults sysctls', () => {
    expect(PROTECT_KERNEL_DEFAULTS_SYSCTLS.map((t) => `${t.key}=${t.value}`)).toEqual([
      'vm.overcommit_memory=1',
      'vm.panic_on_oom=0',
      'kernel.panic=10',
      'kernel.panic_on_oops=1',
      'kernel.keys.root_maxkeys=1000000',
      'kernel.keys.root_maxbytes=25000000',
    ]);
  });
});

describe('kubelet flags', () => {
  it('reports --pod-infra-container-image deprecated, then without effect, then removed', () => {
    expect(kubeletFlagStatus(V('1.28'), '--pod-infra-container-image')).toMatchObject({ status: 'deprecated', since: '1.24', known: true });
    expect(kubeletFlagStatus(V('1.31'), 'pod-infra-container-image')).toMatchObject({ status: 'no-effect', since: '1.31', uncertain: true });
    expect(kubeletFlagStatus(V('1.34.4'), '--pod-infra-container-image=registry.k8s.io/pause:3.10')).toMatchObject({ status: 'no-effect' });
    const removed = kubeletFlagStatus(V('1.35'), '--pod-infra-container-image');
    expect(removed).toMatchObject({ status: 'removed', since: '1.35', known: true });
    expect(removed.source).toContain('PR #133779');
  });

  it('reports --container-runtime deprecated in 1.24–1.26 and removed in 1.27', () => {
    expect(kubeletFlagStatus(V('1.26'), '--container-runtime=remote')).toMatchObject({ status: 'deprecated', since: '1.24' });
    expect(kubeletFlagStatus(V('1.27.0'), '--container-runtime')).toMatchObject({ status: 'removed', since: '1.27' });
  });

  it('reports the dockershim flags removed from 1.24', () => {
    for (const f of ['--network-plugin', '--network-plugin-mtu', '--cni-bin-dir', '--cni-conf-dir', '--cni-cache-dir', '--docker-endpoint', '--image-pull-progress-deadline', '--experimental-dockershim-root-directory']) {
      expect(kubeletFlagStatus(V('1.24'), f), f).toMatchObject({ status: 'removed', since: '1.24' });
    }
  });

  it('names the config field replacing --container-runtime-endpoint from 1.27', () => {
    expect(kubeletFlagStatus(V('1.26'), '--container-runtime-endpoint')).toMatchObject({ status: 'ok', known: true });
    expect(kubeletFlagStatus(V('1.27'), '--container-runtime-endpoint')).toMatchObject({ status: 'deprecated', replacement: 'containerRuntimeEndpoint' });
  });

  it('answers ok for flags it does not know and notes clamping', () => {
    expect(kubeletFlagStatus(V('1.34'), '--node-ip')).toMatchObject({ status: 'ok', known: false });
    expect(kubeletFlagStatus(V('1.37'), '--pod-infra-container-image').note).toContain('newer than the data tables');
  });
});

describe('KubeletConfiguration fields', () => {
  it('knows when each field appeared', () => {
    expect(Object.keys(KUBELET_CONFIG_FIELD_SINCE)).toHaveLength(126);
    expect(kubeletFieldSince('containerRuntimeEndpoint')).toBe('1.27');
    expect(kubeletFieldSince('failCgroupV1')).toBe('1.31');
    expect(kubeletFieldSince('cgroupDriver')).toBe('1.12');
    expect(kubeletFieldSince('tlsCurvePreferences')).toBe('1.36');
    expect(kubeletFieldSince('defaultPodSysctls')).toBe('1.37');
    expect(kubeletFieldSince('toString')).toBeUndefined();
    expect(kubeletFieldKnown(V('1.26'), 'containerRuntimeEndpoint')).toBe(false);
    expect(kubeletFieldKnown(V('1.27'), 'containerRuntimeEndpoint')).toBe(true);
    expect(kubeletFieldKnown(V('1.32'), 'userNamespaces')).toBe(false);
    expect(kubeletFieldKnown(V('1.33.1'), 'userNamespaces')).toBe(true);
    expect(kubeletFieldKnown(V('1.36'), 'defaultPodSysctls')).toBe(false);
    expect(kubeletFieldKnown(V('1.34'), 'cgroupDriverr')).toBeUndefined();
  });
});

describe('kubeadm criSocket and crictl', () => {
  it('has the kubeadm criSocket constants', () => {
    expect(KUBEADM_CRI_SOCKETS).toEqual({
      containerd: 'unix:///var/run/containerd/containerd.sock',
      crio: 'unix:///var/run/crio/crio.sock',
      'cri-dockerd': 'unix:///var/run/cri-dockerd.sock',
    });
  });

  it('gives crictl default endpoints per version', () => {
    expect(crictlDefaultEndpoints(V('1.18.0'))).toEqual(['unix:///var/run/dockershim.sock']);
    expect(crictlDefaultEndpoints(V('1.22'))).toHaveLength(3);
    expect(crictlDefaultEndpoints(V('1.29.0'))).toEqual([
      'unix:///var/run/dockershim.sock',
      'unix:///run/containerd/containerd.sock',
      'unix:///run/crio/crio.sock',
      'unix:///var/run/cri-dockerd.sock',
    ]);
    expect(crictlDefaultEndpoints(V('1.30'))).toEqual(['unix:///run/containerd/containerd.sock', 'unix:///run/crio/crio.sock', 'unix:///var/run/cri-dockerd.sock']);
    expect(crictlDefaultEndpoints(V('1.34'), 'windows')).toEqual(['npipe:////./pipe/containerd-containerd', 'npipe:////./pipe/cri-dockerd']);
  });

  it('accepts max-retries only after 1.36', () => {
    expect(crictlConfigKeys(V('1.36.0'))).not.toContain('max-retries');
    expect(crictlConfigKeys(V('1.36'))).toEqual(['runtime-endpoint', 'image-endpoint', 'timeout', 'debug', 'pull-image-on-create', 'disable-pull-on-run']);
    expect(crictlConfigKeys(V('1.37.0'))).toContain('max-retries');
    expect(crictlConfigKeys(V('1.18'))).toEqual(['runtime-endpoint', 'image-endpoint', 'timeout', 'debug']);
  });
});

describe('containerd per Kubernetes minor', () => {
  it('follows RELEASES.md "Kubernetes Support"', () => {
    expect(supportedContainerd(V('1.34')).minimums).toEqual(['2.1.3', '2.0.6', '1.7.28', '1.6.39']);
    expect(supportedContainerd(V('1.35')).minimums).toEqual(['2.2.0', '2.1.5', '1.7.28']);
    expect(supportedContainerd(V('1.36')).minimums).toEqual(['2.3.0', '2.2.0']);
    expect(supportedContainerd(V('1.24')).minimums).toEqual(['1.7.0', '1.6.4']);
    expect(supportedContainerd(V('1.29')).minimums).toEqual(['1.7.11', '1.6.27']);
    expect(supportedContainerd(V('1.31')).minimums).toEqual(['2.1.0', '2.0.0', '1.7.20', '1.6.34']);
    expect(supportedContainerd(V('1.37')).note).toContain('newer than the data tables');
    expect(recommendedContainerd(V('1.34'))).toBe('2.1');
    expect(recommendedContainerd(V('1.36'))).toBe('2.3');
    expect(recommendedContainerd(V('1.28'))).toBe('1.7');
  });

  it('checks a combination at patch and minor precision', () => {
    expect(isSupportedCombo(V('1.34'), V('2.1.2'))).toMatchObject({ supported: false, minimum: '2.1.3' });
    expect(isSupportedCombo(V('1.34'), V('2.1.3'))).toMatchObject({ supported: true, minimum: '2.1.3' });
    expect(isSupportedCombo(V('1.34'), V('2.1'))).toMatchObject({ supported: true });
    expect(isSupportedCombo(V('1.36'), V('1.7.30'))).toMatchObject({ supported: false });
    expect(isSupportedCombo(V('1.36'), V('1.7.30')).minimum).toBeUndefined();
    expect(isSupportedCombo(V('1.35'), V('1.7.27')).reason).toBe('Kubernetes 1.35 needs containerd 1.7.28 or later in the 1.7 line');
  });
});

describe('containerd config version', () => {
  it('enforces the maximum from 1.6.32 and 1.7.17', () => {
    expect(maxConfigVersion(V('1.6.31'))).toMatchObject({ max: 2, enforced: false });
    expect(maxConfigVersion(V('1.6.32'))).toMatchObject({ max: 2, enforced: true });
    expect(maxConfigVersion(V('1.6'))).toMatchObject({ max: 2, enforced: true });
    expect(maxConfigVersion(V('1.7.16'))).toMatchObject({ max: 2, enforced: false });
    expect(maxConfigVersion(V('1.7.17'))).toMatchObject({ max: 2, enforced: true });
    expect(maxConfigVersion(V('2.0.0'))).toMatchObject({ max: 3, enforced: true });
    expect(maxConfigVersion(V('2.2'))).toMatchObject({ max: 3, enforced: true });
    expect(maxConfigVersion(V('2.3.0'))).toMatchObject({ max: 4, enforced: true });
    expect(maxConfigVersion(V('2.4.1'))).toMatchObject({ max: 4, enforced: true, note: "containerd 2.4.1 is newer than the data tables (newest 2.3); checking with 2.3's data" });
    expect(maxConfigVersion(V('1.5.0'))).toMatchObject({ max: 2, enforced: false });
  });

  it('says what `config default` emits per line', () => {
    expect(CONTAINERD_MINORS.map((m) => defaultConfigVersion(V(m)))).toEqual([2, 2, 3, 3, 3, 4]);
    expect(Object.keys(CONFIG_DEFAULT_EMITS)).toEqual([...CONTAINERD_MINORS]);
  });

  it('infers the newest line reading a config version natively', () => {
    expect([1, 2, 3, 4, 5].map(containerdForConfigVersion)).toEqual(['1.7', '1.7', '2.2', '2.3', undefined]);
  });

  it('judges a declared version', () => {
    expect(configVersionVerdict(V('1.6.20'), 3).effect).toBe('cri-ignored');
    expect(configVersionVerdict(V('1.7.17'), 3)).toMatchObject({ effect: 'fatal', message: 'containerd config version `3` is not supported, the max version is `2`' });
    expect(configVersionVerdict(V('2.2.1'), 4)).toMatchObject({ effect: 'fatal', message: 'expected containerd config version equal to or less than `3`, got `4`' });
    expect(configVersionVerdict(V('2.1'), 2).effect).toBe('migrated');
    expect(configVersionVerdict(V('2.3'), 4).effect).toBe('ok');
    expect(configVersionVerdict(V('1.7'), 2).effect).toBe('ok');
  });
});

describe('containerd sandbox image, SystemdCgroup, RuntimeConfig', () => {
  it('gives the default sandbox image per release', () => {
    expect(defaultSandboxImage(V('1.6.8')).image).toBe('k8s.gcr.io/pause:3.6');
    expect(defaultSandboxImage(V('1.6.9')).image).toBe('registry.k8s.io/pause:3.6');
    expect(defaultSandboxImage(V('1.6')).image).toBe('registry.k8s.io/pause:3.6');
    expect(defaultSandboxImage(V('1.7.0')).image).toBe('registry.k8s.io/pause:3.8');
    expect(defaultSandboxImage(V('2.0')).image).toBe('registry.k8s.io/pause:3.10');
    expect(defaultSandboxImage(V('2.1.9')).image).toBe('registry.k8s.io/pause:3.10');
    expect(defaultSandboxImage(V('2.2.0')).image).toBe('registry.k8s.io/pause:3.10.1');
    expect(defaultSandboxImage(V('2.3')).image).toBe('registry.k8s.io/pause:3.10.2');
  });

  it('knows where `config default` lacks SystemdCgroup', () => {
    expect(configDefaultShowsSystemdCgroup(V('1.7.20'))).toBe(true);
    expect(configDefaultShowsSystemdCgroup(V('2.0.0'))).toBe(false);
    expect(configDefaultShowsSystemdCgroup(V('2.0.6'))).toBe(false);
    expect(configDefaultShowsSystemdCgroup(V('2.0.7'))).toBe(true);
    expect(configDefaultShowsSystemdCgroup(V('2.0'))).toBe(true);
    expect(configDefaultShowsSystemdCgroup(V('2.1.4'))).toBe(false);
    expect(configDefaultShowsSystemdCgroup(V('2.1.5'))).toBe(true);
    expect(configDefaultShowsSystemdCgroup(V('2.2.0'))).toBe(true);
    expect(containerdDefault(V('2.1.0'), 'systemdCgroup')).toBe(false);
  });

  it('knows which runtimes report their cgroup driver', () => {
    expect(runtimeReportsCgroupDriver('containerd', V('1.7.28'))).toBe(false);
    expect(runtimeReportsCgroupDriver('containerd', V('2.0.0'))).toBe(true);
    expect(runtimeReportsCgroupDriver('crio', V('1.27.4'))).toBe(false);
    expect(runtimeReportsCgroupDriver('crio', V('1.28.0'))).toBe(true);
    expect(runtimeReportsCgroupDriver('cri-dockerd', V('0.3.16'))).toBe(false);
    expect(runtimeReportsCgroupDriver('cri-dockerd', V('0.3.17'))).toBe(true);
    expect(runtimeReportsCgroupDriver('cri-dockerd', V('0.4.0'))).toBe(true);
    expect(kubeletCgroupDriverFromRuntime(V('1.30'), 'containerd', V('2.0'))).toBe(false);
    expect(kubeletCgroupDriverFromRuntime(V('1.30'), 'containerd', V('2.0'), true)).toBe(true);
    expect(kubeletCgroupDriverFromRuntime(V('1.31'), 'containerd', V('2.0'))).toBe(true);
    expect(kubeletCgroupDriverFromRuntime(V('1.34'), 'containerd', V('1.7'))).toBe(false);
  });
});

describe('CRI plugin IDs and key paths', () => {
  it('names the CRI plugins per config version', () => {
    expect(CRI_PLUGIN_IDS[1].runtime).toBe('cri');
    expect(CRI_PLUGIN_IDS[2]).toEqual({ server: 'io.containerd.grpc.v1.cri', runtime: 'io.containerd.grpc.v1.cri', images: 'io.containerd.grpc.v1.cri' });
    expect(CRI_PLUGIN_IDS[3]).toEqual({ server: 'io.containerd.grpc.v1.cri', runtime: 'io.containerd.cri.v1.runtime', images: 'io.containerd.cri.v1.images' });
    expect(CRI_PLUGIN_IDS[4]).toEqual(CRI_PLUGIN_IDS[3]);
  });

  it('places settings per config version', () => {
    expect(criKeyPath('systemdCgroup', 1)).toEqual(['plugins', 'cri', 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup']);
    expect(criKeyPath('systemdCgroup', 2)).toEqual([...CRI2, 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup']);
    expect(criKeyPath('systemdCgroup', 3, 'kata')).toEqual([...RT, 'containerd', 'runtimes', 'kata', 'options', 'SystemdCgroup']);
    expect(criKeyPath('sandboxImage', 2)).toEqual([...CRI2, 'sandbox_image']);
    expect(criKeyPath('sandboxImage', 4)).toEqual([...IM, 'pinned_images', 'sandbox']);
    expect(criKeyPath('snapshotter', 3)).toEqual([...IM, 'snapshotter']);
    expect(criKeyPath('cniBinDirs', 2)).toBeUndefined();
    expect(criKeyPath('grpcAddress', 3)).toEqual(['grpc', 'address']);
    expect(criKeyPath('grpcAddress', 4)).toEqual(['plugins', 'io.containerd.server.v1.grpc', 'address']);
  });

  it('migrates v1 short IDs as containerd 2.x does', () => {
    expect(v1PluginUri('cri')).toEqual({ uri: 'io.containerd.grpc.v1.cri', ambiguous: false });
    expect(v1PluginUri('restart')).toEqual({ uri: 'io.containerd.internal.v1.restart', ambiguous: false });
    expect(v1PluginUri('zfs')).toEqual({ uri: 'io.containerd.snapshotter.v1.zfs', ambiguous: false });
    expect(v1PluginUri('content-service')).toEqual({ uri: 'io.containerd.service.v1.content-service', ambiguous: false });
    expect(v1PluginUri('windows')).toEqual({ uri: 'io.containerd.snapshotter.v1.windows', ambiguous: true });
    expect(v1PluginUri('nri')).toEqual({ uri: 'io.containerd.grpc.v1.nri', ambiguous: true });
    expect(v1PluginUri('io.containerd.grpc.v1.cri')).toEqual({ uri: 'io.containerd.grpc.v1.cri', ambiguous: false });
    expect(v1PluginUri('toString')).toEqual({ uri: 'io.containerd.grpc.v1.toString', ambiguous: true });
  });

  it('knows the plugin IDs renamed in 2.0', () => {
    expect(renamedPluginId(V('2.0.0'), 'io.containerd.internal.v1.restart')).toBe('io.containerd.monitor.container.v1.restart');
    expect(renamedPluginId(V('2.1'), 'io.containerd.monitor.v1.cgroups')).toBe('io.containerd.monitor.task.v1.cgroups');
    expect(renamedPluginId(V('1.7.28'), 'io.containerd.internal.v1.restart')).toBeUndefined();
    expect(renamedPluginId(V('2.1'), 'io.containerd.grpc.v1.cri')).toBeUndefined();
  });

  it('records the v1 CRI migration gap of 2.0–2.2', () => {
    expect(v1CriSettingsMigrated(V('1.7'))).toBe(true);
    expect(v1CriSettingsMigrated(V('2.2.7'))).toBe(false);
    expect(v1CriSettingsMigrated(V('2.3.0'))).toBe(true);
  });
});

describe('removed, deprecated and renamed keys', () => {
  it('reports systemd_cgroup deprecated on 1.x and removed on 2.x, with a non-exact replacement', () => {
    const dep = containerdKeyStatus(V('1.7.20'), 2, [...CRI2, 'systemd_cgroup']);
    expect(dep.status).toBe('deprecated');
    expect(dep.change?.id).toBe('cri-systemd-cgroup');
    expect(dep.replacement).toEqual({
      configVersion: 2,
      path: [...CRI2, 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'],
      exact: false,
      note: "the old key only worked with io.containerd.runtime.v1.linux; set SystemdCgroup in every runc runtime's options",
    });
    expect(containerdKeyStatus(V('2.0'), 2, [...CRI2, 'systemd_cgroup']).status).toBe('removed');
    expect(containerdKeyStatus(V('2.1'), 3, [...RT, 'systemd_cgroup']).status).toBe('removed');
    expect(containerdKeyStatus(V('1.6'), 1, ['plugins', 'cri', 'systemd_cgroup']).status).toBe('deprecated');
  });

  it('fills wildcards of per-runtime keys', () => {
    const r = containerdKeyStatus(V('2.0.1'), 3, [...RT, 'containerd', 'runtimes', 'kata', 'runtime_root']);
    expect(r.status).toBe('removed');
    expect(r.replacement?.path).toEqual([...RT, 'containerd', 'runtimes', 'kata', 'options', 'Root']);
    expect(containerdKeyStatus(V('1.7'), 2, [...CRI2, 'containerd', 'runtimes', 'runc', 'options', 'CriuPath']).status).toBe('deprecated');
    expect(containerdKeyStatus(V('1.6.30'), 2, [...CRI2, 'containerd', 'runtimes', 'runc', 'options', 'CriuPath']).status).toBe('ok');
    expect(containerdKeyStatus(V('2.0'), 3, [...RT, 'containerd', 'runtimes', 'runc', 'options', 'CriuPath']).status).toBe('removed');
  });

  it('reports sandbox_image renamed in v2 files on 2.x and removed in v3 files', () => {
    expect(containerdKeyStatus(V('1.7'), 2, [...CRI2, 'sandbox_image']).status).toBe('ok');
    const v2 = containerdKeyStatus(V('2.1'), 2, [...CRI2, 'sandbox_image']);
    expect(v2.status).toBe('renamed');
    expect(v2.replacement).toEqual({ configVersion: 3, path: [...IM, 'pinned_images', 'sandbox'], exact: true });
    const v3 = containerdKeyStatus(V('2.1'), 3, [...CRI2, 'sandbox_image']);
    expect(v3.status).toBe('removed');
    expect(v3.replacement).toEqual({ configVersion: 3, path: [...IM, 'pinned_images', 'sandbox'], exact: true });
    expect(containerdKeyStatus(V('2.2'), 1, ['plugins', 'cri', 'sandbox_image']).status).toBe('removed');
    expect(containerdKeyStatus(V('2.3'), 1, ['plugins', 'cri', 'sandbox_image']).status).toBe('renamed');
  });

  it('reports registry mirrors deprecated with the drifting target, and tls removed in 2.0', () => {
    const m = containerdKeyStatus(V('2.1'), 2, [...CRI2, 'registry', 'mirrors', 'docker.io', 'endpoint']);
    expect(m.status).toBe('deprecated');
    expect(m.change?.id).toBe('cri-registry-mirrors');
    expect(m.removalTarget).toBe('2.4');
    expect(m.change?.removalTargetHistory?.map((h) => h.target)).toEqual(['2.0', '2.1', '2.2', '2.3', '2.4']);
    expect(m.replacement).toMatchObject({ configVersion: 2, path: [...CRI2, 'registry', 'config_path'], exact: false });
    expect(containerdKeyStatus(V('2.3'), 3, [...IM, 'registry', 'mirrors']).change?.id).toBe('cri-registry-mirrors');
    expect(containerdKeyStatus(V('1.7'), 2, [...CRI2, 'registry', 'configs', 'my.reg', 'tls', 'insecure_skip_verify'])).toMatchObject({ status: 'deprecated' });
    const tls = containerdKeyStatus(V('2.0'), 2, [...CRI2, 'registry', 'configs', 'my.reg', 'tls', 'ca_file']);
    expect(tls.status).toBe('removed');
    expect(tls.change?.id).toBe('cri-registry-configs-tls');
    expect(containerdKeyStatus(V('2.0'), 2, [...CRI2, 'registry', 'configs', 'my.reg', 'auth']).change?.id).toBe('cri-registry-configs');
  });

  it('handles cni.bin_dir: deprecated in v3 files from 2.1, migrated in v2 files', () => {
    expect(containerdKeyStatus(V('2.0'), 3, [...RT, 'cni', 'bin_dir']).status).toBe('ok');
    const d = containerdKeyStatus(V('2.1.0'), 3, [...RT, 'cni', 'bin_dir']);
    expect(d.status).toBe('deprecated');
    expect(d.removalTarget).toBe('2.4');
    expect(d.replacement).toEqual({ configVersion: 3, path: [...RT, 'cni', 'bin_dirs'], exact: true, transform: 'wrap-in-array' });
    expect(containerdKeyStatus(V('2.1'), 2, [...CRI2, 'cni', 'bin_dir']).status).toBe('renamed');
    expect(containerdKeyStatus(V('1.7'), 2, [...CRI2, 'cni', 'bin_dir']).status).toBe('ok');
    expect(containerdKeyStatus(V('2.1'), 3, [...RT, 'cni', 'conf_dir']).status).toBe('ok');
  });

  it('handles enable_cdi, plugin_dir, otel and the version 4 server sections', () => {
    expect(containerdKeyStatus(V('2.1'), 3, [...RT, 'enable_cdi']).status).toBe('ok');
    expect(containerdKeyStatus(V('2.2'), 3, [...RT, 'enable_cdi']).status).toBe('deprecated');
    expect(containerdKeyStatus(V('2.0.11'), 3, ['plugin_dir']).status).toBe('deprecated');
    expect(containerdKeyStatus(V('2.1.0'), 3, ['plugin_dir']).status).toBe('removed');
    expect(containerdKeyStatus(V('1.6.31'), 2, ['plugins', 'io.containerd.tracing.processor.v1.otlp', 'endpoint']).status).toBe('ok');
    expect(containerdKeyStatus(V('1.6.32'), 2, ['plugins', 'io.containerd.tracing.processor.v1.otlp', 'endpoint']).status).toBe('deprecated');
    expect(containerdKeyStatus(V('1.7.15'), 2, ['plugins', 'io.containerd.internal.v1.tracing', 'service_name']).status).toBe('ok');
    expect(containerdKeyStatus(V('1.7.16'), 2, ['plugins', 'io.containerd.internal.v1.tracing', 'service_name']).status).toBe('deprecated');
    expect(containerdKeyStatus(V('2.2'), 3, ['grpc', 'address']).status).toBe('ok');
    const v3 = containerdKeyStatus(V('2.3'), 3, ['grpc', 'address']);
    expect(v3.status).toBe('renamed');
    expect(v3.replacement).toEqual({ configVersion: 4, path: ['plugins', 'io.containerd.server.v1.grpc', 'address'], exact: true });
    const v4 = containerdKeyStatus(V('2.3'), 4, ['grpc', 'tcp_tls_ca']);
    expect(v4.status).toBe('removed');
    expect(v4.replacement?.path).toEqual(['plugins', 'io.containerd.server.v1.grpc-tcp', 'tls_ca']);
    expect(containerdKeyStatus(V('2.3'), 4, ['debug', 'level']).status).toBe('ok');
  });

  it('answers ok for keys it does not track', () => {
    expect(containerdKeyStatus(V('2.1'), 3, [...RT, 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup'])).toEqual({ status: 'ok' });
    expect(containerdKeyStatus(V('2.5'), 3, ['version'])).toMatchObject({ status: 'ok', note: "containerd 2.5 is newer than the data tables (newest 2.3); checking with 2.3's data" });
  });

  it('gives every key change a source and a location', () => {
    const ids = new Set<string>();
    for (const c of CONTAINERD_KEY_CHANGES) {
      expect(c.source, c.id).not.toBe('');
      expect(c.locations.length, c.id).toBeGreaterThan(0);
      expect(ids.has(c.id), c.id).toBe(false);
      ids.add(c.id);
    }
  });

  it('reports removed runtime types and snapshotters', () => {
    expect(containerdValueStatus(V('1.7'), 'runtime_type', 'io.containerd.runc.v1')).toMatchObject({ status: 'deprecated' });
    expect(containerdValueStatus(V('2.0'), 'runtime_type', 'io.containerd.runc.v1')).toMatchObject({ status: 'removed', change: { replacement: 'io.containerd.runc.v2' } });
    expect(containerdValueStatus(V('2.0'), 'runtime_type', 'io.containerd.runtime.v1.linux').status).toBe('removed');
    expect(containerdValueStatus(V('2.0'), 'snapshotter', 'aufs').status).toBe('removed');
    expect(containerdValueStatus(V('2.0'), 'runtime_type', 'io.containerd.runc.v2')).toEqual({ status: 'ok' });
  });
});

describe('v2 → v3 CRI key mapping', () => {
  it('splits the CRI table as the 2.x migration does', () => {
    expect(mapV2CriKey(['sandbox_image']).path).toEqual([...IM, 'pinned_images', 'sandbox']);
    expect(mapV2CriKey(['registry', 'config_path']).path).toEqual([...IM, 'registry', 'config_path']);
    expect(mapV2CriKey(['containerd', 'snapshotter'])).toMatchObject({ path: [...IM, 'snapshotter'], part: 'images' });
    expect(mapV2CriKey(['stream_server_port'])).toMatchObject({ path: [...CRI2, 'stream_server_port'], part: 'server' });
    expect(mapV2CriKey(['x509_key_pair_streaming', 'tls_cert_file']).path).toEqual([...CRI2, 'x509_key_pair_streaming', 'tls_cert_file']);
    expect(mapV2CriKey(['containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup']).path).toEqual([...RT, 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup']);
    expect(mapV2CriKey(['containerd', 'runtimes', 'kata', 'sandbox_mode']).path).toEqual([...RT, 'containerd', 'runtimes', 'kata', 'sandboxer']);
    expect(mapV2CriKey(['enable_unprivileged_ports'])).toMatchObject({ path: [...RT, 'enable_unprivileged_ports'], part: 'runtime' });
  });

  it('converts cni.bin_dir to bin_dirs only from 2.1', () => {
    expect(mapV2CriKey(['cni', 'bin_dir'], V('2.1'))).toMatchObject({ path: [...RT, 'cni', 'bin_dirs'], transform: 'wrap-in-array' });
    expect(mapV2CriKey(['cni', 'bin_dir'])).toMatchObject({ path: [...RT, 'cni', 'bin_dirs'], transform: 'wrap-in-array' });
    const old = mapV2CriKey(['cni', 'bin_dir'], V('2.0.5'));
    expect(old.path).toEqual([...RT, 'cni', 'bin_dir']);
    expect(old.transform).toBeUndefined();
  });
});

describe('containerd defaults', () => {
  it('changes unprivileged ports/ICMP and CDI defaults in 2.0', () => {
    expect(containerdDefault(V('1.7'), 'enableUnprivilegedPorts')).toBe(false);
    expect(containerdDefault(V('2.0.0'), 'enableUnprivilegedPorts')).toBe(true);
    expect(containerdDefault(V('2.0.0'), 'enableUnprivilegedIcmp')).toBe(true);
    expect(containerdDefault(V('1.6'), 'enableCdi')).toBeNull();
    expect(containerdDefault(V('1.7'), 'enableCdi')).toBe(false);
    expect(containerdDefault(V('2.3'), 'enableCdi')).toBe(true);
    expect(containerdDefault(V('1.7'), 'nriDisable')).toBe(true);
    expect(containerdDefault(V('2.0'), 'nriDisable')).toBe(false);
  });

  it('moves CNI binaries to bin_dirs in 2.1', () => {
    expect(containerdDefault(V('2.0.11'), 'cniBinDir')).toBe('/opt/cni/bin');
    expect(containerdDefault(V('2.0.11'), 'cniBinDirs')).toBeNull();
    expect(containerdDefault(V('2.1.0'), 'cniBinDir')).toBe('');
    expect(containerdDefault(V('2.1.0'), 'cniBinDirs')).toEqual(['/opt/cni/bin']);
    expect(containerdDefaultPath('cniBinDirs', 3)).toEqual([...RT, 'cni', 'bin_dirs']);
    expect(containerdDefaultPath('cniBinDirs', 2)).toBeUndefined();
  });

  it('tracks the registry config_path default across 2.2 patches', () => {
    expect(containerdDefault(V('2.1'), 'registryConfigPath')).toBe('');
    expect(containerdDefault(V('2.2.0'), 'registryConfigPath')).toBe('/etc/containerd/certs.d:/etc/docker/certs.d');
    expect(containerdDefault(V('2.2.1'), 'registryConfigPath')).toBe('/etc/containerd/certs.d:/etc/docker/certs.d');
    expect(containerdDefault(V('2.2.2'), 'registryConfigPath')).toBe('');
    expect(containerdDefault(V('2.2'), 'registryConfigPath')).toBe('');
  });

  it('has the addresses, paths and sandbox image', () => {
    expect(containerdDefault(V('1.6'), 'grpcAddress')).toBe('/run/containerd/containerd.sock');
    expect(containerdDefaultPath('grpcAddress', 4)).toEqual(['plugins', 'io.containerd.server.v1.grpc', 'address']);
    expect(containerdDefault(V('2.0'), 'root')).toBe('/var/lib/containerd');
    expect(containerdDefault(V('2.0'), 'state')).toBe('/run/containerd');
    expect(containerdDefault(V('2.1'), 'imports')).toEqual([]);
    expect(containerdDefault(V('2.2.0'), 'imports')).toEqual(['/etc/containerd/conf.d/*.toml']);
    expect(containerdDefault(V('1.6.8'), 'sandboxImage')).toBe('k8s.gcr.io/pause:3.6');
    expect(containerdDefault(V('2.2'), 'sandboxImage')).toBe('registry.k8s.io/pause:3.10.1');
    expect(containerdDefault(V('1.7'), 'sandboxer')).toBe('podsandbox');
    expect(containerdDefault(V('1.6'), 'sandboxer')).toBeNull();
    expect(containerdDefaultPath('sandboxer', 2)).toEqual([...CRI2, 'containerd', 'runtimes', 'runc', 'sandbox_mode']);
    expect(containerdDefault(V('2.0'), 'noSuchDefault')).toBeUndefined();
    expect(containerdDefault(V('2.0'), 'hasOwnProperty')).toBeUndefined();
  });

  it('gives every default a source', () => {
    for (const [name, d] of Object.entries(CONTAINERD_DEFAULTS)) {
      for (const step of d.history) expect(step.source, name).not.toBe('');
    }
  });
});

describe('DATA_NOTES', () => {
  it('lists uncertain facts with where and why', () => {
    expect(DATA_NOTES.length).toBeGreaterThanOrEqual(10);
    for (const n of DATA_NOTES) {
      expect(n.where).toMatch(/\.ts /);
      expect(n.why.length).toBeGreaterThan(10);
    }
    expect(DATA_NOTES.some((n) => n.where.startsWith('kubernetes.ts IMAGE_REPOSITORY_HISTORY'))).toBe(true);
  });
});

describe('cri-dockerd flags', () => {
  it('every boolean flag the parser knows is a flag cri-dockerd defines (CRI_DOCKERD_FLAGS)', async () => {
    const { CRI_DOCKERD_BOOLEAN_FLAGS, CRI_DOCKERD_FLAGS } = await import('../src/data/docker.js');
    expect([...CRI_DOCKERD_BOOLEAN_FLAGS].filter((n) => !CRI_DOCKERD_FLAGS.names.has(n) && !Object.hasOwn(CRI_DOCKERD_FLAGS.shorthands, n))).toEqual([]);
  });
});
