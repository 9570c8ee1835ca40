/**
 * containerd releases recommended per Kubernetes minor: containerd RELEASES.md "Kubernetes
 * Support". The table is a recommendation ("the versions … most thoroughly tested"); a line that
 * is not listed for a minor is not recommended for it. Rows for minors that have dropped out of
 * the table on main were read at the last revision that still had them (see each `source`).
 * The generator picks the first (newest) entry.
 */
import type { Version } from '../core/version.js';
import { atLeastLoose, clampKubernetes, lineOf, type KubernetesMinor, type Sourced } from './lookup.js';

export interface SupportRow extends Sourced {
  /** Minimum containerd per release line, newest line first (`2.1.3` = 2.1.3 or later 2.1.x). */
  containerd: readonly string[];
  /** CRI API versions the row lists. */
  cri: string;
}

const MAIN = 'containerd/containerd RELEASES.md "Kubernetes Support" @ main 301026e58c61 (2026-08-22)';

export const CONTAINERD_FOR_KUBERNETES: Readonly<Record<KubernetesMinor, SupportRow>> = {
  '1.24': { containerd: ['1.7.0', '1.6.4'], cri: 'v1, v1alpha2', source: 'containerd/containerd RELEASES.md @ v1.7.34 (row since commit da4de96e2, 2023-04-14)' },
  '1.25': { containerd: ['1.7.0', '1.6.4'], cri: 'v1, v1alpha2', source: 'containerd/containerd RELEASES.md @ v1.7.34 (row since commit da4de96e2)' },
  '1.26': { containerd: ['1.7.0', '1.6.15'], cri: 'v1', source: 'containerd/containerd RELEASES.md @ v1.7.34 / commit caa9e2075' },
  '1.27': { containerd: ['1.7.0', '1.6.15'], cri: 'v1', source: 'containerd/containerd RELEASES.md @ commit 9e2357f33 (2024-08-16; row added da4de96e2)' },
  '1.28': { containerd: ['1.7.0', '1.6.15'], cri: 'v1', source: 'containerd/containerd RELEASES.md @ commit 9e2357f33 (row added 73e9cfd1c)' },
  '1.29': { containerd: ['1.7.11', '1.6.27'], cri: 'v1', source: 'containerd/containerd RELEASES.md @ v2.0.11 (row added caa9e2075)' },
  '1.30': { containerd: ['2.1.0', '2.0.0', '1.7.13', '1.6.28'], cri: 'v1', source: 'containerd/containerd RELEASES.md @ v2.1.0' },
  '1.31': { containerd: ['2.1.0', '2.0.0', '1.7.20', '1.6.34'], cri: 'v1', source: 'containerd/containerd RELEASES.md @ v2.2.0' },
  '1.32': { containerd: ['2.1.0', '2.0.1', '1.7.24', '1.6.36'], cri: 'v1', source: MAIN },
  '1.33': { containerd: ['2.1.0', '2.0.4', '1.7.24', '1.6.36'], cri: 'v1', source: MAIN },
  '1.34': { containerd: ['2.1.3', '2.0.6', '1.7.28', '1.6.39'], cri: 'v1', source: MAIN },
  '1.35': { containerd: ['2.2.0', '2.1.5', '1.7.28'], cri: 'v1', source: MAIN },
  '1.36': { containerd: ['2.3.0', '2.2.0'], cri: 'v1', source: MAIN },
};

export interface SupportedContainerd extends Sourced {
  /** Minimum per line, newest line first. */
  minimums: readonly string[];
  /** Set when the Kubernetes version lay outside the tables. */
  note?: string;
}

export function supportedContainerd(k8s: Version): SupportedContainerd {
  const c = clampKubernetes(k8s);
  const row = CONTAINERD_FOR_KUBERNETES[c.line as KubernetesMinor];
  const r: SupportedContainerd = { minimums: row.containerd, source: row.source };
  if (c.note) r.note = c.note;
  return r;
}

/** The newest containerd line recommended for a Kubernetes version (what `generate` picks by default). */
export function recommendedContainerd(k8s: Version): string {
  const min = supportedContainerd(k8s).minimums[0]!;
  return min.split('.').slice(0, 2).join('.');
}

export interface ComboVerdict {
  supported: boolean;
  /** Minimum recommended patch of the containerd line, when the line is listed. */
  minimum?: string;
  reason: string;
  source: string;
  note?: string;
}

/**
 * Is containerd X recommended for Kubernetes Y? A minor-only containerd (`2.1`) means its newest
 * patch, so only the line has to be listed; with a patch, it must reach the line's minimum.
 */
export function isSupportedCombo(k8s: Version, containerd: Version): ComboVerdict {
  const s = supportedContainerd(k8s);
  const line = lineOf(containerd);
  const extra = s.note ? { note: s.note } : {};
  const min = s.minimums.find((m) => m.startsWith(`${line}.`));
  const k = lineOf(clampKubernetes(k8s).version);
  if (!min) {
    return {
      supported: false,
      reason: `containerd ${line} is not among the releases recommended for Kubernetes ${k} (${s.minimums.map((m) => `${m}+`).join(', ')})`,
      source: s.source,
      ...extra,
    };
  }
  if (!atLeastLoose(containerd, min)) {
    return { supported: false, minimum: min, reason: `Kubernetes ${k} needs containerd ${min} or later in the ${line} line`, source: s.source, ...extra };
  }
  return { supported: true, minimum: min, reason: `containerd ${min}+ is recommended for Kubernetes ${k}`, source: s.source, ...extra };
}
