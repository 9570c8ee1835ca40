/**
 * Differential tests of the edit builders on real files (fixtures/fix/corpus): every value is
 * set, every table gets a key, every entry is removed and renamed, every array loses and gains
 * an item, one edit at a time. The edited text must parse with an independent parser
 * (smol-toml, JSON.parse, yaml) to exactly the original data with that one change, so no edit
 * ever damages anything else in the file.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as smolParse } from 'smol-toml';
import { parseAllDocuments } from 'yaml';
import type { AST } from 'toml-eslint-parser';
import { makeSource } from '../src/core/source.js';
import type { FileChange } from '../src/core/types.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { walk, type MapNode, type Path, type VNode } from '../src/model/tree.js';
import { applyEdits } from '../src/fix/common.js';
import * as toml from '../src/fix/toml.js';
import * as yaml from '../src/fix/yaml.js';

const DIR = resolve(import.meta.dirname, '../fixtures/fix/corpus');
type Data = unknown;

function at(data: Data, path: Path): Record<string | number, Data> {
  let cur = data as Record<string | number, Data>;
  for (const seg of path) cur = cur[seg] as Record<string | number, Data>;
  return cur;
}
function setIn(data: Data, path: Path, v: Data): Data {
  const out = structuredClone(data);
  at(out, path.slice(0, -1))[path[path.length - 1]!] = v;
  return out;
}
function deleteIn(data: Data, path: Path): Data {
  const out = structuredClone(data);
  const parent = at(out, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return out;
}
function renameIn(data: Data, path: Path, name: string): Data {
  const out = structuredClone(data);
  const parent = at(out, path.slice(0, -1));
  const last = path[path.length - 1]!;
  parent[name] = parent[last];
  delete parent[last];
  return out;
}

function apply(text: string, c: FileChange): string {
  return applyEdits(text, c.edits);
}

/** A different value of the same type (strings get a quote and a space, to exercise quoting). */
function changed(n: VNode): string | number | boolean | null {
  if (n.kind !== 'scalar') return null;
  if (typeof n.value === 'string') return `${n.value}-it's 2`;
  if (typeof n.value === 'boolean') return !n.value;
  if (typeof n.value === 'number') return n.type === 'float' ? n.value + 0.5 : n.value + 1;
  return null;
}

const onlyStrings = (p: Path) => p.every((s) => typeof s === 'string');

function tomlFile(name: string) {
  const text = readFileSync(join(DIR, name), 'utf8');
  const file = makeSource({ path: `/node/etc/containerd/${name}`, display: name, kind: 'containerd' }, text);
  const doc = parseTomlSource(file);
  expect(doc.findings).toEqual([]);
  const nodes: VNode[] = [];
  walk(doc.root!, (n) => nodes.push(n));
  return { text, root: doc.root!, nodes, base: smolParse(text) as Data };
}

const TOML_FILES = ['containerd-1.7-config-default-migration-testdata-v2.toml', 'eks-ami-nodeadm-e2e-expected-v3-full-dump-containerd2.0.toml', 'kind-base-image-config-v2.toml'];

