/**
 * `crilint generate`: print the node files for a target, write them under `--out DIR`, or
 * (`--check`) compare DIR with them.
 *
 * - Without `--out`: every file on stdout, each after a `==> path <==` header line (as `head`
 *   prints several files) and followed by a blank line.
 * - `--out DIR`: the files are written below DIR with the atomic writer of `lint --fix`
 *   (src/fix/write.ts) with DIR as the node root, so nothing is written outside DIR, not even
 *   through a symbolic link inside it; an existing file is replaced (its mode kept), missing
 *   directories are created. All files or none.
 * - `--check` (needs `--out`): DIR is read the way the writer would write it (symlinks resolved
 *   inside DIR); exit 0 when every file is byte-identical, 1 with a unified diff per drifting or
 *   missing file (`a/<path>` against `b/<path>`, the diff helper of `--fix-dry-run`); nothing is
 *   written.
 * src/cli/main.ts registers it: `.command(generateCommand(out))`.
 */
import { RUNTIME_NAMES } from '../engine/config.js';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { describe } from '../discover/read.js';
import { unifiedDiff, type DiffFile } from '../fix/diff.js';
import { resolveInRoot, writeFiles, WriteError } from '../fix/write.js';
import { generate, resolveGenerateTarget, type GeneratedFile } from '../generate/generate.js';
import { UsageError } from './errors.js';

export interface GenerateArgs {
  runtime?: string;
  kubernetes?: string;
  containerd?: string;
  cgroupDriver?: string;
  imageRepository?: string;
  out?: string;
  check: boolean;
}

export interface GenerateOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Where a path below DIR leads as the writer resolves it (src/fix/write.ts resolveInRoot: absolute
 * link targets inside DIR, `..` stopping at DIR); null when nothing is there.
 */
function resolveBelow(root: string, rel: string): string | null {
  const r = resolveInRoot(root, join(root, ...rel.split('/')));
  if (typeof r === 'string') throw new UsageError(`${join(root, rel)}: ${r}`);
  return r.missing.length || r.devnull ? null : r.real;
}

/** The text of a generated file's path in DIR (null when missing); the bytes as they are, a BOM included. */
function readBelow(root: string, rel: string): string | null {
  const real = resolveBelow(root, rel);
  if (real === null) return null;
  try {
    if (!statSync(real).isFile()) throw new UsageError(`${join(root, rel)}: not a regular file`);
    return readFileSync(real, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${join(root, rel)}: ${describe(e)}`);
  }
}

function diffFiles(dir: string, files: readonly GeneratedFile[]): DiffFile[] {
  return files.map((f) => ({ display: f.path, original: readBelow(dir, f.path), text: f.text, bom: false }));
}

export function runGenerate(a: GenerateArgs): GenerateOutcome {
  if (a.check && a.out === undefined) throw new UsageError('--check compares with the files in --out DIR; give --out');
  const target = resolveGenerateTarget(a);
  const files = generate(target);
  if (a.out === undefined) {
    return { stdout: files.map((f) => `==> ${f.path} <==\n${f.text}\n`).join(''), stderr: '', exitCode: 0 };
  }
  const dir = resolve(a.out);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    if (a.check || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--out ${a.out}: ${describe(e)}`);
  }
  if (st && !st.isDirectory()) throw new UsageError(`--out ${a.out}: not a directory`);
  if (a.check) {
    const diffs = diffFiles(dir, files);
    const drift = diffs.filter((d) => d.original !== d.text);
    if (!drift.length) return { stdout: '', stderr: `crilint: ${a.out}: all ${files.length} files match\n`, exitCode: 0 };
    const missing = drift.filter((d) => d.original === null).length;
    const what = `${drift.length} of ${files.length} files ${drift.length === 1 ? 'differs' : 'differ'}${missing ? ` (${missing} missing)` : ''}`;
    return { stdout: unifiedDiff(drift), stderr: `crilint: ${a.out}: ${what} from \`crilint generate\`; nothing written\n`, exitCode: 1 };
  }
  if (!st) {
    try {
      // The writer creates what is missing below an existing root; the root itself is created here.
      mkdirSync(dir, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw new UsageError(`--out ${a.out}: cannot create the directory: ${describe(e)}`);
    }
  }
  const entries = files.map((f) => {
    const path = join(dir, ...f.path.split('/'));
    return { path, display: f.path, text: f.text, bom: false, created: resolveBelow(dir, f.path) === null };
  });
  try {
    const w = writeFiles(entries, { root: dir });
    const notes = w.notes.map((n) => `crilint: ${n}\n`).join('');
    return { stdout: '', stderr: `${notes}crilint: wrote ${files.length} files under ${a.out}\n`, exitCode: 0 };
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    return { stdout: '', stderr: `crilint: ${a.out}: ${e.message}; nothing was written\n`, exitCode: 2 };
  }
}

/** The yargs registration of `generate`. */
export function generateCommand(out: { code: number }) {
  return {
    command: 'generate',
    describe: 'Write a consistent node set (containerd, CRI-O or Docker + cri-dockerd; kubelet, crictl, sysctl.d, modules-load.d) for a target',
    builder: (y: Argv) =>
      y
        .option('runtime', { choices: Object.keys(RUNTIME_NAMES), requiresArg: true, describe: "The node's CRI runtime (default: containerd)" })
        .option('kubernetes', { type: 'string', requiresArg: true, describe: 'Target Kubernetes X.Y (default: newest known)' })
        .option('containerd', { type: 'string', requiresArg: true, describe: 'Target containerd X.Y (default: newest supporting the Kubernetes version)' })
        .option('cgroup-driver', { type: 'string', requiresArg: true, describe: 'systemd or cgroupfs (default: systemd, as kubeadm)' })
        .option('image-repository', { type: 'string', requiresArg: true, describe: 'Registry for the pause image (default: registry.k8s.io)' })
        .option('out', { type: 'string', requiresArg: true, describe: 'Write the files below DIR (a node root); default: print them' })
        .option('check', { type: 'boolean', default: false, describe: 'Compare --out DIR with what would be written: exit 1 and a diff on drift; write nothing' })
        .example('$0 generate --kubernetes 1.34 --containerd 2.1', 'Print the files for Kubernetes 1.34 on containerd 2.1')
        .example('$0 generate --runtime cri-o --kubernetes 1.34', 'The files for a CRI-O node (a crio.conf.d drop-in instead of config.toml)')
        .example('$0 generate --kubernetes 1.34 --out nodes/general', 'Write them below nodes/general')
        .example('$0 generate --kubernetes 1.34 --out nodes/general --check', 'Fail (exit 1) when the committed files drift'),
    handler: (a: Record<string, unknown>) => {
      const str = (v: unknown) => (v === undefined ? undefined : String(v));
      const r = runGenerate({
        runtime: str(a.runtime),
        kubernetes: str(a.kubernetes),
        containerd: str(a.containerd),
        cgroupDriver: str(a.cgroupDriver),
        imageRepository: str(a.imageRepository),
        out: str(a.out),
        check: Boolean(a.check),
      });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      out.code = r.exitCode;
    },
  };
}
