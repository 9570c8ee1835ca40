import { describe, expect, it } from 'vitest';
import { posAt, rangeOf, lineText, offsetAt } from '../src/core/source.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { getPath, toJS, type ScalarNode, type MapNode } from '../src/model/tree.js';
import { src } from './helpers/source.js';

describe('source positions', () => {
  it('maps offsets to 1-based lines and columns, with CRLF and BOM', () => {
    const s = src('\ufeffa = 1\r\nbb = 2\r\n');
    expect(s.bom).toBe(true);
    expect(s.eol).toBe('\r\n');
    expect(posAt(s, 0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(posAt(s, 7)).toEqual({ line: 2, column: 1, offset: 7 });
    expect(lineText(s, 2)).toBe('bb = 2');
    expect(offsetAt(s, 2, 3)).toBe(9);
    expect(rangeOf(s, 7, 9).end).toEqual({ line: 2, column: 3, offset: 9 });
  });
});

describe('TOML tree', () => {
  it('gives every value its range, and tables their header', () => {
    const s = src('version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true # driver\n', 'containerd');
    const doc = parseTomlSource(s);
    expect(doc.findings).toEqual([]);
    const v = getPath(doc.root!, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options', 'SystemdCgroup']) as ScalarNode;
    expect(v.value).toBe(true);
    expect(v.range.start).toEqual({ line: 4, column: 19, offset: 102 });
    expect(v.keyRange!.start).toMatchObject({ line: 4, column: 3 });
    const opts = getPath(doc.root!, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options']) as MapNode;
    expect(opts.implicit).toBeFalsy();
    expect(opts.range.start.line).toBe(3);
    expect(getPath(doc.root!, ['plugins']) as MapNode).toMatchObject({ implicit: true });
    expect(doc.comments.map((c) => [c.line, c.text, c.ownLine])).toEqual([[4, ' driver', false]]);
  });

  it('turns a duplicate table into a syntax finding at its position', () => {
    const doc = parseTomlSource(src('[a]\nx = 1\n[a]\n', 'containerd'));
    expect(doc.root).toBeNull();
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({ rule: 'syntax', severity: 'error', range: { start: { line: 3, column: 2 } } });
    expect(doc.findings[0]!.message).toBe('invalid TOML: Defining a key multiple times is invalid');
  });

  it('reads arrays of tables and dotted keys', () => {
    const doc = parseTomlSource(src('[[a]]\nn = 1\n[[a]]\nn = 2\n[a.sub]\nq.r = "x"\n'));
    expect(toJS(doc.root!)).toEqual({ a: [{ n: 1 }, { n: 2, sub: { q: { r: 'x' } } }] });
  });
});

describe('YAML tree', () => {
  it('reads YAML 1.1 booleans the way the kubelet does', () => {
    const s = src('failSwapOn: yes\nport: 10250\n', 'kubelet');
    const doc = parseYamlSource(s, { version: '1.1' });
    const root = doc.roots[0]!;
    expect(toJS(root)).toEqual({ failSwapOn: true, port: 10250 });
    expect((getPath(root, ['failSwapOn']) as ScalarNode).range.start).toEqual({ line: 1, column: 13, offset: 12 });
    const d12 = parseYamlSource(s, { version: '1.2' });
    expect(toJS(d12.roots[0]!)).toEqual({ failSwapOn: 'yes', port: 10250 });
  });

  it('folds a `<<` merge key in under YAML 1.1 (the kubelet) and 1.2 alike; later keys win', () => {
    const text = '.common: &c\n  cgroupDriver: systemd\n  failSwapOn: true\n<<: *c\nfailSwapOn: false\n';
    for (const version of ['1.1', '1.2'] as const) {
      const root = parseYamlSource(src(text, 'kubelet'), { version }).roots[0]!;
      expect((root as MapNode).entries.map((e) => e.key)).toEqual(['failSwapOn', 'cgroupDriver', '.common', 'failSwapOn']);
      expect(toJS(root)).toEqual({ '.common': { cgroupDriver: 'systemd', failSwapOn: true }, cgroupDriver: 'systemd', failSwapOn: false });
      expect((getPath(root, ['cgroupDriver']) as ScalarNode).range.start).toEqual({ line: 2, column: 17, offset: 28 });
    }
  });

  it('refuses an alias bomb with a syntax finding instead of hanging', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill('*' + String.fromCharCode(97 + i)).join(', ')}]`);
    const doc = parseYamlSource(src(bomb.join('\n') + '\n'));
    expect(doc.roots).toEqual([null]);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]!.message).toBe('YAML document expands to more than 100000 values (alias expansion); refusing to read it');
  });

  it('reports invalid YAML with a position', () => {
    const doc = parseYamlSource(src('a: 1\n  b: 2\n'));
    expect(doc.findings[0]).toMatchObject({ rule: 'syntax', range: { start: { line: 1, column: 4 } } });
  });
});
