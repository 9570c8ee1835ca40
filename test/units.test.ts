/**
 * systemd's side of every component's command line (src/model/units.ts): ExecStart= variables as
 * systemd expands them (`$NAME` alone split into words, `${NAME}` substituted as is, `$$`, the `:`
 * prefix), what the components do with the result (a word that is not a flag, an empty argument, a
 * `${NAME}` with blanks), and an EnvironmentFile= that is not there. Exact words, positions and
 * findings.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { discover } from '../src/discover/index.js';
import { lintRoot } from '../src/engine/docs.js';
import { criDockerdCommand } from '../src/model/docker.js';
import { loadNodeSet } from '../src/model/load.js';
import { execStart, unitEnvironment } from '../src/model/units.js';
import { fixed, pos, show } from './helpers/findings.js';
import { tempRoots, type Files } from './helpers/roots.js';
import { ANALYZE } from './helpers/systemd.js';
import { SYSTEMD_SERVICE_KEYS } from '../src/data/systemd.js';
import { distance } from '../src/core/text.js';

const root = tempRoots('crilint-units-');
const CRI_DOCKERD = 'lib/systemd/system/cri-docker.service';

function node(files: Files) {
  const { node, ioErrors } = loadNodeSet(discover([], [root(files)]).specs[0]!);
  expect(ioErrors).toEqual([]);
  return node;
}

function lint(files: Files, k = '1.34', rules = ['invalid-value']): Finding[] {
  return lintRoot(root(files), { kubernetes: parseVersion(k)! }).findings.filter((f) => rules.includes(f.rule));
}

/**
 * `systemd-analyze verify --root` of cri-docker.service in a root with these files and an
 * executable /usr/bin/cri-dockerd (systemd checks the binary). systemd is an oracle CI installs
 * (.ci/run); null elsewhere without it (the callers then check CI is not set).
 */
function systemdVerify(files: Files): { status: number | null; stderr: string } | null {
  if (!ANALYZE) {
    expect(process.env.CI).toBeFalsy();
    return null;
  }
  const dir = root({ ...files, 'usr/bin/cri-dockerd': '#!/bin/sh\n' });
  chmodSync(join(dir, 'usr/bin/cri-dockerd'), 0o755);
  return spawnSync(ANALYZE, ['verify', `--root=${dir}`, 'cri-docker.service'], { encoding: 'utf8' });
}

describe('ExecStart= variables, as systemd expands them (env-util.c replace_env_argv)', () => {
  const ENV = '[Service]\nEnvironment="A=--x=1 --y=2" B=val E=\n';

  it('$NAME alone is split into words, ${NAME} is one argument, $$ is a $, and what is no variable stays or goes as systemd says', () => {
    const unit = `${ENV}ExecStart=/usr/bin/cri-dockerd $A \${A} --p=\${B}/z \${B} $\${B} $B-x \${U} --q=\${U} \${B:-d} $1 $E\n`;
    const cmd = criDockerdCommand(node({ [CRI_DOCKERD]: unit }).docker)!;
    expect(cmd.words.map((w) => w.text)).toEqual(['--x=1', '--y=2', '--x=1 --y=2', '--p=val/z', 'val', '${B}', '', '--q=', '${B:-d}']);
    expect(cmd.braced.map((b) => `${b.name} ${b.argument ? 'whole' : 'part'} ${b.value ? JSON.stringify(b.value.value) : 'unset'} ${pos(b.word)}`)).toEqual([
      'A whole "--x=1 --y=2" lib/systemd/system/cri-docker.service:3:35-3:39',
      'B part "val" lib/systemd/system/cri-docker.service:3:40-3:50',
      'B whole "val" lib/systemd/system/cri-docker.service:3:51-3:55',
      'U whole unset lib/systemd/system/cri-docker.service:3:67-3:71',
      'U part unset lib/systemd/system/cri-docker.service:3:72-3:80',
    ]);
  });

  it('a ${NAME} alone takes the position of the value where it is set; in a longer word the value points at the reference', () => {
    const unit = `${ENV}ExecStart=/usr/bin/cri-dockerd \${B} --pod-infra-container-image=\${B}\n`;
    const cmd = criDockerdCommand(node({ [CRI_DOCKERD]: unit }).docker)!;
    expect(cmd.words.map((w) => `${w.text} ${pos(w)}`)).toEqual(['val lib/systemd/system/cri-docker.service:2:31-2:34', '--pod-infra-container-image=val lib/systemd/system/cri-docker.service:3:37-3:69']);
    const f = cmd.flags[0]!;
    expect([f.name, f.value, pos({ file: f.valueFile, range: f.valueRange })]).toEqual(['pod-infra-container-image', 'val', 'lib/systemd/system/cri-docker.service:3:65-3:69']);
  });

  it('the : prefix turns substitution off: the words stay as written', () => {
    const cmd = criDockerdCommand(node({ [CRI_DOCKERD]: `${ENV}ExecStart=:/usr/bin/cri-dockerd $A \${B}\n` }).docker)!;
    expect([cmd.words.map((w) => w.text), cmd.braced]).toEqual([['$A', '${B}'], []]);
  });

  it('Environment= from a drop-in and EnvironmentFile= feed ${NAME} as they feed $NAME (the file wins)', () => {
    const files: Files = {
      [CRI_DOCKERD]: '[Service]\nEnvironment=PAUSE=registry.k8s.io/pause:3.9\nEnvironmentFile=-/etc/default/cri-dockerd\nExecStart=/usr/bin/cri-dockerd --pod-infra-container-image=${PAUSE}\n',
      'etc/default/cri-dockerd': 'PAUSE=registry.k8s.io/pause:3.10.1\n',
    };
    const cmd = execStart(node(files).docker!.criDockerd)!;
    expect(cmd.flags.map((f) => `${f.name}=${f.value}`)).toEqual(['pod-infra-container-image=registry.k8s.io/pause:3.10.1']);
  });
});

