/**
 * Small helpers over the kubelet model for rules: where a setting is written, the effective value
 * of a feature gate, and the document to insert a missing key into.
 */
import type { SourceFile } from '../../core/source.js';
import type { Range, RelatedLocation } from '../../core/types.js';
import type { Version } from '../../core/version.js';
import { gateDefault, gateLocked, gateStage } from '../../data/feature-gates.js';
import { clampKubernetes } from '../../data/lookup.js';
import type { Target } from '../../engine/rule.js';
import { kubeletSetting, type KubeletDoc, type KubeletModel, type KubeletSetting } from '../../model/kubelet.js';
import type { FlagToken } from '../../parse/flags.js';
import type { MapNode, VNode } from '../../model/tree.js';

export interface Place {
  file: SourceFile;
  range: Range;
}

/** The Kubernetes version the kubelet tables are read with (clamped to the data tables). */
export function kubeletVersion(target: Target): Version {
  return clampKubernetes(target.kubernetes).version;
}

/** Whether the node set tells us anything about this kubelet's settings (a config document or flags). */
export function kubeletKnown(model: KubeletModel | null): model is KubeletModel {
  return !!model && (!!model.config || model.dropIns.length > 0 || !!model.flags);
}

/** Where the winning value of a setting is written: the flag's value, else the config node; null for a pure default. */
export function settingPlace(s: KubeletSetting): Place | null {
  if (s.flag) return flagValuePlace(s.flag);
  if (s.node) return { file: s.node.file, range: s.node.range };
  return null;
}

/** The value of a flag as written (the whole token for a bare flag). */
export function flagValuePlace(f: FlagToken): Place {
  return { file: f.valueFile ?? f.file, range: f.valueRange ?? f.range };
}

/**
 * The document new keys go into: the main config file, else the last drop-in. null when the
 * kubelet has no config document at all.
 */
export function insertionDoc(model: KubeletModel): KubeletDoc | null {
  return model.config ?? model.dropIns[model.dropIns.length - 1] ?? null;
}

/** The document a node of the merged view belongs to. */
export function docOf(model: KubeletModel, node: VNode): KubeletDoc | null {
  return [model.config, ...model.dropIns, model.instance].find((d) => d && d.file === node.file) ?? null;
}

/** Zero-width place at the start of a document (where a finding about an unset key points). */
export function docStart(doc: KubeletDoc): Place {
  const root: MapNode = doc.root;
  return { file: doc.file, range: { start: root.range.start, end: root.range.start } };
}

/** A related location for a setting: its flag or node, else the start of the config document. */
export function settingRelated(model: KubeletModel, s: KubeletSetting, message: string): RelatedLocation[] {
  const at = settingPlace(s);
  if (at) return [{ ...at, message }];
  const doc = insertionDoc(model);
  return doc ? [{ ...docStart(doc), message }] : [];
}

/**
 * The value the kubelet uses for a feature gate: `--feature-gates` merged over `featureGates`,
 * else the gate's default. A value the kubelet refuses (a gate locked to its default) does not
 * apply (`invalid-value` reports it); a gate that does not exist at the version is off.
 */
export function effectiveGate(model: KubeletModel, k8s: Version, gate: string): boolean {
  if (!gateStage(k8s, gate)) return false;
  const gates = kubeletSetting(model, 'featureGates', undefined, k8s).value;
  const v = gates && typeof gates === 'object' ? (gates as Record<string, unknown>)[gate] : undefined;
  if (typeof v === 'boolean' && !(gateLocked(k8s, gate) && v !== gateDefault(k8s, gate))) return v;
  return gateDefault(k8s, gate) ?? false;
}

/** `"x"` for messages. */
export function q(v: unknown): string {
  return JSON.stringify(v);
}
