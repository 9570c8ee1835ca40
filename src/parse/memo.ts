/**
 * A content-addressed memo of parse results, shared by every node set a process lints.
 *
 * A fleet repeats itself: the same config.toml, config.yaml and crictl.yaml sit on hundreds of
 * nodes. Parsing is the most expensive step per file, and its result depends only on the text
 * (and the parser's options), never on the file's path. So the first parse of a text is kept, and
 * every file with that text (the first one included) gets its own copy: the value tree and the
 * findings are copied with `file` pointing at that SourceFile; what holds no file (the parser's
 * own syntax tree, comments, ranges, paths) is shared, and nothing downstream writes to it.
 *
 * The memo is bounded (entries and characters, least recently used first out), so a fleet of
 * distinct files costs a fixed amount of memory, and large files are not kept at all.
 */
import type { SourceFile } from '../core/source.js';
import type { Finding, Location } from '../core/types.js';

/** A kept parse holds ~25 bytes per character of TOML or YAML (measured; the syntax tree and ours): ~6.5 MiB at most. */
const MAX_ENTRIES = 256;
const MAX_CHARS = 256 * 1024;
const MAX_FILE_CHARS = 64 * 1024;

interface Entry {
  src: SourceFile;
  value: unknown;
}

const memo = new Map<string, Entry>();
let chars = 0;

/**
 * `parse(src)`, or a copy of the result for an earlier file with the same text.
 * @param variant names the parser and its options: results of different variants never mix.
 * @param rebind copies a result made for `from` so that it refers to `to` instead.
 */
export function memoParse<T>(src: SourceFile, variant: string, parse: (src: SourceFile) => T, rebind: (value: T, from: SourceFile, to: SourceFile) => T): T {
  if (src.text.length > MAX_FILE_CHARS) return parse(src);
  const key = `${variant}\0${src.bom ? 'bom' : ''}\0${src.text}`;
  const hit = memo.get(key);
  if (hit) {
    memo.delete(key);
    memo.set(key, hit);
    return rebind(hit.value as T, hit.src, src);
  }
  const value = parse(src);
  memo.set(key, { src, value });
  chars += src.text.length;
  while (memo.size > MAX_ENTRIES || chars > MAX_CHARS) {
    const [oldest, e] = memo.entries().next().value as [string, Entry];
    memo.delete(oldest);
    chars -= e.src.text.length;
  }
  // The kept result is never handed out: every caller gets its own copy to change as it likes.
  return rebind(value, src, src);
}

/** Findings of a parse made for `from`, as findings about `to` (same text, so the same ranges). */
export function rebindFindings(findings: readonly Finding[], from: SourceFile, to: SourceFile): Finding[] {
  const at = <L extends Location>(l: L): L => (l.file === from ? { ...l, file: to } : l);
  return findings.map((f) => {
    const out: Finding = { ...at(f), related: f.related.map(at) };
    if (f.fix) out.fix = { ...f.fix, changes: f.fix.changes.map((c) => (c.file === from ? { ...c, file: to } : c)) };
    return out;
  });
}
