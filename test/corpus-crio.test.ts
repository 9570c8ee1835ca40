/**
 * Every real CRI-O file of ../shared/corpus/other/crio (templates excluded) parses and lints
 * without a crash and without a `syntax` finding, on its own and composed into one node the way a
 * node would have them (minikube's crio.conf, its kicbase drop-in, the packaged 10-crio.conf and
 * CRI-O's own test drop-ins in crio.conf.d); the findings are pinned exactly.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { discover } from '../src/discover/index.js';
import { lintRoot } from '../src/engine/docs.js';
import { lintSpec } from '../src/engine/pipeline.js';
import { crioSettings } from '../src/model/crio.js';
import { CORPUS } from './helpers/cli.js';

const DIR = join(CORPUS, 'other', 'crio');
const K = { kubernetes: parseVersion('1.34')! };

/** Per file: `rule line:column key-or-text` of every finding, linted as a loose file. */
const ALONE: Record<string, string[]> = {
  'cri-o-packaging__crio.conf.d__10-crio.conf': [],
  'cri-o-testdata__crio.conf.d__50-runc-default.conf': [],
  'cri-o-testdata__crio.conf.d__50-runc.conf': [],
  'minikube-kicbase__crio.conf.d__02-crio.conf': [],
  // Keys of older CRI-O releases (the file is a ~v1.20 `crio config`) that 1.36 no longer has, and
  // the pause image of that time (kubeadm 1.34 expects 3.10.1).
  'minikube__crio.conf': ['unknown-key 134:1 seccomp_use_default_when_empty', 'unknown-key 248:1 manage_ns_lifecycle', 'sandbox-image-mismatch 342:15 "registry.k8s.io/pause:3.2"'],
  'minikube__crio.conf.default': ['unknown-key 134:1 seccomp_use_default_when_empty', 'unknown-key 248:1 manage_ns_lifecycle', 'sandbox-image-mismatch 342:15 "registry.k8s.io/pause:3.2"'],
};

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!existsSync(DIR))(`corpus: ../shared/corpus/other/crio${existsSync(DIR) ? '' : ' (skipped: ../shared not present)'}`, () => {
  it('covers every non-template file', () => {
    expect(readdirSync(DIR).filter((n) => !n.endsWith('.j2')).sort()).toEqual(Object.keys(ALONE).sort());
  });

  for (const [name, want] of Object.entries(ALONE)) {
    it(name, () => {
      const d = discover([join(DIR, name)], []);
      expect([d.skipped, d.errors, d.specs[0]!.files.map((f) => f.kind)]).toEqual([[], [], ['crio']]);
      const { findings, node } = lintSpec(d.specs[0]!, { given: K });
      expect(node.findings).toEqual([]);
      expect(findings.map((f) => `${f.rule} ${f.range!.start.line}:${f.range!.start.column} ${f.file!.text.slice(f.range!.start.offset, f.range!.end.offset)}`)).toEqual(want);
    });
  }

  it('composed into one node: crio.conf, then the drop-ins in name order', () => {
    const root = mkdtempSync(join(tmpdir(), 'crilint-corpus-crio-'));
    tmp.push(root);
    mkdirSync(join(root, 'etc/crio/crio.conf.d'), { recursive: true });
    const put = (from: string, to: string) => copyFileSync(join(DIR, from), join(root, 'etc/crio', to));
    put('minikube__crio.conf', 'crio.conf');
    put('minikube-kicbase__crio.conf.d__02-crio.conf', 'crio.conf.d/02-crio.conf');
    put('cri-o-packaging__crio.conf.d__10-crio.conf', 'crio.conf.d/10-crio.conf');
    put('cri-o-testdata__crio.conf.d__50-runc.conf', 'crio.conf.d/50-runc.conf');
    put('cri-o-testdata__crio.conf.d__50-runc-default.conf', 'crio.conf.d/51-runc-default.conf');
    const { node, findings } = lintRoot(root, K);
    const s = crioSettings(node.crio!);
    expect({
      cgroupManager: s.cgroupManager.value,
      conmonCgroup: s.conmonCgroup.value,
      defaultRuntime: [s.defaultRuntime.value, s.defaultRuntime.node!.file.display],
      runtimes: s.runtimes.map((r) => `${r.name} ${r.table.file.display}`),
      pauseImage: s.pauseImage.value,
      listen: s.listen.value,
    }).toEqual({
      cgroupManager: 'systemd',
      conmonCgroup: 'system.slice',
      defaultRuntime: ['runc', 'etc/crio/crio.conf.d/51-runc-default.conf'],
      runtimes: ['runc etc/crio/crio.conf.d/51-runc-default.conf', 'crun etc/crio/crio.conf.d/10-crio.conf'],
      pauseImage: 'registry.k8s.io/pause:3.2',
      listen: '/var/run/crio/crio.sock',
    });
    expect(findings.filter((f) => f.rule !== 'unknown-key').map((f) => `${f.rule} ${f.file!.display}:${f.range!.start.line} ${f.related.map((r) => `${r.file!.display}:${r.range!.start.line}`).join(' ')}`)).toEqual([
      // CRI-O's own 50-runc.conf re-declares runc with only runtime_path: the packaged runtime_root and monitor_path are gone.
      // minikube's crio.conf pins pause 3.2; kubeadm 1.34 expects 3.10.1.
      'sandbox-image-mismatch etc/crio/crio.conf:342 ',
      'crio-runtime-table-reset etc/crio/crio.conf.d/50-runc.conf:3 etc/crio/crio.conf.d/10-crio.conf:17 etc/crio/crio.conf.d/10-crio.conf:18',
    ]);
  });
});
