/**
 * CRI endpoints as the kubelet and crictl read them, and the socket containerd listens on.
 *
 * How a client turns an endpoint string into the socket it dials: k8s.io/cri-client
 * pkg/util/util_unix.go `GetAddressAndDialer` → `parseEndpointWithFallbackProtocol(endpoint, "unix")`
 * → `parseEndpoint` (kubernetes/cri-client @ 1d4af3619b64; vendored by cri-tools and used by the
 * kubelet; reference/crictl-crio-docker-sysctl.md §1.4, reference/kubelet-kubeadm.md §3.5):
 * - the string goes through Go's `url.Parse`; scheme `unix` dials `u.Path`, whatever the host is,
 *   so `unix://run/containerd/containerd.sock` (two slashes) dials `/containerd/containerd.sock`
 *   with `run` as the (ignored) host; `unix:/run/x.sock` (one slash) dials `/run/x.sock`;
 * - an endpoint without a scheme is retried as `"unix://" + endpoint`: an absolute path works,
 *   a relative one (`run/containerd/containerd.sock`, `containerd.sock`) ends up in the host part;
 * - on Linux only `unix` is accepted: `tcp` fails with "only support unix socket endpoint", any
 *   other scheme with `protocol "<x>" not supported`.
 * `/var/run` is a symlink to `/run` on every systemd distribution (kubeadm's constants use
 * `/var/run/containerd/containerd.sock`, the kubelet's default `/run/containerd/containerd.sock`:
 * reference/kubelet-kubeadm.md §3.5), so both spellings name one socket.
 */
import { posix } from 'node:path';
import type { SourceFile } from '../../core/source.js';
import { fileStart } from '../../core/source.js';
import type { Range, RelatedLocation } from '../../core/types.js';
import { containerdDefault } from '../../data/containerd-defaults.js';
import { configVersionVerdict } from '../../data/containerd.js';
import { criView, type CriView, type MergeMode } from '../../model/containerd.js';
import type { NodeSet } from '../../model/nodeset.js';
import { get, type ScalarNode } from '../../model/tree.js';
import { CRIO_DEFAULT_LISTEN } from '../../data/crio.js';
import { CRI_DOCKERD_SOCKET_UNIT } from '../../data/docker.js';
import type { CriRuntime } from '../../data/kubernetes.js';
import { crioSettings, crioSettingSpot, crioSettingText } from '../../model/crio.js';
import { criDockerdEndpoint } from '../../model/docker.js';
import { kubeletSetting } from '../../model/kubelet.js';
import { kubeletVersion } from './kubelet-settings.js';
import type { Target } from '../../engine/rule.js';
import { nodeSpot } from './runc.js';

export interface ParsedEndpoint {
  raw: string;
  /** Lower-case scheme as written; '' for a bare path. */
  scheme: string;
  /** The host part (`unix://HOST/path`), '' when none. */
  host: string;
  /** The socket path the client dials (normalised: cleaned, `/var/run` → `/run`); '' when it dials none. */
  socket: string;
  /** Why a Linux client cannot use it as intended, or null. */
  problem: EndpointProblem | null;
}

export type EndpointProblem =
  /** `unix://run/x.sock` or a relative bare path: a host part eats the first path segment. */
  | { kind: 'host'; intended: string }
  /** Nothing to dial (`unix://`, `unix:relative`, a bare relative name). */
  | { kind: 'no-path' }
  /** A scheme Linux clients refuse; `error` is their message. */
  | { kind: 'unsupported'; error: string }
  | { kind: 'empty' };

