/**
 * The property suite's worker (bundled by test/fuzz/pool.ts with esbuild and run in a worker
 * thread, so a hang can be stopped with Worker.terminate()). For each node set it is sent, it
 * writes the files to a fresh node root and drives the in-process pipeline as `crilint lint
 * --fix --unsafe-fixes` would, reporting instead of throwing:
 *
 * - `error`: an exception anywhere (load, rules, suppression, report formatting, fixing, writing);
 * - `internal`: fix diagnostics marked internal (a pass whose output did not parse, …);
 * - `unparsable`: a written file that parsed before the fix and does not after it;
 * - `second`: files a second `--fix --unsafe-fixes` over the written result still changes
 *   (fixing must be idempotent).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { FileKind } from '../../src/core/source.js';
import { parseVersion } from '../../src/core/version.js';
import { enclosingRoot, type NodeSetSpec } from '../../src/discover/index.js';
import { runFixes, syntaxProblems } from '../../src/engine/fix-run.js';
import { lintSpec } from '../../src/engine/pipeline.js';
import { writeFiles } from '../../src/fix/write.js';
import { formatJson } from '../../src/report/json.js';
import { formatSarif } from '../../src/report/sarif.js';
import { formatStylish } from '../../src/report/stylish.js';
import { formatGithub } from '../../src/report/github.js';

export interface FuzzInput {
  files: Record<string, Uint8Array>;
  links: Record<string, string>;
  target: { kubernetes?: string; containerd?: string };
}

export interface FuzzReport {
  error: string | null;
  internal: string[];
  unparsable: string[];
  second: { file: string; before: string; after: string }[];
  findings: number;
  fixed: number;
}

const base = mkdtempSync(join(tmpdir(), 'crilint-fuzz-'));
let n = 0;

export function check(input: FuzzInput): FuzzReport {
  const root = join(base, String(n++));
  const out: FuzzReport = { error: null, internal: [], unparsable: [], second: [], findings: 0, fixed: 0 };
  try {
    for (const [rel, bytes] of Object.entries(input.files)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), bytes);
    }
    for (const [rel, target] of Object.entries(input.links)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      symlinkSync(target, join(root, rel));
    }
    const spec: NodeSetSpec = { name: 'fuzz', root, files: [], focus: null };
    const given = {
      kubernetes: input.target.kubernetes ? parseVersion(input.target.kubernetes)! : undefined,
      containerd: input.target.containerd ? parseVersion(input.target.containerd)! : undefined,
    };
    const lint = lintSpec(spec, { given });
    out.findings = lint.findings.length;
    const results = [{ node: lint.node, target: lint.target, findings: lint.findings }];
    formatStylish(results, { color: true, fleet: false });
    formatJson(results, false);
    formatSarif(results, { fleet: false });
    formatGithub(results);

    const first = runFixes(spec, { given, unsafe: true });
    for (const d of first.result.diagnostics) if (d.internal) out.internal.push(`${d.kind}: ${d.file ?? ''}: ${d.message}`);
    const kinds = new Map<string, FileKind>(first.first.node.files.map((f) => [f.path, f.kind]));
    const files = [...first.result.files.values()];
    out.fixed = files.length;
    for (const f of files) {
      const kind = kinds.get(f.path) ?? enclosingRoot(f.path)?.kind ?? 'unknown';
      const before = f.original === null ? 0 : syntaxProblems(kind, f.path, f.original);
      if (before === 0 && syntaxProblems(kind, f.path, f.text) !== 0) out.unparsable.push(`${f.display}:\n${f.text}`);
    }
    if (files.length) writeFiles(files.map((f) => ({ path: f.path, display: f.display, text: f.text, bom: f.bom, created: f.created })), { root });
    const again = runFixes(spec, { given, unsafe: true });
    for (const f of again.result.files.values()) out.second.push({ file: f.display, before: f.original ?? '(created)', after: f.text });
  } catch (e) {
    out.error = (e as Error)?.stack ?? String(e);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return out;
}

parentPort?.on('message', (msg: { id: number; input: FuzzInput } | 'exit') => {
  if (msg === 'exit') {
    rmSync(base, { recursive: true, force: true });
    process.exit(0);
  }
  parentPort!.postMessage({ id: msg.id, report: check(msg.input) });
});
