/**
 * The rule registry: every rule, sorted by ID. Explicit imports, no side-effect registration.
 * A rule's code is src/rules/<id>.ts, its page rules/<id>.md, its fixtures fixtures/<id>/.
 */
import type { Rule } from '../engine/rule.js';
import cgroupDriverMismatch from './cgroup-driver-mismatch.js';
import cisKubelet from './cis-kubelet.js';
import configVersionMissing from './config-version-missing.js';
import configVersionUnsupported from './config-version-unsupported.js';
import containerdImportCycle from './containerd-import-cycle.js';
import containerdImportLimit from './containerd-import-limit.js';
import containerdImportNotFound from './containerd-import-not-found.js';
import containerdImportReplacesTable from './containerd-import-replaces-table.js';
import criConfigIgnored from './cri-config-ignored.js';
import criPluginDisabled from './cri-plugin-disabled.js';
import criSocketMismatch from './cri-socket-mismatch.js';
import crictlEndpointUnset from './crictl-endpoint-unset.js';
import crioRuntimeTableReset from './crio-runtime-table-reset.js';
import defaultRuntimeUndefined from './default-runtime-undefined.js';
import deprecatedKey from './deprecated-key.js';
import dockerFlagConflict from './docker-flag-conflict.js';
import dropinVersionAboveRoot from './dropin-version-above-root.js';
import invalidValue from './invalid-value.js';
import kernelModuleRequired from './kernel-module-required.js';
import kubeletFlagOverridesConfig from './kubelet-flag-overrides-config.js';
import kubeletSwapConfig from './kubelet-swap-config.js';
import pluginIdNotUri from './plugin-id-not-uri.js';
import pluginIdsMixed from './plugin-ids-mixed.js';
import protectKernelDefaultsSysctl from './protect-kernel-defaults-sysctl.js';
import registryMirrorsWithConfigPath from './registry-mirrors-with-config-path.js';
import removedKey from './removed-key.js';
import sandboxImageMismatch from './sandbox-image-mismatch.js';
import serverSectionInert from './server-section-inert.js';
import sysctlInlineComment from './sysctl-inline-comment.js';
import sysctlRequired from './sysctl-required.js';
import systemdCgroupMisplaced from './systemd-cgroup-misplaced.js';
import unknownKey from './unknown-key.js';

export const RULES: readonly Rule[] = [
  cgroupDriverMismatch,
  cisKubelet,
  configVersionMissing,
  configVersionUnsupported,
  containerdImportCycle,
  containerdImportLimit,
  containerdImportNotFound,
  containerdImportReplacesTable,
  criConfigIgnored,
  criPluginDisabled,
  criSocketMismatch,
  crictlEndpointUnset,
  crioRuntimeTableReset,
  defaultRuntimeUndefined,
  deprecatedKey,
  dockerFlagConflict,
  dropinVersionAboveRoot,
  invalidValue,
  kernelModuleRequired,
  kubeletFlagOverridesConfig,
  kubeletSwapConfig,
  pluginIdNotUri,
  pluginIdsMixed,
  protectKernelDefaultsSysctl,
  registryMirrorsWithConfigPath,
  removedKey,
  sandboxImageMismatch,
  serverSectionInert,
  sysctlInlineComment,
  sysctlRequired,
  systemdCgroupMisplaced,
  unknownKey,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
