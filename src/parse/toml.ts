/**
 * TOML text -> positioned value tree, via toml-eslint-parser (TOML 1.0, ranges, comments).
 * Parse errors become a `syntax` finding; the caller gets no tree then, because a TOML
 * document with a syntax error is refused whole by every consumer (containerd, CRI-O).
 */
import { parseTOML, type AST } from 'toml-eslint-parser';
import type { SourceFile } from '../core/source.js';
import { rangeOf } from '../core/source.js';
import type { Finding } from '../core/types.js';
import { rebindTree, type ArrayNode, type MapNode, type Path, type ScalarNode, type VNode } from '../model/tree.js';
import { memoParse, rebindFindings } from './memo.js';
import { syntaxFinding, type Comment } from './common.js';

export interface TomlDoc {
  root: MapNode | null;
  ast: AST.TOMLProgram | null;
  comments: Comment[];
  findings: Finding[];
}

/** The TOML of a file; the same text parses once per process (src/parse/memo.ts). */
export function parseTomlSource(src: SourceFile): TomlDoc {
  return memoParse(src, 'toml', parseToml, (d, from, to) => ({
    root: d.root && rebindTree(d.root, to),
    ast: d.ast,
    comments: d.comments,
    findings: rebindFindings(d.findings, from, to),
  }));
}

function parseToml(src: SourceFile): TomlDoc {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(src.text, { tomlVersion: '1.0' });
  } catch (e) {
    const err = e as { message?: string; index?: number };
    const offset = typeof err.index === 'number' ? err.index : 0;
    return {
      root: null,
      ast: null,
      comments: scanHashComments(src),
      findings: [syntaxFinding(src, offset, offset + 1, `invalid TOML: ${err.message ?? String(e)}`)],
    };
  }
  const b = new TomlTreeBuilder(src);
  const root = b.build(ast);
  const comments = ast.comments.map((c) => ({
    text: c.value,
    line: c.loc.start.line,
    range: rangeOf(src, c.range[0], c.range[1]),
    ownLine: isOwnLine(src.text, c.range[0]),
  }));
  // Nothing reads the token list after this (the fix helpers use the nodes and their ranges), and
  // every syntax node reaches the program through its parents: drop the tokens (a third of the memory).
  ast.tokens = [];
  ast.comments = [];
  return { root, ast, comments, findings: b.findings };
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

function isOwnLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}

/** Comments of a file that did not parse: best effort, for suppression directives only. */
function scanHashComments(src: SourceFile): Comment[] {
  const out: Comment[] = [];
  src.lineStarts.forEach((start, i) => {
    const next = src.lineStarts[i + 1] ?? src.text.length;
    const line = src.text.slice(start, next);
    const m = /^\s*#(.*)$/.exec(line.replace(/\r?\n$/, ''));
    if (m) {
      const at = start + line.indexOf('#');
      out.push({ text: m[1]!, line: i + 1, range: rangeOf(src, at, start + line.replace(/\r?\n$/, '').length), ownLine: true });
    }
  });
  return out;
}

class TomlTreeBuilder {
  /** Problems the parser lets through: integers that do not fit in 64 bits. */
  readonly findings: Finding[] = [];
  constructor(private readonly src: SourceFile) {}

  build(ast: AST.TOMLProgram): MapNode {
    const top = ast.body[0];
    const root: MapNode = {
      kind: 'map',
      entries: [],
      file: this.src,
      range: rangeOf(this.src, 0, 0),
      path: [],
      syntax: top,
    };
    for (const item of top.body) {
      if (item.type === 'TOMLKeyValue') this.addKeyValue(root, item);
      else this.addTable(root, item);
    }
    return root;
  }

  private r(n: { range: [number, number] }) {
    return rangeOf(this.src, n.range[0], n.range[1]);
  }

  private keyNames(key: AST.TOMLKey): string[] {
    return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
  }

  /** Find or create the map at `names` below `base`, creating implicit tables on the way. */
  private descend(base: MapNode, names: string[], keyNodes: AST.TOMLKey['keys'] | null, at: { range: [number, number] }): MapNode {
    let cur = base;
    names.forEach((name, i) => {
      const found = [...cur.entries].reverse().find((e) => e.key === name);
      let next = found?.value;
      if (next && next.kind === 'array') next = next.items[next.items.length - 1];
      if (!next || next.kind !== 'map') {
        const kr = keyNodes?.[i] ? this.r(keyNodes[i]!) : this.r(at);
        const m: MapNode = {
          kind: 'map',
          entries: [],
          file: this.src,
          range: this.r(at),
          keyRange: kr,
          path: [...cur.path, name],
          implicit: true,
        };
        cur.entries.push({ key: name, keyRange: kr, value: m });
        next = m;
      }
      cur = next;
    });
    return cur;
  }

