/**
 * sysctl-required: IP forwarding must be on after boot, as kubeadm's preflight and pod networking
 * need (net.ipv4.ip_forward = 1; net.ipv6.conf.default.forwarding = 1 when the kubelet runs with
 * IPv6). The verdict is the value the kernel holds after systemd-sysctl applied sysctl.d at boot
 * (shared/kernel.ts: kernel integer parsing, linked keys, write order); procps `sysctl --system`,
 * which also applies /etc/sysctl.conf last, is checked too and reported where it differs.
 *
 * Scope (no false alarms): "nothing sets it" is only concluded for a node root that has sysctl
 * files (a set without any says nothing about the node's kernel parameters, e.g. a repository of
 * containerd and kubelet files only); IPv6 forwarding is only required when the kubelet shows IPv6
 * (an IPv6 clusterDNS address or --node-ip), as kubeadm only checks it then.
 */
import type { Location, RelatedLocation } from '../core/types.js';
import { FORWARDING, type ForwardingRequirement } from '../data/kernel.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { lines, makeFix } from '../fix/index.js';
import { kubeletFlag, kubeletSetting } from '../model/kubelet.js';
import type { SysctlEntry } from '../model/sysctl.js';
import {
  addSysctlLines,
  culprit,
  kernelValue,
  otherStatements,
  statementRange,
  statementText,
  sysctlComplete,
  sysctlReadable,
  type KernelValue,
} from './shared/kernel.js';

/**
 * Is `s` an IPv6 address, as the kubelet's net.ParseIP takes clusterDNS and --node-ip (no zone)?
 * The WHATWG URL parser validates a bracketed IPv6 host, so node:net (several milliseconds of
 * start-up, for a node whose kubelet has a clusterDNS) is not needed; the character check keeps
 * anything but an address out of the brackets.
 */
export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(':')) return false;
  return URL.canParse(`http://[${s}]/`);
}

interface Signal extends Location {
  what: string;
}

export default defineRule({
  meta: {
    id: 'sysctl-required',
    description: 'IP forwarding must be on after boot (net.ipv4.ip_forward = 1, and IPv6 forwarding when the kubelet uses IPv6), as kubeadm and pod traffic need',
    severity: 'error',
    files: ['sysctl', 'kubelet', 'kubelet-flags', 'systemd-unit'],
    fixable: 'safe',
  },
  check(ctx) {
    const { node } = ctx;
    if (!node.sysctl || !sysctlReadable(node)) return;
    checkForwarding(ctx, FORWARDING.ipv4, null);
    const v6 = ipv6Signal(ctx);
    if (v6) checkForwarding(ctx, FORWARDING.ipv6, v6);
  },
});

/** Where the kubelet shows that the node runs IPv6: an IPv6 clusterDNS address or --node-ip. */
function ipv6Signal(ctx: RuleContext): Signal | null {
  const k = ctx.node.kubelet;
  if (!k) return null;
  const dns = kubeletSetting(k, 'clusterDNS', undefined, ctx.target.kubernetes);
  if (dns.origin === 'flag' && dns.flag && Array.isArray(dns.value)) {
    const v = (dns.value as unknown[]).find((x) => typeof x === 'string' && isIPv6(x));
    if (v) return { file: dns.flag.file, range: dns.flag.range, what: `the kubelet's --cluster-dns has the IPv6 address ${v as string}` };
  }
  if (dns.origin === 'config' && dns.node?.kind === 'array') {
    for (const item of dns.node.items) {
      if (item.kind === 'scalar' && typeof item.value === 'string' && isIPv6(item.value)) return { file: item.file, range: item.range, what: `clusterDNS has the IPv6 address ${item.value}` };
    }
  }
  const ip = kubeletFlag(k, 'node-ip');
  const v6 = ip?.value?.split(',').map((s) => s.trim()).find((s) => isIPv6(s));
  if (ip && v6) return { file: ip.file, range: ip.range, what: `the kubelet's --node-ip has the IPv6 address ${v6}` };
  return null;
}

function where(e: SysctlEntry): string {
  return `${e.file.display}:${e.line}`;
}

