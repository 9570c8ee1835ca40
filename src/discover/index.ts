/**
 * Discovery: which files form which node set.
 * - `--root DIR` and directory PATHS that look like a node's `/` are node roots.
 * - A file PATH inside a recognisable node root (it sits at a well-known path below some
 *   ancestor) brings that whole root along, so a pre-commit hook passing one changed file still
 *   gets cross-file context.
 * - Other file PATHS are classified by name and content and form one loose node set.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { FileKind } from '../core/source.js';
import { IoError, describe } from './read.js';

export interface SpecFile {
  kind: FileKind;
  path: string;
}

export interface NodeSetSpec {
  name: string;
  root: string | null;
  /** Loose files (root null), or files given explicitly inside a root. */
  files: SpecFile[];
}

export interface Discovery {
  specs: NodeSetSpec[];
  errors: IoError[];
  /** Files given that crilint does not know how to read (templates, unrelated files). */
  skipped: { path: string; reason: string }[];
}

/** Well-known paths below a node root, as regular expressions over the root-relative path. */
const WELL_KNOWN: [RegExp, FileKind][] = [
  [/^etc\/containerd\/config\.toml$/, 'containerd'],
  [/^etc\/containerd\/(conf\.d|config\.d)\/[^/]+\.toml$/, 'containerd'],
  [/^var\/lib\/kubelet\/config\.(yaml|yml|json)$/, 'kubelet'],
  [/^var\/lib\/kubelet\/instance-config\.yaml$/, 'kubelet'],
  [/^etc\/kubernetes\/kubelet\.conf\.d\/[^/]+\.conf$/, 'kubelet'],
  [/^var\/lib\/kubelet\/kubeadm-flags\.env$/, 'kubelet-flags'],
  [/^etc\/(default|sysconfig)\/kubelet$/, 'kubelet-flags'],
  [/^etc\/crictl\.yaml$/, 'crictl'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/sysctl\.d\/[^/]+\.conf$/, 'sysctl'],
  [/^etc\/sysctl\.conf$/, 'sysctl'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/modules-load\.d\/[^/]+\.conf$/, 'modules-load'],
];

/** Markers whose presence makes a directory a node root. */
const ROOT_MARKERS = [
  'etc/containerd/config.toml',
  'var/lib/kubelet/config.yaml',
  'var/lib/kubelet/config.json',
  'var/lib/kubelet/kubeadm-flags.env',
  'etc/crictl.yaml',
  'etc/sysctl.d',
  'etc/modules-load.d',
  'etc/crio',
  'etc/docker/daemon.json',
];

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

export function looksLikeRoot(dir: string): boolean {
  return ROOT_MARKERS.some((m) => exists(resolve(dir, m)));
}

/** The node root that contains `file` at a well-known path, if any. */
export function enclosingRoot(file: string): { root: string; kind: FileKind } | null {
  const parts = resolve(file).split(sep);
  for (let i = parts.length - 2; i >= 0; i--) {
    const rel = parts.slice(i + 1).join('/');
    const hit = WELL_KNOWN.find(([re]) => re.test(rel));
    if (hit) return { root: parts.slice(0, i + 1).join(sep) || sep, kind: hit[1] };
  }
  return null;
}

