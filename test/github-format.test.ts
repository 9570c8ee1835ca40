/**
 * `--format github` (src/report/github.ts): the exact workflow commands for hand-made findings
 * (levels, positions, multi-line ranges, related locations and fixes, node-level findings, paths
 * outside the working directory), GitHub's escaping rules, and the CLI on the example nodes.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSource, rangeOf, type SourceFile } from '../src/core/source.js';
import type { Finding, Fix, RelatedLocation, Severity } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import type { Target } from '../src/engine/rule.js';
import type { NodeSet } from '../src/model/nodeset.js';
import { escapeData, escapeProperty, formatGithub } from '../src/report/github.js';
import type { NodeResult } from '../src/report/types.js';
import { crilint, REPO } from './helpers/cli.js';

function file(root: string, rel: string, text: string, kind: SourceFile['kind'] = 'containerd'): SourceFile {
  return makeSource({ path: resolve(REPO, root, rel), display: rel, nodePath: '/' + rel, kind }, text);
}

function node(name: string, files: SourceFile[] = []): NodeSet {
  return { name, root: resolve(REPO, name), files, comments: new Map(), containerd: null, kubelet: null, crictl: null, sysctl: null, modules: null, findings: [] } as unknown as NodeSet;
}

const target: Target = { kubernetes: parseVersion('1.34')!, containerd: parseVersion('2.1')!, assumed: { kubernetes: false, containerd: false }, notes: [] };

function at(src: SourceFile, needle: string, len = needle.length) {
  const o = src.text.indexOf(needle);
  if (o < 0) throw new Error(`not in text: ${needle}`);
  return { file: src, range: rangeOf(src, o, o + len) };
}

function f(rule: string, severity: Severity, message: string, loc: { file: SourceFile | null; range: ReturnType<typeof rangeOf> | null }, extra: { related?: RelatedLocation[]; fix?: Fix } = {}): Finding {
  return { rule, severity, message, file: loc.file, range: loc.range, related: extra.related ?? [], ...(extra.fix ? { fix: extra.fix } : {}) };
}

const fix = (safety: 'safe' | 'unsafe', description: string): Fix => ({ safety, description, changes: [] });

const containerd = file('nodes/a', 'etc/containerd/config.toml', 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n\tSystemdCgroup = false\n');
const kubelet = file('nodes/a', 'var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n', 'kubelet');

describe('github: workflow commands', () => {
  it('prints one command per finding: level, file relative to the working directory, positions, rule as title, related and fix lines', () => {
    const results: NodeResult[] = [
      {
        node: node('nodes/a', [containerd, kubelet]),
        target,
        findings: [
          f('cgroup-driver-mismatch', 'error', 'kubelet cgroupDriver is "systemd" but containerd SystemdCgroup is false', at(containerd, 'SystemdCgroup = false'), {
            related: [{ ...at(kubelet, 'systemd'), message: 'kubelet setting is here' }],
            fix: fix('unsafe', 'set SystemdCgroup = true'),
          }),
          f('deprecated-config-version', 'warning', 'config version 2 is deprecated in containerd 2.x', at(containerd, '2', 1), { fix: fix('safe', 'migrate to version = 3') }),
          f('advice', 'info', 'consider this', at(containerd, 'version')),
          // A range over two lines: GitHub takes columns only within one line.
          f('multi-line', 'error', 'spans lines', at(containerd, '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n\tSystemd')),
          f('sysctl-required', 'warning', 'net.ipv4.ip_forward is not 1', { file: null, range: null }, { related: [{ file: null, range: null, message: 'no sysctl.d file sets it' }] }),
        ],
      },
    ];
    expect(formatGithub(results, { cwd: REPO }).split('\n')).toEqual([
      '::error file=nodes/a/etc/containerd/config.toml,line=4,col=2,endLine=4,endColumn=23,title=cgroup-driver-mismatch::kubelet cgroupDriver is "systemd" but containerd SystemdCgroup is false%0Arelated: nodes/a/var/lib/kubelet/config.yaml:3:15: kubelet setting is here%0Afix: set SystemdCgroup = true (unsafe: --fix --unsafe-fixes)',
      '::warning file=nodes/a/etc/containerd/config.toml,line=1,col=11,endLine=1,endColumn=12,title=deprecated-config-version::config version 2 is deprecated in containerd 2.x%0Afix: migrate to version = 3 (safe: --fix)',
      '::notice file=nodes/a/etc/containerd/config.toml,line=1,col=1,endLine=1,endColumn=8,title=advice::consider this',
      '::error file=nodes/a/etc/containerd/config.toml,line=3,endLine=4,title=multi-line::spans lines',
      '::warning title=sysctl-required::nodes/a: net.ipv4.ip_forward is not 1%0Arelated: nodes/a: no sysctl.d file sets it',
      '',
    ]);
  });

  it('prints nothing for no findings; a file outside the working directory keeps its absolute path', () => {
    expect(formatGithub([{ node: node('nodes/a', [containerd]), target, findings: [] }], { cwd: REPO })).toBe('');
    const outside = makeSource({ path: '/elsewhere/etc/crictl.yaml', kind: 'crictl' }, 'timeout: 2\n');
    expect(formatGithub([{ node: node('(files)', [outside]), target, findings: [f('x', 'error', 'm', at(outside, 'timeout'))] }], { cwd: REPO })).toBe(
      '::error file=/elsewhere/etc/crictl.yaml,line=1,col=1,endLine=1,endColumn=8,title=x::m\n',
    );
  });

  it("escapes as GitHub's toolkit does: % CR LF in the message, and also : , in properties; other control characters are shown, not sent", () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('C:\\dir,x%\n')).toBe('C%3A\\dir%2Cx%25%0A');
    const odd = file('nodes/a', 'etc/sysctl.d/50-a,b:c%.conf', 'kernel.x = 1\n', 'sysctl');
    const out = formatGithub([{ node: node('nodes/a', [odd]), target, findings: [f('odd:rule', 'error', 'value "1\r\n::error::x" has 50% \u001b[31mred\u001b[0m', at(odd, 'kernel.x'))] }], { cwd: REPO });
    expect(out).toBe(
      '::error file=nodes/a/etc/sysctl.d/50-a%2Cb%3Ac%25.conf,line=1,col=1,endLine=1,endColumn=9,title=odd%3Arule::value "1%0D%0A::error::x" has 50%25 \u241b[31mred\u241b[0m\n',
    );
    // The injected "::error::" starts no line of its own.
    expect(out.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(1);
  });
});

describe('github: crilint lint --format github', () => {
  it('annotates the broken example node at paths relative to the working directory, with the exit code of any format', () => {
    const r = crilint(['lint', '--root', 'examples/broken-node', '--kubernetes', '1.36', '--containerd', '2.2', '--format', 'github']);
    const j = crilint(['lint', '--root', 'examples/broken-node', '--kubernetes', '1.36', '--containerd', '2.2', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.code).toBe(j.code);
    expect(r.stderr).toBe(j.stderr);
    type Json = { rule: string; severity: string; file: string; line: number; column: number; endLine: number; endColumn: number; message: string; fix: string | null; related: { file: string; line: number; column: number; message: string }[] };
    const json = JSON.parse(j.stdout) as { findings: Json[] };
    expect(json.findings.length).toBeGreaterThan(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(json.findings.length);
    const level: Record<string, string> = { error: 'error', warning: 'warning', info: 'notice' };
    json.findings.forEach((x, i) => {
      const cols = x.line === x.endLine ? `,col=${x.column},endLine=${x.endLine},endColumn=${x.endColumn}` : `,endLine=${x.endLine}`;
      const [head, ...rest] = lines[i]!.split('%0A');
      expect(head).toBe(`::${level[x.severity]} file=examples/broken-node/${x.file},line=${x.line}${cols},title=${x.rule}::${escapeData(x.message)}`);
      expect(rest.slice(0, x.related.length)).toEqual(x.related.map((rel) => `related: examples/broken-node/${rel.file}:${rel.line}:${rel.column}: ${escapeData(rel.message)}`));
      const fixLine = rest.slice(x.related.length);
      if (x.fix === null) expect(fixLine).toEqual([]);
      else expect(fixLine).toEqual([expect.stringMatching(x.fix === 'safe' ? /^fix: .+ \(safe: --fix\)$/ : /^fix: .+ \(unsafe: --fix --unsafe-fixes\)$/)]);
    });
  });

  it('prints nothing for the clean example node (exit 0)', () => {
    const r = crilint(['lint', '--root', 'examples/clean-node', '--kubernetes', '1.34', '--containerd', '2.1', '--format', 'github']);
    expect(r).toEqual({ stdout: '', stderr: '', code: 0 });
  });
});
