/**
 * The sysctl.d model: which files systemd-sysctl (and procps `sysctl --system`) read, in which
 * order, and which assignment wins for each key. Also exports the drop-in directory enumeration
 * shared with modules-load.d (`listConfD`, `looseConfFile`).
 *
 * Sources: ../shared/reference/crictl-crio-docker-sysctl.md §4.1 and §4.2, i.e.
 * - systemd man/sysctl.d.xml and man/standard-conf.xml ("Configuration Directories and Precedence"):
 *   directories /etc, /run, /usr/local/lib, /usr/lib (+ /lib on split-usr builds — Debian 12's
 *   systemd 252 reads it, verified with `systemd-analyze --root cat-config sysctl.d`); only `*.conf`;
 *   a file replaces a same-named file in a lower-precedence directory; a symlink to /dev/null is the
 *   documented way to disable a vendor file; all files are sorted by file name regardless of
 *   directory and the later assignment wins.
 * - systemd src/basic/conf-files.c (current main): FOREACH_DIRENT skips hidden files (names
 *   starting with `.`); entries are resolved with chaseat() *inside* the root, and a symlink whose
 *   target is /dev/null is recognised by path even when /dev/null does not exist in the image.
 *   systemd-sysctl lists files with CONF_FILES_WARN only (src/sysctl/sysctl.c run()), so a mask or an
 *   empty file still takes its name's slot and simply contributes nothing; a dangling symlink also
 *   takes the slot and is then skipped (conf_file_read(ignore_enoent=true)).
 * - systemd src/sysctl/sysctl.c parse_line(): an ordered hashmap keyed by the normalised key; a
 *   different value removes the old entry and appends the new one; an equal value keeps the old
 *   entry and ORs the ignore-failure flag; `-key` (no `=`) is stored with no value, so it cancels an
 *   earlier explicit assignment and the key is not written at all. Globs are applied in hashmap
 *   order to every matching key that has no entry of its own ("Not setting %s (explicit setting
 *   exists)"). /etc/sysctl.conf is NOT read (systemd/systemd#8360).
 * - procps-ng src/sysctl.c PreloadSystem()/write_setting_list(): the same five directories, names
 *   ending in `.conf` (hidden files included — only `.` and `..` are skipped), first occurrence of a
 *   name wins, sorted with strcmp, then /etc/sysctl.conf last when it is a regular file. Every
 *   setting is written in list order (the last write wins); `-key` only keeps globs away from the
 *   key; glob matches are skipped for any key that appears anywhere in the list.
 *
 * Documented limits: glob assignments are matched against the keys crilint knows of (there is no
 * /proc/sys to expand against), so `effective(key)` accounts for a glob only when it is asked about
 * a concrete key; an exclusion is a literal key in both tools (a glob exclusion such as
 * `-fs.protected_regul*` excludes nothing but that literal string).
 */
import { basename, dirname, join } from 'node:path';
import type { FileKind, SourceFile } from '../core/source.js';
import { parseSysctl, normalizeSysctlKey, sysctlGlobMatch, type SysctlEntry } from '../parse/sysctl.js';
import type { LoadContext } from './load.js';
import { unusable } from './load.js';

export type { SysctlEntry } from '../parse/sysctl.js';

/** One directory entry of a drop-in directory (or one loose file). */
export interface ConfDFile {
  /** File name (basename): the sort and masking key. */
  name: string;
  /** Directory as the node sees it (`/etc/sysctl.d`); the host directory for loose files. */
  dir: string;
  /** Path as the node sees it (`/etc/sysctl.d/99-k8s.conf`); the host path for loose files. */
  path: string;
  /** Absolute path of the entry on disk. */
  hostPath: string;
  /**
   * `file`: read (see `source`); `devnull`: a symlink to /dev/null (a mask; nothing is read);
   * `missing`: a dangling symlink (takes the name, nothing is read); `other`: a directory or special
   * file (takes the name, nothing is read).
   */
  kind: 'file' | 'devnull' | 'missing' | 'other';
  /** For a symlink: the node path it resolves to (resolved inside the node root). */
  target: string | null;
  source: SourceFile | null;
  /** The higher-precedence entry with the same name that hides this one (null when this one is read). */
  maskedBy: ConfDFile | null;
  /** Lower-precedence entries with the same name that this one hides. */
  masks: ConfDFile[];
}