export function discover(paths: string[], roots: string[]): Discovery {
  const out: Discovery = { specs: [], errors: [], skipped: [] };
  const byRoot = new Map<string, NodeSetSpec>();
  const loose: SpecFile[] = [];
  const addRoot = (dir: string, name: string) => {
    const abs = resolve(dir);
    let spec = byRoot.get(abs);
    if (!spec) {
      spec = { name, root: abs, files: [] };
      byRoot.set(abs, spec);
      out.specs.push(spec);
    }
    return spec;
  };
  for (const r of roots) {
    try {
      if (!statSync(r).isDirectory()) {
        out.errors.push(new IoError(r, `--root ${r}: not a directory`));
        continue;
      }
    } catch (e) {
      out.errors.push(new IoError(r, `--root ${r}: ${describe(e)}`));
      continue;
    }
    addRoot(r, r);
  }
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      out.errors.push(new IoError(p, `${p}: ${describe(e)}`));
      continue;
    }
    if (st.isDirectory()) {
      if (looksLikeRoot(p)) {
        addRoot(p, p);
        continue;
      }
      const found = findRoots(p, 3);
      if (found.length === 0) {
        out.errors.push(new IoError(p, `${p}: no node configuration found (expected a node root with etc/containerd, var/lib/kubelet, etc/sysctl.d, ...)`));
      }
      for (const f of found) addRoot(f, f);
      continue;
    }
    const enc = enclosingRoot(p);
    if (enc && looksLikeRoot(enc.root)) {
      const spec = addRoot(enc.root, displayRoot(enc.root));
      spec.files.push({ kind: enc.kind, path: resolve(p) });
      continue;
    }
    const kind = classify(p);
    if (kind === 'unknown') {
      out.skipped.push({ path: p, reason: 'not recognised as a containerd, kubelet, crictl, sysctl.d or modules-load.d file' });
      continue;
    }
    loose.push({ kind, path: resolve(p) });
  }
  if (loose.length) out.specs.push({ name: '(files)', root: null, files: loose });
  return out;
}

function displayRoot(abs: string): string {
  const rel = abs.startsWith(process.cwd() + sep) ? abs.slice(process.cwd().length + 1) : abs;
  return rel || '.';
}

/** Node roots below `dir` (not descending into a root once found), sorted. */
function findRoots(dir: string, depth: number): string[] {
  if (depth < 0) return [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith('.') || n === 'node_modules') continue;
    const p = resolve(dir, n);
    try {
      if (!statSync(p).isDirectory()) continue;
    } catch {
      continue;
    }
    if (looksLikeRoot(p)) out.push(dir === '.' ? n : `${dir.replace(/\/+$/, '')}/${n}`);
    else out.push(...findRoots(`${dir.replace(/\/+$/, '')}/${n}`, depth - 1));
  }
  return out;
}

const TEMPLATE_EXT = /\.(tmpl|tpl|j2|jinja2?|gotmpl|hbs|handlebars|erb)$/i;

/** Classify a loose file by its name, then its content. */
export function classify(path: string): FileKind {
  const name = basename(path);
  const dir = basename(dirname(resolve(path)));
  if (TEMPLATE_EXT.test(name) || /TEMPLATE/.test(name)) return 'unknown';
  if (name === 'crilint.config.yaml' || name === '.crilint.yaml') return 'crilint-config';
  if (name === 'kubeadm-flags.env' || (name === 'kubelet' && /^(default|sysconfig)$/.test(dir))) return 'kubelet-flags';
  if (name === 'crictl.yaml') return 'crictl';
  if (dir === 'sysctl.d' || name === 'sysctl.conf') return 'sysctl';
  if (dir === 'modules-load.d') return 'modules-load';
  let head = '';
  try {
    if (!isFile(path)) return 'unknown';
    head = readFileSync(path, 'utf8').slice(0, 64 * 1024);
  } catch {
    return 'unknown';
  }
  if (/\.toml$/i.test(name)) return 'containerd';
  if (/^\s*(kind\s*:\s*KubeletConfiguration|"kind"\s*:\s*"KubeletConfiguration")/m.test(head)) return 'kubelet';
  if (/^\s*"?kind"?\s*:\s*"?KubeletConfiguration"?/m.test(head)) return 'kubelet';
  if (/^\s*KUBELET_(KUBEADM|EXTRA)_ARGS\s*=/m.test(head)) return 'kubelet-flags';
  if (/^\s*(runtime-endpoint|image-endpoint)\s*:/m.test(head)) return 'crictl';
  if (/^\s*(version\s*=\s*\d|\[plugins[.\]]|disabled_plugins\s*=|imports\s*=)/m.test(head)) return 'containerd';
  return 'unknown';
}
