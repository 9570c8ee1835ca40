/**
 * YAML (and JSON, which is YAML) text -> positioned value trees, one per document.
 * The kubelet decodes through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1: `yes`/`on` are booleans),
 * so callers choose the schema. Aliases are expanded with a budget, so an alias bomb is a
 * `syntax` finding and not a hang.
 */
import { parseAllDocuments, isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Node as YNode, type Document } from 'yaml';
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Finding } from '../core/types.js';
import { rebindTree, type MapNode, type Path, type ScalarNode, type ScalarType, type VNode } from '../model/tree.js';
import { memoParse, rebindFindings } from './memo.js';
import { syntaxFinding, type Comment } from './common.js';

export interface YamlDoc {
  /** One root per YAML document (null for an empty document). */
  roots: (VNode | null)[];
  docs: Document.Parsed[];
  comments: Comment[];
  findings: Finding[];
}

export interface YamlOptions {
  /** '1.1' as the kubelet decodes; '1.2' (core schema) otherwise. */
  version?: '1.1' | '1.2';
  /** Most value nodes an alias expansion may produce before it is refused. */
  maxNodes?: number;
  maxDepth?: number;
}

class Budget extends Error {}

/** The YAML documents of a file; the same text and options parse once per process (src/parse/memo.ts). */
export function parseYamlSource(src: SourceFile, opts: YamlOptions = {}): YamlDoc {
  return memoParse(src, `yaml ${opts.version ?? '1.2'} ${opts.maxNodes ?? ''} ${opts.maxDepth ?? ''}`, (s) => parseYaml(s, opts), (d, from, to) => ({
    roots: d.roots.map((r) => r && rebindTree(r, to)),
    docs: d.docs,
    comments: d.comments,
    findings: rebindFindings(d.findings, from, to),
  }));
}

