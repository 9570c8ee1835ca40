/** Temporary node roots written from a path → text map, removed after the suite. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

export type Files = Record<string, string>;

/** A writer of temporary roots for one test file; every root is removed after the file's tests. */
export function tempRoots(prefix: string): (files: Files) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const r of made) rmSync(r, { recursive: true, force: true });
  });
  return (files) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    return dir;
  };
}
