/**
 * Builds a NodeSet from a discovery spec: reads each component's files (well-known paths
 * under the root, or the loose files given) and hands them to the component loaders.
 * All I/O of a lint run goes through LoadContext, so limits and path confinement live here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import type { FileKind, SourceFile } from '../core/source.js';
import type { Finding } from '../core/types.js';
import type { Comment } from '../parse/common.js';
import { IoError, readSource } from '../discover/read.js';
import type { NodeSetSpec } from '../discover/index.js';
import type { NodeSet } from './nodeset.js';
import { loadContainerd } from './containerd.js';
import { loadKubelet } from './kubelet.js';
import { loadCrictl } from './crictl.js';
import { loadSysctl } from './sysctl.js';
import { loadModules } from './modules.js';

export class LoadContext {
  readonly findings: Finding[] = [];
  readonly files: SourceFile[] = [];
  readonly comments = new Map<SourceFile, Comment[]>();
  readonly ioErrors: IoError[] = [];

  constructor(readonly spec: NodeSetSpec) {}

  get root(): string | null {
    return this.spec.root;
  }

  /** Loose files of a kind given on the command line (empty in root mode unless also given). */
  given(kind: FileKind): string[] {
    return this.spec.files.filter((f) => f.kind === kind).map((f) => f.path);
  }

  /**
   * Absolute path on disk of a path as the node sees it (`/etc/containerd/config.toml`).
   * Confined to the root: `..` cannot climb above it. Without a root, the path is used as is.
   */
  hostPath(nodePath: string): string {
    if (!this.root) return resolve(nodePath);
    const clean = normalize('/' + nodePath.replace(/\\/g, '/')).replace(/^\/+/, '');
    return join(this.root, clean);
  }

  /** The node path (`/etc/...`) of a host path inside the root, or null. */
  nodePathOf(hostPath: string): string | null {
    if (!this.root) return null;
    const rel = relative(this.root, hostPath);
    if (rel.startsWith('..') || isAbsolute(rel)) return null;
    return '/' + rel.split(sep).join('/');
  }

  display(hostPath: string): string {
    if (this.root) {
      const rel = relative(this.root, hostPath);
      if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
    }
    const rel = relative(process.cwd(), hostPath);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : hostPath;
  }

  exists(hostPath: string): boolean {
    return existsSync(hostPath);
  }

  isDir(hostPath: string): boolean {
    try {
      return statSync(hostPath).isDirectory();
    } catch {
      return false;
    }
  }

  /** Directory entries (names), sorted; empty when the directory does not exist. */
  list(hostDir: string): string[] {
    try {
      return readdirSync(hostDir).sort();
    } catch {
      return [];
    }
  }

  /** Read a file; an unreadable one is recorded as an I/O error and gives null. */
  read(hostPath: string, kind: FileKind): SourceFile | null {
    const known = this.files.find((f) => f.path === hostPath);
    if (known) return known;
    try {
      const { source, problem } = readSource(hostPath, kind, this.display(hostPath), this.nodePathOf(hostPath));
      this.files.push(source);
      if (problem) {
        this.findings.push(problem);
        (source as { unusable?: boolean }).unusable = true;
      }
      return source;
    } catch (e) {
      if (e instanceof IoError) {
        this.ioErrors.push(e);
        return null;
      }
      throw e;
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

export function loadNodeSet(spec: NodeSetSpec): { node: NodeSet; ioErrors: IoError[] } {
  const ctx = new LoadContext(spec);
  const node: NodeSet = {
    name: spec.name,
    root: spec.root,
    files: ctx.files,
    comments: ctx.comments,
    containerd: loadContainerd(ctx),
    kubelet: loadKubelet(ctx),
    crictl: loadCrictl(ctx),
    sysctl: loadSysctl(ctx),
    modules: loadModules(ctx),
    findings: ctx.findings,
  };
  return { node, ioErrors: ctx.ioErrors };
}