function checkForwarding(ctx: RuleContext, req: ForwardingRequirement, signal: Signal | null): void {
  const m = ctx.node.sysctl!;
  const sd = kernelValue(m, req.key);
  const pp = kernelValue(m.procps, req.key);
  const ok = (kv: KernelValue) => kv.value === req.value;
  const what = req.family === 'ipv4' ? 'IP forwarding' : 'IPv6 forwarding';
  const breaks =
    (req.family === 'ipv4' ? 'pod traffic is not routed beyond the node' : 'IPv6 pod traffic is not routed beyond the node') +
    ` and kubeadm's preflight fails with "${req.preflight}"`;
  const because = signal ? `${signal.what}, so ${req.key} must be 1; ` : '';
  const safety = req.family === 'ipv4' ? 'safe' : 'unsafe';
  const raNote = req.family === 'ipv6' ? ' (unsafe: with forwarding on, interfaces with accept_ra = 1 stop accepting router advertisements, so a node that gets its IPv6 default route by SLAAC needs accept_ra = 2)' : '';
  const signalRelated: RelatedLocation[] = signal ? [{ file: signal.file, range: signal.range, message: `IPv6 in use: ${signal.what}` }] : [];

  if (ok(sd)) {
    if (ok(pp)) return;
    // Boot is fine; `sysctl --system` (procps) is not: /etc/sysctl.conf (or a hidden file) undoes it.
    const c = culprit(pp);
    if (!c.entry) return;
    const why =
      m.sysctlConf?.source === c.entry.file
        ? '"sysctl --system" (procps) applies /etc/sysctl.conf after every sysctl.d file, and systemd-sysctl does not read /etc/sysctl.conf'
        : !m.entries.includes(c.entry)
          ? `"sysctl --system" (procps) also reads ${c.entry.file.display}, a hidden file that systemd-sysctl skips`
          : '"sysctl --system" (procps) writes every assignment in list order, while systemd-sysctl writes each key once, at the place of the assignment that last changed its value';
    const effect = c.kind === 'rejected' ? `the kernel rejects the value "${c.entry.value}" here` : `this assignment sets ${c.write!.key} to ${c.write!.value}`;
    ctx.report({
      file: c.entry.file,
      range: statementRange(c.entry),
      message: `${because}${what} is on after boot, but ${why}: ${effect}, so after "sysctl --system" (which the Kubernetes install guide, TuneD and configuration tools run) ${req.key} is ${pp.value ?? 'unchanged'} until the next reboot: ${breaks}; set it to 1`,
      related: [
        ...(sd.setBy ? [{ file: sd.setBy.entry.file, range: statementRange(sd.setBy.entry), message: `${statementText(sd.setBy.entry)}: what systemd-sysctl applies at boot` }] : []),
        ...signalRelated,
      ],
      fix: valueFix(c.entry, c.kind, req, safety, `set ${c.entry.rawKey} to 1 in ${c.entry.file.display}`),
    });
    return;
  }

  const c = culprit(sd);
  const confOnly = ok(pp) && pp.setBy && !m.entries.includes(pp.setBy.entry) ? pp.setBy.entry : null;
  const confNote = confOnly
    ? ` (${where(confOnly)} sets it to 1, but only "sysctl --system" applies that file: systemd-sysctl ${m.sysctlConf?.source === confOnly.file ? 'does not read /etc/sysctl.conf' : 'skips hidden files'})`
    : '';
  const confRelated: RelatedLocation[] = confOnly
    ? [{ file: confOnly.file, range: statementRange(confOnly), message: `${statementText(confOnly)}: applied by "sysctl --system" only, not at boot` }]
    : [];

  if (c.kind === 'missing') {
    const addFix = addSysctlLines(ctx.node, [[req.fixKey, 1]]);
    const fix = addFix ? makeFix(safety, `add "${req.fixKey} = 1" to ${addFix.create?.display ?? addFix.file!.display}${raNote}`, addFix) : undefined;
    if (confOnly) {
      ctx.report({
        file: confOnly.file,
        range: statementRange(confOnly),
        message: `${because}${statementText(confOnly)} is applied only by "sysctl --system": systemd-sysctl ${m.sysctlConf?.source === confOnly.file ? 'does not read /etc/sysctl.conf' : `skips the hidden file ${confOnly.file.display}`} and no sysctl.d file sets ${req.key}, so after every reboot it is 0 (the kernel default): ${breaks}; set it in /etc/sysctl.d/${m.sysctlConf?.source === confOnly.file ? ' (or link /etc/sysctl.d/99-sysctl.conf to ../sysctl.conf, as many distributions do)' : ''}`,
        related: signalRelated,
        fix,
      });
      return;
    }
    if (!sysctlComplete(ctx.node)) return;
    ctx.report({
      file: null,
      range: null,
      message: `${because}no sysctl.d file sets ${req.key}, so it is 0 (the kernel default) after boot: ${breaks}; add "${req.fixKey} = 1" to a file in /etc/sysctl.d`,
      related: signalRelated,
      fix,
    });
    return;
  }

  const e = c.entry!;
  const w = c.write;
  const others = otherStatements(sd, e).map((o) => ({ file: o.file, range: statementRange(o), message: relatedMessage(o, sd) }));
  let message: string;
  if (c.kind === 'excluded') {
    message = `${because}"-${e.rawKey}" cancels the earlier assignment${others.length > 1 ? 's' : ''} of ${e.key}: systemd-sysctl does not write it at all, so ${req.key} is ${sd.value} (${sd.setBy ? `from ${where(sd.setBy.entry)}` : 'the kernel default'}) after boot: ${breaks}${confNote}; remove the exclusion or assign 1 after it`;
  } else if (c.kind === 'rejected') {
    const comment = /#|(^|\s);/.test(e.value ?? '') ? ' (sysctl.d has no inline comments: everything after "=" is the value)' : '';
    message =
      `${because}the kernel rejects "${e.value}" for ${w!.key}${comment}: systemd-sysctl logs "Couldn't write '${e.value}' to '${e.path}': Invalid argument"${e.ignoreFailure ? '' : ' and fails'}, ` +
      `so ${req.key} stays ${sd.value} (${sd.setBy ? `from ${where(sd.setBy.entry)}` : 'the kernel default'}) after boot: ${breaks}${confNote}; write 1`;
  } else {
    const v = w!.value!;
    const state = v === 0 ? `${what} is off` : `the kernel forwards, but kubeadm's preflight reads the file and wants exactly 1`;
    const how =
      e.glob
        ? `the glob ${e.rawKey} also writes ${w!.key}${w!.key !== req.key ? `, which is ${req.key} to the kernel` : ''}, and it is the last write at boot`
        : w!.key !== req.key
          ? `${w!.key} is the same kernel setting as ${req.key}, and this is the last of the two that systemd-sysctl writes at boot`
          : 'this assignment is the last one systemd-sysctl applies (it reads all sysctl.d files in file-name order, whatever their directory)';
    const todo = e.glob ? `assign ${w!.key} = 1 explicitly (globs skip keys that have their own assignment)` : 'set it to 1';
    message = `${because}${req.key} is ${v} after boot: ${how}, so ${state}: ${breaks}${confNote}; ${todo}`;
  }
  let fix;
  if (c.kind === 'wrong' && e.glob) {
    // An explicit assignment of the matched key keeps the glob away from it, wherever it is.
    const add = addSysctlLines(ctx.node, [[w!.key, 1]]);
    if (add) fix = makeFix(safety, `add "${w!.key} = 1" (an explicit key is not written by the glob ${e.rawKey})${raNote}`, add);
  } else if (c.kind !== 'excluded') fix = valueFix(e, c.kind, req, safety, `set ${e.rawKey} to 1 in ${e.file.display}${raNote}`);
  ctx.report({ file: e.file, range: statementRange(e), message, related: [...others, ...confRelated, ...signalRelated], fix });
}

