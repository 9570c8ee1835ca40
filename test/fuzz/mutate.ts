/**
 * Random mutations of configuration bytes for the property and differential suites: delete,
 * duplicate or swap lines, change a value (often to another type), rename a key, truncate,
 * inject bytes. A mutation is plain data (fast-check shrinks and prints it); `applyMutations`
 * turns it into bytes. Line numbers and offsets are taken modulo the text's size, so any
 * mutation applies to any file.
 */
import fc from 'fast-check';

export type Mutation =
  | { op: 'delete'; line: number }
  | { op: 'duplicate'; line: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'value'; line: number; value: string }
  | { op: 'key'; line: number; key: string }
  | { op: 'truncate'; at: number }
  | { op: 'inject'; at: number; bytes: number[] };

/** Values of every TOML/YAML/sysctl type, and the ones the rules care about. */
export const VALUES: readonly string[] = [
  'true', 'false', '"true"', '1', '0', '-1', '2', '3', '4', '10', '-999', '3.5', '1e3', 'inf', 'nan', '0x10', '0o17',
  '99999999999999999999', '""', '"x"', "'literal'", '[]', '[1, "a"]', '["a", "b"]', '{}', '{ a = 1 }', '{a: 1}',
  '1979-05-27T07:32:00Z', 'null', '~', 'yes', 'no', 'on', 'systemd', 'cgroupfs', '"systemd"', '"cgroupfs"',
  '"unix:///run/containerd/containerd.sock"', '"/run/containerd/containerd.sock"', 'unix:///var/run/crio/crio.sock',
  '"registry.k8s.io/pause:3.9"', '"registry.k8s.io/pause:3.10"', 'registry.k8s.io/pause:3.10.1', '"overlayfs"',
  '"io.containerd.runc.v2"', '"io.containerd.runtime.v1.linux"', '["cri"]', '["io.containerd.grpc.v1.cri"]',
  '["conf.d/*.toml"]', '["../config.toml"]', '["/etc/containerd/config.toml"]', '"runc"', '1h', '"10s"', '"1m0s"',
];

/** Keys crilint knows about, and a few it does not. */
export const KEYS: readonly string[] = [
  'version', 'imports', 'disabled_plugins', 'required_plugins', 'root', 'state', 'oom_score', 'SystemdCgroup',
  'systemd_cgroup', 'sandbox_image', 'sandbox', 'default_runtime_name', 'runtime_type', 'config_path', 'snapshotter',
  'address', 'cgroupDriver', 'containerRuntimeEndpoint', 'failSwapOn', 'protectKernelDefaults', 'maxPods',
  'runtime-endpoint', 'image-endpoint', 'timeout', 'debug', 'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables',
  'vm.overcommit_memory', 'kernel.panic', '-net.ipv4.ip_forward', 'br_netfilter', 'overlay', 'nosuchkey',
  '[plugins."io.containerd.grpc.v1.cri"]', '[plugins."io.containerd.cri.v1.runtime"]', '[plugins.cri]', '[[x]]',
  'plugins."io.containerd.grpc.v1.cri".sandbox_image', 'KUBELET_KUBEADM_ARGS', 'apiVersion', 'kind',
];

/** Bytes that break encodings and syntax. */
const NASTY: readonly number[][] = [
  [0x00], [0xff], [0xc3], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0x0d], [0x0d, 0x0a], [0x09], [0x22], [0x27], [0x5b], [0x5d],
  [0x7b], [0x7d], [0x23], [0x5c], [0x3d], [0x3a], [0x26, 0x61], [0x2a, 0x61], [0x2d, 0x20], [0x7c], [0x3e], [0xe2, 0x80, 0xa8],
  [0x1b, 0x5b, 0x33, 0x31, 0x6d],
];

const line = fc.nat({ max: 10_000 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), line }),
  fc.record({ op: fc.constant('duplicate' as const), line }),
  fc.record({ op: fc.constant('swap' as const), a: line, b: line }),
  fc.record({ op: fc.constant('value' as const), line, value: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }) }),
  fc.record({ op: fc.constant('key' as const), line, key: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 1000 }) }),
  fc.record({
    op: fc.constant('inject' as const),
    at: fc.nat({ max: 100_000 }),
    bytes: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NASTY) }, { weight: 1, arbitrary: fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 6 }) }),
  }),
);

