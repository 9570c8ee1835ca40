/**
 * The CIS Kubernetes Benchmark's kubelet checks (section 4.2) that crilint evaluates, per benchmark
 * version, as kube-bench encodes them.
 *
 * Source: aquasecurity/kube-bench @ a73ce378418c71c5861e6963753f50dec3badadf (2026-06-09, v0.15.6):
 * cfg/config.yaml `version_mapping` (Kubernetes minor → benchmark) and cfg/<benchmark>/node.yaml
 * (check IDs and the strong-cipher list of the cipher check, `valid_elements`). Kept here rather than
 * in src/data because only this rule reads it. Note: reference/kubelet-kubeadm.md §5.1 says cis-1.7+
 * drop the two TLS_RSA_* suites; at this kube-bench commit only cis-1.12 does (cis-1.7 … cis-1.11
 * still list them), which is what the table follows.
 */
import type { Version } from '../../core/version.js';
import { atLeastLoose } from '../../data/lookup.js';

export type CisCheck = 'anonymous' | 'authorization' | 'clientCA' | 'readOnlyPort' | 'rotateCertificates' | 'serverCertGate' | 'ciphers';

export interface CisBenchmark {
  name: string;
  ids: Readonly<Record<CisCheck, string>>;
  /** The cipher suites the cipher check accepts. */
  ciphers: readonly string[];
  /** kube-bench maps no benchmark to this Kubernetes minor; the newest one is used. */
  newest?: true;
}

const STRONG = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
];
const WITH_RSA = [...STRONG, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_GCM_SHA256'];

const IDS_1_24: Record<CisCheck, string> = { anonymous: '4.2.1', authorization: '4.2.2', clientCA: '4.2.3', readOnlyPort: '4.2.4', rotateCertificates: '4.2.11', serverCertGate: '4.2.12', ciphers: '4.2.13' };
const IDS_1_7: Record<CisCheck, string> = { anonymous: '4.2.1', authorization: '4.2.2', clientCA: '4.2.3', readOnlyPort: '4.2.4', rotateCertificates: '4.2.10', serverCertGate: '4.2.11', ciphers: '4.2.12' };

/** Kubernetes minor (from) → benchmark, ascending (kube-bench cfg/config.yaml version_mapping). */
const MAPPING: readonly { since: string; bench: CisBenchmark }[] = [
  { since: '1.24', bench: { name: 'cis-1.24', ids: IDS_1_24, ciphers: WITH_RSA } },
  { since: '1.25', bench: { name: 'cis-1.7', ids: IDS_1_7, ciphers: WITH_RSA } },
  { since: '1.26', bench: { name: 'cis-1.8', ids: IDS_1_7, ciphers: WITH_RSA } },
  { since: '1.27', bench: { name: 'cis-1.9', ids: IDS_1_7, ciphers: WITH_RSA } },
  { since: '1.28', bench: { name: 'cis-1.10', ids: IDS_1_7, ciphers: WITH_RSA } },
  { since: '1.29', bench: { name: 'cis-1.11', ids: IDS_1_7, ciphers: WITH_RSA } },
  { since: '1.32', bench: { name: 'cis-1.12', ids: IDS_1_7, ciphers: STRONG } },
  { since: '1.35', bench: { name: 'cis-1.12', ids: IDS_1_7, ciphers: STRONG, newest: true } },
];

export function cisBenchmark(k8s: Version): CisBenchmark {
  let found = MAPPING[0]!.bench;
  for (const m of MAPPING) if (atLeastLoose(k8s, m.since)) found = m.bench;
  return found;
}

/**
 * Go's names for the two ChaCha20 suites (`…_CHACHA20_POLY1305_SHA256`) and the legacy aliases the
 * benchmark lists name the same suites; the kubelet accepts both (component-base
 * cli/flag/ciphersuites_flag.go). kube-bench compares strings, so it fails the Go names.
 */
export function cipherAccepted(bench: CisBenchmark, name: string): boolean {
  return bench.ciphers.includes(name) || bench.ciphers.includes(name.replace(/_CHACHA20_POLY1305_SHA256$/, '_CHACHA20_POLY1305'));
}