describe('what the components do with the words systemd gives them', () => {
  it('dockerd: a word that is not a flag, or the empty argument of an unset ${NAME}, stops it ("accepts no argument(s)")', () => {
    const f = lint({ 'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd:// foo ${DOCKER_OPTS}\n' });
    expect(f.flatMap(show)).toEqual([
      'lib/systemd/system/docker.service:2:37-2:40 error invalid-value [-] "foo" on dockerd\'s command line (docker.service) is not a flag: dockerd does not start ("dockerd" accepts no argument(s).)',
      "lib/systemd/system/docker.service:2:41-2:55 error invalid-value [-] ${DOCKER_OPTS} on dockerd's command line (docker.service) is unset, so systemd passes an empty argument in its place ($DOCKER_OPTS as a word of its own would give none): dockerd does not start (\"dockerd\" accepts no argument(s).)",
    ]);
    // $DOCKER_OPTS unset gives no word: nothing to report.
    expect(lint({ 'lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS\n' })).toEqual([]);
  });

  it('cri-dockerd: a ${NAME} with blanks is one argument (a warning at the reference, the value related); a stray word stops it', () => {
    const unit = '[Service]\nEnvironment="OPTS=--network-plugin=cni --hairpin-mode=hairpin-veth"\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// ${OPTS} run\n';
    expect(lint({ [CRI_DOCKERD]: unit }).flatMap(show)).toEqual([
      'lib/systemd/system/cri-docker.service:3:67-3:74 warning invalid-value [unsafe] ${OPTS} on cri-dockerd\'s command line (cri-docker.service) is substituted as one argument, blanks included: cri-dockerd gets "--network-plugin=cni --hairpin-mode=hairpin-veth" as a single word, not the 2 words it looks like; write $OPTS (no braces) for systemd to split it into words',
      '  related lib/systemd/system/cri-docker.service:2:19-2:67 OPTS is set here',
      'lib/systemd/system/cri-docker.service:3:75-3:78 error invalid-value [-] "run" on cri-dockerd\'s command line (cri-docker.service) is not a flag: cri-dockerd does not start ("Unknown command: run")',
    ]);
    // The unsafe fix writes $OPTS; a ${NAME} inside a longer word has none.
    expect(fixed(lint({ [CRI_DOCKERD]: unit }).find((f) => f.fix)!)).toEqual({ [CRI_DOCKERD]: unit.replace('${OPTS}', '$OPTS') });
    expect(lint({ [CRI_DOCKERD]: unit.replace('${OPTS} run', '--log-level=${OPTS}') }).map((f) => `${f.severity} ${f.fix?.safety ?? '-'}`)).toEqual(['warning -', 'error -']);
    expect(lint({ [CRI_DOCKERD]: unit.replace('${OPTS} run', '$OPTS') })).toEqual([]);
  });

  it("crio: the first word that is not a flag is refused, or runs the subcommand it names (check only from CRI-O 1.31)", () => {
    const svc = (args: string) => ({ 'usr/lib/systemd/system/crio.service': `[Service]\nType=notify\nExecStart=/usr/bin/crio --log-level info ${args}\n`, 'etc/crio/crio.conf.d/10-crio.conf': '[crio.runtime]\ncgroup_manager = "systemd"\n' });
    expect(lint(svc('config --cgroup-manager systemd')).flatMap(show)).toEqual([
      'usr/lib/systemd/system/crio.service:3:42-3:48 error invalid-value [-] "config" on crio\'s command line (crio.service) is not a flag but crio\'s config subcommand: CRI-O 1.34 runs it and exits instead of serving CRI, so the service stops; it also ends the flags (Go\'s flag package), so the rest of the line is the subcommand\'s',
    ]);
    expect(lint(svc('check'), '1.30').flatMap(show)).toEqual([
      'usr/lib/systemd/system/crio.service:3:42-3:47 error invalid-value [-] "check" on crio\'s command line (crio.service) is not a flag: CRI-O 1.30 does not start: command "check" not supported (Go\'s flag package stops at it, so the rest of the line is not read as flags)',
    ]);
    expect(lint(svc('check')).map((f) => f.message.split(':')[0])).toEqual(['"check" on crio\'s command line (crio.service) is not a flag but crio\'s check subcommand']);
    expect(lint(svc('${CRIO_OPTS}')).flatMap(show)).toEqual([
      "usr/lib/systemd/system/crio.service:3:42-3:54 error invalid-value [-] ${CRIO_OPTS} on crio's command line (crio.service) is unset, so systemd passes an empty argument in its place ($CRIO_OPTS as a word of its own would give none): CRI-O 1.34 does not start: command \"\" not supported (Go's flag package stops at it, so the rest of the line is not read as flags)",
    ]);
    expect(lint(svc('$CRIO_OPTS'))).toEqual([]);
    // --nri-disable-connections took a value before CRI-O 1.32 and is boolean since: "true" after it is its value on 1.30 only.
    expect(lint(svc('--nri-disable-connections true'), '1.30')).toEqual([]);
    expect(lint(svc('--nri-disable-connections true')).map((f) => `${pos(f)} ${f.message.slice(0, 40)}`)).toEqual(['usr/lib/systemd/system/crio.service:3:68-3:72 "true" on crio\'s command line (crio.serv']);
    expect(lint(svc('--nri-disable-connections'), '1.30').map((f) => f.message)).toEqual(['--nri-disable-connections ends crio\'s command line (crio.service) without its value: CRI-O 1.30 does not start ("flag needs an argument: -nri-disable-connections")']);
    expect(lint(svc('--nri-disable-connections'))).toEqual([]);
  });

  it('crio: a --config file that is not there is reported even when the node has no other CRI-O file (a unit alone is no CRI-O node)', () => {
    const unit = { 'usr/lib/systemd/system/crio.service': '[Service]\nExecStart=/usr/bin/crio --config /etc/crio/custom.conf\n' };
    expect(lint(unit).map((f) => pos(f))).toEqual(['usr/lib/systemd/system/crio.service:2:34-2:55']);
    expect(node({ 'usr/lib/systemd/system/crio.service': '[Service]\nExecStart=/usr/bin/crio\n' }).crio).toBeNull();
  });

  it('the kubelet: an unset ${KUBELET_EXTRA_ARGS} is an empty argument it refuses; one with several flags is one argument', () => {
    const unit = (extra: string) => ({
      'lib/systemd/system/kubelet.service': `[Service]\n${extra}ExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml \${KUBELET_EXTRA_ARGS}\n`,
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n',
    });
    expect(lint(unit('')).flatMap(show)).toEqual([
      "lib/systemd/system/kubelet.service:2:66-2:87 error invalid-value [-] ${KUBELET_EXTRA_ARGS} on the kubelet's command line (kubelet.service) is unset, so systemd passes an empty argument in its place ($KUBELET_EXTRA_ARGS as a word of its own would give none): the kubelet refuses to start: unknown command  (the empty word)",
    ]);
    expect(lint(unit('Environment="KUBELET_EXTRA_ARGS=--node-ip=10.0.0.5 --max-pods=150"\n')).flatMap(show)).toEqual([
      "lib/systemd/system/kubelet.service:3:66-3:87 warning invalid-value [unsafe] ${KUBELET_EXTRA_ARGS} on the kubelet's command line (kubelet.service) is substituted as one argument, blanks included: the kubelet gets \"--node-ip=10.0.0.5 --max-pods=150\" as a single word, not the 2 words it looks like; write $KUBELET_EXTRA_ARGS (no braces) for systemd to split it into words",
      '  related lib/systemd/system/kubelet.service:2:33-2:66 KUBELET_EXTRA_ARGS is set here',
    ]);
  });
});

