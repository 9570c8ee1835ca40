import { describe, expect, it } from 'vitest';
import type { Range } from '../src/core/types.js';
import {
  envOf,
  expandVariables,
  KUBELET_BOOLEAN_FLAGS,
  lastFlag,
  parseEnvFile,
  parseFlagWords,
  splitWords,
  type FlagToken,
} from '../src/parse/flags.js';
import { src } from './helpers/source.js';

const at = (r: Range | null) => (r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : null);
const text = (s: { text: string }, r: Range | null) => (r ? s.text.slice(r.start.offset, r.end.offset) : null);

function flagsOf(content: string, names = ['KUBELET_KUBEADM_ARGS', 'KUBELET_EXTRA_ARGS']) {
  const s = src(content, 'kubelet-flags', '/virtual/kubeadm-flags.env');
  const env = parseEnvFile(s);
  const words = expandVariables(envOf([env]), names);
  return { s, env, words, args: parseFlagWords(words, { booleans: KUBELET_BOOLEAN_FLAGS }) };
}

const show = (f: FlagToken, s: { text: string }) => ({
  name: f.name,
  value: f.value,
  form: f.form,
  range: at(f.range),
  token: text(s, f.range),
  name_: text(s, f.nameRange),
  value_: text(s, f.valueRange),
});

