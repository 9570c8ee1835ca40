/**
 * kubelet-flag-overrides-config: a kubelet flag (kubeadm-flags.env, /etc/default/kubelet) that sets
 * a KubeletConfiguration field which the config file (with its drop-ins) also sets, to a different
 * value. The kubelet re-parses its command line over the loaded file, so the flag wins
 * (KK cmd/kubelet/app/server.go `kubeletConfigFlagPrecedence`; model/kubelet.ts); the file's value
 * is dead text that misleads whoever reads it. `--feature-gates` is merged gate by gate, so only
 * the gates set both ways count; the other map flags replace the field's whole map.
 * Values are compared as the kubelet parses them (pflag types: KUBELET_FLAG_FIELDS; Go durations;
 * endpoints by the socket they name). An empty value of a non-pointer field counts as unset (the
 * kubelet defaults it: kubeadm writes `containerRuntimeEndpoint: ""` next to the flag).
 * No fix: which of the two values is intended is the user's call.
 */
import { kubeletFieldKnown } from '../data/kubelet-fields.js';
import { defineRule } from '../engine/rule.js';
import { flagValue, KUBELET_DEFAULTS, KUBELET_FLAG_FIELDS, type FlagType } from '../model/kubelet.js';
import { getPath, toJS, type VNode } from '../model/tree.js';
import type { FlagToken } from '../parse/flags.js';
import { parseGoDuration } from '../schema/kubelet.js';
import { sameSocket } from './shared/endpoints.js';
import { kubeletVersion } from './shared/kubelet-settings.js';

const ENDPOINT_FIELDS = ['containerRuntimeEndpoint', 'imageServiceEndpoint'];

function isZeroish(x: unknown): boolean {
  return x === null || x === '' || x === 0 || x === false || (typeof x === 'string' && parseGoDuration(x) === 0);
}

function same(type: FlagType, field: string, a: unknown, b: unknown): boolean {
  if (type === 'duration' && typeof a === 'string' && typeof b === 'string') {
    const x = parseGoDuration(a);
    const y = parseGoDuration(b);
    return x !== null && x === y;
  }
  if (ENDPOINT_FIELDS.includes(field) && typeof a === 'string' && typeof b === 'string') return a === b || sameSocket(a, b);
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Objects with sorted keys, so that map flags compare by content. */
function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  return x;
}

/** The value as written in the config file, short. */
function shown(n: VNode): string {
  if (n.kind === 'scalar') return n.raw === '' ? '""' : n.raw;
  return JSON.stringify(toJS(n));
}

export default defineRule({
  meta: {
    id: 'kubelet-flag-overrides-config',
    description: 'A kubelet flag that overrides a different value of the same setting in the kubelet config file',
    severity: 'info',
    files: ['kubelet', 'kubelet-flags', 'systemd-unit'],
  },
  check(ctx) {
    const model = ctx.node.kubelet;
    if (!model?.flags || !model.merged) return;
    const k8s = kubeletVersion(ctx.target);
    // The winning occurrence of each flag, in command-line order.
    const winners = new Map<string, FlagToken>();
    for (const f of model.flags.args.flags) winners.set(f.name, f);
    for (const f of winners.values()) {
      const info = Object.hasOwn(KUBELET_FLAG_FIELDS, f.name) ? KUBELET_FLAG_FIELDS[f.name] : undefined;
      if (!info?.field || f.missingValue) continue;
      const path = info.field.split('.');
      if (kubeletFieldKnown(k8s, path[0]!) === false) continue; // the kubelet drops the field: unknown-key
      const node = getPath(model.merged, path);
      if (!node) continue;
      const configValue = toJS(node);
      if (configValue === null || (KUBELET_DEFAULTS[info.field]?.zero && isZeroish(configValue))) continue;
      const parsed = flagValue(info.type, f.value);
      if (!parsed.ok) continue; // invalid-value
      let differs: string[] | null = null;
      if (info.type === 'mapBool') {
        // --feature-gates merges over featureGates: only gates set both ways, to different values.
        const mine = parsed.value as Record<string, unknown>;
        const theirs = configValue && typeof configValue === 'object' ? (configValue as Record<string, unknown>) : {};
        differs = Object.keys(mine).filter((g) => g in theirs && theirs[g] !== mine[g]);
        if (!differs.length) continue;
      } else if (same(info.type, info.field, parsed.value, configValue)) continue;
      const target = differs ? (getPath(model.merged, [...path, differs[0]!]) ?? node) : node;
      const where = `${target.file.display}:${target.range.start.line}`;
      const written = `${f.written}${f.value !== null ? `=${f.value}` : ''}`;
      const message = differs
        ? `${written} overrides ${differs.map((g) => `${g}: ${String((configValue as Record<string, unknown>)[g])}`).join(', ')} in featureGates (${where}): the kubelet merges the flag's gates over the file's, so the file's value of ${differs.length > 1 ? 'these gates is' : 'this gate is'} ignored; keep each gate in one place`
        : `${written} overrides ${info.field}: ${shown(node)} (${where}): the kubelet applies its flags over the config file, so the file's value is ignored; ` +
          `keep the setting in one place, preferably the config file (the kubelet's help for such flags: "This parameter should be set via the config file specified by the Kubelet's --config flag")`;
      ctx.report({
        file: f.file,
        range: f.range,
        message,
        related: [{ file: target.file, range: target.range, message: `${differs ? `featureGates.${differs[0]}` : info.field}, overridden by ${f.written}` }],
      });
    }
  },
});
