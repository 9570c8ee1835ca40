/**
 * Feature gates that matter on a node, with their stages per Kubernetes minor. Stages were read
 * in kubernetes/kubernetes pkg/features/kube_features.go `defaultVersionedKubernetesFeatureGates`
 * (a 1.35/1.36-dev revision, index id 378079260, with VersionedSpecs that carry every stage since
 * the gate was introduced) and cross-checked with kubernetes/website feature-gate pages.
 */
import type { Version } from '../core/version.js';
import { atLeastLoose, clampKubernetes, own, pickSince, type Sourced } from './lookup.js';

export type GateStageName = 'alpha' | 'beta' | 'ga' | 'deprecated';

export interface GateStage {
  /** Kubernetes minor the stage starts at. */
  since: string;
  stage: GateStageName;
  default: boolean;
  /** LockToDefault: setting the gate to the other value fails validation. */
  locked?: true;
}

export interface FeatureGate extends Sourced {
  /** Whose gate it is: kubelet (shared kube_features.go) or kubeadm. */
  component: 'kubelet' | 'kubeadm';
  stages: readonly GateStage[];
  /** First minor in which the gate no longer exists (setting it is an unknown-gate error). */
  removedIn?: string;
}

const KF = 'kubernetes/kubernetes pkg/features/kube_features.go (VersionedSpecs; 1.35/1.36-dev revision)';

