/**
 * crictl-endpoint-unset: crictl.yaml without `runtime-endpoint` (absent, or an empty value, which
 * crictl treats as unset). crictl then tries its list of default sockets, which is deprecated and
 * differs per release (data crictlDefaultEndpoints; crictl releases follow Kubernetes minors), and
 * prints "runtime connect using default endpoints: [...]. As the default settings are now
 * deprecated, you should set the endpoint instead." before every command
 * (kubernetes-sigs/cri-tools cmd/crictl; reference crictl-crio-docker-sysctl.md §1.3).
 * Fix (safe): `runtime-endpoint: unix://<the runtime's socket>` (shared/endpoints.ts
 * runtimeSocketPath: containerd's or CRI-O's, the kubelet's with both; containerd's default socket
 * without a runtime config).
 */
import { fileStart } from '../core/source.js';
import { crictlDefaultEndpoints } from '../data/kubernetes.js';
import { defineRule } from '../engine/rule.js';
import { FixBuildError, lines, makeFix, yaml } from '../fix/index.js';
import { runtimeSocketPath } from './shared/endpoints.js';
import { kubeletVersion } from './shared/kubelet-settings.js';

export default defineRule({
  meta: {
    id: 'crictl-endpoint-unset',
    description: "`crictl.yaml` must set `runtime-endpoint` instead of relying on crictl's deprecated default endpoints",
    severity: 'warning',
    files: ['crictl'],
    fixable: 'safe',
  },
  check(ctx) {
    const crictl = ctx.node.crictl;
    if (!crictl || (crictl.shape !== 'map' && crictl.shape !== 'empty')) return; // not a mapping: syntax / invalid-value
    const s = crictl.runtimeEndpoint;
    const entry = s.entry;
    // A map or sequence value is invalid-value's; an alias is too. Only an absent key or an empty scalar is "unset".
    if (entry && (entry.valueKind !== 'null' && !(entry.valueKind === 'scalar' && entry.raw === ''))) return;
    const defaults = crictlDefaultEndpoints(kubeletVersion(ctx.target));
    const endpoint = `unix://${runtimeSocketPath(ctx.node, ctx.target)}`;
    const at = entry ? { file: crictl.file, range: entry.valueKind === 'null' ? entry.keyRange : entry.valueRange } : { file: crictl.file, range: fileStart(crictl.file) };
    let fix;
    try {
      const root = crictl.root;
      let ch;
      if (entry && s.node && s.node.kind === 'scalar') ch = yaml.setValue(s.node, endpoint);
      else if (!entry && root && root.kind === 'map' && root.entries.length) ch = yaml.insertKey(root, 'runtime-endpoint', endpoint);
      else if (!entry && crictl.shape === 'empty' && !yaml.needsQuotes(endpoint)) ch = lines.appendLine(crictl.file, `runtime-endpoint: ${endpoint}`);
      if (ch) fix = makeFix('safe', `set runtime-endpoint: ${endpoint}`, ch);
    } catch (e) {
      if (!(e instanceof FixBuildError)) throw e;
    }
    ctx.report({
      ...at,
      message:
        `runtime-endpoint is ${entry ? 'empty' : 'not set'}: crictl tries its deprecated default endpoints one after the other and warns ` +
        `"runtime connect using default endpoints: [${defaults.join(' ')}]. As the default settings are now deprecated, you should set the endpoint instead."; ` +
        `set runtime-endpoint: ${endpoint}`,
      ...(fix ? { fix } : {}),
    });
  },
});
