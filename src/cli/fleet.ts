/**
 * Fleet mode: node sets linted in worker threads, results taken in node order.
 *
 * - Each worker runs the bundled CLI (dist/crilint.mjs, the same loader and V8 code cache as the
 *   command itself) in worker mode: the loader sees WORKER_FLAG in its argv and
 *   `workerData.crilint === 'fleet-worker'`, and calls workerMain() instead of the command line. Run from src/ (tests importing lint()), there
 *   is no bundle and no worker: workersAvailable() is false and lint() stays on its thread.
 * - A worker loads the same config file the main thread found (by its path) and lints what it is
 *   sent with lintNode(), the function the main thread uses, so a node's outcome (its stderr
 *   lines, counts and report piece) is the same bytes either way.
 * - The main thread sends each worker up to IN_FLIGHT batches of BATCH nodes, in node order, and
 *   hands the outcomes to `take` in node order, whichever worker finishes first; it never starts a
 *   node more than MAX_AHEAD past the next one to hand out, so what it holds stays bounded. It
 *   lints nothing itself while a worker is alive (see lintInWorkers).
 * - lintNode() never throws (an internal error is part of the outcome); a worker that dies
 *   (out of memory) hands its nodes back to the main thread.
 */
import type { Worker } from 'node:worker_threads';
import type { NodeSetSpec } from '../discover/index.js';
import { loadConfig } from '../engine/config.js';
import { knownRuleIds } from '../engine/docs.js';
import { lintNode, type NodeOutcome, type NodeSettings } from './lint.js';

declare const __CRILINT_VERSION__: string;

/** Nodes in a message, and messages a worker has at once (so it never waits for the next). */
const BATCH = 4;
const IN_FLIGHT = 2;
/** In a worker's process.argv: the loader (dist/crilint.mjs) then checks workerData without costing the CLI anything. */
const WORKER_FLAG = '--crilint-fleet-worker';
const MAX_AHEAD = 256;
/**
 * A worker's heap (MiB). Linting one node keeps a few MiB alive; a node too big for this is
 * linted on the main thread. CRILINT_WORKER_HEAP_MB sets the old generation (tests use it to
 * make a worker run out of memory). The young generation (each worker's V8 keeps its semi-spaces
 * resident) is 2 MiB: peak RSS of `--jobs 2` over 10,000 nodes 191-206 MiB (median ~197 of 9),
 * against 198-202 MiB with 4 and 211-226 MiB with 8 (interleaved runs); 1,000 nodes take
 * 1.50-1.51 s against 1.41-1.53 s with 4, within the noise.
 */
function workerHeap(): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  const mb = Number(process.env.CRILINT_WORKER_HEAP_MB);
  return { maxOldGenerationSizeMb: Number.isInteger(mb) && mb > 0 ? mb : 48, maxYoungGenerationSizeMb: 2 };
}

export interface WorkerInit {
  settings: NodeSettings;
  /** The config file the main thread loaded (absolute), or null for none. */
  configPath: string | null;
}

/** Nodes `first`, `first + 1`, … to lint. */
type ToWorker = { first: number; specs: NodeSetSpec[] };
/** Their outcomes, as JSON text (one string copies faster than a tree of objects). */
type FromWorker = { first: number; outcomes: string };

/** True in the bundle (dist/), where a worker can start the same code. */
export function workersAvailable(): boolean {
  return typeof __CRILINT_VERSION__ === 'string';
}

/** node:worker_threads, loaded when a fleet needs it (it costs ~2 ms of every start-up otherwise). */
function threads(): typeof import('node:worker_threads') {
  return process.getBuiltinModule('node:worker_threads');
}

function workerEntry(): URL {
  // In the bundle, import.meta.url is dist/crilint.cjs; the loader beside it runs it with the code cache.
  return new URL('./crilint.mjs', import.meta.url);
}

/**
 * Lint `specs` on `jobs` workers, handing each outcome to `take` in node order.
 *
 * - Workers run with a bounded heap (WORKER_HEAP): V8 grows a busy heap far beyond what it keeps
 *   alive, and a fleet of 10,000 nodes must stay within 200 MiB (`npm run bench`).
 * - This thread only hands out work and writes. It used to lint the first nodes itself while the
 *   workers loaded the bundle, but that did not pay: with `--jobs 2` on 2 cores, 1,000 nodes took
 *   1.65-1.76 s that way and 1.56-1.64 s without, and at 10,000 nodes peak RSS went from 203-204
 *   MiB to 186-187 MiB (its own heap and compiled lint code are no longer made; interleaved runs).
 * - A worker that dies (out of memory on a huge node, say) gives its nodes back: they are linted
 *   here, and when no worker is left this thread lints the rest. The run is not failed for it.
 */
