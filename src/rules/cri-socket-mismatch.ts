/**
 * cri-socket-mismatch: every CRI client on the node must dial the socket containerd serves CRI on.
 *
 * Clients: the kubelet's runtime endpoint (`--container-runtime-endpoint` > `containerRuntimeEndpoint`
 * > the v1beta1 default from 1.27, data kubeletRuntimeEndpoint) and an explicitly set image service
 * endpoint; kubeadm's criSocket in /var/lib/kubelet/instance-config.yaml (NodeLocalCRISocket: kubeadm
 * patches it over the kubelet config at the next upgrade/join, reference kubelet-kubeadm.md §4.4);
 * crictl's `runtime-endpoint` and `image-endpoint`. Endpoints are read as the CRI client library
 * reads them (shared/endpoints.ts): `unix://` optional, `/var/run` = `/run`, a host part in
 * `unix://run/…` is a different path, `tcp://` refused on Linux.
 * Severity: error for the kubelet (it cannot reach its runtime), warning for crictl and for the
 * instance config (nothing breaks until someone runs crictl, or kubeadm rewrites the config).
 * Runtimes: containerd (`[grpc] address`, shared/endpoints.ts runtimeSocket) and CRI-O (`[crio.api]
 * listen`, default /var/run/crio/crio.sock). With both configured, an endpoint that names either is
 * fine (the node runs the one the kubelet dials); one that names neither is reported with both.
 * Fix (safe): point the endpoint at the runtime's socket, keeping `unix://` when it was written;
 * with two runtimes configured there is no fix (which one is meant is not known).
 */
import type { SourceFile } from '../core/source.js';
import type { FileChange, Range, RelatedLocation, Severity } from '../core/types.js';
import { defineRule, type RuleContext } from '../engine/rule.js';
import { FixBuildError, lines, makeFix, yaml } from '../fix/index.js';
import { kubeletSetting, type KubeletSetting } from '../model/kubelet.js';
import type { VNode } from '../model/tree.js';
import { criSockets, endpointLike, listensText, parseEndpoint, type CriSocket, type ParsedEndpoint } from './shared/endpoints.js';
import { docStart, insertionDoc, kubeletKnown, kubeletVersion, q } from './shared/kubelet-settings.js';

interface Client {
  /** Who dials, with the verb: "the kubelet dials", "crictl dials", "kubeadm's criSocket names". */
  who: string;
  /** What the value is called where it is written, e.g. `--container-runtime-endpoint`. */
  what: string;
  raw: string;
  severity: Severity;
  at: { file: SourceFile; range: Range };
  /** What fails when the socket is wrong. */
  breaks: string;
  fix: (value: string) => FileChange | null;
}

const KUBELET_BREAKS =
  'the kubelet cannot reach the runtime and exits ("validate service connection: validate CRI v1 runtime API for endpoint …: connect: no such file or directory"), and the node stays NotReady';
const KUBELET_IMAGE_BREAKS = 'image pulls and image garbage collection go to a socket containerd does not serve, and pods cannot start';
const KUBELET_IMAGE_BREAKS_ANY = 'image pulls and image garbage collection go to a socket no runtime serves, and pods cannot start';
const CRICTL_BREAKS = '`crictl ps` and friends fail to connect ("validate service connection: … connect: no such file or directory")';
const CRICTL_IMAGE_BREAKS = '`crictl images` and `crictl pull` fail to connect';
const INSTANCE_BREAKS = 'kubeadm writes this endpoint into the kubelet configuration at the next `kubeadm upgrade` or `join`, and the kubelet then cannot reach the runtime';

function message(c: Client, p: ParsedEndpoint, rt: readonly CriSocket[], isDefault: boolean): string | null {
  const listens = listensText(rt);
  const write = rt.length === 1 ? `unix://${rt[0]!.path}` : 'unix:// and the path of one of them';
  const problem = p.problem;
  if (problem?.kind === 'empty') return null; // unset: the default or crictl-endpoint-unset
  if (problem?.kind === 'unsupported') {
    return `${c.what} ${c.raw} is not a unix socket, the only kind of endpoint Linux CRI clients accept ("${problem.error}"); ${listens}, so write ${write}: ${c.breaks}`;
  }
  if (problem?.kind === 'host') {
    return `${c.what} ${c.raw} reads ${q(p.host)} as a host name, so ${c.who} ${p.socket}, not ${problem.intended} (write three slashes: unix:///…); ${listens}: ${c.breaks}`;
  }
  if (problem?.kind === 'no-path') {
    return `${c.what} ${c.raw} names no socket path (a relative path is read as a host name); ${listens}: ${c.breaks}`;
  }
  if (rt.some((s) => s.socket === p.socket)) return null;
  const source = isDefault ? `${c.what} is not set, so its default ${c.raw} applies` : `${c.what} ${c.raw}`;
  return `${c.who} ${p.socket} (${source}), but ${listens}: ${c.breaks}`;
}

