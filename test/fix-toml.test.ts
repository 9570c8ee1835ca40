import { describe, expect, it } from 'vitest';
import { parse as smolParse } from 'smol-toml';
import { src } from './helpers/source.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { getPath, type ArrayNode, type MapNode, type ScalarNode } from '../src/model/tree.js';
import { applyEdits, FixBuildError, makeFix } from '../src/fix/common.js';
import * as toml from '../src/fix/toml.js';
import type { FileChange } from '../src/core/types.js';

function load(text: string) {
  const file = src(text, 'containerd', '/virtual/etc/containerd/config.toml');
  const doc = parseTomlSource(file);
  if (!doc.root) throw new Error(doc.findings.map((f) => f.message).join('; '));
  const at = <T>(...path: (string | number)[]) => getPath(doc.root!, path) as T;
  return { file, root: doc.root, at };
}

/** Apply a change and check the result is valid TOML (smol-toml as an independent parser). */
function run(text: string, c: FileChange | FileChange[]): string {
  const changes = Array.isArray(c) ? c : [c];
  const fix = makeFix('safe', 'test', ...changes);
  let out = text;
  for (const ch of fix.changes) out = applyEdits(out, ch.edits);
  smolParse(out);
  return out;
}

const V2 = `version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.8" # pinned
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
`;

const V3 = `version = 3

[plugins]
  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'

    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = 'registry.k8s.io/pause:3.10'

  [plugins.'io.containerd.cri.v1.runtime']
    enable_selinux = false
`;

describe('toml.setValue', () => {
  it('replaces only the value token, keeping a trailing comment', () => {
    const { at } = load(V2);
    const n = at<ScalarNode>('plugins', 'io.containerd.grpc.v1.cri', 'sandbox_image');
    expect(run(V2, toml.setValue(n, 'registry.k8s.io/pause:3.10'))).toBe(
      V2.replace('sandbox_image = "registry.k8s.io/pause:3.8" # pinned', 'sandbox_image = "registry.k8s.io/pause:3.10" # pinned'),
    );
  });

  it('keeps literal quoting in a containerd 2.x file', () => {
    const { at } = load(V3);
    const n = at<ScalarNode>('plugins', 'io.containerd.cri.v1.images', 'pinned_images', 'sandbox');
    expect(run(V3, toml.setValue(n, 'registry.k8s.io/pause:3.10.1'))).toBe(V3.replace("'registry.k8s.io/pause:3.10'", "'registry.k8s.io/pause:3.10.1'"));
  });

  it("falls back to a basic string when a literal one cannot hold the value", () => {
    const t = "a = 'x'\n";
    const { at } = load(t);
    expect(run(t, toml.setValue(at<ScalarNode>('a'), "it's"))).toBe('a = "it\'s"\n');
    expect(run(t, toml.setValue(at<ScalarNode>('a'), 'tab\there\nnl'))).toBe('a = "tab\\there\\nnl"\n');
  });

  it('escapes basic strings', () => {
    const t = 'a = "x"\n';
    const { at } = load(t);
    expect(run(t, toml.setValue(at<ScalarNode>('a'), 'C:\\dir "q" \u0001'))).toBe('a = "C:\\\\dir \\"q\\" \\u0001"\n');
  });

  it('keeps multi-line strings multi-line', () => {
    const t = 'a = """\nold"""\nb = \'\'\'x\'\'\'\n';
    const { at } = load(t);
    expect(run(t, [toml.setValue(at<ScalarNode>('a'), 'one\ntwo'), toml.setValue(at<ScalarNode>('b'), 'y\nz')])).toBe('a = """\none\ntwo"""\nb = \'\'\'y\nz\'\'\'\n');
  });

  it('writes booleans, integers and floats, keeping a float a float', () => {
    const t = 'a = false\nb = 1\nc = 1.5\nd = "5"\n';
    const { at } = load(t);
    expect(
      run(t, [toml.setValue(at<ScalarNode>('a'), true), toml.setValue(at<ScalarNode>('b'), 16777216), toml.setValue(at<ScalarNode>('c'), 2), toml.setValue(at<ScalarNode>('d'), 5)]),
    ).toBe('a = true\nb = 16777216\nc = 2.0\nd = 5\n');
  });

  it('replaces a whole array in the quoting of its items', () => {
    const t = "disabled_plugins = ['a']\n";
    const { at } = load(t);
    expect(run(t, toml.setValue(at<ArrayNode>('disabled_plugins'), ['x', 'y']))).toBe("disabled_plugins = ['x', 'y']\n");
  });

  it('refuses a table', () => {
    const { at } = load(V2);
    expect(() => toml.setValue(at<MapNode>('plugins', 'io.containerd.grpc.v1.cri'), 1)).toThrow(FixBuildError);
  });

  it('keeps CRLF (the value is on one line) and works on a value inside an inline table', () => {
    const t = 'a = { b = "x", c = 1 }\r\n';
    const { at } = load(t);
    expect(run(t, toml.setValue(at<ScalarNode>('a', 'b'), 'y'))).toBe('a = { b = "y", c = 1 }\r\n');
  });
});

