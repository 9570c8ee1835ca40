/**
 * Runs test/fuzz/worker.ts in a worker thread: bundled once with esbuild (the worker cannot load
 * TypeScript), one input at a time, each with a deadline. An input that does not finish in time
 * is a hang: the worker is terminated (this stops even a synchronous endless loop) and a fresh one
 * takes the next input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { REPO } from '../helpers/cli.js';
import type { FuzzInput, FuzzReport } from './worker.js';

export type PoolReport = FuzzReport | { hang: number };

export class FuzzPool {
  private readonly dir = mkdtempSync(join(tmpdir(), 'crilint-fuzz-bundle-'));
  private readonly bundle = join(this.dir, 'worker.mjs');
  private worker: Worker | null = null;
  private id = 0;

  constructor(private readonly deadlineMs: number) {
    buildSync({
      entryPoints: [resolve(REPO, 'test/fuzz/worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: this.bundle,
      logLevel: 'silent',
      // The bundle lives in a temp dir: let bundled CommonJS dependencies find Node's require.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      // Sources find schemas/ relative to their own module URL (src/schema/*.ts): keep that true.
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(resolve(REPO, 'src/schema/bundle.js')).href) },
    });
  }

  private spawn(): Worker {
    this.worker ??= new Worker(this.bundle);
    return this.worker;
  }

  run(input: FuzzInput): Promise<PoolReport> {
    const w = this.spawn();
    const id = ++this.id;
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        cleanup();
        this.worker = null;
        void w.terminate();
        done({ hang: this.deadlineMs });
      }, this.deadlineMs);
      const onMessage = (m: { id: number; report: FuzzReport }) => {
        if (m.id !== id) return;
        cleanup();
        done(m.report);
      };
      const onError = (e: Error) => {
        cleanup();
        this.worker = null;
        fail(e);
      };
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    if (this.worker) {
      const w = this.worker;
      this.worker = null;
      const gone = new Promise((r) => w.once('exit', r));
      w.postMessage('exit');
      await gone;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
