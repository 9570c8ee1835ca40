/**
 * crictl.yaml validation in crictl's own terms: unknown keys and values crictl cannot parse.
 * The key table is CRICTL_CONFIG_KEYS (src/data/kubernetes.ts: key, first release, parse);
 * schemas/crictl.schema.json describes the same keys for editors and is checked against the table
 * by test/crictl.test.ts.
 *
 * Why every problem is an error: crictl returns the first problem as an error, and when the file
 * is the default /etc/crictl.yaml it silently drops the whole file (cmd/crictl/main.go: the error
 * of GetServerConfigFromFile is fatal only when --config/CRI_CONFIG_FILE is set; identical in
 * v1.24.0..v1.36.0 and HEAD) and falls back to its deprecated default endpoints
 * (../shared/reference/crictl-crio-docker-sysctl.md §1.2, §1.3).
 */
import type { Finding } from '../core/types.js';
import { fmtVersion, parseVersion, type Version } from '../core/version.js';
import { CRICTL_CONFIG_KEYS } from '../data/kubernetes.js';
import { atLeastLoose } from '../data/lookup.js';
import { NEWEST_KUBERNETES } from '../data/versions.js';
import { GO_BOOL_WORDS, parseValue, type CrictlEntry, type CrictlModel } from '../model/crictl.js';
import { suggest } from './validate.js';

export interface CrictlProblemOptions {
  /**
   * The crictl release that reads the file (cri-tools versions follow Kubernetes minors). Default:
   * the newest Kubernetes minor in the data tables, i.e. the newest released crictl, which does not
   * accept `max-retries` yet.
   */
  crictl?: Version;
}

const REJECTS =
  'crictl rejects the file and, at the default path, silently ignores all of it (falling back to its deprecated default endpoint list)';

function what(e: CrictlEntry): string {
  switch (e.valueKind) {
    case 'map':
      return 'a mapping';
    case 'seq':
      return 'a sequence';
    case 'alias':
      return `the alias *${e.raw} (crictl does not resolve aliases and reads the text ${JSON.stringify(e.raw)})`;
    case 'null':
      return 'no value';
    default:
      return JSON.stringify(e.raw);
  }
}

export function crictlProblems(model: CrictlModel, opts: CrictlProblemOptions = {}): Finding[] {
  const out: Finding[] = [];
  const file = model.file;
  const push = (rule: 'unknown-key' | 'invalid-value', range: Finding['range'], message: string) =>
    out.push({ rule, severity: 'error', message, file, range, related: [] });

  if ((model.shape === 'seq' || model.shape === 'scalar') && model.root) {
    const kind = model.shape === 'seq' ? 'a YAML sequence' : 'a single YAML scalar';
    push(
      'invalid-value',
      model.root.range,
      `crictl.yaml is ${kind}, not a mapping of "key: value" settings; crictl reads no settings from it (it uses its built-in defaults, including the deprecated default endpoint list)`,
    );
    return out;
  }

  const crictl = opts.crictl ?? parseVersion(NEWEST_KUBERNETES)!;
  const allowed = CRICTL_CONFIG_KEYS.filter((k) => atLeastLoose(crictl, k.since));
  for (const e of model.entries) {
    const info = CRICTL_CONFIG_KEYS.find((k) => k.key === e.key);
    if (!info) {
      const s = suggest(
        e.key,
        allowed.map((k) => k.key),
      );
      push('unknown-key', e.keyRange, `unknown key "${e.key}" in crictl.yaml; ${s ? `did you mean "${s}"? ` : ''}${REJECTS}`);
      continue;
    }
    if (!allowed.includes(info)) {
      push(
        'unknown-key',
        e.keyRange,
        `key "${e.key}" is not accepted by crictl ${fmtVersion(crictl)}: it needs crictl ${info.since} or newer${info.uncertain ? ' (not released yet)' : ''}; ${REJECTS}`,
      );
      continue;
    }
    if (info.parse === 'string') {
      if (e.valueKind === 'map' || e.valueKind === 'seq') {
        push('invalid-value', e.valueRange, `invalid value for "${e.key}": expected a string, found ${what(e)}; crictl reads it as "" (not set)`);
      } else if (e.valueKind === 'alias') {
        push('invalid-value', e.valueRange, `invalid value for "${e.key}": ${what(e)} as the endpoint`);
      }
      continue;
    }
    const parsed = parseValue(info.parse, e.valueKind === 'map' || e.valueKind === 'seq' ? '' : e.raw);
    if (!('error' in parsed)) continue;
    const expect =
      info.parse === 'atoi'
        ? info.key === 'timeout'
          ? /^[+-]?\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h)/.test(e.raw)
            ? 'a whole number of seconds such as 10, not a duration'
            : 'a whole number of seconds such as 10'
          : 'an integer'
        : `one of ${GO_BOOL_WORDS.join(', ')}`;
    const lead =
      e.valueKind === 'null' ? `missing value for "${e.key}"` : e.valueKind === 'scalar' ? `invalid value ${what(e)} for "${e.key}"` : `invalid value for "${e.key}" (${what(e)})`;
    push('invalid-value', e.valueRange, `${lead}: crictl expects ${expect} (${parsed.error}); ${REJECTS}`);
  }
  return out;
}