describe('toml.setKey', () => {
  it('renames a misspelled key, keeping its comment', () => {
    const t = '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroups = true # driver\n';
    const { at } = load(t);
    const n = at<ScalarNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroups');
    expect(run(t, toml.setKey(n, 'SystemdCgroup'))).toBe(t.replace('SystemdCgroups', 'SystemdCgroup'));
  });

  it('renames a table in its header, its sub-tables and dotted keys through it', () => {
    const t = '[a.runtime]\nx = 1\n[a.runtime.options]\ny = 2\n';
    const { at } = load(t);
    expect(run(t, toml.setKey(at<MapNode>('a', 'runtime'), 'runtimes'))).toBe('[a.runtimes]\nx = 1\n[a.runtimes.options]\ny = 2\n');
    const d = '[a]\nruntime.z = 3 # dotted\n[a.runtime.options]\ny = 2\n';
    const l2 = load(d);
    expect(run(d, toml.setKey(l2.at<MapNode>('a', 'runtime'), 'runtimes'))).toBe('[a]\nruntimes.z = 3 # dotted\n[a.runtimes.options]\ny = 2\n');
  });

  it('keeps the quoting of a quoted key and refuses a name that exists', () => {
    const t = "[plugins.'io.containerd.grpc.v1.cri']\nx = 1\n[plugins.b]\n";
    const { at } = load(t);
    expect(run(t, toml.setKey(at<MapNode>('plugins', 'io.containerd.grpc.v1.cri'), 'io.containerd.cri.v1.runtime'))).toBe(
      "[plugins.'io.containerd.cri.v1.runtime']\nx = 1\n[plugins.b]\n",
    );
    expect(() => toml.setKey(at<MapNode>('plugins', 'io.containerd.grpc.v1.cri'), 'b')).toThrow(/already exists/);
  });
});