describe('EnvironmentFile parsing (systemd env-file.c)', () => {
  it('reads a kubeadm-flags.env line with exact ranges for the assignment, name and value', () => {
    const line = 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"\n';
    const s = src(line, 'kubelet-flags');
    const env = parseEnvFile(s);
    expect(env.findings).toEqual([]);
    expect(env.assignments).toHaveLength(1);
    const a = env.assignments[0]!;
    expect(a.name).toBe('KUBELET_KUBEADM_ARGS');
    expect(a.value).toBe('--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9');
    expect(a.valid).toBe(true);
    expect(at(a.nameRange)).toBe('1:1-1:21');
    expect(at(a.valueRange)).toBe(`1:22-1:${line.length}`);
    expect(at(a.range)).toBe(`1:1-1:${line.length}`);
    expect(a.valueOffsets[0]).toBe(22);
    expect(a.valueOffsets).toHaveLength(a.value.length);
  });

  it('skips # and ; comments, keeps # inside a value, trims unquoted values, and reports lines systemd drops', () => {
    const s = src('# comment\n  ; another\nA = spaced value   \nB=x # not a comment\nNOEQUALS\nexport C=1\n9D=2\n', 'kubelet-flags');
    const env = parseEnvFile(s);
    expect(env.assignments.map((a) => [a.name, a.value, a.valid])).toEqual([
      ['A', 'spaced value', true],
      ['B', 'x # not a comment', true],
      ['export C', '1', false],
      ['9D', '2', false],
    ]);
    expect(env.comments.map((c) => [c.line, c.text])).toEqual([
      [1, ' comment'],
      [2, ' another'],
    ]);
    expect(env.findings.map((f) => [f.rule, f.severity, at(f.range), f.message])).toEqual([
      ['syntax', 'error', '5:1-5:9', 'line has no "=": systemd ignores it'],
      ['syntax', 'error', '6:1-6:9', 'invalid environment variable name "export C": systemd ignores this assignment ("Ignoring invalid environment assignment")'],
      ['syntax', 'error', '7:1-7:3', 'invalid environment variable name "9D": systemd ignores this assignment ("Ignoring invalid environment assignment")'],
    ]);
    expect(at(env.assignments[0]!.nameRange)).toBe('3:1-3:2');
    expect(at(env.assignments[0]!.valueRange)).toBe('3:5-3:17');
  });

  it('continues a line after a backslash, and concatenates quoted and unquoted pieces', () => {
    const s = src('X=--a=1 \\\n  --b=2\nY="one two" three\nZ=\'multi\nline\'\nW="esc \\"q\\" \\$HOME \\n"\n', 'kubelet-flags');
    const env = parseEnvFile(s);
    expect(env.findings).toEqual([]);
    expect(env.assignments.map((a) => [a.name, a.value])).toEqual([
      ['X', '--a=1   --b=2'],
      ['Y', 'one twothree'],
      ['Z', 'multi\nline'],
      ['W', 'esc "q" $HOME \\n'],
    ]);
    const x = env.assignments[0]!;
    expect(at(x.range)).toBe('1:1-2:8');
    expect(at(env.assignments[2]!.valueRange)).toBe('4:3-5:6');
  });

  it('keeps quotes inside an unquoted value, which ExecStart splitting then honours', () => {
    const { s, env, args } = flagsOf('KUBELET_EXTRA_ARGS=--node-labels="a=b c" --v=2\n');
    expect(env.assignments[0]!.value).toBe('--node-labels="a=b c" --v=2');
    expect(args.flags.map((f) => show(f, s))).toEqual([
      { name: 'node-labels', value: 'a=b c', form: 'equals', range: '1:20-1:41', token: '--node-labels="a=b c"', name_: '--node-labels', value_: '"a=b c"' },
      { name: 'v', value: '2', form: 'equals', range: '1:42-1:47', token: '--v=2', name_: '--v', value_: '2' },
    ]);
  });

  it('reports an unterminated quote and takes the rest of the file, as systemd does', () => {
    const s = src('A="open\nB=1\n', 'kubelet-flags');
    const env = parseEnvFile(s);
    expect(env.assignments.map((a) => [a.name, a.value])).toEqual([['A', 'open\nB=1\n']]);
    expect(env.findings.map((f) => [at(f.range), f.message])).toEqual([['1:3-1:4', 'unterminated double quote: systemd takes the rest of the file as the value of "A"']]);
  });

  it('handles CRLF line ends', () => {
    const s = src('A=1\r\nB="two"\r\n', 'kubelet-flags');
    const env = parseEnvFile(s);
    expect(env.findings).toEqual([]);
    expect(env.assignments.map((a) => [a.name, a.value, at(a.range)])).toEqual([
      ['A', '1', '1:1-1:4'],
      ['B', 'two', '2:1-2:8'],
    ]);
  });

  it('lets a later assignment and a later file win', () => {
    const a = parseEnvFile(src('KUBELET_EXTRA_ARGS=--v=1\nKUBELET_EXTRA_ARGS=--v=2\n', 'kubelet-flags', '/a'));
    const b = parseEnvFile(src('KUBELET_EXTRA_ARGS=--v=3\n', 'kubelet-flags', '/b'));
    expect(envOf([a]).get('KUBELET_EXTRA_ARGS')!.value).toBe('--v=2');
    expect(envOf([a, b]).get('KUBELET_EXTRA_ARGS')!.file.path).toBe('/b');
  });
});

describe('ExecStart word splitting (systemd extract_first_word, EXTRACT_RELAX|EXTRACT_UNQUOTE)', () => {
  it('splits at whitespace, removes quotes and backslashes, and keeps source ranges', () => {
    const value = `a 'b c' d"e f"g h\\ i "unterminated`;
    const s = src(value);
    const offsets = [...value].map((_, i) => i);
    const words = splitWords(value, offsets, s, 'V');
    expect(words.map((w) => [w.text, text(s, w.range), w.source])).toEqual([
      ['a', 'a', 'V'],
      ['b c', "'b c'", 'V'],
      ['de fg', 'd"e f"g', 'V'],
      ['h i', 'h\\ i', 'V'],
      ['unterminated', '"unterminated', 'V'],
    ]);
    expect(splitWords('  ', [0, 1], s)).toEqual([]);
    expect(splitWords('""', [0, 1], s).map((w) => w.text)).toEqual(['']);
  });
});

