#!/usr/bin/env node
// crilint benchmarks (`npm run bench` builds first). Each benchmark is an entry of BENCHMARKS;
// `node bench/run.mjs [name...] [--runs N] [--check]` runs the named ones (default: all).
//
// cold-start: the time of `crilint lint --root examples/clean-node` relative to `node -e 0`,
// the floor of any Node CLI. Both are spawned alternately, the same number of times, in the same
// run, so load on the machine affects both alike; the medians are compared. Target: <= 2x.
// With --check, the process exits 1 when a benchmark misses its target (for CI, if wanted).
//
// To add a benchmark (the fleet one, say): add an entry { name, describe, run(opts) } whose run
// returns { lines: string[], ok: boolean }. Put generated inputs under bench/.fleet/ (ignored by git).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(REPO, 'bin/crilint.mjs');
const DIST = resolve(REPO, 'dist/crilint.mjs');

/** Wall-clock milliseconds of one spawned command (stdout/stderr discarded, exit status checked). */
function timeOnce(cmd, args, expectStatus) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (expectStatus !== undefined && r.status !== expectStatus) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}, expected ${expectStatus}\n${r.stderr}`);
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Run commands alternately: `warmup` unmeasured rounds (file cache, CPU frequency), then `runs`
 * measured rounds. Returns the samples of each command, in the order given.
 */
export function interleave(commands, { runs, warmup = 2 }) {
  const samples = commands.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    commands.forEach((c, i) => {
      const ms = timeOnce(c.cmd, c.args, c.status);
      if (round >= warmup) samples[i].push(ms);
    });
  }
  return samples;
}

const fmt = (ms) => `${ms.toFixed(1).padStart(7)} ms`;

export const BENCHMARKS = [
  {
    name: 'cold-start',
    describe: 'crilint lint --root examples/clean-node vs node -e 0 (median wall time)',
    target: 2,
    run({ runs }) {
      const lint = { cmd: process.execPath, args: [BIN, 'lint', '--root', 'examples/clean-node'], status: 0 };
      const floor = { cmd: process.execPath, args: ['-e', '0'], status: 0 };
      // In-process: how long importing the bundle takes (what bundling and laziness can change).
      const load = { cmd: process.execPath, args: ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(DIST)}); process.stderr.write(String(performance.now() - t));`] };
      const [l, f] = interleave([lint, floor], { runs });
      const imports = [];
      for (let i = 0; i < Math.min(runs, 10); i++) {
        const r = spawnSync(load.cmd, load.args, { cwd: REPO, encoding: 'utf8' });
        imports.push(Number(r.stderr));
      }
      const ratio = median(l) / median(f);
      return {
        ok: ratio <= this.target,
        lines: [
          `crilint lint --root examples/clean-node ${fmt(median(l))}   (min ${fmt(Math.min(...l))}, max ${fmt(Math.max(...l))}, ${l.length} runs)`,
          `node -e 0                               ${fmt(median(f))}   (min ${fmt(Math.min(...f))}, max ${fmt(Math.max(...f))}, ${f.length} runs)`,
          `import of dist/crilint.mjs (in-process) ${fmt(median(imports))}`,
          `ratio ${ratio.toFixed(2)}x (target <= ${this.target}x): ${ratio <= this.target ? 'ok' : 'TOO SLOW'}`,
        ],
      };
    },
  },
];

function parseArgs(argv) {
  const opts = { runs: 15, check: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Math.max(10, Number(argv[++i]));
    else if (a === '--check') opts.check = true;
    else opts.names.push(a);
  }
  if (!Number.isInteger(opts.runs)) throw new Error('--runs takes a whole number (at least 10)');
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(DIST)) {
    console.error('bench: dist/crilint.mjs is missing; run `npm run bench` (it builds first)');
    process.exit(2);
  }
  const chosen = opts.names.length ? BENCHMARKS.filter((b) => opts.names.includes(b.name)) : BENCHMARKS;
  const unknown = opts.names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`bench: unknown benchmark ${unknown.join(', ')} (known: ${BENCHMARKS.map((b) => b.name).join(', ')})`);
    process.exit(2);
  }
  console.log(`node ${process.version}, ${opts.runs} runs each`);
  let ok = true;
  for (const b of chosen) {
    console.log(`\n${b.name}: ${b.describe}`);
    const r = b.run(opts);
    for (const line of r.lines) console.log(`  ${line}`);
    ok &&= r.ok;
  }
  if (opts.check && !ok) process.exit(1);
}
