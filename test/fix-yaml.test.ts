import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { src } from './helpers/source.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { getPath, type MapNode, type ScalarNode } from '../src/model/tree.js';
import { applyEdits, makeFix } from '../src/fix/common.js';
import * as yaml from '../src/fix/yaml.js';
import type { FileChange } from '../src/core/types.js';

function yamlParse1(t: string, o: { version: '1.1' }): unknown {
  return (parseAllDocuments(t, o) as { toJS(): unknown }[])[0]!.toJS();
}

function load(text: string, path = '/virtual/var/lib/kubelet/config.yaml') {
  const file = src(text, 'kubelet', path);
  const doc = parseYamlSource(file, { version: '1.1' });
  const root = doc.roots[0] as MapNode;
  if (doc.findings.length || !root) throw new Error(doc.findings.map((f) => f.message).join('; '));
  const at = <T>(...p: (string | number)[]) => getPath(root, p) as T;
  return { file, root, at };
}

/** Apply and check the output still parses (JSON files with JSON.parse). */
function run(text: string, c: FileChange | FileChange[], json = false): string {
  const fix = makeFix('safe', 'test', ...(Array.isArray(c) ? c : [c]));
  let out = text;
  for (const ch of fix.changes) out = applyEdits(out, ch.edits);
  if (json) JSON.parse(out);
  else for (const d of parseAllDocuments(out, { version: '1.1' }) as { errors: Error[] }[]) if (d.errors.length) throw d.errors[0];
  return out;
}

const KUBELET = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# driver must match containerd
cgroupDriver: cgroupfs # was systemd
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
clusterDNS:
- 10.96.0.10
evictionHard:
  memory.available: "100Mi"
  nodefs.available: '10%'
