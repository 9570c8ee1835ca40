/**
 * Invariants of `lint --fix --unsafe-fixes` over every node set we have: every rule fixture
 * (fixtures/<rule>/<case>/ at its target.json), the hand-written kubeadm nodes and examples, and
 * every non-template file of ../shared/corpus placed at its well-known path (containerd files
 * also beside a kubelet config and crictl.yaml, so the cross-file fixes run on real files).
 *
 * For each: fix with every rule's safe and unsafe fixes through the CLI's machinery (runFixes and
 * the atomic writer), then
 * 1. the fixer reports no failed fix and no diagnostic (unparsable output, circular, max passes);
 * 2. every written file parses as its format with no more syntax problems than before;
 * 3. every whole-line comment of the input is still in the output (as many times; indentation
 *    may change where a fix moves a table), except crilint directives that unused-suppression
 *    removes;
 * 3a. the `--fix-dry-run` patch, applied with `patch -p1` to a copy of the input, gives exactly the
 *    bytes the writer wrote;
 * 4. re-linting finds nothing fixable, and a second fix changes nothing;
 * 5. for a node aimed at containerd 1.6 whose containerd errors were all fixable, the real
 *    `containerd --config F config dump` (Debian's 1.6) accepts the fixed config.toml.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileKind } from '../src/core/source.js';
import { parseVersion, type Version } from '../src/core/version.js';
import { discover, type NodeSetSpec } from '../src/discover/index.js';
import { FIXTURE_META, fixtureCases, ruleCatalog } from '../src/engine/docs.js';
import { runFixes, syntaxProblems } from '../src/engine/fix-run.js';
import { changePath } from '../src/fix/common.js';
import { unifiedDiff } from '../src/fix/diff.js';
import { writeFiles } from '../src/fix/write.js';
import { CORPUS, REPO } from './helpers/cli.js';
import { CONTAINERD_VERSION, dump } from './helpers/containerd.js';

interface NodeCase {
  name: string;
  /** Directory whose files (minus fixture bookkeeping) form the node root. */
  files: Map<string, string>;
  target: { kubernetes?: Version; containerd?: Version };
}

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

function treeFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p).split(sep).join('/');
      if ((FIXTURE_META as readonly string[]).includes(rel)) continue;
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(rel, readFileSync(p, 'latin1'));
    }
  };
  walk(root);
  return out;
}

const V16 = parseVersion('1.6.20')!;

function fixtureNodes(): NodeCase[] {
  const cases = ruleCatalog().flatMap((m) => fixtureCases(join(REPO, 'fixtures'), m.id));
  const out: NodeCase[] = cases.map((c) => ({ name: `fixtures/${c.rule}/${c.name}`, files: treeFiles(c.dir), target: c.target }));
  for (const dir of ['fixtures/nodes', 'examples']) {
    for (const e of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      if (e.isDirectory()) out.push({ name: `${dir}/${e.name}`, files: treeFiles(join(REPO, dir, e.name)), target: {} });
    }
  }
  return out;
}

const TEMPLATE = /TEMPLATE|\.tmpl$|\.j2$/;
const KUBELET = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n';
const CRICTL = 'timeout: 2\n';

function corpusNodes(): NodeCase[] {
  const out: NodeCase[] = [];
  const list = (sub: string) => (existsSync(join(CORPUS, sub)) ? readdirSync(join(CORPUS, sub)).filter((n) => n !== 'SOURCES.md' && !TEMPLATE.test(n)).sort() : []);
  const read = (sub: string, n: string) => readFileSync(join(CORPUS, sub, n), 'latin1');
  for (const n of list('containerd')) {
    const text = read('containerd', n);
    const version = Number(/^\s*version\s*=\s*(\d+)/m.exec(text)?.[1] ?? 1);
    const alone = new Map([['etc/containerd/config.toml', text]]);
    const withKubelet = new Map([...alone, ['var/lib/kubelet/config.yaml', KUBELET], ['etc/crictl.yaml', CRICTL]]);
    out.push({ name: `corpus/containerd/${n}`, files: alone, target: {} });
    out.push({ name: `corpus/containerd/${n} + kubelet`, files: withKubelet, target: {} });
    if (version <= 2) out.push({ name: `corpus/containerd/${n} + kubelet @1.6`, files: withKubelet, target: { containerd: V16 } });
  }
  for (const n of list('kubelet')) {
    const at = /instance-config/.test(n) ? 'var/lib/kubelet/instance-config.yaml' : /drop-in/.test(n) ? null : 'var/lib/kubelet/config.yaml';
    if (at) out.push({ name: `corpus/kubelet/${n}`, files: new Map([[at, read('kubelet', n)]]), target: {} });
  }
  const other = (sub: string, at: (n: string) => string) => {
    for (const n of list(`other/${sub}`)) {
      if (statSync(join(CORPUS, 'other', sub, n)).isFile()) out.push({ name: `corpus/other/${sub}/${n}`, files: new Map([[at(n), read(`other/${sub}`, n)]]), target: {} });
    }
  };
  other('sysctl.d', (n) => `etc/sysctl.d/${n.endsWith('.conf') ? n : `${n}.conf`}`);
  other('modules-load.d', (n) => `etc/modules-load.d/${n.endsWith('.conf') ? n : `${n}.conf`}`);
  other('crictl', () => 'etc/crictl.yaml');
  return out;
}

