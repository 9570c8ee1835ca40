/**
 * The installed containerd (Debian's 1.6) as an oracle: `config dump`, and the daemon started as
 * root on private paths (root, state and socket in a temp dir, through a wrapper config that
 * imports the config under test). Used by test/containerd-oracle.test.ts and
 * test/generate-containerd.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PROBE = spawnSync('containerd', ['--version'], { encoding: 'utf8' });
export const CONTAINERD_INSTALLED = PROBE.status === 0;
export const CONTAINERD_VERSION = CONTAINERD_INSTALLED ? (/\b(1\.6\.\d+)/.exec(PROBE.stdout)?.[1] ?? null) : null;
export const CONTAINERD_VERSION_TEXT = PROBE.stdout ?? '';

/** `containerd --config F config dump`: whether it accepts the file, its stderr, and the dump. */
export function configDump(config: string): { ok: boolean; output: string; dump: string } {
  const r = spawnSync('containerd', ['--config', config, 'config', 'dump'], { encoding: 'utf8', timeout: 30_000 });
  return { ok: r.status === 0, output: `${r.stderr}`.trim(), dump: r.stdout ?? '' };
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
  const p = spawn('containerd', ['--config', wrapper], { stdio: ['ignore', 'pipe', 'pipe'] });
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