describe('log levels crio and cri-dockerd parse with logrus.ParseLevel (data LOGRUS_LEVELS)', () => {
  it('crio: the level that decides (flag over file) must be a logrus level, in any case', () => {
    const node = (flag: string, file: string) => ({
      'usr/lib/systemd/system/crio.service': `[Service]\nExecStart=/usr/bin/crio ${flag}\n`,
      'etc/crio/crio.conf.d/10-crio.conf': `[crio.runtime]\ncgroup_manager = "systemd"\n${file}`,
    });
    expect(lint(node('', 'log_level = "verbose"\n')).flatMap(show)).toEqual([
      'etc/crio/crio.conf.d/10-crio.conf:3:13-3:22 error invalid-value [-] log_level = "verbose": CRI-O 1.34 does not start: not a valid logrus Level: "verbose"; the levels are panic, fatal, error, warn, warning, info, debug, trace',
    ]);
    // The flag decides: a bad file value under a good flag is not what runs.
    expect(lint(node('--log-level=Warning', 'log_level = "verbose"\n'))).toEqual([]);
    expect(lint(node('-l infos', '')).map((f) => `${pos(f)} ${f.message}`)).toEqual([
      'usr/lib/systemd/system/crio.service:2:28-2:33 -l infos on crio\'s command line (crio.service): CRI-O 1.34 does not start: not a valid logrus Level: "infos"; the levels are panic, fatal, error, warn, warning, info, debug, trace; did you mean info?',
    ]);
  });

  it('cri-dockerd: --log-level must be a logrus level ("Unknown log level"); empty is the default', () => {
    const unit = (level: string) => ({ [CRI_DOCKERD]: `[Service]\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --log-level=${level}\n` });
    expect(lint(unit('verbose')).map((f) => `${pos(f)} ${f.message}`)).toEqual([
      'lib/systemd/system/cri-docker.service:2:79-2:86 --log-level verbose on cri-dockerd\'s command line (cri-docker.service) is not a log level: cri-dockerd does not start ("Unknown log level: verbose"); the levels are panic, fatal, error, warn, warning, info, debug, trace',
    ]);
    expect([lint(unit('DEBUG')), lint(unit(''))]).toEqual([[], []]);
  });
});