function materialise(c: NodeCase): string {
  const root = mkdtempSync(join(tmpdir(), 'crilint-inv-'));
  tmp.push(root);
  for (const [rel, text] of c.files) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text, 'latin1');
  }
  return root;
}

function spec(root: string): NodeSetSpec {
  const d = discover([], [root]);
  if (d.specs.length !== 1) throw new Error(`${root}: expected one node set, got ${d.specs.length}`);
  return d.specs[0]!;
}

/** Whole-line comments of a text, trimmed, counted; crilint directives are left out. */
function commentLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t.startsWith('#') || /crilint-disable/.test(t)) continue;
    out.set(t, (out.get(t) ?? 0) + 1);
  }
  return out;
}

function kindAt(rel: string): FileKind | null {
  if (rel.startsWith('etc/containerd/')) return 'containerd';
  if (rel === 'etc/crictl.yaml') return 'crictl';
  if (rel.startsWith('var/lib/kubelet/') && rel.endsWith('.yaml')) return 'kubelet';
  if (/\/sysctl\.d\/|sysctl\.conf$/.test(rel)) return 'sysctl';
  if (rel.endsWith('kubeadm-flags.env')) return 'kubelet-flags';
  return null;
}

const HAVE_CONTAINERD = CONTAINERD_VERSION !== null;
if (!HAVE_CONTAINERD && !process.env.CI) console.warn('fix-invariants: containerd 1.6 is not installed; the config dump check is skipped (CI fails instead)');

const nodes = [...fixtureNodes(), ...corpusNodes()];

describe('lint --fix --unsafe-fixes invariants', () => {
  it(`covers every fixture and non-template corpus file (${nodes.length} node sets)`, () => {
    expect(nodes.filter((n) => n.name.startsWith('fixtures/')).length).toBeGreaterThan(100);
    expect(nodes.filter((n) => n.name.startsWith('corpus/containerd/')).length).toBeGreaterThan(60);
    expect(nodes.filter((n) => n.name.startsWith('corpus/other/')).length).toBeGreaterThan(5);
    if (process.env.CI) expect(HAVE_CONTAINERD, 'containerd 1.6 must be installed under CI').toBe(true);
  });

  let dumpChecked = 0;
  for (const c of nodes) {
    it(c.name, () => {
      const root = materialise(c);
      const opts = { given: c.target, unsafe: true };
      const { first, result } = runFixes(spec(root), opts);
      expect(result.failed.map((f) => `${f.rule}: ${f.reason}`), 'failed fixes').toEqual([]);
      expect(result.diagnostics.map((d) => d.message), 'fix diagnostics').toEqual([]);
      const copy = materialise(c);
      const patch = unifiedDiff(result.files.values());
      writeFiles([...result.files.values()], { root });

      const after = treeFiles(root);
      if (patch) {
        const applied = spawnSync('patch', ['-p1', '--quiet', '--no-backup-if-mismatch'], { cwd: copy, input: patch, encoding: 'utf8' });
        expect(applied.status, `patch -p1: ${applied.stdout}${applied.stderr}`).toBe(0);
      }
      expect(treeFiles(copy), 'the dry-run patch gives what --fix wrote').toEqual(after);
      for (const [rel, text] of after) {
        const kind = kindAt(rel);
        const before = c.files.get(rel);
        if (!kind || before === text) continue;
        const problems = (t: string) => syntaxProblems(kind, join(root, rel), t.replace(/^\uFEFF/, ''));
        expect(problems(Buffer.from(text, 'latin1').toString('utf8')), `${rel} parses after the fix`).toBeLessThanOrEqual(
          before === undefined ? 0 : Math.max(0, problems(Buffer.from(before, 'latin1').toString('utf8'))),
        );
      }
      for (const [rel, text] of c.files) {
        const out = commentLines(after.get(rel) ?? '');
        const lost = [...commentLines(text)].filter(([line, n]) => (out.get(line) ?? 0) < n).map(([line]) => line);
        expect(lost, `${rel}: comment lines the fix dropped`).toEqual([]);
      }

      const again = runFixes(spec(root), opts);
      const broken = new Set(again.first.findings.filter((f) => f.rule === 'syntax' && f.file).map((f) => f.file!.path));
      const fixable = again.first.findings.filter((f) => f.fix && !f.fix.changes.some((ch) => broken.has(changePath(ch))));
      expect(fixable.map((f) => `${f.rule} ${f.file?.display ?? ''}:${f.range?.start.line ?? ''}: ${f.message}`), 'fixable after --fix').toEqual([]);
      expect([...again.result.files.keys()], 'a second --fix changes nothing').toEqual([]);

      const config = join(root, 'etc/containerd/config.toml');
      const aimedAt16 = c.target.containerd?.major === 1 && c.target.containerd.minor === 6;
      if (HAVE_CONTAINERD && aimedAt16 && existsSync(config)) {
        const unfixable = first.findings.filter((f) => f.severity === 'error' && f.file?.kind === 'containerd' && !f.fix);
        if (unfixable.length === 0) {
          const r = dump(config);
          expect(r.ok, `containerd config dump of the fixed config.toml: ${r.output}`).toBe(true);
          dumpChecked++;
        }
      }
    });
  }

  it('checked fixed containerd 1.6 configs with the real containerd', () => {
    if (HAVE_CONTAINERD) expect(dumpChecked).toBeGreaterThan(20);
  });
});
