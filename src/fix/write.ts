/**
 * Writing fixed files atomically.
 *
 * For each file: a temp file in the same directory (`.<name>.crilint-<pid>-<random>.tmp`,
 * created exclusively, mode 0600 while written), the bytes (BOM re-added), the original's mode
 * (and, when running as root, its owner and group), fsync, then rename over the original and
 * fsync the directory. A reader sees the old file or the new one, never a half-written one;
 * a run killed before the rename leaves the original intact and a stale temp file behind.
 *
 * All files are checked before anything is written, and all temp files are written before any
 * rename, so a problem with one file (read-only file or directory, a symlink leading outside
 * the node root, a file that vanished) changes nothing at all: the caller gets a WriteError
 * naming the file and exits 2.
 *
 * Symlinks: the target is written and the link is kept. With a node root, links are resolved
 * the way the reader resolves them (src/model/load.ts diskPath), as the node sees them: an
 * absolute target is looked up inside the root and `..` cannot climb above it, so the bytes go
 * to the file the text was read from. A link that is broken inside the root, or to /dev/null (a
 * masked drop-in), is refused; and as a last guard the resolved directory's realpath must lie
 * inside the root's realpath, so nothing outside the node root is ever written (a node set must
 * not write the host's /etc). Without a root (loose files), the operating system follows links
 * wherever they lead, as an editor would.
 *
 * Created files get mode 0644, missing parent directories 0755 (umask does not apply).
 *
 * CRILINT_TEST_CRASH_AT (see crashPoint) and CRILINT_TEST_PAUSE_BEFORE_RENAME are test hooks,
 * inert unless set.
 *
 * Stale temp files of an interrupted run are reported (`staleTemps`), and removed only with
 * `removeStaleTemps` and only when the process named in them is no longer running: deleting
 * files in a user's tree is left to the caller's policy.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  accessSync,
  chmodSync,
} from 'node:fs';
import { basename, dirname, join, relative, isAbsolute, sep } from 'node:path';
import { describe } from '../discover/read.js';

export interface WriteEntry {
  /** Absolute path (as the file was read, possibly through a symlink; or the path to create). */
  path: string;
  display: string;
  /** Text without BOM. */
  text: string;
  bom: boolean;
  created: boolean;
}

export interface WriteOptions {
  /** The node root: no write may land outside it (symlinks are resolved first). */
  root?: string | null;
  /** Remove stale crilint temp files (of processes no longer running) in the directories written to. */
  removeStaleTemps?: boolean;
}

export interface WriteResult {
  /** Display paths of files replaced, in order. */
  written: string[];
  /** Display paths of files created. */
  created: string[];
  /** Temp files of an interrupted crilint run found in the directories written to. */
  staleTemps: string[];
  /** Those of them removed (with removeStaleTemps). */
  removedTemps: string[];
  /** Things the user should know (e.g. a hard link that now points to the old content). */
  notes: string[];
}

