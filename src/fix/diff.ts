/**
 * `--fix-dry-run`: the unified diff of what `--fix` would write, per file, with `a/<display>`
 * and `b/<display>` headers, so `git apply` or `patch -p1` run from the directory the display
 * paths are relative to applies it and gives the bytes the writer would write. The CLI names files
 * by `patchName` (relative to the working directory); tests use the node-relative display. New files diff
 * against `/dev/null`. The BOM is part of the first line, as in the bytes on disk; CRLF lines
 * keep their `\r`.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';

/**
 * A file's name in a patch's headers: relative to `cwd` when inside it, else the absolute path
 * without its leading `/`, so that `git apply` or `patch -p1` run from `cwd` (or from `/`) applies
 * the patch. Node roots do not matter: a fleet's patch names every node's files apart.
 */
export function patchName(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path.split(sep).join('/').replace(/^\/+/, '');
}

export interface DiffFile {
  display: string;
  /** Text before (no BOM); null for a file that would be created. */
  original: string | null;
  /** Text after (no BOM). */
  text: string;
  bom: boolean;
}

/** The patch of one file ('' when nothing changes). */
export function fileDiff(f: DiffFile, context = 3): string {
  const prefix = f.bom ? '\ufeff' : '';
  const before = f.original === null ? '' : prefix + f.original;
  const after = prefix + f.text;
  if (before === after && f.original !== null) return '';
  const oldName = f.original === null ? '/dev/null' : `a/${f.display}`;
  return createTwoFilesPatch(oldName, `b/${f.display}`, before, after, undefined, undefined, {
    context,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** The patches of all files, in display-path order, concatenated. */
export function unifiedDiff(files: Iterable<DiffFile>, context = 3): string {
  return [...files]
    .sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0))
    .map((f) => fileDiff(f, context))
    .join('');
}
