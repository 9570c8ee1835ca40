/**
 * `--fix-dry-run`: the unified diff of what `--fix` would write, per file, with `a/<display>`
 * and `b/<display>` headers, so `git apply` or `patch -p1` run from the node root (display paths
 * are relative to it) applies it and gives the bytes the writer would write. New files diff
 * against `/dev/null`. The BOM is part of the first line, as in the bytes on disk; CRLF lines
 * keep their `\r`.
 */
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';

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
