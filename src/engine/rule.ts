/**
 * The shape of a rule module: metadata plus a check over a whole node set (ESLint's meta +
 * create, but project-wide like actionlint). One file per rule under src/rules/<id>.ts, its page
 * at rules/<id>.md, its fixtures at fixtures/<id>/.
 */
import type { DockerTarget } from '../data/docker.js';
import type { FileKind } from '../core/source.js';
import type { Finding, Fix, FixSafety, Location, RelatedLocation, Severity } from '../core/types.js';
import type { Version } from '../core/version.js';
import type { NodeSet } from '../model/nodeset.js';
import type { CriRuntime } from '../data/kubernetes.js';

export interface Target {
  kubernetes: Version;
  containerd: Version;
  /** What was not given and had to be assumed (reported in JSON `target` and on stderr). */
  assumed: { kubernetes: boolean; containerd: boolean };
  /** Notes about the target (e.g. a version newer than the data tables). */
  notes: string[];
  /**
   * `--runtime`: the CRI runtime the node runs. Without it, the runtime is the one configured (or,
   * with several, the one the kubelet dials): rules/shared/endpoints.ts kubeletRuntime.
   */
  runtime?: CriRuntime;
  /**
   * `--docker`: the dockerd release whose daemon.json keys are checked, with the releases of data
   * DOCKERD_KEY_RELEASES that stand for it (data clampDocker). Without it, every release crilint knows.
   */
  docker?: DockerTarget;
}

export interface RuleMeta {
  id: string;
  /** One line: what the rule checks. */
  description: string;
  severity: Severity;
  /** File kinds the rule reads; the rule is silent when none of them is present. */
  files: FileKind[];
  /** Fix safety when the rule offers fixes. */
  fixable?: FixSafety;
  /** Opt-in profile (e.g. 'cis'); rules with a profile are off unless it is enabled. */
  profile?: string;
}

export interface Report extends Location {
  message: string;
  severity?: Severity;
  related?: RelatedLocation[];
  fix?: Fix;
}

export interface RuleContext {
  node: NodeSet;
  target: Target;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export type { Finding };
