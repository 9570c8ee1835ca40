/**
 * sysctl.d line syntax, read the way systemd-sysctl reads it.
 *
 * Sources (systemd/systemd): man/sysctl.d.xml @017fbb71 ("CONFIGURATION FORMAT"),
 * src/sysctl/sysctl.c parse_line() and src/shared/conf-parser.c conf_file_read() (current main),
 * src/basic/sysctl-util.c sysctl_normalize(); procps-ng src/sysctl.c parse_setting_line() for the
 * same syntax in `sysctl --system`. Summarised in ../shared/reference/crictl-crio-docker-sysctl.md §4.1/4.2.
 *
 * - One statement per line; no line continuation, no quoting (read_line / read_stripped_line).
 * - Leading and trailing whitespace of the line, key and value is stripped (strstrip: " \t\n\r").
 * - Empty lines and lines whose first non-whitespace character is `#` or `;` are comments
 *   (man page; systemd 252 verified). There are NO inline comments: `key = 1 # c` assigns the
 *   value `1 # c` (systemd-sysctl 252 logs "Setting '/proc/sys/key' to '1 # c'").
 * - `key = value`: the first `=` splits. `-key = value` ignores a failure to write the key.
 * - `-key` without `=`: an exclusion ("negative match"): the key is not set by glob patterns
 *   (and, in systemd, it replaces an earlier explicit assignment of the same key).
 * - A key containing `*`, `?` or `[` is a glob over /proc/sys (string_is_glob, GLOB_CHARS).
 * - Any other line: systemd logs "Line is not an assignment, ignoring" (LOG_WARNING), skips the
 *   line and systemd-sysctl exits with a failure (-EINVAL is gathered into the exit status;
 *   verified with systemd 252: exit status 1). procps `sysctl --system` warns "invalid syntax,
 *   continuing...". Because the setting on that line is never applied and systemd-sysctl.service
 *   ends up failed, crilint reports it as a `syntax` finding with severity error.
 */
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Finding, Range } from '../core/types.js';
import { syntaxFinding, type Comment } from './common.js';

export interface SysctlEntry {
  /** `assign` for `key = value`, `exclude` for `-key` (no `=`). */
  kind: 'assign' | 'exclude';
  file: SourceFile;
  /** 1-based line number. */
  line: number;
  /** The key as written (without a leading `-` and without surrounding whitespace). */
  rawKey: string;
  /** Normalised dotted form used for comparison (`net.ipv4.ip_forward`, `net.ipv4.conf.eth0/100.rp_filter`). */
  key: string;
  /** systemd's own normal form: slash-separated, as below /proc/sys (`net/ipv4/ip_forward`). */
  path: string;
  /** The value as written, whitespace-stripped, verbatim (may contain `#`); null for an exclusion. */
  value: string | null;
  /** `-key = value`: a failure to write the key is ignored. */
  ignoreFailure: boolean;
  /** The key is a glob pattern (`*`, `?` or `[`). */
  glob: boolean;
  /** The statement: from its first to its last non-whitespace character on the line. */
  range: Range;
  /** The raw key (without the `-`). */
  keyRange: Range;
  /** The value (zero-width right after `=` when the value is empty); null for an exclusion. */
  valueRange: Range | null;
}

export interface SysctlParse {
  file: SourceFile;
  entries: SysctlEntry[];
  comments: Comment[];
  findings: Finding[];
}

/** strstrip() in systemd strips WHITESPACE = " \t\n\r" (src/basic/string-util.h). */
function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function trimSpan(text: string, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && isWs(text.charCodeAt(s))) s++;
  while (e > s && isWs(text.charCodeAt(e - 1))) e--;
  return [s, e];
}

