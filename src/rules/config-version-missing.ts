/**
 * config-version-missing: containerd's main config file has no `version`, so every release reads
 * it as version 1 (GetVersion(): 0 ⇒ 1; data CONFIG_VERSION_WHEN_MISSING), not as "the latest":
 * plugin tables and disabled_plugins by short ID (`[plugins.cri]`, `"cri"`). 1.x logs a deprecation
 * warning for version 1; 2.x migrates it in memory at every start, and 2.0–2.2 (by code reading,
 * data v1CriSettingsMigrated) do not carry its CRI settings over to the split CRI plugins.
 * A file with no settings at all is not reported (it means containerd's defaults in every version).
 * Only the main file: a drop-in without `version` is merged into the main file's version on 1.x.
 * Not on a node whose kubelet dials another runtime (CRI-O, cri-dockerd; shared/endpoints.ts
 * checksContainerd): there containerd serves Docker, and Docker's containerd.io package ships a
 * config.toml with no version and `disabled_plugins = ["cri"]`, which reads the same in every layout.
 */
import { fileStart } from '../core/source.js';
import { CONFIG_VERSION_WHEN_MISSING, defaultConfigVersion, v1CriSettingsMigrated } from '../data/containerd.js';
import { defineRule } from '../engine/rule.js';
import { get } from '../model/tree.js';
import { modeOf, targetText } from './shared/containerd.js';
import { checksContainerd } from './shared/endpoints.js';

export default defineRule({
  meta: {
    id: 'config-version-missing',
    description: 'The containerd config has no version, so containerd reads it as version 1 (short plugin IDs), not as the latest layout',
    severity: 'warning',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    const main = model.main;
    if (!main.root || main.versionNode) return;
    if (!checksContainerd(ctx.node, ctx.target)) return; // containerd is not the kubelet's runtime here
    // A file without any setting is containerd's defaults whatever its version: nothing to migrate.
    if (main.root.entries.length === 0) return;
    const first = main.root.entries[0];
    const range = first ? first.keyRange : fileStart(main.source);
    const t = targetText(ctx.target);
    const want = Math.max(defaultConfigVersion(ctx.target.containerd), 2);
    let message = `no "version" in the main containerd config: ${t} reads it as config version ${CONFIG_VERSION_WHEN_MISSING} (plugins by short ID, [plugins.cri] and disabled_plugins = ["cri"])`;
    if (modeOf(ctx.target) === '1.x') {
      message += ` and logs that version 1 is deprecated; add version = 2 and name plugins by URI ([plugins."io.containerd.grpc.v1.cri"], "io.containerd.grpc.v1.cri")`;
    } else {
      const plugins = get(main.root, 'plugins');
      const shortCri = plugins && plugins.kind === 'map' && get(plugins, 'cri');
      const gap = shortCri && !v1CriSettingsMigrated(ctx.target.containerd) ? `; containerd 2.0–2.2 probably do not carry the settings of [plugins.cri] over to the CRI plugins of 2.x at all` : '';
      message += ` and migrates it in memory on every start${gap}; convert it with \`containerd config migrate\` and declare version = ${want}`;
    }
    ctx.report({ file: main.source, range, message });
  },
});