describe.each(TOML_FILES)('TOML builders on %s', (name) => {
  const { text, root, nodes, base } = tomlFile(name);
  const check = (what: string, make: () => FileChange, want: Data, failures: string[]) => {
    let out = '';
    try {
      out = apply(text, make());
      const got = smolParse(out);
      expect(got).toEqual(want);
      const again = parseTomlSource(makeSource({ path: '/x', kind: 'containerd' }, out));
      expect(again.findings).toEqual([]);
    } catch (e) {
      failures.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  const kvValue = (n: VNode) => (n.syntax as AST.TOMLNode | undefined)?.parent?.type === 'TOMLKeyValue';

  it('setValue on every scalar', () => {
    const failures: string[] = [];
    let count = 0;
    for (const n of nodes) {
      const v = changed(n);
      if (v === null) continue;
      count++;
      check(`set ${n.path.join('.')}`, () => toml.setValue(n, v), setIn(base, n.path, v), failures);
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(10);
  });

  it('insertKey into every table (explicit, implicit, inline, root, array of tables)', () => {
    const failures: string[] = [];
    for (const n of nodes) {
      if (n.kind !== 'map') continue;
      check(`insert into ${n.path.join('.')}`, () => toml.insertKey(n, 'crilint_probe', 'v'), setIn(base, [...n.path, 'crilint_probe'], 'v'), failures);
    }
    expect(failures).toEqual([]);
  });

  it('ensureTable below every table', () => {
    const failures: string[] = [];
    for (const n of nodes) {
      if (n.kind !== 'map' || !onlyStrings(n.path)) continue;
      const path = [...(n.path as string[]), 'crilint_new', 'sub.x'];
      check(`ensure ${path.join('.')}`, () => toml.ensureTable(root, path, { k: 1, t: { u: true } }), setIn(base, [...n.path, 'crilint_new'], { 'sub.x': { k: 1, t: { u: true } } }), failures);
    }
    expect(failures).toEqual([]);
  });

  it('removeEntry on every key-value (not dotted), setKey on every key and table', () => {
    const failures: string[] = [];
    for (const n of nodes) {
      const syn = n.syntax as AST.TOMLNode | undefined;
      if (kvValue(n) && (syn!.parent as AST.TOMLKeyValue).key.keys.length === 1) check(`remove ${n.path.join('.')}`, () => toml.removeEntry(n), deleteIn(base, n.path), failures);
      const last = n.path[n.path.length - 1];
      if (typeof last === 'string' && (kvValue(n) || (n.kind === 'map' && onlyStrings(n.path)))) {
        check(`rename ${n.path.join('.')}`, () => toml.setKey(n, `${last}_renamed`), renameIn(base, n.path, `${last}_renamed`), failures);
      }
    }
    expect(failures).toEqual([]);
  });

  it('removeArrayItem and appendArrayItem on every array', () => {
    const failures: string[] = [];
    for (const n of nodes) {
      if (n.kind !== 'array' || (n.syntax as AST.TOMLNode | undefined)?.type !== 'TOMLArray') continue;
      n.items.forEach((_it, i) => check(`remove ${n.path.join('.')}[${i}]`, () => toml.removeArrayItem(n, i), deleteIn(base, [...n.path, i]), failures));
      const arr = at(base, n.path) as unknown as Data[];
      const item = typeof arr[0] === 'number' ? 7 : 'new item';
      check(`append ${n.path.join('.')}`, () => toml.appendArrayItem(n, item), setIn(base, n.path, [...arr, item]), failures);
    }
    expect(failures).toEqual([]);
  });
});

describe('renaming the misspelled kind key (a "did you mean" fix on a real file)', () => {
  it('changes only the key', () => {
    const { text, nodes } = tomlFile('kind-base-image-config-v2.toml');
    const n = nodes.find((x) => x.path.join('.') === 'plugins.io.containerd.grpc.v1.cri.tolerate_missing_hugepages_controller')!;
    expect(apply(text, toml.setKey(n, 'tolerate_missing_hugetlb_controller'))).toBe(
      text.replace('  tolerate_missing_hugepages_controller = true', '  tolerate_missing_hugetlb_controller = true'),
    );
  });
});

const YAML_FILES = ['eks-nodeadm-al2023-expected-kubelet-config.json', 'kubeadm-testdata-defaulting-controlplane-defaulted.yaml'];

describe.each(YAML_FILES)('YAML builders on %s', (name) => {
  const text = readFileSync(join(DIR, name), 'utf8');
  const json = name.endsWith('.json');
  const file = makeSource({ path: `/node/var/lib/kubelet/${name}`, display: name, kind: 'kubelet' }, text);
  const doc = parseYamlSource(file, { version: '1.1' });
  expect(doc.findings).toEqual([]);
  const parseAll = (t: string): Data[] => (json ? [JSON.parse(t)] : parseAllDocuments(t, { version: '1.1' }).map((d) => {
    if ((d as { errors: unknown[] }).errors.length) throw new Error(String((d as { errors: unknown[] }).errors[0]));
    return (d as { toJS(): Data }).toJS();
  }));
  const base = parseAll(text);
  const docs = doc.roots.map((r, i) => {
    const nodes: VNode[] = [];
    if (r) walk(r, (n) => nodes.push(n));
    return { i, root: r as MapNode, nodes };
  });
  const check = (what: string, d: number, make: () => FileChange, want: Data, failures: string[]) => {
    try {
      const got = parseAll(apply(text, make()));
      const expected = [...base];
      expected[d] = want;
      expect(got).toEqual(expected);
    } catch (e) {
      failures.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
    }
  };

  it('setValue on every scalar, insertKey into every mapping, removeEntry and renameKey on every entry', () => {
    const failures: string[] = [];
    let count = 0;
    for (const { i, nodes, root } of docs) {
      for (const n of nodes) {
        const p = n.path.join('.');
        const v = changed(n);
        if (n.kind === 'scalar' && v !== null) {
          count++;
          check(`set ${p}`, i, () => yaml.setValue(n, v), setIn(base[i], n.path, v), failures);
          if (typeof v === 'string') for (const tricky of ['yes', '1.10', 'a: b', '']) check(`set ${p} to ${tricky}`, i, () => yaml.setValue(n, tricky), setIn(base[i], n.path, tricky), failures);
        }
        if (n.kind === 'map') {
          check(`insert into ${p}`, i, () => yaml.insertKey(n, 'crilintProbe', { on: ['yes', 2] }), setIn(base[i], [...n.path, 'crilintProbe'], { on: ['yes', 2] }), failures);
          if (onlyStrings(n.path)) {
            check(`ensure below ${p}`, i, () => yaml.ensureMapping(root, [...(n.path as string[]), 'crilintNew', 'sub'], { k: 'v' }), setIn(base[i], [...n.path, 'crilintNew'], { sub: { k: 'v' } }), failures);
          }
        }
        const last = n.path[n.path.length - 1];
        if (typeof last === 'string') {
          const parent = at(base[i], n.path.slice(0, -1));
          const emptied = Object.keys(parent).length === 1 && n.path.length > 1;
          const want = emptied ? setIn(base[i], n.path.slice(0, -1), {}) : deleteIn(base[i], n.path);
          check(`remove ${p}`, i, () => yaml.removeEntry(n), want, failures);
          check(`rename ${p}`, i, () => yaml.renameKey(n, `${last}Renamed`), renameIn(base[i], n.path, `${last}Renamed`), failures);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(10);
  });
});
