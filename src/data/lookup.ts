/**
 * Shared helpers for the knowledge tables: the `Sourced` shape every entry carries, loose version
 * comparison (a minor-only version such as `1.34` or `2.0` means the newest patch of that line,
 * like `minorAtLeast` in core/version), and clamping of versions outside the tables.
 */
import { fmtVersion, parseVersion, type Version } from '../core/version.js';
import { CONTAINERD_MINORS, KUBERNETES_MINORS } from './versions.js';

/** Every table entry says where the fact comes from; uncertain facts say why. */
export interface Sourced {
  /** Upstream source: repo, path @ tag/commit, PR/issue. */
  source: string;
  /** Set when the fact could not be confirmed at its upstream source. */
  uncertain?: true;
  /** Why the fact is uncertain (present when `uncertain`). */
  why?: string;
}

export type KubernetesMinor = (typeof KUBERNETES_MINORS)[number];
export type ContainerdMinor = (typeof CONTAINERD_MINORS)[number];

const constants = new Map<string, Readonly<Version>>();

/**
 * Parse a version constant from a table; a typo in a table is a programming error. The tables
 * are compared against on every lookup, so each constant is parsed once (and frozen, as it is shared).
 */
export function ver(s: string): Readonly<Version> {
  let v = constants.get(s);
  if (v === undefined) {
    const p = parseVersion(s);
    if (!p) throw new Error(`bad version constant in src/data: ${s}`);
    v = Object.freeze(p);
    constants.set(s, v);
  }
  return v;
}

/**
 * `x >= threshold`, where a minor-only `x` stands for the newest patch of its line and a
 * threshold without patch means `.0`. So `2.0` is at least `2.0.7`, `2.0.6` is not, and `1.34`
 * is at least `1.34` and `1.34.0`.
 */
export function atLeastLoose(x: Version, threshold: string | Version): boolean {
  const t = typeof threshold === 'string' ? ver(threshold) : threshold;
  if (x.major !== t.major) return x.major > t.major;
  if (x.minor !== t.minor) return x.minor > t.minor;
  return (x.patch ?? Number.POSITIVE_INFINITY) >= (t.patch ?? 0);
}

/** `major.minor` of a version. */
export function lineOf(x: Version): string {
  return `${x.major}.${x.minor}`;
}

/** Last entry whose `since` the version reaches (entries in ascending order), if any. */
export function pickSince<T extends { since: string }>(entries: readonly T[], x: Version): T | undefined {
  let found: T | undefined;
  for (const e of entries) {
    if (atLeastLoose(x, e.since)) found = e;
    else break;
  }
  return found;
}

/** A version mapped onto the range the tables cover. */
export interface Clamped {
  /** The version the tables are read with. */
  version: Version;
  /** Its `major.minor` line, always one of the table's lines. */
  line: string;
  /** Set when the given version lies outside the tables. */
  clamped?: 'newer' | 'older';
  /** Human-readable note for the report when clamped. */
  note?: string;
}

// Lookups clamp the same target version over and over (once per field a rule asks about).
const clampedK8s = new WeakMap<Version, Clamped>();
const clampedContainerd = new WeakMap<Version, Clamped>();

function clampOnce(memo: WeakMap<Version, Clamped>, x: Version, lines: readonly string[], product: string): Clamped {
  let c = memo.get(x);
  if (c === undefined) {
    c = clampTo(x, lines, product);
    memo.set(x, c);
  }
  return c;
}

function clampTo(x: Version, lines: readonly string[], product: string): Clamped {
  const oldest = ver(lines[0]!);
  const newest = ver(lines[lines.length - 1]!);
  const line = lineOf(x);
  if (x.major > newest.major || (x.major === newest.major && x.minor > newest.minor)) {
    return {
      version: { major: newest.major, minor: newest.minor },
      line: lineOf(newest),
      clamped: 'newer',
      note: `${product} ${fmtVersion(x)} is newer than the data tables (newest ${fmtVersion(newest)}); checking with ${fmtVersion(newest)}'s data`,
    };
  }
  if (x.major < oldest.major || (x.major === oldest.major && x.minor < oldest.minor)) {
    return {
      version: { major: oldest.major, minor: oldest.minor, patch: 0 },
      line: lineOf(oldest),
      clamped: 'older',
      note: `${product} ${fmtVersion(x)} is older than the data tables (oldest ${fmtVersion(oldest)}); checking with ${fmtVersion(oldest)}.0's data`,
    };
  }
  return { version: x, line };
}

/** Map a Kubernetes version onto 1.24–1.36 (newer: the newest minor; older: 1.24.0). */
export function clampKubernetes(x: Version): Clamped {
  return clampOnce(clampedK8s, x, KUBERNETES_MINORS, 'Kubernetes');
}

/** Map a containerd version onto 1.6–2.3 (newer: the newest patch of 2.3; older: 1.6.0). */
export function clampContainerd(x: Version): Clamped {
  return clampOnce(clampedContainerd, x, CONTAINERD_MINORS, 'containerd');
}

/** Key path for messages: `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup`. */
export function fmtKeyPath(path: readonly string[]): string {
  return path.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join('.');
}

/** Own-property lookup in a constant table (so `constructor` or `toString` are never "found"). */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * The levels logrus.ParseLevel takes, case-insensitive; anything else is the error
 * `not a valid logrus Level: "X"` (sirupsen/logrus logrus.go ParseLevel, v1.x). CRI-O
 * (`log_level`, `--log-level`) and cri-dockerd (`--log-level`) parse their log level with it.
 */
export const LOGRUS_LEVELS: { levels: readonly string[] } & Sourced = {
  levels: ['panic', 'fatal', 'error', 'warn', 'warning', 'info', 'debug', 'trace'],
  source: 'sirupsen/logrus logrus.go ParseLevel (v1.x); cri-o/cri-o cmd/crio/main.go (logrus.ParseLevel(config.LogLevel)) @ v1.28.0, v1.36.0; Mirantis/cri-dockerd cmd/server.go @ 246bd657 ("Unknown log level: %s")',
};
