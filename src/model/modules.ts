/**
 * The modules-load.d model: which kernel modules systemd-modules-load loads at boot, and where
 * each is named.
 *
 * Sources: ../shared/reference/crictl-crio-docker-sysctl.md §4.3, i.e. systemd
 * man/modules-load.d.xml @018333725f and src/modules-load/modules-load.c: directories /etc, /run,
 * /usr/local/lib (CONF_PATHS), /usr/lib (+ /lib on split-usr builds) `modules-load.d/*.conf`, with
 * the same masking and ordering rules as sysctl.d (shared standard-conf.xml "confd" section; see
 * model/sysctl.ts for the enumeration). Format: one module name per line, whitespace-stripped;
 * empty lines and lines starting with `#` or `;` are ignored; there are no inline comments, so
 * `br_netfilter # x` names a module called `br_netfilter # x` (kept as written; a rule flags it).
 *
 * Module names are compared the way kmod looks them up: `-` and `_` are the same character
 * (kmod libkmod/libkmod-util.c alias_normalize()/modname_normalize() turn `-` into `_`).
 *
 * Left out on purpose: Debian's /etc/modules (the reference only has an unverified hint that some
 * distributions link it to /etc/modules-load.d/modules.conf; when it is such a link, the
 * enumeration already sees it as modules.conf), and the kernel command line `modules-load=`.
 */
import type { Range } from '../core/types.js';
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Comment } from '../parse/common.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';
import { byteCompare, listConfD, looseConfFile, type ConfDFile, type ConfDListing } from './sysctl.js';

export interface ModuleEntry {
  file: SourceFile;
  /** 1-based line number. */
  line: number;
  /** The module name as written (whitespace-stripped; may contain spaces or `#` if the line does). */
  name: string;
  /** kmod's lookup form: `-` replaced by `_`. */
  normalized: string;
  range: Range;
}

export interface ModulesFile extends ConfDFile {
  maskedBy: ModulesFile | null;
  masks: ModulesFile[];
  /** Module lines (empty unless `kind` is `file` and the file is in effect, i.e. not masked). */
  modules: ModuleEntry[];
}

export interface ModulesModel {
  mode: 'root' | 'files';
  /** Files in reading order (sorted by name across directories); masks and dangling links included. */
  files: ModulesFile[];
  /** Files hidden by a same-named file in a higher-precedence directory. */
  masked: ModulesFile[];
  /** Every module line in reading order. */
  modules: ModuleEntry[];
  /** Where a module is named (every line, in reading order); empty when it is not loaded. */
  loads(name: string): ModuleEntry[];
  /** Distinct module names (kmod form) in order of first appearance. */
  names(): string[];
}

/** systemd CONF_PATHS("modules-load.d") plus /lib on split-usr builds, highest precedence first. */
export const MODULES_LOAD_DIRS = ['/etc/modules-load.d', '/run/modules-load.d', '/usr/local/lib/modules-load.d', '/usr/lib/modules-load.d', '/lib/modules-load.d'] as const;

export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** Parse one modules-load.d file. Every non-comment line is a module name; nothing is a syntax error. */
export function parseModules(src: SourceFile): { modules: ModuleEntry[]; comments: Comment[] } {
  const modules: ModuleEntry[] = [];
  const comments: Comment[] = [];
  const text = src.text;
  const starts = src.lineStarts;
  const ws = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
  for (let i = 0; i < starts.length; i++) {
    let s = starts[i]!;
    let e = i + 1 < starts.length ? starts[i + 1]! - 1 : text.length;
    while (s < e && ws(text.charCodeAt(s))) s++;
    while (e > s && ws(text.charCodeAt(e - 1))) e--;
    if (s === e) continue;
    if (text[s] === '#' || text[s] === ';') {
      comments.push({ text: text.slice(s + 1, e), line: i + 1, range: rangeOf(src, s, e), ownLine: true });
      continue;
    }
    const name = text.slice(s, e);
    modules.push({ file: src, line: i + 1, name, normalized: normalizeModuleName(name), range: rangeOf(src, s, e) });
  }
  return { modules, comments };
}

export function loadModules(ctx: LoadContext): ModulesModel | null {
  const cache = new Map<SourceFile, ModuleEntry[]>();
  const parse = (src: SourceFile | null): ModuleEntry[] => {
    if (!src) return [];
    const known = cache.get(src);
    if (known) return known;
    let list: ModuleEntry[] = [];
    if (!unusable(src)) {
      const p = parseModules(src);
      ctx.addComments(src, p.comments);
      list = p.modules;
    }
    cache.set(src, list);
    return list;
  };
  let listing: ConfDListing<ConfDFile>;
  let mode: 'root' | 'files';
  if (ctx.root) {
    mode = 'root';
    listing = listConfD(ctx, MODULES_LOAD_DIRS, 'modules-load', { skipHidden: true, suffix: '.conf' });
    if (!listing.files.length && !listing.masked.length) return null;
  } else {
    mode = 'files';
    const given = ctx.given('modules-load');
    if (!given.length) return null;
    // Loose files: sorted by file name (strcmp; ties in the order given), no directory masking.
    listing = { files: given.map((p) => looseConfFile(ctx, p, 'modules-load')).sort((a, b) => byteCompare(a.name, b.name)), masked: [] };
  }
  const files = listing.files as ModulesFile[];
  const masked = listing.masked as ModulesFile[];
  // A masked file is never read by systemd-modules-load: no module lines from it.
  for (const f of files) f.modules = f.kind === 'file' ? parse(f.source) : [];
  for (const f of masked) f.modules = [];
  const modules = files.flatMap((f) => f.modules);
  return {
    mode,
    files,
    masked,
    modules,
    loads: (name) => {
      const n = normalizeModuleName(name.trim());
      return modules.filter((m) => m.normalized === n);
    },
    names: () => [...new Set(modules.map((m) => m.normalized))],
  };
}