export function lintInWorkers(
  specs: readonly NodeSetSpec[],
  init: WorkerInit,
  jobs: number,
  here: (spec: NodeSetSpec) => NodeOutcome,
  take: (o: NodeOutcome) => void,
  onLost: (why: string) => void = () => {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    type Slot = { w: Worker; nodes: Set<number>; batches: number; alive: boolean };
    const done = new Map<number, NodeOutcome>();
    const workers: Slot[] = [];
    /** Nodes given back by a dead worker, to lint here first. */
    const orphans: number[] = [];
    let sent = 0;
    let next = 0;
    let finished = false;
    const end = (e?: unknown) => {
      if (finished) return;
      finished = true;
      for (const s of workers) if (s.alive) void s.w.terminate();
      if (e === undefined) resolve();
      else reject(e);
    };
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
    const feed = () => {
      for (const slot of workers)
        while (slot.alive && slot.batches < IN_FLIGHT && room()) {
          const msg: ToWorker = { first: sent, specs: [] };
          while (msg.specs.length < BATCH && room()) {
            msg.specs.push(specs[sent]!);
            slot.nodes.add(sent++);
          }
          slot.w.postMessage(msg);
          slot.batches++;
        }
    };
    // This thread's turn (only for a dead worker's nodes, or when none is left): one node, then the event loop, then maybe the next.
    let scheduled = false;
    const schedule = () => {
      if (scheduled || finished) return;
      const alive = workers.some((s) => s.alive);
      if (!orphans.length && alive) return;
      scheduled = true;
      setImmediate(local);
    };
    const local = () => {
      scheduled = false;
      if (finished) return;
      const i = orphans.length ? orphans.shift()! : room() ? sent++ : -1;
      if (i < 0) return;
      put(i, here(specs[i]!));
      feed();
      schedule();
    };
    const lost = (slot: Slot) => {
      if (!slot.alive || finished) return;
      slot.alive = false;
      orphans.push(...[...slot.nodes].sort((x, y) => x - y));
      slot.nodes.clear();
      schedule();
    };
    for (let k = 0; k < jobs; k++) {
      const w = new (threads().Worker)(workerEntry(), { workerData: { crilint: 'fleet-worker', init }, argv: [WORKER_FLAG], resourceLimits: workerHeap() });
      const slot: Slot = { w, nodes: new Set(), batches: 0, alive: true };
      workers.push(slot);
      w.on('message', (m: FromWorker) => {
        if (finished || !slot.alive) return;
        slot.batches--;
        const outcomes = JSON.parse(m.outcomes) as NodeOutcome[];
        for (let k = 0; k < outcomes.length && !finished; k++) {
          slot.nodes.delete(m.first + k);
          put(m.first + k, outcomes[k]!);
        }
        if (finished) return;
        // Refill every worker (one held back by MAX_AHEAD may go on now).
        feed();
        schedule();
      });
      w.on('error', (e) => {
        if (slot.alive && !finished) onLost(e.message);
        lost(slot);
      });
      w.on('exit', () => lost(slot));
    }
    feed();
    schedule();
  });
}

/** The worker side: lint each node sent, answer with its outcome. Called by the bundle's loader in a fleet worker. */
export function workerMain(): void {
  const { isMainThread, parentPort, workerData } = threads();
  if (isMainThread || !parentPort) throw new Error('workerMain() runs in a fleet worker');
  const port = parentPort;
  const init = (workerData as { init: WorkerInit }).init;
  const config = init.configPath ? loadConfig({ explicit: init.configPath, cwd: process.cwd(), knownRules: knownRuleIds() }) : null;
  port.on('message', (m: ToWorker) => {
    const reply: FromWorker = { first: m.first, outcomes: JSON.stringify(m.specs.map((spec) => lintNode(spec, init.settings, { config }))) };
    port.postMessage(reply);
  });
}
