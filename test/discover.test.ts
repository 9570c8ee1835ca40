/**
 * Discovery: node roots, fleets, pre-commit focus, loose-file classification, and the loading
 * layer's view of a root (well-known files, symlinks confined to the root, /dev/null masks).
 * In-process over fixtures/cli/; the CLI-level behaviour is in cli.test.ts.
 */
import { mkdtempSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyFile, discover, enclosingRoot, type Discovery } from '../src/discover/index.js';
import { LoadContext, loadNodeSet } from '../src/model/load.js';
import { CORPUS, REPO } from './helpers/cli.js';

const F = 'fixtures/cli';
const abs = (p: string) => resolve(REPO, p);

/** Discovery in a compact, comparable form (paths relative to the repository). */
function shape(d: Discovery) {
  const rel = (p: string) => p.slice(REPO.length + 1);
  return {
    specs: d.specs.map((s) => ({
      name: s.name,
      root: s.root && rel(s.root),
      files: s.files.map((f) => `${f.kind} ${rel(f.path)}`),
      focus: s.focus && s.focus.map(rel),
    })),
    errors: d.errors.map((e) => e.message),
    skipped: d.skipped.map((s) => `${s.path}: ${s.reason}`),
    fleet: d.fleet,
  };
}

beforeAll(() => {
  expect(process.cwd()).toBe(REPO);
});

describe('node roots', () => {
  it('--root DIR is one whole node set; several roots stay separate, in the order given, each once', () => {
    const d = discover([], [`${F}/fleet/nodes/pool-b`, `${F}/fleet/nodes/pool-a/`, `./${F}/fleet/nodes/pool-b`]);
    expect(shape(d)).toEqual({
      specs: [
        { name: `${F}/fleet/nodes/pool-b`, root: `${F}/fleet/nodes/pool-b`, files: [], focus: null },
        { name: `${F}/fleet/nodes/pool-a`, root: `${F}/fleet/nodes/pool-a`, files: [], focus: null },
      ],
      errors: [],
      skipped: [],
      fleet: true,
    });
  });

  it('a directory of node roots is a fleet: roots found below it, sorted, hidden directories and non-roots left out', () => {
    const d = discover([`${F}/fleet/nodes`], []);
    expect(shape(d).specs.map((s) => s.name)).toEqual([`${F}/fleet/nodes/group/pool-c`, `${F}/fleet/nodes/pool-a`, `${F}/fleet/nodes/pool-b`]);
    expect(d.fleet).toBe(true);
    expect(d.specs.every((s) => s.focus === null)).toBe(true);
  });

  it('a node root given as a directory PATH is linted whole and is not a fleet', () => {
    const d = discover([`${F}/node`], []);
    expect(shape(d)).toEqual({ specs: [{ name: `${F}/node`, root: `${F}/node`, files: [], focus: null }], errors: [], skipped: [], fleet: false });
  });

  it('--root errors: missing, and a file instead of a directory', () => {
    const d = discover([], [`${F}/nope`, `${F}/node/etc/crictl.yaml`]);
    expect(shape(d).errors).toEqual([`--root ${F}/nope: no such file or directory`, `--root ${F}/node/etc/crictl.yaml: not a directory`]);
    expect(d.specs).toEqual([]);
  });

  it('a directory with no node configuration in it is an error naming it', () => {
    const d = discover([`${F}/loose`], []);
    expect(shape(d).errors).toEqual([
      `${F}/loose: no node configuration found (expected a node root with etc/containerd, var/lib/kubelet, etc/sysctl.d, ... or directories of such roots)`,
    ]);
  });
});

