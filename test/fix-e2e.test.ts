/**
 * The fix machinery end to end, the way the CLI wires it: rules build fixes with the builders,
 * applyFixes re-parses and re-lints in-memory texts, writeFiles writes them, unifiedDiff shows
 * them (and `git apply` of that diff gives the same bytes), and a second run changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { makeSource, type FileKind, type SourceFile } from '../src/core/source.js';
import type { Finding } from '../src/core/types.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { getPath, str, bool, type MapNode, type ScalarNode } from '../src/model/tree.js';
import { applyFixes, lines, makeFix, toml, unifiedDiff, writeFiles, yaml } from '../src/fix/index.js';

const CONTAINERD = `version = 2

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  # must match the kubelet
  SystemdCgroup = false
`;
const KUBELET = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
`;
const RUNC_OPTS = ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes', 'runc', 'options'];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function nodeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'crilint-e2e-'));
  dirs.push(root);
  for (const [rel, text] of [
    ['etc/containerd/config.toml', CONTAINERD],
    ['var/lib/kubelet/config.yaml', KUBELET],
  ]) {
    mkdirSync(dirname(join(root, rel!)), { recursive: true });
    writeFileSync(join(root, rel!), text!);
  }
  return root;
}

/** Three toy rules over real parses of the node's files (disk overlaid with in-memory texts). */
function lint(root: string, texts: ReadonlyMap<string, string> = new Map()): Finding[] {
  const read = (rel: string, kind: FileKind): SourceFile | null => {
    const path = join(root, rel);
    const text = texts.get(path) ?? (existsSync(path) ? readFileSync(path, 'utf8') : null);
    return text === null ? null : makeSource({ path, display: rel, kind }, text);
  };
  const out: Finding[] = [];
  const c = read('etc/containerd/config.toml', 'containerd')!;
  const k = read('var/lib/kubelet/config.yaml', 'kubelet')!;
  const croot = parseTomlSource(c).root!;
  const kroot = parseYamlSource(k, { version: '1.1' }).roots[0] as MapNode;
  const systemd = getPath(croot, [...RUNC_OPTS, 'SystemdCgroup']) as ScalarNode;
  if (str(getPath(kroot, ['cgroupDriver'])) === 'systemd' && bool(systemd) === false) {
    out.push({ rule: 'cgroup-driver-mismatch', severity: 'error', message: 'SystemdCgroup is false', file: c, range: systemd.range, related: [], fix: makeFix('safe', 'set SystemdCgroup = true', toml.setValue(systemd, true)) });
  }
  if (!getPath(kroot, ['containerRuntimeEndpoint'])) {
    out.push({
      rule: 'cri-socket-mismatch',
      severity: 'error',
      message: 'containerRuntimeEndpoint is not set',
      file: k,
      range: null,
      related: [],
      fix: makeFix('safe', 'set containerRuntimeEndpoint', yaml.insertKey(kroot, 'containerRuntimeEndpoint', 'unix:///run/containerd/containerd.sock')),
    });
  }
  const s = read('etc/sysctl.d/99-kubernetes.conf', 'sysctl');
  for (const line of ['net.ipv4.ip_forward = 1', 'net.bridge.bridge-nf-call-iptables = 1']) {
    if (s?.text.includes(line)) continue;
    const change = s ? lines.appendLine(s, line) : lines.createFile(join(root, 'etc/sysctl.d/99-kubernetes.conf'), 'etc/sysctl.d/99-kubernetes.conf', [line]);
    out.push({ rule: 'sysctl-required', severity: 'error', message: `${line} is not set`, file: s, range: null, related: [], fix: makeFix('safe', `add ${line}`, change) });
  }
  return out;
}

function fix(root: string) {
  return applyFixes(lint(root), {
    relint: (texts) => lint(root, texts),
    parses: (path, text) => {
      const src = makeSource({ path, kind: 'unknown' }, text);
      if (path.endsWith('.toml')) return parseTomlSource(src).findings.length === 0;
      if (path.endsWith('.yaml')) return parseYamlSource(src).findings.length === 0;
      return true;
    },
  });
}

describe('lint --fix, end to end', () => {
  it('fixes, writes, diffs identically, and is idempotent', () => {
    const root = nodeRoot();
    const result = fix(root);
    expect(result.diagnostics).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.applied.map((a) => [a.rule, a.pass])).toEqual([
      ['cgroup-driver-mismatch', 1],
      ['cri-socket-mismatch', 1],
      ['sysctl-required', 1],
      ['sysctl-required', 2],
    ]);

    // Dry run: the diff, applied with git apply to a copy of the root, gives what the writer writes.
    const patch = unifiedDiff(result.files.values());
    const copy = mkdtempSync(join(tmpdir(), 'crilint-e2e-copy-'));
    dirs.push(copy);
    cpSync(root, copy, { recursive: true });
    const applied = spawnSync('git', ['apply', '-'], { cwd: copy, input: patch, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);

    const w = writeFiles([...result.files.values()], { root });
    expect(w.written).toEqual(['etc/containerd/config.toml', 'var/lib/kubelet/config.yaml']);
    expect(w.created).toEqual(['etc/sysctl.d/99-kubernetes.conf']);
    expect(readFileSync(join(root, 'etc/containerd/config.toml'), 'utf8')).toBe(CONTAINERD.replace('SystemdCgroup = false', 'SystemdCgroup = true'));
    expect(readFileSync(join(root, 'var/lib/kubelet/config.yaml'), 'utf8')).toBe(KUBELET + 'containerRuntimeEndpoint: unix:///run/containerd/containerd.sock\n');
    expect(readFileSync(join(root, 'etc/sysctl.d/99-kubernetes.conf'), 'utf8')).toBe('net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n');
    for (const f of result.files.values()) {
      const rel = relative(root, f.path);
      expect(readFileSync(join(copy, rel), 'utf8'), rel).toBe(readFileSync(join(root, rel), 'utf8'));
    }

    const again = fix(root);
    expect(again.files.size).toBe(0);
    expect(again.applied).toEqual([]);
    expect(unifiedDiff(again.files.values())).toBe('');
  });
});