/** GLOB_CHARS "*?[" (systemd src/basic/glob-util.h string_is_glob; procps string_is_glob). */
export function isSysctlGlob(key: string): boolean {
  return /[*?[]/.test(key);
}

/**
 * systemd's sysctl_normalize (src/basic/sysctl-util.c): "If the first separator is a slash, the
 * path is assumed to be normalized and slashes remain slashes and dots remain dots"; if it is a
 * dot, dots and slashes are interchanged. Then path_simplify() (duplicate and trailing slashes,
 * `.` components) and the leading slash is dropped. Returns that slash form as `path` and the
 * dotted form (`sysctl -a` style, slashes and dots swapped back) as `key`.
 */
export function normalizeSysctlKey(raw: string): { key: string; path: string } {
  const first = raw.search(/[./]/);
  const swapped = first >= 0 && raw[first] === '.' ? raw.replace(/[./]/g, (c) => (c === '.' ? '/' : '.')) : raw;
  const abs = swapped.startsWith('/');
  const segs = swapped.split('/').filter((s) => s !== '' && s !== '.');
  let path = segs.join('/');
  if (!path && abs) path = '/';
  const key = path.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
  return { key, path };
}

const globCache = new Map<string, RegExp>();

/**
 * Whether a glob key matches a concrete key, as glob(3) over /proc/sys would: `*` and `?` do not
 * cross a `/` (a dot in the dotted form), `[...]` is a character class (`[!...]` negated).
 * Both arguments may be written in either form; they are normalised first.
 */
export function sysctlGlobMatch(pattern: string, key: string): boolean {
  const p = normalizeSysctlKey(pattern).path;
  const k = normalizeSysctlKey(key).path;
  let re = globCache.get(p);
  if (!re) {
    let src = '';
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === '*') src += '[^/]*';
      else if (c === '?') src += '[^/]';
      else if (c === '[') {
        const close = p.indexOf(']', i + 2);
        if (close < 0) {
          src += '\\[';
          continue;
        }
        let body = p.slice(i + 1, close);
        const neg = body.startsWith('!') || body.startsWith('^');
        if (neg) body = body.slice(1);
        src += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => '\\' + m)}]`;
        i = close;
      } else src += c.replace(/[.+^${}()|\\/]/g, (m) => '\\' + m);
    }
    re = new RegExp(`^${src}$`);
    globCache.set(p, re);
  }
  return re.test(k);
}

/** Parse one sysctl.d (or sysctl.conf) file. Never throws; bad lines become `syntax` findings. */
export function parseSysctl(src: SourceFile): SysctlParse {
  const out: SysctlParse = { file: src, entries: [], comments: [], findings: [] };
  const text = src.text;
  const starts = src.lineStarts;
  for (let i = 0; i < starts.length; i++) {
    const lineStart = starts[i]!;
    const lineEnd = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
    const [s, e] = trimSpan(text, lineStart, lineEnd);
    if (s === e) continue;
    const line = i + 1;
    const first = text[s];
    if (first === '#' || first === ';') {
      out.comments.push({ text: text.slice(s + 1, e), line, range: rangeOf(src, s, e), ownLine: true });
      continue;
    }
    const eq = text.indexOf('=', s);
    const hasEq = eq >= 0 && eq < e;
    if (!hasEq && first !== '-') {
      const stmt = text.slice(s, e);
      out.findings.push(
        syntaxFinding(
          src,
          s,
          e,
          `not an assignment: "${clip(stmt)}"; systemd-sysctl ignores this line ("Line is not an assignment, ignoring") and exits with a failure (expected "key = value")`,
        ),
      );
      continue;
    }
    const dash = first === '-';
    const keyStart = dash ? s + 1 : s;
    const [ks, ke] = trimSpan(text, keyStart, hasEq ? eq : e);
    const rawKey = text.slice(ks, ke);
    if (!rawKey) {
      // `-` alone is an exclusion of nothing: systemd stores an empty key with no value, procps skips
      // lines shorter than 2 characters; nothing is written either way.
      if (!hasEq) continue;
      out.findings.push(
        syntaxFinding(src, s, e, `assignment without a key: "${clip(text.slice(s, e))}"; systemd-sysctl would write the value to /proc/sys/ itself and fail`),
      );
      continue;
    }
    const { key, path } = normalizeSysctlKey(rawKey);
    let value: string | null = null;
    let valueRange: Range | null = null;
    if (hasEq) {
      const [vs, ve] = trimSpan(text, eq + 1, e);
      value = text.slice(vs, ve);
      valueRange = vs === ve ? rangeOf(src, eq + 1, eq + 1) : rangeOf(src, vs, ve);
    }
    out.entries.push({
      kind: hasEq ? 'assign' : 'exclude',
      file: src,
      line,
      rawKey,
      key,
      path,
      value,
      ignoreFailure: hasEq && dash,
      glob: isSysctlGlob(path),
      range: rangeOf(src, s, e),
      keyRange: rangeOf(src, ks, ke),
      valueRange,
    });
  }
  return out;
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
