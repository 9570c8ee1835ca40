/**
 * `--format stylish`: findings grouped by file, each with a code frame of the offending line,
 * then a summary line. Colour only on a TTY and never with NO_COLOR.
 */
import { lineText } from '../core/source.js';
import type { Finding } from '../core/types.js';
import { summarize, type NodeResult } from './types.js';

export interface StylishOptions {
  color: boolean;
  fleet: boolean;
}

export function formatStylish(results: readonly NodeResult[], opts: StylishOptions): string {
  const c = colors(opts.color);
  const out: string[] = [];
  for (const r of results) {
    if (!r.findings.length) continue;
    const groups = new Map<string, Finding[]>();
    for (const f of r.findings) {
      const key = f.file ? f.file.display : '(node)';
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(f);
    }
    for (const [file, list] of groups) {
      out.push(c.underline(opts.fleet && r.node.root ? `${r.node.name}: ${file}` : file));
      for (const f of list) {
        const pos = f.range ? `${f.range.start.line}:${f.range.start.column}` : '-';
        const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info');
        const fix = f.fix ? c.dim(f.fix.safety === 'safe' ? ' [fixable]' : ' [fixable: unsafe]') : '';
        out.push(`  ${pos.padEnd(7)} ${sev.padEnd(opts.color ? 16 : 7)} ${f.message}  ${c.dim(f.rule)}${fix}`);
        if (f.file && f.range) out.push(...frame(f, c));
        for (const rel of f.related) {
          const where = rel.file ? `${rel.file.display}${rel.range ? `:${rel.range.start.line}:${rel.range.start.column}` : ''}` : '(node)';
          out.push(c.dim(`          ↳ ${where}: ${rel.message}`));
        }
      }
      out.push('');
    }
  }
  const s = summarize(results);
  const total = s.errors + s.warnings + s.infos;
  if (total === 0) return out.join('\n');
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const line = `${total === 1 ? '1 problem' : `${total} problems`} (${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.infos, 'info')})`;
  out.push((s.errors ? c.red : s.warnings ? c.yellow : c.blue)(`✖ ${line}`));
  if (s.fixable) out.push(c.dim(`  ${plural(s.fixable, 'finding')} can be fixed with --fix (unsafe ones need --unsafe-fixes).`));
  return out.join('\n') + '\n';
}

function frame(f: Finding, c: ReturnType<typeof colors>): string[] {
  const src = f.file!;
  const { start, end } = f.range!;
  const text = lineText(src, start.line).replace(/\t/g, ' ');
  if (text.length > 400) return [];
  const num = String(start.line);
  const width = end.line === start.line ? Math.max(1, end.column - start.column) : Math.max(1, text.length - start.column + 1);
  return [
    c.dim(`    ${num} | `) + text,
    c.dim(`    ${' '.repeat(num.length)} | `) + ' '.repeat(Math.max(0, start.column - 1)) + c.red('^'.repeat(Math.min(width, 200))),
  ];
}

function colors(on: boolean) {
  const w = (a: number, b: number) => (s: string) => (on ? `\x1b[${a}m${s}\x1b[${b}m` : s);
  return { red: w(31, 39), yellow: w(33, 39), blue: w(34, 39), dim: w(2, 22), underline: w(4, 24) };
}
