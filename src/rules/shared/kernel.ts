/**
 * Shared by the kernel rules (sysctl-required, protect-kernel-defaults-sysctl,
 * kernel-module-required, sysctl-inline-comment): the value the kernel ends up with for a sysctl
 * after systemd-sysctl (boot) or procps `sysctl --system` ran, where a fix should write, and
 * whether the node set says enough to conclude that something is *missing*.
 *
 * The value the kernel holds is not simply the winning assignment's text:
 * - integer sysctls parse the text the way proc_get_long() does (data/kernel.ts KERNEL_INT_PARSE):
 *   `1 # on` sets 1, `1#on` is rejected and the key keeps its previous value;
 * - some keys are linked (net.ipv4.ip_forward is net.ipv4.conf.all.forwarding; IPv6
 *   `all.forwarding` is copied to `default.forwarding`), so the write that comes *last* decides.
 *   systemd-sysctl writes each key once, at its place in its ordered hashmap
 *   (SysctlEffective.writtenAt); procps writes every statement in list order.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FileChange } from '../../core/types.js';
import { kernelDefault, keysSetting } from '../../data/kernel.js';
import { lines } from '../../fix/index.js';
import { unusable } from '../../model/load.js';
import { MODULES_LOAD_DIRS, type ModulesFile } from '../../model/modules.js';
import type { NodeSet } from '../../model/nodeset.js';
import { SYSCTL_DIRS, type SysctlEntry, type SysctlFile, type SysctlView } from '../../model/sysctl.js';

/**
 * The integer an integer sysctl takes from `raw` (proc_get_long(), base 0), or null when the kernel
 * rejects the text (EINVAL). Only the first number counts; a blank ends it and the rest is ignored.
 */
export function kernelInt(raw: string | null): number | null {
  if (raw === null) return null;
  let i = 0;
  while (i < raw.length && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '\n')) i++;
  let neg = false;
  if (raw[i] === '-') {
    neg = true;
    i++;
  }
  const rest = raw.slice(i);
  if (!/^[0-9]/.test(rest)) return null;
  let n: number;
  let len: number;
  let m: RegExpExecArray | null;
  if ((m = /^0[xX]([0-9a-fA-F]+)/.exec(rest))) {
    n = parseInt(m[1]!, 16);
    len = m[0].length;
  } else if ((m = /^0([0-7]*)/.exec(rest))) {
    n = m[1] ? parseInt(m[1], 8) : 0;
    len = m[0].length;
  } else {
    m = /^[0-9]+/.exec(rest)!;
    n = parseInt(m[0], 10);
    len = m[0].length;
  }
  const after = rest[len];
  if (after !== undefined && after !== ' ' && after !== '\t' && after !== '\n') return null;
  return neg ? -n : n;
}

/** One write of a value to the kernel (for linked keys, possibly to another key than the one asked about). */
export interface KernelWrite {
  entry: SysctlEntry;
  /** Dotted key the statement writes (for a glob: the concrete key it matches). */
  key: string;
  /** Place in the view's reading order that decides when the write happens. */
  at: number;
  /** What the kernel takes; null when it rejects the text. */
  value: number | null;
}

export interface KernelValue {
  key: string;
  /** What the kernel holds afterwards: the last successful write, else the kernel default (null if unknown). */
  value: number | null;
  /** The write that set `value`; null when no write succeeded. */
  setBy: KernelWrite | null;
  /** Every write, in the order it happens. */
  writes: KernelWrite[];
  /** Statements that wrote nothing in the end: overridden assignments of each key. */
  overridden: SysctlEntry[];
  /** Exclusions (`-key`) that keep a key from being written (systemd-sysctl). */
  exclusions: SysctlEntry[];
}

const positions = new WeakMap<SysctlView, Map<SysctlEntry, number>>();

function position(view: SysctlView, e: SysctlEntry): number {
  let map = positions.get(view);
  if (!map) {
    map = new Map(view.entries.map((x, i) => [x, i]));
    positions.set(view, map);
  }
  return map.get(e) ?? -1;
}

