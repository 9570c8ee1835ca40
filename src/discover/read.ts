/**
 * Reading bytes from disk with limits. Problems that make a file impossible to read at all
 * (missing, a directory, permission denied) are I/O errors (exit 2); problems with the bytes
 * (binary, invalid UTF-8, too large) are `syntax` findings at the first bad position.
 */
import { readFileSync, statSync } from 'node:fs';
import type { FileKind, SourceFile } from '../core/source.js';
import { makeSource } from '../core/source.js';
import type { Finding } from '../core/types.js';
import { syntaxFinding } from '../parse/common.js';

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
  /** A finding when the bytes cannot be used (binary, invalid UTF-8, too large); the source is then empty. */
  problem: Finding | null;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function readSource(path: string, kind: FileKind, display: string, nodePath: string | null): ReadResult {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new IoError(path, `${display}: ${describe(e)}`);
  }
  if (st.isDirectory()) throw new IoError(path, `${display}: is a directory, expected a file`);
  const init = { path, display, nodePath, kind };
  if (st.size > MAX_FILE_BYTES) {
    const src = makeSource(init, '');
    return { source: src, problem: syntaxFinding(src, 0, 0, `file is ${st.size} bytes, more than the ${MAX_FILE_BYTES}-byte limit; not read`) };
  }
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new IoError(path, `${display}: ${describe(e)}`);
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const text = safePrefix(buf.subarray(0, nul));
    const src = makeSource(init, text);
    return { source: src, problem: syntaxFinding(src, text.length, text.length, `binary file (NUL byte at offset ${nul}); not a configuration file`) };
  }
  try {
    return { source: makeSource(init, decoder.decode(buf)), problem: null };
  } catch {
    const bad = firstInvalidUtf8(buf);
    const text = safePrefix(buf.subarray(0, bad));
    const src = makeSource(init, text);
    return { source: src, problem: syntaxFinding(src, text.length, text.length, `invalid UTF-8 at byte ${bad}; the file must be UTF-8 text`) };
  }
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
    default:
      return (e as Error)?.message ?? String(e);
  }
}