describe('kubelet flags (pflag)', () => {
  it('orders KUBEADM_ARGS before EXTRA_ARGS regardless of file order, and the last occurrence wins', () => {
    const { s, args } = flagsOf('KUBELET_EXTRA_ARGS="--cgroup-driver=systemd"\nKUBELET_KUBEADM_ARGS="--cgroup-driver=cgroupfs --max-pods 58"\n');
    expect(args.flags.map((f) => [f.name, f.value, f.source, f.index])).toEqual([
      ['cgroup-driver', 'cgroupfs', 'KUBELET_KUBEADM_ARGS', 0],
      ['max-pods', '58', 'KUBELET_KUBEADM_ARGS', 1],
      ['cgroup-driver', 'systemd', 'KUBELET_EXTRA_ARGS', 2],
    ]);
    const win = lastFlag(args.flags, 'cgroup-driver')!;
    expect(show(win, s)).toEqual({ name: 'cgroup-driver', value: 'systemd', form: 'equals', range: '1:21-1:44', token: '--cgroup-driver=systemd', name_: '--cgroup-driver', value_: 'systemd' });
    const maxPods = args.flags[1]!;
    expect(show(maxPods, s)).toEqual({ name: 'max-pods', value: '58', form: 'separate', range: '2:48-2:61', token: '--max-pods 58', name_: '--max-pods', value_: '58' });
  });

  it('never gives a boolean flag the next word; normalises _ to -; handles shorthands, -- and missing values', () => {
    const { s, args } = flagsOf('KUBELET_EXTRA_ARGS=--fail-swap-on false --protect_kernel_defaults --fail-swap-on=false -v4 -- --not-a-flag --node-ip\n');
    expect(args.flags.map((f) => show(f, s))).toEqual([
      { name: 'fail-swap-on', value: null, form: 'bare', range: '1:20-1:34', token: '--fail-swap-on', name_: '--fail-swap-on', value_: null },
      { name: 'protect-kernel-defaults', value: null, form: 'bare', range: '1:41-1:66', token: '--protect_kernel_defaults', name_: '--protect_kernel_defaults', value_: null },
      { name: 'fail-swap-on', value: 'false', form: 'equals', range: '1:67-1:87', token: '--fail-swap-on=false', name_: '--fail-swap-on', value_: 'false' },
      { name: 'v', value: '4', form: 'equals', range: '1:88-1:91', token: '-v4', name_: '-v', value_: '4' },
    ]);
    expect(args.positionals.map((w) => [w.text, at(w.range)])).toEqual([
      ['false', '1:35-1:40'],
      ['--not-a-flag', '1:95-1:107'],
      ['--node-ip', '1:108-1:117'],
    ]);
  });

  it('marks a value-taking flag at the very end as missing its value', () => {
    const { args } = flagsOf('KUBELET_EXTRA_ARGS=--v=2 --node-ip\n');
    expect(args.flags.map((f) => [f.name, f.value, f.missingValue ?? false])).toEqual([
      ['v', '2', false],
      ['node-ip', null, true],
    ]);
  });

  it('takes a flag value across continuation lines with exact multi-line ranges', () => {
    const { s, args } = flagsOf('KUBELET_EXTRA_ARGS=--node-ip \\\n   10.0.0.1 --cluster-dns=10.96.0.10\n');
    expect(args.flags.map((f) => show(f, s))).toEqual([
      { name: 'node-ip', value: '10.0.0.1', form: 'separate', range: '1:20-2:12', token: '--node-ip \\\n   10.0.0.1', name_: '--node-ip', value_: '10.0.0.1' },
      { name: 'cluster-dns', value: '10.96.0.10', form: 'equals', range: '2:13-2:37', token: '--cluster-dns=10.96.0.10', name_: '--cluster-dns', value_: '10.96.0.10' },
    ]);
  });

  it('gives no words for unset variables and an empty value', () => {
    const { words } = flagsOf('KUBELET_KUBEADM_ARGS=""\n');
    expect(words).toEqual([]);
  });
});
