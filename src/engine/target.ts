/**
 * The versions a node set is checked against. Given ones win; otherwise the newest Kubernetes in
 * the data tables, and a containerd inferred from the config `version` (the newest release line
 * that reads that version), and the assumption is reported. Versions beyond the tables are
 * clamped by src/data (the same lookups the rules use) and the note is passed on.
 */
import { parseVersion, type Version } from '../core/version.js';
import { NEWEST_KUBERNETES, NEWEST_CONTAINERD } from '../data/versions.js';
import { containerdForConfigVersion } from '../data/containerd.js';
import { clampContainerd, clampKubernetes } from '../data/lookup.js';
import { clampDocker } from '../data/docker.js';
import type { NodeSet } from '../model/nodeset.js';
import type { Target } from './rule.js';
import type { CriRuntime } from '../data/kubernetes.js';

export class TargetError extends Error {}

export function parseTargetVersion(flag: string, s: string, example = '1.34'): Version {
  const v = parseVersion(s);
  if (!v) throw new TargetError(`--${flag} ${s}: expected a version such as ${example} or ${example}.2`);
  return v;
}

/** The versions (and runtime) given on the command line or in the config file's `target`. */
export interface GivenTarget {
  kubernetes?: Version;
  containerd?: Version;
  runtime?: CriRuntime;
  docker?: Version;
}

export function resolveTarget(node: NodeSet, given: GivenTarget): Target {
  const notes: string[] = [];
  const kubernetes = given.kubernetes ?? parseVersion(NEWEST_KUBERNETES)!;
  let containerd = given.containerd;
  if (!containerd) {
    const declared = node.containerd?.configVersion ?? 2;
    containerd = parseVersion(containerdForConfigVersion(declared) ?? NEWEST_CONTAINERD)!;
  }
  const k = clampKubernetes(kubernetes);
  if (k.note) notes.push(k.note);
  const c = clampContainerd(containerd);
  if (c.note) notes.push(c.note);
  const d = given.docker ? clampDocker(given.docker) : null;
  if (d?.note) notes.push(d.note);
  return {
    kubernetes,
    containerd,
    assumed: { kubernetes: !given.kubernetes, containerd: !given.containerd },
    notes,
    ...(given.runtime ? { runtime: given.runtime } : {}),
    ...(d ? { docker: { version: d.version, releases: d.releases, label: d.label } } : {}),
  };
}