export class WriteError extends Error {
  override name = 'WriteError';
  constructor(
    /** Display path of the file concerned. */
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export const TEMP_PATTERN = /^\..+\.crilint-(\d+)-[0-9a-f]+\.tmp$/;

interface Plan {
  entry: WriteEntry;
  /** Where the bytes go (symlinks resolved). */
  real: string;
  mode: number;
  owner: { uid: number; gid: number } | null;
  /** Directories to create, outermost first. */
  mkdirs: string[];
  temp: string;
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

function canWrite(p: string): string | null {
  try {
    accessSync(p, constants.W_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EROFS' ? 'read-only file system' : describe(e);
  }
}

const MAX_SYMLINKS = 40;

/**
 * Where a path inside the node root leads, following symlinks as the node would (absolute
 * targets inside the root, `..` clamped at the root). `missing` lists the trailing components
 * that do not exist (for created files); `link` is the first symlink met, for messages.
 */
export function resolveInRoot(
  root: string,
  path: string,
): { real: string; existing: string; missing: string[]; devnull: boolean; link: string | null; dangling: boolean } | string {
  const rel = relative(root, path);
  if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return 'it is not inside the node root';
  let stack: string[] = [];
  // Components still to walk; `viaLink` marks those that came from a symlink's target.
  let queue = (rel === '' ? [] : rel.split(sep)).map((name) => ({ name, viaLink: false }));
  let hops = 0;
  let link: string | null = null;
  let dangling = false;
  const missing: string[] = [];
  while (queue.length) {
    const { name: c, viaLink } = queue.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (missing.length) missing.pop();
      else stack.pop();
      continue;
    }
    if (missing.length) {
      missing.push(c);
      continue;
    }
    const p = join(root, ...stack, c);
    let target: string | null;
    try {
      target = lstatSync(p).isSymbolicLink() ? readlinkSync(p) : null;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return describe(e);
      missing.push(c);
      dangling = viaLink;
      continue;
    }
    if (target === null) {
      stack.push(c);
      continue;
    }
    link ??= target;
    if (++hops > MAX_SYMLINKS) return 'too many levels of symbolic links';
    if (target === '/dev/null' && queue.length === 0) return { real: '/dev/null', existing: '/dev', missing: [], devnull: true, link, dangling: false };
    if (isAbsolute(target)) stack = [];
    queue = [...target.split('/').map((name) => ({ name, viaLink: true })), ...queue];
  }
  return { real: join(root, ...stack, ...missing), existing: join(root, ...stack), missing, devnull: false, link, dangling };
}

function plan(entry: WriteEntry, root: string | null, realRoot: string | null): Plan {
  const fail = (msg: string): never => {
    throw new WriteError(entry.display, `${entry.display}: ${msg}`);
  };
  const isRoot = process.getuid?.() === 0;
  const verb = entry.created ? 'create' : 'write';
  let real: string;
  /** The deepest existing directory on the way (for created files). */
  let existing = '';
  let missing: string[] = [];
  if (root) {
    const r = resolveInRoot(root, entry.path);
    if (typeof r === 'string') return fail(`cannot ${verb}: ${r}`);
    if (r.devnull) return fail(`cannot ${verb}: it is a link to /dev/null (a masked file)`);
    if (!entry.created && r.missing.length) {
      return fail(`cannot write: ${r.link ? `it is a symbolic link to ${r.link}, which does not exist inside the node root` : 'no such file or directory'}`);
    }
    // Never create directories at the end of a broken link: the reader does not see them either.
    if (entry.created && r.dangling) return fail(`cannot create: its path goes through a symbolic link to ${r.link}, which does not exist inside the node root`);
    real = r.real;
    existing = r.existing;
    missing = r.missing;
  } else if (!entry.created) {
    try {
      real = realpathSync(entry.path);
    } catch (e) {
      return fail(`cannot write: ${describe(e)}`);
    }
  } else {
    try {
      lstatSync(entry.path);
      return fail('cannot create: the file already exists');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail(`cannot create: ${describe(e)}`);
    }
    let dir = dirname(entry.path);
    missing = [basename(entry.path)];
    for (;;) {
      try {
        statSync(dir);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail(`cannot create: ${describe(e)}`);
        missing.unshift(basename(dir));
        const up = dirname(dir);
        if (up === dir) return fail('cannot create: no existing parent directory');
        dir = up;
      }
    }
    existing = realpathSync(dir);
    real = join(existing, ...missing);
  }

  let mode = 0o644;
  let owner: Plan['owner'] = null;
  const mkdirs: string[] = [];
  if (!entry.created) {
    let st;
    try {
      st = statSync(real);
    } catch (e) {
      return fail(`cannot write: ${describe(e)}`);
    }
    if (!st.isFile()) return fail('cannot write: not a regular file');
    mode = st.mode & 0o7777;
    if ((st.mode & 0o222) === 0) return fail('cannot write: the file is read-only');
    const why = canWrite(real);
    if (why) return fail(`cannot write: ${why}`);
    if (isRoot) owner = { uid: st.uid, gid: st.gid };
  } else {
    if (!missing.length) return fail('cannot create: the file already exists');
    let st;
    try {
      st = statSync(existing);
    } catch (e) {
      return fail(`cannot create: ${describe(e)}`);
    }
    if (!st.isDirectory()) return fail(`cannot create: ${existing} is not a directory`);
    const why = canWrite(existing);
    if (why) return fail(`cannot create: directory ${existing}: ${why}`);
    let d = existing;
    for (const m of missing.slice(0, -1)) {
      d = join(d, m);
      mkdirs.push(d);
    }
  }
  // Last guard: the directory that receives the bytes really lies inside the root.
  if (realRoot) {
    const firstNew = mkdirs[0] ?? null;
    const dir = firstNew ? dirname(firstNew) : dirname(real);
    let realDir: string;
    try {
      realDir = realpathSync(dir);
    } catch (e) {
      return fail(`cannot ${verb}: ${describe(e)}`);
    }
    if (!within(realRoot, realDir)) return fail(`refusing to ${verb}: it leads to ${realDir}, outside the node root`);
  }
  const temp = join(dirname(real), `.${basename(real)}.crilint-${process.pid}-${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}.tmp`);
  return { entry, real, mode, owner, mkdirs, temp };
}

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Crash-test hook, inert unless CRILINT_TEST_CRASH_AT is set (test/crash-safety.test.ts sets it):
 * the writer counts its steps (temp file created; half of its bytes written; all written, synced
 * and given its mode; before each rename; after each rename), prints `crilint-test: write step N`
 * on stderr for each, and kills its own process with SIGKILL at step CRILINT_TEST_CRASH_AT, so a
 * test can stop a real `crilint lint --fix` between any two steps.
 */
const CRASH_AT = Number(process.env.CRILINT_TEST_CRASH_AT ?? NaN);
let crashSteps = 0;
function crashPoint(): void {
  if (!Number.isInteger(CRASH_AT)) return;
  crashSteps++;
  writeSync(2, `crilint-test: write step ${crashSteps}\n`);
  if (crashSteps === CRASH_AT) process.kill(process.pid, 'SIGKILL');
}

function pauseForTests(): void {
  if (process.env.CRILINT_TEST_PAUSE_BEFORE_RENAME !== '1') return;
  writeSync(2, 'crilint-test: paused before rename\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}

/** Temp files of the crilint pattern in `dir`. */
export function findStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => TEMP_PATTERN.test(n)).map((n) => join(dir, n));
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Write all entries atomically (see the module comment). Throws WriteError, having changed
 * nothing, when any file cannot be written; I/O errors during the final renames (very rare:
 * the checks passed) are WriteErrors that list what was already replaced.
 */
export function writeFiles(entries: readonly WriteEntry[], opts: WriteOptions = {}): WriteResult {
  let realRoot: string | null = null;
  if (opts.root) {
    try {
      realRoot = realpathSync(opts.root);
    } catch (e) {
      throw new WriteError(opts.root, `${opts.root}: ${describe(e)}`);
    }
  }
  const plans = entries.map((e) => plan(e, opts.root ?? null, realRoot));
  const result: WriteResult = { written: [], created: [], staleTemps: [], removedTemps: [], notes: [] };

  const dirs = [...new Set(plans.map((p) => dirname(p.real)))];
  for (const d of dirs) {
    for (const t of findStaleTemps(d)) {
      result.staleTemps.push(t);
      const pid = Number(TEMP_PATTERN.exec(basename(t))![1]);
      if (opts.removeStaleTemps && !alive(pid)) {
        try {
          unlinkSync(t);
          result.removedTemps.push(t);
        } catch {
          // left for the user; it is reported
        }
      }
    }
  }

  // Phase 1: every temp file written and synced; on failure undo it all.
  const madeDirs: string[] = [];
  const temps: string[] = [];
  try {
    for (const p of plans) {
      for (const d of p.mkdirs) {
        try {
          mkdirSync(d, { mode: 0o755 });
          madeDirs.push(d);
          chmodSync(d, 0o755);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new WriteError(p.entry.display, `${p.entry.display}: cannot create directory ${d}: ${describe(e)}`);
        }
      }
      let fd: number;
      try {
        fd = openSync(p.temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      } catch (e) {
        throw new WriteError(p.entry.display, `${p.entry.display}: cannot write a temp file in ${dirname(p.real)}: ${describe(e)}`);
      }
      temps.push(p.temp);
      try {
        crashPoint();
        const bytes = Buffer.from((p.entry.bom ? '\ufeff' : '') + p.entry.text, 'utf8');
        let off = 0;
        const half = Number.isInteger(CRASH_AT) ? bytes.length >> 1 : bytes.length;
        while (off < half) off += writeSync(fd, bytes, off, half - off);
        if (off < bytes.length) crashPoint();
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        fchmodSync(fd, p.mode);
        if (p.owner) fchownSync(fd, p.owner.uid, p.owner.gid);
        fsyncSync(fd);
        crashPoint();
      } catch (e) {
        throw new WriteError(p.entry.display, `${p.entry.display}: cannot write: ${describe(e)}`);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    for (const t of temps) {
      try {
        unlinkSync(t);
      } catch {
        // already gone
      }
    }
    for (const d of madeDirs.reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // not empty or gone
      }
    }
    throw e;
  }

  pauseForTests();

  // Phase 2: renames.
  for (let i = 0; i < plans.length; i++) {
    const p = plans[i]!;
    try {
      if (!p.entry.created) {
        const st = statSync(p.real);
        if (st.nlink > 1) result.notes.push(`${p.entry.display} had ${st.nlink} hard links; the other links keep the old content`);
      }
      crashPoint();
      renameSync(p.temp, p.real);
      crashPoint();
    } catch (e) {
      for (const q of plans.slice(i)) {
        try {
          unlinkSync(q.temp);
        } catch {
          // gone
        }
      }
      const done = result.written.concat(result.created);
      throw new WriteError(
        p.entry.display,
        `${p.entry.display}: cannot replace: ${describe(e)}${done.length ? ` (already written: ${done.join(', ')})` : ' (nothing was changed)'}`,
      );
    }
    (p.entry.created ? result.created : result.written).push(p.entry.display);
  }
  const syncDirs = new Set<string>();
  for (const p of plans) {
    syncDirs.add(dirname(p.real));
    for (const d of p.mkdirs) syncDirs.add(dirname(d));
  }
  for (const d of syncDirs) fsyncDir(d);
  return result;
}
