/**
 * plugin-id-not-uri: a short plugin ID (`cri`, `restart`) where config version 2 and later need
 * the plugin's URI (`io.containerd.grpc.v1.cri`).
 *
 * - 1.x validates the merged configuration when its version is 2 or more (ValidateV2,
 *   services/server/config/config.go): every disabled_plugins and required_plugins entry and
 *   every `[plugins]` key must be a URI — 1.6: at least four dot-separated parts; 1.7: also the
 *   `io.containerd.` prefix — else `invalid disabled plugin URI "cri" expect io.containerd.x.vx`
 *   (`invalid required plugin URI …`, `invalid plugin key URI …`) and containerd does not start
 *   (reference containerd.md §1.2; checked against containerd 1.6.20 `config dump`).
 * - 2.x checks each file of version 2 or more on its own: disabled_plugins/required_plugins
 *   entries must contain a dot (same message, fatal); `[plugins]` keys are no longer validated, so
 *   a short key names no plugin and its settings are silently ignored (§1.3).
 * Fix (safe: the configuration does not load, or the table does nothing, so there is no running
 * behaviour to change): the URI containerd 2.x itself gives the short ID (data v1PluginUri);
 * ambiguous IDs (containerd guesses `io.containerd.grpc.v1.<id>` with a warning) get no fix.
 */
import type { Fix } from '../core/types.js';
import { v1PluginUri } from '../data/containerd.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { makeFix, toml, tryFix } from '../fix/index.js';
import { pluginLookupVersion } from '../model/containerd.js';
import { get, type MapEntry, type ScalarNode } from '../model/tree.js';
import { allFiles, modeOf, targetText } from './shared/containerd.js';

export default defineRule({
  meta: {
    id: 'plugin-id-not-uri',
    description: 'A short plugin ID (cri) in a containerd config of version 2 or later, where containerd expects the plugin URI and refuses to start or ignores the table',
    severity: 'error',
    files: ['containerd'],
    fixable: 'safe',
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model) return;
    const mode = modeOf(ctx.target);
    for (const f of allFiles(model)) {
      if (!f.root) continue;
      // 1.x: the merged version decides for every file; 2.x: each file's own version.
      const version = pluginLookupVersion(model, f, mode);
      if (version < 2) continue;
      for (const list of ['disabled_plugins', 'required_plugins'] as const) {
        const arr = get(f.root, list);
        if (!arr || arr.kind !== 'array') continue;
        for (const item of arr.items) {
          if (item.kind !== 'scalar' || typeof item.value !== 'string' || isUri(ctx, item.value)) continue;
          listFinding(ctx, list, item, version);
        }
      }
      const plugins = get(f.root, 'plugins');
      if (!plugins || plugins.kind !== 'map') continue;
      for (const e of plugins.entries) {
        if (isUri(ctx, e.key)) continue;
        keyFinding(ctx, e, version);
      }
    }
  },
});

/** containerd's URI check for the target (see the module comment). */
function isUri(ctx: RuleContext, id: string): boolean {
  if (modeOf(ctx.target) === '2.x') return id.includes('.');
  const parts = id.split('.').length >= 4;
  if (ctx.target.containerd.minor === 6 && ctx.target.containerd.major === 1) return parts;
  return parts && id.startsWith('io.containerd.');
}

function uriFor(id: string): string | null {
  if (id.includes('.')) return null;
  const u = v1PluginUri(id);
  return u.ambiguous ? null : u.uri;
}


function listFinding(ctx: RuleContext, list: 'disabled_plugins' | 'required_plugins', item: ScalarNode, version: number): void {
  const id = item.value as string;
  const kind = list === 'disabled_plugins' ? 'disabled' : 'required';
  const uri = uriFor(id);
  const fix = uri ? tryFix(() => makeFix('safe', `write "${uri}" instead of "${id}"`, toml.setValue(item, uri))) : undefined;
  ctx.report({
    file: item.file,
    range: item.range,
    message: `${list} entry "${id}" is not a plugin URI: in a version ${version} config ${targetText(ctx.target)} fails to start with \`invalid ${kind} plugin URI "${id}" expect io.containerd.x.vx\`; ${uri ? `write "${uri}"` : 'write the plugin\'s full URI (io.containerd.<type>.<version>.<id>)'}`,
    ...(fix ? { fix } : {}),
  });
}

function keyFinding(ctx: RuleContext, e: MapEntry, version: number): void {
  const id = e.key;
  const uri = uriFor(id);
  const fix = uri ? tryFix(() => makeFix('safe', `rename [plugins.${id}] to [plugins."${uri}"]`, toml.setKey(e.value, uri))) : undefined;
  const effect =
    modeOf(ctx.target) === '1.x'
      ? `${targetText(ctx.target)} fails to start with \`invalid plugin key URI "${id}" expect io.containerd.x.vx\``
      : `${targetText(ctx.target)} finds no plugin with the ID "${id}" and silently ignores every setting in this table`;
  ctx.report({
    file: e.value.file,
    range: e.keyRange,
    message: `[plugins.${id}] uses the short plugin ID of config version 1: in a version ${version} config ${effect}; ${uri ? `name it [plugins."${uri}"]` : "name it by the plugin's full URI (io.containerd.<type>.<version>.<id>)"}`,
    ...(fix ? { fix } : {}),
  });
}