describe('toml.insertKey', () => {
  it('inserts after the last key-value of an explicit table, at its siblings\' indentation', () => {
    const { at } = load(V2);
    const runc = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options');
    expect(run(V2, toml.insertKey(runc, 'BinaryName', '/usr/bin/runc'))).toBe(
      V2.replace('SystemdCgroup = false\n', 'SystemdCgroup = false\n          BinaryName = "/usr/bin/runc"\n'),
    );
  });

  it('inserts before the sub-tables that follow a table\'s own key-values, keeping the comment of the last one', () => {
    const { at } = load(V2);
    const cri = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri');
    expect(run(V2, toml.insertKey(cri, 'enable_cdi', true))).toBe(
      V2.replace('# pinned\n', '# pinned\n    enable_cdi = true\n'),
    );
  });

  it('uses literal strings and the header-relative indentation of a 2.x file; inserts after a named sibling', () => {
    const t = "[plugins.'io.containerd.cri.v1.runtime']\n  enable_selinux = false\n  max_container_log_line_size = 16384\n";
    const { at } = load(t);
    const rt = at<MapNode>('plugins', 'io.containerd.cri.v1.runtime');
    expect(run(t, toml.insertKey(rt, 'cdi_spec_dirs', ['/etc/cdi', '/var/run/cdi'], { after: 'enable_selinux' }))).toBe(
      "[plugins.'io.containerd.cri.v1.runtime']\n  enable_selinux = false\n  cdi_spec_dirs = ['/etc/cdi', '/var/run/cdi']\n  max_container_log_line_size = 16384\n",
    );
  });

  it('inserts right after the header of a table without key-values, with the file\'s key offset', () => {
    const t = '[a]\n  x = 1\n\n[b] # empty\n\n[c]\n';
    const { at } = load(t);
    expect(run(t, toml.insertKey(at<MapNode>('b'), 'y', 'v'))).toBe('[a]\n  x = 1\n\n[b] # empty\n  y = "v"\n\n[c]\n');
  });

  it('inserts several keys in order, and a dotted key', () => {
    const t = '[a]\nx = 1\n';
    const { at } = load(t);
    expect(run(t, [toml.insertKey(at<MapNode>('a'), 'y', 2), toml.insertKey(at<MapNode>('a'), ['z', 'w'], 3)])).toBe('[a]\nx = 1\ny = 2\nz.w = 3\n');
  });

  it('inserts a top-level key after the other top-level keys', () => {
    const { root } = load(V2);
    expect(run(V2, toml.insertKey(root, 'imports', ['/etc/containerd/conf.d/*.toml']))).toBe(
      V2.replace('version = 2\n', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n'),
    );
  });

  it('inserts a top-level key before the first table (and its comments) when there are no top-level keys', () => {
    const t = '# generated\n\n# CRI\n[plugins.cri]\nx = 1\n';
    const { root } = load(t);
    expect(run(t, toml.insertKey(root, 'version', 2))).toBe('# generated\n\nversion = 2\n\n# CRI\n[plugins.cri]\nx = 1\n');
    const e = '';
    expect(run(e, toml.insertKey(load(e).root, 'version', 3))).toBe('version = 3\n');
    const c = '# only a comment';
    expect(run(c, toml.insertKey(load(c).root, 'version', 3))).toBe('# only a comment\nversion = 3\n');
  });

  it('adds to an implicit table created by dotted keys with another dotted key beside them', () => {
    const t = '[plugins."io.containerd.grpc.v1.cri"]\n  containerd.snapshotter = "overlayfs" # fast\n  sandbox_image = "x"\n';
    const { at } = load(t);
    const c = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd');
    expect(c.implicit).toBe(true);
    expect(run(t, toml.insertKey(c, 'default_runtime_name', 'runc'))).toBe(
      '[plugins."io.containerd.grpc.v1.cri"]\n  containerd.snapshotter = "overlayfs" # fast\n  containerd.default_runtime_name = "runc"\n  sandbox_image = "x"\n',
    );
  });

  it('gives an implicit table created by deeper headers a header of its own, before its first sub-table', () => {
    const t = 'version = 2\n\n# runc options\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n';
    const { at } = load(t);
    const runc = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc');
    expect(runc.implicit).toBe(true);
    expect(run(t, toml.insertKey(runc, 'runtime_type', 'io.containerd.runc.v2'))).toBe(
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n\n# runc options\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n',
    );
  });

  it('adds to an inline table (single line, TOML 1.0 has no trailing comma there)', () => {
    const t = 'a = { x = 1 }\nb = {}\n';
    const { at } = load(t);
    expect(run(t, [toml.insertKey(at<MapNode>('a'), 'y', 'z'), toml.insertKey(at<MapNode>('b'), 'k', true)])).toBe('a = { x = 1, y = "z" }\nb = { k = true }\n');
  });

  it('writes CRLF in a CRLF file', () => {
    const t = '[a]\r\n  x = 1\r\n\r\n[b]\r\n  y = 2\r\n';
    const { at } = load(t);
    expect(run(t, toml.insertKey(at<MapNode>('a'), 'z', 3))).toBe('[a]\r\n  x = 1\r\n  z = 3\r\n\r\n[b]\r\n  y = 2\r\n');
  });

  it('refuses a key that exists', () => {
    const { at } = load(V2);
    expect(() => toml.insertKey(at<MapNode>('plugins', 'io.containerd.grpc.v1.cri'), 'sandbox_image', 'x')).toThrow(/already exists/);
  });

  it('quotes keys that need it, in the file\'s key quoting', () => {
    const { at } = load(V3);
    const p = at<MapNode>('plugins', 'io.containerd.cri.v1.runtime');
    expect(run(V3, toml.insertKey(p, 'a.b', 1))).toBe(V3.replace('enable_selinux = false\n', "enable_selinux = false\n    'a.b' = 1\n"));
  });
});

describe('toml.leadingComments', () => {
  it('gives the comment lines right above a key (up to a blank line) and the change that deletes them', () => {
    const t = 'a = 1\n\n# about the section\n\n  # first line\n  # second line\n  b = 2\nc = { d = 3 }\n';
    const { root } = load(t);
    const b = getPath(root, ['b'])!;
    const r = toml.leadingComments(b)!;
    expect(r.lines).toEqual(['# first line', '# second line']);
    expect(run(t, r.change)).toBe('a = 1\n\n# about the section\n\n  b = 2\nc = { d = 3 }\n');
    expect(toml.leadingComments(getPath(root, ['a'])!)).toBeNull();
    expect(toml.leadingComments(getPath(root, ['c', 'd'])!)).toBeNull();
  });
});

describe('toml.ensureTable', () => {
  it('adds a section after the last section of the closest parent, with the file\'s quoting and indentation (2.x)', () => {
    const { root } = load(V3);
    const c = toml.ensureTable(root, ['plugins', 'io.containerd.cri.v1.images', 'registry'], { config_path: '/etc/containerd/certs.d' });
    expect(run(V3, c)).toBe(
      V3.replace(
        "      sandbox = 'registry.k8s.io/pause:3.10'\n",
        "      sandbox = 'registry.k8s.io/pause:3.10'\n\n    [plugins.'io.containerd.cri.v1.images'.registry]\n      config_path = '/etc/containerd/certs.d'\n",
      ),
    );
  });

  it('adds nested runtime tables in a 1.x file: double quotes, a sibling header\'s indentation, no blank lines where the file has few, sub-tables as sections', () => {
    const { root } = load(V2);
    const c = toml.ensureTable(root, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'kata'], {
      runtime_type: 'io.containerd.kata.v2',
      options: { ConfigPath: '/opt/kata/configuration.toml' },
    });
    expect(run(V2, c)).toBe(
      V2 +
        '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata]\n' +
        '        runtime_type = "io.containerd.kata.v2"\n' +
        '        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.kata.options]\n' +
        '          ConfigPath = "/opt/kata/configuration.toml"\n',
    );
  });

  it('indents a new sub-section one step under its new parent in a file that indents sub-tables per nesting, not per key depth', () => {
    // `[…containerd.runtimes.runc]` sits one step (2 spaces) under `[…containerd]` although it is two keys deeper.
    const t =
      '[plugins."io.containerd.grpc.v1.cri"]\n  x = 1\n\n  [plugins."io.containerd.grpc.v1.cri".containerd]\n    y = 2\n\n    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n      z = 3\n';
    const { root } = load(t);
    expect(run(t, toml.ensureTable(root, ['plugins', 'io.containerd.cri.v1.images'], { snapshotter: 'overlayfs', pinned_images: { sandbox: 'registry.k8s.io/pause:3.10' } }))).toBe(
      t + '\n[plugins."io.containerd.cri.v1.images"]\n  snapshotter = "overlayfs"\n\n  [plugins."io.containerd.cri.v1.images".pinned_images]\n    sandbox = "registry.k8s.io/pause:3.10"\n',
    );
  });

  it('appends a section at the end of the file when no parent exists, with a blank line before it', () => {
    const t = 'version = 2\n\n[grpc]\naddress = "/run/containerd/containerd.sock"\n';
    const { root } = load(t);
    expect(run(t, toml.ensureTable(root, ['plugins', 'io.containerd.grpc.v1.cri'], { sandbox_image: 'registry.k8s.io/pause:3.10' }))).toBe(
      t + '\n[plugins."io.containerd.grpc.v1.cri"]\nsandbox_image = "registry.k8s.io/pause:3.10"\n',
    );
  });

  it('adds a section to an empty file and to one without a final newline', () => {
    expect(run('', toml.ensureTable(load('').root, ['a', 'b.c'], { x: 1 }))).toBe('[a."b.c"]\nx = 1\n');
    const t = 'version = 2';
    expect(run(t, toml.ensureTable(load(t).root, ['debug'], { level: 'info' }))).toBe('version = 2\n\n[debug]\nlevel = "info"');
  });

  it('follows a file that does not separate sections with blank lines', () => {
    const t = '[a]\nx = 1\n[b]\ny = 2\n';
    const { root } = load(t);
    expect(run(t, toml.ensureTable(root, ['a', 'sub'], { z: 3 }))).toBe('[a]\nx = 1\n[a.sub]\nz = 3\n[b]\ny = 2\n');
  });

  it('sets and inserts entries of an existing table, and leaves equal ones alone', () => {
    const { root } = load(V2);
    const path = ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options'];
    expect(run(V2, toml.ensureTable(root, path, { SystemdCgroup: true, BinaryName: 'runc' }))).toBe(
      V2.replace('SystemdCgroup = false\n', 'SystemdCgroup = true\n          BinaryName = "runc"\n'),
    );
    const same = toml.ensureTable(root, path, { SystemdCgroup: false });
    expect(same.edits).toEqual([]);
  });

  it('nests a new table inside an inline table as an inline value, and below a dotted-key table as dotted keys', () => {
    const t = 'a = { b = 1 }\n[c]\nd.e = 1\n';
    const { root } = load(t);
    expect(run(t, [toml.ensureTable(root, ['a', 'x', 'y'], { k: 'v' }), toml.ensureTable(root, ['c', 'd', 'f'], { g: 2 })])).toBe(
      'a = { b = 1, x = { y = { k = "v" } } }\n[c]\nd.e = 1\nd.f.g = 2\n',
    );
  });

  it('refuses a path through a value', () => {
    const { root } = load(V2);
    expect(() => toml.ensureTable(root, ['version', 'x'])).toThrow(/is a value/);
  });
});