  private addTable(root: MapNode, t: AST.TOMLTable) {
    const names = this.keyNames(t.key);
    const headerEnd = this.src.text.indexOf(']', t.key.range[1]) + (t.kind === 'array' ? 2 : 1);
    const header = rangeOf(this.src, t.range[0], Math.max(headerEnd, t.key.range[1]));
    const parent = this.descend(root, names.slice(0, -1), t.key.keys, t);
    const last = names[names.length - 1]!;
    const lastKey = this.r(t.key.keys[t.key.keys.length - 1]!);
    let table: MapNode;
    if (t.kind === 'array') {
      let arr = [...parent.entries].reverse().find((e) => e.key === last)?.value;
      if (!arr || arr.kind !== 'array') {
        const a: ArrayNode = { kind: 'array', items: [], file: this.src, range: header, keyRange: lastKey, path: [...parent.path, last] };
        parent.entries.push({ key: last, keyRange: lastKey, value: a });
        arr = a;
      }
      table = { kind: 'map', entries: [], file: this.src, range: header, keyRange: lastKey, path: [...arr.path, arr.items.length], syntax: t };
      arr.items.push(table);
    } else {
      const existing = [...parent.entries].reverse().find((e) => e.key === last)?.value;
      if (existing && existing.kind === 'map' && existing.implicit) {
        // A header for a table that a deeper header created implicitly: it now has a home.
        existing.implicit = false;
        existing.range = header;
        existing.syntax = t;
        table = existing;
      } else {
        table = { kind: 'map', entries: [], file: this.src, range: header, keyRange: lastKey, path: [...parent.path, last], syntax: t };
        parent.entries.push({ key: last, keyRange: lastKey, value: table });
      }
    }
    for (const kv of t.body) this.addKeyValue(table, kv);
  }

  private addKeyValue(table: MapNode, kv: AST.TOMLKeyValue) {
    const names = this.keyNames(kv.key);
    const parent = this.descend(table, names.slice(0, -1), kv.key.keys, kv);
    const last = names[names.length - 1]!;
    const keyRange = this.r(kv.key.keys[kv.key.keys.length - 1]!);
    const value = this.value(kv.value, [...parent.path, last]);
    value.keyRange = keyRange;
    parent.entries.push({ key: last, keyRange, value });
  }

  private value(v: AST.TOMLContentNode, path: Path): VNode {
    const range = this.r(v);
    if (v.type === 'TOMLArray') {
      return { kind: 'array', items: v.elements.map((el, i) => this.value(el, [...path, i])), file: this.src, range, path, syntax: v };
    }
    if (v.type === 'TOMLInlineTable') {
      const m: MapNode = { kind: 'map', entries: [], file: this.src, range, path, syntax: v };
      for (const kv of v.body) this.addKeyValue(m, kv);
      return m;
    }
    const raw = this.src.text.slice(v.range[0], v.range[1]);
    const base = { kind: 'scalar' as const, file: this.src, range, path, raw, syntax: v };
    switch (v.kind) {
      case 'string':
        return { ...base, type: 'string', value: v.value, style: v.multiline ? `${v.style}-multiline` : v.style } satisfies ScalarNode;
      case 'integer':
        // TOML 1.0: "If an integer cannot be represented losslessly, an error must be thrown";
        // containerd's decoders do (go-toml v1: `strconv.ParseInt: … value out of range`, seen on
        // the installed 1.6.20 by test/differential.test.ts).
        if (v.bigint > INT64_MAX || v.bigint < INT64_MIN)
          this.findings.push(syntaxFinding(this.src, v.range[0], v.range[1], `invalid TOML: integer ${raw} does not fit in 64 bits`));
        return { ...base, type: 'integer', value: v.value } satisfies ScalarNode;
      case 'float':
        return { ...base, type: 'float', value: v.value } satisfies ScalarNode;
      case 'boolean':
        return { ...base, type: 'boolean', value: v.value } satisfies ScalarNode;
      default:
        return { ...base, type: 'datetime', value: v.datetime } satisfies ScalarNode;
    }
  }
}