export interface SysctlFile extends ConfDFile {
  maskedBy: SysctlFile | null;
  masks: SysctlFile[];
  /** Parsed statements (empty unless `kind` is `file` and the file is in effect, i.e. not masked). */
  entries: SysctlEntry[];
}

export interface SysctlEffective {
  /** Dotted normal form of the key asked about. */
  key: string;
  /** systemd's slash form (below /proc/sys). */
  path: string;
  /** The assignment whose value is written; null when an exclusion (`-key`) cancels the key. */
  winner: SysctlEntry | null;
  /** The value written (`winner.value`), null when nothing is written. */
  value: string | null;
  /** Earlier statements for the same key (or, for globs, earlier matching globs) that lose, in reading order. */
  overridden: SysctlEntry[];
  /** The exclusion that keeps the key from being written (systemd only: the last statement is `-key`). */
  excludedBy: SysctlEntry | null;
  /** Whether the key is set by an assignment to the key itself or by a glob pattern. */
  via: 'explicit' | 'glob';
  /** A failure to write the key is ignored (`-` prefix; systemd ORs it over equal re-assignments). */
  ignoreFailure: boolean;
  /**
   * The statement whose place in reading order decides *when* the key is written relative to other
   * keys (null when nothing is written). systemd-sysctl writes its ordered hashmap in insertion
   * order, and a key sits where the statement that last changed its value put it (an equal
   * re-assignment keeps the place; a glob writes its matches at the glob's place), so this can be an
   * earlier statement than `winner`. procps writes every statement in list order: the winner itself.
   * Matters for keys the kernel links (net.ipv4.ip_forward and net.ipv4.conf.all.forwarding are one
   * setting): the one written last decides.
   */
  writtenAt: SysctlEntry | null;
}

export interface SysctlView {
  consumer: 'systemd-sysctl' | 'procps';
  /** Files in reading order (sorted by name across directories); masks and dangling links included. */
  files: SysctlFile[];
  /** Files hidden by a same-named file in a higher-precedence directory. */
  masked: SysctlFile[];
  /** Every statement (assignments and exclusions) in reading order. */
  entries: SysctlEntry[];
  /** Every `key = value` statement in reading order (explicit and glob). */
  assignments: SysctlEntry[];
  /** Glob assignments in reading order. */
  globs: SysctlEntry[];
  /** What the consumer writes for one key (dotted or slash form), or null when nothing mentions it. */
  effective(key: string): SysctlEffective | null;
  /** The effective result for every concrete (non-glob) key that is mentioned, in reading order of the key's first statement. */
  settings(): SysctlEffective[];
}

export interface SysctlModel extends SysctlView {
  consumer: 'systemd-sysctl';
  /** `root`: the node's sysctl.d directories; `files`: loose files given on the command line. */
  mode: 'root' | 'files';
  /** /etc/sysctl.conf (or a loose file named `sysctl.conf`): read by procps `sysctl --system` only. */
  sysctlConf: SysctlFile | null;
  /** The same files as procps `sysctl --system` applies them (with /etc/sysctl.conf last). */
  procps: SysctlView;
}

/** systemd CONF_PATHS("sysctl.d") plus /lib (split-usr); procps PreloadSystem() uses the same five. */
export const SYSCTL_DIRS = ['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'] as const;
export const SYSCTL_CONF = '/etc/sysctl.conf';

/** strcmp() order (bytewise over UTF-8), as both systemd and procps sort file names. */
export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export interface ConfDListing<T extends ConfDFile> {
  /** Entries that are in effect, sorted by name (strcmp). */
  files: T[];
  /** Entries hidden by a same-named entry of a higher-precedence directory. */
  masked: T[];
}

export interface ConfDOptions {
  /** Skip names starting with `.` (systemd's FOREACH_DIRENT does; procps does not). */
  skipHidden: boolean;
  /** Suffix a file name must end with. */
  suffix: string;
}

/**
 * Enumerate drop-in directories (listed from highest to lowest precedence) below the node root:
 * same-name masking, sorting by name across directories. Regular files are read through the
 * context as `kind`; masks, dangling links, directories and special files are listed, not read.
 */
