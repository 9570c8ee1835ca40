/**
 * plugin-ids-mixed: plugin tables named for a newer config layout than the file declares.
 *
 * - The 2.x CRI plugins (`io.containerd.cri.v1.runtime`, `io.containerd.cri.v1.images`, and the
 *   version-4 server plugins `io.containerd.server.v1.*`) in a file of version 1 or 2: containerd
 *   1.x has no such plugins and silently ignores the tables (unknown plugin IDs are ignored in
 *   every version, reference containerd.md §1.2) — an error; containerd 2.x merges them with the
 *   migrated version-2 tables (AgentBaker's containerd 2 template does this), which works but
 *   depends on migration order — a warning (§4 item 4). Version-4 server plugins need 2.3.
 * - Any plugin URI (a key with dots) in a version-1 file, on 1.x: version 1 names plugins by
 *   short ID (Config.Decode picks `plugins.<ID>` for version 1, services/server/config/config.go
 *   @ v1.7.34; checked with containerd 1.6.20), so the table is ignored — an error. 2.x keeps
 *   dotted keys of a version-1 file as they are (v1MigratePluginName); a version-2 layout
 *   `[plugins."io.containerd.grpc.v1.cri"]` there is migrated by 2.3 but, by code reading, not by
 *   2.0–2.2 (data v1CriSettingsMigrated, marked uncertain) — a warning either way.
 * Not here: short IDs in a version ≥ 2 file (plugin-id-not-uri), version-2 CRI settings in a
 * version 3/4 file (cri-config-ignored).
 */
import { v1CriSettingsMigrated } from '../data/containerd.js';
import { V2_TO_V3_CRI_KEYS } from '../data/containerd-keys.js';
import { atLeastLoose, clampContainerd } from '../data/lookup.js';
import { defineRule } from '../engine/rule.js';
import { CRI_IDS, pluginLookupVersion } from '../model/containerd.js';
import { get } from '../model/tree.js';
import { allFiles, modeOf, targetText } from './shared/containerd.js';

const SERVER_KEYS = new Set(V2_TO_V3_CRI_KEYS.filter((r) => r.part === 'server').map((r) => r.from[0]!));
const SERVER_PLUGINS = /^io\.containerd\.(server\.v1\.|metrics\.v1\.grpc-prometheus$)/;

export default defineRule({
  meta: {
    id: 'plugin-ids-mixed',
    description: 'Plugin tables named for another containerd config version than the file declares, which containerd ignores or only reads through migration',
    severity: 'warning',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    const mode = modeOf(ctx.target);
    const t = targetText(ctx.target);
    const has23 = atLeastLoose(clampContainerd(ctx.target.containerd).version, '2.3.0');
    for (const f of allFiles(model)) {
      if (!f.root || f.version > 2) continue;
      const plugins = get(f.root, 'plugins');
      if (!plugins || plugins.kind !== 'map') continue;
      const declared = f.versionNode ? `version = ${f.version}` : 'no version (version 1)';
      for (const e of plugins.entries) {
        const id = e.key;
        const v3 = id === CRI_IDS.runtime || id === CRI_IDS.images;
        const v4 = SERVER_PLUGINS.test(id);
        const at = { file: e.value.file, range: e.keyRange };
        if (mode === '1.x') {
          if (v3 || v4) {
            ctx.report({ ...at, severity: 'error', message: `[plugins."${id}"] is a containerd 2.x plugin: ${t} has no plugin with this ID and silently ignores every setting in this table; in a ${declared} file write these settings in [plugins."${CRI_IDS.grpc}"]` });
          } else if (pluginLookupVersion(model, f, mode) === 1 && id.includes('.')) {
            ctx.report({ ...at, severity: 'error', message: `[plugins."${id}"] is a plugin URI in a file with ${declared}: ${t} looks plugins up by short ID in version 1 and silently ignores this table; add version = 2 at the top of the file` });
          }
          continue;
        }
        if (id === CRI_IDS.grpc && f.version <= 1 && e.value.kind === 'map' && e.value.entries.some((x) => !SERVER_KEYS.has(x.key))) {
          ctx.report({
            ...at,
            message: v1CriSettingsMigrated(ctx.target.containerd)
              ? `[plugins."${id}"] is a config version 2 table in a file with ${declared}: ${t} migrates it, but only because it converts the whole file on every start; add version = 2 at the top of the file`
              : `[plugins."${id}"] is a config version 2 table in a file with ${declared}: ${t} converts a version 1 file straight to version 3 and probably does not migrate this table's CRI settings (they would be ignored); add version = 2 at the top of the file`,
          });
        } else if (v3) {
          ctx.report({ ...at, message: `[plugins."${id}"] is a config version 3 table in a file with ${declared}: ${t} reads it only because it merges it with the migrated version 2 settings, and a later file of another version changes how they combine; declare version = 3 and move the version 2 CRI settings into the version 3 tables` });
        } else if (v4) {
          ctx.report({
            ...at,
            severity: has23 ? 'warning' : 'error',
            message: has23
              ? `[plugins."${id}"] is a config version 4 table in a file with ${declared}: ${t} migrates the file's top-level [grpc]/[ttrpc]/[debug]/[metrics] into this plugin on every start; declare version = 4`
              : `[plugins."${id}"] exists only from containerd 2.3 (config version 4): ${t} has no plugin with this ID and silently ignores this table; use the top-level [grpc], [ttrpc], [debug] or [metrics] section`,
          });
        }
      }
    }
  },
});