describe('EnvironmentFile=', () => {
  it('a file that is not there fails the service unless the path starts with "-"', () => {
    const unit = (path: string) => ({ [CRI_DOCKERD]: `[Service]\nEnvironmentFile=${path}\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// $OPTS\n` });
    expect(lint(unit('/etc/default/cri-dockerd')).flatMap(show)).toEqual([
      'lib/systemd/system/cri-docker.service:2:17-2:41 error invalid-value [-] EnvironmentFile=/etc/default/cri-dockerd does not exist in this node root: systemd does not start cri-docker.service ("Failed to load environment files: No such file or directory"); write EnvironmentFile=-/etc/default/cri-dockerd if the file is optional',
    ]);
    expect(lint(unit('-/etc/default/cri-dockerd'))).toEqual([]);
    expect(lint({ ...unit('/etc/default/cri-dockerd'), 'etc/default/cri-dockerd': 'OPTS=--network-plugin=cni\n' })).toEqual([]);
  });

  it('a path that is not absolute (after specifiers: %E is /etc) is ignored by systemd; the unsafe fix makes it absolute (systemd-analyze verify)', () => {
    const unit = (path: string) => ({
      [CRI_DOCKERD]: `[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\nEnvironmentFile=${path}\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// $OPTS\n`,
      'etc/default/cri-dockerd': 'OPTS=--network-plugin=cni\n',
    });
    const found = lint(unit('-etc/default/cri-dockerd'));
    expect(found.flatMap(show)).toEqual([
      'lib/systemd/system/cri-docker.service:5:17-5:41 error invalid-value [unsafe] EnvironmentFile=-etc/default/cri-dockerd is not an absolute path: systemd ignores the setting ("EnvironmentFile= path is not absolute, ignoring: etc/default/cri-dockerd"), so cri-docker.service runs without the variables the file sets; write -/etc/default/cri-dockerd',
    ]);
    expect(fixed(found[0]!)).toEqual({ [CRI_DOCKERD]: unit('-/etc/default/cri-dockerd')[CRI_DOCKERD] });
    const cmd = (files: Files) => criDockerdCommand(node(files).docker)!.flags.map((f) => f.name);
    expect([cmd(unit('-etc/default/cri-dockerd')), cmd(unit('%E/default/cri-dockerd'))]).toEqual([['container-runtime-endpoint'], ['container-runtime-endpoint', 'network-plugin']]);
    expect(lint(unit('%E/default/cri-dockerd'))).toEqual([]);
    const r = systemdVerify(unit('-etc/default/cri-dockerd'));
    if (!r) return;
    expect(r.stderr).toContain('cri-docker.service:5: EnvironmentFile= path is not absolute, ignoring: etc/default/cri-dockerd');
    expect(systemdVerify({ ...unit('-etc/default/cri-dockerd'), ...fixed(found[0]!) })).toEqual(expect.objectContaining({ status: 0, stderr: '' }));
  });
});

