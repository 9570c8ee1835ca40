/**
 * The real dockerd as an oracle for the daemon.json keys crilint knows (src/data/docker.ts
 * DOCKERD_KEY_CHECK). The installed dockerd is Debian's docker.io 20.10, the oldest release of
 * DOCKERD_KEY_RELEASES. dockerd has no --validate before 23.0, so each config also holds
 * `"max-concurrent-downloads": -1`: a config whose keys pass the unknown-key check then fails
 * validation ("invalid max concurrent downloads") and dockerd exits before it starts anything.
 * Otherwise it exits with "the following directives don't match any configuration option: K1, K2".
 *
 * 1. Every key of the data, and the shorthands: dockerd 20.10 refuses exactly those the data says
 *    20.10 does not read.
 * 2. Each daemon.json of the fixtures and of the cases below: the keys crilint reports as unknown to
 *    every release (errors) are refused by dockerd; the ones it refuses besides are keys that only
 *    later releases read; crilint's warnings (keys later releases removed) are accepted.
 * 3. The flag-name keys that the data says 20.10 accepts and ignores (DOCKERD_IGNORED_KEYS) are
 *    accepted; and a running dockerd (data and sockets under the test's temporary folder, no
 *    iptables, no bridge, no ip_forward: it changes nothing on the host, which tests running beside
 *    it may read) reports the same cgroup driver and labels with
 *    `"exec-opt"`/`"label"` as with none, and the set ones with `"exec-opts"`/`"labels"`.
 * 4. An object dockerd neither keeps whole nor decodes is flattened for the check, then dropped: a
 *    running dockerd with `"foo": {"labels": …, "debug": true, "live-restore": true}` has no label and
 *    no debug, but live restore (an on/off flag of its config; data DOCKERD_CONFIG_BOOL_FLAGS).
 * 5. The JSON type of each value (data DOCKERD_VALUE_TYPES): a right value of every key decodes, a
 *    wrong one stops dockerd with "json: cannot unmarshal …", and crilint reports it (invalid-value).
 * 6. With `--docker 20.10`, the keys crilint reports as refused are exactly those dockerd refuses, in
 *    every case and fixture.
 *
 * Outside CI the suite is skipped (with a message) when dockerd is not installed; under CI a
 * missing dockerd fails it (.ci/run installs docker.io).
 */
import { spawn, spawnSync } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { DOCKERD_NO_ARGS, dockerdLogLevels, DOCKERD_FLAGS_ALL, DOCKERD_FLAGS_RANGED, DOCKERD_IGNORED_KEYS, DOCKERD_KEYS_ALL, DOCKERD_VALUE_TYPES, DOCKERD_KEYS_RANGED, DOCKERD_SHORTHANDS, dockerdDefinesFlag, dockerdIgnoresKey, dockerdReadsKey } from '../src/data/docker.js';
import { fixtureCases, lintRoot, ruleCatalog } from '../src/engine/docs.js';
import { REPO } from './helpers/cli.js';
import { discover } from '../src/discover/index.js';
import { dockerdCommand } from '../src/model/docker.js';
import { loadNodeSet } from '../src/model/load.js';

const probe = spawnSync('dockerd', ['--version'], { encoding: 'utf8' });
const VERSION = probe.status === 0 ? (/Docker version (\d+\.\d+)/.exec(probe.stdout)?.[1] ?? null) : null;
const RUN = VERSION !== null || !!process.env.CI;
if (!RUN) console.warn('dockerd-oracle: dockerd is not installed; skipping (CI fails instead)');

