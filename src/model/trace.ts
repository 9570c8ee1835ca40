/**
 * What one node set's lint looked at on disk, recorded by LoadContext so that `--cache`
 * (src/cli/cache.ts) can later tell, cheaply, whether the same lint would see the same thing.
 *
 * Every lookup of a lint goes through LoadContext (src/model/load.ts): lstat (and readlink) of
 * each path component inside a root, stat, readdir, and reading a file. Each answer is recorded
 * once per path and operation: what was there (nothing, a file, a directory, a link and its
 * target), the names of a directory that was listed, and a digest of the bytes of a file read.
 *
 * Two checks, cheapest first:
 * - `unchangedByStat(check)`: stat each directory and each file that was read, and compare a
 *   fingerprint of device, inode, size, mtime and ctime. Inside a node root, every other answer
 *   (a path that was absent, a link, a file only stat'ed) is implied by its parent directory:
 *   creating, removing, renaming or replacing an entry changes the directory's mtime, and a link
 *   cannot be changed in place. So ~11 stats stand for a node's ~35 lookups. Outside a root (loose
 *   files), such answers are looked up again. Which lookups to repeat is worked out when the trace
 *   is stored: `check` lists them.
 * - `unchangedByContent(full)` when that fails (a fresh checkout has new inodes and times, or an
 *   entry was racy): every lookup again, listings and digests compared. It gives a new `check`.
 * A node set is not cached when a lookup failed in a way the records do not explain (permission
 * denied, say), or met a FIFO or device, or a name with a tab or newline (the format's separators).
 *
 * Formats: one line a lookup, fields separated by tabs.
 * - full:  `OK PATH EXTRA` — O operation (`L` lstat, `S` stat: a link followed), K kind (`n`
 *   nothing, `f` file, `d` directory, `l` link), PATH relative to the root (empty: the root
 *   itself) or absolute outside one, EXTRA a link's target, a listed directory's names (sorted,
 *   each after a `/`; `/` alone for an empty one), or a read file's digest (`#SIZE` for one too
 *   large to read).
 * - check: `OK PATH FP TARGET` — FP the fingerprint to compare (empty: compare the kind, and a
 *   link's target, instead).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { MAX_FILE_BYTES } from '../discover/read.js';

/**
 * A fingerprint is trusted only when the entry's mtime and ctime are older than this before the
 * lookup started. A change made later gets a later timestamp, unless it falls in the same tick of
 * the file system's clock as the recorded one (Linux: a few ms; FAT: 2 s): then the two would look
 * the same, so such an entry is checked by content next time (as git treats a "racily clean" file).
 */
export const RACY_MS = 2000;

/** What to store for a node set: see the module comment; `check` is null when some fingerprint is racy. */
export interface StoredTrace {
  check: string | null;
  full: string;
}

type Op = 'L' | 'S';
type Kind = 'n' | 'f' | 'd' | 'l' | 'o';

/** One lookup's answer, with the stat it came from (for fingerprints). */
interface Rec {
  op: Op;
  /** As stored: relative to the root, or absolute. */
  path: string;
  kind: Kind;
  stats: Stats | null;
  extra?: string;
  /** A file that was read (its fingerprint is checked). */
  read?: boolean;
}

