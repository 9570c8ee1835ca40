import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { TEMP_PATTERN, WriteError, writeFiles, type WriteEntry } from '../src/fix/write.js';

const REPO = resolve(import.meta.dirname, '..');
let dir: string;
let root: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crilint-write-'));
  root = join(dir, 'node');
  mkdirSync(join(root, 'etc/containerd'), { recursive: true });
});
afterEach(() => {
  chmodSync(dir, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function put(rel: string, text: string, mode = 0o644): string {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

function entry(path: string, text: string, extra: Partial<WriteEntry> = {}): WriteEntry {
  return { path, display: path.slice(root.length + 1), text, bom: false, created: false, ...extra };
}

/** Every file under a directory, with the temp files a writer might leave. */
function tree(d: string): string[] {
  return readdirSync(d, { recursive: true, encoding: 'utf8' }).sort();
}

describe('writeFiles', () => {
  it('replaces the file by rename, keeping its mode, and re-adds the BOM', () => {
    const p = put('etc/containerd/config.toml', '\ufeffversion = 2\n', 0o640);
    const ino = statSync(p).ino;
    const r = writeFiles([entry(p, 'version = 3\n', { bom: true })], { root });
    expect(readFileSync(p, 'utf8')).toBe('\ufeffversion = 3\n');
    expect(statSync(p).mode & 0o7777).toBe(0o640);
    expect(statSync(p).ino).not.toBe(ino);
    expect(r).toEqual({ written: ['etc/containerd/config.toml'], created: [], staleTemps: [], removedTemps: [], notes: [] });
    expect(tree(join(root, 'etc/containerd'))).toEqual(['config.toml']);
  });

  it('keeps the owner and group (chown when running as root)', () => {
    const p = put('etc/crictl.yaml', 'a: 1\n');
    const isRoot = process.getuid!() === 0;
    const [uid, gid] = isRoot ? [1234, 5678] : [process.getuid!(), process.getgid!()];
    if (isRoot) chownSync(p, uid, gid);
    writeFiles([entry(p, 'a: 2\n')], { root });
    expect([statSync(p).uid, statSync(p).gid]).toEqual([uid, gid]);
  });

  it('writes through a symlink inside the root to its target and keeps the link', () => {
    const target = put('etc/containerd/real.toml', 'version = 2\n');
    const link = join(root, 'etc/containerd/config.toml');
    symlinkSync('real.toml', link);
    const r = writeFiles([entry(link, 'version = 3\n')], { root });
    expect(readFileSync(target, 'utf8')).toBe('version = 3\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.toml');
    expect(r.written).toEqual(['etc/containerd/config.toml']);
  });

  it('resolves an absolute symlink inside the node root, as the node (and the reader) does', () => {
    const target = put('etc/containerd/real.toml', 'version = 2\n');
    const link = join(root, 'etc/containerd/config.toml');
    symlinkSync('/etc/containerd/real.toml', link);
    writeFiles([entry(link, 'version = 3\n')], { root });
    expect(readFileSync(target, 'utf8')).toBe('version = 3\n');
    expect(readlinkSync(link)).toBe('/etc/containerd/real.toml');
  });

  it('never writes outside the node root through a symlink, and then changes nothing at all', () => {
    const outside = join(dir, 'host-config.toml');
    writeFileSync(outside, 'host = true\n');
    const other = put('etc/crictl.yaml', 'a: 1\n');
    const before = tree(dir);
    // An absolute target is looked up inside the root; `..` cannot climb above it.
    for (const target of [outside, '../../../host-config.toml']) {
      const link = join(root, 'etc/containerd/config.toml');
      rmSync(link, { force: true });
      symlinkSync(target, link);
      const run = () => writeFiles([entry(other, 'a: 2\n'), entry(link, 'version = 3\n')], { root });
      expect(run).toThrow(WriteError);
      expect(run).toThrow(`etc/containerd/config.toml: cannot write: it is a symbolic link to ${target}, which does not exist inside the node root`);
      expect(readFileSync(outside, 'utf8')).toBe('host = true\n');
      expect(readFileSync(other, 'utf8')).toBe('a: 1\n');
      expect(tree(dir)).toEqual(before.concat('node/etc/containerd/config.toml').sort());
    }
  });

  it('refuses a link to /dev/null (a masked drop-in)', () => {
    const link = join(root, 'etc/containerd/config.toml');
    symlinkSync('/dev/null', link);
    expect(() => writeFiles([entry(link, 'x = 1\n')], { root })).toThrow('etc/containerd/config.toml: cannot write: it is a link to /dev/null (a masked file)');
  });

  it('follows symlinks anywhere when there is no node root (loose files)', () => {
    const outside = join(dir, 'elsewhere.toml');
    writeFileSync(outside, 'x = 1\n');
    const link = join(root, 'etc/containerd/config.toml');
    symlinkSync(outside, link);
    writeFiles([entry(link, 'x = 2\n')]);
    expect(readFileSync(outside, 'utf8')).toBe('x = 2\n');
  });

  it('refuses a read-only file with an error naming it, before writing any other file', () => {
    const first = put('etc/crictl.yaml', 'a: 1\n');
    const ro = put('etc/containerd/config.toml', 'version = 2\n', 0o444);
    let err: unknown;
    try {
      writeFiles([entry(first, 'a: 2\n'), entry(ro, 'version = 3\n')], { root });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WriteError);
    expect((err as WriteError).file).toBe('etc/containerd/config.toml');
    expect((err as WriteError).message).toBe('etc/containerd/config.toml: cannot write: the file is read-only');
    expect(readFileSync(first, 'utf8')).toBe('a: 1\n');
    expect(readFileSync(ro, 'utf8')).toBe('version = 2\n');
    expect(tree(join(root, 'etc'))).toEqual(['containerd', 'containerd/config.toml', 'crictl.yaml']);
  });

  it('refuses a file that vanished', () => {
    expect(() => writeFiles([entry(join(root, 'etc/gone.toml'), 'x')], { root })).toThrow('etc/gone.toml: cannot write: no such file or directory');
  });

  it('creates files with mode 0644 and missing parents with 0755, whatever the umask', () => {
    const old = process.umask(0o077);
    try {
      const p = join(root, 'etc/sysctl.d/sub/99-kubernetes.conf');
      const r = writeFiles([entry(p, 'net.ipv4.ip_forward = 1\n', { created: true })], { root });
      expect(readFileSync(p, 'utf8')).toBe('net.ipv4.ip_forward = 1\n');
      expect(statSync(p).mode & 0o777).toBe(0o644);
      expect(statSync(join(root, 'etc/sysctl.d')).mode & 0o777).toBe(0o755);
      expect(statSync(join(root, 'etc/sysctl.d/sub')).mode & 0o777).toBe(0o755);
      expect(r.created).toEqual(['etc/sysctl.d/sub/99-kubernetes.conf']);
    } finally {
      process.umask(old);
    }
  });

  it('refuses to create a file that exists, or one behind a broken link; follows a good link and creates what is missing behind it', () => {
    const p = put('etc/sysctl.d/k8s.conf', 'x = 1\n');
    expect(() => writeFiles([entry(p, 'y\n', { created: true })], { root })).toThrow('etc/sysctl.d/k8s.conf: cannot create: the file already exists');
    expect(() => writeFiles([entry(p, 'y\n', { created: true })])).toThrow('etc/sysctl.d/k8s.conf: cannot create: the file already exists');
    mkdirSync(join(dir, 'host-etc'));
    symlinkSync(join(dir, 'host-etc'), join(root, 'etc/modules-load.d'));
    expect(() => writeFiles([entry(join(root, 'etc/modules-load.d/k8s.conf'), 'br_netfilter\n', { created: true })], { root })).toThrow(
      `etc/modules-load.d/k8s.conf: cannot create: its path goes through a symbolic link to ${join(dir, 'host-etc')}, which does not exist inside the node root`,
    );
    expect(readdirSync(join(dir, 'host-etc'))).toEqual([]);
    expect(tree(root)).toEqual(['etc', 'etc/containerd', 'etc/modules-load.d', 'etc/sysctl.d', 'etc/sysctl.d/k8s.conf']);
    // A link to a directory inside the root is followed, and missing directories below it are created.
    mkdirSync(join(root, 'usr/lib'), { recursive: true });
    symlinkSync('/usr/lib', join(root, 'etc/lib-link'));
    writeFiles([entry(join(root, 'etc/lib-link/sysctl.d/k8s.conf'), 'a = 1\n', { created: true })], { root });
    expect(statSync(join(root, 'usr/lib/sysctl.d')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, 'usr/lib/sysctl.d/k8s.conf'), 'utf8')).toBe('a = 1\n');
  });

  it('undoes created directories and temp files when a later file fails', () => {
    const created = join(root, 'etc/sysctl.d/99-k8s.conf');
    const ro = put('etc/containerd/config.toml', 'version = 2\n', 0o444);
    expect(() => writeFiles([entry(created, 'a = 1\n', { created: true }), entry(ro, 'x')], { root })).toThrow(WriteError);
    expect(tree(join(root, 'etc'))).toEqual(['containerd', 'containerd/config.toml']);
  });

  it('reports stale temp files of a crashed run and removes them only on request and only when their process is gone', () => {
    const p = put('etc/containerd/config.toml', 'version = 2\n');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = join(root, `etc/containerd/.config.toml.crilint-${dead}-0a1b2c3d4e5f.tmp`);
    const live = join(root, `etc/containerd/.config.toml.crilint-${process.pid}-abcdef012345.tmp`);
    writeFileSync(stale, 'half');
    writeFileSync(live, 'busy');
    const first = writeFiles([entry(p, 'version = 3\n')], { root });
    expect(first.staleTemps.sort()).toEqual([stale, live].sort());
    expect(first.removedTemps).toEqual([]);
    const second = writeFiles([entry(p, 'version = 2\n')], { root, removeStaleTemps: true });
    expect(second.removedTemps).toEqual([stale]);
    expect(tree(join(root, 'etc/containerd')).filter((n) => TEMP_PATTERN.test(n))).toEqual([`.config.toml.crilint-${process.pid}-abcdef012345.tmp`]);
  });

  it('leaves the original intact when the writer is killed between writing and renaming', async () => {
    const p = put('etc/containerd/config.toml', 'version = 2 # original\n', 0o640);
    const bundle = join(dir, 'write.mjs');
    buildSync({ entryPoints: [join(REPO, 'src/fix/write.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const script = `import { writeFiles } from ${JSON.stringify(bundle)};
writeFiles([{ path: ${JSON.stringify(p)}, display: 'etc/containerd/config.toml', text: 'version = 3 # new\\n', bom: false, created: false }], { root: ${JSON.stringify(root)} });
process.stdout.write('renamed\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, CRILINT_TEST_PAUSE_BEFORE_RENAME: '1' } });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    await new Promise<void>((res, rej) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('crilint-test: paused before rename')) res();
      });
      child.on('exit', () => rej(new Error(`child exited before pausing: ${stderr}`)));
    });
    // The temp file is complete (written, synced, final mode) but not yet renamed.
    const temps = tree(join(root, 'etc/containerd')).filter((n) => TEMP_PATTERN.test(n));
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(new RegExp(`^\\.config\\.toml\\.crilint-${child.pid}-[0-9a-f]{12}\\.tmp$`));
    const temp = join(root, 'etc/containerd', temps[0]!);
    expect(readFileSync(temp, 'utf8')).toBe('version = 3 # new\n');
    expect(statSync(temp).mode & 0o7777).toBe(0o640);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(stdout).toBe('');
    expect(readFileSync(p, 'utf8')).toBe('version = 2 # original\n');
    // The next run finds the leftover and (on request) removes it, since its process is gone.
    const r = writeFiles([entry(p, 'version = 3\n')], { root, removeStaleTemps: true });
    expect(r.staleTemps).toEqual([temp]);
    expect(r.removedTemps).toEqual([temp]);
    expect(tree(join(root, 'etc/containerd'))).toEqual(['config.toml']);
  });
});
