/**
 * protect-kernel-defaults-sysctl: with `protectKernelDefaults: true` (or
 * `--protect-kernel-defaults`) the kubelet does not set the kernel tunables it needs
 * (PROTECT_KERNEL_DEFAULTS_SYSCTLS) but checks them at start-up and refuses to start on any
 * difference: "invalid kernel flag: vm/overcommit_memory, expected value: 1, actual value: 0".
 * So the node's sysctl files must set them. The value compared is what the kernel holds after
 * systemd-sysctl at boot (shared/kernel.ts), or its default when nothing writes the key
 * (data/kernel.ts; vm.panic_on_oom and the root key quotas already default to the kubelet's values).
 *
 * One finding per wrong assignment (at it), and one finding for all the tunables nothing sets
 * (at protectKernelDefaults), as the kubelet aggregates its errors. procps `sysctl --system`
 * (which also applies /etc/sysctl.conf) is checked too: the kubelet then fails at its next restart.
 *
 * Fixes: adding the missing tunables is safe (it is exactly what a kubelet without
 * protectKernelDefaults writes at every start, and a kubelet with it cannot start without them);
 * changing an assignment someone made is unsafe (a policy choice: kernel.panic decides whether the
 * node reboots on a panic; the alternative is to turn protectKernelDefaults off).
 */
import type { Location, RelatedLocation } from '../core/types.js';
import { PROTECT_KERNEL_DEFAULTS_ERROR } from '../data/kernel.js';
import { PROTECT_KERNEL_DEFAULTS_SYSCTLS, type KernelTunable } from '../data/kubernetes.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { lines, makeFix } from '../fix/index.js';
import { kubeletSetting } from '../model/kubelet.js';
import { normalizeSysctlKey } from '../parse/sysctl.js';
import type { SysctlEntry } from '../model/sysctl.js';
import { addSysctlLines, culprit, kernelValue, otherStatements, statementRange, statementText, sysctlComplete, sysctlReadable, type KernelValue } from './shared/kernel.js';

export default defineRule({
  meta: {
    id: 'protect-kernel-defaults-sysctl',
    description: 'With protectKernelDefaults the kubelet refuses to start unless sysctl.d sets the kernel tunables it needs to its values',
    severity: 'error',
    files: ['kubelet', 'kubelet-flags', 'systemd-unit', 'sysctl'],
    fixable: 'safe',
  },
  check(ctx) {
    const { node } = ctx;
    if (!node.kubelet || !node.sysctl || !sysctlReadable(node)) return;
    const pkd = kubeletSetting(node.kubelet, 'protectKernelDefaults', undefined, ctx.target.kubernetes);
    if (pkd.value !== true) return;
    const at: Location =
      pkd.origin === 'flag' && pkd.flag ? { file: pkd.flag.file, range: pkd.flag.range } : pkd.node ? { file: pkd.node.file, range: pkd.node.range } : { file: null, range: null };
    const setting = pkd.origin === 'flag' ? `--protect-kernel-defaults${pkd.flag?.value !== null ? `=${pkd.flag?.value}` : ''}` : 'protectKernelDefaults: true';
    const pkdRelated: RelatedLocation = { ...at, message: `${setting}: the kubelet checks the tunables instead of setting them` };
    const off = pkd.origin === 'flag' ? 'drop --protect-kernel-defaults' : 'turn protectKernelDefaults off';
    const missing: { t: KernelTunable; actual: number | null; confOnly: SysctlEntry | null }[] = [];
    for (const t of PROTECT_KERNEL_DEFAULTS_SYSCTLS) {
      const want = Number(t.value);
      const sd = kernelValue(node.sysctl, t.key);
      const pp = kernelValue(node.sysctl.procps, t.key);
      if (sd.value === want) {
        if (pp.value !== want) reportProcps(ctx, t, pp, setting, pkdRelated);
        continue;
      }
      const c = culprit(sd);
      if (c.kind === 'missing') {
        const confOnly = pp.value === want && pp.setBy && !node.sysctl.entries.includes(pp.setBy.entry) ? pp.setBy.entry : null;
        missing.push({ t, actual: sd.value, confOnly });
        continue;
      }
      reportWrong(ctx, t, sd, c.kind, c.entry!, setting, pkdRelated, off);
    }
    if (!missing.length) return;
    // "Nothing sets it" needs a complete node root; a set that names the key only in
    // /etc/sysctl.conf is reported wherever it is.
    if (!sysctlComplete(node) && !missing.some((x) => x.confOnly)) return;
    const list = missing.map(({ t, actual }) => `${t.key} (${actual === null ? 'unknown' : `${actual}, the kernel default`}; the kubelet needs ${t.value})`).join(', ');
    const conf = missing.filter((x) => x.confOnly);
    const confNote = conf.length
      ? ` (${conf.map((x) => x.t.key).join(', ')} ${conf.length > 1 ? 'are' : 'is'} set in /etc/sysctl.conf, which only "sysctl --system" applies: systemd-sysctl does not read it at boot)`
      : '';
    const errors = missing.map(({ t, actual }) => kubeletError(t, actual)).join(', ');
    const add = addSysctlLines(node, missing.map(({ t }) => [t.key, t.value]));
    ctx.report({
      ...at,
      message: `${setting}, but nothing in sysctl.d sets ${list}${confNote}: the kubelet refuses to start with "${errors}"; set ${missing.length > 1 ? 'them' : 'it'} in /etc/sysctl.d/ (or ${off}, and the kubelet sets ${missing.length > 1 ? 'them' : 'it'} itself)`,
      related: conf.map(({ confOnly }) => ({ file: confOnly!.file, range: statementRange(confOnly!), message: `${statementText(confOnly!)}: applied by "sysctl --system" only, not at boot` })),
      fix: add ? makeFix('safe', `add ${missing.map(({ t }) => `${t.key} = ${t.value}`).join(', ')} to ${add.create?.display ?? add.file!.display}`, add) : undefined,
    });
  },
});