describe('files inside a node root (pre-commit)', () => {
  it('a changed file brings its whole node root, focused on the files given; two files of one root make one node set', () => {
    const d = discover([`${F}/node/etc/crictl.yaml`, `${F}/node/etc/sysctl.d/10-k8s.conf`, `${F}/fleet/nodes/pool-a/etc/containerd/config.toml`], []);
    expect(shape(d)).toEqual({
      specs: [
        { name: `${F}/node`, root: `${F}/node`, files: [], focus: [`${F}/node/etc/crictl.yaml`, `${F}/node/etc/sysctl.d/10-k8s.conf`] },
        { name: `${F}/fleet/nodes/pool-a`, root: `${F}/fleet/nodes/pool-a`, files: [], focus: [`${F}/fleet/nodes/pool-a/etc/containerd/config.toml`] },
      ],
      errors: [],
      skipped: [],
      fleet: true,
    });
  });

  it('a file at a path no component reads by default, but in a configuration directory of a root, belongs to the root', () => {
    expect(enclosingRoot(abs(`${F}/node/etc/containerd/runtimes.toml`))).toEqual({ root: abs(`${F}/node`), kind: null });
    expect(enclosingRoot(abs(`${F}/node/etc/kubernetes/kubelet.conf.d/50-logging.conf`))).toEqual({ root: abs(`${F}/node`), kind: 'kubelet' });
    expect(enclosingRoot(abs(`${F}/loose/k8s.conf`))).toBeNull();
  });

  it('links inside a root are judged by the root, not the host: a /dev/null mask and a link to /etc/... are files of the node', () => {
    const d = discover([`${F}/node/etc/sysctl.d/60-masked.conf`, `${F}/node/etc/sysctl.d/20-bridge.conf`], []);
    expect(shape(d)).toEqual({
      specs: [{ name: `${F}/node`, root: `${F}/node`, files: [], focus: [`${F}/node/etc/sysctl.d/60-masked.conf`, `${F}/node/etc/sysctl.d/20-bridge.conf`] }],
      errors: [],
      skipped: [],
      fleet: false,
    });
  });

  it('a directory inside a root brings the root, focused on the directory', () => {
    expect(shape(discover([`${F}/node/etc/sysctl.d`], [])).specs).toEqual([{ name: `${F}/node`, root: `${F}/node`, files: [], focus: [`${F}/node/etc/sysctl.d`] }]);
  });

  it('--root for the same root wins over a focus: everything is shown', () => {
    expect(shape(discover([`${F}/node/etc/crictl.yaml`], [`${F}/node`])).specs).toEqual([{ name: `${F}/node`, root: `${F}/node`, files: [], focus: null }]);
    expect(shape(discover([`${F}/node/etc/crictl.yaml`, `${F}/node`], [])).specs).toEqual([{ name: `${F}/node`, root: `${F}/node`, files: [], focus: null }]);
  });
});

describe('loose files', () => {
  it('are classified by name and content into one node set; templates and foreign files are skipped with the reason', () => {
    const names = [
      'kubelet-config.json',
      'kubeadm.yaml',
      'instance-config.yaml',
      'k8s.conf',
      'k8s-modules.conf',
      'crictl.yaml',
      'kubelet-flags.env',
      'runtime.toml',
      'commented.toml',
      'kubeadm-join.yaml',
      'empty.conf',
      'mixed.conf',
      'config.toml.tmpl',
      'rendered-badly.toml',
      'hosts.toml',
      'pyproject.toml',
      'crio.conf',
      'kubelet.service',
      'NOTES.txt',
      'k8s.conf',
    ].map((n) => `${F}/loose/${n}`);
    expect(shape(discover(names, []))).toEqual({
      specs: [
        {
          name: '(files)',
          root: null,
          files: [
            `kubelet ${F}/loose/kubelet-config.json`,
            `kubelet ${F}/loose/kubeadm.yaml`,
            `kubelet ${F}/loose/instance-config.yaml`,
            `sysctl ${F}/loose/k8s.conf`,
            `modules-load ${F}/loose/k8s-modules.conf`,
            `crictl ${F}/loose/crictl.yaml`,
            `kubelet-flags ${F}/loose/kubelet-flags.env`,
            `containerd ${F}/loose/runtime.toml`,
            `containerd ${F}/loose/commented.toml`,
            `crio ${F}/loose/crio.conf`,
          ],
          focus: null,
        },
      ],
      errors: [],
      skipped: [
        `${F}/loose/kubeadm-join.yaml: a kubeadm configuration without a KubeletConfiguration document`,
        `${F}/loose/empty.conf: an empty .conf file: cannot tell sysctl.d from modules-load.d (put it in a sysctl.d/ or modules-load.d/ directory)`,
        `${F}/loose/mixed.conf: not recognised: neither sysctl.d (key = value) nor modules-load.d (one module a line) content`,
        `${F}/loose/config.toml.tmpl: a template (by its name); lint the rendered file instead`,
        `${F}/loose/rendered-badly.toml: a template (it has {{ }}, {% %} or \${VAR} placeholders); lint the rendered file instead`,
        `${F}/loose/hosts.toml: a containerd registry host file (certs.d); not linted yet`,
        `${F}/loose/pyproject.toml: a TOML file that does not look like a containerd configuration`,
        `${F}/loose/kubelet.service: a systemd unit file (crilint reads docker.service, cri-docker.service, cri-docker.socket and their drop-ins; containerd.service, crio.service and kubelet.service only in a node root)`,
        `${F}/loose/NOTES.txt: documentation, not configuration`,
      ],
      fleet: false,
    });
  });

  it('missing paths, directories of nothing and broken links are errors that name the path', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'crilint-disc-'));
    try {
      symlinkSync(join(tmp, 'gone.toml'), join(tmp, 'link.toml'));
      const d = discover([join(tmp, 'missing.conf'), join(tmp, 'link.toml')], []);
      expect(d.errors.map((e) => e.message)).toEqual([`${join(tmp, 'missing.conf')}: no such file or directory`, `${join(tmp, 'link.toml')}: broken symbolic link (to ${join(tmp, 'gone.toml')})`]);
      expect(d.specs).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('every real file of the shared corpus is classified as its directory says, or skipped as a template or an unsupported format', () => {
    const expected: Record<string, string> = { containerd: 'containerd', kubelet: 'kubelet', 'other/crictl': 'crictl', 'other/sysctl.d': 'sysctl', 'other/modules-load.d': 'modules-load' };
    const got: string[] = [];
    const seen = new Map<string, number>();
    for (const [dir, kind] of Object.entries(expected)) {
      for (const name of readdir(join(CORPUS, dir))) {
        const c = classifyFile(join(CORPUS, dir, name));
        const isTemplate = /TEMPLATE|\.(tmpl|j2)$/.test(name);
        const ok = name === 'SOURCES.md' ? 'skip' in c : isTemplate ? 'skip' in c && /template/.test(c.skip) : 'kind' in c && c.kind === kind;
        if (!ok) got.push(`${dir}/${name}: ${JSON.stringify(c)}`);
        seen.set(dir, (seen.get(dir) ?? 0) + 1);
      }
    }
    for (const name of readdir(join(CORPUS, 'other/crio'))) {
      const c = classifyFile(join(CORPUS, 'other/crio', name));
      const ok = name.endsWith('.j2') ? 'skip' in c && /template/.test(c.skip) : 'kind' in c && c.kind === 'crio';
      if (!ok) got.push(`other/crio/${name}: ${JSON.stringify(c)}`);
    }
    expect(got).toEqual([]);
    expect(seen.get('containerd')).toBeGreaterThan(40);
  });
});

