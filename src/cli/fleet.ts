/**
 * Fleet mode: node sets linted in worker threads, results taken in node order.
 *
 * - Each worker runs the bundled CLI (dist/crilint.mjs, the same loader and V8 code cache as the
 *   command itself) in worker mode: the loader sees `workerData.crilint === 'fleet-worker'` and
 *   calls workerMain() instead of the command line. Run from src/ (tests importing lint()), there
 *   is no bundle and no worker: workersAvailable() is false and lint() stays on its thread.
 * - A worker loads the same config file the main thread found (by its path) and lints what it is
 *   sent with lintNode(), the function the main thread uses, so a node's outcome (its stderr
 *   lines, counts and report piece) is the same bytes either way.
 * - The main thread sends each worker up to IN_FLIGHT node indexes at a time, in node order, lints
 *   nodes itself in between, and hands the outcomes to `take` in node order, whichever thread
 *   finishes first; it never starts a node more than MAX_AHEAD past the next one to hand out, so
 *   what it holds stays bounded.
 * - lintNode() never throws (an internal error is part of the outcome); a worker that dies
 *   (out of memory, a bug in this file) fails the run as an internal error.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { NodeSetSpec } from '../discover/index.js';
import { loadConfig } from '../engine/config.js';
import { knownRuleIds } from '../engine/docs.js';
import { InternalError } from './errors.js';
import { lintNode, type NodeOutcome, type NodeSettings } from './lint.js';

declare const __CRILINT_VERSION__: string;

const IN_FLIGHT = 4;
const MAX_AHEAD = 256;

export interface WorkerInit {
  settings: NodeSettings;
  /** The config file the main thread loaded (absolute), or null for none. */
  configPath: string | null;
}

type ToWorker = { i: number; spec: NodeSetSpec };
type FromWorker = { i: number; outcome: NodeOutcome };

/** True in the bundle (dist/), where a worker can start the same code. */
export function workersAvailable(): boolean {
  return typeof __CRILINT_VERSION__ === 'string';
}

function workerEntry(): URL {
  // In the bundle, import.meta.url is dist/crilint.cjs; the loader beside it runs it with the code cache.
  return new URL('./crilint.mjs', import.meta.url);
}

/**
 * Lint `specs` on this thread and `jobs - 1` workers, handing each outcome to `take` in node
 * order. This thread lints too (one node per turn of the event loop, so the workers' answers are
 * taken in between): the workers' start-up is not waited for, and a 2-core machine runs one
 * isolate fewer.
 */
export function lintInWorkers(specs: readonly NodeSetSpec[], init: WorkerInit, jobs: number, here: (spec: NodeSetSpec) => NodeOutcome, take: (o: NodeOutcome) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = new Map<number, NodeOutcome>();
    const workers: { w: Worker; busy: number }[] = [];
    let sent = 0;
    let next = 0;
    let finished = false;
    const end = (e?: unknown) => {
      if (finished) return;
      finished = true;
      for (const { w } of workers) void w.terminate();
      if (e === undefined) resolve();
      else reject(e);
    };
    const fail = (e: unknown) => end(new InternalError(`a fleet worker failed: ${(e as Error)?.message ?? String(e)}`, { cause: e }));
    const room = () => sent < specs.length && sent < next + MAX_AHEAD;
    const put = (i: number, o: NodeOutcome) => {
      done.set(i, o);
      try {
        while (done.has(next)) {
          const ready = done.get(next)!;
          done.delete(next);
          next++;
          take(ready);
        }
      } catch (e) {
        end(e);
        return;
      }
      if (next === specs.length) end();
    };
    const feed = (slot: { w: Worker; busy: number }) => {
      while (slot.busy < IN_FLIGHT && room()) {
        const msg: ToWorker = { i: sent, spec: specs[sent]! };
        slot.w.postMessage(msg);
        slot.busy++;
        sent++;
      }
    };
    // This thread's turn: one node, then the event loop (workers' answers), then the next node.
    let scheduled = false;
    const schedule = () => {
      if (scheduled || finished) return;
      scheduled = true;
      setImmediate(local);
    };
    const local = () => {
      scheduled = false;
      if (finished || !room()) return;
      const i = sent++;
      put(i, here(specs[i]!));
      for (const s of workers) feed(s);
      schedule();
    };
    for (let k = 0; k < jobs - 1; k++) {
      const w = new Worker(workerEntry(), { workerData: { crilint: 'fleet-worker', init } });
      const slot = { w, busy: 0 };
      workers.push(slot);
      w.on('message', (m: FromWorker) => {
        if (finished) return;
        slot.busy--;
        put(m.i, m.outcome);
        if (finished) return;
        // Refill every worker (one held back by MAX_AHEAD may go on now), and this thread.
        for (const s of workers) feed(s);
        schedule();
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!finished) fail(new Error(`exited with code ${code} before the fleet was done`));
      });
    }
    for (const s of workers) feed(s);
    schedule();
  });
}

/** The worker side: lint each node sent, answer with its outcome. Called by the bundle's loader in a fleet worker. */
export function workerMain(): void {
  if (isMainThread || !parentPort) throw new Error('workerMain() runs in a fleet worker');
  const port = parentPort;
  const init = (workerData as { init: WorkerInit }).init;
  const config = init.configPath ? loadConfig({ explicit: init.configPath, cwd: process.cwd(), knownRules: knownRuleIds() }) : null;
  port.on('message', (m: ToWorker) => {
    const reply: FromWorker = { i: m.i, outcome: lintNode(m.spec, init.settings, { config }) };
    port.postMessage(reply);
  });
}
