/**
 * Kubelet command-line flags that were deprecated, stopped having an effect, or were removed
 * (a removed flag is fatal: `failed to parse kubelet flag: unknown flag: --x`). Used for
 * kubeadm-flags.env, /etc/default/kubelet and systemd drop-ins.
 */
import type { Version } from '../core/version.js';
import { atLeastLoose, clampKubernetes, own, type Sourced } from './lookup.js';

export type FlagStatus = 'ok' | 'deprecated' | 'no-effect' | 'removed';

export interface FlagMilestone extends Sourced {
  /** Kubernetes minor the milestone applies from. */
  since: string;
}

export interface KubeletFlag {
  deprecated?: FlagMilestone;
  noEffect?: FlagMilestone;
  removed?: FlagMilestone;
  /** KubeletConfiguration field that replaces the flag, if any. */
  replacement?: string;
}

const DOCKERSHIM: FlagMilestone = {
  since: '1.24',
  source: 'kubernetes/kubernetes PR #106907 "Clean up dockershim flags in the kubelet" (CHANGELOG-1.24: removed along with dockershim)',
};
const DOCKERSHIM_DEPRECATED: FlagMilestone = {
  since: '1.20',
  source: 'dockershim deprecation (kubernetes 1.20); flags marked "will be removed along with dockershim"',
  uncertain: true,
  why: 'the exact minor in which each dockershim flag was marked deprecated was not re-read; it predates the tables (1.24)',
};

export const KUBELET_FLAGS: Readonly<Record<string, KubeletFlag>> = {
  'network-plugin': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'network-plugin-mtu': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'cni-bin-dir': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'cni-conf-dir': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'cni-cache-dir': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'docker-endpoint': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'image-pull-progress-deadline': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'experimental-dockershim-root-directory': { deprecated: DOCKERSHIM_DEPRECATED, removed: DOCKERSHIM },
  'container-runtime': {
    deprecated: { since: '1.24', source: 'kubernetes/kubernetes PR #107094 ("will be removed in 1.27 as the only valid value is \'remote\'")' },
    removed: { since: '1.27', source: 'kubernetes/kubernetes PR #114017 (CHANGELOG-1.27 "kubelet: remove deprecated flag --container-runtime")' },
  },
  'pod-infra-container-image': {
    deprecated: {
      since: '1.24',
      source: 'kubelet 1.24–1.26 "Flag --pod-infra-container-image has been deprecated, will be removed in 1.27" (kubernetes/kubeadm issue #2742); pinning moved to the CRI in 1.29 (kubernetes/kubernetes PR #118544)',
    },
    noEffect: {
      since: '1.31',
      source: 'kubernetes/kubernetes cmd/kubelet/app/options (flag bound to a throw-away variable, "will be removed in 1.35"); kubernetes/kubernetes PR #122739',
      uncertain: true,
      why: 'the minor that bound the flag to a throw-away variable was not pinned (reference: ~1.31); from 1.29 the CRI pins the sandbox image anyway',
    },
    removed: { since: '1.35', source: 'kubernetes/kubernetes PR #133779 (merged 2025-10-31, ACTION REQUIRED); kubeadm stops writing it: PR #133778' },
  },
  'container-runtime-endpoint': {
    deprecated: {
      since: '1.27',
      source: 'kubernetes/kubernetes PR #112136 (flag migrated to config; "This parameter should be set via the config file specified by the Kubelet\'s --config flag")',
    },
    replacement: 'containerRuntimeEndpoint',
  },
  'image-service-endpoint': {
    deprecated: {
      since: '1.27',
      source: 'kubernetes/kubernetes PR #112136 (imageServiceEndpoint added to KubeletConfiguration)',
      uncertain: true,
      why: 'deprecation of this flag assumed to follow containerRuntimeEndpoint in the same PR; not re-read',
    },
    replacement: 'imageServiceEndpoint',
  },
  'cgroup-driver': {
    deprecated: {
      since: '1.10',
      source: 'kubernetes/website feature-gates/KubeletCgroupDriverFromCRI.md ("deprecated --cgroup-driver command line argument"); config-file flags deprecated in favour of --config',
      uncertain: true,
      why: 'deprecated as one of the flags with a KubeletConfiguration equivalent; the exact minor predates the tables',
    },
    replacement: 'cgroupDriver',
  },
};

export interface FlagVerdict {
  status: FlagStatus;
  /** Minor of the milestone that gives the status (absent for `ok`). */
  since?: string;
  source: string;
  /** Whether crilint's table has the flag at all (an unlisted flag is reported `ok`). */
  known: boolean;
  replacement?: string;
  uncertain?: true;
  why?: string;
  /** Set when the Kubernetes version lay outside the tables. */
  note?: string;
}

/** Accepts `pod-infra-container-image`, `--pod-infra-container-image` or `--pod-infra-container-image=x`. */
export function normalizeFlag(flag: string): string {
  return flag.trim().replace(/^-+/, '').replace(/=.*$/s, '');
}

/** Status of a kubelet flag at a Kubernetes version. */
export function kubeletFlagStatus(k8s: Version, flag: string): FlagVerdict {
  const c = clampKubernetes(k8s);
  const name = normalizeFlag(flag);
  const f = own(KUBELET_FLAGS, name);
  const extra = c.note ? { note: c.note } : {};
  if (!f) return { status: 'ok', source: 'not in crilint\'s kubelet flag table (src/data/kubelet-flags.ts)', known: false, ...extra };
  const order: [FlagStatus, FlagMilestone | undefined][] = [
    ['removed', f.removed],
    ['no-effect', f.noEffect],
    ['deprecated', f.deprecated],
  ];
  for (const [status, m] of order) {
    if (m && atLeastLoose(c.version, m.since)) {
      const r: FlagVerdict = { status, since: m.since, source: m.source, known: true, ...extra };
      if (f.replacement) r.replacement = f.replacement;
      if (m.uncertain) {
        r.uncertain = true;
        if (m.why) r.why = m.why;
      }
      return r;
    }
  }
  const r: FlagVerdict = { status: 'ok', source: 'no milestone reached at this version', known: true, ...extra };
  if (f.replacement) r.replacement = f.replacement;
  return r;
}
