/**
 * Format-aware edits for TOML files (containerd config.toml and its imports).
 *
 * Every builder takes nodes of the positioned tree (src/model/tree.ts) built by
 * parseTomlSource, and returns a FileChange of minimal text edits on the original text:
 * nothing is re-serialised, so comments, order, quoting and blank lines survive.
 *
 * Style is copied from the file:
 * - string quoting: setValue keeps the token's style (basic `"…"`, literal `'…'`, multi-line);
 *   new strings and quoted keys use the style the file uses most (containerd 1.x `config default`
 *   writes basic strings, 2.x literal ones), basic when the file has none;
 * - indentation of new key-values copies their siblings; new headers follow the file's header
 *   indentation (go-toml v2 indents sub-tables by depth) and key offset under headers;
 * - a blank line before a new header when the file separates sections that way;
 * - the file's line ending.
 *
 * Policy for removals: comments on the line(s) above a removed entry are kept (they may
 * describe the section, carry a licence, or be a suppression directive); a comment after the
 * entry on its own line goes with it.
 */
import { parseTOML, type AST } from 'toml-eslint-parser';
import type { SourceFile } from '../core/source.js';
import type { FileChange, TextEdit } from '../core/types.js';
import type { ArrayNode, MapEntry, MapNode, Path, ScalarNode, VNode } from '../model/tree.js';
import { formatPath, get } from '../model/tree.js';
import {
  FixBuildError,
  change,
  edit,
  endsWithEol,
  indentAt,
  indentUnit,
  isBlankLine,
  lineEnd,
  lineStart,
  nextLineStart,
} from './common.js';
import { appendListItem, removeListItem, type ListShape } from './list.js';

export type TomlValue = string | number | boolean | TomlValue[] | { [key: string]: TomlValue };
type Quote = 'basic' | 'literal';

// ---------------------------------------------------------------------------------------------
// File information (parsed once per SourceFile)

interface TomlStyle {
  stringQuote: Quote;
  keyQuote: Quote;
  /** Indentation per header depth (empty when headers are not indented). */
  headerUnit: string;
  /** Extra indentation of key-values under their header. */
  keyOffset: string;
  blankBeforeHeader: boolean;
  /** Text between key and value (` = `). */
  assign: string;
}

interface FileInfo {
  text: string;
  eol: string;
  top: AST.TOMLTopLevelTable;
  tables: AST.TOMLTable[];
  /** Every key-value with the path of the table (or inline table) that contains it. */
  kvs: { kv: AST.TOMLKeyValue; container: Path; inline: AST.TOMLInlineTable | null }[];
  style: TomlStyle;
}

const infoCache = new WeakMap<SourceFile, FileInfo>();

