/**
 * Reading bytes from disk with limits. Problems that make a file impossible to read at all
 * (missing, a directory, a broken symlink, a FIFO or device, permission denied) are I/O errors
 * (exit 2, a message naming the file); problems with the bytes (binary, UTF-16, invalid UTF-8,
 * too large) are `syntax` findings at the first bad position, and the source is then the text
 * before it (empty for a file too large to read).
 *
 * Nothing here can block: only regular files are opened (a FIFO would wait for a writer
 * forever), and a file's size is checked before it is read.
 */
import { lstatSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import type { FileKind, SourceFile } from '../core/source.js';
import { makeSource } from '../core/source.js';
import type { Finding } from '../core/types.js';
import { syntaxFinding } from '../parse/common.js';

/** Largest file crilint reads. Real node configuration files are a few KiB; containerd's full default dump is ~20 KiB. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export class IoError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ReadResult {
  source: SourceFile;
  /** A finding when the bytes cannot be used (binary, invalid UTF-8, too large); the source then holds only the text before the problem. */
  problem: Finding | null;
  /**
   * For invalid UTF-8 only: the whole file decoded with each bad sequence as U+FFFD, and the byte
   * offset of the first one. Go's go-toml v1 (containerd 1.x) reads such a file that way.
   */
  lossy?: { source: SourceFile; at: number };
}

// ignoreBOM: keep a leading BOM in the text, so makeSource() records it and a fix can write it back.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

let devNull: Stats | null | undefined;
function isDevNull(st: Stats): boolean {
  if (devNull === undefined) {
    try {
      devNull = statSync('/dev/null');
    } catch {
      devNull = null;
    }
  }
  return devNull !== null && st.isCharacterDevice() && st.rdev === devNull.rdev;
}

/**
 * Read `diskPath` (default: `path`) as the source named `path`. They differ when a symlink inside
 * a node root is resolved under the root (see LoadContext); the source keeps the name it is known
 * by, because that is what components sort and report by.
 */
export function readSource(
  path: string,
  kind: FileKind,
  display: string,
  nodePath: string | null,
  diskPath: string = path,
  known?: Stats,
  /** Given the bytes read (--cache records their digest, src/model/trace.ts). */
  seen?: (bytes: Uint8Array) => void,
): ReadResult {
  const init = { path, display, nodePath, kind };
  let st: Stats;
  try {
    // `known`: the caller's (cached) stat of diskPath, so a file is not stat'ed twice.
    st = known ?? statSync(diskPath);
  } catch (e) {
    throw new IoError(path, `${display}: ${describeMissing(e, diskPath)}`);
  }
  if (st.isDirectory()) throw new IoError(path, `${display}: is a directory, expected a file`);
  if (!st.isFile()) {
    // A symlink to /dev/null masks a file (systemd's convention for sysctl.d and friends): it reads as empty.
    if (isDevNull(st)) return { source: makeSource(init, ''), problem: null };
    throw new IoError(path, `${display}: not a regular file (${fileType(st)})`);
  }
  if (st.size > MAX_FILE_BYTES) {
    const src = makeSource(init, '');
    const size = (st.size / 2 ** 20).toFixed(1) === (MAX_FILE_BYTES / 2 ** 20).toFixed(1) ? `${st.size} bytes` : mib(st.size);
    return { source: src, problem: syntaxFinding(src, 0, 0, `file is ${size}, larger than the ${mib(MAX_FILE_BYTES)} limit; not read`) };
  }
  let buf: Buffer;
  try {
    buf = readFileSync(diskPath);
  } catch (e) {
    throw new IoError(path, `${display}: ${describe(e)}`);
  }
  seen?.(buf);
  return decodeBytes(init, buf);
}

/** Bytes -> source, or the text before the first unusable byte and a `syntax` finding there. */
export function decodeBytes(init: { path: string; display: string; nodePath: string | null; kind: FileKind }, buf: Uint8Array): ReadResult {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    const src = makeSource(init, '');
    return { source: src, problem: syntaxFinding(src, 0, 0, 'file is UTF-16 text (byte order mark); it must be UTF-8') };
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const text = safePrefix(buf.subarray(0, nul));
    const src = makeSource(init, text);
    return { source: src, problem: syntaxFinding(src, text.length, text.length, `binary file (NUL byte at byte ${nul}); not a configuration file`) };
  }
  try {
    return { source: makeSource(init, decoder.decode(buf)), problem: null };
  } catch {
    const bad = firstInvalidUtf8(buf);
    const text = safePrefix(buf.subarray(0, bad));
    const src = makeSource(init, text);
    return { source: src, problem: syntaxFinding(src, text.length, text.length, `invalid UTF-8 at byte ${bad}; the file must be UTF-8 text`), lossy: { source: makeSource(init, lossyDecoder.decode(buf)), at: bad } };
  }
}

function mib(n: number): string {
  if (n < 1024 * 1024) return `${n} bytes`;
  const v = n / (1024 * 1024);
  return `${Number.isInteger(v) ? v : v.toFixed(1)} MiB`;
}

function fileType(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}

function safePrefix(b: Uint8Array): string {
  try {
    return decoder.decode(b);
  } catch {
    return '';
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    if (n > 1) {
      try {
        decoder.decode(b.subarray(i, i + n));
      } catch {
        return i;
      }
    }
    i += n;
  }
  return b.length;
}

/** Like describe(), but ENOENT on a path that exists as a link is a broken symlink: say so, with its target. */
export function describeMissing(e: unknown, path: string): string {
  if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') {
    try {
      if (lstatSync(path).isSymbolicLink()) return `broken symbolic link (to ${readlinkSync(path)})`;
    } catch {
      /* not a link: plain ENOENT */
    }
  }
  return describe(e);
}

export function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'a path component is not a directory';
    case 'ENAMETOOLONG':
      return 'file name too long';
    default:
      return (e as Error)?.message ?? String(e);
  }
}
