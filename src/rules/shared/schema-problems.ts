/**
 * Per-file validation findings (schema and the components' own validation) for a node set,
 * computed once per node and target and shared by the `unknown-key` and `invalid-value` rules.
 */
import type { Finding } from '../../core/types.js';
import type { Target } from '../../engine/rule.js';
import type { NodeSet } from '../../model/nodeset.js';
import { containerdSchemaProblems } from '../../schema/containerd.js';
import { kubeletProblems } from '../../schema/kubelet.js';
import { crictlProblems } from '../../schema/crictl.js';
import { crioProblems } from '../../schema/crio.js';
import { dockerProblems } from '../../schema/docker.js';
import { crioForKubernetes } from '../../data/crio.js';

const cache = new WeakMap<NodeSet, { target: Target; findings: Finding[] }>();

export function fileProblems(node: NodeSet, target: Target): Finding[] {
  const hit = cache.get(node);
  if (hit && hit.target === target) return hit.findings;
  const findings: Finding[] = [];
  if (node.containerd) findings.push(...containerdSchemaProblems(node.containerd, target));
  if (node.crio) findings.push(...crioProblems(node.crio, crioForKubernetes(target.kubernetes)));
  if (node.docker) findings.push(...dockerProblems(node.docker, target.docker ?? null));
  if (node.kubelet) findings.push(...kubeletProblems(node.kubelet, target));
  // crictl releases follow Kubernetes minors (cri-tools v1.N ships with Kubernetes 1.N).
  if (node.crictl) findings.push(...crictlProblems(node.crictl, { crictl: target.kubernetes }));
  cache.set(node, { target, findings });
  return findings;
}
