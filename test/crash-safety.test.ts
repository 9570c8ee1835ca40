/**
 * Crash safety of `crilint lint --fix`: a real process (dist/) fixing a fleet of nodes is killed
 * at many points of its run, and afterwards every file is either its old or its new version,
 * never a mix or a truncated copy; the next `--fix` finishes the job and leaves no temp file.
 *
 * Two ways to kill it:
 * - at a chosen step of the atomic writer: CRILINT_TEST_CRASH_AT=N makes src/fix/write.ts send
 *   itself SIGKILL at its N-th step (temp file created, half written, written and synced, before a
 *   rename, after a rename); the steps are sampled with a fixed seed plus a random one
 *   (CRILINT_FC_SEED replays it), always including the first and the last step;
 * - from outside, SIGKILL after a random delay within the length of an uninterrupted run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_PATTERN } from '../src/fix/write.js';
import { REPO } from './helpers/cli.js';
import { randomSeed } from './fuzz/mutate.js';

const NODES = 4;
const BIN = resolve(REPO, 'bin/crilint.mjs');
const ARGS = ['lint', '--fix', '--unsafe-fixes', '--kubernetes', '1.34', '--containerd', '2.1', 'fleet'];
const tmp = mkdtempSync(join(tmpdir(), 'crilint-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file below dir (relative path -> bytes). */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const p = join(dir, rel);
    if (statSync(p).isFile()) out.set(rel, readFileSync(p));
  }
  return out;
}

function temps(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((rel) => TEMP_PATTERN.test(rel.split('/').at(-1)!));
}

let pristine: string;
let before: Map<string, Buffer>;
let after: Map<string, Buffer>;
let steps = 0;
let runMs = 0;
let n = 0;

/** A fresh copy of the pristine fleet. */
function fresh(): string {
  const dir = join(tmp, `run-${n++}`);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

function fix(cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, ...ARGS], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
}

/** Each file is its old or its new version; returns how many are new. */
function checkOldOrNew(dir: string): number {
  const now = snapshot(join(dir, 'fleet'));
  let changed = 0;
  for (const [rel, bytes] of now) {
    if (TEMP_PATTERN.test(rel.split('/').at(-1)!)) continue;
    const old = before.get(rel);
    const neu = after.get(rel);
    expect(old ?? neu, `${rel} exists in neither version`).toBeDefined();
    const isOld = old !== undefined && bytes.equals(old);
    const isNew = neu !== undefined && bytes.equals(neu);
    expect(isOld || isNew, `${rel} is neither its old nor its new version:\n${bytes.toString('utf8')}`).toBe(true);
    if (isNew && !isOld) changed++;
  }
  expect([...before.keys()].filter((k) => !now.has(k))).toEqual([]);
  return changed;
}

/** After a crash: the next run completes the fixes and no temp file remains. */
function recover(dir: string): void {
  const r = fix(dir);
  expect(r.signal).toBeNull();
  expect(r.stderr).not.toMatch(/internal error/);
  expect(temps(dir)).toEqual([]);
  const now = snapshot(join(dir, 'fleet'));
  expect([...now.keys()].sort()).toEqual([...after.keys()].sort());
  for (const [rel, bytes] of now) expect(bytes.toString('utf8'), rel).toBe(after.get(rel)!.toString('utf8'));
}

beforeAll(() => {
  pristine = join(tmp, 'pristine');
  for (let i = 0; i < NODES; i++) cpSync(resolve(REPO, 'examples/broken-node'), join(pristine, 'fleet', `node-${String(i).padStart(2, '0')}`), { recursive: true });
  before = snapshot(join(pristine, 'fleet'));
  // The uninterrupted run: the new versions, and how many writer steps it takes.
  const ref = fresh();
  const t0 = Date.now();
  const r = fix(ref, { CRILINT_TEST_CRASH_AT: '0' });
  runMs = Date.now() - t0;
  expect(r.status, r.stderr).toBe(1);
  steps = (r.stderr.match(/^crilint-test: write step \d+$/gm) ?? []).length;
  after = snapshot(join(ref, 'fleet'));
});

describe('crilint lint --fix killed mid-run leaves every file old or new, and the next run cleans up', () => {
  it('the reference run changes 4 files in each node and takes 5 writer steps a file', () => {
    const changed = [...after].filter(([rel, b]) => !before.get(rel)!.equals(b)).map(([rel]) => rel);
    expect(changed.length).toBe(4 * NODES);
    expect(steps).toBe(5 * 4 * NODES);
    expect(temps(join(tmp, 'run-0'))).toEqual([]);
  });

  const sample = (seed: number) => {
    const picked = fc.sample(fc.integer({ min: 1, max: 5 * 4 * NODES }), { seed, numRuns: 6 });
    return [...new Set(picked)].sort((a, b) => a - b);
  };
  const seed = randomSeed();
  for (const [label, list] of [
    ['first and last step', () => [1, 5 * 4 * NODES]],
    ['fixed seed 7', () => sample(7)],
    [`random seed ${seed} (CRILINT_FC_SEED=${seed} replays it)`, () => sample(seed)],
  ] as const) {
    it(`SIGKILL at writer steps: ${label}`, () => {
      for (const at of list()) {
        const dir = fresh();
        const r = fix(dir, { CRILINT_TEST_CRASH_AT: String(at) });
        expect(r.signal, `step ${at}`).toBe('SIGKILL');
        expect((r.stderr.match(/^crilint-test: write step \d+$/gm) ?? []).length).toBe(at);
        const changed = checkOldOrNew(dir);
        // Renames are steps 4 and 5 of each file; nothing is new before the first rename.
        expect(changed, `step ${at}`).toBeLessThanOrEqual(Math.floor((at - 1) / 5) + 1);
        recover(dir);
      }
    }, 120_000);
  }

  it('SIGKILL from outside after random delays', async () => {
    const delays = fc.sample(fc.integer({ min: 0, max: Math.max(1, runMs) }), { seed, numRuns: 4 });
    for (const ms of delays) {
      const dir = fresh();
      const child = spawn(process.execPath, [BIN, ...ARGS], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: 'ignore' });
      const exited = new Promise<void>((res) => child.on('exit', () => res()));
      await new Promise((res) => setTimeout(res, ms));
      child.kill('SIGKILL');
      await exited;
      checkOldOrNew(dir);
      recover(dir);
    }
  }, 120_000);
});
