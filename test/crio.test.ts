/**
 * The CRI-O model and its per-file checks: which files form CRI-O's configuration (crio.conf, then
 * crio.conf.d walked recursively, every file), how they merge (later files win, arrays replace,
 * storage_option appends without duplicates, a re-declared runtime handler starts from nothing,
 * struct keys match case-insensitively), and the findings unknown-key, invalid-value,
 * default-runtime-undefined and crio-runtime-table-reset make of them, with exact positions.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { crioMonitorCgroupError, crioDefaultPauseImage, crioDefaultRuntime, crioForKubernetes } from '../src/data/crio.js';
import { classifyFile, discover } from '../src/discover/index.js';
import { lintRoot } from '../src/engine/docs.js';
import { loadNodeSet } from '../src/model/load.js';
import { crioMergedView, crioSettings, field, type CrioModel } from '../src/model/crio.js';
import { toJS } from '../src/model/tree.js';
import { show } from './helpers/findings.js';
import { tempRoots, type Files } from './helpers/roots.js';

const root = tempRoots('crilint-crio-');

function model(files: Files): CrioModel {
  const spec = discover([], [root(files)]).specs[0]!;
  const { node, ioErrors } = loadNodeSet(spec);
  expect(ioErrors).toEqual([]);
  return node.crio!;
}

const RULES = ['syntax', 'unknown-key', 'invalid-value', 'default-runtime-undefined', 'crio-runtime-table-reset'];

function lint(files: Files, k = '1.34'): string[] {
  return lintRoot(root(files), { kubernetes: parseVersion(k)! })
    .findings.filter((f) => RULES.includes(f.rule))
    .flatMap(show);
}

const PACKAGED = `[crio.image]
signature_policy = "/etc/crio/policy.json"

[crio.runtime]
default_runtime = "crun"

[crio.runtime.runtimes.crun]
runtime_path = "/usr/libexec/crio/crun"
runtime_root = "/run/crun"
monitor_path = "/usr/libexec/crio/conmon"
allowed_annotations = [
    "io.containers.trace-syscall",
]
`;

describe('files', () => {
  it('reads crio.conf, then every file below crio.conf.d (recursively, names sorted per directory, any extension)', () => {
    const m = model({
      'etc/crio/crio.conf': '[crio.runtime]\n',
      'etc/crio/crio.conf.d/20-b.conf': '',
      'etc/crio/crio.conf.d/10-a.conf': '',
      'etc/crio/crio.conf.d/15/x.conf': '',
      'etc/crio/crio.conf.d/30.conf.bak': '',
      'etc/crio/crio.conf.d/.hidden': '',
    });
    expect(m.configFiles.map((f) => f.location)).toEqual([
      '/etc/crio/crio.conf',
      '/etc/crio/crio.conf.d/.hidden',
      '/etc/crio/crio.conf.d/10-a.conf',
      '/etc/crio/crio.conf.d/15/x.conf',
      '/etc/crio/crio.conf.d/20-b.conf',
      '/etc/crio/crio.conf.d/30.conf.bak',
    ]);
  });

  it('a drop-in directory without crio.conf is a CRI-O configuration (what the packages install); no CRI-O files, no model', () => {
    expect(model({ 'etc/crio/crio.conf.d/10-crio.conf': PACKAGED }).configFiles.map((f) => f.location)).toEqual(['/etc/crio/crio.conf.d/10-crio.conf']);
    const spec = discover([], [root({ 'etc/crictl.yaml': 'runtime-endpoint: unix:///var/run/crio/crio.sock\n' })]).specs[0]!;
    expect(loadNodeSet(spec).node.crio).toBeNull();
  });

  it('a symlinked drop-in resolves inside the root', () => {
    const dir = root({ 'etc/crio/shared/50-x.conf': '[crio.image]\npause_image = "registry.k8s.io/pause:3.10.1"\n', 'etc/crio/crio.conf.d/.keep': '' });
    symlinkSync('/etc/crio/shared/50-x.conf', join(dir, 'etc/crio/crio.conf.d/50-x.conf'));
    const { node } = loadNodeSet(discover([], [dir]).specs[0]!);
    expect(crioSettings(node.crio!).pauseImage.value).toBe('registry.k8s.io/pause:3.10.1');
  });

  it('loose files: crio.conf, files in a crio.conf.d directory and [crio.*] TOML are CRI-O files; the first given is the configuration, the others are checked on their own', () => {
    const dir = root({
      'crio.conf': '',
      'crio.conf.d/01-x': '# nothing\n',
      'some.toml': '[crio.runtime]\ncgroup_manager = "cgroupfs"\n',
      'tmpl/crio.conf': '[crio.image]\npause_image = "{{ pause }}"\n',
    });
    expect(['crio.conf', 'crio.conf.d/01-x', 'some.toml', 'tmpl/crio.conf'].map((p) => classifyFile(join(dir, p)))).toEqual([
      { kind: 'crio' },
      { kind: 'crio' },
      { kind: 'crio' },
      { skip: 'a template (it has {{ }}, {% %} or ${VAR} placeholders); lint the rendered file instead' },
    ]);
    const d = discover([join(dir, 'some.toml'), join(dir, 'crio.conf')], []);
    const m = loadNodeSet(d.specs[0]!).node.crio!;
    expect([m.configFiles.map((f) => f.location), m.extra.map((f) => f.location)]).toEqual([[join(dir, 'some.toml')], [join(dir, 'crio.conf')]]);
  });

  it("crio's --config/-c and --config-dir (or CONTAINER_CONFIG/CONTAINER_CONFIG_DIR) in crio.service choose the files; --config=\"\" reads no main file", () => {
    const unit = (args: string) => `[Service]\nEnvironmentFile=-/etc/sysconfig/crio\nExecStart=/usr/bin/crio ${args}\n`;
    const files = { 'etc/crio/crio.conf': '', 'etc/crio/custom.conf': '', 'etc/crio/crio.conf.d/10-crio.conf': '', 'opt/crio.d/a.conf': '', 'opt/crio.d/b/c.conf': '' };
    const read = (f: Files) => model({ ...files, ...f }).configFiles.map((x) => x.location);
    expect(read({})).toEqual(['/etc/crio/crio.conf', '/etc/crio/crio.conf.d/10-crio.conf']);
    expect(read({ 'etc/systemd/system/crio.service': unit('-c /etc/crio/custom.conf --config-dir=/opt/crio.d') })).toEqual(['/etc/crio/custom.conf', '/opt/crio.d/a.conf', '/opt/crio.d/b/c.conf']);
    expect(read({ 'etc/systemd/system/crio.service': unit('--config=""') })).toEqual(['/etc/crio/crio.conf.d/10-crio.conf']);
    // The variable counts when the flag is not given; the flag wins over it.
    expect(read({ 'etc/systemd/system/crio.service': unit('$CRIO_CONFIG_OPTIONS'), 'etc/sysconfig/crio': 'CONTAINER_CONFIG_DIR=/opt/crio.d\nCRIO_CONFIG_OPTIONS=--config=/etc/crio/custom.conf\n' })).toEqual(['/etc/crio/custom.conf', '/opt/crio.d/a.conf', '/opt/crio.d/b/c.conf']);
    const m = model({ ...files, 'etc/systemd/system/crio.service': unit('--cgroup-manager=cgroupfs'), 'etc/sysconfig/crio': 'CONTAINER_CGROUP_MANAGER=systemd\n' });
    expect(m.files.map((f) => f.display)).toEqual(['etc/crio/crio.conf', 'etc/crio/crio.conf.d/10-crio.conf', 'etc/systemd/system/crio.service', 'etc/sysconfig/crio']);
    expect(crioSettings(m).cgroupManager).toMatchObject({ value: 'cgroupfs', node: null, cli: { kind: 'flag', text: '--cgroup-manager=cgroupfs' } });
  });

  it('a file of a node root given as a PATH brings the root along', () => {
    const dir = root({ 'etc/crio/crio.conf.d/10-crio.conf': PACKAGED });
    const d = discover([join(dir, 'etc/crio/crio.conf.d/10-crio.conf')], []);
    expect(d.specs.map((s) => [s.root, s.focus])).toEqual([[dir, [join(dir, 'etc/crio/crio.conf.d/10-crio.conf')]]]);
  });
});

describe('merging', () => {
  it('later files win, arrays replace, and every loser is kept as provenance', () => {
    const m = model({
      'etc/crio/crio.conf': '[crio.network]\nplugin_dirs = ["/opt/cni/bin", "/usr/libexec/cni"]\n[crio.runtime]\ncgroup_manager = "systemd"\n',
      'etc/crio/crio.conf.d/10-a.conf': '[crio.runtime]\ncgroup_manager = "cgroupfs"\n',
      'etc/crio/crio.conf.d/20-b.conf': '[crio.network]\nplugin_dirs = ["/opt/cni/bin"]\n',
    });
    const v = crioMergedView(m);
    const s = crioSettings(m);
    expect([s.cgroupManager.value, s.cgroupManager.node!.file.display]).toEqual(['cgroupfs', 'etc/crio/crio.conf.d/10-a.conf']);
    expect(v.overridden(s.cgroupManager.node!).map((n) => `${n.file.display}:${n.range.start.line} ${String(toJS(n))}`)).toEqual(['etc/crio/crio.conf:4 systemd']);
    const dirs = field(field(field(v.root, 'crio'), 'network'), 'plugin_dirs')!;
    expect([toJS(dirs), dirs.file.display]).toEqual([['/opt/cni/bin'], 'etc/crio/crio.conf.d/20-b.conf']);
  });

  it('storage_option appends, dropping duplicates (the last one kept)', () => {
    const m = model({
      'etc/crio/crio.conf': '[crio]\nstorage_option = ["a", "b"]\n',
      'etc/crio/crio.conf.d/10.conf': '[crio]\nstorage_option = ["a", "c"]\n',
    });
    expect(toJS(field(field(crioMergedView(m).root, 'crio'), 'storage_option')!)).toEqual(['b', 'a', 'c']);
  });

  it('re-declaring a runtime handler starts it from nothing; handlers of other names stay', () => {
    const m = model({
      'etc/crio/crio.conf.d/10-crio.conf': PACKAGED + '\n[crio.runtime.runtimes.runc]\nruntime_path = "/usr/libexec/crio/runc"\n',
      'etc/crio/crio.conf.d/20-env.conf': '[crio.runtime.runtimes.crun]\nmonitor_env = ["PATH=/usr/bin"]\n',
    });
    const s = crioSettings(m);
    expect(s.runtimes.map((r) => [r.name, Object.keys(toJS(r.table) as object)])).toEqual([
      ['crun', ['monitor_env']],
      ['runc', ['runtime_path']],
    ]);
    expect(crioMergedView(m).resets.map((r) => [r.path.join('.'), r.earlier.file.display, r.lost.map((e) => e.key)])).toEqual([
      ['crio.runtime.runtimes.crun', 'etc/crio/crio.conf.d/10-crio.conf', ['runtime_path', 'runtime_root', 'monitor_path', 'allowed_annotations']],
    ]);
  });

  it('struct keys match case-insensitively (BurntSushi/toml), handler names do not', () => {
    const m = model({
      'etc/crio/crio.conf': '[crio.runtime]\ncgroup_manager = "cgroupfs"\n[crio.runtime.runtimes.Crun]\nruntime_path = "/x"\n',
      'etc/crio/crio.conf.d/10.conf': '[CRIO.Runtime]\nCgroup_Manager = "systemd"\n',
    });
    const s = crioSettings(m);
    expect([s.cgroupManager.value, s.cgroupManager.node!.raw]).toEqual(['systemd', '"systemd"']);
    expect(s.runtimes.map((r) => r.name)).toEqual(['Crun']);
  });
});

describe('data', () => {
  it('defaults per CRI-O release, and the CRI-O release of a Kubernetes minor', () => {
    const V = (s: string) => parseVersion(s)!;
    expect(['1.24', '1.30', '1.31', '1.36'].map((v) => crioDefaultRuntime(V(v)))).toEqual(['runc', 'runc', 'crun', 'crun']);
    expect(['1.27', '1.28', '1.33', '1.34'].map((v) => crioDefaultPauseImage(V(v)))).toEqual([
      'registry.k8s.io/pause:3.6',
      'registry.k8s.io/pause:3.9',
      'registry.k8s.io/pause:3.10',
      'registry.k8s.io/pause:3.10.1',
    ]);
    expect([crioForKubernetes(V('1.31.4')), crioForKubernetes(V('1.99'))]).toEqual([V('1.31'), V('1.36')]);
  });

  it('monitor cgroup: pod or a slice with systemd (empty = system.slice); pod, empty or system.slice (made empty) with cgroupfs', () => {
    const cases: [string, 'systemd' | 'cgroupfs'][] = [
      ['', 'systemd'],
      ['pod', 'systemd'],
      ['system.slice', 'systemd'],
      ['kubepods', 'systemd'],
      ['', 'cgroupfs'],
      ['pod', 'cgroupfs'],
      ['system.slice', 'cgroupfs'],
      ['kubepods.slice', 'cgroupfs'],
    ];
    expect(cases.map(([v, m]) => crioMonitorCgroupError(m, v))).toEqual([
      null,
      null,
      null,
      "conmon cgroup should be 'pod' or a systemd slice",
      null,
      null,
      null,
      "cgroupfs manager conmon cgroup should be 'pod' or empty, but got: 'kubepods.slice'",
    ]);
  });
});

describe('checks', () => {
  it('a clean packaged node has no findings', () => {
    expect(lint({ 'etc/crio/crio.conf.d/10-crio.conf': PACKAGED })).toEqual([]);
  });

  it('unknown keys: did you mean, a key in the wrong table, case variants accepted', () => {
    expect(
      lint({
        'etc/crio/crio.conf.d/50-k8s.conf': '[crio.runtime]\ncgroup_manger = "systemd"\npause_image = "registry.k8s.io/pause:3.10.1"\nCONMON_CGROUP = "pod"\n[crio.foo]\nx = 1\n',
      }),
    ).toEqual([
      'etc/crio/crio.conf.d/50-k8s.conf:2:1-2:14 error unknown-key [-] unknown key "cgroup_manger" in [crio.runtime]; did you mean "cgroup_manager"? CRI-O ignores unknown keys without a warning, so this setting has no effect',
      'etc/crio/crio.conf.d/50-k8s.conf:3:1-3:12 error unknown-key [-] unknown key "pause_image" in [crio.runtime]; "pause_image" belongs in [crio.image]; CRI-O ignores unknown keys without a warning, so this setting has no effect',
      'etc/crio/crio.conf.d/50-k8s.conf:5:7-5:10 error unknown-key [-] unknown key "foo" in [crio]; CRI-O ignores unknown keys without a warning, so this setting has no effect',
    ]);
  });

  it('values: wrong TOML type, cgroup_manager and runtime_type enums', () => {
    expect(
      lint({
        'etc/crio/crio.conf': '[crio.runtime]\ncgroup_manager = "system"\npids_limit = "1024"\n[crio.runtime.runtimes.kata]\nruntime_type = "VM"\n',
      }),
    ).toEqual([
      'etc/crio/crio.conf:2:18-2:26 error invalid-value [-] invalid value for "cgroup_manager" in [crio.runtime]: expected one of "systemd", "cgroupfs", got string "system"; CRI-O refuses to start ("invalid cgroup manager")',
      'etc/crio/crio.conf:3:14-3:20 error invalid-value [-] invalid value for "pids_limit" in [crio.runtime]: expected integer, got string "1024"; CRI-O cannot decode the file ("unable to decode configuration") and does not start',
      'etc/crio/crio.conf:5:16-5:20 error invalid-value [-] invalid value for "runtime_type" in [crio.runtime.runtimes.kata]: expected one of "", "oci", "vm", "pod", got string "VM"; CRI-O refuses to start (ValidateRuntimeType: "invalid `runtime_type`")',
    ]);
  });

  it('conmon_cgroup against the merged cgroup manager; a handler monitor_cgroup when conmon_cgroup is empty', () => {
    expect(
      lint({
        'etc/crio/crio.conf': '[crio.runtime]\nconmon_cgroup = "system.slice"\n',
        'etc/crio/crio.conf.d/02-cgroup-manager.conf': '[crio.runtime]\ncgroup_manager = "cgroupfs"\nconmon_cgroup = "kubepods"\n',
      }),
    ).toEqual([
      `etc/crio/crio.conf.d/02-cgroup-manager.conf:3:17-3:27 error invalid-value [-] conmon_cgroup = "kubepods" does not fit the cgroupfs cgroup manager (cgroup_manager = "cgroupfs"): CRI-O refuses to start ("cgroupfs manager conmon cgroup should be 'pod' or empty, but got: 'kubepods'"); use "pod" (or leave it empty)`,
      '  related etc/crio/crio.conf.d/02-cgroup-manager.conf:2:18-2:28 cgroup_manager = "cgroupfs"',
    ]);
    expect(lint({ 'etc/crio/crio.conf': '[crio.runtime]\ncgroup_manager = "cgroupfs"\nconmon_cgroup = "system.slice"\n' })).toEqual([]);
    expect(
      lint({
        'etc/crio/crio.conf.d/10-crio.conf': '[crio.runtime.runtimes.crun]\nmonitor_cgroup = "kubepods"\n[crio.runtime.runtimes.kata]\nruntime_type = "vm"\nmonitor_cgroup = "kubepods"\n',
      }),
    ).toEqual([
      `etc/crio/crio.conf.d/10-crio.conf:2:18-2:28 error invalid-value [-] monitor_cgroup = "kubepods" of runtime "crun" does not fit the systemd cgroup manager (cgroup_manager is not set, so it is systemd): CRI-O refuses to start ("failed to translate monitor fields for runtime crun: conmon cgroup should be 'pod' or a systemd slice"); use "pod" or a systemd slice such as "system.slice"`,
    ]);
  });

  it('default_runtime that names no handler stops CRI-O; unset or empty is the built-in default', () => {
    expect(lint({ 'etc/crio/crio.conf.d/50.conf': '[crio.runtime]\ndefault_runtime = "runc"\n[crio.runtime.runtimes.crun]\n' })).toEqual([
      'etc/crio/crio.conf.d/50.conf:2:19-2:25 error default-runtime-undefined [-] default_runtime = "runc" names no runtime handler (defined: "crun"): CRI-O 1.34 does not start ("default_runtime set to "runc", but no runtime entry table [crio.runtime.runtimes.runc] was found"); define [crio.runtime.runtimes.runc] or name a defined handler',
      '  related etc/crio/crio.conf.d/50.conf:3:1-3:29 runtime handler "crun" is defined here',
    ]);
    expect(lint({ 'etc/crio/crio.conf.d/50.conf': '[crio.runtime]\ndefault_runtime = ""\n' })).toEqual([]);
  });

  it('a drop-in that re-declares the packaged crun handler: the lost keys (values that equal the default do not count)', () => {
    const files = { 'etc/crio/crio.conf.d/10-crio.conf': PACKAGED, 'etc/crio/crio.conf.d/20-env.conf': '# trace\n[crio.runtime.runtimes.crun]\nmonitor_env = ["PATH=/usr/bin"]\n' };
    const found = lintRoot(root(files), { kubernetes: parseVersion('1.34')! }).findings.filter((f) => f.rule === 'crio-runtime-table-reset');
    expect(found.flatMap(show)).toEqual([
      'etc/crio/crio.conf.d/20-env.conf:2:1-2:29 error crio-runtime-table-reset [-] [crio.runtime.runtimes.crun] replaces the whole table declared in etc/crio/crio.conf.d/10-crio.conf, so CRI-O forgets runtime_path, runtime_root, monitor_path, allowed_annotations set there: CRI-O decodes each runtime handler (and workload) table of a file into a fresh value, and only the keys of the last declaration count; repeat those keys here, or set them in one file',
      '  related etc/crio/crio.conf.d/10-crio.conf:8:1-8:40 runtime_path is set here and dropped',
      '  related etc/crio/crio.conf.d/10-crio.conf:9:1-9:27 runtime_root is set here and dropped',
      '  related etc/crio/crio.conf.d/10-crio.conf:10:1-10:42 monitor_path is set here and dropped',
      '  related etc/crio/crio.conf.d/10-crio.conf:11:1-13:2 allowed_annotations is set here and dropped',
    ]);
    // A re-declaration that repeats every key loses nothing.
    expect(lint({ 'etc/crio/crio.conf': '[crio.runtime.runtimes.runc]\nruntime_path = "/a"\n', 'etc/crio/crio.conf.d/10.conf': '[crio.runtime.runtimes.runc]\nruntime_path = "/b"\n' })).toEqual([]);
    expect(lint({ 'etc/crio/crio.conf': '[crio.runtime.runtimes.runc]\nruntime_type = "oci"\nmonitor_env = []\n', 'etc/crio/crio.conf.d/10.conf': '[crio.runtime.runtimes.runc]\nruntime_path = "/b"\n' })).toEqual([]);
  });

  it('a file that is not TOML is a syntax finding (CRI-O does not start), and the others are still checked', () => {
    expect(lint({ 'etc/crio/crio.conf.d/README': 'Put drop-ins here.\n', 'etc/crio/crio.conf.d/10.conf': '[crio.runtime]\ncgroup_manager = "x"\n' }).map((l) => l.replace(/invalid TOML: .*/, 'invalid TOML: …'))).toEqual([
      'etc/crio/crio.conf.d/10.conf:2:18-2:21 error invalid-value [-] invalid value for "cgroup_manager" in [crio.runtime]: expected one of "systemd", "cgroupfs", got string "x"; CRI-O refuses to start ("invalid cgroup manager")',
      'etc/crio/crio.conf.d/README:1:5-1:6 error syntax [-] invalid TOML: …',
    ]);
  });
});