describe('toml.removeEntry / removeTable', () => {
  it('removes the whole line with its trailing comment and keeps the comment above', () => {
    const t = '[a]\n  # about x\n  x = 1 # trailing\n  y = 2\n';
    const { at } = load(t);
    expect(run(t, toml.removeEntry(at<ScalarNode>('a', 'x')))).toBe('[a]\n  # about x\n  y = 2\n');
  });

  it('removes a multi-line array value entirely, and the last line of a file without a final newline', () => {
    const t = 'a = [\n  1,\n  2,\n]\nb = 1';
    const { at } = load(t);
    expect(run(t, toml.removeEntry(at<ArrayNode>('a')))).toBe('b = 1');
    expect(run(t, toml.removeEntry(at<ScalarNode>('b')))).toBe('a = [\n  1,\n  2,\n]\n');
  });

  it('removes a key-value of an inline table with its comma', () => {
    const t = 'a = { x = 1, y = 2, z = 3 }\n';
    const { at } = load(t);
    expect(run(t, toml.removeEntry(at<ScalarNode>('a', 'y')))).toBe('a = { x = 1, z = 3 }\n');
    expect(run(t, toml.removeEntry(at<ScalarNode>('a', 'z')))).toBe('a = { x = 1, y = 2 }\n');
    expect(run(t, toml.removeEntry(at<ScalarNode>('a', 'x')))).toBe('a = { y = 2, z = 3 }\n');
  });

  it('keeps CRLF line structure', () => {
    const t = 'x = 1\r\ny = 2\r\nz = 3\r\n';
    const { at } = load(t);
    expect(run(t, toml.removeEntry(at<ScalarNode>('y')))).toBe('x = 1\r\nz = 3\r\n');
  });

  it('removes a table section (sub-tables and comments above stay) without leaving a double blank line', () => {
    const t = '[a]\nx = 1\n\n# about b\n[b]\ny = 2\n\n[b.c]\nz = 3\n';
    const { at } = load(t);
    expect(run(t, toml.removeTable(at<MapNode>('b')))).toBe('[a]\nx = 1\n\n# about b\n\n[b.c]\nz = 3\n');
    const u = '[a]\nx = 1\n\n[b]\ny = 2\n\n[c]\n';
    expect(run(u, toml.removeTable(load(u).at<MapNode>('b')))).toBe('[a]\nx = 1\n\n[c]\n');
    expect(() => toml.removeEntry(at<MapNode>('b'))).toThrow(/removeTable/);
  });
});

