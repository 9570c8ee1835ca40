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
 *
 * Outside CI the suite is skipped (with a message) when dockerd is not installed; under CI a
 * missing dockerd fails it (.ci/run installs docker.io).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import { DOCKERD_KEYS_ALL, DOCKERD_KEYS_RANGED, DOCKERD_SHORTHANDS, dockerdReadsKey } from '../src/data/docker.js';
import { fixtureCases, lintRoot, ruleCatalog } from '../src/engine/docs.js';
import { REPO } from './helpers/cli.js';

const probe = spawnSync('dockerd', ['--version'], { encoding: 'utf8' });
const VERSION = probe.status === 0 ? (/Docker version (\d+\.\d+)/.exec(probe.stdout)?.[1] ?? null) : null;
const RUN = VERSION !== null || !!process.env.CI;
if (!RUN) console.warn('dockerd-oracle: dockerd is not installed; skipping (CI fails instead)');

const tmp = mkdtempSync(join(tmpdir(), 'crilint-dockerd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STOP = '"max-concurrent-downloads": -1';
let n = 0;

/** The keys dockerd refuses as unknown in a daemon.json text (an object), or [] when it passes that check. */
function refused(json: string): string[] {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  const body = json.trim().replace(/^\{/, '').replace(/\}$/, '').trim();
  writeFileSync(join(dir, 'daemon.json'), `{${body ? `${body},\n` : ''}${STOP}}`);
  // No other flag: a flag that a key of the file also sets stops dockerd with a conflict (docker-flag-conflict).
  const r = spawnSync('dockerd', ['--config-file', join(dir, 'daemon.json')], { encoding: 'utf8', timeout: 30_000 });
  const out = `${r.stdout}${r.stderr}`;
  const m = /the following directives don't match any configuration option: (.*)/.exec(out);
  if (m) return m[1]!.split(', ').map((k) => k.trim()).sort();
  // Not an unknown key: the config got as far as validation, and stopped there.
  expect(out).toContain('invalid max concurrent downloads: -1');
  return [];
}

/** crilint's unknown-key findings on a node holding only this daemon.json: error and warning keys. */
function crilint(json: string): { errors: string[]; warnings: string[] } {
  const root = join(tmp, String(n++));
  mkdirSync(join(root, 'etc/docker'), { recursive: true });
  writeFileSync(join(root, 'etc/docker/daemon.json'), json);
  const found = lintRoot(root, { kubernetes: parseVersion('1.34')! }).findings.filter((f) => f.rule === 'unknown-key');
  const key = (f: (typeof found)[number]) => JSON.parse(json.slice(f.range!.start.offset, f.range!.end.offset)) as string;
  return { errors: found.filter((f) => f.severity === 'error').map(key).sort(), warnings: found.filter((f) => f.severity === 'warning').map(key).sort() };
}

const CASES: Record<string, string> = {
  'misspelt and miscased keys, a shorthand, a flag name that is not the key': '{"storage-drivers": "overlay2", "Debug": true, "H": ["fd://"], "exec-opt": ["native.cgroupdriver=systemd"]}',
  'objects flattened one level (proxies, an unknown object) and flat ones (log-opts) left whole': '{"proxies": {"htps-proxy": "http://p:3128", "no-proxy": "localhost"}, "foo": {"debug": true}, "log-opts": {"max-size": "10m", "anything": "x"}}',
  'keys later releases removed, and ones only later releases read': '{"graph": "/var/lib/docker", "cluster-store": "consul://c:8500", "bip6": "fd00::1/64", "log-format": "json"}',
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
    // A key that later releases removed is read by 20.10.
    expect(ours.warnings.filter((k) => theirs.includes(k))).toEqual([]);
  });

  it('the exact verdicts of the cases', () => {
    expect(Object.values(CASES).map((j) => [crilint(j), refused(j)])).toEqual([
      [{ errors: ['Debug', 'H', 'storage-drivers'], warnings: [] }, ['Debug', 'H', 'storage-drivers']],
      // no-proxy: 23.0 made it a key (under proxies), so 20.10 refuses it and crilint does not report it.
      [{ errors: ['htps-proxy'], warnings: [] }, ['htps-proxy', 'no-proxy']],
      [{ errors: [], warnings: ['cluster-store', 'graph'] }, ['bip6', 'log-format']],
      [{ errors: [], warnings: [] }, []],
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
        checked.push(`${rule}/${c.name}`);
      }
    }
    expect(checked).toContain('unknown-key/docker-daemon-json');
  });
});
