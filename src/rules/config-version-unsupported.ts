/**
 * config-version-unsupported: a config `version` newer than the target containerd reads
 * (data: maxConfigVersion / configVersionVerdict). 1.6.32+/1.7.17+ and every 2.x refuse it and
 * do not start; 1.6.0–1.6.31 and 1.7.0–1.7.16 do not check, read the file with version-2 rules and
 * silently ignore its `io.containerd.cri.v1.*` tables (no such plugins before 2.0).
 *
 * Which `version` counts: 1.x validates the merged configuration, whose version is the last
 * non-zero `version` of the files in load order (mergo override, services/server/config/config.go
 * @ v1.7.34), so the winning assignment is reported; 2.x checks each file as it loads it
 * (ValidateVersion in loadConfigFile, cmd/containerd/server/config/config.go @ v2.2.7), so every
 * file is. Loose files given on their own are checked like a main file.
 */
import type { Severity } from '../core/types.js';
import { CONFIG_VERSION_MIN_CONTAINERD, configVersionVerdict, maxConfigVersion, type ConfigVersion } from '../data/containerd.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { mergedView, type ContainerdFile } from '../model/containerd.js';
import { get, type ScalarNode } from '../model/tree.js';
import { modeOf, targetText } from './shared/containerd.js';

const V3_IDS = /^io\.containerd\.(cri\.v1\.|server\.v1\.|metrics\.v1\.grpc-prometheus)/;

export default defineRule({
  meta: {
    id: 'config-version-unsupported',
    description: 'A containerd config version newer than the target containerd reads: it refuses to start, or (older 1.6/1.7) ignores the CRI settings',
    severity: 'error',
    files: ['containerd'],
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    const max = maxConfigVersion(ctx.target.containerd).max;
    if (modeOf(ctx.target) === '1.x') {
      const v = get(mergedView(model, '1.x').root, 'version');
      if (v && v.kind === 'scalar') check(ctx, v, max, [...model.configFiles]);
      for (const f of model.extra) if (f.versionNode) check(ctx, f.versionNode, max, [f]);
      return;
    }
    for (const f of [...model.configFiles, ...model.extra]) if (f.versionNode) check(ctx, f.versionNode, max, [f]);
  },
});

function check(ctx: RuleContext, node: ScalarNode, max: number, files: ContainerdFile[]): void {
  if (node.type !== 'integer' || typeof node.value !== 'number' || node.value <= max) return;
  const declared = node.value;
  const verdict = configVersionVerdict(ctx.target.containerd, declared);
  const need = CONFIG_VERSION_MIN_CONTAINERD[Math.min(declared, 4) as ConfigVersion];
  const t = targetText(ctx.target);
  const upgrade = declared <= 4 ? `, or upgrade containerd to ${need} or later` : '';
  if (verdict.effect === 'fatal') {
    ctx.report({
      file: node.file,
      range: node.range,
      message: `${t} refuses config version ${declared} and does not start ("${verdict.message}"); write the file for version ${max}${upgrade}`,
    });
    return;
  }
  // Not enforced (1.6.0–1.6.31, 1.7.0–1.7.16): version-2 rules, v3 plugin tables ignored.
  const ignored = files.flatMap((f) => {
    const plugins = f.root ? get(f.root, 'plugins') : undefined;
    return plugins && plugins.kind === 'map' ? plugins.entries.filter((e) => V3_IDS.test(e.key)).map((e) => e.key) : [];
  });
  const severity: Severity = ignored.length ? 'error' : 'warning';
  const what = ignored.length
    ? `silently ignores [plugins."${[...new Set(ignored)].join('"], [plugins."')}"] (containerd 1.x has no such plugins), so those settings fall back to the defaults`
    : 'reads it with version 2 rules; 1.6.32+ and 1.7.17+ refuse it and do not start';
  ctx.report({
    file: node.file,
    range: node.range,
    severity,
    message: `${t} does not check the config version: a version ${declared} file passes, and containerd ${what}; write the file for version ${max}${upgrade}`,
  });
}
