#!/usr/bin/env node
// crilint benchmarks (`npm run bench` builds first). Each benchmark is an entry of BENCHMARKS;
// `node bench/run.mjs [name...] [--runs N] [--fleet-runs N] [--check]` runs the named ones (default: all).
//
// cold-start: the time of `crilint lint --root examples/clean-node` relative to `node -e 0`,
// the floor of any Node CLI. Both are spawned alternately, the same number of times, in the same
// run, so load on the machine affects both alike; the medians are compared. Target: <= 2x.
// With --check, the process exits 1 when a benchmark misses its target (for CI, if wanted).
//
// fleet: `crilint lint` over a fleet of 1,000 node sets (about 5,000 files, 5% of the nodes
// broken; bench/fleet.mjs builds it under bench/.fleet/, ignored by git), as it runs by default
// and with `--jobs 2` (two workers), against `yamllint` over
// only the fleet's YAML files and a loop of `containerd --config F config dump` over only its
// TOML files. Target: <= 2 s wall, and crilint >= 5x faster than yamllint. Needs yamllint
// (Debian package yamllint) and containerd; says so and skips that comparison when one is missing.
// With `--cache` too: nothing changed since the last run (interleaved with the others), every
// file's times changed as after a fresh checkout (content checked), and 10 nodes changed; the
// yamllint ratio is given for both the plain and the unchanged cached run. Beside them, the floor
// (bench/floor.mjs): Node's start, the walk and the reads of the fleet, then the same with every
// YAML and TOML file parsed by crilint's parsers; yamllint / floor bounds any such tool's ratio.
// fleet-memory: peak RSS of `crilint lint` over 10,000 node sets (GNU time's maximum resident
// set size of the process; worker threads are in the same process), by default and with
// `--jobs 2`. Target: <= 200 MiB.
//
// To add a benchmark: add an entry { name, describe, run(opts) } whose run returns
// { lines: string[], ok: boolean }. Put generated inputs under bench/.fleet/ (ignored by git).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, lutimesSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildFleet } from './fleet.mjs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(REPO, 'bin/crilint.mjs');
const DIST = resolve(REPO, 'dist/crilint.mjs');
const FLOOR = resolve(REPO, 'bench/floor.mjs');

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

