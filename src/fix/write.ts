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
 * Symlinks: the real target is written and the link is kept. With a node root, a link whose
 * target lies outside the root is refused (a node set must not write the host's /etc).
 * Without a root (loose files), links are followed wherever they lead, as an editor would.
 *
 * Created files get mode 0644, missing parent directories 0755 (umask does not apply).
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
import { randomBytes } from 'node:crypto';
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

function plan(entry: WriteEntry, realRoot: string | null): Plan {
  const fail = (msg: string): never => {
    throw new WriteError(entry.display, `${entry.display}: ${msg}`);
  };
  const isRoot = process.getuid?.() === 0;
  let real: string;
  let mode = 0o644;
  let owner: Plan['owner'] = null;
  const mkdirs: string[] = [];
  if (!entry.created) {
    try {
      real = realpathSync(entry.path);
    } catch (e) {
      return fail(`cannot write: ${describe(e)}`);
    }
    if (realRoot && !within(realRoot, real)) return fail(`refusing to write: it is a symlink to ${real}, outside the node root`);
    const st = statSync(real);
    if (!st.isFile()) return fail('cannot write: not a regular file');
    mode = st.mode & 0o7777;
    if ((st.mode & 0o222) === 0) return fail('cannot write: the file is read-only');
    const why = canWrite(real);
    if (why) return fail(`cannot write: ${why}`);
    if (isRoot) owner = { uid: st.uid, gid: st.gid };
  } else {
    try {
      lstatSync(entry.path);
      return fail('cannot create: the file already exists');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail(`cannot create: ${describe(e)}`);
    }
    // The nearest existing ancestor decides where (and whether) the file may be created.
    let dir = dirname(entry.path);
    const missing: string[] = [];
    for (;;) {
      try {
        const st = statSync(dir);
        if (!st.isDirectory()) return fail(`cannot create: ${dir} is not a directory`);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail(`cannot create: ${describe(e)}`);
        missing.unshift(basename(dir));
        const up = dirname(dir);
        if (up === dir) return fail('cannot create: no existing parent directory');
        dir = up;
      }
    }
    const realDir = realpathSync(dir);
    if (realRoot && !within(realRoot, realDir)) return fail(`refusing to create: ${dir} leads to ${realDir}, outside the node root`);
    const why = canWrite(realDir);
    if (why) return fail(`cannot create: directory ${dir}: ${why}`);
    let d = realDir;
    for (const m of missing) {
      d = join(d, m);
      mkdirs.push(d);
    }
    real = join(d, basename(entry.path));
  }
  const temp = join(dirname(real), `.${basename(real)}.crilint-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
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
  const plans = entries.map((e) => plan(e, realRoot));
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
        const bytes = Buffer.from((p.entry.bom ? '\ufeff' : '') + p.entry.text, 'utf8');
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        fchmodSync(fd, p.mode);
        if (p.owner) fchownSync(fd, p.owner.uid, p.owner.gid);
        fsyncSync(fd);
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
      renameSync(p.temp, p.real);
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
