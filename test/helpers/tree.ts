/** Temporary directory trees for tests: files (text or bytes) and symlinks at root-relative paths. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Root-relative path -> file contents, or a symlink. */
export type Layout = Record<string, string | Uint8Array | { link: string }>;

/** Write a layout below `dir` (which may exist). */
export function writeTree(dir: string, layout: Layout): string {
  for (const [rel, body] of Object.entries(layout)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof body === 'string' || body instanceof Uint8Array) writeFileSync(p, body);
    else symlinkSync(body.link, p);
  }
  return dir;
}

/** Write a layout into a fresh temp directory, recorded in `registry` for the caller to remove. */
export function tempTree(layout: Layout, registry: string[], prefix = 'crilint-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  registry.push(dir);
  return writeTree(dir, layout);
}
