/**
 * The installed containerd (Debian's 1.6) as an oracle: is it there, what does `config dump` say
 * about a config, the daemon started as root on private paths (root, state and socket in a temp
 * dir, through a wrapper config that imports the config under test), and crilint's verdicts to
 * compare with them. Shared by test/containerd-oracle.test.ts, test/differential.test.ts,
 * test/generate-containerd.test.ts and test/fix-invariants.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** `config dump`'s verdict and the dump itself (stdout). */
export interface ConfigDump extends DumpResult {
  dump: string;
}

/**
 * Where the daemon runs: systemd starts containerd.service in `/` (no WorkingDirectory=), and
 * containerd before 1.6.29/1.7.16 expands relative glob imports against it
 * (RELATIVE_GLOB_IMPORTS_FIXED in src/data/containerd.ts), so the oracle runs there too.
 */
const DAEMON_CWD = '/';

/** `containerd --config F config dump`: does containerd load this config, and what does it make of it? */
export function configDump(config: string): ConfigDump {
  const r = spawnSync('containerd', ['--config', config, 'config', 'dump'], { encoding: 'utf8', timeout: 30_000, cwd: DAEMON_CWD });
  return { ok: r.status === 0, output: `${r.stderr}`.trim(), dump: r.stdout ?? '' };
}

/** `config dump`'s verdict alone. */
export function dump(config: string): DumpResult {
  const { ok, output } = configDump(config);
  return { ok, output };
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

export interface Daemon {
  /** Everything it logged so far. */
  log(): string;
  /** The gRPC socket (for `ctr --address`). */
  socket: string;
  /** It logged "containerd successfully booted", it exited first, or neither happened within 20 s. */
  outcome: 'booted' | 'exited' | 'timeout';
  /** Kill it and wait for it to exit; removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * Start containerd on private paths with a wrapper importing `config`; resolve once it has booted
 * (or exited, or 20 s passed). The wrapper has no `version`: the imported file's version wins the
 * merge (containerd 1.x keeps the last non-zero one).
 */
export function startDaemon(config: string): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'crilint-ctrd-'));
  const wrapper = join(dir, 'wrapper.toml');
  const socket = join(dir, 'c.sock');
  writeFileSync(wrapper, `root = ${JSON.stringify(join(dir, 'root'))}\nstate = ${JSON.stringify(join(dir, 'state'))}\nimports = [${JSON.stringify(config)}]\n\n[grpc]\n  address = ${JSON.stringify(socket)}\n`);
  const p = spawn('containerd', ['--config', wrapper], { stdio: ['ignore', 'pipe', 'pipe'], cwd: DAEMON_CWD });
  let log = '';
  let exited = false;
  const exit = new Promise<void>((done) => p.on('exit', () => {
    exited = true;
    done();
  }));
  const stop = async () => {
    if (!exited) p.kill('SIGKILL');
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((done) => {
    let settled = false;
    const settle = (outcome: Daemon['outcome']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done({ log: () => log, socket, outcome, stop });
    };
    const timer = setTimeout(() => settle('timeout'), 20_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      if (/containerd successfully booted/.test(log)) settle('booted');
    };
    p.stdout.on('data', onData);
    p.stderr.on('data', onData);
    void exit.then(() => settle('exited'));
  });
}

/** Start, take the boot log, stop: the log of a daemon that booted (or failed). */
export async function daemonLog(config: string): Promise<string> {
  const d = await startDaemon(config);
  const log = d.log();
  await d.stop();
  if (d.outcome === 'timeout') throw new Error(`containerd did not boot within 20 s:\n${log}`);
  return log;
}
