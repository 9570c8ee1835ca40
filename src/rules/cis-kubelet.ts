/**
 * cis-kubelet (profile `cis`): the CIS Kubernetes Benchmark's kubelet API checks (section 4.2) on
 * the kubelet's effective settings: anonymous authentication, authorization mode, client CA,
 * read-only port, client certificate rotation, the RotateKubeletServerCertificate gate and TLS
 * cipher suites. Benchmark version and check IDs per Kubernetes minor: shared/cis.ts (kube-bench).
 *
 * Effective values, not just the text: a flag wins over the file, and a kubelet started without a
 * config file keeps its command-line defaults — anonymous access on, AlwaysAllow, read-only port
 * 10255 (KUBELET_LEGACY_DEFAULTS; reference kubelet-kubeadm.md §1.6) — while a config file defaults
 * them to off, Webhook and 0. Where the benchmark only asks that a value is "not set to false"
 * (rotateCertificates, the gate), only an explicit false is reported, as kube-bench does.
 * One rule with the CIS ID in each message: the profile is enabled as a whole, and a single check
 * is suppressed at its line. No fixes: each change alters who may talk to the kubelet
 * (monitoring agents on the read-only port, health checks relying on anonymous access).
 */
import { fileStart, rangeOf } from '../core/source.js';
import type { Version } from '../core/version.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { kubeletSetting, type KubeletModel, type KubeletSetting } from '../model/kubelet.js';
import { getPath } from '../model/tree.js';
import { cipherAccepted, cisBenchmark, type CisBenchmark, type CisCheck } from './shared/cis.js';
import { docStart, insertionDoc, kubeletKnown, kubeletVersion, settingPlace, type Place } from './shared/kubelet-settings.js';

/** Where a finding about a setting points: its value, else the config document, else the flags file (or kubelet.service). */
function placeOf(model: KubeletModel, s: KubeletSetting): Place | null {
  const p = settingPlace(s);
  if (p) return p;
  const doc = insertionDoc(model);
  if (doc) return docStart(doc);
  const env = model.flags?.files[0]?.file ?? model.flags?.unit?.files[0]?.file;
  return env ? { file: env, range: fileStart(env) } : null;
}

/** How the value came about, for messages. */
function source(model: KubeletModel, s: KubeletSetting, field: string, flag: string): string {
  if (s.flag) return `${s.flag.written}${s.flag.value !== null ? `=${s.flag.value}` : ''}`;
  if (s.origin === 'config') return `${field}: ${String(s.value)}`;
  if (!model.config && !model.configFlag) return `the kubelet runs without a config file and keeps its command-line default --${flag}=${String(s.value)}`;
  return `${field} is not set`;
}

export default defineRule({
  meta: {
    id: 'cis-kubelet',
    description: "The kubelet's API hardening checks of the CIS Kubernetes Benchmark (section 4.2)",
    severity: 'warning',
    files: ['kubelet', 'kubelet-flags', 'systemd-unit'],
    profile: 'cis',
  },
  check(ctx) {
    const model = ctx.node.kubelet;
    if (!kubeletKnown(model)) return;
    const k8s = kubeletVersion(ctx.target);
    const bench = cisBenchmark(k8s);
    const S = (field: string) => kubeletSetting(model, field, undefined, k8s);
    const say = (check: CisCheck, s: KubeletSetting, text: string) => {
      const at = placeOf(model, s);
      if (at) ctx.report({ ...at, message: `CIS ${bench.ids[check]} (${bench.name}${bench.newest ? ', the newest benchmark' : ''}): ${text}` });
    };

    const anon = S('authentication.anonymous.enabled');
    if (anon.value === true) {
      say('anonymous', anon, `anonymous requests to the kubelet API are allowed (${source(model, anon, 'authentication.anonymous.enabled', 'anonymous-auth')}); set authentication.anonymous.enabled: false so that every request must authenticate`);
    }
    const authz = S('authorization.mode');
    if (authz.value === 'AlwaysAllow') {
      say('authorization', authz, `every request the kubelet API authenticates is allowed (${source(model, authz, 'authorization.mode', 'authorization-mode')}); set authorization.mode: Webhook so that the API server authorizes each request`);
    }
    const ca = S('authentication.x509.clientCAFile');
    if (typeof ca.value !== 'string' || ca.value === '') {
      say('clientCA', ca, `authentication.x509.clientCAFile is not set: the kubelet cannot authenticate client certificates, such as the API server's; set it to the cluster CA bundle (kubeadm: /etc/kubernetes/pki/ca.crt)`);
    }
    const ro = S('readOnlyPort');
    if (typeof ro.value === 'number' && ro.value !== 0) {
      say('readOnlyPort', ro, `the kubelet serves pod and node data without authentication on port ${ro.value} (${source(model, ro, 'readOnlyPort', 'read-only-port')}); set readOnlyPort: 0`);
    }
    const rotate = S('rotateCertificates');
    if (rotate.value === false && rotate.origin !== 'default') {
      say('rotateCertificates', rotate, `client certificate rotation is off (${source(model, rotate, 'rotateCertificates', 'rotate-certificates')}): when the kubelet's certificate expires the node drops out of the cluster; set rotateCertificates: true or remove it`);
    }
    serverCertGate(ctx, model, k8s, bench);
    ciphers(ctx, model, S('tlsCipherSuites'), bench);
  },
});