/** The kernel's value of `key` (dotted) after `view`'s consumer applied the files. */
export function kernelValue(view: SysctlView, key: string): KernelValue {
  const writes: KernelWrite[] = [];
  const overridden: SysctlEntry[] = [];
  const exclusions: SysctlEntry[] = [];
  for (const k of keysSetting(key)) {
    const eff = view.effective(k);
    if (!eff) continue;
    // An exclusion matters when it cancels an assignment of the key (systemd-sysctl; procps ignores it).
    if (eff.excludedBy && view.consumer !== 'procps' && eff.overridden.some((o) => o.kind === 'assign')) exclusions.push(eff.excludedBy);
    if (view.consumer === 'procps') {
      // procps writes every statement in list order; an exclusion only keeps globs away.
      for (const s of [...eff.overridden, ...(eff.winner ? [eff.winner] : [])]) {
        if (s.kind === 'assign') writes.push({ entry: s, key: eff.key, at: position(view, s), value: kernelInt(s.value) });
      }
      continue;
    }
    overridden.push(...eff.overridden);
    if (eff.winner && eff.writtenAt) writes.push({ entry: eff.winner, key: eff.key, at: position(view, eff.writtenAt), value: kernelInt(eff.winner.value) });
  }
  writes.sort((a, b) => a.at - b.at);
  let setBy: KernelWrite | null = null;
  for (const w of writes) if (w.value !== null) setBy = w;
  if (view.consumer === 'procps') for (const w of writes) if (w !== setBy && w.at < (setBy?.at ?? Infinity)) overridden.push(w.entry);
  return { key, value: setBy ? setBy.value : (kernelDefault(key)?.value ?? null), setBy, writes, overridden, exclusions };
}

/** Where a finding about a wrong kernel value belongs, and why. */
export interface Culprit {
  /** `rejected`: the last write fails (the kernel keeps the earlier value); `wrong`: the value set is wrong; `excluded`: `-key` cancels the key; `missing`: nothing writes it. */
  kind: 'rejected' | 'wrong' | 'excluded' | 'missing';
  entry: SysctlEntry | null;
  write: KernelWrite | null;
}

export function culprit(kv: KernelValue): Culprit {
  const last = kv.writes[kv.writes.length - 1];
  if (last && last.value === null) return { kind: 'rejected', entry: last.entry, write: last };
  if (kv.setBy) return { kind: 'wrong', entry: kv.setBy.entry, write: kv.setBy };
  const ex = kv.exclusions[kv.exclusions.length - 1];
  if (ex) return { kind: 'excluded', entry: ex, write: null };
  return { kind: 'missing', entry: null, write: null };
}

/** Every other statement that took part, in reading order (for `related`). */
export function otherStatements(kv: KernelValue, except: SysctlEntry | null): SysctlEntry[] {
  const all = new Set<SysctlEntry>([...kv.overridden, ...kv.writes.map((w) => w.entry), ...kv.exclusions]);
  if (except) all.delete(except);
  return [...all].sort((a, b) => a.file.display.localeCompare(b.file.display) || a.line - b.line);
}

/** `key = value` as written (`-key` for an exclusion), for messages. */
export function statementText(e: SysctlEntry): string {
  if (e.kind === 'exclude') return `-${e.rawKey}`;
  return `${e.ignoreFailure ? '-' : ''}${e.rawKey} = ${e.value ?? ''}`;
}

/** Where to point at an assignment: its value (the exclusion's key). */
export function statementRange(e: SysctlEntry) {
  return e.valueRange && e.valueRange.start.offset !== e.valueRange.end.offset ? e.valueRange : e.range;
}

// ---------------------------------------------------------------------------------------------
// Scope

function sysctlFiles(node: NodeSet): SysctlFile[] {
  const m = node.sysctl;
  if (!m) return [];
  return [...m.files, ...m.procps.files.filter((f) => !m.files.includes(f)), ...(m.sysctlConf ? [m.sysctlConf] : [])];
}

/** Every sysctl file could be read: a conclusion about the node's values can be trusted. */
export function sysctlReadable(node: NodeSet): boolean {
  return !sysctlFiles(node).some((f) => f.source !== null && unusable(f.source));
}