function info(file: SourceFile): FileInfo {
  let i = infoCache.get(file);
  if (!i) {
    i = analyse(file);
    infoCache.set(file, i);
  }
  return i;
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

function analyse(file: SourceFile): FileInfo {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(file.text, { tomlVersion: '1.0' });
  } catch (e) {
    throw new FixBuildError(`${file.display}: cannot edit a TOML file that does not parse (${(e as Error).message})`);
  }
  const top = ast.body[0];
  const text = file.text;
  const tables: AST.TOMLTable[] = [];
  const kvs: FileInfo['kvs'] = [];
  const strings = { basic: 0, literal: 0 };
  const keys = { basic: 0, literal: 0 };
  const visitKv = (kv: AST.TOMLKeyValue, container: Path, inline: AST.TOMLInlineTable | null) => {
    kvs.push({ kv, container, inline });
    for (const k of kv.key.keys) if (k.type === 'TOMLQuoted') keys[k.style]++;
    visitValue(kv.value, [...container, ...keyNames(kv.key)]);
  };
  const visitValue = (v: AST.TOMLContentNode, path: Path) => {
    if (v.type === 'TOMLValue' && v.kind === 'string') strings[v.style]++;
    else if (v.type === 'TOMLArray') v.elements.forEach((el, i) => visitValue(el, [...path, i]));
    else if (v.type === 'TOMLInlineTable') for (const kv of v.body) visitKv(kv, path, v);
  };
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') visitKv(item, [], null);
    else {
      tables.push(item);
      for (const k of item.key.keys) if (k.type === 'TOMLQuoted') keys[k.style]++;
      for (const kv of item.body) visitKv(kv, item.resolvedKey, null);
    }
  }
  // With no strings, follow the quoted keys (and the other way round); basic when there are neither.
  const majority = (c: { basic: number; literal: number }): Quote | null => (c.basic + c.literal === 0 ? null : c.literal > c.basic ? 'literal' : 'basic');
  const stringQuote: Quote = majority(strings) ?? majority(keys) ?? 'basic';
  const keyQuote: Quote = majority(keys) ?? stringQuote;

  // Header indentation: go-toml v2 (containerd 2.x) indents `[a.b]` by one unit per depth; hand-written
  // files often indent a sub-table one unit deeper than the table above it, whatever its depth. The
  // unit is read from a header and its parent's header one key shorter when there is such a pair
  // (both styles agree there), else from depth alone.
  let headerUnit = '';
  for (const t of tables) {
    const ind = indentAt(text, t.range[0]);
    const parent = tables.find((u) => u.resolvedKey.length === t.resolvedKey.length - 1 && hasPrefix(t.resolvedKey, u.resolvedKey));
    if (!parent) continue;
    const pind = indentAt(text, parent.range[0]);
    if (ind.length > pind.length && ind.startsWith(pind)) {
      headerUnit = ind.slice(pind.length);
      break;
    }
  }
  for (const t of headerUnit ? [] : tables) {
    const ind = indentAt(text, t.range[0]);
    const depth = t.key.keys.length;
    if (ind && depth > 1 && ind.length % (depth - 1) === 0) {
      headerUnit = ind.slice(0, ind.length / (depth - 1));
      break;
    }
  }
  let keyOffset = '';
  for (const t of tables) {
    const kv = t.body[0];
    if (!kv) continue;
    const hi = indentAt(text, t.range[0]);
    const ki = indentAt(text, kv.range[0]);
    if (ki.startsWith(hi)) {
      keyOffset = ki.slice(hi.length);
      break;
    }
  }
  let blank = 0;
  let tight = 0;
  for (const t of tables.slice(1)) {
    const start = attachedStart(text, t.range[0]);
    if (start === 0) continue;
    if (isBlankLine(text, lineStart(text, start - 1))) blank++;
    else tight++;
  }
  let assign = ' = ';
  const firstKv = kvs.find((k) => !k.inline)?.kv;
  if (firstKv) {
    const between = text.slice(firstKv.key.range[1], firstKv.value.range[0]);
    if (/^[ \t]*=[ \t]*$/.test(between)) assign = between;
  }
  return {
    text,
    eol: file.eol,
    top,
    tables,
    kvs,
    style: { stringQuote, keyQuote, headerUnit, keyOffset, blankBeforeHeader: blank >= tight, assign },
  };
}

/** Start of the block of own-line comments directly above the line at `offset` (no blank line between). */
function attachedStart(text: string, offset: number): number {
  let start = lineStart(text, offset);
  while (start > 0) {
    const prev = lineStart(text, start - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, start))) break;
    start = prev;
  }
  return start;
}

function samePath(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
function hasPrefix(p: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return p.length >= prefix.length && prefix.every((s, i) => s === p[i]);
}

function assertToml(node: VNode, what: string): void {
  const t = (node.syntax as { type?: string } | undefined)?.type;
  if (node.path.length > 0 && !node.syntax && !(node.kind === 'map' && node.implicit)) {
    throw new FixBuildError(`${what}: ${formatPath(node.path)} has no TOML syntax node`);
  }
  if (t && !t.startsWith('TOML')) throw new FixBuildError(`${what}: ${formatPath(node.path)} is not from a TOML file`);
}

// ---------------------------------------------------------------------------------------------
// Formatting values and keys

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function escapeBasic(s: string, multiline: boolean, eol: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += multiline ? eol : '\\n';
    else if (ch === '\t') out += multiline ? '\t' : '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** A TOML string token for `value` in the given style; falls back to basic when the style cannot hold it. */
export function formatString(value: string, style: string, eol = '\n', newlineAfterOpener = false): string {
  const multiline = style.endsWith('-multiline');
  const base = style.startsWith('literal') ? 'literal' : 'basic';
  if (!multiline) {
    if (base === 'literal' && !value.includes("'") && !CONTROL.test(value)) return `'${value}'`;
    return `"${escapeBasic(value, false, eol)}"`;
  }
  const nl = newlineAfterOpener || value.startsWith('\n') ? eol : '';
  if (base === 'literal' && !value.includes("'''") && !value.endsWith("'") && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value.replace(/\r\n/g, '\n'))) {
    return `'''${nl}${value.replace(/\r?\n/g, eol)}'''`;
  }
  return `"""${nl}${escapeBasic(value, true, eol)}"""`;
}

function formatNumber(n: number, asFloat: boolean): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && !asFloat) {
    if (!Number.isSafeInteger(n)) throw new FixBuildError(`${n} is too large to write as an exact TOML integer`);
    return String(n);
  }
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** A key segment: bare when it can be, quoted in the file's key style otherwise. */
export function formatKey(name: string, quote: Quote = 'basic'): string {
  if (/^[A-Za-z0-9_-]+$/.test(name)) return name;
  return formatString(name, quote);
}

