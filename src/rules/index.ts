/**
 * The rule registry: every rule, sorted by ID. Explicit imports, no side-effect registration.
 * A rule's code is src/rules/<id>.ts, its page rules/<id>.md, its fixtures fixtures/<id>/.
 */
import type { Rule } from '../engine/rule.js';
import cgroupDriverMismatch from './cgroup-driver-mismatch.js';
import cisKubelet from './cis-kubelet.js';
import containerdImportCycle from './containerd-import-cycle.js';
import containerdImportLimit from './containerd-import-limit.js';
import containerdImportNotFound from './containerd-import-not-found.js';
import criSocketMismatch from './cri-socket-mismatch.js';
import crictlEndpointUnset from './crictl-endpoint-unset.js';
import invalidValue from './invalid-value.js';
import kernelModuleRequired from './kernel-module-required.js';
import kubeletFlagOverridesConfig from './kubelet-flag-overrides-config.js';
import kubeletSwapConfig from './kubelet-swap-config.js';
import protectKernelDefaultsSysctl from './protect-kernel-defaults-sysctl.js';
import sandboxImageMismatch from './sandbox-image-mismatch.js';
import sysctlInlineComment from './sysctl-inline-comment.js';
import sysctlRequired from './sysctl-required.js';
import unknownKey from './unknown-key.js';

export const RULES: readonly Rule[] = [
  cgroupDriverMismatch,
  cisKubelet,
  containerdImportCycle,
  containerdImportLimit,
  containerdImportNotFound,
  criSocketMismatch,
  crictlEndpointUnset,
  invalidValue,
  kernelModuleRequired,
  kubeletFlagOverridesConfig,
  kubeletSwapConfig,
  protectKernelDefaultsSysctl,
  sandboxImageMismatch,
  sysctlInlineComment,
  sysctlRequired,
  unknownKey,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
