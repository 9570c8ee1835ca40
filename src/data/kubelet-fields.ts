/**
 * First Kubernetes minor in which each KubeletConfiguration (kubelet.config.k8s.io/v1beta1)
 * top-level field exists, so a schema check can say "field X is new in 1.N". Computed from the
 * json tags of `type KubeletConfiguration struct` in kubernetes/kubelet config/v1beta1/types.go at
 * every tag kubernetes-1.12.0 … kubernetes-1.36.0 and master 63b3249724f7 (fetched and compared;
 * identical to the "first in v1beta1" column of ../shared/reference/kubelet-kubeadm.md §1.4).
 * No field was removed between 1.12 and master. '1.12' means "present at least since 1.12"
 * (the oldest tag examined); '1.37' marks a field only on master (unreleased at the snapshot).
 */
import type { Version } from '../core/version.js';
import { atLeastLoose, clampKubernetes, own, type Sourced } from './lookup.js';

export const KUBELET_CONFIG_FIELDS_SOURCE =
  'kubernetes/kubelet config/v1beta1/types.go @ tags kubernetes-1.12.0 … kubernetes-1.36.0 and master 63b3249724f7 (json tags of KubeletConfiguration)';

/** Field → first minor. Order as in the struct on master. */
export const KUBELET_CONFIG_FIELD_SINCE: Readonly<Record<string, string>> = {
  enableServer: '1.19',
  staticPodPath: '1.12',
  podLogsDir: '1.30',
  syncFrequency: '1.12',
  fileCheckFrequency: '1.12',
  httpCheckFrequency: '1.12',
  staticPodURL: '1.12',
  staticPodURLHeader: '1.12',
  address: '1.12',
  port: '1.12',
  readOnlyPort: '1.12',
  tlsCertFile: '1.12',
  tlsPrivateKeyFile: '1.12',
  tlsCipherSuites: '1.12',
  tlsCurvePreferences: '1.36',
  tlsMinVersion: '1.12',
  rotateCertificates: '1.12',
  serverTLSBootstrap: '1.12',
  authentication: '1.12',
  authorization: '1.12',
  registryPullQPS: '1.12',
  registryBurst: '1.12',
  imagePullCredentialsVerificationPolicy: '1.33',
  preloadedImagesVerificationAllowlist: '1.33',
  eventRecordQPS: '1.12',
  eventBurst: '1.12',
  enableDebuggingHandlers: '1.12',
  enableContentionProfiling: '1.12',
  healthzPort: '1.12',
  healthzBindAddress: '1.12',
  oomScoreAdj: '1.12',
  clusterDomain: '1.12',
  clusterDNS: '1.12',
  streamingConnectionIdleTimeout: '1.12',
  nodeStatusUpdateFrequency: '1.12',
  nodeStatusReportFrequency: '1.13',
  nodeLeaseDurationSeconds: '1.12',
  imageMinimumGCAge: '1.12',
  imageMaximumGCAge: '1.29',
  imageGCHighThresholdPercent: '1.12',
  imageGCLowThresholdPercent: '1.12',
  volumeStatsAggPeriod: '1.12',
  kubeletCgroups: '1.12',
  systemCgroups: '1.12',
  cgroupRoot: '1.12',
  cgroupsPerQOS: '1.12',
  cgroupDriver: '1.12',
  cpuManagerPolicy: '1.12',
  singleProcessOOMKill: '1.32',
  cpuManagerPolicyOptions: '1.22',
  cpuManagerReconcilePeriod: '1.12',
  memoryManagerPolicy: '1.21',
  topologyManagerPolicy: '1.16',
  topologyManagerScope: '1.20',
  topologyManagerPolicyOptions: '1.26',
  qosReserved: '1.12',
  runtimeRequestTimeout: '1.12',
  hairpinMode: '1.12',
  maxPods: '1.12',
  podCIDR: '1.12',
  podPidsLimit: '1.12',
  resolvConf: '1.12',
  runOnce: '1.19',
  cpuCFSQuota: '1.12',
  cpuCFSQuotaPeriod: '1.12',
  nodeStatusMaxImages: '1.19',
  maxOpenFiles: '1.12',
  contentType: '1.12',
  kubeAPIQPS: '1.12',
  kubeAPIBurst: '1.12',
  serializeImagePulls: '1.12',
  maxParallelImagePulls: '1.27',
  evictionHard: '1.12',
  evictionSoft: '1.12',
  evictionSoftGracePeriod: '1.12',
  evictionPressureTransitionPeriod: '1.12',
  evictionMaxPodGracePeriod: '1.12',
  evictionMinimumReclaim: '1.12',
  mergeDefaultEvictionSettings: '1.33',
  podsPerCore: '1.12',
  enableControllerAttachDetach: '1.12',
  protectKernelDefaults: '1.12',
  makeIPTablesUtilChains: '1.12',
  iptablesMasqueradeBit: '1.12',
  iptablesDropBit: '1.12',
  featureGates: '1.12',
  failSwapOn: '1.12',
  memorySwap: '1.22',
  containerLogMaxSize: '1.12',
  containerLogMaxFiles: '1.12',
  containerLogMaxWorkers: '1.30',
  containerLogMonitorInterval: '1.30',
  configMapAndSecretChangeDetectionStrategy: '1.12',
  systemReserved: '1.12',
  kubeReserved: '1.12',
  reservedSystemCPUs: '1.17',
  showHiddenMetricsForVersion: '1.18',
  systemReservedCgroup: '1.12',
  kubeReservedCgroup: '1.12',
  enforceNodeAllocatable: '1.12',
  allowedUnsafeSysctls: '1.16',
  defaultPodSysctls: '1.37',
  volumePluginDir: '1.19',
  providerID: '1.19',
  kernelMemcgNotification: '1.19',
  logging: '1.19',
  enableSystemLogHandler: '1.19',
  enableSystemLogQuery: '1.27',
  shutdownGracePeriod: '1.20',
  shutdownGracePeriodCriticalPods: '1.20',
  shutdownGracePeriodByPodPriority: '1.23',
  crashLoopBackOff: '1.32',
  reservedMemory: '1.21',
  enableProfilingHandler: '1.21',
  enableDebugFlagsHandler: '1.21',
  seccompDefault: '1.22',
  memoryThrottlingFactor: '1.22',
  memoryReservationPolicy: '1.36',
  registerWithTaints: '1.23',
  registerNode: '1.23',
  tracing: '1.25',
  localStorageCapacityIsolation: '1.25',
  containerRuntimeEndpoint: '1.27',
  imageServiceEndpoint: '1.27',
  failCgroupV1: '1.31',
  userNamespaces: '1.33',
};

