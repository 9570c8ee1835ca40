/**
 * Builds a NodeSet from a discovery spec: reads each component's files (well-known paths
 * under the root, or the loose files given) and hands them to the component loaders.
 * All I/O of a lint run goes through LoadContext, so limits and path confinement live here.
 *
 * Contract for component loaders (src/model/<component>.ts):
 * - Root mode (`ctx.root` set): read the component's files at their node paths,
 *   `ctx.read(ctx.hostPath('/etc/containerd/config.toml'), 'containerd')`, and follow imports and
 *   drop-ins the same way. `ctx.given()` is empty: a root is always loaded whole.
 * - Loose mode (`ctx.root` null): `ctx.given(kind)` lists the files of each kind, in the order given.
 * - Before the loaders run, the files every component reads without being told (DESIGN.md
 *   "Node sets": config.toml, config.yaml, kubeadm-flags.env, crictl.yaml, sysctl.d, sysctl.conf,
 *   modules-load.d) or the loose files are already read, so byte-level problems (too large,
 *   binary, invalid UTF-8) and I/O errors are reported even for a component without a model.
 *   Entries of sysctl.d and modules-load.d that are no regular file (dangling links, directories,
 *   FIFOs) are not preloaded: the components skip them, so they are the models' to report.
 *   `read()` returns the same SourceFile for the same path; check `unusable(src)` before parsing.
 * - Symlinks inside a root resolve inside the root (an absolute target such as
 *   `/etc/sysctl.conf` means `<root>/etc/sysctl.conf`; `..` stops at the root), as the node would
 *   see them; a symlink to `/dev/null` reads as an empty file (systemd's masking convention).
 *   A SourceFile keeps the name it was read by (the link), which is what systemd sorts by.
 */