function report(ctx: RuleContext, c: Client, rt: readonly CriSocket[], isDefault = false): void {
  const p = parseEndpoint(c.raw);
  const msg = message(c, p, rt, isDefault);
  if (!msg) return;
  const related: RelatedLocation[] = rt.map((s) => s.related);
  let fix;
  const only = rt.length === 1 ? rt[0]! : null;
  try {
    const ch = only ? c.fix(endpointLike(c.raw, only.path)) : null;
    if (ch && only) fix = makeFix('safe', `point ${c.what} at ${only.path}`, ch);
  } catch (e) {
    if (!(e instanceof FixBuildError)) throw e;
  }
  ctx.report({ ...c.at, severity: c.severity, message: msg, related, ...(fix ? { fix } : {}) });
}

/** A client whose value is a YAML scalar. */
function yamlClient(base: Omit<Client, 'at' | 'fix' | 'raw'>, node: VNode, raw: string): Client {
  return { ...base, raw, at: { file: node.file, range: node.range }, fix: (v) => (node.kind === 'scalar' ? yaml.setValue(node, v) : null) };
}

/** The kubelet's endpoint setting as a client (flag, config value, or the default). */
function kubeletClient(base: Omit<Client, 'at' | 'fix' | 'raw' | 'what'>, field: string, flagName: string, s: KubeletSetting, raw: string, ctx: RuleContext): Client | null {
  if (s.flag) {
    const f = s.flag;
    const file = f.valueFile ?? f.file;
    return {
      ...base,
      what: `--${flagName}`,
      raw,
      at: { file, range: f.valueRange ?? f.range },
      fix: (v) => (f.valueFile === f.file || !f.valueFile ? lines.setFlag(f.file, f.range, flagName, v) : null),
    };
  }
  if (s.node && s.origin === 'config') return yamlClient({ ...base, what: field }, s.node, raw);
  // The default applies (absent, or an empty value the kubelet defaults).
  const model = ctx.node.kubelet!;
  const doc = insertionDoc(model);
  if (!doc) return null;
  const node = s.node;
  return {
    ...base,
    what: field,
    raw,
    at: node ? { file: node.file, range: node.range } : docStart(doc),
    fix: (v) => (node && node.kind === 'scalar' ? yaml.setValue(node, v) : yaml.insertKey(doc.root, field, v)),
  };
}

export default defineRule({
  meta: {
    id: 'cri-socket-mismatch',
    description: 'The kubelet, kubeadm and crictl must dial the socket the container runtime (containerd, CRI-O or cri-dockerd) serves CRI on',
    severity: 'error',
    files: ['containerd', 'crio', 'systemd-unit', 'kubelet', 'kubelet-flags', 'crictl'],
    fixable: 'safe',
  },
  check(ctx) {
    const { node, target } = ctx;
    const rt = criSockets(node, target);
    if (!rt.length) return;
    const kubelet = node.kubelet;
    if (kubeletKnown(kubelet)) {
      const k8s = kubeletVersion(target);
      const runtime = kubeletSetting(kubelet, 'containerRuntimeEndpoint', undefined, k8s);
      const rv = typeof runtime.value === 'string' ? runtime.value : '';
      // Flags alone (no config document) say nothing about the endpoint unless they set it.
      if (rv && (runtime.flag || kubelet.config || kubelet.dropIns.length)) {
        const c = kubeletClient({ who: 'the kubelet dials', severity: 'error', breaks: KUBELET_BREAKS }, 'containerRuntimeEndpoint', 'container-runtime-endpoint', runtime, rv, ctx);
        if (c) report(ctx, c, rt, runtime.origin === 'default');
      }
      const image = kubeletSetting(kubelet, 'imageServiceEndpoint', undefined, k8s);
      if (image.origin !== 'default' && typeof image.value === 'string' && image.value) {
        const c = kubeletClient({ who: 'the kubelet dials', severity: 'error', breaks: rt.length === 1 && rt[0]!.id === 'containerd' ? KUBELET_IMAGE_BREAKS : KUBELET_IMAGE_BREAKS_ANY }, 'imageServiceEndpoint', 'image-service-endpoint', image, image.value, ctx);
        if (c) report(ctx, c, rt);
      }
      const inst = kubelet.instance;
      const iv = inst?.root.entries.find((e) => e.key === 'containerRuntimeEndpoint')?.value;
      if (iv && iv.kind === 'scalar' && typeof iv.value === 'string' && iv.value) {
        report(ctx, yamlClient({ who: "kubeadm's criSocket (instance-config.yaml) names", what: 'containerRuntimeEndpoint', severity: 'warning', breaks: INSTANCE_BREAKS }, iv, iv.value), rt);
      }
    }
    const crictl = node.crictl;
    if (crictl && crictl.shape === 'map') {
      for (const [s, key, breaks] of [
        [crictl.runtimeEndpoint, 'runtime-endpoint', CRICTL_BREAKS],
        [crictl.imageEndpoint, 'image-endpoint', CRICTL_IMAGE_BREAKS],
      ] as const) {
        const n = s.node;
        if (!n || n.kind !== 'scalar' || !s.entry || s.entry.valueKind !== 'scalar' || !s.value) continue;
        report(ctx, yamlClient({ who: 'crictl dials', what: key, severity: 'warning', breaks }, n, s.value), rt);
      }
    }
  },
});
