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
import { criView, type CriView, type MergeMode } from '../../model/containerd.js';
import type { NodeSet } from '../../model/nodeset.js';
import { get, type ScalarNode } from '../../model/tree.js';
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
  /** The `address` assignment, or null when containerd uses its default. */
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
 * address is fatal before 2.3: `invalid-value`).
 */
export function runtimeSocket(node: NodeSet, target: Target): RuntimeSocket | null {
  const model = node.containerd;
  if (!model || !model.main.root) return null;
  const view = criView(model, mergeMode(target));
  if (view.criDisabledBy.length) return null;
  const set = view.grpcAddress.value;
  const path = set ?? String(containerdDefault(target.containerd, 'grpcAddress') ?? '');
  if (!path.startsWith('/')) return null;
  let related: RelatedLocation;
  if (view.grpcAddress.node) {
    const n = view.grpcAddress.node;
    related = { file: n.file, range: n.range, message: `containerd listens on ${path}` };
  } else {
    const root = model.main.root;
    const grpc = get(root, 'grpc');
    const at: { file: SourceFile; range: Range } = grpc && grpc.kind === 'map' ? nodeSpot(grpc) : { file: model.main.source, range: fileStart(model.main.source) };
    related = { ...at, message: `containerd listens on its default socket ${path} (no grpc address is set)` };
  }
  return { path, socket: normalizeSocketPath(path), node: view.grpcAddress.node, view, related };
}

/** The socket crictl-style fixes should name: containerd's, or its default when there is no config. */
export function runtimeSocketPath(node: NodeSet, target: Target): string {
  return runtimeSocket(node, target)?.path ?? String(containerdDefault(target.containerd, 'grpcAddress'));
}