/** The command on PATH, or null. */
function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The fleet lint as the bench runs it: every node below the fleet directory, one target for all. */
function fleetLint(dir, extra = []) {
  // Exit 2: the fleet has unreadable nodes on purpose (they are reported, the rest go on).
  return { cmd: process.execPath, args: [BIN, 'lint', dir, '--kubernetes', '1.34', '--containerd', '2.1', ...extra], status: 2 };
}

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
  {
    name: 'fleet',
    describe: 'crilint lint over 1,000 node sets; vs yamllint (YAML files only) and a containerd config dump loop (TOML files only)',
    target: { wallMs: 2000, yamllint: 5 },
    run({ fleetRuns }) {
      const fleet = buildFleet('n1000', 1000);
      const lines = [`fleet: ${fleet.count} node sets, ${fleet.files.length} files (${fleet.yaml.length} YAML, ${fleet.toml.length} TOML) in ${fleet.dir}`];
      const lint = fleetLint(fleet.dir);
      // The default (workers only from 4 cores) and two workers whatever the machine.
      const workers = fleetLint(fleet.dir, ['--jobs', '2']);
      // --cache, its file beside the fleet; the first (warm-up) run fills it.
      const cacheFile = resolve(fleet.dir, '..', 'bench.crilintcache');
      rmSync(cacheFile, { force: true });
      const cached = fleetLint(fleet.dir, ['--cache', '--cache-location', cacheFile]);
      timeOnce(cached.cmd, cached.args, cached.status);
      const yamllint = which('yamllint');
      const commands = [lint, workers, cached];
      // yamllint's default rules; it exits 1 when it finds something, which it does.
      // The floor (bench/floor.mjs): Node's start and the fleet's walk and reads, then also its parses.
      const floor = (mode) => ({ cmd: process.execPath, args: [FLOOR, mode, fleet.dir], status: 0 });
      commands.push(floor('io'), floor('parse'));
      if (yamllint) commands.push({ cmd: yamllint, args: ['-f', 'parsable', ...fleet.yaml] });
      const [l, w, c, io, parse, y] = interleave(commands, { runs: fleetRuns, warmup: 1 });
      const wall = median(l);
      let ok = wall <= this.target.wallMs;
      lines.push(`crilint lint (all files)      ${fmt(wall)}   (min ${fmt(Math.min(...l))}, max ${fmt(Math.max(...l))}, ${l.length} runs; target <= ${this.target.wallMs} ms: ${wall <= this.target.wallMs ? 'ok' : 'TOO SLOW'})`);
      lines.push(`crilint lint --jobs 2         ${fmt(median(w))}   (min ${fmt(Math.min(...w))}, max ${fmt(Math.max(...w))}, ${w.length} runs; ${(median(w) / wall).toFixed(2)}x the default)`);
      lines.push(`crilint lint --cache, nothing changed ${fmt(median(c))}   (min ${fmt(Math.min(...c))}, max ${fmt(Math.max(...c))}, ${c.length} runs)`);
      // After a fresh checkout every file has new times: each node set is checked by content once.
      const checkout = [];
      for (let i = 0; i < fleetRuns; i++) {
        const now = new Date();
        for (const f of fleet.files) lutimesSync(f, now, now);
        checkout.push(timeOnce(cached.cmd, cached.args, cached.status));
      }
      lines.push(`crilint lint --cache, every file's times changed ${fmt(median(checkout))}   (min ${fmt(Math.min(...checkout))}, ${checkout.length} runs)`);
      // 10 nodes (1%) with a changed containerd config: they are linted, the rest come from the cache.
      const changed = fleet.toml.slice(0, 10);
      const texts = changed.map((f) => readFileSync(f));
      const some = [];
      for (let i = 0; i < fleetRuns; i++) {
        for (const f of changed) appendFileSync(f, `# bench change ${i}\n`);
        some.push(timeOnce(cached.cmd, cached.args, cached.status));
        changed.forEach((f, k) => writeFileSync(f, texts[k]));
      }
      lines.push(`crilint lint --cache, 10 nodes changed ${fmt(median(some))}   (min ${fmt(Math.min(...some))}, ${some.length} runs)`);
      lines.push(`floor: node start, walk and read the fleet ${fmt(median(io))}   (min ${fmt(Math.min(...io))}; bench/floor.mjs io)`);
      lines.push(`floor: the same and parse it (yaml, toml-eslint-parser) ${fmt(median(parse))}   (min ${fmt(Math.min(...parse))}; bench/floor.mjs parse)`);
      if (y) {
        const ratio = median(y) / wall;
        const cachedRatio = median(y) / median(c);
        ok &&= cachedRatio >= this.target.yamllint;
        lines.push(`yamllint (YAML files only)    ${fmt(median(y))}   (min ${fmt(Math.min(...y))}, max ${fmt(Math.max(...y))}, ${y.length} runs)`);
        lines.push(`crilint is ${ratio.toFixed(1)}x faster than yamllint without a cache (target >= ${this.target.yamllint}x): ${ratio >= this.target.yamllint ? 'ok' : 'TOO SLOW'}`);
        // The most any Node.js tool could reach: it must at least start, read the files and parse them.
        lines.push(`yamllint / floor: ${(median(y) / median(io)).toFixed(1)}x with the reads alone, ${(median(y) / median(parse)).toFixed(1)}x with the parses (the most a Node.js tool reading, or also parsing, these files can reach)`);
        lines.push(`crilint --cache, nothing changed, is ${cachedRatio.toFixed(1)}x faster than yamllint (target >= ${this.target.yamllint}x): ${cachedRatio >= this.target.yamllint ? 'ok' : 'TOO SLOW'}`);
      } else {
        ok = false;
        lines.push('yamllint: NOT INSTALLED, comparison skipped (apt-get install yamllint)');
      }
      const containerd = which('containerd');
      if (containerd) {
        // Today's common CI check: one `config dump` per TOML file, one after the other. Run once
        // (it takes tens of seconds); its exit status is not checked (broken files fail, as they should).
        const t0 = process.hrtime.bigint();
        for (const f of fleet.toml) spawnSync(containerd, ['--config', f, 'config', 'dump'], { stdio: 'ignore' });
        const loop = Number(process.hrtime.bigint() - t0) / 1e6;
        lines.push(`containerd config dump loop (TOML files only, 1 run) ${fmt(loop)}   (${(loop / fleet.toml.length).toFixed(1)} ms a file)`);
        lines.push(`crilint is ${(loop / wall).toFixed(1)}x faster than the containerd loop`);
      } else lines.push('containerd: NOT INSTALLED, comparison skipped (apt-get install containerd)');
      return { ok, lines };
    },
  },
  {
    name: 'fleet-memory',
    describe: 'peak RSS of crilint lint over 10,000 node sets',
    target: 200,
    run() {
      const fleet = buildFleet('n10000', 10000);
      const lines = [`fleet: ${fleet.count} node sets, ${fleet.files.length} files`];
      const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
      if (!time) return { ok: false, lines: [...lines, 'GNU time (/usr/bin/time) is NOT INSTALLED: cannot measure peak RSS (apt-get install time)'] };
      let ok = true;
      for (const [label, extra] of [['default', []], ['--jobs 2', ['--jobs', '2']]]) {
        const lint = fleetLint(fleet.dir, extra);
        const t0 = process.hrtime.bigint();
        const r = spawnSync(time, ['-f', 'crilint-maxrss-kib %M', lint.cmd, ...lint.args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28 });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const m = /crilint-maxrss-kib (\d+)/.exec(r.stderr);
        if (r.status !== lint.status || !m) return { ok: false, lines: [...lines, `crilint exited ${r.status}, expected ${lint.status}: ${r.stderr.slice(-500)}`] };
        const mib = Number(m[1]) / 1024;
        ok &&= mib <= this.target;
        lines.push(`${label.padEnd(9)} peak RSS ${mib.toFixed(1)} MiB (target <= ${this.target} MiB): ${mib <= this.target ? 'ok' : 'TOO MUCH'}; wall ${fmt(ms)} (1 run)`);
      }
      return { ok, lines };
    },
  },
];

function parseArgs(argv) {
  const opts = { runs: 15, fleetRuns: 5, check: false, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') opts.runs = Math.max(10, Number(argv[++i]));
    else if (a === '--fleet-runs') opts.fleetRuns = Math.max(1, Number(argv[++i]));
    else if (a === '--check') opts.check = true;
    else opts.names.push(a);
  }
  if (!Number.isInteger(opts.runs)) throw new Error('--runs takes a whole number (at least 10)');
  if (!Number.isInteger(opts.fleetRuns)) throw new Error('--fleet-runs takes a whole number (at least 1)');
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
  console.log(`node ${process.version}, ${opts.runs} runs each (fleet: ${opts.fleetRuns})`);
  let ok = true;
  for (const b of chosen) {
    console.log(`\n${b.name}: ${b.describe}`);
    const r = b.run(opts);
    for (const line of r.lines) console.log(`  ${line}`);
    ok &&= r.ok;
  }
  if (opts.check && !ok) process.exit(1);
}
