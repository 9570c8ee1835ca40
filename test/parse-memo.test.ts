import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../src/core/source.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { getPath, walk, type MapNode, type VNode } from '../src/model/tree.js';
import { src } from './helpers/source.js';

function files(root: VNode): Set<SourceFile> {
  const seen = new Set<SourceFile>();
  walk(root, (n) => seen.add(n.file));
  return seen;
}

describe('parse memo (same text, one parse per process)', () => {
  const TOML = 'version = 2\nbig = 99999999999999999999\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10" # pinned\n';

  it('binds the tree and the findings of a second file with the same text to that file', () => {
    const a = src(TOML, 'containerd', '/nodes/a/etc/containerd/config.toml');
    const b = src(TOML, 'containerd', '/nodes/b/etc/containerd/config.toml');
    const da = parseTomlSource(a);
    const db = parseTomlSource(b);
    // Parsed once: the parser's syntax tree is the same object.
    expect(db.ast).toBe(da.ast);
    expect([...files(da.root!)]).toEqual([a]);
    expect([...files(db.root!)]).toEqual([b]);
    expect(db.findings).toEqual([{ ...da.findings[0], file: b }]);
    expect(db.findings[0]).toMatchObject({ rule: 'syntax', message: 'invalid TOML: integer 99999999999999999999 does not fit in 64 bits', range: { start: { line: 2, column: 7 } } });
    const image = getPath(db.root!, ['plugins', 'io.containerd.grpc.v1.cri', 'sandbox_image'])!;
    expect(image).toMatchObject({ value: 'registry.k8s.io/pause:3.10', file: b, range: { start: { line: 4, column: 19, offset: 95 } } });
    expect(db.comments).toEqual(da.comments);
  });

  it('gives every caller its own tree: changing one changes no other', () => {
    const a = src(TOML, 'containerd', '/nodes/c/config.toml');
    const first = parseTomlSource(a);
    first.root!.entries.shift();
    (getPath(first.root!, ['plugins', 'io.containerd.grpc.v1.cri']) as MapNode).entries.length = 0;
    const again = parseTomlSource(a);
    expect(again.root!.entries.map((e) => e.key)).toEqual(['version', 'big', 'plugins']);
    expect((getPath(again.root!, ['plugins', 'io.containerd.grpc.v1.cri']) as MapNode).entries.map((e) => e.key)).toEqual(['sandbox_image']);
  });

  it('keeps the YAML versions apart: `yes` is a boolean for the kubelet (1.1), a string in YAML 1.2', () => {
    const text = 'failSwapOn: yes\n';
    const v11 = parseYamlSource(src(text, 'kubelet'), { version: '1.1' });
    const v12 = parseYamlSource(src(text, 'crictl'), { version: '1.2' });
    expect(getPath(v11.roots[0]!, ['failSwapOn'])).toMatchObject({ type: 'boolean', value: true });
    expect(getPath(v12.roots[0]!, ['failSwapOn'])).toMatchObject({ type: 'string', value: 'yes' });
  });

  it('binds the entries a YAML merge key folds in to the second file too', () => {
    const text = 'base: &b\n  x: 1\nmerged:\n  <<: *b\n  z: 2\n';
    parseYamlSource(src(text, 'kubelet', '/n/1'), { version: '1.1' });
    const two = src(text, 'kubelet', '/n/2');
    const root = parseYamlSource(two, { version: '1.1' }).roots[0]!;
    expect((getPath(root, ['merged']) as MapNode).entries.map((e) => e.key)).toEqual(['x', 'z']);
    expect(getPath(root, ['merged', 'x'])).toMatchObject({ value: 1, file: two, range: { start: { line: 2, column: 6 } } });
    expect([...files(root)]).toEqual([two]);
  });

  it('binds a YAML syntax finding to each file with the broken text', () => {
    const text = 'a: [1, 2\n';
    const one = src(text, 'crictl', '/n/1/etc/crictl.yaml');
    const two = src(text, 'crictl', '/n/2/etc/crictl.yaml');
    const f1 = parseYamlSource(one).findings;
    const f2 = parseYamlSource(two).findings;
    expect(f1.length).toBeGreaterThan(0);
    expect(f2).toEqual(f1.map((f) => ({ ...f, file: two })));
    expect(f2.every((f) => f.file === two)).toBe(true);
  });

  it('does not keep a file over 64 Ki characters: it parses afresh each time', () => {
    const text = `x = "${'a'.repeat(70_000)}"\n`;
    const a = parseTomlSource(src(text, 'containerd', '/n/big1'));
    const b = parseTomlSource(src(text, 'containerd', '/n/big2'));
    expect(b.ast).not.toBe(a.ast);
    expect(getPath(b.root!, ['x'])).toMatchObject({ type: 'string' });
  });
});
