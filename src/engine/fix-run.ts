/**
 * `lint --fix` / `--unsafe-fixes` / `--fix-dry-run` for one node set: the applier (src/fix) runs
 * the fixes pass by pass, re-linting the in-memory texts through the same pipeline as a plain lint
 * (an overlay over the files on disk), and every changed file must still parse as its format.
 * A file that had a syntax problem before is never touched: its fixes are dropped.
 */
import { makeSource, type FileKind, type SourceFile } from '../core/source.js';
import type { Finding } from '../core/types.js';
import type { NodeSetSpec } from '../discover/index.js';
import { enclosingRoot } from '../discover/index.js';
import { applyFixes, type FixResult } from '../fix/apply.js';
import { parseTomlSource } from '../parse/toml.js';
import { parseYamlSource } from '../parse/yaml.js';
import { parseSysctl } from '../parse/sysctl.js';
import { parseEnvFile } from '../parse/flags.js';
import { changePath } from '../fix/common.js';
import { lintSpec, type PipelineOptions, type PipelineResult } from './pipeline.js';

export interface FixRunOptions extends PipelineOptions {
  unsafe: boolean;
  /** Only findings this keeps are fixed (pre-commit focus). */
  keep?: (f: Finding) => boolean;
}

export interface FixRun {
  first: PipelineResult;
  result: FixResult;
}

/** Syntax problems a format's parser reports for a text (-1: not a format crilint fixes). */
export function syntaxProblems(kind: FileKind, path: string, text: string): number {
  const src = makeSource({ path, display: path, kind }, text);
  switch (kind) {
    case 'containerd':
    case 'crio':
      return parseTomlSource(src).findings.length;
    case 'kubelet':
    case 'crictl':
    case 'crilint-config':
      return parseYamlSource(src, { version: kind === 'kubelet' ? '1.1' : '1.2' }).findings.length;
    case 'sysctl':
      return parseSysctl(src).findings.length;
    case 'kubelet-flags':
      return parseEnvFile(src).findings.length;
    case 'modules-load':
    case 'systemd-unit':
      return 0;
    case 'docker':
      return jsonProblems(text);
    default:
      return -1;
  }
}

export function runFixes(spec: NodeSetSpec, opts: FixRunOptions): FixRun {
  const keep = opts.keep ?? (() => true);
  const first = lintSpec(spec, opts);
  const kinds = new Map<string, FileKind>();
  const baseline = new Map<string, number>();
  for (const f of first.node.files) kinds.set(f.path, f.kind);
  const broken = new Set(first.findings.filter((f) => f.rule === 'syntax' && f.file).map((f) => f.file!.path));
  for (const f of first.node.findings) if (f.rule === 'syntax' && f.file) broken.add(f.file.path);
  const kindOf = (path: string): FileKind => kinds.get(path) ?? enclosingRoot(path)?.kind ?? 'unknown';
  const fixable = (list: Finding[]) =>
    list.filter(keep).map((f) => (f.fix && f.fix.changes.some((c) => broken.has(changePath(c))) ? { ...f, fix: undefined } : f));
  const result = applyFixes(fixable(first.findings), {
    unsafe: opts.unsafe,
    relint: (texts) => fixable(lintSpec(spec, { ...opts, overlay: texts }).findings),
    parses: (path, text) => {
      const kind = kindOf(path);
      const before = baseline.get(path) ?? baseOf(first.node.files, path, kind);
      baseline.set(path, before);
      const now = syntaxProblems(kind, path, text);
      return now >= 0 && now <= before;
    },
  });
  return { first, result };
}

function baseOf(files: readonly SourceFile[], path: string, kind: FileKind): number {
  const src = files.find((f) => f.path === path);
  return src ? Math.max(0, syntaxProblems(kind, path, src.text)) : 0;
}

/** daemon.json is strict JSON (dockerd decodes it with encoding/json); an empty file is an empty configuration. */
function jsonProblems(text: string): number {
  if (text.trim() === '') return 0;
  try {
    JSON.parse(text);
    return 0;
  } catch {
    return 1;
  }
}
