/**
 * Seed node sets for the property and differential suites: every fixture case (its node files,
 * without the case's bookkeeping) and the non-template corpus files, each placed at its node path.
 * Files are bytes, symlinks are kept as links.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURE_META } from '../../src/engine/docs.js';
import { CORPUS, REPO } from '../helpers/cli.js';

export interface SeedNode {
  name: string;
  /** Root-relative path -> bytes. */
  files: Record<string, Uint8Array>;
  /** Root-relative path -> symlink target. */
  links: Record<string, string>;
  /** From the fixture's target.json ("X.Y" strings). */
  target: { kubernetes?: string; containerd?: string };
}

function walk(dir: string, base: string, node: SeedNode, skipTop: readonly string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const rel = relative(base, p).split('\\').join('/');
    if (dir === base && skipTop.includes(name)) continue;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) node.links[rel] = readlinkSync(p);
    else if (st.isDirectory()) walk(p, base, node, skipTop);
    else if (st.isFile()) node.files[rel] = readFileSync(p);
  }
}

/** Every fixture case as a node (fixtures/<rule>/<case>/ minus expected.json, target.json, fixed/). */
export function fixtureSeeds(): SeedNode[] {
  const out: SeedNode[] = [];
  const fixtures = join(REPO, 'fixtures');
  for (const rule of readdirSync(fixtures).sort()) {
    const ruleDir = join(fixtures, rule);
    if (!lstatSync(ruleDir).isDirectory()) continue;
    for (const c of readdirSync(ruleDir).sort()) {
      const dir = join(ruleDir, c);
      if (!lstatSync(dir).isDirectory()) continue;
      const node: SeedNode = { name: `fixtures/${rule}/${c}`, files: {}, links: {}, target: {} };
      walk(dir, dir, node, [...FIXTURE_META, 'crilint.config.yaml']);
      const t = join(dir, 'target.json');
      if (existsSync(t)) node.target = JSON.parse(readFileSync(t, 'utf8')) as SeedNode['target'];
      if (Object.keys(node.files).length) out.push(node);
    }
  }
  return out;
}

const TEMPLATE = /TEMPLATE|\.(j2|tmpl|template\.json)$|\.excerpt\./;

/** Non-template corpus files, each alone in a node at the path its component reads. [] without ../shared. */
export function corpusSeeds(): SeedNode[] {
  const out: SeedNode[] = [];
  const add = (sub: string, place: (name: string) => string | null) => {
    const dir = join(CORPUS, sub);
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (TEMPLATE.test(name) || name === 'SOURCES.md') continue;
      const rel = place(name);
      if (rel) out.push({ name: `corpus/${sub}/${name}`, files: { [rel]: readFileSync(join(dir, name)) }, links: {}, target: {} });
    }
  };
  add('containerd', (n) => (n.endsWith('.toml') ? 'etc/containerd/config.toml' : null));
  add('kubelet', (n) => (/\.(ya?ml|json)$/.test(n) ? (n.includes('instance-config') ? 'var/lib/kubelet/instance-config.yaml' : 'var/lib/kubelet/config.yaml') : null));
  add('other/crictl', () => 'etc/crictl.yaml');
  add('other/sysctl.d', (n) => `etc/sysctl.d/${n.replace(/\.conf$/, '')}.conf`);
  add('other/modules-load.d', (n) => `etc/modules-load.d/${n.replace(/\.(conf|extracted|conf\.extracted)$/, '')}.conf`);
  return out;
}