describe('ExecStart= count: one command for a service that is not Type=oneshot (systemd-analyze verify as the oracle)', () => {
  const UNIT = '[Unit]\nDescription=CRI for Docker\nDefaultDependencies=no\n\n[Service]\nType=notify\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n';
  const DROPIN = 'etc/systemd/system/cri-docker.service.d/10-flags.conf';
  const CASES: [string, Files, string[]][] = [
    [
      'a drop-in that adds a command without clearing the first',
      { [CRI_DOCKERD]: UNIT, [DROPIN]: '# flags for this pool\n[Service]\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni\n' },
      [
        'etc/systemd/system/cri-docker.service.d/10-flags.conf:3:1-3:87 error invalid-value [unsafe] a second ExecStart= for cri-docker.service: systemd refuses to load the unit, so the service never starts ("Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."); a drop-in that replaces the command clears it first with an empty ExecStart= line',
        '  related lib/systemd/system/cri-docker.service:7:1-7:66 the first ExecStart=',
      ],
    ],
    ['a drop-in that clears the command first', { [CRI_DOCKERD]: UNIT, [DROPIN]: '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --network-plugin=cni\n' }, []],
    ['Type=oneshot takes several', { [CRI_DOCKERD]: UNIT.replace('Type=notify', 'Type=oneshot'), [DROPIN]: '[Service]\nExecStart=/usr/bin/cri-dockerd --version\n' }, []],
    [
      'two in the unit file itself (no fix: which one is meant is not clear)',
      { [CRI_DOCKERD]: `${UNIT}ExecStart=/usr/bin/cri-dockerd --network-plugin=cni\n` },
      [
        'lib/systemd/system/cri-docker.service:8:1-8:52 error invalid-value [-] a second ExecStart= for cri-docker.service: systemd refuses to load the unit, so the service never starts ("Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing."); a drop-in that replaces the command clears it first with an empty ExecStart= line',
        '  related lib/systemd/system/cri-docker.service:7:1-7:66 the first ExecStart=',
      ],
    ],
    [
      'a drop-in that clears the command and gives none',
      { [CRI_DOCKERD]: UNIT, [DROPIN]: '[Service]\nExecStart=\n' },
      ['etc/systemd/system/cri-docker.service.d/10-flags.conf:2:1-2:11 error invalid-value [-] cri-docker.service has no ExecStart= left after this empty one, which clears the command: systemd refuses to load the unit, so the service never starts ("Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.")'],
    ],
  ];

  for (const [name, files, expected] of CASES) {
    it(name, () => {
      const found = lint(files).filter((f) => f.message.includes('ExecStart='));
      expect(found.flatMap(show)).toEqual(expected);
      // systemd refuses exactly what crilint reports; after crilint's fix it loads the unit.
      const r = systemdVerify(files);
      if (!r) return;
      expect([r.status === 0, /Refusing\./.test(r.stderr)]).toEqual([expected.length === 0, expected.length > 0]);
      if (expected.length) expect(r.stderr).toContain(/\("(.*)"\)/.exec(found[0]!.message)![1]);
      const fix = found.find((f) => f.fix);
      if (fix) {
        const after = systemdVerify({ ...files, ...fixed(fix) })!;
        expect([after.status, after.stderr]).toEqual([0, '']);
      }
    });
  }

  it('drop-ins only (the unit file is the package\'s, not in the root): a command without a reset is a second one; the fix clears the packaged one', () => {
    const files = { [DROPIN]: '[Service]\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni\n' };
    const found = lint(files).filter((f) => f.message.includes('ExecStart='));
    expect(found.map((f) => `${pos(f)} ${f.message.slice(0, f.message.indexOf(':', 40))}`)).toEqual([
      'etc/systemd/system/cri-docker.service.d/10-flags.conf:2:1-2:87 a second ExecStart= for cri-docker.service (the packaged unit, not in this node root, has its own)',
    ]);
    expect(fixed(found[0]!)).toEqual({ [DROPIN]: `[Service]\nExecStart=\n${files[DROPIN].slice('[Service]\n'.length)}` });
    expect(lint({ [DROPIN]: '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n' })).toEqual([]);
  });
});