/** What a statement that did not decide the value did. */
function relatedMessage(o: SysctlEntry, kv: KernelValue): string {
  if (o.kind === 'exclude') return `-${o.rawKey}: excludes the key`;
  const w = kv.writes.find((x) => x.entry === o);
  if (w && w === kv.setBy) return `${statementText(o)}: the value the kernel keeps`;
  if (w && w.value === null) return `${statementText(o)}: rejected by the kernel`;
  return `${statementText(o)}: overridden (applied earlier)`;
}

/**
 * Set the value to 1. For a value the kernel takes (`0 # note`), only the number is replaced, so
 * whatever follows it stays; a rejected value is replaced whole unless it holds a `#` (an inline
 * "comment" that would be lost: sysctl-inline-comment reports it, and the user decides).
 */
function valueFix(e: SysctlEntry, kind: 'rejected' | 'wrong' | 'excluded' | 'missing', req: ForwardingRequirement, safety: 'safe' | 'unsafe', description: string) {
  if (e.kind !== 'assign' || !e.valueRange || e.value === null) return undefined;
  if (kind === 'rejected') {
    if (e.value.includes('#')) return undefined;
    return makeFix(safety, description, lines.setValue(e.file, e.valueRange, req.value));
  }
  const token = /^\S+/.exec(e.value)![0];
  const start = e.valueRange.start.offset;
  return makeFix(safety, description, lines.setValue(e.file, { start, end: start + token.length }, req.value));
}