function serverCertGate(ctx: RuleContext, model: KubeletModel, k8s: Version, bench: CisBenchmark): void {
  const gate = 'RotateKubeletServerCertificate';
  const prefix = `CIS ${bench.ids.serverCertGate} (${bench.name}${bench.newest ? ', the newest benchmark' : ''})`;
  const text = `the ${gate} feature gate is disabled: the kubelet cannot rotate its serving certificate through the API server (serverTLSBootstrap); remove the setting or set it to true`;
  // The flag's gates are merged over the file's: the last flag occurrence that names the gate wins.
  const flags = (model.flags?.args.flags ?? []).filter((f) => f.name === 'feature-gates' && f.value !== null && new RegExp(`(^|,)\\s*${gate}\\s*=`).test(f.value));
  const last = flags[flags.length - 1];
  const value = (kubeletSetting(model, 'featureGates', undefined, k8s).value as Record<string, unknown> | null)?.[gate];
  if (value !== false) return;
  if (last) {
    ctx.report({ file: last.valueFile ?? last.file, range: last.valueRange ?? last.range, message: `${prefix}: ${text}` });
    return;
  }
  const node = model.merged ? getPath(model.merged, ['featureGates', gate]) : undefined;
  if (node) ctx.report({ file: node.file, range: node.range, message: `${prefix}: ${text}` });
}

function ciphers(ctx: RuleContext, model: KubeletModel, s: KubeletSetting, bench: CisBenchmark): void {
  if (!Array.isArray(s.value)) return; // not set: Go's default suites (the benchmark's check is manual)
  const prefix = `CIS ${bench.ids.ciphers} (${bench.name}${bench.newest ? ', the newest benchmark' : ''})`;
  const list = bench.ciphers.join(', ');
  s.value.forEach((name, i) => {
    if (typeof name !== 'string' || cipherAccepted(bench, name)) return;
    const item = !s.flag && s.node?.kind === 'array' ? s.node.items[i] : undefined;
    const at = item ? { file: item.file, range: item.range } : (flagItem(model, s, i) ?? placeOf(model, s));
    if (!at) return;
    ctx.report({ ...at, message: `${prefix}: the kubelet offers the cipher suite ${name}, which is not one of the strong suites the benchmark allows (${list}); remove it` });
  });
}

/**
 * The i-th suite of a single `--tls-cipher-suites=a,b,c` written without quotes or escapes: its own
 * range inside the flag's value. null otherwise (the whole value is used).
 */
function flagItem(model: KubeletModel, s: KubeletSetting, i: number): Place | null {
  const f = s.flag;
  if (!f || !f.valueRange || f.value === null) return null;
  if ((model.flags?.args.flags ?? []).filter((x) => x.name === f.name).length !== 1) return null;
  const file = f.valueFile ?? f.file;
  const start = f.valueRange.start.offset;
  if (file.text.slice(start, f.valueRange.end.offset) !== f.value) return null;
  const parts = f.value.split(',');
  if (i >= parts.length) return null;
  const from = start + parts.slice(0, i).reduce((n, p) => n + p.length + 1, 0);
  return { file, range: rangeOf(file, from, from + parts[i]!.length) };
}