export function listConfD(ctx: LoadContext, dirs: readonly string[], kind: FileKind, opts: ConfDOptions): ConfDListing<ConfDFile> {
  const byName = new Map<string, ConfDFile>();
  const masked: ConfDFile[] = [];
  if (!ctx.root) return { files: [], masked };
  const seenDirs = new Set<string>();
  for (const dir of dirs) {
    const hostDir = ctx.hostPath(dir);
    // A directory reached twice through links (merged /usr: /lib -> usr/lib) is one directory.
    const diskDir = ctx.diskPath(hostDir);
    if (seenDirs.has(diskDir) || !ctx.isDir(hostDir)) continue;
    seenDirs.add(diskDir);
    const names = ctx.list(hostDir).sort(byteCompare);
    for (const name of names) {
      if (opts.skipHidden && name.startsWith('.')) continue;
      if (name.length < opts.suffix.length || !name.endsWith(opts.suffix)) continue;
      const entry = makeEntry(ctx, `${dir}/${name}`, dir, name, join(hostDir, name), join(diskDir, name), kind);
      const winner = byName.get(name);
      if (winner) {
        entry.maskedBy = winner;
        winner.masks.push(entry);
        masked.push(entry);
        continue;
      }
      byName.set(name, entry);
    }
  }
  const files = [...byName.values()].sort((a, b) => byteCompare(a.name, b.name));
  return { files, masked };
}

/**
 * Classify one entry. Links are resolved inside the root by LoadContext.diskPath (chaseat()
 * semantics); a link whose target is /dev/null — absolute or relative, present in the root or not —
 * is a mask (systemd conf-files.c conf_file_chase_and_verify(): "If the path points to /dev/null in
 * a image or so, then the device node may not exist"). The file is read by the entry's own path,
 * so the SourceFile is the one LoadContext.preload() read (named by the link).
 */
function makeEntry(ctx: LoadContext, path: string, dir: string, name: string, hostPath: string, entryDisk: string, kind: FileKind): ConfDFile {
  const e: ConfDFile = { name, dir, path, hostPath, kind: 'file', target: null, source: null, maskedBy: null, masks: [] };
  const link = ctx.isLink(entryDisk);
  const disk = ctx.diskPath(entryDisk);
  const target = disk === '/dev/null' ? '/dev/null' : (ctx.nodePathOf(disk) ?? disk);
  if (link) e.target = target;
  if (target === '/dev/null') {
    e.kind = 'devnull';
    return e;
  }
  let st;
  try {
    st = ctx.stat(disk);
  } catch {
    st = null;
  }
  if (!st) {
    // A file that exists only in the fix loop's overlay (created by a fix in an earlier pass) is a
    // regular file the next pass must read, or a fix that creates it would create it again.
    if (!link && ctx.isRegular(hostPath)) {
      e.source = ctx.read(hostPath, kind);
      if (!e.source) e.kind = 'other';
      return e;
    }
    e.kind = 'missing';
    return e;
  }
  if (!st.isFile()) {
    e.kind = 'other';
    return e;
  }
  e.source = ctx.read(hostPath, kind);
  if (!e.source) e.kind = 'other';
  return e;
}

/** A loose file given on the command line (host path; the host's own symlinks are followed). */
export function looseConfFile(ctx: LoadContext, hostPath: string, kind: FileKind): ConfDFile {
  const e: ConfDFile = { name: basename(hostPath), dir: dirname(hostPath), path: hostPath, hostPath, kind: 'file', target: null, source: null, maskedBy: null, masks: [] };
  try {
    const t = ctx.symlinkTarget(hostPath);
    if (typeof t === 'string') {
      e.target = t;
      if (t === '/dev/null') {
        e.kind = 'devnull';
        return e;
      }
    }
    const st = ctx.stat(hostPath);
    if (st && !st.isFile()) {
      e.kind = 'other';
      return e;
    }
  } catch {
    // Let ctx.read record the I/O error (missing file given on the command line).
  }
  e.source = ctx.read(hostPath, kind);
  if (!e.source) e.kind = 'missing';
  return e;
}

