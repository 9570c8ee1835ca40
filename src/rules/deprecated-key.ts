/**
 * deprecated-key: a containerd key or value the target release still reads but has deprecated,
 * with the announced removal (src/data containerd-keys: registry mirrors/configs/auths, the OTLP
 * tracing keys, cni.bin_dir from 2.1, enable_cdi from 2.2, runc TaskApiAddress/Version from 2.3,
 * and on 1.x the keys removed in 2.0; runtime types runc.v1/runtime.v1.linux and aufs on 1.x).
 * Like containerd's own deprecation warnings, a zero value (`bin_dir = ''`, the empty
 * `registry.mirrors` tables of `config default` dumps) is not reported; `enable_cdi` only when
 * false (2.3 warns only then; true is the default).
 *
 * Also here, because it is what the deprecation of `cni.bin_dir` leads to on 2.1+: `bin_dir` next
 * to a non-default `bin_dirs` — the CRI runtime plugin fails to load with
 * "`cni.bin_dir` and `cni.bin_dirs` cannot be set at the same time" (an error).
 *
 * Fix: `cni.bin_dir = X` → `bin_dirs = [X]` in a version 3/4 file on 2.1+ (data: exact,
 * wrap-in-array) is **safe** when `bin_dirs` is unset or the default: 2.1+ does exactly that
 * conversion itself. `runtime_type` io.containerd.runc.v1 → runc.v2 on 1.x is **unsafe** (the
 * running node switches shim).
 */
import type { Fix } from '../core/types.js';
import { CONTAINERD_DEFAULTS } from '../data/containerd-defaults.js';
import { atLeastLoose, clampContainerd } from '../data/lookup.js';
import { defineRule, type RuleContext, type Target } from '../engine/rule.js';
import { makeFix, toml, tryFix } from '../fix/index.js';
import type { NodeSet } from '../model/nodeset.js';
import { get, getPath, toJS, type ArrayNode } from '../model/tree.js';
import { changeSites, sinceText, type ChangeSite } from './shared/containerd-changes.js';
import { isZeroValue, keyInTable, siteId, targetText } from './shared/containerd.js';
import { systemdCgroupSites } from './systemd-cgroup-misplaced.js';

function deprecated(node: NodeSet, target: Target): ChangeSite[] {
  return changeSites(node, target, systemdCgroupSites(node, target)).filter((s) => {
    if (s.status !== 'deprecated') return false;
    if (s.kind === 'value') return true;
    const v = s.entry.value;
    if (s.verdict.change?.id === 'cri-enable-cdi') return v.kind === 'scalar' && v.value === false;
    return !isZeroValue(v);
  });
}

/** Sites this rule reports (unknown-key leaves them to it). */
export function deprecatedKeySites(node: NodeSet, target: Target): Set<string> {
  return new Set(deprecated(node, target).map((s) => siteId(s.file, s.entry.keyRange)));
}

export default defineRule({
  meta: {
    id: 'deprecated-key',
    description: 'A containerd config key or value that the target containerd deprecates, with the release that removes it',
    severity: 'warning',
    files: ['containerd'],
    fixable: 'safe',
  },
  check(ctx) {
    for (const s of deprecated(ctx.node, ctx.target)) {
      if (s.kind === 'key') reportKey(ctx, s);
      else reportValue(ctx, s);
    }
  },
});


function opt(fix: Fix | undefined): { fix?: Fix } {
  return fix ? { fix } : {};
}

const DEFAULT_BIN_DIRS = JSON.stringify(CONTAINERD_DEFAULTS.cniBinDirs?.history.at(-1)?.value ?? ['/opt/cni/bin']);

function reportKey(ctx: RuleContext, s: Extract<ChangeSite, { kind: 'key' }>): void {
  const { verdict, entry, file, path } = s;
  const change = verdict.change!;
  const t = targetText(ctx.target);
  const at = { file: file.source, range: entry.keyRange };
  const removal = verdict.removalTarget ? `containerd ${verdict.removalTarget} removes it` : change.removedIn ? `containerd ${change.removedIn.replace(/\.0$/, '')} removes it` : 'a later containerd removes it';
  const warn = change.warning ? ` (${t} logs the deprecation warning ${change.warning})` : '';
  let hint = verdict.replacement?.note ?? change.effect ?? '';
  let fix: Fix | undefined;

  if (change.id === 'cri-cni-bin-dir' && entry.value.kind === 'scalar' && typeof entry.value.value === 'string') {
    const table = getPath(file.root!, path.slice(0, -1));
    const cni = table && table.kind === 'map' ? table : undefined;
    const binDirs = cni ? get(cni, 'bin_dirs') : undefined;
    const is21 = atLeastLoose(clampContainerd(ctx.target.containerd).version, '2.1.0');
    if (binDirs && binDirs.kind === 'array' && JSON.stringify(toJS(binDirs)) !== DEFAULT_BIN_DIRS && is21) {
      ctx.report({
        ...at,
        severity: 'error',
        message: `cni.bin_dir is set next to a non-default cni.bin_dirs: ${t} fails to load the CRI runtime plugin ("\`cni.bin_dir\` and \`cni.bin_dirs\` cannot be set at the same time"), so the kubelet finds no CRI service; keep only bin_dirs`,
        related: [{ file: binDirs.file, range: binDirs.range, message: 'bin_dirs is set here' }],
      });
      return;
    }
    const rep = verdict.replacement;
    if (rep?.exact && rep.transform === 'wrap-in-array' && rep.configVersion === file.version && cni) {
      const dir = entry.value.value;
      hint = `write bin_dirs = ["${dir}"] instead (what ${t} turns it into)`;
      fix = tryFix(() =>
        binDirs
          ? makeFix('safe', `replace bin_dir with bin_dirs = ["${dir}"]`, toml.removeEntry(entry.value), toml.setValue(binDirs as ArrayNode, [dir]))
          : makeFix('safe', `replace bin_dir with bin_dirs = ["${dir}"]`, toml.setKey(entry.value, 'bin_dirs'), toml.setValue(entry.value, [dir])),
      );
    }
  }
  const since = sinceText(change.deprecatedIn, ctx.target);
  ctx.report({
    ...at,
    message: `${keyInTable(path)} is deprecated${since ? ` since containerd ${since}` : ''} and ${removal}${warn}${hint ? `; ${hint}` : ''}`,
    ...opt(fix),
  });
}

function reportValue(ctx: RuleContext, s: Extract<ChangeSite, { kind: 'value' }>): void {
  const { change, entry, file } = s;
  const t = targetText(ctx.target);
  const warn = change.warning ? ` (${t} logs the deprecation warning ${change.warning})` : '';
  ctx.report({
    file: file.source,
    range: entry.value.range,
    message: `${change.key} "${change.value}" is deprecated since containerd ${change.deprecatedIn.replace(/\.0$/, '')} and containerd ${change.removedIn.replace(/\.0$/, '')} removes it${warn}; use "${change.replacement}"`,
    ...opt(tryFix(() => makeFix('unsafe', `use ${change.key} "${change.replacement}"`, toml.setValue(entry.value, change.replacement)))),
  });
}