function parseYaml(src: SourceFile, opts: YamlOptions): YamlDoc {
  const findings: Finding[] = [];
  const docs = parseAllDocuments(src.text, {
    version: opts.version ?? '1.2',
    uniqueKeys: false,
    prettyErrors: false,
    strict: false,
  }) as Document.Parsed[] | { empty: true };
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  const roots: (VNode | null)[] = [];
  const maxNodes = opts.maxNodes ?? 100_000;
  const maxDepth = opts.maxDepth ?? 200;
  for (const doc of list) {
    for (const e of doc.errors) {
      const [s, en] = e.pos;
      findings.push(syntaxFinding(src, s, en, `invalid YAML: ${firstLine(e.message)}`));
    }
    if (doc.errors.length) {
      roots.push(null);
      continue;
    }
    let count = 0;
    const build = (n: YNode | null, path: Path, depth: number): VNode => {
      if (++count > maxNodes) throw new Budget(`expands to more than ${maxNodes} values (alias expansion)`);
      if (depth > maxDepth) throw new Budget(`is nested more than ${maxDepth} levels deep`);
      if (n && isAlias(n)) {
        const target = n.resolve(doc);
        const built = build((target as YNode) ?? null, path, depth + 1);
        // The value lives at the anchor, but the finding should point where it is used.
        built.range = rangeOf(src, n.range![0], n.range![1]);
        return built;
      }
      const rg = n?.range ? rangeOf(src, n.range[0], n.range[1]) : rangeOf(src, 0, 0);
      if (n && isMap(n)) {
        const m: MapNode = { kind: 'map', entries: [], file: src, range: rg, path, syntax: n };
        for (const p of n.items) {
          if (!isPair(p)) continue;
          const k = p.key as YNode | null;
          if (k && isAlias(k) && k.source === '<<') continue;
          // YAML 1.1 resolves a plain `<<` to the merge tag, a Symbol('<<') value in the yaml library.
          const key = k && isScalar(k) ? (typeof k.value === 'symbol' ? (k.value.description ?? '') : String(k.value)) : String(k);
          if (key === '<<' && k && isScalar(k) && k.type === 'PLAIN') {
            // YAML 1.1 merge key: fold the merged map's entries in (explicit keys win, as in go-yaml).
            const merged = build(p.value as YNode, path, depth + 1);
            const sources = merged.kind === 'array' ? merged.items : [merged];
            for (const s of sources) if (s.kind === 'map') for (const e of s.entries) if (!m.entries.some((x) => x.key === e.key)) m.entries.unshift(e);
            continue;
          }
          const keyRange = k?.range ? rangeOf(src, k.range[0], k.range[1]) : rg;
          const v = p.value as YNode | null;
          const value = v === null || v === undefined ? nullAt(src, keyRange.end.offset, [...path, key]) : build(v, [...path, key], depth + 1);
          value.keyRange = keyRange;
          m.entries.push({ key, keyRange, value });
        }
        return m;
      }
      if (n && isSeq(n)) {
        return {
          kind: 'array',
          items: n.items.map((it, i) => (it === null ? nullAt(src, rg.start.offset, [...path, i]) : build(it as YNode, [...path, i], depth + 1))),
          file: src,
          range: rg,
          path,
          syntax: n,
        };
      }
      if (n && isScalar(n)) return scalar(src, n, path, rg);
      return nullAt(src, rg.start.offset, path);
    };
    try {
      roots.push(doc.contents === null ? null : build(doc.contents as YNode, [], 0));
    } catch (e) {
      if (!(e instanceof Budget)) throw e;
      const at = (doc.contents as YNode | null)?.range?.[0] ?? 0;
      findings.push(syntaxFinding(src, at, at + 1, `YAML document ${e.message}; refusing to read it`));
      roots.push(null);
    }
  }
  return { roots, docs: list, comments: yamlComments(src), findings };
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function nullAt(src: SourceFile, offset: number, path: Path): ScalarNode {
  return { kind: 'scalar', type: 'null', value: null, raw: '', file: src, range: rangeOf(src, offset, offset), path };
}

function scalar(src: SourceFile, n: Scalar, path: Path, range: ScalarNode['range']): ScalarNode {
  const raw = n.range ? src.text.slice(n.range[0], n.range[1]) : String(n.value);
  const v = n.value;
  let type: ScalarType;
  let value: ScalarNode['value'];
  if (v === null || v === undefined) {
    type = 'null';
    value = null;
  } else if (typeof v === 'boolean') {
    type = 'boolean';
    value = v;
  } else if (typeof v === 'number') {
    type = Number.isInteger(v) && !/[.eE]/.test(raw) ? 'integer' : 'float';
    value = v;
  } else if (typeof v === 'bigint') {
    type = 'integer';
    value = Number(v);
  } else if (v instanceof Date) {
    type = 'datetime';
    value = raw;
  } else {
    type = 'string';
    value = String(v);
  }
  return { kind: 'scalar', type, value, raw, style: n.type, file: src, range, path, syntax: n };
}

/** `#` comments outside of quoted scalars, found line by line (YAML comments need a space or line start before `#`). */
export function yamlComments(src: SourceFile): Comment[] {
  const out: Comment[] = [];
  const text = src.text;
  src.lineStarts.forEach((start, i) => {
    const end = src.lineStarts[i + 1] !== undefined ? src.lineStarts[i + 1]! - 1 : text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    let quote: string | null = null;
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      if (quote) {
        if (c === quote) quote = null;
        else if (c === '\\' && quote === '"') j++;
        continue;
      }
      if (c === '"' || c === "'") {
        if (j === 0 || /[\s:[{,-]/.test(line[j - 1]!)) quote = c;
        continue;
      }
      if (c === '#' && (j === 0 || /\s/.test(line[j - 1]!))) {
        out.push({
          text: line.slice(j + 1),
          line: i + 1,
          range: rangeOf(src, start + j, start + line.length),
          ownLine: line.slice(0, j).trim() === '',
        });
        break;
      }
    }
  });
  return out;
}