/** Parse each source once, so both views share the same entry objects; comments and findings go to the context. */
function parser(ctx: LoadContext): (src: SourceFile | null) => SysctlEntry[] {
  const cache = new Map<SourceFile, SysctlEntry[]>();
  return (src) => {
    if (!src) return [];
    const known = cache.get(src);
    if (known) return known;
    let entries: SysctlEntry[] = [];
    if (!unusable(src)) {
      const p = parseSysctl(src);
      ctx.addComments(src, p.comments);
      ctx.findings.push(...p.findings);
      entries = p.entries;
    }
    cache.set(src, entries);
    return entries;
  };
}

function withEntries(list: ConfDListing<ConfDFile>, parse: (s: SourceFile | null) => SysctlEntry[]): ConfDListing<SysctlFile> {
  // A masked file is never read by the consumer: no statements, no findings from it.
  for (const f of list.files as SysctlFile[]) f.entries = f.kind === 'file' ? parse(f.source) : [];
  for (const f of list.masked as SysctlFile[]) f.entries = [];
  return list as ConfDListing<SysctlFile>;
}

export function loadSysctl(ctx: LoadContext): SysctlModel | null {
  const parse = parser(ctx);
  if (ctx.root) {
    const systemd = withEntries(listConfD(ctx, SYSCTL_DIRS, 'sysctl', { skipHidden: true, suffix: '.conf' }), parse);
    const procps = withEntries(listConfD(ctx, SYSCTL_DIRS, 'sysctl', { skipHidden: false, suffix: '.conf' }), parse);
    // procps: `stat(DEFAULT_PRELOAD) == 0 && S_ISREG` (stat follows links; inside the root here).
    let sysctlConf: SysctlFile | null = null;
    const confHost = ctx.hostPath(SYSCTL_CONF);
    const confDisk = ctx.diskPath(confHost);
    let regular = false;
    try {
      regular = confDisk !== '/dev/null' && (ctx.stat(confDisk)?.isFile() ?? false);
    } catch {
      regular = false;
    }
    if (regular) {
      const e = makeEntry(ctx, SYSCTL_CONF, '/etc', 'sysctl.conf', confHost, confHost, 'sysctl') as SysctlFile;
      e.entries = e.kind === 'file' ? parse(e.source) : [];
      sysctlConf = e;
    }
    if (!systemd.files.length && !systemd.masked.length && !procps.files.length && !sysctlConf) return null;
    return buildModel('root', systemd, procps, sysctlConf);
  }
  const given = ctx.given('sysctl');
  if (!given.length) return null;
  // Loose files: sorted by file name (strcmp, ties in the order given), as systemd sorts a node's
  // files; no directory masking (their directories are not known). A file named exactly
  // `sysctl.conf` is taken to be /etc/sysctl.conf: procps applies it last, systemd ignores it.
  const entries = given.map((p) => looseConfFile(ctx, p, 'sysctl') as SysctlFile);
  for (const e of entries) e.entries = e.kind === 'file' ? parse(e.source) : [];
  const conf = entries.filter((e) => e.name === 'sysctl.conf');
  const dropins = entries.filter((e) => e.name !== 'sysctl.conf').sort((a, b) => byteCompare(a.name, b.name));
  const listing = { files: dropins, masked: [] };
  return buildModel('files', listing, listing, conf[conf.length - 1] ?? null);
}

function buildModel(mode: 'root' | 'files', systemd: ConfDListing<SysctlFile>, procps: ConfDListing<SysctlFile>, sysctlConf: SysctlFile | null): SysctlModel {
  const sd = systemdView(systemd);
  const pp = procpsView(procps.files, procps.masked, sysctlConf);
  return { ...sd, consumer: 'systemd-sysctl', mode, sysctlConf, procps: pp };
}

function baseView(consumer: SysctlView['consumer'], files: SysctlFile[], masked: SysctlFile[]) {
  const entries = files.flatMap((f) => f.entries);
  const assignments = entries.filter((e) => e.kind === 'assign');
  const globs = assignments.filter((e) => e.glob);
  return { consumer, files, masked, entries, assignments, globs };
}

interface Slot {
  /** The statement that created the hashmap entry (kept on an equal re-assignment). */
  entry: SysctlEntry;
  ignoreFailure: boolean;
  /** Every statement for this key, in reading order. */
  history: SysctlEntry[];
}