function kindOf(st: Stats | null | undefined): Kind {
  if (!st) return 'n';
  if (st.isFile()) return 'f';
  if (st.isDirectory()) return 'd';
  if (st.isSymbolicLink()) return 'l';
  return 'o';
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** A 64-bit hash of device, inode, size, mtime and ctime (the times as the exact doubles Node gives). */
function fingerprint(st: Stats): string {
  let h1 = 0x9e3779b9;
  let h2 = 0x85ebca6b;
  const values = [st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs];
  for (let i = 0; i < 5; i++) {
    f64[0] = values[i]!;
    for (let k = 0; k < 2; k++) {
      const w = u32[k]!;
      h1 = Math.imul(h1 ^ w, 0x9e3779b1);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h1 ^= h1 >>> 15;
      h2 ^= h2 >>> 13;
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b) ^ Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  return (h1 >>> 0).toString(36) + '.' + (h2 >>> 0).toString(36);
}

function racy(st: Stats, since: number): boolean {
  const limit = since - RACY_MS;
  return st.mtimeMs >= limit || st.ctimeMs >= limit;
}

let crypto: typeof import('node:crypto') | undefined;
/** The digest of a file's bytes (node:crypto is loaded only when a cache needs one). */
export function digest(bytes: Uint8Array): string {
  crypto ??= process.getBuiltinModule('node:crypto');
  return crypto.createHash('sha256').update(bytes).digest('base64url').slice(0, 27);
}

/** The recorder LoadContext writes to while a node set loads. */
export class Trace {
  private readonly recs = new Map<string, Rec>();
  /** Something could not be recorded faithfully: the node set is not cached. */
  broken = false;
  /** Date.now() before the first lookup (RACY_MS counts from it). */
  readonly since: number;

  constructor(
    readonly root: string | null,
    since = Date.now(),
  ) {
    this.since = since;
    // The root's own entries (etc, var, …) are implied by it, so it is a record too: stat, not
    // lstat, as the lookups below it go through a root that is a link.
    if (root !== null) {
      try {
        this.stat(root, statSync(root, { throwIfNoEntry: false }) ?? null);
      } catch {
        this.broken = true;
      }
    }
  }

  private put(op: Op, path: string, st: Stats | null | undefined, extra?: string): void {
    // A link to /dev/null masks a file (systemd); /dev/null itself does not change.
    if (path === '/dev/null') return;
    const rel = relative(this.root, path);
    const key = op + rel;
    if (this.recs.has(key)) return;
    const kind = kindOf(st);
    // A FIFO, socket or device: rare enough in a node's configuration not to model how it changes.
    if (kind === 'o' || /[\t\n]/.test(rel) || (extra !== undefined && /[\t\n]/.test(extra))) this.broken = true;
    this.recs.set(key, { op, path: rel, kind, stats: st ?? null, ...(extra !== undefined ? { extra } : {}) });
  }

  /** lstat(path) gave `st` (undefined: nothing there); for a link, `target` is what readlink gave. */
  lstat(path: string, st: Stats | undefined, target?: string): void {
    this.put('L', path, st, target);
  }

  /** stat(path) gave `st` (null: nothing there). */
  stat(path: string, st: Stats | null): void {
    this.put('S', path, st);
  }

  /** The record that answered stat(path): its own, or (inside a root, where lstat answers stat) the lstat one. */
  private answered(path: string): Rec | undefined {
    const rel = relative(this.root, path);
    return this.recs.get('S' + rel) ?? this.recs.get('L' + rel);
  }

  /** readdir(path) gave these names. */
  list(path: string, names: readonly string[]): void {
    const r = this.answered(path);
    if (!r || r.kind !== 'd' || names.some((n) => /[\t\n]/.test(n))) this.broken = true;
    else r.extra = '/' + [...names].sort().join('/');
  }

  /** A file was read: its `bytes`, or null when it was too large to read (its size is recorded). */
  read(path: string, bytes: Uint8Array | null): void {
    if (path === '/dev/null') return;
    const r = this.answered(path);
    if (!r || r.kind !== 'f' || !r.stats) {
      this.broken = true;
      return;
    }
    r.read = true;
    r.extra = bytes ? digest(bytes) : `#${r.stats.size}`;
  }

  /** What to store, or null when the node set must not be cached. */
  stored(): StoredTrace | null {
    if (this.broken) return null;
    const recs = [...this.recs.values()];
    return { check: checkList(recs, this.root !== null, this.since), full: recs.map(fullLine).join('\n') };
  }
}

function fullLine(r: Rec): string {
  return `${r.op}${r.kind}\t${r.path}\t${r.extra ?? ''}`;
}

/**
 * The lookups the stat check repeats, or null when one of their fingerprints is racy. Every
 * directory and every file read is fingerprinted; inside a root, another answer is left out when
 * its parent directory is fingerprinted. (LoadContext looks up each component of a path in turn
 * and stops at one that is absent, so inside a root that is every other answer.)
 */
function checkList(recs: readonly Rec[], inRoot: boolean, since: number): string | null {
  const dirs = new Set<string>();
  for (const r of recs) if (r.kind === 'd') dirs.add(r.path);
  const lines: string[] = [];
  for (const r of recs) {
    if (r.kind === 'd' || (r.kind === 'f' && r.read)) {
      if (!r.stats || racy(r.stats, since)) return null;
      lines.push(`${r.op}${r.kind}\t${r.path}\t${fingerprint(r.stats)}\t`);
    } else if (!(inRoot && r.path !== '' && !r.path.startsWith('/') && dirs.has(parentOf(r.path)))) {
      lines.push(`${r.op}${r.kind}\t${r.path}\t\t${r.kind === 'l' ? (r.extra ?? '') : ''}`);
    }
  }
  return lines.join('\n');
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function relative(root: string | null, path: string): string {
  if (root === null) return path;
  if (path === root) return '';
  if (root === '/') return path.startsWith('/') ? path.slice(1) : path;
  return path.startsWith(root) && path.charCodeAt(root.length) === 47 ? path.slice(root.length + 1) : path;
}

function absolute(root: string | null, rel: string): string {
  if (root === null || rel.startsWith('/')) return rel;
  if (rel === '') return root;
  return root === '/' ? '/' + rel : root + '/' + rel;
}

function look(op: string, path: string): Stats | undefined {
  return op === 'L' ? lstatSync(path, { throwIfNoEntry: false }) : statSync(path, { throwIfNoEntry: false });
}

/** The stat check: every lookup `check` lists gives the same fingerprint (or kind and link target) now. */
export function unchangedByStat(check: string | null, root: string | null): boolean {
  if (check === null) return false;
  try {
    let at = 0;
    while (at < check.length) {
      let end = check.indexOf('\n', at);
      if (end < 0) end = check.length;
      const t1 = check.indexOf('\t', at);
      const t2 = check.indexOf('\t', t1 + 1);
      const t3 = check.indexOf('\t', t2 + 1);
      const kind = check[at + 1];
      const path = absolute(root, check.slice(t1 + 1, t2));
      const st = look(check[at]!, path);
      if (kindOf(st) !== kind) return false;
      if (t3 > t2 + 1) {
        if (fingerprint(st!) !== check.slice(t2 + 1, t3)) return false;
      } else if (kind === 'l' && readlinkSync(path) !== check.slice(t3 + 1, end)) return false;
      at = end + 1;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The content check: every lookup of `full` again, link targets, listings and digests compared.
 * Gives the new check list (fingerprints of now), or undefined when anything differs.
 */
export function unchangedByContent(full: string, root: string | null, since = Date.now()): StoredTrace | undefined {
  try {
    const recs: Rec[] = [];
    for (const line of full.split('\n')) {
      const [ok, path, extra] = line.split('\t') as [string, string, string];
      const op = ok[0] as Op;
      const abs = absolute(root, path);
      const st = look(op, abs);
      const kind = kindOf(st);
      if (kind !== ok[1]) return undefined;
      const rec: Rec = { op, path, kind, stats: st ?? null };
      if (extra !== '') rec.extra = extra;
      if (kind === 'l' && readlinkSync(abs) !== extra) return undefined;
      if (kind === 'd' && extra !== '' && '/' + readdirSync(abs).sort().join('/') !== extra) return undefined;
      if (kind === 'f' && extra !== '') {
        rec.read = true;
        if (extra.startsWith('#')) {
          if (`#${st!.size}` !== extra || st!.size <= MAX_FILE_BYTES) return undefined;
        } else if (st!.size > MAX_FILE_BYTES || digest(readFileSync(abs)) !== extra) return undefined;
      }
      recs.push(rec);
    }
    return { check: checkList(recs, root !== null, since), full };
  } catch {
    return undefined;
  }
}
