// The bench fleet: N node roots under bench/.fleet/<name>/nodes/ (ignored by git), built from the
// repository's own node sets (examples/ and fixtures/) so that it is realistic without being
// copied from anywhere else. Used by bench/run.mjs; `node bench/fleet.mjs [N]` builds one alone.
//
// Out of every 20 nodes (node-00000, node-00001, ...):
//   12  clean nodes: examples/clean-node, each with its own name in a comment and its own
//       maxPods (every 2nd without instance-config.yaml), so no two files are the same bytes
//    1  examples/broken-node (several cross-file findings)
//    6  a fixture case of fixtures/<rule>/<case>/ in turn (each exercises one rule: most have
//       findings, a few are clean)
//    1  broken: in turn a containerd config.toml cut off mid-table (unparsable TOML), a kubelet
//       config.yaml with a tab-indented mapping (unparsable YAML), or a crictl.yaml that is a
//       dangling symlink (unreadable: crilint says so and exits 2, the other nodes go on)
// For 1,000 nodes that is about 5,000 files, 5% of the nodes broken.
//
// Generated node sets: the goldens of `crilint generate` (fixtures/generate/<k8s>-<containerd>,
// which test/generate.test.ts holds byte-identical to the generator's output) take their share
// of the clean slots, next to examples/clean-node (GENERATED below).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FLEET_DIR = join(REPO, 'bench/.fleet');
const BUILDER_VERSION = 1;

/**
 * Generated node sets, one per golden of `crilint generate` (fixtures/generate/*): { name, write(dir) },
 * write(dir) copying the golden into the (empty, existing) node root dir. Clean slots cycle
 * through examples/clean-node and these.
 */
const GOLDENS = join(REPO, 'fixtures/generate');
const GENERATED = existsSync(GOLDENS)
  ? readdirSync(GOLDENS)
      .sort()
      .filter((n) => statSync(join(GOLDENS, n)).isDirectory())
      .map((n) => ({ name: `generate/${n}`, write: (to) => cpSync(join(GOLDENS, n), to, { recursive: true }) }))
  : [];

/** Every file below dir (root-relative, `/`-separated), links included, sorted. */
function listFiles(dir, base = dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, base));
    else out.push(relative(base, p));
  }
  return out;
}

/** Fixture cases: directories below fixtures/ with an expected.json (each is a node root). */
function fixtureCases() {
  const out = [];
  const walk = (dir) => {
    const names = readdirSync(dir).sort();
    if (names.includes('expected.json')) {
      out.push(dir);
      return;
    }
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(join(REPO, 'fixtures'));
  return out;
}

const SKIP = new Set(['expected.json', 'target.json', 'fixed', 'README.md']);

function copyNode(from, to) {
  mkdirSync(to, { recursive: true });
  for (const n of readdirSync(from)) if (!SKIP.has(n)) cpSync(join(from, n), join(to, n), { recursive: true, verbatimSymlinks: true });
}

function cleanNode(to, i) {
  copyNode(join(REPO, 'examples/clean-node'), to);
  const kubelet = join(to, 'var/lib/kubelet/config.yaml');
  const text = readFileSync(kubelet, 'utf8');
  writeFileSync(kubelet, `# fleet node ${i}\n${/^maxPods:/m.test(text) ? text.replace(/^maxPods:.*$/m, `maxPods: ${100 + (i % 150)}`) : `${text}maxPods: ${100 + (i % 150)}\n`}`);
  const toml = join(to, 'etc/containerd/config.toml');
  writeFileSync(toml, `# fleet node ${i}\n${readFileSync(toml, 'utf8')}`);
  if (i % 2) rmSync(join(to, 'var/lib/kubelet/instance-config.yaml'), { force: true });
}

const BROKEN = [
  function unparsableToml(to, i) {
    cleanNode(to, i);
    const p = join(to, 'etc/containerd/config.toml');
    const text = readFileSync(p, 'utf8');
    writeFileSync(p, `${text.slice(0, Math.floor(text.length / 2))}\n[plugins."io.containerd.grpc.v1.cri"\nsandbox_image = \n`);
  },
  function unparsableYaml(to, i) {
    cleanNode(to, i);
    const p = join(to, 'var/lib/kubelet/config.yaml');
    writeFileSync(p, `${readFileSync(p, 'utf8')}evictionHard:\n\tmemory.available: "100Mi"\n  nodefs.available: [10%\n`);
  },
  function unreadable(to, i) {
    cleanNode(to, i);
    rmSync(join(to, 'etc/crictl.yaml'));
    symlinkSync('/etc/crictl.yaml.missing', join(to, 'etc/crictl.yaml'));
  },
];

/** What the fleet is built from, as a hash: a fleet on disk is reused only when it matches. */
function inputsHash(count, cases) {
  const h = createHash('sha256').update(JSON.stringify({ BUILDER_VERSION, count, generated: GENERATED.map((g) => g.name) }));
  for (const dir of [join(REPO, 'examples/clean-node'), join(REPO, 'examples/broken-node'), ...cases, ...GENERATED.map((g) => join(GOLDENS, g.name.slice('generate/'.length)))])
    for (const f of listFiles(dir)) {
      h.update(relative(REPO, join(dir, f)));
      try {
        h.update(readFileSync(join(dir, f)));
      } catch {
        h.update('(unreadable)');
      }
    }
  return h.digest('hex');
}

/**
 * Build (or reuse) bench/.fleet/<name> with `count` nodes. Returns the node root directory and
 * the fleet's files by kind (absolute paths of regular files; YAML and TOML for the comparisons).
 */
export function buildFleet(name, count) {
  const cases = fixtureCases();
  const dir = join(FLEET_DIR, name);
  const nodes = join(dir, 'nodes');
  const stamp = join(dir, 'stamp');
  const hash = inputsHash(count, cases);
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(nodes, { recursive: true });
    const clean = [cleanNode, ...GENERATED.map((g) => (to) => g.write(to))];
    let c = 0;
    let b = 0;
    let f = 0;
    let cleanSlot = 0;
    for (let i = 0; i < count; i++) {
      const to = join(nodes, `node-${String(i).padStart(5, '0')}`);
      const slot = i % 20;
      if (slot === 19) BROKEN[b++ % BROKEN.length](to, i);
      else if (slot === 12) copyNode(join(REPO, 'examples/broken-node'), to);
      else if (slot > 12) copyNode(cases[f++ % cases.length], to);
      else {
        mkdirSync(to, { recursive: true });
        clean[cleanSlot++ % clean.length](to, i);
        c++;
      }
    }
    writeFileSync(stamp, hash);
  }
  const files = [];
  for (const n of readdirSync(nodes).sort())
    for (const f of listFiles(join(nodes, n))) {
      const p = join(nodes, n, f);
      try {
        if (statSync(p).isFile()) files.push(p);
      } catch {
        // a dangling link: not a file
      }
    }
  return {
    dir: nodes,
    count,
    files,
    yaml: files.filter((p) => /\.ya?ml$/.test(p)),
    toml: files.filter((p) => /\.toml$/.test(p)),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1000);
  const f = buildFleet(`n${n}`, n);
  console.log(`${f.dir}: ${f.count} nodes, ${f.files.length} files (${f.yaml.length} YAML, ${f.toml.length} TOML)`);
}
