/**
 * server-section-inert: top-level `[grpc]`, `[ttrpc]`, `[metrics]` and `[debug] address/uid/gid`
 * in a file that declares version 4 (containerd 2.3). 2.3 moved these into server plugins
 * (`io.containerd.server.v1.grpc`, `…grpc-tcp`, `…ttrpc`, `…debug`, `…metrics`,
 * `io.containerd.metrics.v1.grpc-prometheus`); only its v3→v4 migration (serviceMigrate) reads the
 * old fields, and it runs for files of version ≤ 3 only. In a version 4 file they are inert, with
 * no warning, because the struct fields still exist (data V3_TO_V4_MOVES; reference containerd.md
 * §1.4 — an inference from code search, marked uncertain in the data). kubespray renders such
 * files.
 *
 * A value equal to what applies anyway (the zero value, or the data default such as the 16 MiB
 * message size) loses nothing and is not reported. The fix moves the key to its server plugin; it
 * is **unsafe** because the value then takes effect (a new socket address, a metrics listener).
 */
import type { FileChange } from '../core/types.js';
import { CONTAINERD_DEFAULTS } from '../data/containerd-defaults.js';
import { V3_TO_V4_MOVES } from '../data/containerd-keys.js';
import { atLeastLoose, clampContainerd, fmtKeyPath } from '../data/lookup.js';
import { defineRule } from '../engine/rule.js';
import { FixBuildError, makeFix, toml } from '../fix/index.js';
import type { TomlValue } from '../fix/toml.js';
import { entry, get, getPath, toJS, type MapNode, type VNode } from '../model/tree.js';
import { allFiles, hasHeader, isZeroValue, sameValue, targetText } from './shared/containerd.js';

/** The data default a moved key would get anyway, by its old path. */
function defaultFor(from: readonly string[]): unknown {
  for (const d of Object.values(CONTAINERD_DEFAULTS)) {
    const p = d.paths[3];
    if (p && p.length === from.length && p.every((s, i) => s === from[i])) return d.history[d.history.length - 1]?.value;
  }
  // max_send_message_size has the same default as max_recv_message_size (defaults.DefaultMaxSendMsgSize).
  if (from[0] === 'grpc' && from[1] === 'max_send_message_size') return CONTAINERD_DEFAULTS.grpcMaxMessageSize?.history[0]?.value;
  return undefined;
}

function harmless(n: VNode, from: readonly string[]): boolean {
  if (isZeroValue(n)) return true;
  const d = defaultFor(from);
  return d !== undefined && JSON.stringify(toJS(n)) === JSON.stringify(d);
}

export default defineRule({
  meta: {
    id: 'server-section-inert',
    description: 'Top-level [grpc], [ttrpc], [metrics] or [debug] address settings in a version 4 containerd config, which containerd 2.3 never reads',
    severity: 'warning',
    files: ['containerd'],
    fixable: 'unsafe',
  },
  check(ctx) {
    const model = ctx.node.containerd;
    if (!model || !atLeastLoose(clampContainerd(ctx.target.containerd).version, '2.3.0')) return;
    for (const file of allFiles(model)) {
      if (!file.root || file.version !== 4) continue;
      const root = file.root;
      for (const m of V3_TO_V4_MOVES) {
        const section = get(root, m.from[0]!);
        const e = section && section.kind === 'map' ? entry(section, m.from[1]!) : undefined;
        if (!e || e.value.kind === 'map' || harmless(e.value, m.from)) continue;
        const to = [...m.to];
        const target = `${fmtKeyPath([to[to.length - 1]!])} in [${fmtKeyPath(to.slice(0, -1))}]`;
        let fix;
        const there = getPath(root, to);
        if (there !== undefined) {
          // Already set in the plugin: the top-level copy is dead text.
          const same = sameValue(there, e.value);
          if (same) {
            try {
              const s = section as MapNode;
              fix = makeFix('safe', `remove [${m.from[0]}] ${m.from[1]}: ${target} already has the same value`, s.entries.length === 1 && !s.implicit ? toml.removeTable(s) : toml.removeEntry(e.value));
            } catch (err) {
              if (!(err instanceof FixBuildError)) throw err;
            }
          }
          ctx.report({
            file: file.source,
            range: e.keyRange,
            message: `[${m.from[0]}] ${m.from[1]} is not read in a version 4 config: ${targetText(ctx.target)} takes ${target}${same ? ', which has the same value; remove this copy' : `, which is set to ${JSON.stringify(toJS(there))} and wins; remove this copy or move its value there`}`,
            ...(fix ? { fix } : {}),
          });
          continue;
        }
        try {
          const s = section as MapNode;
          const key = to[to.length - 1]!;
          const changes: FileChange[] =
            s.entries.length === 1 && hasHeader(s) && getPath(root, to.slice(0, -1)) === undefined
              ? // The section holds only this key: its header becomes the plugin's, in place.
                [toml.renameTablePath(s, to.slice(0, -1)), ...(key !== e.key ? [toml.setKey(e.value, key)] : [])]
              : [toml.removeEntry(e.value), toml.ensureTable(root, to.slice(0, -1), { [key]: toJS(e.value) as TomlValue })];
          fix = makeFix('unsafe', `move [${m.from[0]}] ${m.from[1]} to ${target}`, changes);
        } catch (err) {
          if (!(err instanceof FixBuildError)) throw err;
        }
        ctx.report({
          file: file.source,
          range: e.keyRange,
          message: `[${m.from[0]}] ${m.from[1]} is not read in a version 4 config: ${targetText(ctx.target)} takes it from ${target} and this value is silently ignored (only files of version 3 or lower are migrated); move it there`,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});