function formatValue(v: TomlValue, fi: FileInfo, quote: Quote = fi.style.stringQuote): string {
  if (typeof v === 'string') return formatString(v, quote, fi.eol);
  if (typeof v === 'number') return formatNumber(v, false);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, fi, quote)).join(', ')}]`;
  const entries = Object.entries(v);
  if (!entries.length) return '{}';
  return `{ ${entries.map(([k, x]) => `${formatKey(k, fi.style.keyQuote)} = ${formatValue(x, fi, quote)}`).join(', ')} }`;
}

function isTable(v: TomlValue): v is { [key: string]: TomlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyText(key: string | readonly string[], fi: FileInfo): string {
  return (typeof key === 'string' ? [key] : key).map((k) => formatKey(k, fi.style.keyQuote)).join('.');
}

// ---------------------------------------------------------------------------------------------
// setValue / setKey

/**
 * Replace the value of a key-value (or array item) and nothing else. A string keeps the
 * token's quoting (basic, literal, multi-line); a literal token falls back to a basic one
 * only when the new value cannot be written literally (it contains `'` or control characters).
 * Arrays and inline tables may be replaced whole; table headers cannot.
 */
export function setValue(node: VNode, value: TomlValue): FileChange {
  assertToml(node, 'setValue');
  const syn = node.syntax as AST.TOMLContentNode | AST.TOMLTable | AST.TOMLTopLevelTable | undefined;
  if (!syn || syn.type === 'TOMLTable' || syn.type === 'TOMLTopLevelTable' || (node.kind === 'map' && node.implicit)) {
    throw new FixBuildError(`setValue: ${formatPath(node.path)} is a table, not a value`);
  }
  const fi = info(node.file);
  let text: string;
  if (typeof value === 'string' && node.kind === 'scalar' && node.type === 'string') {
    text = formatString(value, node.style ?? fi.style.stringQuote, fi.eol, /^("""|''')\r?\n/.test(node.raw));
  } else if (typeof value === 'number' && node.kind === 'scalar') {
    text = formatNumber(value, node.type === 'float');
  } else {
    text = formatValue(value, fi, quoteOfNode(node) ?? fi.style.stringQuote);
  }
  return change(node.file, [edit(syn.range[0], syn.range[1], text)]);
}

/** The quoting of the first string in an array / inline table (so a replacement keeps it). */
function quoteOfNode(node: VNode): Quote | undefined {
  if (node.kind === 'scalar') return node.style?.startsWith('literal') ? 'literal' : node.style ? 'basic' : undefined;
  const kids = node.kind === 'array' ? node.items : node.entries.map((e) => e.value);
  for (const k of kids) {
    const q = quoteOfNode(k);
    if (q) return q;
  }
  return undefined;
}

/**
 * Rename a key (a "did you mean" fix). For a value, the last segment of its key token is
 * rewritten. For a table, its name is rewritten everywhere it is spelled: in its own header,
 * in the headers of its sub-tables and in dotted keys that pass through it. The new name is
 * quoted like the old one when the old one was quoted, bare when possible otherwise.
 */
export function setKey(node: VNode | MapEntry, newName: string): FileChange {
  const n = 'kind' in node ? node : node.value;
  assertToml(n, 'setKey');
  const fi = info(n.file);
  const path = n.path;
  const last = path[path.length - 1];
  if (typeof last !== 'string') throw new FixBuildError(`setKey: ${formatPath(path)} is an array item, it has no key`);
  const parent = path.slice(0, -1);
  const clash = [...fi.tables.map((t) => t.resolvedKey), ...fi.kvs.map((k) => [...k.container, ...keyNames(k.kv.key)])].some((p) =>
    hasPrefix(p, [...parent, newName]),
  );
  if (clash) throw new FixBuildError(`setKey: ${formatPath([...parent, newName])} already exists`);
  const at = path.length - 1;
  const edits: TextEdit[] = [];
  const rewrite = (keys: AST.TOMLKey['keys'], i: number) => {
    const k = keys[i]!;
    const quote = k.type === 'TOMLQuoted' ? k.style : undefined;
    edits.push(edit(k.range[0], k.range[1], quote ? formatString(newName, quote) : formatKey(newName, fi.style.keyQuote)));
  };
  for (const t of fi.tables) {
    if (t.resolvedKey.length > at && hasPrefix(t.resolvedKey, path)) {
      // resolvedKey counts array-of-table indexes; header key segments do not.
      const idx = t.key.keys.length - (t.resolvedKey.length - at);
      if (idx >= 0) rewrite(t.key.keys, idx);
    }
  }
  for (const { kv, container } of fi.kvs) {
    const full = [...container, ...keyNames(kv.key)];
    if (container.length <= at && hasPrefix(full, path)) rewrite(kv.key.keys, at - container.length);
  }
  if (!edits.length) throw new FixBuildError(`setKey: no key spells ${formatPath(path)}`);
  return change(n.file, edits);
}

// ---------------------------------------------------------------------------------------------
// Where a table lives, and inserting key-values into it

type Where =
  | { kind: 'root' }
  | { kind: 'table'; table: AST.TOMLTable }
  | { kind: 'inline'; node: AST.TOMLInlineTable; path: Path }
  /** An implicit table defined by dotted keys inside `container` (e.g. `containerd.snapshotter = …`). */
  | { kind: 'dotted'; lastKv: AST.TOMLKeyValue; prefix: string; inline: AST.TOMLInlineTable | null; path: Path }
  /** An implicit table that only exists because deeper headers name it. */
  | { kind: 'super'; firstChild: AST.TOMLTable; path: Path };

function where(table: MapNode): Where {
  assertToml(table, 'insertKey');
  const syn = table.syntax as AST.TOMLTable | AST.TOMLTopLevelTable | AST.TOMLInlineTable | undefined;
  if (table.path.length === 0 || syn?.type === 'TOMLTopLevelTable') return { kind: 'root' };
  if (syn?.type === 'TOMLTable') return { kind: 'table', table: syn };
  if (syn?.type === 'TOMLInlineTable') return { kind: 'inline', node: syn, path: table.path };
  const fi = info(table.file);
  const path = table.path;
  let dotted: FileInfo['kvs'][number] | undefined;
  for (const k of fi.kvs) {
    const full = [...k.container, ...keyNames(k.kv.key)];
    if (k.container.length < path.length && full.length > path.length && hasPrefix(full, path)) dotted = k;
  }
  if (dotted) {
    const keys = dotted.kv.key.keys;
    const n = path.length - dotted.container.length;
    const prefix = fi.text.slice(keys[0]!.range[0], keys[n - 1]!.range[1]);
    return { kind: 'dotted', lastKv: dotted.kv, prefix, inline: dotted.inline, path };
  }
  const child = fi.tables.find((t) => t.resolvedKey.length > path.length && hasPrefix(t.resolvedKey, path));
  if (child) return { kind: 'super', firstChild: child, path };
  throw new FixBuildError(`insertKey: cannot tell where the implicit table ${formatPath(path)} is defined`);
}

export interface InsertOptions {
  /** Insert after this sibling key (a key-value of the same table) instead of after the last one. */
  after?: string;
}

type Entry = [key: string | readonly string[], value: TomlValue];

/**
 * Insert `key = value` into a table: after the table's last key-value (or `opts.after`),
 * with its siblings' indentation; right after the header of a table with no key-values; for
 * an implicit table, either a dotted key next to the dotted keys that define it
 * (`containerd.default_runtime_name = …`), or a new header placed just before its first
 * sub-table's header. `key` may be dotted (`['a', 'b']` → `a.b = …`). Throws when the key
 * already exists (use setValue) or names a sub-table.
 */
export function insertKey(table: MapNode, key: string | readonly string[], value: TomlValue, opts: InsertOptions = {}): FileChange {
  return change(table.file, insertEntries(table, [[key, value]], opts));
}

/** insertKey for several key-values at once, in the order given. */
export function insertKeys(table: MapNode, entries: Record<string, TomlValue> | readonly Entry[], opts: InsertOptions = {}): FileChange {
  return change(table.file, insertEntries(table, Array.isArray(entries) ? entries : Object.entries(entries), opts));
}

function insertEntries(table: MapNode, entries: readonly Entry[], opts: InsertOptions): TextEdit[] {
  if (!entries.length) return [];
  const w = where(table);
  const fi = info(table.file);
  for (const [k] of entries) {
    const first = typeof k === 'string' ? k : k[0]!;
    if (get(table, first) !== undefined && (typeof k === 'string' || k.length === 1)) {
      throw new FixBuildError(`insertKey: ${formatPath([...table.path, first])} already exists`);
    }
  }
  const { text, eol } = fi;
  const line = (indent: string, k: string | readonly string[], v: TomlValue, prefix = '') =>
    `${indent}${prefix}${keyText(k, fi)}${fi.style.assign}${formatValue(v, fi)}`;
  switch (w.kind) {
    case 'inline':
      return inlineAppend(fi, w.node, entries.map(([k, v]) => `${keyText(k, fi)} = ${formatValue(v, fi)}`));
    case 'dotted': {
      if (w.inline) return inlineAppend(fi, w.inline, entries.map(([k, v]) => `${w.prefix}.${keyText(k, fi)} = ${formatValue(v, fi)}`));
      const at = lineEnd(text, w.lastKv.range[1]);
      const indent = indentAt(text, w.lastKv.range[0]);
      return [edit(at, at, entries.map(([k, v]) => eol + line(indent, k, v, `${w.prefix}.`)).join(''))];
    }
    case 'table':
    case 'root': {
      const body = w.kind === 'table' ? w.table.body : (fi.top.body.filter((b) => b.type === 'TOMLKeyValue') as AST.TOMLKeyValue[]);
      let anchor: AST.TOMLKeyValue | undefined = body[body.length - 1];
      if (opts.after !== undefined) {
        anchor = body.find((kv) => samePath(keyNames(kv.key), [opts.after!]));
        if (!anchor) throw new FixBuildError(`insertKey: no key ${opts.after} in ${formatPath(table.path)}`);
      }
      if (anchor) {
        const at = lineEnd(text, anchor.range[1]);
        const indent = indentAt(text, anchor.range[0]);
        return [edit(at, at, entries.map(([k, v]) => eol + line(indent, k, v)).join(''))];
      }
      if (w.kind === 'table') {
        const at = lineEnd(text, headerEnd(text, w.table));
        const indent = indentAt(text, w.table.range[0]) + fi.style.keyOffset;
        return [edit(at, at, entries.map(([k, v]) => eol + line(indent, k, v)).join(''))];
      }
      // Root without top-level keys: before the first table (and the comments attached to it).
      const lines = entries.map(([k, v]) => line('', k, v) + eol).join('');
      const first = fi.tables[0];
      if (first) {
        const at = attachedStart(text, first.range[0]);
        return [edit(at, at, lines + eol)];
      }
      return [edit(text.length, text.length, (endsWithEol(text) ? '' : eol) + lines)];
    }
    case 'super': {
      // A header of its own, placed before its first sub-table, with that header's spelling of the path.
      const at = attachedStart(text, w.firstChild.range[0]);
      const spelled = spelling(fi, w.firstChild, headerDepth(w.path));
      let hIndent = headerIndentFor(fi, w.path);
      // Indented headers without a recognisable unit: line up with the sub-table it precedes.
      const childIndent = indentAt(text, w.firstChild.range[0]);
      if (!fi.style.headerUnit && childIndent) hIndent = childIndent;
      const header = hIndent + '[' + headerPathText(fi, w.path, spelled) + ']';
      const kIndent = hIndent + fi.style.keyOffset;
      const body = entries.map(([k, v]) => eol + line(kIndent, k, v)).join('');
      return [edit(at, at, header + body + eol + (fi.style.blankBeforeHeader ? eol : ''))];
    }
  }
}

function inlineAppend(fi: FileInfo, node: AST.TOMLInlineTable, items: string[]): TextEdit[] {
  const shape = inlineShape(fi, node);
  // Several items in one insertion: join them into one item text (same offsets).
  return appendListItem(shape, items.join(', '));
}

function inlineShape(fi: FileInfo, node: AST.TOMLInlineTable): ListShape {
  return {
    text: fi.text,
    open: node.range[0],
    close: node.range[1] - 1,
    items: node.body.map((kv) => ({ start: kv.range[0], end: kv.range[1] })),
    comment: '',
    eol: fi.eol,
    unit: indentUnit(fi.text),
    pad: ' ',
    trailingComma: false,
  };
}

/** Offset just after the closing bracket(s) of a table header. */
function headerEnd(text: string, t: AST.TOMLTable): number {
  const close = text.indexOf(']', t.key.range[1]);
  return close + (t.kind === 'array' ? 2 : 1);
}

/** Number of header key segments for a tree path (array indexes are not spelled in headers). */
function headerDepth(path: Path): number {
  return path.filter((p) => typeof p === 'string').length;
}

/**
 * Indentation of a new header: a sibling header's (same parent); else the closest ancestor
 * header's plus one unit per level below it; else one unit per level (go-toml's layout).
 */
function headerIndentFor(fi: FileInfo, path: Path): string {
  const parent = path.slice(0, -1);
  const sibling = fi.tables.find((t) => t.resolvedKey.length === path.length && hasPrefix(t.resolvedKey, parent));
  if (sibling) return indentAt(fi.text, sibling.range[0]);
  let best: AST.TOMLTable | undefined;
  for (const t of fi.tables) {
    if (t.resolvedKey.length < path.length && hasPrefix(path, t.resolvedKey) && (!best || t.resolvedKey.length > best.resolvedKey.length)) best = t;
  }
  const depth = headerDepth(path);
  if (best) return indentAt(fi.text, best.range[0]) + fi.style.headerUnit.repeat(depth - best.key.keys.length);
  return fi.style.headerUnit.repeat(Math.max(0, depth - 1));
}

/** The first `n` key segments of a header as written (to reuse its quoting of shared segments). */
function spelling(fi: FileInfo, t: AST.TOMLTable, n: number): { name: string; text: string }[] {
  return t.key.keys.slice(0, n).map((k) => ({ name: k.type === 'TOMLBare' ? k.name : k.value, text: fi.text.slice(k.range[0], k.range[1]) }));
}

function headerPathText(fi: FileInfo, path: Path, spelled: { name: string; text: string }[] = []): string {
  const names = path.filter((p): p is string => typeof p === 'string');
  return names.map((n, i) => (spelled[i]?.name === n ? spelled[i]!.text : formatKey(n, fi.style.keyQuote))).join('.');
}

// ---------------------------------------------------------------------------------------------
// ensureTable

/**
 * Make sure the table at `path` exists and holds `entries` (missing keys are inserted, keys
 * with a different value are set; a table-valued entry is a sub-table, handled recursively).
 *
 * Where nothing exists, a new `[a."b.c".d]` section is added with the entries below its header,
 * placed after the last section of the closest existing parent table (so sub-tables stay
 * together), or at the end of the file when no parent exists; a blank line precedes it when the
 * file separates sections that way. Inside an inline table or a dotted-key table, no header can
 * be added: nested inline tables or dotted keys are used instead.
 *
 * Entries are given here rather than inserted afterwards because the new table is not in the
 * tree yet: one insertion keeps the whole section together and the fix atomic.
 */
export function ensureTable(root: MapNode, path: readonly string[], entries: Record<string, TomlValue> = {}): FileChange {
  if (root.path.length) throw new FixBuildError('ensureTable: give the root table of the file');
  return change(root.file, ensureEdits(root, path, entries));
}

function ensureEdits(root: MapNode, path: readonly string[], entries: Record<string, TomlValue>): TextEdit[] {
  let cur: MapNode = root;
  let depth = 0;
  for (; depth < path.length; depth++) {
    let next = get(cur, path[depth]!);
    if (next?.kind === 'array') next = next.items[next.items.length - 1];
    if (!next) break;
    if (next.kind !== 'map') throw new FixBuildError(`ensureTable: ${formatPath(next.path)} is a value, not a table`);
    cur = next;
  }
  const fi = info(root.file);
  if (depth === path.length) {
    const edits: TextEdit[] = [];
    const missing: Entry[] = [];
    for (const [k, v] of Object.entries(entries)) {
      const have = get(cur, k);
      if (have === undefined) missing.push([k, v]);
      else if (isTable(v) && have.kind === 'map') edits.push(...ensureEdits(root, [...path, k], v));
      else if (!sameValue(have, v)) edits.push(...setValue(have, v).edits);
    }
    return [...edits, ...insertEntries(cur, missing, {})];
  }
  const rest = path.slice(depth);
  const w = where(cur);
  if (w.kind === 'inline' || w.kind === 'dotted') {
    // No header may open a table inside these: nest the new table as a value.
    let nested: TomlValue = entries;
    for (const seg of [...rest.slice(1)].reverse()) nested = { [seg]: nested };
    if (w.kind === 'inline') return insertEntries(cur, [[rest[0]!, nested]], {});
    const flat = flatten(rest, entries);
    return insertEntries(cur, flat.length ? flat : [[rest, {}]], {});
  }
  const { text, eol } = fi;
  const full: Path = [...cur.path, ...rest];
  // Anchor: the last section inside the closest existing parent table; the end of the file at the root.
  let anchor: AST.TOMLTable | undefined;
  if (cur.path.length) for (const t of fi.tables) if (hasPrefix(t.resolvedKey, cur.path)) anchor = t;
  const spelled = anchor ? spelling(fi, anchor, headerDepth(cur.path)) : [];
  const section = sectionLines(fi, full, entries, spelled, headerIndentFor(fi, full)).join(eol);
  const blank = fi.style.blankBeforeHeader;
  if (anchor) {
    const at = lineEnd(text, anchor.range[1]);
    return [edit(at, at, eol + (blank ? eol : '') + section)];
  }
  if (!text.length) return [edit(0, 0, section + eol)];
  const endsBlank = /\n[ \t]*\r?\n[ \t]*$/.test(text) || /^\s*$/.test(text);
  const lead = (endsWithEol(text) ? '' : eol) + (blank && !endsBlank ? eol : '');
  return [edit(text.length, text.length, lead + section + (endsWithEol(text) ? eol : ''))];
}

function flatten(prefix: readonly string[], entries: Record<string, TomlValue>): Entry[] {
  const out: Entry[] = [];
  for (const [k, v] of Object.entries(entries)) {
    if (isTable(v) && Object.keys(v).length) out.push(...flatten([...prefix, k], v));
    else out.push([[...prefix, k], v]);
  }
  return out;
}

/** Lines of a new section: header, its key-values, then table-valued entries as sub-sections. */
function sectionLines(fi: FileInfo, path: Path, entries: Record<string, TomlValue>, spelled: { name: string; text: string }[], hIndent: string): string[] {
  const kIndent = hIndent + fi.style.keyOffset;
  const lines = [`${hIndent}[${headerPathText(fi, path, spelled)}]`];
  const subs: [string, Record<string, TomlValue>][] = [];
  for (const [k, v] of Object.entries(entries)) {
    if (isTable(v)) subs.push([k, v]);
    else lines.push(`${kIndent}${formatKey(k, fi.style.keyQuote)}${fi.style.assign}${formatValue(v, fi)}`);
  }
  for (const [k, v] of subs) {
    if (fi.style.blankBeforeHeader) lines.push('');
    lines.push(...sectionLines(fi, [...path, k], v, spelled, hIndent + fi.style.headerUnit));
  }
  return lines;
}

function sameValue(node: VNode, v: TomlValue): boolean {
  if (node.kind === 'scalar') return node.value === v;
  if (node.kind === 'array') return Array.isArray(v) && v.length === node.items.length && node.items.every((it, i) => sameValue(it, v[i]!));
  if (!isTable(v)) return false;
  const keys = Object.keys(v);
  return keys.length === node.entries.length && keys.every((k) => {
    const have = get(node, k);
    return have !== undefined && sameValue(have, v[k]!);
  });
}

// ---------------------------------------------------------------------------------------------
// Removals

/**
 * The comment lines right above a key-value (up to a blank line or anything else), as the change
 * that deletes them and their text without indentation; null when there are none, or when the
 * key-value does not start its line (an inline table item). For moving a key together with what
 * is written about it: removeEntry leaves them.
 */
export function leadingComments(entry: MapEntry | VNode): { change: FileChange; lines: string[] } | null {
  const n = 'kind' in entry ? entry : entry.value;
  assertToml(n, 'leadingComments');
  const kv = (n.syntax as AST.TOMLContentNode | undefined)?.parent;
  if (!kv || kv.type !== 'TOMLKeyValue' || kv.parent.type === 'TOMLInlineTable') return null;
  const { text, eol } = info(n.file);
  const line = lineStart(text, kv.range[0]);
  if (text.slice(line, kv.range[0]).trim() !== '') return null;
  const start = attachedStart(text, kv.range[0]);
  if (start === line) return null;
  const lines = text.slice(start, line).split(eol).map((l) => l.trim()).filter((l) => l !== '');
  return { change: change(n.file, [edit(start, line, '')]), lines };
}

/**
 * Remove a key-value: its whole line(s), including a comment after it on its last line.
 * Comments on the lines above are kept. Inside an inline table, the item and its comma go.
 */
export function removeEntry(entry: MapEntry | VNode): FileChange {
  const n = 'kind' in entry ? entry : entry.value;
  assertToml(n, 'removeEntry');
  const syn = n.syntax as AST.TOMLContentNode | AST.TOMLTable | AST.TOMLTopLevelTable | undefined;
  if (!syn || syn.type === 'TOMLTable' || syn.type === 'TOMLTopLevelTable') {
    throw new FixBuildError(`removeEntry: ${formatPath(n.path)} is a table (use removeTable)`);
  }
  const kv = syn.parent;
  if (kv.type !== 'TOMLKeyValue') throw new FixBuildError(`removeEntry: ${formatPath(n.path)} is an array item (use removeArrayItem)`);
  const fi = info(n.file);
  if (kv.parent.type === 'TOMLInlineTable') {
    const inl = kv.parent;
    const idx = inl.body.findIndex((b) => b.range[0] === kv.range[0]);
    return change(n.file, removeListItem(inlineShape(fi, inl), idx));
  }
  const { text } = fi;
  return change(n.file, [edit(lineStart(text, kv.range[0]), nextLineStart(text, lineEnd(text, kv.range[1])), '')]);
}

/**
 * Remove an explicit table's section: its header and key-values (sub-tables are sections of
 * their own and stay). Comments above the header are kept; one blank line after the section
 * goes too when one precedes it, so no double blank line is left behind.
 */
export function removeTable(table: MapNode): FileChange {
  assertToml(table, 'removeTable');
  const syn = table.syntax as AST.TOMLTable | undefined;
  if (syn?.type !== 'TOMLTable' || table.implicit) throw new FixBuildError(`removeTable: ${formatPath(table.path)} has no header of its own`);
  const { text } = info(table.file);
  const start = lineStart(text, syn.range[0]);
  let end = nextLineStart(text, lineEnd(text, syn.range[1]));
  const blankBefore = start === 0 || isBlankLine(text, lineStart(text, start - 1));
  if (blankBefore && end < text.length && isBlankLine(text, end)) end = nextLineStart(text, end);
  return change(table.file, [edit(start, end, '')]);
}

function arrayShape(array: ArrayNode): { fi: FileInfo; shape: ListShape } {
  assertToml(array, 'array edit');
  const syn = array.syntax as AST.TOMLArray | undefined;
  if (syn?.type !== 'TOMLArray') throw new FixBuildError(`${formatPath(array.path)} is not an inline TOML array (arrays of tables have no brackets)`);
  const fi = info(array.file);
  return {
    fi,
    shape: {
      text: fi.text,
      open: syn.range[0],
      close: syn.range[1] - 1,
      items: syn.elements.map((e) => ({ start: e.range[0], end: e.range[1] })),
      comment: '#',
      eol: fi.eol,
      unit: indentUnit(fi.text),
      pad: '',
      trailingComma: true,
    },
  };
}

/**
 * Remove item `index` of an inline array: single-line (`["a", "b"]`) or one item per line, with
 * or without a trailing comma (the list keeps its style: no trailing comma appears where there
 * was none).
 */
export function removeArrayItem(array: ArrayNode, index: number): FileChange {
  const { shape } = arrayShape(array);
  if (index < 0 || index >= shape.items.length) throw new FixBuildError(`removeArrayItem: no item ${index} in ${formatPath(array.path)}`);
  return change(array.file, removeListItem(shape, index));
}

/** Append an item to an inline array, in the array's layout. Strings take the quoting of the array's strings. */
export function appendArrayItem(array: ArrayNode, value: TomlValue): FileChange {
  const { fi, shape } = arrayShape(array);
  return change(array.file, appendListItem(shape, formatValue(value, fi, quoteOfNode(array) ?? fi.style.stringQuote)));
}

// ---------------------------------------------------------------------------------------------
// Moving tables

export interface RenameTableOptions {
  /** Also rewrite the headers of its sub-tables (`[old.x]` → `[new.x]`). Default false. */
  descendants?: boolean;
}

/**
 * Rewrite the header of an explicit table to name `newPath` (e.g. a v2-style
 * `[plugins."io.containerd.grpc.v1.cri".containerd]` moved to where containerd 2.x reads it,
 * `[plugins."io.containerd.cri.v1.runtime".containerd]`). Only header keys change; the
 * key-values under it move with it. Leading segments that stay the same keep their spelling.
 * Moving keys between tables is removeEntry + insertKey/ensureTable; when the target table is
 * created by a rename in the same run, the applier's next pass sees it.
 */
export function renameTablePath(table: MapNode, newPath: readonly string[], opts: RenameTableOptions = {}): FileChange {
  assertToml(table, 'renameTablePath');
  const syn = table.syntax as AST.TOMLTable | undefined;
  if (syn?.type !== 'TOMLTable' || table.implicit) throw new FixBuildError(`renameTablePath: ${formatPath(table.path)} has no header of its own`);
  if (table.path.some((p) => typeof p === 'number')) throw new FixBuildError('renameTablePath: tables inside arrays of tables cannot be moved');
  const fi = info(table.file);
  const old = table.path as string[];
  const clash = fi.tables.some((t) => t !== syn && samePath(t.resolvedKey, newPath)) || fi.kvs.some((k) => hasPrefix([...k.container, ...keyNames(k.kv.key)], newPath));
  if (clash) throw new FixBuildError(`renameTablePath: ${formatPath([...newPath])} already exists`);
  const targets = opts.descendants
    ? fi.tables.filter((t) => hasPrefix(t.resolvedKey, old) && !t.resolvedKey.some((p) => typeof p === 'number'))
    : fi.tables.filter((t) => t.range[0] === syn.range[0]);
  const edits = targets.map((t) => {
    const names = keyNames(t.key);
    const target = [...newPath, ...names.slice(old.length)];
    const spelled = spelling(fi, t, names.length);
    const common = spelled.findIndex((s, i) => s.name !== target[i]);
    const keep = common < 0 ? Math.min(spelled.length, target.length) : common;
    const textOf = target.map((n, i) => {
      if (i < keep) return spelled[i]!.text;
      const orig = t.key.keys[i];
      return orig?.type === 'TOMLQuoted' ? formatString(n, orig.style) : formatKey(n, fi.style.keyQuote);
    });
    return edit(t.key.range[0], t.key.range[1], textOf.join('.'));
  });
  return change(table.file, edits);
}
