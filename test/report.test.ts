/**
 * Reporters over hand-made findings: the exact stylish text (frames with tabs, long lines,
 * multi-line ranges, related locations, fixes, summary, colour) and the exact JSON document
 * (DESIGN.md "JSON output", fleet `node`/`nodes`, merged target).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSource, rangeOf, type SourceFile } from '../src/core/source.js';
import type { Finding, Fix, RelatedLocation, Severity } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import type { Target } from '../src/engine/rule.js';
import type { NodeSet } from '../src/model/nodeset.js';
import { formatJson } from '../src/report/json.js';
import { formatStylish } from '../src/report/stylish.js';
import type { NodeResult } from '../src/report/types.js';
import { visible } from '../src/report/types.js';
import { useColor } from '../src/cli/lint.js';
import { REPO } from './helpers/cli.js';

function file(root: string, rel: string, text: string, kind: SourceFile['kind'] = 'containerd'): SourceFile {
  return makeSource({ path: resolve(REPO, root, rel), display: rel, nodePath: '/' + rel, kind }, text);
}

function node(name: string, files: SourceFile[] = []): NodeSet {
  return { name, root: resolve(REPO, name), files, comments: new Map(), containerd: null, kubelet: null, crictl: null, sysctl: null, modules: null, findings: [] } as unknown as NodeSet;
}

function target(k: string, c: string, assumedC = true): Target {
  return { kubernetes: parseVersion(k)!, containerd: parseVersion(c)!, assumed: { kubernetes: false, containerd: assumedC }, notes: [] };
}

/** A finding over [start, end) of the text: offsets found by searching for `at` (and its end). */
function at(src: SourceFile, needle: string, len = needle.length): { file: SourceFile; range: ReturnType<typeof rangeOf> } {
  const o = src.text.indexOf(needle);
  if (o < 0) throw new Error(`not in text: ${needle}`);
  return { file: src, range: rangeOf(src, o, o + len) };
}

function f(rule: string, severity: Severity, message: string, loc: { file: SourceFile | null; range: ReturnType<typeof rangeOf> | null }, extra: { related?: RelatedLocation[]; fix?: Fix } = {}): Finding {
  return { rule, severity, message, file: loc.file, range: loc.range, related: extra.related ?? [], ...(extra.fix ? { fix: extra.fix } : {}) };
}

const fix = (safety: 'safe' | 'unsafe', description: string): Fix => ({ safety, description, changes: [] });

const containerd = file(
  'nodes/a',
  'etc/containerd/config.toml',
  'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n\tSystemdCgroup = false\n',
);
const kubelet = file('nodes/a', 'var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n', 'kubelet');