/** TypeMeta keys every KubeletConfiguration document carries. */
export const KUBELET_CONFIG_TYPE_META = { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration' } as const;

/** First minor of a top-level field; undefined if the field never existed. */
export function kubeletFieldSince(field: string): string | undefined {
  return own(KUBELET_CONFIG_FIELD_SINCE, field);
}

/**
 * Whether the field exists at that Kubernetes version (an unknown field is only a warning for the
 * kubelet, which decodes leniently). undefined: the field is not in any version.
 */
export function kubeletFieldKnown(k8s: Version, field: string): boolean | undefined {
  const since = kubeletFieldSince(field);
  if (since === undefined) return undefined;
  return atLeastLoose(clampKubernetes(k8s).version, since);
}

export interface NoEffectField extends Sourced {
  field: string;
  /** Minor from which the field is documented "Deprecated: no longer has any effect". */
  since: string;
}

/** Fields that still parse but do nothing. */
export const KUBELET_CONFIG_FIELDS_NO_EFFECT: readonly NoEffectField[] = [
  { field: 'iptablesMasqueradeBit', since: '1.28', source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.28.0 ("Deprecated: no longer has any effect")' },
  { field: 'iptablesDropBit', since: '1.28', source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.28.0 ("Deprecated: no longer has any effect")' },
  { field: 'streamingConnectionIdleTimeout', since: '1.34', source: 'kubernetes/kubelet config/v1beta1/types.go @ kubernetes-1.34.0 ("Deprecated: no longer has any effect")' },
];
