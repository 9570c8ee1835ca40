/**
 * Property-based tests (fast-check) over the fixtures and the corpus: a node set from either,
 * with one of its files mutated at random (lines deleted, duplicated, swapped; values changed,
 * often to another type; keys renamed; truncated; bytes injected), goes through the in-process
 * pipeline as `crilint lint --fix --unsafe-fixes` would (test/fuzz/worker.ts). For every input:
 *
 * - nothing throws: no exception while loading, checking, suppressing, reporting (all four
 *   formats), fixing or writing — an exception is an internal error (exit 3) for the user;
 * - nothing hangs: each input has a deadline, after which the worker thread is terminated;
 * - no fix pass is discarded as unparsable, and no written file that parsed before fails to parse;
 * - fixing is idempotent: a second `--fix --unsafe-fixes` over the written files changes nothing.
 *
 * Two bounded runs: a fixed seed (the same inputs every time) and a random one; fast-check prints
 * the seed and the shrunk counterexample on failure, and CRILINT_FC_SEED=<seed> replays it.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMutations, mutationArb, randomSeed } from './fuzz/mutate.js';
import { FuzzPool, type PoolReport } from './fuzz/pool.js';
import { corpusSeeds, fixtureSeeds, type SeedNode } from './fuzz/seeds.js';
import type { FuzzInput } from './fuzz/worker.js';

const FIXED_SEED = 20_261_203;
/** Inputs per run; CRILINT_FC_RUNS raises it for a longer hunt. */
const RUNS = Number(process.env.CRILINT_FC_RUNS) || 300;
/** Far above any real input's time (tens of milliseconds): only a hang gets near it. */
const DEADLINE_MS = 15_000;

const seeds: SeedNode[] = [...fixtureSeeds(), ...corpusSeeds()];
const TARGETS: FuzzInput['target'][] = [
  {},
  { kubernetes: '1.34', containerd: '2.1' },
  { kubernetes: '1.30', containerd: '1.7' },
  { kubernetes: '1.28', containerd: '1.6.20' },
  { kubernetes: '1.36', containerd: '2.3' },
];

/** A seed node with 1-4 mutations applied to one of its files, and a target (the seed's own or another). */
const inputArb = fc
  .record({
    seed: fc.nat({ max: seeds.length - 1 }),
    file: fc.nat(),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    target: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...TARGETS) }),
  })
  .map(({ seed, file, mutations, target }) => {
    const node = seeds[seed]!;
    const names = Object.keys(node.files);
    const name = names[file % names.length]!;
    return { seed: node.name, file: name, mutations, target: target ?? node.target };
  });

function materialize(c: { seed: string; file: string; mutations: Parameters<typeof applyMutations>[1]; target: FuzzInput['target'] }): FuzzInput {
  const node = seeds.find((s) => s.name === c.seed)!;
  return { files: { ...node.files, [c.file]: applyMutations(node.files[c.file]!, c.mutations) }, links: node.links, target: c.target };
}

function problems(r: PoolReport): string[] {
  if ('hang' in r) return [`did not finish within ${r.hang} ms`];
  const out: string[] = [];
  if (r.error) out.push(`exception: ${r.error}`);
  for (const i of r.internal) out.push(`internal fix diagnostic: ${i}`);
  for (const u of r.unparsable) out.push(`--fix wrote a file that no longer parses: ${u}`);
  for (const s of r.second) out.push(`second --fix changed ${s.file}:\n--- before\n${s.before}\n--- after\n${s.after}`);
  return out;
}

let pool: FuzzPool;
const stats = { inputs: 0, findings: 0, fixed: 0 };
beforeAll(() => {
  pool = new FuzzPool(DEADLINE_MS);
});
afterAll(async () => {
  await pool?.close();
  console.info(`property: ${stats.inputs} mutated node sets, ${stats.findings} findings, ${stats.fixed} node sets changed by --fix`);
});

const property = fc.asyncProperty(inputArb, async (c) => {
  const r = await pool.run(materialize(c));
  stats.inputs++;
  if (!('hang' in r)) {
    stats.findings += r.findings;
    if (r.fixed) stats.fixed++;
  }
  expect(problems(r)).toEqual([]);
});

describe('mutated fixtures and corpus files never crash, hang, break a file or fix twice', () => {
  it(`has seeds: the fixtures and (with ../shared) the corpus (${seeds.length})`, () => {
    expect(seeds.length).toBeGreaterThan(100);
  });

  it(`fixed seed ${FIXED_SEED}, ${RUNS} inputs`, async () => {
    await fc.assert(property, { seed: FIXED_SEED, numRuns: RUNS });
  }, 240_000);

  const seed = randomSeed();
  it(`random seed ${seed} (CRILINT_FC_SEED=${seed} replays it), ${RUNS} inputs`, async () => {
    await fc.assert(property, { seed, numRuns: RUNS });
  }, 240_000);
});