`;

describe('yaml.setValue', () => {
  it('replaces a plain value and keeps the comment', () => {
    const { at } = load(KUBELET);
    expect(run(KUBELET, yaml.setValue(at<ScalarNode>('cgroupDriver'), 'systemd'))).toBe(KUBELET.replace('cgroupDriver: cgroupfs #', 'cgroupDriver: systemd #'));
  });

  it('keeps double and single quotes', () => {
    const { at } = load(KUBELET);
    expect(
      run(KUBELET, [yaml.setValue(at<ScalarNode>('evictionHard', 'memory.available'), '200Mi'), yaml.setValue(at<ScalarNode>('evictionHard', 'nodefs.available'), "5%'s")]),
    ).toBe(KUBELET.replace('"100Mi"', '"200Mi"').replace("'10%'", "'5%''s'"));
  });

  it('quotes a plain value when the new one would read as something else (YAML 1.1)', () => {
    const t = 'a: x\nb: x\nc: x\nd: x\ne: x\nf: x\ng: x\nh: x\n';
    const { at } = load(t);
    const vals: [string, string][] = [
      ['a', 'yes'],
      ['b', 'on'],
      ['c', '1.10'],
      ['d', 'a: b'],
      ['e', 'x #y'],
      ['f', '0x1F'],
      ['g', ''],
      ['h', '2024-01-02'],
    ];
    expect(run(t, vals.map(([k, v]) => yaml.setValue(at<ScalarNode>(k), v)))).toBe(
      'a: "yes"\nb: "on"\nc: "1.10"\nd: "a: b"\ne: "x #y"\nf: "0x1F"\ng: ""\nh: "2024-01-02"\n',
    );
    const back = yamlParse1(run(t, vals.map(([k, v]) => yaml.setValue(at<ScalarNode>(k), v))), { version: '1.1' }) as Record<string, unknown>;
    expect(Object.values(back)).toEqual(vals.map(([, v]) => v));
  });

  it('prefers the file\'s single quotes when it uses them more', () => {
    const t = "a: 'x'\nb: 'y'\nc: plain\n";
    const { at } = load(t);
    expect(run(t, yaml.setValue(at<ScalarNode>('c'), 'true'))).toBe("a: 'x'\nb: 'y'\nc: 'true'\n");
  });

  it('writes numbers and booleans plain, and fills an empty value', () => {
    const t = 'a: "5"\nb: true\nc:\nd: ~\n';
    const { at } = load(t);
    expect(run(t, [yaml.setValue(at<ScalarNode>('a'), 6), yaml.setValue(at<ScalarNode>('b'), false), yaml.setValue(at<ScalarNode>('c'), 'x'), yaml.setValue(at<ScalarNode>('d'), 1)])).toBe(
      'a: 6\nb: false\nc: x\nd: 1\n',
    );
  });

  it('quotes flow indicators inside a flow collection', () => {
    const t = 'a: [x, y]\n';
    const { at } = load(t);
    expect(run(t, yaml.setValue(at<ScalarNode>('a', 1), 'p,q'))).toBe('a: [x, "p,q"]\n');
  });

  it('replaces a block scalar keeping the line break after it', () => {
    const t = 'a: |\n  old\nb: 1\n';
    const { at } = load(t);
    expect(run(t, yaml.setValue(at<ScalarNode>('a'), 'new'))).toBe('a: new\nb: 1\n');
  });

  it('writes JSON strings in a JSON file', () => {
    const t = '{\n  "kind": "KubeletConfiguration",\n  "cgroupDriver": "cgroupfs",\n  "maxPods": 110\n}\n';
    const { at } = load(t, '/virtual/etc/kubernetes/kubelet/config.json');
    expect(run(t, [yaml.setValue(at<ScalarNode>('cgroupDriver'), 'systemd'), yaml.setValue(at<ScalarNode>('maxPods'), 250)], true)).toBe(
      t.replace('"cgroupfs"', '"systemd"').replace('110', '250'),
    );
  });
});

describe('yaml.insertKey', () => {
  it('inserts after the last entry of the root, at column 0', () => {
    const { root } = load(KUBELET);
    expect(run(KUBELET, yaml.insertKey(root, 'containerRuntimeEndpoint', 'unix:///run/containerd/containerd.sock'))).toBe(
      KUBELET + 'containerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n',
    );
  });

  it('inserts into a nested map at its indentation, after a named sibling', () => {
    const { at } = load(KUBELET);
    expect(run(KUBELET, yaml.insertKey(at<MapNode>('authentication'), 'x509', { clientCAFile: '/etc/kubernetes/pki/ca.crt' }, { after: 'anonymous' }))).toBe(
      KUBELET.replace('    enabled: false\n', '    enabled: false\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n'),
    );
  });

  it('writes sequences in the file\'s style (kubeadm: dash at the key\'s column) and quotes as needed', () => {
    const { root } = load(KUBELET);
    expect(run(KUBELET, yaml.insertKey(root, 'tlsCipherSuites', ['TLS_AES_128_GCM_SHA256', 'yes']))).toBe(
      KUBELET + 'tlsCipherSuites:\n- TLS_AES_128_GCM_SHA256\n- "yes"\n',
    );
    const t = 'a:\n  - x\nb: 1\n';
    expect(run(t, yaml.insertKey(load(t).root, 'c', ['w', 'y']))).toBe('a:\n  - x\nb: 1\nc:\n  - w\n  - "y"\n');
  });

  it('inserts after a last value that is a block scalar or a nested map, and into a file without a final newline', () => {
    const t = 'a: |\n  text\n';
    expect(run(t, yaml.insertKey(load(t).root, 'b', 1))).toBe('a: |\n  text\nb: 1\n');
    const n = 'a:\n  b: 1 # c\nz: 0';
    const { at, root } = load(n);
    expect(run(n, yaml.insertKey(at<MapNode>('a'), 'c', 2))).toBe('a:\n  b: 1 # c\n  c: 2\nz: 0');
    expect(run(n, yaml.insertKey(root, 'w', 'v'))).toBe('a:\n  b: 1 # c\nz: 0\nw: v');
  });

  it('keeps CRLF', () => {
    const t = 'a: 1\r\nb:\r\n  c: 2\r\n';
    const { at } = load(t);
    expect(run(t, yaml.insertKey(at<MapNode>('b'), 'd', 3))).toBe('a: 1\r\nb:\r\n  c: 2\r\n  d: 3\r\n');
  });

  it('adds to a flow map, single-line and multi-line, and to an empty one (`y` is a YAML 1.1 boolean, even as a key)', () => {
    const t = 'a: {x: 1}\nb: {}\nc: {\n  p: 1,\n  q: 2\n}\n';
    const { at } = load(t);
    expect(run(t, [yaml.insertKey(at<MapNode>('a'), 'y', 'on'), yaml.insertKey(at<MapNode>('b'), 'k', [1, 2]), yaml.insertKey(at<MapNode>('c'), 'r', 3)])).toBe(
      'a: {x: 1, "y": "on"}\nb: {k: [1, 2]}\nc: {\n  p: 1,\n  q: 2,\n  r: 3\n}\n',
    );
  });

  it('produces valid JSON in a JSON KubeletConfiguration (commas, siblings\' indentation, double quotes)', () => {
    const t = '{\n    "kind": "KubeletConfiguration",\n    "evictionHard": {"memory.available": "100Mi"}\n}';
    const { root, at } = load(t, '/virtual/etc/kubernetes/kubelet/config.json');
    expect(run(t, [yaml.insertKey(root, 'cgroupDriver', 'systemd'), yaml.insertKey(at<MapNode>('evictionHard'), 'nodefs.available', '10%')], true)).toBe(
      '{\n    "kind": "KubeletConfiguration",\n    "evictionHard": {"memory.available": "100Mi", "nodefs.available": "10%"},\n    "cgroupDriver": "systemd"\n}',
    );
    expect(run(t, yaml.insertKey(root, 'featureGates', { KubeletCgroupDriverFromCRI: true }, { after: 'kind' }), true)).toBe(
      '{\n    "kind": "KubeletConfiguration",\n    "featureGates": {"KubeletCgroupDriverFromCRI": true},\n    "evictionHard": {"memory.available": "100Mi"}\n}',
    );
    const e = '{}\n';
    expect(run(e, yaml.insertKey(load(e, '/virtual/c.json').root, 'a', 1), true)).toBe('{"a": 1}\n');
  });

  it('refuses a key that exists', () => {
    const { root } = load(KUBELET);
    expect(() => yaml.insertKey(root, 'kind', 'x')).toThrow(/already exists/);
  });
});

describe('yaml.ensureMapping', () => {
  it('creates nested mappings under the deepest existing one', () => {
    const { root } = load(KUBELET);
    expect(run(KUBELET, yaml.ensureMapping(root, ['authentication', 'x509'], { clientCAFile: '/etc/kubernetes/pki/ca.crt' }))).toBe(
      KUBELET.replace('    cacheTTL: 0s\n', '    cacheTTL: 0s\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n'),
    );
    expect(run(KUBELET, yaml.ensureMapping(root, ['logging', 'options', 'json'], { infoBufferSize: '0' }))).toBe(
      KUBELET + 'logging:\n  options:\n    json:\n      infoBufferSize: "0"\n',
    );
  });

  it('sets differing values and inserts missing ones in an existing mapping', () => {
    const { root } = load(KUBELET);
    expect(run(KUBELET, yaml.ensureMapping(root, ['authentication', 'anonymous'], { enabled: false }))).toBe(KUBELET);
    expect(run(KUBELET, yaml.ensureMapping(root, ['authentication', 'webhook'], { enabled: true, cacheTTL: '2m0s' }))).toBe(
      KUBELET.replace('    cacheTTL: 0s\n', '    cacheTTL: 2m0s\n    enabled: true\n'),
    );
  });

  it('replaces an empty value with the mapping', () => {
    const t = 'authentication:\nkind: X\n';
    const { root } = load(t);
    expect(run(t, yaml.ensureMapping(root, ['authentication', 'anonymous'], { enabled: false }))).toBe('authentication:\n  anonymous:\n    enabled: false\nkind: X\n');
  });
});

describe('yaml.removeEntry / renameKey', () => {
  it('removes an entry line with its comment, keeping the comment above', () => {
    const { at } = load(KUBELET);
    expect(run(KUBELET, yaml.removeEntry(at<ScalarNode>('cgroupDriver')))).toBe(KUBELET.replace('cgroupDriver: cgroupfs # was systemd\n', ''));
  });

  it('removes a nested block with all its lines', () => {
    const { at } = load(KUBELET);
    expect(run(KUBELET, yaml.removeEntry(at<MapNode>('authentication')))).toBe(KUBELET.replace(/authentication:\n(  .*\n)+/, ''));
    expect(run(KUBELET, yaml.removeEntry(at<MapNode>('clusterDNS')))).toBe(KUBELET.replace('clusterDNS:\n- 10.96.0.10\n', ''));
  });

  it('leaves an empty mapping, not a null, when the only entry goes', () => {
    const { at } = load(KUBELET);
    expect(run(KUBELET, yaml.removeEntry(at<ScalarNode>('authentication', 'anonymous', 'enabled')))).toBe(KUBELET.replace('  anonymous:\n    enabled: false\n', '  anonymous: {}\n'));
  });

  it('removes from flow maps and JSON objects keeping them valid', () => {
    const t = '{\n  "a": 1,\n  "b": {"x": 1, "y": 2},\n  "c": 3\n}\n';
    const { at } = load(t, '/virtual/c.json');
    expect(run(t, yaml.removeEntry(at<ScalarNode>('c')), true)).toBe('{\n  "a": 1,\n  "b": {"x": 1, "y": 2}\n}\n');
    expect(run(t, yaml.removeEntry(at<ScalarNode>('a')), true)).toBe('{\n  "b": {"x": 1, "y": 2},\n  "c": 3\n}\n');
    expect(run(t, yaml.removeEntry(at<ScalarNode>('b', 'y')), true)).toBe('{\n  "a": 1,\n  "b": {"x": 1},\n  "c": 3\n}\n');
  });

  it('removes the first key of a mapping inside a sequence item', () => {
    const t = 'l:\n- a: 1\n  b: 2\n';
    const { at } = load(t);
    expect(run(t, yaml.removeEntry(at<ScalarNode>('l', 0, 'a')))).toBe('l:\n- b: 2\n');
    const only = 'l:\n- a:\n    x: 1\n- c: 3\n';
    expect(run(only, yaml.removeEntry(load(only).at<MapNode>('l', 0, 'a')))).toBe('l:\n- {}\n- c: 3\n');
  });

  it('renames keys keeping their quoting', () => {
    const t = 'cgroupdriver: systemd\n"maxpods": 10\n';
    const { at } = load(t);
    expect(run(t, [yaml.renameKey(at<ScalarNode>('cgroupdriver'), 'cgroupDriver'), yaml.renameKey(at<ScalarNode>('maxpods'), 'maxPods')])).toBe('cgroupDriver: systemd\n"maxPods": 10\n');
    expect(() => yaml.renameKey(at<ScalarNode>('cgroupdriver'), 'maxpods')).toThrow(/exists/);
  });
});

describe('yaml builders: more layouts', () => {
  it('ensureMapping in a CRLF file and in a JSON file', () => {
    const t = 'kind: KubeletConfiguration\r\nauthentication:\r\n  anonymous:\r\n    enabled: true\r\n';
    expect(run(t, yaml.ensureMapping(load(t).root, ['authentication', 'webhook'], { enabled: true }))).toBe(t + '  webhook:\r\n    enabled: true\r\n');
    const j = '{\n  "kind": "KubeletConfiguration",\n  "authentication": {\n    "anonymous": {\n      "enabled": true\n    }\n  }\n}\n';
    const { root } = load(j, '/virtual/config.json');
    expect(run(j, yaml.ensureMapping(root, ['authentication', 'x509'], { clientCAFile: '/etc/kubernetes/pki/ca.crt' }), true)).toBe(
      '{\n  "kind": "KubeletConfiguration",\n  "authentication": {\n    "anonymous": {\n      "enabled": true\n    },\n    "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}\n  }\n}\n',
    );
    expect(run(j, yaml.ensureMapping(root, ['authentication', 'anonymous'], { enabled: false }), true)).toBe(j.replace('"enabled": true', '"enabled": false'));
  });

  it('inserts into a mapping that is a sequence item, at its keys\' column', () => {
    const t = 'items:\n- name: a\n  value: 1\n';
    const { at } = load(t);
    expect(run(t, yaml.insertKey(at<MapNode>('items', 0), 'extra', true))).toBe('items:\n- name: a\n  value: 1\n  extra: true\n');
  });

  it('works on the second document of a multi-document file', () => {
    const t = 'kind: InitConfiguration\n---\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\n';
    const file = src(t, 'kubelet');
    const doc = parseYamlSource(file, { version: '1.1' });
    const second = doc.roots[1] as MapNode;
    expect(run(t, [yaml.setValue(getPath(second, ['cgroupDriver']) as ScalarNode, 'systemd'), yaml.insertKey(second, 'failSwapOn', false)])).toBe(
      'kind: InitConfiguration\n---\nkind: KubeletConfiguration\ncgroupDriver: systemd\nfailSwapOn: false\n',
    );
  });
});
