/**
 * Discovery: which files form which node set. Pure decisions over the file system; reading the
 * bytes (with limits) is read.ts, parsing is the models'.
 *
 * - `--root DIR`: DIR is a node's `/`; the whole node set is linted.
 * - A directory PATH that looks like a node root (it has one of ROOT_MARKERS) is a node root too.
 *   A directory PATH that contains node roots (a fleet: `nodes/a/etc/...`, `nodes/b/etc/...`)
 *   gives each of them, sorted by path. A directory PATH inside a node root (`nodes/a/etc`)
 *   brings that root, focused on the directory.
 * - A file PATH inside a recognisable node root brings the whole root along, focused on the
 *   file: the node set is loaded and checked whole (cross-file rules need the siblings), and the
 *   report shows the findings that concern the focused files (see cli/lint.ts, "focus").
 *   Pre-commit passes only the changed files; this is what makes that useful.
 * - Other file PATHS are classified by name, then content, and form one loose node set.
 *   Templates and files crilint does not read are skipped with a reason, never guessed at.
 *
 * Node sets come out in a stable order: `--root` values as given, then PATHS as given (a fleet
 * directory's roots sorted), then the loose set. A root named twice is linted once.
 */
import { lstatSync, readdirSync, readSync, openSync, closeSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { FileKind } from '../core/source.js';
import { IoError, describeMissing } from './read.js';
import { unitOfPath } from '../data/docker.js';

export interface SpecFile {
  kind: FileKind;
  path: string;
  /** From wellKnownFiles(): an entry of a drop-in directory (sysctl.d, modules-load.d), not a fixed path. */
  entry?: boolean;
}

export interface NodeSetSpec {
  /** The node's name in reports: the root relative to the working directory (`.` for it), or `(files)`. */
  name: string;
  /** Absolute node root, or null for the loose set. */
  root: string | null;
  /**
   * Loose files with their kinds (root null). Empty for a root: a root's files are found at the
   * well-known paths, so a model never reads a partial node (see LoadContext.given).
   */
  files: SpecFile[];
  /**
   * For a root that came from file or directory PATHS inside it: those absolute paths. The node
   * set is loaded whole, but only findings that concern these paths are reported. null: the whole
   * node set was asked for (`--root`, or the root directory itself as a PATH).
   */
  focus: string[] | null;
}

export interface Discovery {
  specs: NodeSetSpec[];
  errors: IoError[];
  /** Files given that crilint does not read (templates, unrelated files), with the reason. */
  skipped: { path: string; reason: string }[];
  /** More than one node set, or node roots found inside a directory: reports name the node. */
  fleet: boolean;
}

/** Well-known paths below a node root, as regular expressions over the root-relative path. */
export const WELL_KNOWN: readonly (readonly [RegExp, FileKind])[] = [
  [/^etc\/containerd\/config\.toml$/, 'containerd'],
  [/^etc\/containerd\/(conf\.d|config\.d)\/[^/]+\.toml$/, 'containerd'],
  [/^var\/lib\/kubelet\/config\.(yaml|yml|json)$/, 'kubelet'],
  [/^var\/lib\/kubelet\/instance-config\.yaml$/, 'kubelet'],
  [/^etc\/kubernetes\/kubelet\.conf\.d\/[^/]+\.conf$/, 'kubelet'],
  [/^var\/lib\/kubelet\/kubeadm-flags\.env$/, 'kubelet-flags'],
  [/^etc\/(default|sysconfig)\/kubelet$/, 'kubelet-flags'],
  [/^etc\/crictl\.yaml$/, 'crictl'],
  [/^etc\/crio\/crio\.conf$/, 'crio'],
  [/^etc\/crio\/crio\.conf\.d\/.+$/, 'crio'],
  [/^etc\/docker\/daemon\.json$/, 'docker'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/systemd\/system\/(docker\.service|cri-docker\.(service|socket))$/, 'systemd-unit'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/systemd\/system\/(docker|cri-docker)\.service\.d\/[^/]+\.conf$/, 'systemd-unit'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/systemd\/system\/(crio|kubelet|containerd)\.service$/, 'systemd-unit'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/systemd\/system\/(crio|kubelet|containerd)\.service\.d\/[^/]+\.conf$/, 'systemd-unit'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/sysctl\.d\/[^/]+\.conf$/, 'sysctl'],
  [/^etc\/sysctl\.conf$/, 'sysctl'],
  [/^(etc|run|usr\/local\/lib|usr\/lib|lib)\/modules-load\.d\/[^/]+\.conf$/, 'modules-load'],
];

/**
 * Directories below a node root that hold runtime configuration: a PATH below one of them (an
 * imported `etc/containerd/runtimes.toml`, a kubelet drop-in) belongs to the enclosing root.
 */
const CONFIG_DIRS = /^(etc\/(containerd|kubernetes|sysctl\.d|modules-load\.d|default|sysconfig|crio)|var\/lib\/kubelet|run\/(sysctl\.d|modules-load\.d)|(usr\/local\/lib|usr\/lib|lib)\/(sysctl\.d|modules-load\.d))(\/|$)/;

/** Markers whose presence makes a directory a node root. */
export const ROOT_MARKERS: readonly string[] = [
  'etc/containerd/config.toml',
  'var/lib/kubelet/config.yaml',
  'var/lib/kubelet/config.json',
  'var/lib/kubelet/kubeadm-flags.env',
  'etc/crictl.yaml',
  'etc/sysctl.d',
  'etc/sysctl.conf',
  'etc/modules-load.d',
  'etc/crio',
  'etc/docker/daemon.json',
];

/** The files the components read at a node root without being told (DESIGN.md "Node sets"), in reading order. */
const ROOT_FILES: readonly (readonly [string, FileKind])[] = [
  ['etc/containerd/config.toml', 'containerd'],
  ['var/lib/kubelet/config.yaml', 'kubelet'],
  ['var/lib/kubelet/kubeadm-flags.env', 'kubelet-flags'],
  ['etc/default/kubelet', 'kubelet-flags'],
  ['etc/sysconfig/kubelet', 'kubelet-flags'],
  ['etc/crictl.yaml', 'crictl'],
  ['etc/sysctl.conf', 'sysctl'],
];
const SYSCTL_DIRS = ['etc', 'run', 'usr/local/lib', 'usr/lib', 'lib'].map((d) => `${d}/sysctl.d`);
const MODULES_DIRS = ['etc', 'run', 'usr/local/lib', 'usr/lib', 'lib'].map((d) => `${d}/modules-load.d`);

function lexists(p: string): boolean {
  try {
    return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/** An absolute path without empty, `.` or `..` components, backslashes or a trailing slash: joining a plain name to it needs no normalising. */
export const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[^/\\]+)+$/;

export function looksLikeRoot(dir: string): boolean {
  // The markers are relative paths without `.` or `..`: below an absolute directory, a join needs no normalising.
  const base = dir === sep ? sep : sep === '/' && PLAIN_PATH.test(dir) ? dir + sep : resolve(dir) + sep;
  return ROOT_MARKERS.some((m) => lexists(base + m));
}

/**
 * Files at the well-known paths of a node root (root-relative, `/`-separated): the fixed files
 * that exist (a dangling symlink counts: reading it says why it cannot be read), then every
 * `*.conf` entry of the sysctl.d and modules-load.d directories, each directory sorted.
 * Symlinked directories are followed as the node would; confinement is LoadContext's job.
 * `exists` is lstat() succeeding (LoadContext passes its cached one).
 */
export function wellKnownFiles(root: string, list: (dir: string) => string[], exists: (abs: string) => boolean = lexists): SpecFile[] {
  const out: SpecFile[] = [];
  for (const [rel, kind] of ROOT_FILES) if (exists(resolve(root, rel))) out.push({ kind, path: rel });
  for (const [dirs, kind] of [[SYSCTL_DIRS, 'sysctl'], [MODULES_DIRS, 'modules-load']] as const)
    for (const d of dirs) for (const n of list(d)) if (n.endsWith('.conf')) out.push({ kind, path: `${d}/${n}`, entry: true });
  return out;
}

/** Directories on the way from a node root to its configuration directories. */
const ROOT_DIRS = /^(etc|var|var\/lib|run|usr|usr\/lib|usr\/local|usr\/local\/lib|lib)$/;

/**
 * The node root that holds `path` at a well-known path, or in (or on the way to) one of a root's
 * configuration directories. Lexical: links are not followed (inside a root they resolve inside it).
 */
export function enclosingRoot(path: string): { root: string; kind: FileKind | null } | null {
  const parts = resolve(path).split(sep);
  for (let i = parts.length - 2; i >= 0; i--) {
    const rel = parts.slice(i + 1).join('/');
    const root = parts.slice(0, i + 1).join(sep) || sep;
    const hit = WELL_KNOWN.find(([re]) => re.test(rel));
    if (hit) return { root, kind: hit[1] };
    if ((CONFIG_DIRS.test(rel) || ROOT_DIRS.test(rel)) && looksLikeRoot(root)) return { root, kind: null };
  }
  return null;
}

export function discover(paths: readonly string[], roots: readonly string[]): Discovery {
  const out: Discovery = { specs: [], errors: [], skipped: [], fleet: false };
  const byRoot = new Map<string, NodeSetSpec>();
  const loose = new Map<string, SpecFile>();
  const addRoot = (dir: string, focus: string | null) => {
    const abs = resolve(dir);
    let spec = byRoot.get(abs);
    if (!spec) {
      spec = { name: displayPath(abs), root: abs, files: [], focus: focus === null ? null : [] };
      byRoot.set(abs, spec);
      out.specs.push(spec);
    }
    if (focus === null) spec.focus = null;
    else if (spec.focus && !spec.focus.includes(focus)) spec.focus.push(focus);
    return spec;
  };

  for (const r of roots) {
    const st = statOrError(r, `--root ${r}`, out.errors);
    if (!st) continue;
    if (!st.isDirectory()) {
      out.errors.push(new IoError(r, `--root ${r}: not a directory`));
      continue;
    }
    addRoot(r, null);
  }

  for (const p of paths) {
    const abs = resolve(p);
    // A file (or link) inside a node root is resolved by the root's rules, not the host's: a link
    // to /etc/x means <root>/etc/x, a link to /dev/null is a mask. So look before following links.
    const lst = lstatOrNull(p);
    if (lst && (lst.isFile() || (lst.isSymbolicLink() && !isDirectory(p)))) {
      const enc = enclosingRoot(abs);
      if (enc) {
        addRoot(enc.root, abs);
        continue;
      }
    }
    const st = statOrError(p, p, out.errors);
    if (!st) continue;
    if (st.isDirectory()) {
      if (looksLikeRoot(p)) {
        addRoot(p, null);
        continue;
      }
      const enc = enclosingRoot(abs);
      if (enc) {
        addRoot(enc.root, abs);
        continue;
      }
      const found = findRoots(abs, 4);
      if (found.length === 0) {
        out.errors.push(new IoError(p, `${p}: no node configuration found (expected a node root with etc/containerd, var/lib/kubelet, etc/sysctl.d, ... or directories of such roots)`));
        continue;
      }
      out.fleet = true;
      for (const f of found) addRoot(f, null);
      continue;
    }
    if (!st.isFile()) {
      out.errors.push(new IoError(p, `${p}: not a regular file (${specialType(st)})`));
      continue;
    }
    const c = classifyFile(abs);
    if ('skip' in c) {
      out.skipped.push({ path: p, reason: c.skip });
      continue;
    }
    if (!loose.has(abs)) loose.set(abs, { kind: c.kind, path: abs });
  }
  if (loose.size) out.specs.push({ name: '(files)', root: null, files: [...loose.values()], focus: null });
  if (out.specs.length > 1) out.fleet = true;
  return out;
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** stat() says a directory (links followed); false for anything else, or nothing there. */
export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function statOrError(p: string, label: string, errors: IoError[]): Stats | null {
  try {
    return statSync(p);
  } catch (e) {
    errors.push(new IoError(p, `${label}: ${describeMissing(e, p)}`));
    return null;
  }
}

function specialType(st: Stats): string {
  return st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'a special file';
}

/** A path as users see it: relative to the working directory when inside it (`.` for it), else absolute. */
export function displayPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return abs;
  return rel.split(sep).join('/');
}

/** Node roots below `dir` (not descending into a root once found, nor into hidden directories), sorted. */
function findRoots(dir: string, depth: number): string[] {
  if (depth <= 0) return [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const n = e.name;
    if (n.startsWith('.') || n === 'node_modules') continue;
    const p = dir === sep ? sep + n : sep === '/' && PLAIN_PATH.test(dir) ? dir + sep + n : resolve(dir, n);
    // The entry's type comes with the listing; only a link is stat'ed (a link to a directory counts).
    if (!e.isDirectory()) {
      if (!e.isSymbolicLink()) continue;
      try {
        if (!statSync(p).isDirectory()) continue;
      } catch {
        continue;
      }
    }
    if (looksLikeRoot(p)) out.push(p);
    else out.push(...findRoots(p, depth - 1));
  }
  return out;
}

const TEMPLATE_EXT = /\.(tmpl|tpl|j2|jinja2?|gotmpl|gotpl|hbs|handlebars|erb|mustache|envsubst)$/i;
const TEMPLATE_MARK = /\{\{.*\}\}|\{%.*%\}|\$\{[A-Za-z_][A-Za-z0-9_]*\}|<%.*%>/;
const CONTAINERD_MARK =
  /^\s*(version\s*=\s*\d|\[\[?\s*(plugins|grpc|ttrpc|debug|metrics|cgroup|timeouts|stream_processors|proxy_plugins)\b|(disabled_plugins|required_plugins|imports|oom_score|plugin_dir|root|state|temp)\s*=)/m;
const SYSCTL_LINE = /^-?\s*[A-Za-z0-9_*][A-Za-z0-9_.*/:@%-]*\s*=/;
const MODULE_LINE = /^[A-Za-z0-9_-]+$/;

export type Classification = { kind: FileKind } | { skip: string };

/**
 * Classify a loose file by its name, then its content. Content only decides what the name does
 * not; nothing is guessed: a file that fits nothing (or fits two kinds) is skipped with the reason.
 */
export function classifyFile(path: string): Classification {
  const name = basename(path);
  const dir = basename(dirname(resolve(path)));
  if (TEMPLATE_EXT.test(name) || /(^|[._-])TEMPLATE([._-]|$)/.test(name)) return { skip: 'a template (by its name); lint the rendered file instead' };
  if (name === 'crilint.config.yaml' || name === '.crilint.yaml') return { kind: 'crilint-config' };
  if (name === 'kubeadm-flags.env' || (name === 'kubelet' && /^(default|sysconfig)$/.test(dir))) return { kind: 'kubelet-flags' };
  if (name === 'crictl.yaml') return { kind: 'crictl' };
  if (name === 'hosts.toml') return { skip: 'a containerd registry host file (certs.d); not linted yet' };
  if (name === 'instance-config.yaml') return { kind: 'kubelet' };
  if (/^README|\.(md|txt|rst|html)$/i.test(name)) return { skip: 'documentation, not configuration' };
  if (name === 'sysctl.conf') return { kind: 'sysctl' };
  const head = readHead(path);
  if (head === null) return { skip: 'not a regular file' };
  if (head.includes('\0')) return { skip: 'a binary file' };
  if (TEMPLATE_MARK.test(stripHashComments(head))) return { skip: 'a template (it has {{ }}, {% %} or ${VAR} placeholders); lint the rendered file instead' };
  if (dir === 'sysctl.d') return { kind: 'sysctl' };
  if (dir === 'modules-load.d') return { kind: 'modules-load' };
  if (name === 'crio.conf' || dir === 'crio.conf.d') return { kind: 'crio' };
  if (name === 'daemon.json') return { kind: 'docker' };
  const ext = extname(name).toLowerCase();

  // Structured formats first: their markers are unambiguous.
  if (/"kind"\s*:\s*"KubeletConfiguration"|"apiVersion"\s*:\s*"kubelet\.config\.k8s\.io\//.test(head)) return { kind: 'kubelet' };
  if (/^\s*kind\s*:\s*["']?KubeletConfiguration["']?\s*$|^\s*apiVersion\s*:\s*["']?kubelet\.config\.k8s\.io\//m.test(head)) return { kind: 'kubelet' };
  if (/^\s*kind\s*:\s*["']?(InitConfiguration|ClusterConfiguration|JoinConfiguration)\b/m.test(head))
    return { skip: 'a kubeadm configuration without a KubeletConfiguration document' };
  if (/^\s*(runtime-endpoint|image-endpoint)\s*:/m.test(head)) return { kind: 'crictl' };
  // A KubeletConfiguration fragment without apiVersion/kind (kubeadm's instance-config.yaml, a patch).
  if (/^(containerRuntimeEndpoint|cgroupDriver)\s*:/m.test(head) && !/^kind\s*:/m.test(head)) return { kind: 'kubelet' };
  if (/^\s*KUBELET_(KUBEADM|EXTRA)_ARGS\s*=/m.test(head)) return { kind: 'kubelet-flags' };
  if (/^\s*\[\s*crio(\.|\s*\])/m.test(head)) return { kind: 'crio' };
  if (/^\s*\[(Unit|Service|Install|Socket)\]\s*$/m.test(head))
    return unitOfPath(path) ? { kind: 'systemd-unit' } : { skip: `a systemd unit file (crilint reads docker.service, cri-docker.service, cri-docker.socket and their drop-ins${/^(crio|kubelet|containerd)\.service(\.d)?$/.test(basename(path)) || /^(crio|kubelet|containerd)\.service\.d$/.test(basename(dirname(path))) ? '; containerd.service, crio.service and kubelet.service only in a node root' : ''})` };
  if (CONTAINERD_MARK.test(head)) return { kind: 'containerd' };
  if (ext === '.toml') {
    if (name === 'config.toml' && head.trim() === '') return { kind: 'containerd' };
    return { skip: 'a TOML file that does not look like a containerd configuration' };
  }
  if (ext === '.conf' || ext === '') {
    const lines = head
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
    if (lines.length === 0) return { skip: 'an empty .conf file: cannot tell sysctl.d from modules-load.d (put it in a sysctl.d/ or modules-load.d/ directory)' };
    if (lines.every((l) => SYSCTL_LINE.test(l))) return { kind: 'sysctl' };
    if (lines.every((l) => MODULE_LINE.test(l))) return { kind: 'modules-load' };
    return { skip: 'not recognised: neither sysctl.d (key = value) nor modules-load.d (one module a line) content' };
  }
  return { skip: 'not recognised as a containerd, kubelet, crictl, sysctl.d or modules-load.d file' };
}

/** Compatibility: the kind of a loose file, 'unknown' when it would be skipped. */
export function classify(path: string): FileKind {
  const c = classifyFile(path);
  return 'kind' in c ? c.kind : 'unknown';
}

const HEAD_BYTES = 64 * 1024;

/** The first 64 KiB of a regular file as text (invalid UTF-8 replaced), or null when it is not a readable regular file. */
function readHead(path: string): string | null {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return null;
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Drop `#` comment lines: a commented-out `{{ }}` example does not make a file a template. */
function stripHashComments(s: string): string {
  return s.replace(/^\s*#.*$/gm, '');
}