describe('toml arrays', () => {
  const items = (t: string, i: number) => {
    const { at } = load(t);
    return run(t, toml.removeArrayItem(at<ArrayNode>('a'), i));
  };

  it('removes from a single-line array: first, middle, last, only', () => {
    const t = 'a = ["x", "y", "z"] # c\n';
    expect(items(t, 0)).toBe('a = ["y", "z"] # c\n');
    expect(items(t, 1)).toBe('a = ["x", "z"] # c\n');
    expect(items(t, 2)).toBe('a = ["x", "y"] # c\n');
    expect(items('a = ["x"]\n', 0)).toBe('a = []\n');
    expect(items('a = [1,2]\n', 1)).toBe('a = [1]\n');
  });

  it('keeps a trailing comma in a single-line array that has one', () => {
    expect(items('a = ["x", "y",]\n', 1)).toBe('a = ["x",]\n');
    expect(items('a = ["x",]\n', 0)).toBe('a = []\n');
  });

  it('removes the line of an item in a multi-line array, with its comment; no trailing comma appears or disappears', () => {
    const withTrailing = 'a = [\n  "x", # first\n  # about y\n  "y",\n  "z",\n]\n';
    expect(items(withTrailing, 0)).toBe('a = [\n  # about y\n  "y",\n  "z",\n]\n');
    expect(items(withTrailing, 2)).toBe('a = [\n  "x", # first\n  # about y\n  "y",\n]\n');
    const without = 'a = [\n  "x",\n  "y" # last\n]\n';
    expect(items(without, 1)).toBe('a = [\n  "x"\n]\n');
    expect(items(without, 0)).toBe('a = [\n  "y" # last\n]\n');
  });

  it('handles several items on a line inside a multi-line array', () => {
    const t = 'a = [\n  "x", "y",\n  "z",\n]\n';
    expect(items(t, 0)).toBe('a = [\n  "y",\n  "z",\n]\n');
    expect(items(t, 1)).toBe('a = [\n  "x",\n  "z",\n]\n');
  });

  it('appends in the array\'s layout and quoting', () => {
    const app = (t: string, v: string) => run(t, toml.appendArrayItem(load(t).at<ArrayNode>('a'), v));
    expect(app("a = ['x']\n", 'y')).toBe("a = ['x', 'y']\n");
    expect(app('a = []\n', 'y')).toBe('a = ["y"]\n');
    expect(app('a = [\n  "x",\n]\n', 'y')).toBe('a = [\n  "x",\n  "y",\n]\n');
    expect(app('a = [\n  "x" # c\n]\n', 'y')).toBe('a = [\n  "x", # c\n  "y"\n]\n');
    expect(app('a = ["x",]\n', 'y')).toBe('a = ["x", "y",]\n');
    expect(app('a = [\r\n  "x",\r\n]\r\n', 'y')).toBe('a = [\r\n  "x",\r\n  "y",\r\n]\r\n');
  });
});