/**
 * Whether "nothing sets X" may be concluded: a node root (not loose files, which are a fragment)
 * whose sysctl.d directories or /etc/sysctl.conf hold at least one file, all of them readable. A
 * node set without any sysctl file says nothing about the node's kernel parameters (they may come
 * from the image or from another tool), so the rules stay silent there.
 */
export function sysctlComplete(node: NodeSet): boolean {
  return node.root !== null && node.sysctl !== null && sysctlFiles(node).length > 0 && sysctlReadable(node);
}

// ---------------------------------------------------------------------------------------------
// Fix targets

const K8S_SYSCTL_NAME = /k8s|kube|cri/i;
const K8S_MODULES_NAME = /k8s|kube|containerd|cri|docker/i;

function usableFile<T extends { kind: string; source: unknown }>(f: T): boolean {
  return f.kind === 'file' && f.source !== null && !unusable(f.source as never);
}

/** A Kubernetes sysctl.d file to add settings to: in /etc/sysctl.d (any given file for loose files), named for Kubernetes; the last in reading order. */
export function kubernetesSysctlFile(node: NodeSet): SysctlFile | null {
  const m = node.sysctl;
  if (!m) return null;
  const cands = m.files.filter((f) => usableFile(f) && (m.mode === 'files' || f.dir === '/etc/sysctl.d') && K8S_SYSCTL_NAME.test(f.name));
  return cands[cands.length - 1] ?? null;
}

function freeName(node: NodeSet, dirs: readonly string[], taken: readonly { name: string }[], names: readonly string[]): string | null {
  for (const name of names) {
    if (taken.some((t) => t.name === name)) continue;
    if (node.root && dirs.some((d) => existsSync(join(node.root!, d, name)))) continue;
    return name;
  }
  return null;
}

/** The name a created sysctl.d file gets (one no directory uses, so it masks nothing). */
export const NEW_SYSCTL_FILE = '99-kubernetes-cri.conf';
export const NEW_MODULES_FILE = 'k8s.conf';

/**
 * A change that adds sysctl lines: appended to the Kubernetes file in /etc/sysctl.d, else a new
 * /etc/sysctl.d/99-kubernetes-cri.conf (the name EKS uses) below the node root. Null when there is
 * nowhere to write (loose files without a Kubernetes file among them).
 */
export function addSysctlLines(node: NodeSet, settings: readonly [string, string | number][]): FileChange | null {
  const text = settings.map(([k, v]) => lines.sysctlLine(k, v));
  const file = kubernetesSysctlFile(node);
  if (file) return lines.appendLines(file.source!, text);
  if (!node.root) return null;
  const m = node.sysctl;
  const name = freeName(node, SYSCTL_DIRS, m ? [...m.files, ...m.masked, ...m.procps.files] : [], [NEW_SYSCTL_FILE, '99-kubernetes-cri-crilint.conf']);
  if (!name) return null;
  return lines.createFile(join(node.root, 'etc/sysctl.d', name), `etc/sysctl.d/${name}`, text);
}

/** A modules-load.d file to add a module to: in /etc, loading another Kubernetes module or named for Kubernetes. */
export function kubernetesModulesFile(node: NodeSet, siblings: readonly string[]): ModulesFile | null {
  const m = node.modules;
  if (!m) return null;
  const cands = m.files.filter((f) => usableFile(f) && (m.mode === 'files' || f.dir === '/etc/modules-load.d'));
  return cands.find((f) => f.modules.some((e) => siblings.includes(e.normalized))) ?? cands.find((f) => K8S_MODULES_NAME.test(f.name)) ?? null;
}

/** A change that adds a module line: to the Kubernetes modules-load.d file in /etc, else a new /etc/modules-load.d/k8s.conf. */
export function addModuleLine(node: NodeSet, module: string, siblings: readonly string[]): FileChange | null {
  const file = kubernetesModulesFile(node, siblings);
  if (file) return lines.appendLine(file.source!, module);
  if (!node.root) return null;
  const m = node.modules;
  const name = freeName(node, MODULES_LOAD_DIRS, m ? [...m.files, ...m.masked] : [], [NEW_MODULES_FILE, 'k8s-crilint.conf']);
  if (!name) return null;
  return lines.createFile(join(node.root, 'etc/modules-load.d', name), `etc/modules-load.d/${name}`, [module]);
}