export const FEATURE_GATES: Readonly<Record<string, FeatureGate>> = {
  KubeletCgroupDriverFromCRI: {
    component: 'kubelet',
    stages: [
      { since: '1.28', stage: 'alpha', default: false },
      { since: '1.31', stage: 'beta', default: true },
      { since: '1.34', stage: 'ga', default: true, locked: true },
    ],
    source: `${KF} ("remove in 1.37"); kubernetes/website feature-gates/KubeletCgroupDriverFromCRI.md @ 68af5faa8492; KEP-4033`,
  },
  NodeSwap: {
    component: 'kubelet',
    stages: [
      { since: '1.22', stage: 'alpha', default: false },
      { since: '1.28', stage: 'beta', default: false },
      { since: '1.30', stage: 'beta', default: true },
      { since: '1.34', stage: 'ga', default: true, locked: true },
    ],
    source: `${KF} ("remove in 1.37"); kubernetes/website feature-gates/NodeSwap.md @ 02e08b9e9768`,
  },
  RotateKubeletServerCertificate: {
    component: 'kubelet',
    stages: [
      { since: '1.7', stage: 'alpha', default: false },
      { since: '1.12', stage: 'beta', default: true },
    ],
    source: KF,
  },
  GracefulNodeShutdown: {
    component: 'kubelet',
    stages: [
      { since: '1.20', stage: 'alpha', default: false },
      { since: '1.21', stage: 'beta', default: true },
    ],
    source: KF,
  },
  GracefulNodeShutdownBasedOnPodPriority: {
    component: 'kubelet',
    stages: [
      { since: '1.23', stage: 'alpha', default: false },
      { since: '1.24', stage: 'beta', default: true },
    ],
    source: KF,
  },
  ImageMaximumGCAge: {
    component: 'kubelet',
    stages: [
      { since: '1.29', stage: 'alpha', default: false },
      { since: '1.30', stage: 'beta', default: true },
      { since: '1.35', stage: 'ga', default: true, locked: true },
    ],
    source: `${KF} ("remove in 1.38")`,
  },
  KubeletSeparateDiskGC: {
    component: 'kubelet',
    stages: [
      { since: '1.29', stage: 'alpha', default: false },
      { since: '1.31', stage: 'beta', default: true },
    ],
    source: KF,
  },
  KubeletCrashLoopBackOffMax: {
    component: 'kubelet',
    stages: [
      { since: '1.32', stage: 'alpha', default: false },
      { since: '1.35', stage: 'beta', default: true },
    ],
    source: KF,
  },
  KubeletEnsureSecretPulledImages: {
    component: 'kubelet',
    stages: [
      { since: '1.33', stage: 'alpha', default: false },
      { since: '1.35', stage: 'beta', default: true },
    ],
    source: KF,
  },
  KubeletTracing: {
    component: 'kubelet',
    stages: [
      { since: '1.25', stage: 'alpha', default: false },
      { since: '1.27', stage: 'beta', default: true },
      { since: '1.34', stage: 'ga', default: true, locked: true },
    ],
    source: `${KF} ("remove in 1.37")`,
  },
  KubeletInUserNamespace: {
    component: 'kubelet',
    stages: [{ since: '1.22', stage: 'alpha', default: false }],
    source: KF,
  },
  KubeletPSI: {
    component: 'kubelet',
    stages: [
      { since: '1.33', stage: 'alpha', default: false },
      { since: '1.34', stage: 'beta', default: true },
    ],
    source: KF,
  },
  MemoryQoS: {
    component: 'kubelet',
    stages: [{ since: '1.22', stage: 'alpha', default: false }],
    source: `${KF}; kubernetes/kubelet master commit d3d0dac8 promotes it to beta for 1.37`,
  },
  UserNamespacesSupport: {
    component: 'kubelet',
    stages: [
      { since: '1.25', stage: 'alpha', default: false },
      { since: '1.30', stage: 'beta', default: false },
      { since: '1.33', stage: 'beta', default: true },
    ],
    source: KF,
  },
  NodeLogQuery: {
    component: 'kubelet',
    stages: [
      { since: '1.27', stage: 'alpha', default: false },
      { since: '1.30', stage: 'beta', default: false },
    ],
    source: KF,
  },
  CustomCPUCFSQuotaPeriod: {
    component: 'kubelet',
    stages: [{ since: '1.12', stage: 'alpha', default: false }],
    source: `${KF} (Go const CPUCFSQuotaPeriod)`,
  },
  DisableCPUQuotaWithExclusiveCPUs: {
    component: 'kubelet',
    stages: [{ since: '1.33', stage: 'beta', default: true }],
    source: KF,
  },
  SystemdWatchdog: {
    component: 'kubelet',
    stages: [
      { since: '1.32', stage: 'beta', default: true },
      { since: '1.35', stage: 'ga', default: true, locked: true },
    ],
    source: `${KF} ("remov in 1.37")`,
  },
  CPUManagerPolicyOptions: {
    component: 'kubelet',
    stages: [
      { since: '1.22', stage: 'alpha', default: false },
      { since: '1.23', stage: 'beta', default: true },
      { since: '1.33', stage: 'ga', default: true, locked: true },
    ],
    source: `${KF} (comment "remove in 1.36")`,
    uncertain: true,
    why: 'the source says "remove in 1.36" but the revision read (1.36-dev) still has it; removal not confirmed, so it is treated as known through 1.36',
  },
  MemoryManager: {
    component: 'kubelet',
    stages: [
      { since: '1.21', stage: 'alpha', default: false },
      { since: '1.22', stage: 'beta', default: true },
      { since: '1.32', stage: 'ga', default: true, locked: true },
    ],
    source: KF,
  },
  ContainerCheckpoint: {
    component: 'kubelet',
    stages: [
      { since: '1.25', stage: 'alpha', default: false },
      { since: '1.30', stage: 'beta', default: true },
    ],
    source: KF,
  },
  ProcMountType: {
    component: 'kubelet',
    stages: [
      { since: '1.12', stage: 'alpha', default: false },
      { since: '1.31', stage: 'beta', default: false },
      { since: '1.33', stage: 'beta', default: true },
    ],
    source: KF,
  },
  NodeLocalCRISocket: {
    component: 'kubeadm',
    stages: [
      { since: '1.32', stage: 'alpha', default: false },
      { since: '1.34', stage: 'beta', default: true },
      { since: '1.36', stage: 'ga', default: true, locked: true },
    ],
    source: 'kubernetes/kubernetes PR #128031 (alpha), PR #131981 (beta), PR #135742 (GA); KEP-4656 (kubeadm gate, cmd/kubeadm/app/features)',
    uncertain: true,
    why: 'kubeadm gate stages come from PR titles quoted in the reference, not re-read in cmd/kubeadm/app/features/features.go',
  },
};

/** The stage a gate is in at a Kubernetes version; undefined if crilint does not know the gate or it does not exist then. */
export function gateStage(k8s: Version, gate: string): GateStage | undefined {
  const g = own(FEATURE_GATES, gate);
  if (!g) return undefined;
  const at = clampKubernetes(k8s).version;
  if (g.removedIn && atLeastLoose(at, g.removedIn)) return undefined;
  return pickSince(g.stages, at);
}

/**
 * Whether the gate exists at that version (an unknown gate in `featureGates` fails kubelet
 * validation). undefined: the gate is not in crilint's table (it covers node-relevant gates only).
 */
export function gateKnown(k8s: Version, gate: string): boolean | undefined {
  if (!own(FEATURE_GATES, gate)) return undefined;
  return gateStage(k8s, gate) !== undefined;
}

/** Default value of a gate at that version; undefined when unknown or not yet/no longer present. */
export function gateDefault(k8s: Version, gate: string): boolean | undefined {
  return gateStage(k8s, gate)?.default;
}

/** Whether the gate is locked to its default (setting it to the other value fails). */
export function gateLocked(k8s: Version, gate: string): boolean {
  return gateStage(k8s, gate)?.locked === true;
}