import { lstatSync, readdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { makeSource, type FileKind, type SourceFile } from '../core/source.js';
import type { Finding } from '../core/types.js';
import { fmtVersion, type Version } from '../core/version.js';
import { syntaxFinding } from '../parse/common.js';
import { containerdReadsInvalidUtf8 } from '../data/containerd.js';
import type { Comment } from '../parse/common.js';
import { IoError, readSource } from '../discover/read.js';
import { displayPath, PLAIN_PATH, wellKnownFiles, type NodeSetSpec } from '../discover/index.js';
import type { NodeSet } from './nodeset.js';
import { loadContainerd } from './containerd.js';
import { loadCrio } from './crio.js';
import { loadDocker } from './docker.js';
import { loadKubelet } from './kubelet.js';
import { loadCrictl } from './crictl.js';
import { loadSysctl } from './sysctl.js';
import { loadModules } from './modules.js';
import type { Trace } from './trace.js';

/** Most symlinks followed while resolving one path (Linux's limit). */
const MAX_SYMLINKS = 40;
/**
 * diskPath() of a path whose symlink chain is longer than MAX_SYMLINKS: no file can have this name
 * (a NUL byte), so every stat, list and read of it fails, and read() reports the loop.
 */
const SYMLINK_LOOP = '\0crilint: too many levels of symbolic links';
/**
 * Most files read for one node set. A real node has a few dozen; a drop-in directory with a
 * million entries must not exhaust memory. The first file over the limit is named in an I/O
 * error (exit 2); it and later ones are not read.
 */
export const MAX_NODE_FILES = 1000;


/**
 * path.relative(root, p), without resolving both against the working directory when `p` is a
 * plain path below the root (how hostPath() builds them): every lookup of a node set asks.
 */
function relativeTo(root: string, p: string): string {
  if (sep === '/' && PLAIN_PATH.test(p)) {
    if (root === '/') return p.slice(1);
    if (p.startsWith(root) && p.charCodeAt(root.length) === 47 && PLAIN_PATH.test(root)) return p.slice(root.length + 1);
  }
  return relative(root, p);
}

export class LoadContext {
  readonly findings: Finding[] = [];
  readonly files: SourceFile[] = [];
  readonly comments = new Map<SourceFile, Comment[]>();
  readonly ioErrors: IoError[] = [];
  private readonly byPath = new Map<string, SourceFile>();
  private readonly unreadable = new Set<string>();
  private readonly links = new Map<string, string | null | undefined>();
  // The tree does not change while a node set loads: what was looked up once is kept.
  private readonly disk = new Map<string, string>();
  private readonly stats = new Map<string, Stats | null>();
  private readonly dirs = new Map<string, string[]>();
  private overLimit = false;
  /** The root is `/` or a plain absolute path (see PLAIN_PATH), so hostPath() may just append. */
  private readonly plainRoot: boolean;

  /**
   * @param overlay texts that replace (or create) files by host path: the fix loop re-lints its
   * in-memory results through it, so a pass sees exactly what --fix would write.
   */
  constructor(
    readonly spec: NodeSetSpec,
    private readonly overlay: ReadonlyMap<string, string> = new Map(),
    /** The containerd version given (command line or config file), when one was: loading differs between releases. */
    readonly containerd: Version | null = null,
    /** Where every lookup's answer is recorded, for --cache (src/model/trace.ts). */
    private readonly trace: Trace | null = null,
  ) {
    const root = spec.root;
    this.plainRoot = sep === '/' && root !== null && (root === '/' || PLAIN_PATH.test(root));
  }

  get root(): string | null {
    return this.spec.root;
  }

  /** Loose files of a kind given on the command line, in the order given. Always empty for a node root. */
  given(kind: FileKind): string[] {
    if (this.root) return [];
    return this.spec.files.filter((f) => f.kind === kind).map((f) => f.path);
  }

  /**
   * Absolute path on disk of a path as the node sees it (`/etc/containerd/config.toml`).
   * Confined to the root: `..` cannot climb above it. Without a root, the path is used as is.
   */
  hostPath(nodePath: string): string {
    if (!this.root) return resolve(nodePath);
    // The common case, a clean absolute node path (the loaders' constants): no normalising needed.
    if (this.plainRoot && PLAIN_PATH.test(nodePath)) return this.root === '/' ? nodePath : this.root + nodePath;
    const clean = normalize('/' + nodePath.replace(/\\/g, '/')).replace(/^\/+/, '');
    return join(this.root, clean);
  }

  /** The node path (`/etc/...`) of a host path inside the root, or null. */
  nodePathOf(hostPath: string): string | null {
    if (!this.root) return null;
    const rel = relativeTo(this.root, hostPath);
    if (rel.startsWith('..') || isAbsolute(rel)) return null;
    return '/' + rel.split(sep).join('/');
  }

  display(hostPath: string): string {
    if (this.root) {
      const rel = relativeTo(this.root, hostPath);
      if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
    }
    return displayPath(hostPath);
  }

  /**
   * Where the bytes of a host path really are: inside a root, symlinks (in any component) are
   * resolved inside the root, as the node resolves them; `/dev/null` for a link to it. Outside a
   * root, the path itself (the operating system follows links).
   */
  diskPath(hostPath: string): string {
    const root = this.root;
    if (!root) return hostPath;
    let known = this.disk.get(hostPath);
    if (known === undefined) {
      known = this.resolveDisk(root, hostPath);
      this.disk.set(hostPath, known);
    }
    return known;
  }

  private resolveDisk(root: string, hostPath: string): string {
    const rel = relativeTo(root, hostPath);
    if (rel.startsWith('..') || isAbsolute(rel)) return hostPath;
    let stack: string[] = [];
    let queue = rel === '' ? [] : rel.split(sep);
    let hops = 0;
    let exists = true;
    while (queue.length) {
      const c = queue.shift()!;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        stack.pop();
        continue;
      }
      if (!exists) {
        stack.push(c);
        continue;
      }
      // join(root, ...stack, c) without its normalising: the parts are plain names here.
      const p = `${root === sep ? '' : root}${sep}${stack.length ? stack.join(sep) + sep : ''}${c}`;
      const target = this.linkTarget(p);
      if (target === undefined) exists = false;
      if (typeof target !== 'string') {
        stack.push(c);
        continue;
      }
      // Not `p`: the operating system would follow the rest of the chain, out of the root.
      if (++hops > MAX_SYMLINKS) return SYMLINK_LOOP;
      if (target === '/dev/null' && queue.length === 0) return '/dev/null';
      if (isAbsolute(target)) stack = [];
      queue = [...target.split('/'), ...queue];
    }
    const disk = join(root, ...stack);
    // A component that is not there: neither is the path (its stat is known without asking).
    if (!exists) this.stats.set(disk, null);
    return disk;
  }

  /** A path's symlink target; null for an existing non-link; undefined when nothing is there. Cached: the tree does not change during a run. */
  private linkTarget(p: string): string | null | undefined {
    if (this.links.has(p)) return this.links.get(p);
    let t: string | null | undefined;
    try {
      // throwIfNoEntry: a missing path is the common case (most candidate paths are absent), and an exception costs ~10 µs.
      const st = lstatSync(p, { throwIfNoEntry: false });
      t = st === undefined ? undefined : st.isSymbolicLink() ? readlinkSync(p) : null;
      this.trace?.lstat(p, st, t ?? undefined);
      // stat() and lstat() differ only when the last component is a link: this answers stat() too.
      if (t === null) this.stats.set(p, st!);
      else if (t === undefined) this.stats.set(p, null);
    } catch {
      if (this.trace) this.trace.broken = true;
      t = undefined;
    }
    this.links.set(p, t);
    return t;
  }

  /** stat() of a path on disk (links followed by the operating system), null when nothing is there. Cached; may throw (permission denied). */
  stat(disk: string): Stats | null {
    let st = this.stats.get(disk);
    if (st === undefined) {
      try {
        st = statSync(disk, { throwIfNoEntry: false }) ?? null;
      } catch (e) {
        if (this.trace) this.trace.broken = true;
        throw e;
      }
      this.trace?.stat(disk, st);
      this.stats.set(disk, st);
    }
    return st;
  }

  /** The target of a symbolic link on disk; null for an existing non-link; undefined when nothing is there (or it cannot be looked up). */
  symlinkTarget(disk: string): string | null | undefined {
    return this.linkTarget(disk);
  }

  /** The path on disk (not followed) is a symbolic link. Cached, like every lookup here. */
  isLink(disk: string): boolean {
    return typeof this.linkTarget(disk) === 'string';
  }

  exists(hostPath: string): boolean {
    if (this.overlay.has(hostPath)) return true;
    try {
      return this.stat(this.diskPath(hostPath)) !== null;
    } catch {
      return false;
    }
  }

  isDir(hostPath: string): boolean {
    if (this.overlay.size) for (const k of this.overlay.keys()) if (k.startsWith(hostPath + sep)) return true;
    try {
      return this.stat(this.diskPath(hostPath))?.isDirectory() ?? false;
    } catch {
      return false;
    }
  }

  /** The path (followed inside the root) is a regular file, or a link to /dev/null. */
  isRegular(hostPath: string): boolean {
    if (this.overlay.has(hostPath)) return true;
    const disk = this.diskPath(hostPath);
    if (disk === '/dev/null') return true;
    try {
      return this.stat(disk)?.isFile() ?? false;
    } catch {
      return false;
    }
  }

  /** Directory entries (names), sorted; empty when the directory does not exist. */
  list(hostDir: string): string[] {
    const disk = this.diskPath(hostDir);
    let listed = this.dirs.get(disk);
    if (listed === undefined) {
      try {
        if (this.stat(disk)?.isDirectory()) {
          listed = readdirSync(disk);
          this.trace?.list(disk, listed);
        } else listed = [];
      } catch {
        if (this.trace) this.trace.broken = true;
        listed = [];
      }
      this.dirs.set(disk, listed);
    }
    const names = [...listed];
    if (this.overlay.size) for (const k of this.overlay.keys()) if (dirname(k) === hostDir && !names.includes(basename(k))) names.push(basename(k));
    return names.sort();
  }

  /** Read a file; an unreadable one is recorded as an I/O error and gives null. */
  read(hostPath: string, kind: FileKind): SourceFile | null {
    const known = this.byPath.get(hostPath);
    if (known) return known;
    // A file that could not be read is reported once, however many loaders ask for it.
    if (this.unreadable.has(hostPath)) return null;
    const display = this.display(hostPath);
    const text = this.overlay.get(hostPath);
    if (text !== undefined) {
      const source = makeSource({ path: hostPath, display, nodePath: this.nodePathOf(hostPath), kind }, text);
      this.files.push(source);
      this.byPath.set(hostPath, source);
      return source;
    }
    if (this.files.length >= MAX_NODE_FILES) {
      if (!this.overLimit) this.ioErrors.push(new IoError(hostPath, `${display}: not read, nor any later file: the node set has more than ${MAX_NODE_FILES} files (crilint's limit)`));
      this.overLimit = true;
      this.unreadable.add(hostPath);
      return null;
    }
    const disk = this.diskPath(hostPath);
    if (disk === SYMLINK_LOOP) {
      this.ioErrors.push(new IoError(hostPath, `${display}: too many levels of symbolic links`));
      this.unreadable.add(hostPath);
      return null;
    }
    try {
      let known: Stats | undefined;
      try {
        known = this.stat(disk) ?? undefined;
      } catch {
        known = undefined; // readSource stats again and names the error
      }
      let bytes: Uint8Array | null = null;
      const r = readSource(hostPath, kind, display, this.nodePathOf(hostPath), disk, known, this.trace ? (b) => (bytes = b) : undefined);
      this.trace?.read(disk, bytes);
      const lossy = r.lossy && kind === 'containerd' && this.containerd !== null && containerdReadsInvalidUtf8(this.containerd) ? r.lossy : null;
      const source = lossy ? lossy.source : r.source;
      this.files.push(source);
      this.byPath.set(hostPath, source);
      if (lossy) {
        // data CONTAINERD_INVALID_UTF8. A `syntax` finding: --fix does not write the file (src/engine/fix-run.ts), which would replace the invalid bytes.
        const at = source.text.indexOf('\ufffd');
        this.findings.push({ ...syntaxFinding(source, Math.max(at, 0), Math.max(at, 0) + 1, `invalid UTF-8 at byte ${lossy.at}: containerd ${fmtVersion(this.containerd!)} reads each invalid byte sequence as U+FFFD (go-toml v1) and starts, but containerd 2.x refuses the file (go-toml v2: "invalid character"); write the file as UTF-8`), severity: 'warning' });
      } else if (r.problem) {
        this.findings.push(r.problem);
        (source as { unusable?: boolean }).unusable = true;
      }
      return source;
    } catch (e) {
      if (e instanceof IoError) {
        // An error the recorded lookups explain (nothing there, a directory) is the same next time;
        // another (permission denied, …) may not be: the node set is then not cached.
        const st = this.stats.get(disk);
        if (this.trace && st !== null && !st?.isDirectory()) this.trace.broken = true;
        this.ioErrors.push(disk !== hostPath && !this.exists(hostPath) ? new IoError(hostPath, `${display}: ${this.brokenLink(hostPath)}`) : e);
        this.unreadable.add(hostPath);
        return null;
      }
      throw e;
    }
  }

  /** The message for a path whose symlink chain ends outside anything that exists in the root. */
  private brokenLink(hostPath: string): string {
    try {
      const target = readlinkSync(hostPath);
      return `broken symbolic link (to ${target}${isAbsolute(target) ? ', looked up inside the node root' : ''})`;
    } catch {
      return 'broken symbolic link (in a directory of its path)';
    }
  }

  /**
   * Read what the node reads without being told: the well-known files of a root, or the loose
   * files given. Runs before the component loaders (which then get the same SourceFiles).
   */
  preload(): void {
    if (this.root) {
      for (const f of wellKnownFiles(this.root, (d) => this.list(this.hostPath('/' + d)), (p) => this.linkTarget(p) !== undefined)) {
        const host = this.hostPath('/' + f.path);
        // A drop-in directory entry that is no regular file (a dangling link, a directory, a FIFO)
        // is skipped by systemd and procps; the model lists it, nothing is read.
        if (f.entry && !this.isRegular(host)) continue;
        this.read(host, f.kind);
      }
    } else {
      for (const f of this.spec.files) this.read(f.path, f.kind);
    }
  }

  addComments(src: SourceFile, comments: Comment[]): void {
    this.comments.set(src, comments);
  }
}

/** True when the bytes of a file could not be used (binary, invalid UTF-8, too large). */
export function unusable(src: SourceFile): boolean {
  return (src as { unusable?: boolean }).unusable === true;
}

export function loadNodeSet(spec: NodeSetSpec, overlay?: ReadonlyMap<string, string>, containerd: Version | null = null, trace: Trace | null = null): { node: NodeSet; ioErrors: IoError[] } {
  const ctx = new LoadContext(spec, overlay, containerd, trace);
  ctx.preload();
  const node: NodeSet = {
    name: spec.name,
    root: spec.root,
    files: ctx.files,
    comments: ctx.comments,
    containerd: loadContainerd(ctx),
    crio: loadCrio(ctx),
    docker: loadDocker(ctx),
    kubelet: loadKubelet(ctx),
    crictl: loadCrictl(ctx),
    sysctl: loadSysctl(ctx),
    modules: loadModules(ctx),
    findings: ctx.findings,
  };
  return { node, ioErrors: ctx.ioErrors };
}
