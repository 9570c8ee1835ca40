import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import type { Finding } from '../src/core/types.js';
import type { Target } from '../src/engine/rule.js';
import { criView, loadContainerd, mergedView, MAX_IMPORT_DEPTH, MAX_IMPORT_FILES, v1MigratePluginName, type ContainerdModel } from '../src/model/containerd.js';
import { LoadContext } from '../src/model/load.js';
import { getPath, toJS, type VNode } from '../src/model/tree.js';
import { available, containerdSchemaProblems, containerdSchema } from '../src/schema/containerd.js';
import { validateTree } from '../src/schema/validate.js';
import { REPO } from './helpers/cli.js';
import importCycle from '../src/rules/containerd-import-cycle.js';
import importLimit from '../src/rules/containerd-import-limit.js';
import importNotFound from '../src/rules/containerd-import-not-found.js';
import type { NodeSet } from '../src/model/nodeset.js';

const FIX = resolve(REPO, 'fixtures/parse/containerd');

function rootCtx(dir: string): LoadContext {
  return new LoadContext({ name: dir, root: dir, files: [], focus: null });
}
function looseCtx(...paths: string[]): LoadContext {
  return new LoadContext({ name: '(files)', root: null, files: paths.map((path) => ({ kind: 'containerd' as const, path })), focus: null });
}
function load(ctx: LoadContext): ContainerdModel {
  const m = loadContainerd(ctx);
  if (!m) throw new Error('no containerd model');
  return m;
}
/** `file:line:col-line:col` of a node (file name only). */
function at(n: { file: { display: string }; range: { start: { line: number; column: number }; end: { line: number; column: number } } } | null | undefined): string | null {
  if (!n) return null;
  const name = n.file.display.replace(/^.*\//, '');
  return `${name}:${n.range.start.line}:${n.range.start.column}-${n.range.end.line}:${n.range.end.column}`;
}
function fmt(f: Finding): string {
  return `${f.rule} ${f.severity} ${at({ file: f.file!, range: f.range! })} ${f.message}`;
}
/**
 * The loader records import statuses; the containerd-import-* rules turn them into findings
 * (the loader's own findings are `syntax` only).
 */
function importFindings(ctx: LoadContext, model: ContainerdModel): Finding[] {
  const out: Finding[] = ctx.findings.filter((f) => f.rule !== 'syntax');
  for (const rule of [importNotFound, importCycle, importLimit]) {
    rule.check({
      node: { containerd: model } as NodeSet,
      target: target('2.2'),
      report: (r) => out.push({ rule: rule.meta.id, severity: r.severity ?? rule.meta.severity, message: r.message, file: r.file, range: r.range, related: r.related ?? [] }),
    });
  }
  return out;
}
function target(containerd: string): Target {
  return { kubernetes: parseVersion('1.34')!, containerd: parseVersion(containerd)!, assumed: { kubernetes: false, containerd: false }, notes: [] };
}

const tmp: string[] = [];
function tmpRoot(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crilint-containerd-'));
  tmp.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('loading and imports (root mode)', () => {
  const ctx = rootCtx(resolve(FIX, 'imports'));
  const m = load(ctx);

  it('loads the main file and its imports breadth-first, as containerd merges them', () => {
    expect(m.configFiles.map((f) => [f.location, f.source.display, f.version, f.depth])).toEqual([
      ['/etc/containerd/config.toml', 'etc/containerd/config.toml', 2, 0],
      ['/etc/containerd/conf.d/10-runtime.toml', 'etc/containerd/conf.d/10-runtime.toml', 2, 1],
      ['/etc/containerd/conf.d/20-registry.toml', 'etc/containerd/conf.d/20-registry.toml', 2, 1],
      ['/etc/containerd/extra.toml', 'etc/containerd/extra.toml', 2, 1],
      ['/etc/containerd/conf.d/nested/deep.toml', 'etc/containerd/conf.d/nested/deep.toml', 2, 2],
    ]);
    expect(m.main).toBe(m.configFiles[0]);
    expect(m.configVersion).toBe(2);
    expect(m.extra).toEqual([]);
    expect(m.files).toEqual(m.configFiles.map((f) => f.source));
    expect(m.configFiles[4]!.importedBy?.file.location).toBe('/etc/containerd/conf.d/20-registry.toml');
    expect(at(m.configFiles[4]!.importedBy?.node)).toBe('20-registry.toml:2:30-2:45');
    expect(m.fileOf(m.configFiles[3]!.source)).toBe(m.configFiles[3]);
  });

  it('resolves relative, glob, absolute and `..` entries under the node root', () => {
    expect(m.imports.map((e) => [at(e.node), e.resolved, e.glob, e.targets.map((t) => `${t.location} ${t.status}`)])).toEqual([
      ['config.toml:3:3-3:18', '/etc/containerd/conf.d/*.toml', true, ['/etc/containerd/conf.d/10-runtime.toml loaded', '/etc/containerd/conf.d/20-registry.toml loaded']],
      ['config.toml:4:3-4:31', '/etc/containerd/extra.toml', false, ['/etc/containerd/extra.toml loaded']],
      ['config.toml:5:3-5:17', '/etc/containerd/missing.toml', false, ['/etc/containerd/missing.toml missing']],
      // A glob that matches nothing imports nothing, silently (filepath.Glob, resolveImports).
      ['config.toml:6:3-6:19', '/etc/containerd/empty.d/*.toml', true, []],
      // `..` cannot climb above the node root: it clamps at `/`, so this is extra.toml again.
      ['config.toml:7:3-7:48', '/etc/containerd/extra.toml', false, ['/etc/containerd/extra.toml duplicate']],
      ['20-registry.toml:2:12-2:28', '/etc/containerd/config.toml', false, ['/etc/containerd/config.toml cycle']],
      ['20-registry.toml:2:30-2:45', '/etc/containerd/conf.d/nested/*.toml', true, ['/etc/containerd/conf.d/nested/deep.toml loaded']],
    ]);
  });

  it('reports a missing import at its string and a cycle at the importing entry', () => {
    expect(importFindings(ctx, m).map(fmt)).toEqual([
      'containerd-import-not-found error config.toml:5:3-5:17 imported file /etc/containerd/missing.toml does not exist; containerd fails to start when an import cannot be read',
      'containerd-import-cycle warning 20-registry.toml:2:12-2:28 import "../config.toml" forms a cycle (/etc/containerd/config.toml → /etc/containerd/conf.d/20-registry.toml → /etc/containerd/config.toml); containerd skips a file it has already loaded, so this import has no effect',
    ]);
    expect(ctx.ioErrors).toEqual([]);
  });

  it('records comments of every file for suppression directives', () => {
    const withComments = tmpRoot({ 'etc/containerd/config.toml': '# crilint-disable-file unknown-key\nversion = 2 # trailing\n' });
    const c = rootCtx(withComments);
    const model = load(c);
    expect(c.comments.get(model.main.source)?.map((x) => [x.line, x.text, x.ownLine])).toEqual([
      [1, ' crilint-disable-file unknown-key', true],
      [2, ' trailing', false],
    ]);
  });

  it('has no model when the node has no config.toml (containerd runs on defaults)', () => {
    const empty = tmpRoot({ 'etc/crictl.yaml': 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' });
    expect(loadContainerd(rootCtx(empty))).toBeNull();
  });

  it('turns bad TOML into a syntax finding and keeps loading the other files', () => {
    const dir = tmpRoot({
      'etc/containerd/config.toml': 'version = 2\nimports = ["broken.toml", "ok.toml"]\n',
      'etc/containerd/broken.toml': 'version = 2\n[plugins\n',
      'etc/containerd/ok.toml': 'oom_score = -999\n',
    });
    const c = rootCtx(dir);
    const model = load(c);
    expect(model.configFiles.map((f) => [f.location, f.root === null])).toEqual([
      ['/etc/containerd/config.toml', false],
      ['/etc/containerd/broken.toml', true],
      ['/etc/containerd/ok.toml', false],
    ]);
    expect(c.findings.map((f) => [f.rule, at({ file: f.file!, range: f.range! })])).toEqual([['syntax', 'broken.toml:3:1-3:1']]);
    expect(toJS(mergedView(model, '2.x').root)).toEqual({ version: 2, imports: ['broken.toml', 'ok.toml'], oom_score: -999 });
  });

  it('reports an import that names a directory, and a malformed glob, as fatal', () => {
    const dir = tmpRoot({
      'etc/containerd/config.toml': 'imports = ["conf.d", "x/[ab.toml*"]\n',
      'etc/containerd/conf.d/a.toml': 'oom_score = 1\n',
    });
    const c = rootCtx(dir);
    const model = load(c);
    expect(importFindings(c, model).map(fmt)).toEqual([
      'containerd-import-not-found error config.toml:1:12-1:20 import "conf.d" resolves to /etc/containerd/conf.d, which is a directory; containerd fails to start because it cannot read a directory as TOML',
      'containerd-import-not-found error config.toml:1:22-1:35 import "x/[ab.toml*" is not a valid glob pattern (unclosed "[" or trailing "\\"); containerd fails to start',
    ]);
  });

  it('follows Go glob syntax: ? and character classes within one segment, sorted matches', () => {
    const dir = tmpRoot({
      'etc/containerd/config.toml': 'imports = ["/etc/containerd/d?/[0-9]*.toml", "/etc/containerd/*/z.toml"]\n',
      'etc/containerd/d1/2-b.toml': '',
      'etc/containerd/d1/1-a.toml': '',
      'etc/containerd/d1/x.toml': '',
      'etc/containerd/d2/3.toml': '',
      'etc/containerd/dd/sub/4.toml': '',
      'etc/containerd/d2/z.toml': '',
      'etc/containerd/d1/z.toml/.keep': '',
    });
    const c = rootCtx(dir);
    const model = load(c);
    expect(model.imports.map((e) => e.targets.map((t) => `${t.location} ${t.status}`))).toEqual([
      ['/etc/containerd/d1/1-a.toml loaded', '/etc/containerd/d1/2-b.toml loaded', '/etc/containerd/d2/3.toml loaded'],
      ['/etc/containerd/d1/z.toml directory', '/etc/containerd/d2/z.toml loaded'],
    ]);
  });

  it(`stops at ${MAX_IMPORT_DEPTH} levels of nesting with a finding`, () => {
    const files: Record<string, string> = {};
    for (let i = 0; i <= MAX_IMPORT_DEPTH + 2; i++) files[i === 0 ? 'etc/containerd/config.toml' : `etc/containerd/l${i}.toml`] = `imports = ["l${i + 1}.toml"]\n`;
    const c = rootCtx(tmpRoot(files));
    const model = load(c);
    expect(model.configFiles.length).toBe(MAX_IMPORT_DEPTH + 1);
    expect(model.configFiles.at(-1)!.location).toBe(`/etc/containerd/l${MAX_IMPORT_DEPTH}.toml`);
    expect(importFindings(c, model).map(fmt)).toEqual([
      `containerd-import-limit warning l${MAX_IMPORT_DEPTH}.toml:1:12-1:22 import "l${MAX_IMPORT_DEPTH + 1}.toml" not followed: imports nest deeper than ${MAX_IMPORT_DEPTH} levels (crilint's limit), so /etc/containerd/l${MAX_IMPORT_DEPTH + 1}.toml is not checked`,
    ]);
  });

  it(`stops at ${MAX_IMPORT_FILES} files with one finding per imports entry`, () => {
    const files: Record<string, string> = { 'etc/containerd/config.toml': 'imports = ["many/*.toml"]\n' };
    for (let i = 0; i < MAX_IMPORT_FILES + 10; i++) files[`etc/containerd/many/${String(i).padStart(3, '0')}.toml`] = '';
    const c = rootCtx(tmpRoot(files));
    const model = load(c);
    expect(model.configFiles.length).toBe(MAX_IMPORT_FILES);
    expect(model.imports[0]!.targets.filter((t) => t.status === 'limit').length).toBe(11);
    expect(importFindings(c, model).map(fmt)).toEqual([
      `containerd-import-limit warning config.toml:1:12-1:25 import "many/*.toml" not followed: more than ${MAX_IMPORT_FILES} containerd files (crilint's limit), so /etc/containerd/many/255.toml and later matches are not checked`,
    ]);
  });
});

describe('loading loose files', () => {
  it('treats the first file as main, follows its relative imports, keeps other files apart', () => {
    const dir = tmpRoot({
      'a/config.toml': 'version = 3\nimports = ["drop/*.toml", "/etc/containerd/conf.d/*.toml"]\n',
      'a/drop/x.toml': 'version = 3\noom_score = 5\n',
      'b/other.toml': '# not merged\nroot = "/var/lib/other"\n',
    });
    const c = looseCtx(join(dir, 'a/config.toml'), join(dir, 'b/other.toml'), join(dir, 'a/drop/x.toml'));
    const m = load(c);
    expect(m.configFiles.map((f) => [f.location, f.version])).toEqual([
      [join(dir, 'a/config.toml'), 3],
      [join(dir, 'a/drop/x.toml'), 3],
    ]);
    expect(m.extra.map((f) => f.location)).toEqual([join(dir, 'b/other.toml')]);
    expect(m.files.map((f) => f.path)).toEqual([join(dir, 'a/config.toml'), join(dir, 'a/drop/x.toml'), join(dir, 'b/other.toml')]);
    // Absolute imports are not followed without a node root (that would read this machine's /etc).
    expect(m.imports.map((e) => [e.resolved, e.skipped, e.targets.length])).toEqual([
      [join(dir, 'a/drop/*.toml'), null, 1],
      ['/etc/containerd/conf.d/*.toml', 'no-node-root', 0],
    ]);
    expect(c.findings).toEqual([]);
    expect(toJS(mergedView(m, '2.x').root)).toEqual({ version: 3, imports: ['drop/*.toml', '/etc/containerd/conf.d/*.toml'], oom_score: 5 });
  });

  it('has no model without containerd files', () => {
    expect(loadContainerd(new LoadContext({ name: '(files)', root: null, files: [{ kind: 'crictl', path: '/nonexistent/crictl.yaml' }], focus: null }))).toBeNull();
  });
});

describe('config version', () => {
  const one = (text: string) => load(looseCtx(tmpRoot({ 'c.toml': text }) + '/c.toml'));

  it('is 1 with no version node when absent', () => {
    const m = one('disabled_plugins = ["cri"]\n');
    expect([m.configVersion, m.main.version, m.main.versionNode]).toEqual([1, 1, null]);
  });

  it('is the declared integer, with its node', () => {
    const m = one('# header\nversion = 3\n');
    expect([m.configVersion, at(m.main.versionNode)]).toEqual([3, 'c.toml:2:11-2:12']);
  });

  it('counts 0 and non-integers as 1 (GetVersion), keeping the node for rules', () => {
    expect(one('version = 0\n').configVersion).toBe(1);
    const m = one('version = "2"\n');
    expect([m.configVersion, m.main.versionNode?.value]).toEqual([1, '2']);
  });
});

describe('merged views', () => {
  const m = load(rootCtx(resolve(FIX, 'merge')));
  const CRI = ['plugins', 'io.containerd.grpc.v1.cri'];
  const RUNC = [...CRI, 'containerd', 'runtimes', 'runc'];
  const node = (root: VNode, path: string[]) => getPath(root, path)!;

  it('2.x: deep-merges plugin tables key by key; later arrays and zero values replace', () => {
    const v = mergedView(m, '2.x');
    expect(toJS(v.root)).toEqual({
      version: 2,
      oom_score: -999,
      disabled_plugins: ['io.containerd.internal.v1.opt', 'io.containerd.snapshotter.v1.zfs'],
      imports: ['conf.d/*.toml'],
      grpc: { address: '/run/k8s/containerd.sock', uid: 0 },
      plugins: {
        'io.containerd.grpc.v1.cri': {
          sandbox_image: 'registry.k8s.io/pause:3.9',
          containerd: { default_runtime_name: 'runc', runtimes: { runc: { runtime_type: 'io.containerd.runc.v2', pod_annotations: ['b'], options: { SystemdCgroup: false } } } },
        },
      },
    });
    const sc = node(v.root, [...RUNC, 'options', 'SystemdCgroup']);
    expect(at(sc)).toBe('10-override.toml:11:19-11:24');
    expect(v.overridden(sc).map(at)).toEqual(['config.toml:18:21-18:25']);
    expect(v.overridden(node(v.root, [...RUNC, 'pod_annotations'])).map(at)).toEqual(['config.toml:16:23-16:28']);
    // Leaves that only one file sets are the original nodes.
    expect(at(node(v.root, [...CRI, 'sandbox_image']))).toBe('config.toml:11:19-11:46');
    expect(v.fileOf(node(v.root, [...CRI, 'sandbox_image']))?.location).toBe('/etc/containerd/config.toml');
    // The merged CRI table came from both files.
    expect(v.sources(node(v.root, CRI)).map(at)).toEqual(['config.toml:10:1-10:38', '10-override.toml:8:1-9:26']);
    expect(v.overridden(node(v.root, CRI))).toEqual([]);
  });

  it('both lines: a later zero value does not override a top-level or [grpc] field; union of disabled_plugins on 2.x', () => {
    const v = mergedView(m, '2.x');
    const oom = node(v.root, ['oom_score']);
    expect(at(oom)).toBe('config.toml:2:13-2:17');
    expect(v.overridden(oom).map(at)).toEqual(['10-override.toml:2:13-2:14']);
    expect(v.overridden(node(v.root, ['grpc', 'address'])).map(at)).toEqual(['config.toml:7:13-7:46']);
    const disabled = node(v.root, ['disabled_plugins']);
    expect(disabled.kind === 'array' && disabled.items.map(at)).toEqual(['config.toml:3:21-3:52', '10-override.toml:3:54-3:88']);
    expect(v.sources(disabled).map(at)).toEqual(['config.toml:3:20-3:53', '10-override.toml:3:20-3:89']);
  });

  it('1.x: a plugin table from an import replaces the whole table; arrays are appended', () => {
    const v = mergedView(m, '1.x');
    expect(toJS(v.root)).toEqual({
      version: 2,
      oom_score: -999,
      disabled_plugins: ['io.containerd.internal.v1.opt', 'io.containerd.internal.v1.opt', 'io.containerd.snapshotter.v1.zfs'],
      imports: ['conf.d/*.toml'],
      grpc: { address: '/run/k8s/containerd.sock', uid: 0 },
      plugins: { 'io.containerd.grpc.v1.cri': { containerd: { runtimes: { runc: { pod_annotations: ['b'], options: { SystemdCgroup: false } } } } } },
    });
    const cri = node(v.root, CRI);
    expect(at(cri)).toBe('10-override.toml:8:1-9:26');
    expect(v.overridden(cri).map(at)).toEqual(['config.toml:10:1-10:38']);
    expect(v.overridden(node(v.root, [...RUNC, 'options', 'SystemdCgroup'])).map(at)).toEqual(['config.toml:18:21-18:25']);
    expect(v.overridden(node(v.root, [...RUNC, 'pod_annotations'])).map(at)).toEqual(['config.toml:16:23-16:28']);
  });

  it('is memoised per model and mode', () => {
    expect(mergedView(m, '2.x')).toBe(mergedView(m, '2.x'));
    expect(mergedView(m, '1.x')).not.toBe(mergedView(m, '2.x'));
  });

  it('2.x renames the plugin IDs of a version-1 file before merging (v1MigratePluginName)', () => {
    const dir = tmpRoot({
      'etc/containerd/config.toml': 'imports = ["v2.toml"]\n[plugins.cri]\n  sandbox_image = "a"\n[plugins.cgroups]\n  no_prometheus = true\n',
      'etc/containerd/v2.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  stream_server_port = "10010"\n',
    });
    const model = load(rootCtx(dir));
    expect(toJS(getPath(mergedView(model, '2.x').root, ['plugins'])!)).toEqual({
      'io.containerd.grpc.v1.cri': { sandbox_image: 'a', stream_server_port: '10010' },
      'io.containerd.monitor.v1.cgroups': { no_prometheus: true },
    });
    expect(Object.keys(toJS(getPath(mergedView(model, '1.x').root, ['plugins'])!) as object)).toEqual(['cri', 'cgroups', 'io.containerd.grpc.v1.cri']);
    expect(['cri', 'diff-service', 'windows', 'foo', 'io.x.y'].map(v1MigratePluginName)).toEqual([
      'io.containerd.grpc.v1.cri',
      'io.containerd.service.v1.diff-service',
      'io.containerd.snapshotter.v1.windows',
      'io.containerd.grpc.v1.foo',
      'io.x.y',
    ]);
  });
});

describe('CRI view', () => {
  const cri = (name: string) => load(looseCtx(resolve(FIX, 'cri', name)));
  const v = (x: { value: unknown; node: VNode | null }) => [x.value, at(x.node)];

  it('version 1: plugins.cri on 1.x, renamed to io.containerd.grpc.v1.cri on 2.x', () => {
    const m = cri('v1.toml');
    for (const [mode, id] of [['1.x', 'cri'], ['2.x', 'io.containerd.grpc.v1.cri']] as const) {
      const c = criView(m, mode);
      expect(c.version).toBe(1);
      expect(c.tables.map((t) => [t.id, t.role, at(t.table)])).toEqual([[id, 'cri', 'v1.toml:7:1-7:14']]);
      // `disabled_plugins = ["cri"]` disables CRI on both lines (1.x by short ID; 2.x migrates it).
      expect(c.criDisabledBy.map(at)).toEqual(['v1.toml:2:21-2:26']);
      expect(v(c.defaultRuntimeName)).toEqual(['runc', 'v1.toml:11:28-11:34']);
      expect(c.runtimes.map((r) => [r.name, ...v(r.runtimeType), at(r.options), ...v(r.systemdCgroup)])).toEqual([
        ['runc', 'io.containerd.runc.v2', 'v1.toml:13:20-13:43', 'v1.toml:14:3-14:49', true, 'v1.toml:15:21-15:25'],
      ]);
      expect(c.defaultRuntime?.name).toBe('runc');
      expect(v(c.sandboxImage)).toEqual(['k8s.gcr.io/pause:3.1', 'v1.toml:8:19-8:41']);
      expect(v(c.grpcAddress)).toEqual(['/run/containerd/containerd.sock', 'v1.toml:5:13-5:46']);
      expect(v(c.registry.configPath)).toEqual(['/etc/containerd/certs.d', 'v1.toml:20:19-20:44']);
      expect([v(c.cni.binDir), v(c.cni.confDir), c.cni.binDirs.value]).toEqual([['/opt/cni/bin', 'v1.toml:17:15-17:29'], ['/etc/cni/net.d', 'v1.toml:18:16-18:32'], null]);
      expect(v(c.snapshotter)).toEqual(['overlayfs', 'v1.toml:10:19-10:30']);
    }
  });

  it('version 2: one CRI table; only the URI disables it', () => {
    const m = cri('v2.toml');
    for (const mode of ['1.x', '2.x'] as const) {
      const c = criView(m, mode);
      expect(c.tables.map((t) => [t.id, t.role])).toEqual([['io.containerd.grpc.v1.cri', 'cri']]);
      expect(c.disabledPlugins.map((n) => n.value)).toEqual(['io.containerd.grpc.v1.cri', 'cri']);
      expect(c.requiredPlugins.map(at)).toEqual(['v2.toml:3:21-3:61']);
      expect(c.criDisabledBy.map(at)).toEqual(['v2.toml:2:21-2:48']);
      expect(v(c.defaultRuntimeName)).toEqual(['nvidia', 'v2.toml:9:28-9:36']);
      expect(c.runtimes.map((r) => [r.name, r.runtimeType.value, ...v(r.systemdCgroup)])).toEqual([
        ['runc', 'io.containerd.runc.v2', true, 'v2.toml:13:25-13:29'],
        ['nvidia', 'io.containerd.runc.v2', false, 'v2.toml:18:25-18:30'],
      ]);
      expect(c.defaultRuntime?.name).toBe('nvidia');
      expect(v(c.sandboxImage)).toEqual(['registry.k8s.io/pause:3.10', 'v2.toml:6:19-6:47']);
      expect(v(c.grpcAddress)).toEqual([null, null]);
      expect([at(c.registry.table), at(c.registry.mirrors), c.registry.configs, c.registry.auths]).toEqual(['v2.toml:21:3-21:49', 'v2.toml:23:5-24:44', null, null]);
      expect([c.cni.binDirs.value, at(c.cni.binDirs.node), v(c.cni.binDir)]).toEqual([['/opt/cni/bin', '/usr/libexec/cni'], 'v2.toml:20:16-20:52', [null, null]]);
    }
  });

  it('version 3: split tables on 2.x; keys matched case-insensitively by go-toml v2', () => {
    const c = criView(cri('v3.toml'), '2.x');
    expect(c.tables.map((t) => [t.id, t.role, at(t.table)])).toEqual([
      ['io.containerd.grpc.v1.cri', 'server', 'v3.toml:6:1-6:38'],
      ['io.containerd.cri.v1.runtime', 'runtime', 'v3.toml:9:1-9:41'],
      ['io.containerd.cri.v1.images', 'images', 'v3.toml:25:1-25:40'],
    ]);
    expect(v(c.defaultRuntimeName)).toEqual(['crun', 'v3.toml:11:28-11:34']);
    expect(c.runtimes.map((r) => [r.name, ...v(r.systemdCgroup)])).toEqual([
      ['runc', true, 'v3.toml:15:23-15:27'],
      ['crun', true, 'v3.toml:20:23-20:27'],
    ]);
    expect(c.defaultRuntime?.name).toBe('crun');
    expect(v(c.sandboxImage)).toEqual(['registry.k8s.io/pause:3.10.1', 'v3.toml:28:15-28:45']);
    expect(v(c.grpcAddress)).toEqual(['/run/k8s/containerd.sock', 'v3.toml:4:13-4:39']);
    expect(v(c.registry.configPath)).toEqual(['/etc/containerd/certs.d:/etc/docker/certs.d', 'v3.toml:30:19-30:64']);
    expect([c.cni.binDirs.value, v(c.cni.confDir)]).toEqual([['/opt/cni/bin'], ['/etc/cni/net.d', 'v3.toml:23:16-23:32']]);
    expect(v(c.snapshotter)).toEqual(['overlayfs', 'v3.toml:26:17-26:28']);
  });

  it('version 3 on 1.x: the v3 tables mean nothing; `systemdCgroup` (lower-first) matches on go-toml v1 too', () => {
    const c = criView(cri('v3.toml'), '1.x');
    expect(c.tables.map((t) => [t.id, t.role])).toEqual([['io.containerd.grpc.v1.cri', 'cri']]);
    expect([c.runtimes, v(c.sandboxImage), v(c.defaultRuntimeName)]).toEqual([[], [null, null], ['runc', null]]);
    const m = load(looseCtx(tmpRoot({ 'c.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  systemdCgroup = true\n  SystemDCgroup = false\n' }) + '/c.toml'));
    expect(criView(m, '1.x').runtimes[0]!.systemdCgroup.value).toBe(true);
    // go-toml v2 decodes both spellings into the same field; the later assignment wins.
    expect(criView(m, '2.x').runtimes[0]!.systemdCgroup.value).toBe(false);
  });

  it('version 4: the gRPC address comes from the server plugin; top-level [grpc] is inert', () => {
    const c = criView(cri('v4.toml'), '2.x');
    expect(c.version).toBe(4);
    expect(v(c.grpcAddress)).toEqual(['/run/containerd/containerd.sock', 'v4.toml:8:13-8:46']);
    expect(v(c.sandboxImage)).toEqual(['registry.k8s.io/pause:3.10.2', 'v4.toml:11:13-11:43']);
    expect(c.runtimes.map((r) => [r.name, r.runtimeType.value, r.systemdCgroup.value])).toEqual([['runc', null, true]]);
    expect(v(criView(cri('v4-toplevel-grpc.toml'), '2.x').grpcAddress)).toEqual([null, null]);
  });

  it('2.x: v2 keys of a version-2 drop-in are migrated: runtime keys fill gaps, image keys overwrite', () => {
    const dir = tmpRoot({
      'etc/containerd/config.toml': [
        'version = 3',
        'imports = ["conf.d/*.toml"]',
        '[plugins."io.containerd.cri.v1.runtime".containerd]',
        '  default_runtime_name = "crun"',
        '[plugins."io.containerd.cri.v1.images".pinned_images]',
        '  sandbox = "registry.k8s.io/pause:3.10"',
        '',
      ].join('\n'),
      'etc/containerd/conf.d/old.toml': [
        'version = 2',
        '[plugins."io.containerd.grpc.v1.cri"]',
        '  sandbox_image = "example.com/pause:1"',
        '  [plugins."io.containerd.grpc.v1.cri".containerd]',
        '    default_runtime_name = "runc"',
        '    snapshotter = "stargz"',
        '',
      ].join('\n'),
    });
    const c = criView(load(rootCtx(dir)), '2.x');
    expect(c.tables.map((t) => [t.id, t.role])).toEqual([
      ['io.containerd.grpc.v1.cri', 'cri'],
      ['io.containerd.cri.v1.runtime', 'runtime'],
      ['io.containerd.cri.v1.images', 'images'],
    ]);
    expect(v(c.defaultRuntimeName)).toEqual(['crun', 'config.toml:4:26-4:32']);
    expect(v(c.sandboxImage)).toEqual(['example.com/pause:1', 'old.toml:3:19-3:40']);
    expect(v(c.snapshotter)).toEqual(['stargz', 'old.toml:6:19-6:27']);
  });

  it('2.x: v2-layout keys in a version-3 file are not migrated', () => {
    const m = load(looseCtx(tmpRoot({ 'c.toml': 'version = 3\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "x"\n' }) + '/c.toml'));
    const c = criView(m, '2.x');
    expect(c.tables.map((t) => [t.id, t.role])).toEqual([['io.containerd.grpc.v1.cri', 'server']]);
    expect(v(c.sandboxImage)).toEqual([null, null]);
    expect(v(criView(m, '1.x').sandboxImage)).toEqual(['x', 'c.toml:3:19-3:22']);
  });

  it('2.x: disabling a split CRI plugin also takes CRI away', () => {
    const m = load(looseCtx(tmpRoot({ 'c.toml': 'version = 3\ndisabled_plugins = ["io.containerd.cri.v1.images", "io.containerd.nri.v1.nri"]\n' }) + '/c.toml'));
    expect(criView(m, '2.x').criDisabledBy.map(at)).toEqual(['c.toml:2:21-2:50']);
    expect(criView(m, '1.x').criDisabledBy).toEqual([]);
  });
});

describe('schema problems', () => {
  const problems = (file: string, containerd: string) => containerdSchemaProblems(load(looseCtx(resolve(FIX, 'schema', file))), target(containerd)).map(fmt);
  const IGN = 'containerd ignores unknown keys, so this setting has no effect';
  const CRI = 'plugins."io.containerd.grpc.v1.cri"';

  const V2_COMMON = [
    `invalid-value error v2-problems.toml:2:13-2:19 invalid value for "oom_score" at the top level: expected integer, got string "-999"; containerd cannot decode it and fails to start`,
    `unknown-key error v2-problems.toml:3:1-3:10 unknown key "subreaper" at the top level; ${IGN}`,
    `invalid-value error v2-problems.toml:6:11-6:20 invalid value for "level" in [debug]: expected one of "trace", "debug", "info", "warn", "warning", "error", "fatal", "panic", got string "verbose"; containerd fails to start`,
    `invalid-value error v2-problems.toml:9:24-9:29 invalid value for "stream_server_port" in [${CRI}]: expected string, got integer 10010; containerd cannot decode it and fails to start`,
    `invalid-value error v2-problems.toml:10:25-10:34 invalid value for "stream_idle_timeout" in [${CRI}]: expected a Go duration such as "4h0m0s" or "30s", got string "4 hours"; the CRI plugin fails to load`,
    `unknown-key error v2-problems.toml:11:3-11:40 unknown key "tolerate_missing_hugepages_controller" in [${CRI}]; did you mean "tolerate_missing_hugetlb_controller"? ${IGN}`,
    `unknown-key error v2-problems.toml:12:3-12:23 unknown key "use_local_image_pull" in [${CRI}]; "use_local_image_pull" exists only in [plugins."io.containerd.cri.v1.images"] (config version 3 and later, containerd 2.0+); ${IGN}`,
    `unknown-key error v2-problems.toml:18:5-18:18 unknown key "SystemdCgroup" in [${CRI}.containerd.runtimes.runc]; SystemdCgroup is a runc option: set it in [${CRI}.containerd.runtimes.runc.options]; ${IGN}`,
    `unknown-key error v2-problems.toml:20:5-20:19 unknown key "systemd_cgroup" in [${CRI}.containerd.runtimes.runc.options]; did you mean "SystemdCgroup"? ${IGN}`,
    `invalid-value error v2-problems.toml:21:13-21:15 invalid value for "IoUid" in [${CRI}.containerd.runtimes.runc.options]: expected a value >= 0, got integer -1; containerd cannot decode the options of runtime "runc", so pods using it fail to start`,
  ];

  it('version 2 file for containerd 2.2: exact messages and ranges; removed keys stay known; unknown plugin IDs and non-runc options are not checked', () => {
    // systemd_cgroup (line 13) and no_pivot (line 15) were removed in 2.0 but are known to the
    // schema, so a removed-key rule reports them; `systemdCgroup` (line 25) is a spelling both
    // TOML decoders accept; kata options (line 29) go to the shim as is.
    expect(problems('v2-problems.toml', '2.2')).toEqual(V2_COMMON);
  });

  it('version 2 file for containerd 1.7: keys added later are unknown to that release', () => {
    expect(problems('v2-problems.toml', '1.7')).toEqual([
      ...V2_COMMON,
      `unknown-key error v2-problems.toml:31:5-31:13 key "bin_dirs" in [${CRI}.cni] is not known to containerd 1.7 (added in 2.1); ${IGN}`,
    ]);
  });

  it('version 3 file: v2 keys in the wrong table, removed keys, typos, and the two stats_collect_period types', () => {
    const common = (line8: string) => [
      `unknown-key error v3-problems.toml:4:3-4:16 unknown key "sandbox_image" in [${CRI}]; in config version 3 the sandbox image is "sandbox" in [plugins."io.containerd.cri.v1.images".pinned_images]; ${IGN}`,
      `unknown-key error v3-problems.toml:7:3-7:17 unknown key "systemd_cgroup" in [plugins."io.containerd.cri.v1.runtime"]; "systemd_cgroup" was removed in containerd 2.0; ${IGN}`,
      line8,
      `unknown-key error v3-problems.toml:10:5-10:17 unknown key "runtime_root" in [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]; "runtime_root" was removed in containerd 2.0; ${IGN}`,
      `unknown-key error v3-problems.toml:13:3-13:13 unknown key "snapshoter" in [plugins."io.containerd.cri.v1.images"]; did you mean "snapshotter"? ${IGN}`,
      `invalid-value error v3-problems.toml:14:26-14:31 invalid value for "stats_collect_period" in [plugins."io.containerd.cri.v1.images"]: expected integer, got string "10s"; containerd cannot decode it and fails to start`,
      `unknown-key error v3-problems.toml:15:78-15:81 unknown key "tls" in [plugins."io.containerd.cri.v1.images".registry.configs."registry.example"]; "tls" was removed in containerd 2.0; ${IGN}`,
    ];
    // 2.3: cri.v1.runtime stats_collect_period is a duration string.
    expect(problems('v3-problems.toml', '2.3')).toEqual(
      common(
        `invalid-value error v3-problems.toml:8:26-8:28 invalid value for "stats_collect_period" in [plugins."io.containerd.cri.v1.runtime"]: expected a Go duration such as "4h0m0s" or "30s", got integer 10; containerd cannot decode it and fails to start`,
      ),
    );
    // 2.2 does not have the key at all, so its value is never decoded.
    expect(problems('v3-problems.toml', '2.2')).toEqual(
      common(`unknown-key error v3-problems.toml:8:3-8:23 key "stats_collect_period" in [plugins."io.containerd.cri.v1.runtime"] is not known to containerd 2.2 (added in 2.3); ${IGN}`),
    );
  });

  it('points at the parent table when a key follows a sub-table header (a TOML gotcha)', () => {
    const f = tmpRoot({ 'c.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".cni]\n  conf_dir = "/etc/cni/net.d"\n\n  enable_selinux = true\n' }) + '/c.toml';
    expect(containerdSchemaProblems(load(looseCtx(f)), target('2.1')).map(fmt)).toEqual([
      `unknown-key error c.toml:5:3-5:17 unknown key "enable_selinux" in [${CRI}.cni]; "enable_selinux" belongs in [${CRI}]: TOML puts the keys after the [${CRI}.cni] header into that table, so move it above the header; ${IGN}`,
    ]);
  });

  it('accepts the key spellings each decoder matches: go-toml v1 on 1.x, any case on 2.x', () => {
    const f =
      tmpRoot({
        'c.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SYSTEMDCGROUP = true\n  systemdcgroup = true\n  SystemDCgroup = true\n',
      }) + '/c.toml';
    const m = load(looseCtx(f));
    expect(containerdSchemaProblems(m, target('1.7')).map(fmt)).toEqual([
      `unknown-key error c.toml:5:3-5:16 unknown key "SystemDCgroup" in [${CRI}.containerd.runtimes.runc.options]; did you mean "SystemdCgroup"? ${IGN}`,
    ]);
    expect(containerdSchemaProblems(m, target('2.0'))).toEqual([]);
  });

  it('checks version-4 server plugins and the runtime options of runc runtimes only', () => {
    const f =
      tmpRoot({
        'c.toml': [
          'version = 4',
          '[plugins."io.containerd.server.v1.debug"]',
          '  level = "debug"',
          '[plugins."io.containerd.server.v1.grpc"]',
          '  address = 5',
          '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.gvisor]',
          '  runtime_type = "io.containerd.runsc.v1"',
          '  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.gvisor.options]',
          '    TypeUrl = "io.containerd.runsc.v1.options"',
          '',
        ].join('\n'),
      }) + '/c.toml';
    expect(containerdSchemaProblems(load(looseCtx(f)), target('2.3')).map(fmt)).toEqual([
      `unknown-key error c.toml:3:3-3:8 unknown key "level" in [plugins."io.containerd.server.v1.debug"]; ${IGN}`,
      `invalid-value error c.toml:5:13-5:14 invalid value for "address" in [plugins."io.containerd.server.v1.grpc"]: expected string, got integer 5; containerd cannot decode it and fails to start`,
    ]);
  });

  it('is silent on a clean file and on a file that did not parse', () => {
    expect(containerdSchemaProblems(load(looseCtx(resolve(FIX, 'cri', 'v3.toml'))), target('2.2'))).toEqual([]);
    const broken = load(looseCtx(tmpRoot({ 'c.toml': 'version = \n' }) + '/c.toml'));
    expect(broken.main.root).toBeNull();
    expect(containerdSchemaProblems(broken, target('2.2'))).toEqual([]);
  });

  it('x-since: per-line backports and minor-only targets', () => {
    const V = (s: string) => parseVersion(s)!;
    expect(available(['2.2.7', '2.3.4'], V('2.2'))).toBe(true);
    expect(available(['2.2.7', '2.3.4'], V('2.2.6'))).toBe(false);
    expect(available(['2.2.7', '2.3.4'], V('2.3.0'))).toBe(false);
    expect(available(['2.2.7', '2.3.4'], V('2.4'))).toBe(true);
    expect(available(['2.2.7', '2.3.4'], V('2.1'))).toBe(false);
    expect(available(['1.7.25', '2.0'], V('1.6.39'))).toBe(false);
    expect(available('2.1', V('2.1.0'))).toBe(true);
    expect(available(undefined, V('1.6'))).toBe(true);
  });

  it('the root schema (for editors) picks the CRI layout by version', () => {
    // Only unknown keys are compared: validate.ts also reports the failed `if`/`else` of the root
    // schema as an invalid value at the root (its pickErrors keeps `if` errors when alone at a path).
    const schema = containerdSchema() as unknown as object;
    const text = 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  tolerate_missing_hugepages_controller = true\n';
    const m = load(looseCtx(tmpRoot({ 'c.toml': text }) + '/c.toml'));
    expect(validateTree(m.main.root!, 'containerd-root', schema).filter((p) => p.kind === 'unknown-key').map((p) => [p.kind, at({ file: p.node.file, range: p.range }), p.suggestion])).toEqual([
      ['unknown-key', 'c.toml:3:3-3:40', 'tolerate_missing_hugetlb_controller'],
    ]);
    const v3 = load(looseCtx(tmpRoot({ 'c.toml': 'version = 3\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "x"\n' }) + '/c.toml'));
    expect(validateTree(v3.main.root!, 'containerd-root', schema).filter((p) => p.kind === 'unknown-key').map((p) => [p.kind, p.path.join('.')])).toEqual([['unknown-key', 'plugins.io.containerd.grpc.v1.cri.sandbox_image']]);
  });
});