describe('toml.renameTablePath', () => {
  const t = `version = 3

[plugins."io.containerd.grpc.v1.cri".containerd] # v2 layout
  default_runtime_name = "runc"

  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"
`;
  it('rewrites one header, keeping the spelling of unchanged segments', () => {
    const { at } = load(t);
    const c = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd');
    expect(run(t, toml.renameTablePath(c, ['plugins', 'io.containerd.cri.v1.runtime', 'containerd']))).toBe(
      t.replace('[plugins."io.containerd.grpc.v1.cri".containerd] # v2', '[plugins."io.containerd.cri.v1.runtime".containerd] # v2'),
    );
  });

  it('moves the sub-table headers too when asked, and two renames combine into one fix', () => {
    const { at } = load(t);
    const c = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd');
    const r = at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'registry');
    expect(
      run(t, [
        toml.renameTablePath(c, ['plugins', 'io.containerd.cri.v1.runtime', 'containerd'], { descendants: true }),
        toml.renameTablePath(r, ['plugins', 'io.containerd.cri.v1.images', 'registry']),
      ]),
    ).toBe(
      t
        .replace('[plugins."io.containerd.grpc.v1.cri".containerd] # v2', '[plugins."io.containerd.cri.v1.runtime".containerd] # v2')
        .replace('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]', '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]')
        .replace('[plugins."io.containerd.grpc.v1.cri".registry]', '[plugins."io.containerd.cri.v1.images".registry]'),
    );
  });

  it('refuses an implicit table and a target that exists', () => {
    const { at } = load(t);
    expect(() => toml.renameTablePath(at<MapNode>('plugins'), ['x'])).toThrow(/no header/);
    expect(() => toml.renameTablePath(at<MapNode>('plugins', 'io.containerd.grpc.v1.cri', 'containerd'), ['plugins', 'io.containerd.grpc.v1.cri', 'registry'])).toThrow(/exists/);
  });
});

