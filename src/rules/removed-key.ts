/**
 * removed-key: a containerd key (or a runtime_type / snapshotter value) that the target release
 * no longer has. Facts: src/data containerd-keys (`containerdKeyStatus`, `containerdValueStatus`:
 * the CRI keys removed in 2.0 — systemd_cgroup, disable_cgroup, no_pivot, default_runtime,
 * untrusted_workload_runtime, runtime_engine, runtime_root, CriuPath, registry.configs.*.tls,
 * sandbox_image/sandbox_mode in a version 3/4 file —, plugin_dir from 2.1, the runtime types
 * io.containerd.runc.v1 and io.containerd.runtime.v1.linux and the aufs snapshotter from 2.0).
 * A removed key is dropped ("Ignoring unknown key in TOML", or silently inside runc options), so
 * the setting has no effect: an error. Its zero value (`no_pivot = false`, the empty
 * `default_runtime` tables of 1.x `config default` dumps) changes nothing: a warning, and removing
 * it is a **safe** fix.
 *
 * Other fixes: an exact replacement (data `replacement.exact`: sandbox_image → pinned_images.sandbox,
 * sandbox_mode → sandboxer in a version 3/4 file) is **unsafe** — the value starts to take
 * effect. `runtime_type = "io.containerd.runc.v1"` → `io.containerd.runc.v2` on 2.x is **safe**:
 * 2.x has no runc v1 shim, so that runtime cannot run anything today, and both shims take the same
 * runc options. `io.containerd.runtime.v1.linux` → runc.v2 (different options) and aufs →
 * overlayfs (existing image layers stay in aufs) are **unsafe**.
 */
import type { Fix } from '../core/types.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { makeFix, toml, tryFix } from '../fix/index.js';
import type { TomlValue } from '../fix/toml.js';
import type { NodeSet } from '../model/nodeset.js';
import { getPath, toJS } from '../model/tree.js';
import type { Target } from '../engine/rule.js';
import { changeSites, type ChangeSite } from './shared/containerd-changes.js';
import { fmtTable, isDefaultAt, isZeroValue, keyInTable, modeOf, removeSubtree, siteId, targetText } from './shared/containerd.js';
import { systemdCgroupSites } from './systemd-cgroup-misplaced.js';

/** Sites this rule reports (unknown-key leaves them to it). */
export function removedKeySites(node: NodeSet, target: Target): Set<string> {
  return new Set(removed(node, target).map((s) => siteId(s.file, s.entry.keyRange)));
}

function removed(node: NodeSet, target: Target): ChangeSite[] {
  return changeSites(node, target, systemdCgroupSites(node, target)).filter((s) => s.status === 'removed');
}

export default defineRule({
  meta: {
    id: 'removed-key',
    description: 'A containerd config key or value that the target containerd no longer has, so the setting is ignored or the runtime cannot start',
    severity: 'error',
    files: ['containerd'],
    fixable: 'safe',
  },
  check(ctx) {
    for (const s of removed(ctx.node, ctx.target)) {
      if (s.kind === 'key') reportKey(ctx, s);
      else reportValue(ctx, s);
    }
  },
});


function reportKey(ctx: RuleContext, s: Extract<ChangeSite, { kind: 'key' }>): void {
  const { verdict, entry, file, path } = s;
  const change = verdict.change!;
  const t = targetText(ctx.target);
  const what = keyInTable(path);
  const since = (change.removedIn ?? '').replace(/\.0$/, '');
  const inOptions = path.includes('options');
  const logLine = path[0] === 'plugins' ? 'Ignoring unknown key in TOML for plugin' : 'Ignoring unknown key in TOML';
  const ignored = inOptions ? 'silently ignores it (unknown runc options are dropped)' : modeOf(ctx.target) === '2.x' ? `ignores it ("${logLine}")` : 'ignores it';
  const at = { file: file.source, range: entry.keyRange };
  if (isZeroValue(entry.value)) {
    ctx.report({
      ...at,
      severity: 'warning',
      message: `${what} was removed in containerd ${since}: ${t} ${ignored}; its value is the default anyway, so remove it`,
      ...opt(tryFix(() => makeFix('safe', `remove ${path[path.length - 1]}`, removeSubtree(entry.value)))),
    });
    return;
  }
  const rep = verdict.replacement;
  let hint = rep?.note ?? '';
  let fix: Fix | undefined;
  if (rep && rep.exact && rep.configVersion === s.file.version) {
    const to = rep.path;
    hint = `write it as ${keyInTable(to)}`;
    if (file.root && getPath(file.root, to) === undefined) {
      const sameTable = JSON.stringify(to.slice(0, -1)) === JSON.stringify(path.slice(0, -1));
      // The value takes effect once moved: unsafe, unless it is the default that applies now.
      const safety = isDefaultAt(ctx.target, rep.configVersion, to, entry.value) ? 'safe' : 'unsafe';
      fix = tryFix(() =>
        sameTable
          ? makeFix(safety, `rename ${path[path.length - 1]} to ${to[to.length - 1]}`, toml.setKey(entry.value, to[to.length - 1]!))
          : makeFix(safety, `move ${path[path.length - 1]} to [${fmtTable(to.slice(0, -1))}]`, toml.removeEntry(entry.value), toml.ensureTable(file.root!, to.slice(0, -1), { [to[to.length - 1]!]: toJS(entry.value) as TomlValue })),
      );
    }
  } else if (rep && rep.exact) {
    hint = `config version ${rep.configVersion} has it as ${keyInTable(rep.path)}`;
  } else if (change.effect && !hint) hint = change.effect.replace(/^2\.x: /, '');
  ctx.report({
    ...at,
    message: `${what} was removed in containerd ${since}: ${t} ${ignored}, so this setting has no effect${hint ? `; ${hint}` : ''}`,
    ...opt(fix),
  });
}

function reportValue(ctx: RuleContext, s: Extract<ChangeSite, { kind: 'value' }>): void {
  const { change, entry, file, path } = s;
  const t = targetText(ctx.target);
  const since = change.removedIn.replace(/\.0$/, '');
  const runtime = path[path.length - 2];
  const consequence =
    change.key === 'runtime_type'
      ? `${t} has no such runtime shim, so pods of runtime "${runtime}" fail to start`
      : `${t} has no ${change.value} snapshotter, so images cannot be unpacked`;
  // runc.v1 → runc.v2: same runc options, and the v1 shim does not exist on the target (safe).
  const safety = change.value === 'io.containerd.runc.v1' ? 'safe' : 'unsafe';
  ctx.report({
    file: file.source,
    range: entry.value.range,
    message: `${change.key} "${change.value}" was removed in containerd ${since}: ${consequence}; use "${change.replacement}"`,
    ...opt(tryFix(() => makeFix(safety, `use ${change.key} "${change.replacement}"`, toml.setValue(entry.value, change.replacement)))),
  });
}

function opt(fix: Fix | undefined): { fix?: Fix } {
  return fix ? { fix } : {};
}