function kubeletError(t: KernelTunable, actual: number | null): string {
  return PROTECT_KERNEL_DEFAULTS_ERROR.format(normalizeSysctlKey(t.key).path, t.value, actual === null ? '?' : String(actual));
}

function reportWrong(ctx: RuleContext, t: KernelTunable, kv: KernelValue, kind: 'rejected' | 'wrong' | 'excluded', e: SysctlEntry, setting: string, pkdRelated: RelatedLocation, off: string): void {
  const from = kv.setBy ? `from ${kv.setBy.entry.file.display}:${kv.setBy.entry.line}` : 'the kernel default';
  const how =
    kind === 'excluded'
      ? `"-${e.rawKey}" cancels the earlier assignments of ${e.key}, so systemd-sysctl does not write it and it is ${kv.value} (${from})`
      : kind === 'rejected'
        ? `the kernel rejects "${e.value}" (not a number${/#/.test(e.value ?? '') ? '; sysctl.d has no inline comments' : ''}), so ${t.key} stays ${kv.value} (${from})`
        : e.glob
          ? `the glob ${e.rawKey} sets ${t.key} to ${kv.value} at boot`
          : `${t.key} is ${kv.value} after boot (this is the assignment systemd-sysctl applies last)`;
  let fix;
  if (kind === 'wrong' && !e.glob && e.valueRange && e.value !== null) {
    const token = /^\S+/.exec(e.value)![0];
    const start = e.valueRange.start.offset;
    fix = makeFix('unsafe', `set ${e.rawKey} to ${t.value} in ${e.file.display} (it changes how the kernel behaves: a policy decision)`, lines.setValue(e.file, { start, end: start + token.length }, t.value));
  } else if (kind === 'wrong' && e.glob) {
    const add = addSysctlLines(ctx.node, [[t.key, t.value]]);
    if (add) fix = makeFix('unsafe', `add "${t.key} = ${t.value}" (an explicit key is not written by the glob ${e.rawKey})`, add);
  }
  ctx.report({
    file: e.file,
    range: statementRange(e),
    message: `${setting}, but ${how}: the kubelet refuses to start with "${kubeletError(t, kv.value)}"; set ${t.key} = ${t.value} (or ${off}, and the kubelet sets it itself)`,
    related: [pkdRelated, ...otherStatements(kv, e).map((o) => ({ file: o.file, range: statementRange(o), message: `${statementText(o)}: ${o.kind === 'exclude' ? 'excludes the key' : 'overridden (applied earlier)'}` }))],
    fix,
  });
}

/** Boot is fine, `sysctl --system` (procps, /etc/sysctl.conf last) is not: the kubelet fails at its next restart. */
function reportProcps(ctx: RuleContext, t: KernelTunable, pp: KernelValue, setting: string, pkdRelated: RelatedLocation): void {
  const c = culprit(pp);
  if (!c.entry) return;
  const m = ctx.node.sysctl!;
  const why =
    m.sysctlConf?.source === c.entry.file
      ? '"sysctl --system" applies /etc/sysctl.conf after every sysctl.d file (systemd-sysctl does not read it at boot)'
      : !m.entries.includes(c.entry)
        ? `"sysctl --system" also reads the hidden file ${c.entry.file.display}, which systemd-sysctl skips`
        : '"sysctl --system" writes every assignment in list order, while systemd-sysctl writes each key once';
  let fix;
  if (c.kind === 'wrong' && !c.entry.glob && c.entry.valueRange && c.entry.value !== null) {
    const token = /^\S+/.exec(c.entry.value)![0];
    const start = c.entry.valueRange.start.offset;
    fix = makeFix('unsafe', `set ${c.entry.rawKey} to ${t.value} in ${c.entry.file.display}`, lines.setValue(c.entry.file, { start, end: start + token.length }, t.value));
  }
  ctx.report({
    file: c.entry.file,
    range: statementRange(c.entry),
    message: `${setting}: ${t.key} is ${t.value} after boot, but ${why}, so after "sysctl --system" it is ${pp.value} and the kubelet's next restart fails with "${kubeletError(t, pp.value)}"; set it to ${t.value}`,
    related: [pkdRelated],
    fix,
  });
}