/** systemd-sysctl: replay parse_line()'s ordered hashmap. */
function systemdView(listing: ConfDListing<SysctlFile>): SysctlView & { consumer: 'systemd-sysctl' } {
  const base = baseView('systemd-sysctl', listing.files, listing.masked);
  const slots = new Map<string, Slot>();
  for (const e of base.entries) {
    const cur = slots.get(e.path);
    if (cur && cur.entry.value === e.value) {
      cur.ignoreFailure = cur.ignoreFailure || e.ignoreFailure;
      cur.history.push(e);
      continue;
    }
    if (cur) slots.delete(e.path);
    slots.set(e.path, { entry: e, ignoreFailure: e.ignoreFailure, history: cur ? [...cur.history, e] : [e] });
  }
  const effective = (key: string): SysctlEffective | null => {
    const { key: dotted, path } = normalizeSysctlKey(key);
    const slot = slots.get(path);
    if (slot) {
      const last = slot.history[slot.history.length - 1]!;
      const winner = last.kind === 'assign' ? last : null;
      return {
        key: dotted,
        path,
        winner,
        value: winner?.value ?? null,
        overridden: slot.history.slice(0, -1),
        excludedBy: winner ? null : last,
        via: 'explicit',
        ignoreFailure: winner ? slot.ignoreFailure : false,
        writtenAt: winner ? slot.entry : null,
      };
    }
    // apply_all() walks the hashmap in order; a glob writes every match that has no entry of its own.
    const matching: Slot[] = [];
    for (const s of slots.values()) if (s.entry.glob && s.entry.kind === 'assign' && sysctlGlobMatch(s.entry.path, path)) matching.push(s);
    if (!matching.length) return null;
    const win = matching[matching.length - 1]!;
    const winner = win.history[win.history.length - 1]!;
    return {
      key: dotted,
      path,
      winner,
      value: winner.value,
      overridden: matching.slice(0, -1).map((s) => s.history[s.history.length - 1]!),
      excludedBy: null,
      via: 'glob',
      ignoreFailure: win.ignoreFailure,
      writtenAt: win.entry,
    };
  };
  return { ...base, consumer: 'systemd-sysctl', effective, settings: () => settingsOf(base.entries, effective) };
}

/** procps `sysctl --system`: write every setting in list order; globs skip keys listed anywhere. */
function procpsView(files: SysctlFile[], masked: SysctlFile[], sysctlConf: SysctlFile | null): SysctlView {
  const all = sysctlConf ? [...files, sysctlConf] : files;
  const base = baseView('procps', all, masked);
  const byPath = new Map<string, SysctlEntry[]>();
  for (const e of base.entries) (byPath.get(e.path) ?? byPath.set(e.path, []).get(e.path)!).push(e);
  const effective = (key: string): SysctlEffective | null => {
    const { key: dotted, path } = normalizeSysctlKey(key);
    const listed = byPath.get(path);
    if (listed) {
      const writes = listed.filter((e) => e.kind === 'assign');
      const winner = writes[writes.length - 1] ?? null;
      return {
        key: dotted,
        path,
        winner,
        value: winner?.value ?? null,
        overridden: winner ? listed.filter((e) => e !== winner && e.kind === 'assign') : [],
        excludedBy: winner ? null : listed[listed.length - 1]!,
        via: 'explicit',
        ignoreFailure: winner?.ignoreFailure ?? false,
        writtenAt: winner,
      };
    }
    const matching = base.globs.filter((g) => sysctlGlobMatch(g.path, path));
    if (!matching.length) return null;
    const winner = matching[matching.length - 1]!;
    return { key: dotted, path, winner, value: winner.value, overridden: matching.slice(0, -1), excludedBy: null, via: 'glob', ignoreFailure: winner.ignoreFailure, writtenAt: winner };
  };
  return { ...base, effective, settings: () => settingsOf(base.entries, effective) };
}

function settingsOf(entries: SysctlEntry[], effective: (k: string) => SysctlEffective | null): SysctlEffective[] {
  const seen = new Set<string>();
  const out: SysctlEffective[] = [];
  for (const e of entries) {
    if (e.glob || seen.has(e.path)) continue;
    seen.add(e.path);
    const eff = effective(e.path);
    if (eff) out.push(eff);
  }
  return out;
}