describe('makeFix', () => {
  it('merges changes of one file and refuses overlapping edits', () => {
    const t = 'a = 1\nb = 2\n';
    const { at } = load(t);
    const fix = makeFix('safe', 'two', toml.setValue(at<ScalarNode>('a'), 3), toml.setValue(at<ScalarNode>('b'), 4));
    expect(fix.changes).toHaveLength(1);
    expect(applyEdits(t, fix.changes[0]!.edits)).toBe('a = 3\nb = 4\n');
    expect(() => makeFix('safe', 'clash', toml.setValue(at<ScalarNode>('a'), 3), toml.removeEntry(at<ScalarNode>('a')))).toThrow(/overlap/);
  });
});

describe('toml builders: more layouts', () => {
  it('ensureTable in a CRLF file writes CRLF lines', () => {
    const t = 'version = 2\r\n\r\n[grpc]\r\n  address = "/run/containerd/containerd.sock"\r\n';
    const { root } = load(t);
    expect(run(t, toml.ensureTable(root, ['grpc', 'tcp'], { port: 1 }))).toBe(t + '\r\n[grpc.tcp]\r\n  port = 1\r\n');
    expect(run(t, toml.ensureTable(root, ['debug'], { level: 'info' }))).toBe(t + '\r\n[debug]\r\n  level = "info"\r\n');
  });

  it('inserts into an element of an array of tables, and adds a sub-table to the last element', () => {
    const t = '[[proxy]]\nname = "a"\n\n[[proxy]]\nname = "b"\n';
    const { at, root } = load(t);
    expect(run(t, toml.insertKey(at<MapNode>('proxy', 0), 'type', 'snapshot'))).toBe('[[proxy]]\nname = "a"\ntype = "snapshot"\n\n[[proxy]]\nname = "b"\n');
    expect(run(t, toml.ensureTable(root, ['proxy', 'opts'], { x: 1 }))).toBe(t + '\n[proxy.opts]\nx = 1\n');
  });

  it('gives an implicit table a header lined up with the indented sub-table it precedes when the file has no clear unit', () => {
    const t = "version = 3\n\n[plugins]\n  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n    runtime_type = 'io.containerd.runc.v2'\n";
    const { at } = load(t);
    const c = at<MapNode>('plugins', 'io.containerd.cri.v1.runtime', 'containerd');
    expect(run(t, toml.insertKey(c, 'default_runtime_name', 'runc'))).toBe(
      "version = 3\n\n[plugins]\n  [plugins.'io.containerd.cri.v1.runtime'.containerd]\n    default_runtime_name = 'runc'\n  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n    runtime_type = 'io.containerd.runc.v2'\n",
    );
  });
});
