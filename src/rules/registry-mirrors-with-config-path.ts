/**
 * registry-mirrors-with-config-path: CRI registry `mirrors` together with `config_path`. The CRI
 * plugin (2.x: the images plugin the CRI service requires) refuses that combination at init —
 * 1.x: `failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: \`mirrors\`
 * cannot be set when \`config_path\` is provided"` (checked by starting containerd 1.6.20); 2.x:
 * "unable to load CRI image service plugin dependency: invalid cri image config: …" — containerd
 * keeps running without CRI (reference containerd.md §2.3 "Registry"; containerd's
 * TestValidateConfig "conflicting mirror registry config"). Empty `mirrors` tables (1.x
 * `config default` dumps) do not count (`len(Mirrors) > 0`).
 *
 * 2.2.0 and 2.2.1 default config_path to `/etc/containerd/certs.d:/etc/docker/certs.d` (data
 * CONTAINERD_DEFAULTS.registryConfigPath; containerd issue #12612, fixed in 2.2.2 by commit
 * a20dead7c), so there `mirrors` alone fails the same way.
 */
import { containerdDefault } from '../data/containerd-defaults.js';
import { defineRule } from '../engine/rule.js';
import { criView } from '../model/containerd.js';
import type { MapNode } from '../model/tree.js';
import { modeOf, targetText } from './shared/containerd.js';

export default defineRule({
  meta: {
    id: 'registry-mirrors-with-config-path',
    description: 'CRI registry mirrors set together with registry config_path, so containerd refuses to load the CRI plugin',
    severity: 'error',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    const mode = modeOf(ctx.target);
    const view = criView(model, mode);
    const mirrors: MapNode | null = view.registry.mirrors;
    if (!mirrors || mirrors.entries.length === 0) return;
    const t = targetText(ctx.target);
    // The error containerd logs with "failed to load plugin io.containerd.grpc.v1.cri".
    const error =
      mode === '1.x'
        ? '(invalid plugin config: `mirrors` cannot be set when `config_path` is provided)'
        : '(unable to load CRI image service plugin dependency: invalid cri image config: `mirrors` cannot be set when `config_path` is provided)';
    const at = { file: mirrors.file, range: mirrors.keyRange ?? mirrors.range };
    const path = view.registry.configPath;
    const how = 'describe each mirror in a hosts.toml under config_path (<config_path>/<registry>/hosts.toml) and delete the mirrors tables';
    if (path.node && path.value) {
      ctx.report({
        ...at,
        message: `registry mirrors are set together with config_path: ${t} fails to load the CRI plugin ${error}, so the kubelet finds no CRI service; ${how}`,
        related: [{ file: path.node.file, range: path.node.range, message: `config_path is set to "${path.value}" here` }],
      });
      return;
    }
    // An unset config_path takes the release default; only 2.2.0–2.2.1 have a non-empty one.
    const implicit = mode === '2.x' && !path.node ? containerdDefault(ctx.target.containerd, 'registryConfigPath') : null;
    if (typeof implicit === 'string' && implicit !== '') {
      ctx.report({
        ...at,
        message: `${t} defaults config_path to "${implicit}" (containerd issue #12612, fixed in 2.2.2), so with these mirrors it fails to load the CRI plugin ${error}; upgrade to 2.2.2 or later, or ${how}`,
      });
    }
  },
});