describe('loading a root', () => {
  it('reads the well-known files first, resolving symlinks inside the root; /dev/null masks read as empty; *.conf only', () => {
    const spec = discover([`${F}/node`], []).specs[0]!;
    const { node, ioErrors } = loadNodeSet(spec);
    expect(ioErrors).toEqual([]);
    expect(node.findings).toEqual([]);
    const read = node.files.map((f) => `${f.kind} ${f.display} ${JSON.stringify(f.text)}`);
    // Component models may read more (imports, drop-ins) after these; the preloaded ones come first, in this order.
    expect(read.slice(0, 11)).toEqual([
      `containerd etc/containerd/config.toml ${JSON.stringify('version = 3\nimports = ["/etc/containerd/runtimes.toml"]\n\n[plugins."io.containerd.cri.v1.images".pinned_images]\n  sandbox = "registry.k8s.io/pause:3.10.1"\n')}`,
      `kubelet var/lib/kubelet/config.yaml ${JSON.stringify('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n')}`,
      `kubelet-flags var/lib/kubelet/kubeadm-flags.env ${JSON.stringify('KUBELET_KUBEADM_ARGS="--node-ip=10.0.0.5"\n')}`,
      `crictl etc/crictl.yaml ${JSON.stringify('runtime-endpoint: unix:///run/containerd/containerd.sock\nimage-endpoint: unix:///run/containerd/containerd.sock\n')}`,
      `sysctl etc/sysctl.conf "vm.overcommit_memory = 1\\n"`,
      `sysctl etc/sysctl.d/10-k8s.conf "net.ipv4.ip_forward = 1\\n"`,
      `sysctl etc/sysctl.d/20-bridge.conf "net.bridge.bridge-nf-call-iptables = 1\\n"`,
      `sysctl etc/sysctl.d/60-masked.conf ""`,
      `sysctl etc/sysctl.d/99-sysctl.conf "vm.overcommit_memory = 1\\n"`,
      `sysctl usr/lib/sysctl.d/50-default.conf "net.ipv4.conf.all.rp_filter = 2\\n"`,
      `sysctl usr/lib/sysctl.d/60-masked.conf "kernel.pid_max = 4194304\\n"`,
    ]);
    expect(read[11]).toBe(`modules-load etc/modules-load.d/k8s.conf "overlay\\nbr_netfilter\\n"`);
    const sysctl = node.files.find((f) => f.display === 'etc/sysctl.d/99-sysctl.conf')!;
    expect(sysctl.nodePath).toBe('/etc/sysctl.d/99-sysctl.conf');
    expect(sysctl.path).toBe(abs(`${F}/node/etc/sysctl.d/99-sysctl.conf`));
  });

  it('confines paths and symlinks to the root: absolute targets and .. resolve inside it', () => {
    const ctx = new LoadContext(discover([`${F}/node`], []).specs[0]!);
    const root = abs(`${F}/node`);
    expect(ctx.hostPath('/../../etc/passwd')).toBe(join(root, 'etc/passwd'));
    expect(ctx.diskPath(join(root, 'etc/sysctl.d/20-bridge.conf'))).toBe(join(root, 'etc/k8s-bridge.conf'));
    expect(ctx.diskPath(join(root, 'etc/sysctl.d/99-sysctl.conf'))).toBe(join(root, 'etc/sysctl.conf'));
    expect(ctx.diskPath(join(root, 'etc/sysctl.d/60-masked.conf'))).toBe('/dev/null');
    expect(ctx.nodePathOf(join(root, 'etc/crictl.yaml'))).toBe('/etc/crictl.yaml');
    expect(ctx.given('sysctl')).toEqual([]);
  });

  it('maps node paths and host paths the same on the fast path (plain paths) as path.join/relative do for any root and path', () => {
    const nodePaths = ['/etc/crictl.yaml', '/etc/.hidden/x', '/etc/...', 'etc/crictl.yaml', '/etc//crictl.yaml', '/etc/./x', '/etc/../x', '/etc/x/', '/', '\\etc\\x', '/etc/..x'];
    for (const root of ['/', '/srv/node', '/srv/node/', '/srv/./node', '/srv/x/../node']) {
      const ctx = new LoadContext({ name: root, root, files: [], focus: null });
      for (const np of nodePaths) {
        const host = ctx.hostPath(np);
        expect(host, `${root} ${np}`).toBe(join(root, normalize('/' + np.replace(/\\/g, '/')).replace(/^\/+/, '')));
        const rel = relative(root, host);
        expect(ctx.nodePathOf(host), `${root} ${np}`).toBe(rel.startsWith('..') ? null : '/' + rel);
        expect(ctx.display(host), `${root} ${np}`).toBe(rel.startsWith('..') ? host : rel);
      }
    }
  });

  it('a symlink that climbs out of the root stays inside it; a link loop at a fixed path is an I/O error, in a drop-in directory it is skipped as systemd does', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'crilint-root-'));
    try {
      mkdirSync(join(tmp, 'etc/sysctl.d'), { recursive: true });
      writeFileSync(join(tmp, 'etc/hosts.conf'), 'kernel.pid_max = 1\n');
      symlinkSync('../../../../../../etc/hosts.conf', join(tmp, 'etc/sysctl.d/10-up.conf'));
      symlinkSync('20-loop.conf', join(tmp, 'etc/sysctl.d/20-loop.conf'));
      symlinkSync('/etc/missing.conf', join(tmp, 'etc/sysctl.d/30-dangling.conf'));
      symlinkSync('crictl.yaml', join(tmp, 'etc/crictl.yaml'));
      const { node, ioErrors } = loadNodeSet({ name: 'n', root: tmp, files: [], focus: null });
      expect(node.files.map((f) => `${f.display} ${JSON.stringify(f.text)}`)).toEqual(['etc/sysctl.d/10-up.conf "kernel.pid_max = 1\\n"']);
      expect(ioErrors.map((e) => e.message)).toEqual(['etc/crictl.yaml: too many levels of symbolic links']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('loose files are read in the order given and handed to models by kind', () => {
    const d = discover([`${F}/loose/k8s.conf`, `${F}/loose/kubelet-config.json`], []);
    const ctx = new LoadContext(d.specs[0]!);
    ctx.preload();
    expect(ctx.files.map((f) => `${f.kind} ${f.display} ${f.nodePath}`)).toEqual([`sysctl ${F}/loose/k8s.conf null`, `kubelet ${F}/loose/kubelet-config.json null`]);
    expect(ctx.given('kubelet')).toEqual([abs(`${F}/loose/kubelet-config.json`)]);
  });
});

function readdir(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}
