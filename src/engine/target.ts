/**
 * The versions a node set is checked against. Given ones win; otherwise the newest Kubernetes in
 * the data tables, and a containerd inferred from the config `version` (the newest release line
 * that reads that version), and the assumption is reported.
 */
import { fmtVersion, parseVersion, cmpVersion, type Version } from '../core/version.js';
import { KUBERNETES_MINORS, CONTAINERD_MINORS, NEWEST_KUBERNETES } from '../data/versions.js';
import type { NodeSet } from '../model/nodeset.js';
import type { Target } from './rule.js';

/** Newest containerd line that reads a config of this `version` (1 and 2: 1.7; 3: 2.2; 4: 2.3). */
export const CONTAINERD_FOR_CONFIG_VERSION: Record<number, string> = { 1: '1.7', 2: '1.7', 3: '2.2', 4: '2.3' };

export class TargetError extends Error {}

export function parseTargetVersion(flag: string, s: string): Version {
  const v = parseVersion(s);
  if (!v) throw new TargetError(`--${flag} ${s}: expected a version such as 1.34 or 1.34.2`);
  return v;
}

export function resolveTarget(node: NodeSet, given: { kubernetes?: Version; containerd?: Version }): Target {
  const notes: string[] = [];
  const kubernetes = given.kubernetes ?? parseVersion(NEWEST_KUBERNETES)!;
  let containerd = given.containerd;
  if (!containerd) {
    const declared = node.containerd?.configVersion ?? 2;
    containerd = parseVersion(CONTAINERD_FOR_CONFIG_VERSION[declared] ?? '2.3')!;
  }
  const newestK = parseVersion(KUBERNETES_MINORS[KUBERNETES_MINORS.length - 1]!)!;
  const oldestK = parseVersion(KUBERNETES_MINORS[0]!)!;
  if (cmpVersion({ ...kubernetes, patch: 0 }, newestK) > 0) notes.push(`Kubernetes ${fmtVersion(kubernetes)} is newer than the data tables (newest ${fmtVersion(newestK)}); checking with ${fmtVersion(newestK)}'s data`);
  if (cmpVersion(kubernetes, oldestK) < 0) notes.push(`Kubernetes ${fmtVersion(kubernetes)} is older than the data tables (oldest ${fmtVersion(oldestK)}); checking with ${fmtVersion(oldestK)}'s data`);
  const newestC = parseVersion(CONTAINERD_MINORS[CONTAINERD_MINORS.length - 1]!)!;
  if (cmpVersion({ ...containerd, patch: 0 }, newestC) > 0) notes.push(`containerd ${fmtVersion(containerd)} is newer than the data tables (newest ${fmtVersion(newestC)}); checking with ${fmtVersion(newestC)}'s data`);
  return { kubernetes, containerd, assumed: { kubernetes: !given.kubernetes, containerd: !given.containerd }, notes };
}