/** `/var/run/x` → `/run/x`, with the path cleaned (`//`, `.`, `..`). Relative paths stay relative. */
export function normalizeSocketPath(p: string): string {
  if (!p) return '';
  let s = posix.normalize(p);
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  if (s === '/var/run') return '/run';
  if (s.startsWith('/var/run/')) s = s.slice('/var'.length);
  return s;
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s;

/** Split `unix:` + rest the way Go's url.Parse does for a hierarchical URL: authority and path. */
function splitRest(rest: string): { host: string; path: string } {
  if (rest.startsWith('//')) {
    const after = rest.slice(2);
    const slash = after.indexOf('/');
    return slash < 0 ? { host: after, path: '' } : { host: after.slice(0, slash), path: after.slice(slash) };
  }
  if (rest.startsWith('/')) return { host: '', path: rest };
  return { host: '', path: '' }; // opaque (`unix:relative`): url.URL.Path is empty
}

/** Parse an endpoint the way the kubelet and crictl do on Linux (see the module comment). */
export function parseEndpoint(raw: string): ParsedEndpoint {
  const out = (scheme: string, host: string, path: string, problem: EndpointProblem | null): ParsedEndpoint => ({
    raw,
    scheme,
    host,
    socket: normalizeSocketPath(path),
    problem,
  });
  if (raw.trim() === '') return out('', '', '', { kind: 'empty' });
  const m = SCHEME.exec(raw);
  // A bare endpoint (no scheme) is retried as unix://<endpoint>.
  const scheme = m && !raw.startsWith('/') ? m[1]!.toLowerCase() : '';
  if (scheme && scheme !== 'unix') {
    return out(scheme, '', '', { kind: 'unsupported', error: scheme === 'tcp' ? 'only support unix socket endpoint' : `protocol "${scheme}" not supported` });
  }
  const { host, path } = splitRest(scheme ? m![2]! : '//' + raw);
  if (host) {
    const intended = normalizeSocketPath('/' + host + path);
    return out(scheme, host, path, path ? { kind: 'host', intended } : { kind: 'no-path' });
  }
  if (!path) return out(scheme, '', '', { kind: 'no-path' });
  return out(scheme, '', path, null);
}

/** Whether two endpoints or socket paths name the same socket (both must parse without a problem). */
export function sameSocket(a: string, b: string): boolean {
  const pa = parseEndpoint(a);
  const pb = parseEndpoint(b);
  return !pa.problem && !pb.problem && pa.socket === pb.socket;
}

/**
 * The endpoint to write in place of `old` so that it names `socketPath`, in the style the user
 * wrote: a bare absolute path stays bare, anything else (`unix://…`, `unix:/…`, `tcp://…`, a
 * relative path) becomes `unix://` + the absolute socket path.
 */
export function endpointLike(old: string, socketPath: string): string {
  const p = parseEndpoint(old);
  if (p.scheme === '' && old.startsWith('/')) return socketPath;
  return `unix://${socketPath}`;
}

// ---------------------------------------------------------------------------------------------
// containerd's socket

export function mergeMode(target: Target): MergeMode {
  return target.containerd.major >= 2 ? '2.x' : '1.x';
}

export interface RuntimeSocket {
  /** Absolute socket path containerd listens on, as written (or the default). */
  path: string;
  /** Normalised path for comparisons. */
  socket: string;
  /** The `address` assignment, or null when containerd uses its default (or its --address flag). */
  node: ScalarNode | null;
  view: CriView;
  /** Where to point `related` at: the address, else the `[grpc]` table, else the start of config.toml. */
  related: RelatedLocation;
}

/**
 * The socket containerd serves CRI on: `[grpc] address` (config versions 1–3), the server
 * plugin `io.containerd.server.v1.grpc` for version 4 (criView reads both, reference
 * containerd.md §1.4), or the default /run/containerd/containerd.sock (data: containerdDefault
 * `grpcAddress`). null when there is no containerd config, when the CRI service is disabled
 * (`cri-plugin-disabled` says so), or when the address is not an absolute path (an empty
 * address is fatal before 2.3: `invalid-value`). containerd's `--address` wins over all of them.
 */
export function runtimeSocket(node: NodeSet, target: Target): RuntimeSocket | null {
  const model = node.containerd;
  if (!model || !model.main.root) return null;
  const view = criView(model, mergeMode(target));
  if (view.criDisabledBy.length) return null;
  // containerd's --address (containerd.service) overrides the files' address.
  const flag = model.cli.address;
  const set = flag ? flag.value : view.grpcAddress.value;
  const path = set ?? String(containerdDefault(target.containerd, 'grpcAddress') ?? '');
  if (!path.startsWith('/')) return null;
  let related: RelatedLocation;
  if (flag) {
    related = { file: flag.valueFile ?? flag.file, range: flag.valueRange ?? flag.range, message: `containerd listens on ${path} (${flag.written} on containerd's command line, containerd.service)` };
  } else if (view.grpcAddress.node) {
    const n = view.grpcAddress.node;
    related = { file: n.file, range: n.range, message: `containerd listens on ${path}` };
  } else {
    const root = model.main.root;
    const grpc = get(root, 'grpc');
    const at: { file: SourceFile; range: Range } = grpc && grpc.kind === 'map' ? nodeSpot(grpc) : { file: model.main.source, range: fileStart(model.main.source) };
    related = { ...at, message: `containerd listens on its default socket ${path} (no grpc address is set)` };
  }
  return { path, socket: normalizeSocketPath(path), node: flag ? null : view.grpcAddress.node, view, related };
}

/**
 * The socket crictl-style fixes should name: the runtime the kubelet uses (see kubeletRuntime),
 * else the first configured one (containerd's, then CRI-O's), else containerd's default.
 */
export function runtimeSocketPath(node: NodeSet, target: Target): string {
  const list = criSockets(node, target);
  const id = kubeletRuntime(node, target);
  return (list.find((s) => s.id === id) ?? list[0])?.path ?? String(containerdDefault(target.containerd, 'grpcAddress'));
}

// ---------------------------------------------------------------------------------------------
// Every runtime configured on the node

export type RuntimeId = CriRuntime;

/** A CRI runtime configured on the node and the socket it serves CRI on. */
export interface CriSocket {
  id: RuntimeId;
  /** How messages name it. */
  label: 'containerd' | 'CRI-O' | 'cri-dockerd';
  /** Absolute socket path, as written (or the default). */
  path: string;
  /** Normalised path for comparisons. */
  socket: string;
  related: RelatedLocation;
}

/**
 * CRI-O's socket: `[crio.api] listen` (a plain path, `net.Listen("unix", …)`), else the default
 * /var/run/crio/crio.sock (data CRIO_DEFAULT_LISTEN). null without a CRI-O configuration that parsed,
 * or when `listen` is not an absolute path (invalid-value says why).
 */
export function crioSocket(node: NodeSet): CriSocket | null {
  const model = node.crio;
  if (!model || !model.configFiles.some((f) => f.root)) return null;
  const s = crioSettings(model);
  const path = s.listen.value ?? CRIO_DEFAULT_LISTEN.path;
  if (!path.startsWith('/')) return null;
  let related: RelatedLocation;
  const decided = crioSettingSpot(s.listen);
  if (decided) related = { ...decided, message: `CRI-O listens on ${path}${s.listen.cli ? ` (${crioSettingText(s.listen, 'listen')})` : ''}` };
  else {
    const api = s.tables.api;
    const first = model.configFiles[0]!.source;
    const at = api && !api.implicit ? nodeSpot(api) : { file: first, range: fileStart(first) };
    related = { ...at, message: `CRI-O listens on its default socket ${path} (no [crio.api] listen is set)` };
  }
  return { id: 'crio', label: 'CRI-O', path, socket: normalizeSocketPath(path), related };
}

/**
 * cri-dockerd's socket (model/docker.ts criDockerdEndpoint) when its service or socket unit is on the
 * node; null otherwise (Docker alone serves no CRI).
 */
export function criDockerdSocket(node: NodeSet): CriSocket | null {
  const model = node.docker;
  if (!model || (!model.criDockerd && !model.criDockerdSocket)) return null;
  const ep = criDockerdEndpoint(model);
  if (!ep) return null;
  let related: RelatedLocation;
  if (ep.how === 'socket-unit' && ep.listen) related = { file: ep.listen.file, range: ep.listen.valueRange, message: `cri-dockerd listens on ${ep.path} (socket activation: cri-docker.socket)` };
  else if (ep.flag) related = { file: ep.flag.valueFile ?? ep.flag.file, range: ep.flag.valueRange ?? ep.flag.range, message: ep.how === 'packaged-socket' ? `cri-dockerd is socket-activated; without a cri-docker.socket here the packaged one listens on ${ep.path}` : `cri-dockerd listens on ${ep.path}` };
  else {
    const f = (model.criDockerd ?? model.criDockerdSocket)!.files[0]!.file;
    related = { file: f, range: fileStart(f), message: `cri-dockerd listens on its default socket ${ep.path} (no --container-runtime-endpoint)` };
  }
  return { id: 'cri-dockerd', label: 'cri-dockerd', path: ep.path, socket: normalizeSocketPath(ep.path), related };
}

const LABELS: Readonly<Record<RuntimeId, CriSocket['label']>> = { containerd: 'containerd', crio: 'CRI-O', 'cri-dockerd': 'cri-dockerd' };
const FLAG_NAMES: Readonly<Record<RuntimeId, string>> = { containerd: 'containerd', crio: 'cri-o', 'cri-dockerd': 'docker' };

/**
 * The runtimes configured on the node with the sockets they serve CRI on: containerd, CRI-O,
 * cri-dockerd. With `--runtime`, only that one — at its default socket when the node set has none of
 * its configuration (a finding then points at no file for it).
 */
export function criSockets(node: NodeSet, target: Target): CriSocket[] {
  const all = configuredSockets(node, target);
  const want = target.runtime;
  if (!want) return all;
  const hit = all.filter((s) => s.id === want);
  if (hit.length) return hit;
  const configured = want === 'containerd' ? node.containerd : want === 'crio' ? node.crio : node.docker?.criDockerd || node.docker?.criDockerdSocket ? node.docker : null;
  if (configured) return []; // configured, but no usable socket (CRI disabled, a bad address): other rules say why
  const path = want === 'containerd' ? String(containerdDefault(target.containerd, 'grpcAddress')) : want === 'crio' ? CRIO_DEFAULT_LISTEN.path : CRI_DOCKERD_SOCKET_UNIT.listen;
  const label = LABELS[want];
  return [{ id: want, label, path, socket: normalizeSocketPath(path), related: { file: null, range: null, message: `--runtime ${FLAG_NAMES[want]}: ${label} listens on its default socket ${path} (none of its configuration is in this node set)` } }];
}

function configuredSockets(node: NodeSet, target: Target): CriSocket[] {
  const out: CriSocket[] = [];
  const c = runtimeSocket(node, target);
  if (c) out.push({ id: 'containerd', label: 'containerd', path: c.path, socket: c.socket, related: c.related });
  const o = crioSocket(node);
  if (o) out.push(o);
  const d = criDockerdSocket(node);
  if (d) out.push(d);
  return out;
}

/** `containerd listens on X`, `containerd listens on X and CRI-O on Y`. */
export function listensText(list: readonly CriSocket[]): string {
  return list.map((s, i) => (i === 0 ? `${s.label} listens on ${s.path}` : `${s.label} on ${s.path}`)).join(' and ');
}

/**
 * Which configured runtime the kubelet-against-runtime rules check: the only one configured
 * (whatever the kubelet dials: a wrong endpoint is cri-socket-mismatch's), or, with two, the one
 * the kubelet's runtime endpoint names (`--container-runtime-endpoint` > `containerRuntimeEndpoint`
 * > the default). null with none, or when the kubelet dials neither of two (cri-socket-mismatch).
 */
export function kubeletRuntime(node: NodeSet, target: Target): RuntimeId | null {
  if (target.runtime) return target.runtime;
  const list = criSockets(node, target);
  if (list.length <= 1) return list[0]?.id ?? null;
  const kubelet = node.kubelet;
  const raw = kubelet ? kubeletSetting(kubelet, 'containerRuntimeEndpoint', undefined, kubeletVersion(target)).value : undefined;
  const p = parseEndpoint(typeof raw === 'string' ? raw : '');
  return (!p.problem && list.find((s) => s.socket === p.socket)?.id) || null;
}

/** Whether the kubelet-against-runtime rules check this runtime (see kubeletRuntime). */
export function checksRuntime(node: NodeSet, target: Target, id: RuntimeId): boolean {
  return kubeletRuntime(node, target) === id;
}

/**
 * Whether the containerd-against-kubelet checks apply: always on a node without another runtime (as
 * before CRI-O and cri-dockerd were modelled), and with one configured too only when the kubelet
 * dials containerd.
 */
/**
 * Whether the target containerd starts with this config as far as its version goes: it refuses a
 * version above the one it reads (config-version-unsupported), and then nothing the file says about
 * the running node holds, so the rules that describe it stay silent.
 */
export function containerdAcceptsVersion(view: CriView, target: Target): boolean {
  return configVersionVerdict(target.containerd, view.version).effect !== 'fatal';
}

export function checksContainerd(node: NodeSet, target: Target): boolean {
  if (target.runtime) return target.runtime === 'containerd';
  return (crioSocket(node) === null && criDockerdSocket(node) === null) || checksRuntime(node, target, 'containerd');
}