const tmp = mkdtempSync(join(tmpdir(), 'crilint-dockerd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STOP = '"max-concurrent-downloads": -1';
let n = 0;

/** What dockerd prints for a daemon.json text (an object) with the oracle's stop added. */
function dockerdSays(json: string): string {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  const body = json.trim().replace(/^\{/, '').replace(/\}$/, '').trim();
  writeFileSync(join(dir, 'daemon.json'), `{${body ? `${body},\n` : ''}${STOP}}`);
  // No other flag: a flag that a key of the file also sets stops dockerd with a conflict (docker-flag-conflict).
  const r = spawnSync('dockerd', ['--config-file', join(dir, 'daemon.json')], { encoding: 'utf8', timeout: 30_000 });
  return `${r.stdout}${r.stderr}`;
}

/** The keys dockerd refuses as unknown in a daemon.json text (an object), or [] when it passes that check. */
function refused(json: string): string[] {
  const out = dockerdSays(json);
  const m = /the following directives don't match any configuration option: (.*)/.exec(out);
  if (m) return m[1]!.split(', ').map((k) => k.trim()).sort();
  // The keys passed; decoding them into the config failed (invalid-value), which dockerd does after this check.
  if (/json: cannot unmarshal/.test(out)) return [];
  // Not an unknown key: the config got as far as validation, and stopped there.
  expect(out).toContain('invalid max concurrent downloads: -1');
  return [];
}

/** dockerd's decoding error for a daemon.json text (an object), or null when it decodes. */
function decodeError(json: string): string | null {
  return /json: cannot unmarshal .*/.exec(dockerdSays(json))?.[0] ?? null;
}

/** A node root holding only this daemon.json. */
function node(json: string): string {
  const root = join(tmp, String(n++));
  mkdirSync(join(root, 'etc/docker'), { recursive: true });
  writeFileSync(join(root, 'etc/docker/daemon.json'), json);
  return root;
}

/**
 * crilint's unknown-key findings on a node holding only this daemon.json: the keys it says dockerd
 * refuses (errors, and warnings for keys later releases removed), and the keys it says dockerd
 * accepts but does not read (data DOCKERD_IGNORED_KEYS).
 */
function crilint(json: string, docker?: string): { errors: string[]; warnings: string[]; ignored: string[] } {
  const found = lintRoot(node(json), { kubernetes: parseVersion('1.34')!, ...(docker ? { docker: parseVersion(docker)! } : {}) }).findings.filter((f) => f.rule === 'unknown-key');
  const key = (f: { range?: (typeof found)[number]['range'] }) => JSON.parse(json.slice(f.range!.start.offset, f.range!.end.offset)) as string;
  const ignored = found.filter((f) => f.message.includes('" in daemon.json has no effect'));
  const refusals = found.filter((f) => !ignored.includes(f));
  // A misnamed object ("log-opt": {…}) is one finding on its name, with the keys dockerd refuses in it as related locations.
  const refusedKeys = (f: (typeof found)[number]) => (f.related.length && f.related.every((r) => r.message.startsWith('dockerd refuses')) ? f.related.map((r) => key({ range: r.range! })) : [key(f)]);
  return { errors: refusals.filter((f) => f.severity === 'error').flatMap(refusedKeys).sort(), warnings: refusals.filter((f) => f.severity === 'warning').map(key).sort(), ignored: ignored.map(key).sort() };
}

const CASES: Record<string, string> = {
  'misspelt and miscased keys, a shorthand, a flag name that is not the key': '{"storage-drivers": "overlay2", "Debug": true, "H": ["fd://"], "exec-opt": ["native.cgroupdriver=systemd"]}',
  'objects flattened one level (proxies, an unknown object) and flat ones (log-opts) left whole': '{"proxies": {"htps-proxy": "http://p:3128", "no-proxy": "localhost"}, "foo": {"debug": true}, "log-opts": {"max-size": "10m", "anything": "x"}}',
  'keys later releases removed, and ones only later releases read': '{"graph": "/var/lib/docker", "cluster-store": "consul://c:8500", "bip6": "fd00::1/64", "log-format": "json"}',
  'objects dockerd does not read: a flag name for log-opts, a near miss of runtimes, an unknown object, an empty one': '{"log-opt": {"max-size": "10m"}, "runtime": {"nvidia": {"path": "/usr/bin/nvidia-container-runtime"}}, "log": {"log-driver": "json-file", "debug": true}, "foo": {}}',
  'objects only later releases read: proxies (23.0) with flag names inside, default-network-opts (24.0) with one': '{"proxies": {"http-proxy": "http://p:3128"}, "default-network-opts": {"bridge": {"com.docker.network.driver.mtu": "1400"}}}',
  'a kubeadm-style daemon.json': '{"exec-opts": ["native.cgroupdriver=systemd"], "log-driver": "json-file", "log-opts": {"max-size": "100m"}, "storage-driver": "overlay2", "live-restore": true, "default-address-pools": [{"base": "172.80.0.0/16", "size": 24}]}',
};

describe.skipIf(!RUN)(`dockerd ${VERSION ?? '(not installed)'} as the oracle of daemon.json keys`, () => {
  it('is the 20.10 release the data starts with', () => {
    expect(VERSION).toBe('20.10');
  });

  it('refuses exactly the keys (and shorthands) that the data says 20.10 does not read', () => {
    const all = [...DOCKERD_KEYS_ALL, ...Object.keys(DOCKERD_KEYS_RANGED), ...Object.keys(DOCKERD_SHORTHANDS)].filter((k) => k !== 'max-concurrent-downloads');
    const json = `{${all.map((k) => `"${k}": null`).join(', ')}}`;
    const expected = all.filter((k) => !dockerdReadsKey(k, '20.10')).sort();
    expect(expected).toContain('bip6');
    expect(expected).toContain('H');
    expect(refused(json)).toEqual(expected);
  });

  it.each(Object.entries(CASES))('%s: crilint agrees with dockerd', (_name, json) => {
    const ours = crilint(json);
    const theirs = refused(json);
    // Every error is a key dockerd refuses; what it refuses besides only later releases read.
    expect(theirs.filter((k) => !ours.errors.includes(k)).every((k) => !dockerdReadsKey(k, '20.10') && Object.keys(DOCKERD_KEYS_RANGED).includes(k))).toBe(true);
    expect(ours.errors.every((k) => theirs.includes(k))).toBe(true);
    // A key that later releases removed is read by 20.10; a key crilint says 20.10 ignores, it accepts.
    expect(ours.warnings.filter((k) => theirs.includes(k))).toEqual([]);
    expect(ours.ignored.filter((k) => theirs.includes(k) && dockerdReadsKey(k, '20.10'))).toEqual([]);
  });

  it('the exact verdicts of the cases', () => {
    expect(Object.values(CASES).map((j) => [crilint(j), refused(j)])).toEqual([
      // exec-opt: accepted (it is a flag name), and not read (the next test shows it on a running dockerd).
      [{ errors: ['Debug', 'H', 'storage-drivers'], warnings: [], ignored: ['exec-opt'] }, ['Debug', 'H', 'storage-drivers']],
      // no-proxy: 23.0 made it a key (under proxies), so 20.10 refuses it and crilint does not report it.
      // "debug" inside "foo": accepted, and dropped (debug is an option of dockerd's, not of its config; the running dockerd below shows it).
      [{ errors: ['htps-proxy'], warnings: [], ignored: ['foo'] }, ['htps-proxy', 'no-proxy']],
      [{ errors: [], warnings: ['cluster-store', 'graph'], ignored: [] }, ['bip6', 'log-format']],
      // "log" is accepted (its keys are flag names) and dropped; the running dockerd below shows it.
      [{ errors: ['max-size', 'nvidia'], warnings: ['foo'], ignored: ['log'] }, ['max-size', 'nvidia']],
      // The newest releases read both objects; 20.10 refuses http-proxy and takes "bridge" (a flag name) as a top-level key.
      [{ errors: [], warnings: [], ignored: [] }, ['http-proxy']],
      [{ errors: [], warnings: [], ignored: [] }, []],
    ]);
  });

  it('every fixture daemon.json: the errors crilint reports are what dockerd refuses', () => {
    const checked: string[] = [];
    for (const rule of ruleCatalog().map((r) => r.id)) {
      for (const c of fixtureCases(join(REPO, 'fixtures'), rule)) {
        let json: string;
        try {
          json = readFileSync(join(c.dir, 'etc/docker/daemon.json'), 'utf8');
          JSON.parse(json);
        } catch {
          continue;
        }
        const ours = crilint(json);
        const theirs = refused(json);
        expect({ case: `${rule}/${c.name}`, refused: theirs.filter((k) => dockerdReadsKey(k, '29.5') === false || ours.errors.includes(k)) }).toEqual({ case: `${rule}/${c.name}`, refused: ours.errors });
        expect({ case: `${rule}/${c.name}`, refused: ours.ignored.filter((k) => theirs.includes(k) && dockerdReadsKey(k, '20.10')) }).toEqual({ case: `${rule}/${c.name}`, refused: [] });
        checked.push(`${rule}/${c.name}`);
      }
    }
    expect(checked).toContain('unknown-key/docker-daemon-json');
    expect(checked).toContain('unknown-key/docker-flag-name-keys');
  });

  it('with --docker 20.10, the keys crilint says dockerd refuses are exactly the ones it refuses, in every case and fixture', () => {
    const texts = [...Object.values(CASES)];
    for (const rule of ruleCatalog().map((r) => r.id))
      for (const c of fixtureCases(join(REPO, 'fixtures'), rule)) {
        try {
          const json = readFileSync(join(c.dir, 'etc/docker/daemon.json'), 'utf8');
          JSON.parse(json);
          texts.push(json);
        } catch {
          continue;
        }
      }
    expect(texts.length).toBeGreaterThan(8);
    const verdicts = texts.map((j) => ({ json: j, ours: crilint(j, '20.10'), theirs: refused(j) }));
    // No refusal is left a warning (the one warning of the cases is an empty unknown object, which dockerd ignores).
    expect(verdicts.filter((v) => v.ours.warnings.some((k) => v.theirs.includes(k)) || v.ours.errors.join() !== v.theirs.join())).toEqual([]);
    expect(verdicts.flatMap((v) => v.ours.warnings)).toEqual(['foo']);
    expect(verdicts.flatMap((v) => v.theirs)).toContain('bip6');
    // proxies is one finding on its name (http-proxy its related refusal); default-network-opts passes and has no effect.
    expect(crilint(CASES['objects only later releases read: proxies (23.0) with flag names inside, default-network-opts (24.0) with one']!, '20.10')).toEqual({ errors: ['http-proxy'], warnings: [], ignored: ['default-network-opts'] });
  });

  it('every key the data says 20.10 accepts and ignores, it accepts', () => {
    // config-file aside: the oracle names the file with --config-file, and a key that a given flag also sets stops dockerd (docker-flag-conflict).
    const keys = Object.keys(DOCKERD_IGNORED_KEYS).filter((k) => dockerdIgnoresKey(k, '20.10') && k !== 'config-file');
    expect(keys).toContain('exec-opt');
    expect(refused(`{${keys.map((k) => `"${k}": ${k === 'containerd-plugins-namespace' || k === 'deprecated-key-path' ? '"x"' : '[]'}`).join(', ')}}`)).toEqual([]);
  });

  it('a running dockerd: "exec-opt" and "label" change nothing, "exec-opts" and "labels" do', async () => {
    const base = await running('{}');
    const other = base.CgroupDriver === 'systemd' ? 'cgroupfs' : 'systemd';
    const flagNames = await running(`{"exec-opt": ["native.cgroupdriver=${other}"], "label": ["crilint=ignored"]}`);
    const keys = await running(`{"exec-opts": ["native.cgroupdriver=${other}"], "labels": ["crilint=read"]}`);
    expect([flagNames.CgroupDriver, flagNames.Labels]).toEqual([base.CgroupDriver, base.Labels]);
    expect([keys.CgroupDriver, keys.Labels]).toEqual([other, ['crilint=read']]);
    expect(crilint(`{"exec-opt": ["native.cgroupdriver=${other}"], "label": ["crilint=ignored"]}`).ignored).toEqual(['exec-opt', 'label']);
  }, 120_000);

  it('decodes a value of each key of DOCKERD_VALUE_TYPES only as the data says: every wrong JSON type stops it, and crilint says so at the value', () => {
    const GOOD = { bool: 'true', int: '1', string: '"10.0.0.1"', strings: '["10.0.0.1"]', 'object-of-strings': '{"a": "b"}', 'object-of-bools': '{"a": true}', object: '{}', pools: '[{"base": "172.80.0.0/16", "size": 24}]' };
    const BAD = { bool: '"true"', int: '1.0', string: '1', strings: '"10.0.0.1"', 'object-of-strings': '{"a": 1}', 'object-of-bools': '{"a": "true"}', object: '[]', pools: '[{"base": "172.80.0.0/16", "size": "24"}]' };
    // max-concurrent-downloads is the oracle's own stop; keys that 20.10 refuses as unknown never get decoded.
    const keys = Object.keys(DOCKERD_VALUE_TYPES).filter((k) => dockerdReadsKey(k, '20.10') && k !== 'max-concurrent-downloads');
    expect(keys.length).toBeGreaterThan(60);
    expect(decodeError(`{${keys.map((k) => `"${k}": ${GOOD[DOCKERD_VALUE_TYPES[k]!]}`).join(', ')}}`)).toBe(null);
    const verdicts = keys.map((k) => {
      const json = `{"${k}": ${BAD[DOCKERD_VALUE_TYPES[k]!]}}`;
      const f = lintRoot(node(json), { kubernetes: parseVersion('1.34')! }).findings.filter((x) => x.rule === 'invalid-value');
      return { key: k, dockerd: decodeError(json) !== null, crilint: f.map((x) => json.slice(x.range!.start.offset, x.range!.end.offset)) };
    });
    expect(verdicts.filter((v) => !v.dockerd || v.crilint.length !== 1)).toEqual([]);
    expect(decodeError('{"mtu": 1e3}')).toContain('cannot unmarshal number 1e3 into Go struct field Config.mtu of type int');
  });

  it('defines exactly the long flags the data says 20.10 defines: each is parsed (a later unknown flag is what stops it), a misspelt one is not, and --help lists none beyond them', () => {
    const flags = [...DOCKERD_FLAGS_ALL, ...Object.keys(DOCKERD_FLAGS_RANGED)].filter((n) => dockerdDefinesFlag(n, '20.10') && n !== 'help' && n !== 'version');
    expect(flags.length).toBeGreaterThan(70);
    const parse = (args: string[]) => {
      const r = spawnSync('dockerd', args, { encoding: 'utf8', timeout: 10_000 });
      return `${r.stdout}${r.stderr}`;
    };
    // pflag stops at the first flag it does not know: "unknown flag: --zzz-crilint" means --NAME=1 was known (a bad value says "invalid argument … for \"--NAME\"").
    const unknown = flags.filter((n) => !/unknown flag: --zzz-crilint|invalid argument "1" for "--/.test(parse([`--${n}=1`, '--zzz-crilint'])));
    expect(unknown).toEqual([]);
    // The flags that 20.10 does not define are unknown to it.
    const later = Object.keys(DOCKERD_FLAGS_RANGED).filter((n) => !dockerdDefinesFlag(n, '20.10'));
    expect(later).toContain('bip6');
    expect(later.filter((n) => !parse([`--${n}=1`]).includes(`unknown flag: --${n}`))).toEqual([]);
    expect(parse(['--exec_opt', 'native.cgroupdriver=systemd'])).toContain('unknown flag: --exec_opt');
    const help = [...parse(['--help']).matchAll(/^\s+(?:-[A-Za-z], )?--([a-z0-9-]+)/gm)].map((m) => m[1]!);
    expect(help.filter((n) => !dockerdDefinesFlag(n, '20.10'))).toEqual([]);
  });

  it('refuses the words crilint reports as not flags (one written, the empty argument of an unset ${NAME}) with the message of DOCKERD_NO_ARGS; a ${NAME} with blanks is one word to it', () => {
    const argv = (exec: string) => {
      const dir = join(tmp, String(n++));
      mkdirSync(join(dir, 'lib/systemd/system'), { recursive: true });
      writeFileSync(join(dir, 'lib/systemd/system/docker.service'), `[Service]\nEnvironment="OPTS=--debug --log-level=info"\n${exec}\n`);
      const words = dockerdCommand(loadNodeSet(discover([], [dir]).specs[0]!).node.docker)!.words.map((w) => w.text);
      const r = spawnSync('dockerd', words, { encoding: 'utf8', timeout: 10_000 });
      const says = `${r.stdout}${r.stderr}`.split('\n')[0]!;
      const findings = lintRoot(dir, { kubernetes: parseVersion('1.34')!, docker: parseVersion('20.10')! }).findings.filter((f) => f.rule === 'invalid-value' || f.rule === 'unknown-key');
      // Each error quotes what dockerd says; the warning is the ${NAME} with blanks.
      return { words, says, findings: findings.map((f) => `${f.rule} ${f.severity} ${f.severity === 'error' ? f.message.includes(says.replace(/^Status: /, '')) : f.message.slice(0, 7)}`) };
    };
    expect(argv('ExecStart=/usr/bin/dockerd $OPTS foo')).toEqual({ words: ['--debug', '--log-level=info', 'foo'], says: DOCKERD_NO_ARGS.error, findings: ['invalid-value error true'] });
    expect(argv('ExecStart=/usr/bin/dockerd $OPTS ${UNSET}')).toEqual({ words: ['--debug', '--log-level=info', ''], says: DOCKERD_NO_ARGS.error, findings: ['invalid-value error true'] });
    // pflag splits the one word at its "=": a flag named "debug --log-level" it does not know.
    expect(argv('ExecStart=/usr/bin/dockerd ${OPTS}')).toEqual({ words: ['--debug --log-level=info'], says: 'Status: unknown flag: --debug --log-level', findings: ['unknown-key error true', 'invalid-value warning ${OPTS}'] });
  });

  it('accepts exactly the log levels DOCKERD_LOG_LEVELS gives 20.10 (case-insensitive), and refuses another with its message', () => {
    // Right after the log level, dockerd makes its data root: one under /proc cannot be made, so it
    // stops there, before it mounts or writes anything.
    const says = (level: string) => {
      const r = spawnSync('dockerd', [`--log-level=${level}`, '--data-root=/proc/crilint-none/root', '--exec-root=/proc/crilint-none/exec'], { encoding: 'utf8', timeout: 10_000 });
      return `${r.stdout}${r.stderr}`.trim().split('\n').at(-1)!;
    };
    const data = dockerdLogLevels('20.10');
    const levels = [...data.levels, 'WARNING', 'Trace', 'verbose', 'warnings', ''];
    const accepted = levels.filter((l) => says(l).includes('mkdir /proc/crilint-none'));
    expect(accepted).toEqual([...data.levels, 'WARNING', 'Trace', '']);
    expect(says('verbose')).toBe(`${data.error}verbose`);
  });

  it('a running dockerd: the keys inside an object it does not read are dropped, except an on/off flag of the config', async () => {
    const json = '{"foo": {"labels": ["crilint=dropped"], "debug": true, "live-restore": true}}';
    const base = await running('{}');
    const nested = await running(json);
    expect([base.Labels, base.Debug, base.LiveRestoreEnabled]).toEqual([[], false, false]);
    expect([nested.Labels, nested.Debug, nested.LiveRestoreEnabled]).toEqual([[], false, true]);
    expect(crilint(json)).toEqual({ errors: [], warnings: [], ignored: ['foo'] });
    const f = lintRoot(node(json), { kubernetes: parseVersion('1.34')! }).findings;
    expect(f.map((x) => x.message.slice(x.message.indexOf(', so ')))).toEqual([', so "labels" and "debug" in it are not applied; move them to the top level']);
  }, 120_000);
});

/**
 * Start dockerd with this daemon.json (its data, exec root, socket and pid file under the test's
 * temporary folder, no iptables, no bridge), read GET /info from its socket, and stop it.
 */
async function running(json: string): Promise<{ CgroupDriver: string; Labels: string[] | null; Debug: boolean; LiveRestoreEnabled: boolean }> {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'daemon.json'), json);
  const sock = join(dir, 'd.sock');
  const args = ['--config-file', join(dir, 'daemon.json'), '--data-root', join(dir, 'root'), '--exec-root', join(dir, 'x'), '-H', `unix://${sock}`, '--pidfile', join(dir, 'pid'), '--iptables=false', '--ip-forward=false', '--bridge=none'];
  const d = spawn('dockerd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  d.stderr.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((done) => d.on('exit', () => done()));
  try {
    for (let i = 0; i < 120; i++) {
      const info = await new Promise<string | null>((done) => {
        const req = httpGet({ socketPath: sock, path: '/info' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => done(res.statusCode === 200 ? body : null));
        });
        req.on('error', () => done(null));
      });
      if (info) return JSON.parse(info) as { CgroupDriver: string; Labels: string[] | null; Debug: boolean; LiveRestoreEnabled: boolean };
      if (d.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`dockerd with ${json} did not answer on ${sock}:\n${log.slice(-2000)}`);
  } finally {
    d.kill('SIGTERM');
    await exited;
  }
}