function splitLines(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++)
    if (b[i] === 0x0a) {
      out.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

/** Where the value of a `key = value` / `key: value` line starts (after the first `=` or `: `), or -1. */
function valueStart(s: string): number {
  const eq = s.indexOf('=');
  const colon = s.search(/:(\s|$)/);
  const cands = [eq, colon].filter((i) => i >= 0);
  return cands.length ? Math.min(...cands) + 1 : -1;
}

export function applyMutation(input: Uint8Array, m: Mutation): Buffer {
  const b = Buffer.from(input);
  if (m.op === 'truncate') return b.subarray(0, Math.floor((b.length * m.at) / 1000));
  if (m.op === 'inject') {
    const at = b.length ? m.at % (b.length + 1) : 0;
    return Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
  }
  const lines = splitLines(b);
  if (!lines.length) return m.op === 'value' || m.op === 'key' ? Buffer.from(m.op === 'key' ? `${m.key} = 1\n` : `x = ${m.value}\n`) : b;
  const i = (m.op === 'swap' ? m.a : m.line) % lines.length;
  switch (m.op) {
    case 'delete':
      lines.splice(i, 1);
      break;
    case 'duplicate':
      lines.splice(i, 0, lines[i]!);
      break;
    case 'swap': {
      const j = m.b % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    }
    case 'value': {
      const s = lines[i]!.toString('latin1');
      const at = valueStart(s);
      const eol = s.endsWith('\r\n') ? '\r\n' : s.endsWith('\n') ? '\n' : '';
      const head = at >= 0 ? lines[i]!.subarray(0, at) : Buffer.from(s.replace(/\r?\n$/, '') + ' = ', 'latin1');
      lines[i] = Buffer.concat([head, Buffer.from(` ${m.value}${eol}`)]);
      break;
    }
    case 'key': {
      const s = lines[i]!.toString('latin1');
      const lead = /^\s*/.exec(s)![0].length;
      const at = valueStart(s);
      const rest = at >= 0 ? lines[i]!.subarray(at - 1) : Buffer.from(' = 1\n');
      lines[i] = Buffer.concat([lines[i]!.subarray(0, lead), Buffer.from(m.key), rest]);
      break;
    }
  }
  return Buffer.concat(lines);
}

export function applyMutations(input: Uint8Array, ms: readonly Mutation[]): Buffer {
  let b: Buffer = Buffer.from(input);
  for (const m of ms) b = applyMutation(b, m);
  return b;
}

/**
 * The seed for a property run: CRILINT_FC_SEED when set (to replay a failure), else a random one.
 * fast-check prints the seed (and the counterexample's path) when a property fails.
 */
export function randomSeed(): number {
  const env = process.env.CRILINT_FC_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n)) throw new Error(`CRILINT_FC_SEED must be an integer, got ${JSON.stringify(env)}`);
    return n;
  }
  return (Math.random() * 2 ** 31) | 0;
}

// ---------------------------------------------------------------------------------------------
// containerd configs (the differential suite)

export type ContainerdMutation =
  | Mutation
  | { op: 'version'; value: string }
  | { op: 'plugin'; nth: number; id: string };

/** Plugin IDs as they appear in `[plugins.<id>]` headers: the CRI IDs of every version, misspellings, other plugins. */
export const PLUGIN_IDS: readonly string[] = [
  'cri', '"cri"', '"io.containerd.grpc.v1.cri"', '"io.containerd.cri.v1.runtime"', '"io.containerd.cri.v1.images"',
  '"io.containerd.grpc.v1.crii"', '"io.containerd.grpc.v1.CRI"', '"io.containerd.runtime.v1.linux"', '"io.containerd.runtime.v2.task"',
  '"io.containerd.internal.v1.opt"', '"io.containerd.snapshotter.v1.overlayfs"', '"io.containerd.gc.v1.scheduler"',
  '"io.containerd.server.v1.grpc"', '"io.containerd.metadata.v1.bolt"', 'linux', 'opt', 'nosuchplugin',
];

const VERSION_VALUES = ['1', '2', '3', '4', '0', '-1', '5', '"2"', '2.0', 'true', '99999999999'];

/** Values for containerd keys: every type, minus absolute paths (containerd reads those on the host, crilint below the root). */
const CONTAINERD_VALUES = VALUES.filter((v) => !/"\//.test(v));

const CONTAINERD_KEYS: readonly string[] = [
  ...KEYS.filter((k) => /^[a-z_A-Z[]/.test(k) && !k.includes('.ipv4') && !k.includes('-')),
  'no_pivot', 'systemd_cgroup', 'stream_server_port', 'max_container_log_line_size', 'enable_selinux', 'disable_apparmor',
  'restrict_oom_score_adj', 'max_concurrent_downloads', 'disable_tcp_service', 'enable_unprivileged_ports', 'NoPivotRoot',
  'BinaryName', 'runtime_engine', 'runtime_root', 'privileged_without_host_devices', 'cni_conf_dir', 'conf_dir', 'bin_dir',
  'uid', 'gid', 'level', 'format', 'pause_threshold', 'deletion_threshold', 'schedule_delay', 'startup_delay',
];

export const containerdMutationArb: fc.Arbitrary<ContainerdMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('version' as const), value: fc.constantFrom(...VERSION_VALUES) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('plugin' as const), nth: fc.nat({ max: 50 }), id: fc.constantFrom(...PLUGIN_IDS) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('value' as const), line, value: fc.constantFrom(...CONTAINERD_VALUES) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('key' as const), line, key: fc.constantFrom(...CONTAINERD_KEYS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), line }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), line }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), a: line, b: line }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat({ max: 1000 }) }) },
);

const PLUGIN_REF = /"io\.containerd\.[\w-]+\.v\d+\.[\w.-]+"|(?<=plugins\.)(?:"cri"|cri)\b/g;

export function applyContainerdMutation(input: Uint8Array, m: ContainerdMutation): Buffer {
  if (m.op === 'version') {
    const s = Buffer.from(input).toString('utf8');
    const re = /^(\s*)version\s*=.*$/m;
    return Buffer.from(re.test(s) ? s.replace(re, `$1version = ${m.value}`) : `version = ${m.value}\n${s}`);
  }
  if (m.op === 'plugin') {
    const s = Buffer.from(input).toString('utf8');
    const hits = [...s.matchAll(PLUGIN_REF)];
    if (!hits.length) return Buffer.from(input);
    const h = hits[m.nth % hits.length]!;
    return Buffer.from(s.slice(0, h.index) + m.id + s.slice(h.index + h[0].length));
  }
  return applyMutation(input, m);
}

export function applyContainerdMutations(input: Uint8Array, ms: readonly ContainerdMutation[]): Buffer {
  let b: Buffer = Buffer.from(input);
  for (const m of ms) b = applyContainerdMutation(b, m);
  return b;
}