describe('stylish', () => {
  it('prints one block per finding: clickable position, frame with tabs as 4 spaces, related and fix notes, then the summary', () => {
    const results: NodeResult[] = [
      {
        node: node('nodes/a', [containerd, kubelet]),
        target: target('1.34', '2.1'),
        findings: [
          f('cgroup-driver-mismatch', 'error', 'kubelet cgroupDriver is "systemd" but containerd SystemdCgroup is false', at(containerd, 'SystemdCgroup = false'), {
            related: [{ ...at(kubelet, 'systemd'), message: 'kubelet setting is here' }],
            fix: fix('unsafe', 'set SystemdCgroup = true'),
          }),
          f('deprecated-config-version', 'warning', 'config version 2 is deprecated in containerd 2.x', at(containerd, '2', 1), { fix: fix('safe', 'migrate to version = 3') }),
        ],
      },
    ];
    expect(formatStylish(results, { color: false, fleet: false })).toBe(
      [
        'nodes/a/etc/containerd/config.toml:4:2: error: kubelet cgroupDriver is "systemd" but containerd SystemdCgroup is false [cgroup-driver-mismatch]',
        '  |',
        '4 |     SystemdCgroup = false',
        '  |     ^' + '~'.repeat('SystemdCgroup = false'.length - 1),
        '  = related: nodes/a/var/lib/kubelet/config.yaml:3:15: kubelet setting is here',
        '  = fix: set SystemdCgroup = true (unsafe: --fix --unsafe-fixes)',
        '',
        'nodes/a/etc/containerd/config.toml:1:11: warning: config version 2 is deprecated in containerd 2.x [deprecated-config-version]',
        '  |',
        '1 | version = 2',
        '  |           ^',
        '  = fix: migrate to version = 3 (safe: --fix)',
        '',
        '✖ 2 problems (1 error, 1 warning, 0 info)',
        '  1 fixable with --fix, 1 more with --fix --unsafe-fixes',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for a clean run', () => {
    expect(formatStylish([{ node: node('nodes/a'), target: target('1.34', '2.1'), findings: [] }], { color: false, fleet: false })).toBe('');
  });

  it('frames multi-line ranges: every line up to four, else the first two, an ellipsis row and the last', () => {
    const src = file('n', 'etc/crictl.yaml', 'a: 1\nlist:\n  - x\n  - y\n  - z\n  - w\nend: 2\n', 'crictl');
    const three = f('invalid-value', 'error', 'three lines', { file: src, range: rangeOf(src, src.text.indexOf('list'), src.text.indexOf('  - y') + 5) });
    const many = f('invalid-value', 'info', 'six lines', { file: src, range: rangeOf(src, src.text.indexOf('list'), src.text.indexOf('end')) });
    const out = formatStylish([{ node: node('n', [src]), target: target('1.34', '2.1'), findings: [three, many] }], { color: false, fleet: false });
    expect(out).toBe(
      [
        'n/etc/crictl.yaml:2:1: error: three lines [invalid-value]',
        '  |',
        '2 | list:',
        '  | ^~~~~',
        '3 |   - x',
        '  |   ~~~',
        '4 |   - y',
        '  |   ~~~',
        '',
        'n/etc/crictl.yaml:2:1: info: six lines [invalid-value]',
        '  |',
        '2 | list:',
        '  | ^~~~~',
        '3 |   - x',
        '  |   ~~~',
        '. |',
        '6 |   - w',
        '  |   ~~~',
        '',
        '✖ 2 problems (1 error, 0 warnings, 1 info)',
        '',
      ].join('\n'),
    );
  });

  it('shows a long line as a window around the range, cut ends marked', () => {
    const long = 'sandbox_image = "' + 'r'.repeat(150) + '/pause:3.6"';
    const src = file('n', 'etc/containerd/config.toml', `${long}\n`);
    const finding = f('sandbox-image-mismatch', 'warning', 'pause 3.6', at(src, 'pause:3.6'));
    const out = formatStylish([{ node: node('n', [src]), target: target('1.34', '2.1'), findings: [finding] }], { color: false, fleet: false }).split('\n');
    const col = long.indexOf('pause:3.6') + 1;
    expect(out[0]).toBe(`n/etc/containerd/config.toml:1:${col}: warning: pause 3.6 [sandbox-image-mismatch]`);
    // The window starts 20 cells before the range (or so that the line's end fits), 120 cells wide.
    const start = Math.min(col - 1 - 20, long.length - 120);
    expect(out[2]).toBe('1 | …' + long.slice(start + 1, start + 120));
    expect(out[2]!.length).toBe('1 | '.length + 120);
    expect(out[3]).toBe('  | ' + ' '.repeat(col - 1 - start) + '^' + '~'.repeat('pause:3.6'.length - 1));
  });

  it('never lets file text drive the terminal: control characters are shown as symbols', () => {
    const src = file('n', 'etc/sysctl.d/10-x.conf', 'kernel.x = \x1b[31mred\x07\n', 'sysctl');
    const finding = f('syntax', 'error', 'bad \x1b[2J value', at(src, 'red'));
    const out = formatStylish([{ node: node('n', [src]), target: target('1.34', '2.1'), findings: [finding] }], { color: false, fleet: false });
    expect(out).not.toContain('\x1b');
    expect(out.split('\n').slice(0, 4)).toEqual(['n/etc/sysctl.d/10-x.conf:1:17: error: bad ␛[2J value [syntax]', '  |', '1 | kernel.x = ␛[31mred␇', '  |                 ^~~']);
    expect(visible('a\tb\u0085c\u007f')).toBe('a\tb\ufffdc\u2421');
  });

  it('reports a node-level finding by the node name and a zero-width range with one caret; fleet runs print a summary line per node and count nodes', () => {
    const src = file('nodes/b', 'etc/sysctl.d/99-k8s.conf', 'net.ipv4.ip_forward = 0', 'sysctl');
    const results: NodeResult[] = [
      { node: node('nodes/a'), target: target('1.34', '2.1'), findings: [] },
      {
        node: node('nodes/b', [src]),
        target: target('1.34', '2.1'),
        findings: [
          f('sysctl-required', 'error', 'net.ipv4.ip_forward must be 1', { file: null, range: null }),
          f('syntax', 'error', 'unexpected end of file', { file: src, range: rangeOf(src, src.text.length, src.text.length) }),
        ],
      },
    ];
    expect(formatStylish(results, { color: false, fleet: true })).toBe(
      [
        'nodes/a: ✔ no problems',
        '',
        'nodes/b: error: net.ipv4.ip_forward must be 1 [sysctl-required]',
        '',
        'nodes/b/etc/sysctl.d/99-k8s.conf:1:24: error: unexpected end of file [syntax]',
        '  |',
        '1 | net.ipv4.ip_forward = 0',
        '  |                        ^',
        '',
        'nodes/b: ✖ 2 problems (2 errors, 0 warnings, 0 info)',
        '',
        '✖ 2 problems (2 errors, 0 warnings, 0 info) in 1 of 2 nodes',
        '',
      ].join('\n'),
    );
  });

  it('colours severity, position and summary only when asked', () => {
    const src = file('n', 'etc/crictl.yaml', 'timeout: x\n', 'crictl');
    const out = formatStylish([{ node: node('n', [src]), target: target('1.34', '2.1'), findings: [f('invalid-value', 'warning', 'expected integer', at(src, 'x'))] }], { color: true, fleet: false });
    expect(out).toBe(
      [
        '\x1b[1mn/etc/crictl.yaml:1:10:\x1b[22m \x1b[33mwarning\x1b[39m: expected integer \x1b[2m[invalid-value]\x1b[22m',
        '\x1b[34m  |\x1b[39m',
        '\x1b[34m1 |\x1b[39m timeout: x',
        '\x1b[34m  |\x1b[39m          \x1b[33m^\x1b[39m',
        '',
        '\x1b[33m\x1b[1m✖ 1 problem (0 errors, 1 warning, 0 info)\x1b[22m\x1b[39m',
        '',
      ].join('\n'),
    );
  });

  it('decides colour: flag, then NO_COLOR, then FORCE_COLOR, then the terminal', () => {
    expect(useColor(undefined, {}, true)).toBe(true);
    expect(useColor(undefined, {}, false)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor(undefined, { NO_COLOR: '' }, true)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: '0' }, true)).toBe(true);
    expect(useColor(undefined, { FORCE_COLOR: '0' }, false)).toBe(false);
    expect(useColor(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' }, false)).toBe(true);
  });
});

describe('json', () => {
  const finding = f('cgroup-driver-mismatch', 'error', 'mismatch', at(containerd, 'SystemdCgroup = false'), {
    related: [{ ...at(kubelet, 'systemd'), message: 'kubelet setting is here' }],
    fix: fix('unsafe', 'flip'),
  });

  it('is the DESIGN.md document: positions 1-based with exclusive end, file relative to the node root, fix safety or null', () => {
    const doc = JSON.parse(formatJson([{ node: node('nodes/a', [containerd, kubelet]), target: target('1.34', '2.1'), findings: [finding] }], false));
    expect(doc).toEqual({
      version: 1,
      target: { kubernetes: '1.34', containerd: '2.1', assumed: ['containerd'] },
      findings: [
        {
          rule: 'cgroup-driver-mismatch',
          severity: 'error',
          message: 'mismatch',
          file: 'etc/containerd/config.toml',
          line: 4,
          column: 2,
          endLine: 4,
          endColumn: 23,
          fix: 'unsafe',
          related: [{ file: 'var/lib/kubelet/config.yaml', line: 3, column: 15, message: 'kubelet setting is here' }],
        },
      ],
      summary: { errors: 1, warnings: 0, infos: 0, fixable: 1 },
    });
    expect(Object.keys(doc)).toEqual(['version', 'target', 'findings', 'summary']);
    expect(Object.keys(doc.findings[0])).toEqual(['rule', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'fix', 'related']);
  });

  it('fleet runs add node to each finding and list every node with its own target; differing target fields are null at the top', () => {
    const nodeLevel = f('sysctl-required', 'warning', 'ip_forward unset', { file: null, range: null });
    const out = formatJson(
      [
        { node: node('nodes/a', [containerd, kubelet]), target: target('1.34', '2.1'), findings: [finding] },
        { node: node('nodes/b'), target: target('1.34', '1.7'), findings: [nodeLevel] },
        { node: node('nodes/c'), target: target('1.34', '2.1', false), findings: [] },
      ],
      true,
    );
    const doc = JSON.parse(out);
    expect(doc.target).toEqual({ kubernetes: '1.34', containerd: null, assumed: ['containerd'] });
    expect(doc.findings.map((x: { node: string; rule: string; file: string | null; line: number | null }) => [x.node, x.rule, x.file, x.line])).toEqual([
      ['nodes/a', 'cgroup-driver-mismatch', 'etc/containerd/config.toml', 4],
      ['nodes/b', 'sysctl-required', null, null],
    ]);
    expect(doc.nodes).toEqual([
      { node: 'nodes/a', target: { kubernetes: '1.34', containerd: '2.1', assumed: ['containerd'] } },
      { node: 'nodes/b', target: { kubernetes: '1.34', containerd: '1.7', assumed: ['containerd'] } },
      { node: 'nodes/c', target: { kubernetes: '1.34', containerd: '2.1', assumed: [] } },
    ]);
    expect(doc.summary).toEqual({ errors: 1, warnings: 1, infos: 0, fixable: 1 });
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('an empty run still gives a complete document', () => {
    expect(JSON.parse(formatJson([], false))).toEqual({
      version: 1,
      target: { kubernetes: null, containerd: null, assumed: [] },
      findings: [],
      summary: { errors: 0, warnings: 0, infos: 0, fixable: 0 },
    });
  });
});
