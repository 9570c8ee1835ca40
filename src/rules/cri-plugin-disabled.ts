/**
 * cri-plugin-disabled: `disabled_plugins` takes away the CRI service on a node whose kubelet talks
 * to this containerd. Which IDs count depends on the target line and the file's version (criView's
 * `criDisabledBy`, src/model/containerd.ts): 1.x reads a version-1 file's short ID `cri`
 * (V1DisabledFilter) and the URI `io.containerd.grpc.v1.cri` otherwise; 2.x renames a version-1
 * file's `cri` to `io.containerd.grpc.v1.cri` (v1MigratePluginName) and also loses the CRI
 * service when `io.containerd.cri.v1.runtime` or `io.containerd.cri.v1.images` is disabled (the
 * gRPC plugin requires both; reference containerd.md §2.1).
 *
 * Only on a node with a kubelet (kubelet config or flag files in the node set) whose runtime
 * endpoint is this containerd's socket: Docker's containerd.io package disables CRI on purpose
 * (Docker does not use it), and a node whose kubelet talks to CRI-O or cri-dockerd does not need it.
 */
import type { RelatedLocation } from '../core/types.js';
import { containerdDefault } from '../data/containerd-defaults.js';
import { defineRule } from '../engine/rule.js';
import { makeFix, toml } from '../fix/index.js';
import { criView, CRI_IDS } from '../model/containerd.js';
import { kubeletSetting } from '../model/kubelet.js';
import { get, type MapNode, type ScalarNode } from '../model/tree.js';
import { modeOf, targetText } from './shared/containerd.js';

/** The socket path a kubelet endpoint dials (`unix:///run/x.sock`, `unix:/run/x.sock`, `/run/x.sock`), `/var/run` as `/run`. */
function socketOf(endpoint: string): string {
  const path = endpoint.replace(/^unix:(\/\/)?/, '');
  const clean = path.replace(/\/+/g, '/');
  return clean.startsWith('/var/run/') ? clean.slice('/var'.length) : clean;
}

/** The kubelet's error when the socket answers but serves no CRI (reference peers-and-user-pain.md P2). */
function kubeletError(endpoint: string): string {
  return `validate service connection: validate CRI v1 runtime API for endpoint "${endpoint}": rpc error: code = Unimplemented desc = unknown service runtime.v1.RuntimeService`;
}

export default defineRule({
  meta: {
    id: 'cri-plugin-disabled',
    description: "The containerd disabled_plugins list turns off the CRI plugin on a node whose kubelet uses containerd, so the kubelet cannot run pods",
    severity: 'error',
    files: ['containerd', 'kubelet', 'kubelet-flags', 'systemd-unit'],
    fixable: 'safe',
  },
  check(ctx) {
    const model = ctx.node.containerd;
    const kubelet = ctx.node.kubelet;
    if (!model || !kubelet) return;
    const view = criView(model, modeOf(ctx.target));
    if (!view.criDisabledBy.length) return;

    // The kubelet must be talking to this containerd (its default endpoint is containerd's socket).
    const endpoint = kubeletSetting(kubelet, 'containerRuntimeEndpoint', undefined, ctx.target.kubernetes);
    const address = view.grpcAddress.value ?? String(containerdDefault(ctx.target.containerd, 'grpcAddress'));
    if (typeof endpoint.value === 'string' && endpoint.value !== '' && socketOf(endpoint.value) !== socketOf(address)) return;

    const related: RelatedLocation[] = [];
    const at = endpoint.flag ?? endpoint.node;
    if (at) {
      related.push({ file: at.file, range: at.range, message: `the kubelet talks to containerd's CRI service at ${String(endpoint.value)}` });
    } else {
      const src = kubelet.config?.file ?? kubelet.files[0] ?? null;
      if (src) related.push({ file: src, range: null, message: `the kubelet on this node talks to containerd's CRI service at ${String(endpoint.value || address)}` });
    }

    const shown = typeof endpoint.value === 'string' && endpoint.value !== '' ? endpoint.value : `unix://${address}`;
    for (const n of view.criDisabledBy) {
      const id = String(n.value);
      const what =
        id === CRI_IDS.runtime || id === CRI_IDS.images
          ? `"${id}", a plugin the CRI service (${CRI_IDS.grpc}) requires: ${targetText(ctx.target)} then fails to load ${CRI_IDS.grpc} and serves no CRI`
          : `"${id}", the CRI plugin: ${targetText(ctx.target)} starts without the CRI service`;
      ctx.report({
        file: n.file,
        range: n.range,
        message: `disabled_plugins lists ${what}, so the kubelet fails with \`${kubeletError(shown)}\` and the node never becomes Ready; remove "${id}" from disabled_plugins`,
        related,
        ...fixFor(model.fileOf(n.file)?.root ?? null, n),
      });
    }
  },
});

/** Remove the entry from its own file's array (2.x merges arrays, but each item keeps its file and index). */
function fixFor(root: MapNode | null, n: ScalarNode) {
  const index = n.path[n.path.length - 1];
  const arrayNode = get(root ?? undefined, 'disabled_plugins');
  if (typeof index !== 'number' || !arrayNode || arrayNode.kind !== 'array' || arrayNode.items[index] !== n) return {};
  return { fix: makeFix('safe', `remove "${String(n.value)}" from disabled_plugins`, toml.removeArrayItem(arrayNode, index)) };
}