describe('assignments systemd ignores (the unit loads without them): unknown-key, systemd-analyze verify as the oracle', () => {
  const UNIT = '[Unit]\nDescription=CRI for Docker\nDefaultDependencies=no\n\n[Service]\nType=notify\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n';
  const DROPIN = 'etc/systemd/system/cri-docker.service.d/10-flags.conf';
  /** Name, the drop-in, crilint's findings, and what systemd still ignores once crilint's fix is applied. */
  const CASES: [string, string, string[], string[]][] = [
    [
      'a drop-in without its [Service] line',
      '# CNI for this pool\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni\n',
      ['etc/systemd/system/cri-docker.service.d/10-flags.conf:2:1-2:10 error unknown-key [unsafe] ExecStart= comes before any [Section] header (and 1 more assignment after it): systemd ignores them ("Assignment outside of section. Ignoring.") and the unit loads without them; put a [Service] line above'],
      [],
    ],
    [
      'a [Service] key in [Unit], and one written in another case',
      '[Unit]\nEnvironment=CNI=cni\n[Service]\nEnvironmentfile=-/etc/default/cri-dockerd\n',
      [
        "etc/systemd/system/cri-docker.service.d/10-flags.conf:2:1-2:12 error unknown-key [-] Environment= is a [Service] setting: in [Unit] systemd ignores it (\"Unknown key 'Environment' in section [Unit], ignoring.\"); move it below a [Service] line",
        "etc/systemd/system/cri-docker.service.d/10-flags.conf:4:1-4:16 error unknown-key [unsafe] unknown key Environmentfile in [Service]: systemd's keys are case-sensitive, and it ignores this one (\"Unknown key 'Environmentfile' in section [Service], ignoring.\"); the key is EnvironmentFile",
      ],
      ["etc/systemd/system/cri-docker.service.d/10-flags.conf:2 Unknown key 'Environment' in section [Unit], ignoring."],
    ],
    [
      'a section name in another case',
      '[service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni\n',
      ["etc/systemd/system/cri-docker.service.d/10-flags.conf:1:2-1:9 error unknown-key [unsafe] [service] is not a section systemd knows: section names are case-sensitive, and it ignores this one and every setting in it (\"Unknown section 'service'. Ignoring.\"); the section is [Service]"],
      [],
    ],
    ['the same settings where systemd reads them', '[Service]\nEnvironment=CNI=cni\nEnvironmentFile=-/etc/default/cri-dockerd\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=$CNI\n', [], []],
  ];
  for (const [name, dropIn, expected, afterFix] of CASES) {
    it(name, () => {
      const files = { [CRI_DOCKERD]: UNIT, [DROPIN]: dropIn };
      const found = lint(files, '1.34', ['unknown-key']);
      expect(found.flatMap(show)).toEqual(expected);
      if (!ANALYZE) return expect(process.env.CI).toBeFalsy();
      /** What systemd says it ignores, as `file:line message`; the unit loads all the same. */
      const ignored = (fs: Files) => {
        const r = systemdVerify(fs)!;
        expect(r.status).toBe(0);
        return [...r.stderr.matchAll(/^.*\/(etc\/\S+):(\d+): (.*)$/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
      };
      // Each line systemd ignores is a finding at that line, quoting it; lines outside any section are one finding, at the first.
      const said = ignored(files).filter((l, i, all) => !l.endsWith('outside of section. Ignoring.') || all.findIndex((x) => x.endsWith('outside of section. Ignoring.')) === i);
      expect(said).toEqual(found.map((f) => `${f.file!.display}:${f.range!.start.line} ${/\("(.*)"\)/.exec(f.message)![1]}`));
      const fix = found.find((f) => f.fix);
      expect(fix ? ignored({ ...files, ...fixed(fix) }) : []).toEqual(afterFix);
    });
  }
});

describe('lines systemd cannot read: syntax, systemd-analyze verify as the oracle', () => {
  const UNIT = '[Unit]\nDescription=CRI for Docker\nDefaultDependencies=no\n\n[Service]\nType=notify\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n';
  const DROPIN = 'etc/systemd/system/cri-docker.service.d/10-flags.conf';
  const CNI = '[Service]\nExecStart=\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni\n';
  /** Name, the files, crilint's syntax findings, whether systemd loads the unit, and the command the unit runs then (as crilint models it). */
  const CASES: [string, Files, string[], boolean, string][] = [
    [
      'a comment after a drop-in\'s [Service]: systemd reads nothing of the drop-in, so the unit keeps its own command',
      { [CRI_DOCKERD]: UNIT, [DROPIN]: CNI.replace('[Service]', '[Service] # CNI for this pool') },
      [
        `etc/systemd/system/cri-docker.service.d/10-flags.conf:1:1-1:30 error syntax [-] invalid section header "[Service] # CNI for this pool": systemd stops reading this drop-in here ("Invalid section header '[Service] # CNI for this pool'"), so no line below it applies; a header is the section name in brackets alone on its line ([Service])`,
      ],
      true,
      '--container-runtime-endpoint fd://',
    ],
    [
      'an unclosed header further down: the lines above it apply, none below',
      { [CRI_DOCKERD]: UNIT, [DROPIN]: `${CNI}[Install\nExecStart=\n` },
      [
        `etc/systemd/system/cri-docker.service.d/10-flags.conf:4:1-4:9 error syntax [-] invalid section header "[Install": systemd stops reading this drop-in here ("Invalid section header '[Install'"), so no line below it applies; a header is the section name in brackets alone on its line ([Service])`,
      ],
      true,
      '--container-runtime-endpoint fd:// --network-plugin=cni',
    ],
    [
      'in the unit file itself: systemd does not load the unit',
      { [CRI_DOCKERD]: UNIT.replace('[Service]', '[Service') },
      [
        `lib/systemd/system/cri-docker.service:5:1-5:9 error syntax [-] invalid section header "[Service": systemd does not load cri-docker.service ("Invalid section header '[Service'", then "failed to load properly, please adjust/correct and reload service manager: Bad message"), so the service does not start; a header is the section name in brackets alone on its line ([Service])`,
      ],
      false,
      '',
    ],
    [
      'lines without "=": in [Service] and before any section; in an X- section systemd is silent',
      { [CRI_DOCKERD]: UNIT, [DROPIN]: `network plugin\n${CNI}Restart always\n[X-Pool]\nowner platform team\n` },
      [
        `etc/systemd/system/cri-docker.service.d/10-flags.conf:1:1-1:15 error syntax [-] not a setting: "network plugin" has no "="; systemd ignores the line ("Assignment outside of section. Ignoring.") and loads the unit without it (a setting is Key=value)`,
        `etc/systemd/system/cri-docker.service.d/10-flags.conf:5:1-5:15 error syntax [-] not a setting: "Restart always" has no "="; systemd ignores the line ("Missing '=', ignoring line.") and loads the unit without it (a setting is Key=value)`,
      ],
      true,
      '--container-runtime-endpoint fd:// --network-plugin=cni',
    ],
  ];
  for (const [name, files, expected, loads, command] of CASES) {
    it(name, () => {
      const found = lint(files, '1.34', ['syntax']);
      expect(found.flatMap(show)).toEqual(expected);
      if (loads) expect(criDockerdCommand(node(files).docker)!.words.map((w) => w.text).join(' ')).toBe(command);
      const r = systemdVerify(files);
      if (!r) return;
      // Each finding is a line systemd names, with the words crilint quotes; the unit loads or not as said.
      const said = [...r.stderr.matchAll(/^.*\/((?:etc|lib)\/\S+):(\d+): (.*)$/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
      expect(said).toEqual(found.map((f) => `${f.file!.display}:${f.range!.start.line} ${/\("([^"]*)"/.exec(f.message)![1]}`));
      expect(r.status === 0).toBe(loads);
      if (!loads) expect(r.stderr).toContain(`cri-docker.service ${'failed to load properly, please adjust/correct and reload service manager: Bad message'}`);
    });
  }
});

describe('unit specifiers in ExecStart= and Environment= (resolved when systemd loads the unit)', () => {
  it('%t is /run, %% a %, %n/%N/%p the unit name; the host\'s (%H) stay as written; positions point at the specifier', () => {
    const unit = '[Service]\nEnvironment="X=%t/x %%d" N=%n/%N/%p H=%H\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint unix://%t/cri-dockerd.sock $X $N $H\n';
    const cmd = criDockerdCommand(node({ [CRI_DOCKERD]: unit }).docker)!;
    expect(cmd.words.map((w) => w.text)).toEqual(['--container-runtime-endpoint', 'unix:///run/cri-dockerd.sock', '/run/x', '%d', 'cri-docker.service/cri-docker/cri-docker', '%H']);
    expect(pos(cmd.words[1]!)).toBe('lib/systemd/system/cri-docker.service:3:61-3:87');
  });

  it('a socket named with %t agrees with the kubelet: no false cri-socket-mismatch', () => {
    const files = {
      [CRI_DOCKERD]: '[Service]\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint unix://%t/cri-dockerd.sock\n',
      'var/lib/kubelet/config.yaml': 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\ncontainerRuntimeEndpoint: unix:///run/cri-dockerd.sock\n',
    };
    expect(lint(files, '1.34', ['cri-socket-mismatch'])).toEqual([]);
    expect(lint({ ...files, [CRI_DOCKERD]: files[CRI_DOCKERD].replace('%t', '/var/run/other') }, '1.34', ['cri-socket-mismatch']).length).toBe(1);
  });

  it('a letter systemd does not have stops the unit from loading: invalid-value at the %, quoting systemd (systemd-analyze verify)', () => {
    const unit = '[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// --network-plugin=cni --cni-conf-dir=/etc/cni/%z\n';
    const found = lint({ [CRI_DOCKERD]: unit });
    expect(found.flatMap(show)).toEqual([
      'lib/systemd/system/cri-docker.service:5:112-5:114 error invalid-value [-] %z in ExecStart= of cri-docker.service is not a systemd specifier: systemd does not start the unit ("Failed to resolve unit specifiers in --cni-conf-dir=/etc/cni/%z: Invalid slot"; "Unit configuration has fatal error, unit will not be started."); write %% for a literal %',
    ]);
    expect(lint({ [CRI_DOCKERD]: unit.replace('%z', '%%z') })).toEqual([]);
    const r = systemdVerify({ [CRI_DOCKERD]: unit });
    if (!r) return;
    expect(r.stderr).toContain('Failed to resolve unit specifiers in --cni-conf-dir=/etc/cni/%z: Invalid slot');
    expect(r.stderr).toContain('Unit configuration has fatal error, unit will not be started.');
  });

  it('in Environment= such a letter drops that assignment only (a %-encoded proxy password): the variable is unset, the unit loads (systemd-analyze verify)', () => {
    const unit = '[Unit]\nDefaultDependencies=no\n[Service]\nType=notify\nEnvironment="HTTP_PROXY=http://u:p%40ss@proxy" CNI=--network-plugin=cni\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd:// $CNI\n';
    expect(lint({ [CRI_DOCKERD]: unit }).flatMap(show)).toEqual([
      'lib/systemd/system/cri-docker.service:5:35-5:37 error invalid-value [-] %4 in Environment= of cri-docker.service is not a systemd specifier: systemd ignores this assignment ("Failed to resolve specifiers in HTTP_PROXY=http://u:p%40ss@proxy, ignoring: Invalid slot"), so HTTP_PROXY is not set; write %% for a literal %',
    ]);
    const docker = node({ [CRI_DOCKERD]: unit }).docker!;
    expect([...unitEnvironment(docker.criDockerd!).keys()]).toEqual(['CNI']);
    expect(criDockerdCommand(docker)!.flags.map((f) => f.name)).toEqual(['container-runtime-endpoint', 'network-plugin']);
    const r = systemdVerify({ [CRI_DOCKERD]: unit });
    if (!r) return;
    expect([r.status, r.stderr.trim().replace(/^\S*\/lib\//, 'lib/')]).toEqual([0, 'lib/systemd/system/cri-docker.service:5: Failed to resolve specifiers in HTTP_PROXY=http://u:p%40ss@proxy, ignoring: Invalid slot']);
  });
});

describe("SYSTEMD_SERVICE_KEYS against systemd's own key table (the gperf strings in libsystemd-core)", () => {
  /** Every `Section.Key` systemd's unit loader knows, read from the library the installed systemd uses; null without one. */
  const table = (() => {
    const dirs = ['/usr/lib/systemd', '/lib/systemd', ...(existsSync('/usr/lib') ? readdirSync('/usr/lib').map((d) => `/usr/lib/${d}/systemd`) : [])];
    for (const d of dirs) {
      const lib = existsSync(d) && statSync(d).isDirectory() ? readdirSync(d).find((n) => /^libsystemd-core-\d+\.so$/.test(n)) : undefined;
      if (lib) return new Set([...readFileSync(join(d, lib), 'latin1').matchAll(/(?<=\0)(Unit|Service|Socket|Install)\.([A-Z][A-Za-z0-9]+)(?=\0)/g)].map((m) => `${m[1]}.${m[2]}`));
    }
    return null;
  })();

  it('each listed key is a [Service] key and none is a key of [Unit] or [Install]; no [Service] key is one edit from one (so a one-edit spelling is a misspelling)', () => {
    if (!table) return expect(process.env.CI).toBeFalsy();
    expect(table.size).toBeGreaterThan(400);
    const service = [...table].filter((k) => k.startsWith('Service.')).map((k) => k.slice('Service.'.length));
    expect(SYSTEMD_SERVICE_KEYS.keys.filter((k) => !service.includes(k))).toEqual([]);
    expect(SYSTEMD_SERVICE_KEYS.keys.filter((k) => table.has(`Unit.${k}`) || table.has(`Install.${k}`))).toEqual([]);
    const near = SYSTEMD_SERVICE_KEYS.keys.flatMap((k) => service.filter((s) => s !== k && k.length >= 6 && distance(s.toLowerCase(), k.toLowerCase()) === 1).map((s) => `${k}~${s}`));
    expect(near).toEqual([]);
  });

  it('a key one edit from a listed one is reported with its spelling (unsafe fix); a real key that is not listed is not', () => {
    const unit = (key: string) => ({ [CRI_DOCKERD]: `[Service]\n${key}=-/etc/default/cri-dockerd\nExecStart=/usr/bin/cri-dockerd --container-runtime-endpoint fd://\n` });
    expect(lint(unit('EnviromentFile'), '1.34', ['unknown-key']).map((f) => `${pos(f)} ${f.fix?.safety} ${f.message}`)).toEqual([
      `lib/systemd/system/cri-docker.service:2:1-2:15 unsafe unknown key EnviromentFile in [Service]: systemd ignores this one ("Unknown key 'EnviromentFile' in section [Service], ignoring."); the key is EnvironmentFile`,
    ]);
    expect(lint(unit('UnsetEnvironment'), '1.34', ['unknown-key'])).toEqual([]);
  });
});
