/**
 * dropin-version-above-root: an imported file declares a higher config `version` than the main
 * file.
 *
 * - containerd 2.3 migrates each file on its own and refuses a drop-in above the root:
 *   `drop-in config version %d higher than root config version %d` (LoadConfigWithPlugins, commit
 *   0d7fee062, cmd/containerd/server/config/config.go @ v2.3.4; reference containerd.md §1.4) —
 *   containerd does not start.
 * - 2.0–2.2 merge first: the merged `version` is the last non-zero one, so a version 3 drop-in
 *   loaded after a version 2 main file switches the plugin migration off and the main file's
 *   version 2 CRI settings (`[plugins."io.containerd.grpc.v1.cri"]` with containerd/cni/registry/…)
 *   are ignored (§1.3, "may currently break or cause inconsistent results"). With such settings
 *   below the winning version: error; otherwise a warning that 2.3 will refuse the set.
 * - 1.x merges too and validates the merged version (config-version-unsupported reports a version
 *   it does not read); not reported here.
 */
import { atLeastLoose, clampContainerd } from '../data/lookup.js';
import { V2_TO_V3_CRI_KEYS } from '../data/containerd-keys.js';
import { defineRule } from '../engine/rule.js';
import { CRI_IDS } from '../model/containerd.js';
import { getPath } from '../model/tree.js';
import { modeOf, targetText } from './shared/containerd.js';

const SERVER_KEYS = new Set(V2_TO_V3_CRI_KEYS.filter((r) => r.part === 'server').map((r) => r.from[0]!));

export default defineRule({
  meta: {
    id: 'dropin-version-above-root',
    description: 'A containerd drop-in declares a higher config version than the main config: containerd 2.3 refuses to start, 2.0–2.2 may skip migrating the main file',
    severity: 'error',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model || modeOf(ctx.target) !== '2.x') return;
    const main = model.main;
    const is23 = atLeastLoose(clampContainerd(ctx.target.containerd).version, '2.3.0');
    const t = targetText(ctx.target);
    const related = main.versionNode
      ? [{ file: main.source, range: main.versionNode.range, message: `the main config declares version ${main.version}` }]
      : [{ file: main.source, range: null, message: 'the main config has no version (version 1)' }];
    // 2.0–2.2: the merged version is the last non-zero `version` in load order.
    let merged = 0;
    for (const f of model.configFiles) if (f.versionNode && f.version > 0) merged = f.version;
    const v2Settings = model.configFiles.some((f) => {
      if (!f.root || f.version > 2) return false;
      const g = getPath(f.root, ['plugins', f.version <= 1 ? 'cri' : CRI_IDS.grpc]);
      return !!g && g.kind === 'map' && g.entries.some((e) => !SERVER_KEYS.has(e.key));
    });
    for (const f of model.configFiles) {
      if (f === main || !f.versionNode || f.version <= main.version) continue;
      if (is23) {
        ctx.report({
          file: f.source,
          range: f.versionNode.range,
          message: `${t} refuses a drop-in above the root and does not start: \`drop-in config version ${f.version} higher than root config version ${main.version}\`; give this file version ${main.version} or raise the main config's version`,
          related,
        });
        continue;
      }
      const winsMigration = merged >= 3 && merged === f.version;
      ctx.report({
        file: f.source,
        range: f.versionNode.range,
        severity: winsMigration && v2Settings ? 'error' : 'warning',
        message:
          winsMigration && v2Settings
            ? `${t} merges the files first and takes the last version, ${merged}: the version 2 CRI settings of the lower-version files are then not migrated and are ignored; give every file the same version (containerd 2.3 refuses a drop-in above the root)`
            : `the files declare different config versions; ${t} merges them under the last one, and containerd 2.3 refuses to start with \`drop-in config version ${f.version} higher than root config version ${main.version}\`; give every file the same version`,
        related,
      });
    }
  },
});
