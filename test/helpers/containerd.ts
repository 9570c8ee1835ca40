/**
 * The installed containerd (Debian's 1.6) as an oracle: is it there, what does `config dump` say
 * about a config, and crilint's verdicts to compare with it. Shared by
 * test/containerd-oracle.test.ts and test/differential.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { Finding } from '../../src/core/types.js';

const probe = spawnSync('containerd', ['--version'], { encoding: 'utf8' });
export const CONTAINERD_INSTALLED = probe.status === 0;
export const CONTAINERD_VERSION_OUTPUT = probe.stdout ?? '';
/** The installed 1.6.x version, or null. */
export const CONTAINERD_VERSION = CONTAINERD_INSTALLED ? (/\b(1\.6\.\d+)/.exec(CONTAINERD_VERSION_OUTPUT)?.[1] ?? null) : null;
/** Run the oracle suites: containerd is installed, or CI is set (where its absence fails them). */
export const RUN_CONTAINERD_ORACLE = CONTAINERD_INSTALLED || !!process.env.CI;

/** crilint's verdict "containerd does not start" (the messages of the rules that say so). */
export function refuses(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error' && f.file?.kind === 'containerd' && (f.rule === 'syntax' || /\bfails to start\b|\bdoes not start\b/.test(f.message)));
}

/** crilint's verdict "containerd runs, but the CRI plugin fails to load". */
export function criFails(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error' && /fails to load the CRI plugin|fails to load io\.containerd\.grpc\.v1\.cri/.test(f.message));
}

export interface DumpResult {
  ok: boolean;
  /** stderr, trimmed: containerd's reason when it refuses. */
  output: string;
}

/**
 * Where the daemon runs: systemd starts containerd.service in `/` (no WorkingDirectory=), and
 * containerd before 1.6.29/1.7.16 expands relative glob imports against it
 * (RELATIVE_GLOB_IMPORTS_FIXED in src/data/containerd.ts), so the oracle runs there too.
 */
const DAEMON_CWD = '/';

/** `containerd --config F config dump`: does containerd load this config? */
export function dump(config: string): DumpResult {
  const r = spawnSync('containerd', ['--config', config, 'config', 'dump'], { encoding: 'utf8', timeout: 30_000, cwd: DAEMON_CWD });
  return { ok: r.status === 0, output: `${r.stderr}`.trim() };
}

/** The same, without blocking, so that many configs can be checked in parallel. */
export function dumpAsync(config: string): Promise<DumpResult> {
  return new Promise((done, fail) => {
    const p = spawn('containerd', ['--config', config, 'config', 'dump'], { stdio: ['ignore', 'ignore', 'pipe'], cwd: DAEMON_CWD });
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      done({ ok: code === 0, output: err.trim() });
    });
  });
}

/** Map `items` through `fn` with at most `limit` running at once, keeping the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}
