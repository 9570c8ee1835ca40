import { describe, expect, it } from 'vitest';
import { makeSource, rangeOf, offsetAt, type FileKind, type SourceFile } from '../src/core/source.js';
import type { Finding, Fix } from '../src/core/types.js';
import type { NodeSet } from '../src/model/nodeset.js';
import type { Comment } from '../src/parse/common.js';
import { parseTomlSource } from '../src/parse/toml.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { activeRuleIds, applySuppressions, applySuppressionsDetailed, UNUSED_SUPPRESSION } from '../src/engine/suppress.js';
import type { RuleMeta } from '../src/engine/rule.js';

const KNOWN = ['cgroup-driver-mismatch', 'sandbox-image-mismatch', 'sysctl-required', 'syntax', 'unknown-key', 'unused-suppression'];

function file(display: string, kind: FileKind, text: string): SourceFile {
  return makeSource({ path: `/node/${display}`, display, kind }, text);
}

/** A node set as the loaders build it: the files and their comments (TOML/YAML from the real parsers). */
function nodeOf(...files: SourceFile[]): NodeSet {
  const comments = new Map<SourceFile, Comment[]>();
  for (const f of files) {
    if (f.kind === 'containerd') comments.set(f, parseTomlSource(f).comments);
    else if (f.kind === 'kubelet' || f.kind === 'crictl') comments.set(f, parseYamlSource(f).comments);
  }
  return { name: 'n', root: '/node', files, comments, containerd: null, crio: null, docker: null, kubelet: null, crictl: null, sysctl: null, modules: null, findings: [] };
}

/** A finding of `rule` at line:col spanning `len` characters. */
function at(f: SourceFile, rule: string, line: number, col: number, len = 1, extra: Partial<Finding> = {}): Finding {
  const s = offsetAt(f, line, col);
  return { rule, severity: 'error', message: `${rule} here`, file: f, range: rangeOf(f, s, s + len), related: [], ...extra };
}

/** Findings as `file:line:col-endLine:endCol rule severity message [fix]` lines. */
function show(list: Finding[]): string[] {
  return list.map(
    (f) =>
      `${f.file?.display ?? '-'}:${f.range ? `${f.range.start.line}:${f.range.start.column}-${f.range.end.line}:${f.range.end.column}` : '-'} ${f.rule} ${f.severity} ${f.message}${f.fix ? ` [${f.fix.safety}]` : ''}`,
  );
}

function applyFix(f: SourceFile, fix: Fix): string {
  expect(fix.changes).toHaveLength(1);
  expect(fix.changes[0]!.file).toBe(f);
  const edits = [...fix.changes[0]!.edits].sort((a, b) => b.start - a.start);
  let text = f.text;
  for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

const TOML = [
  'version = 2', // 1
  '# crilint-disable-next-line cgroup-driver-mismatch -- kubelet uses cgroupfs on purpose', // 2
  '', // 3
  '# a plain comment', // 4
  'SystemdCgroup = false', // 5
  'sandbox_image = "pause:3.6" # crilint-disable-line sandbox-image-mismatch', // 6
  'x = 1', // 7
  '',
].join('\n');

describe('inline suppression', () => {
  it('next-line skips blank and comment lines; line covers its own line; the reason is kept', () => {
    const c = file('etc/containerd/config.toml', 'containerd', TOML);
    const findings = [at(c, 'cgroup-driver-mismatch', 5, 17, 5), at(c, 'sandbox-image-mismatch', 6, 17, 11), at(c, 'cgroup-driver-mismatch', 7, 1)];
    const r = applySuppressionsDetailed(nodeOf(c), findings, KNOWN);
    expect(show(r.findings)).toEqual(['etc/containerd/config.toml:7:1-7:2 cgroup-driver-mismatch error cgroup-driver-mismatch here']);
    expect(r.suppressed.map((s) => [s.finding.rule, s.finding.range!.start.line, s.directive.kind, s.directive.targetLine, s.directive.reason])).toEqual([
      ['cgroup-driver-mismatch', 5, 'next-line', 5, 'kubelet uses cgroupfs on purpose'],
      ['sandbox-image-mismatch', 6, 'line', 6, null],
    ]);
  });

  it('stacked next-line directives all apply to the same code line', () => {
    const c = file('etc/containerd/config.toml', 'containerd', '# crilint-disable-next-line cgroup-driver-mismatch\n# crilint-disable-next-line sandbox-image-mismatch -- pinned\na = 1\n');
    const out = applySuppressions(nodeOf(c), [at(c, 'cgroup-driver-mismatch', 3, 1), at(c, 'sandbox-image-mismatch', 3, 5)], KNOWN);
    expect(out).toEqual([]);
  });

  it('a file directive anywhere covers the whole file; no rule list means every rule', () => {
    const y = file('var/lib/kubelet/config.yaml', 'kubelet', 'kind: KubeletConfiguration\ncgroupDriver: cgroupfs\nfoo: 1\n# crilint-disable-file cgroup-driver-mismatch, unknown-key\n');
    const c = file('etc/containerd/config.toml', 'containerd', 'a = 1 # crilint-disable-line\nb = 2\n');
    const out = applySuppressions(
      nodeOf(c, y),
      [at(y, 'cgroup-driver-mismatch', 2, 15, 8), at(y, 'unknown-key', 3, 1, 3), at(c, 'sandbox-image-mismatch', 1, 5), at(c, 'unknown-key', 1, 1), at(c, 'unknown-key', 2, 1)],
      KNOWN,
    );
    expect(show(out)).toEqual(['etc/containerd/config.toml:2:1-2:2 unknown-key error unknown-key here']);
  });

  it('a directive at a related location does not suppress; node-level findings are not suppressible inline', () => {
    const c = file('etc/containerd/config.toml', 'containerd', 'SystemdCgroup = false\n');
    const y = file('var/lib/kubelet/config.yaml', 'kubelet', '# crilint-disable-next-line cgroup-driver-mismatch\ncgroupDriver: systemd\n');
    const f = at(c, 'cgroup-driver-mismatch', 1, 17, 5, { related: [{ file: y, range: rangeOf(y, 65, 72), message: 'kubelet side' }] });
    const nodeLevel: Finding = { rule: 'sysctl-required', severity: 'error', message: 'no sysctl.d', file: null, range: null, related: [] };
    const out = applySuppressions(nodeOf(c, y), [f, nodeLevel], KNOWN);
    expect(show(out)).toEqual([
      '-:- sysctl-required error no sysctl.d',
      'etc/containerd/config.toml:1:17-1:22 cgroup-driver-mismatch error cgroup-driver-mismatch here',
      'var/lib/kubelet/config.yaml:1:1-1:51 unused-suppression warning unused crilint-disable-next-line: no "cgroup-driver-mismatch" finding on line 2 [safe]',
    ]);
  });

  it('gives the credit to the most specific directive; the redundant one is unused', () => {
    const c = file('etc/containerd/config.toml', 'containerd', '# crilint-disable-file unknown-key\nfoo = 1 # crilint-disable-line unknown-key\n');
    const out = applySuppressions(nodeOf(c), [at(c, 'unknown-key', 2, 1, 3)], KNOWN);
    expect(show(out)).toEqual(['etc/containerd/config.toml:1:1-1:35 unused-suppression warning unused crilint-disable-file: no "unknown-key" finding in this file [safe]']);
  });

  it('never suppresses syntax findings, and reports no unused directives in a file that does not parse', () => {
    const c = file('etc/containerd/config.toml', 'containerd', '# crilint-disable-file\n[plugins\n# crilint-disable-next-line nope-rule\n');
    const syntax: Finding = { rule: 'syntax', severity: 'error', message: 'invalid TOML', file: c, range: rangeOf(c, 23, 24), related: [] };
    const out = applySuppressions(nodeOf(c), [syntax], KNOWN);
    expect(show(out)).toEqual([
      'etc/containerd/config.toml:2:1-2:2 syntax error invalid TOML',
      'etc/containerd/config.toml:3:29-3:38 unused-suppression warning unknown rule "nope-rule" in crilint-disable-next-line',
    ]);
  });
});

describe('unused and invalid directives', () => {
  it('reports a wholly unused directive at the comment, and its fix deletes the line', () => {
    const text = 'a = 1\n  # crilint-disable-next-line sandbox-image-mismatch, unknown-key -- old\nb = 2\n';
    const c = file('etc/containerd/config.toml', 'containerd', text);
    const out = applySuppressions(nodeOf(c), [], KNOWN);
    expect(show(out)).toEqual([
      'etc/containerd/config.toml:2:3-2:73 unused-suppression warning unused crilint-disable-next-line: no "sandbox-image-mismatch" or "unknown-key" finding on line 3 [safe]',
    ]);
    expect(out[0]!.fix!.description).toBe('remove the unused crilint-disable-next-line directive');
    expect(applyFix(c, out[0]!.fix!)).toBe('a = 1\nb = 2\n');
  });

  it('deletes a trailing directive with the blanks before it, and a last line without terminator with the previous newline', () => {
    const c = file('etc/containerd/config.toml', 'containerd', 'a = 1   # crilint-disable-line\r\n# crilint-disable-file unknown-key');
    const out = applySuppressions(nodeOf(c), [], KNOWN);
    expect(show(out)).toEqual([
      'etc/containerd/config.toml:1:9-1:31 unused-suppression warning unused crilint-disable-line: nothing to suppress on this line [safe]',
      'etc/containerd/config.toml:2:1-2:35 unused-suppression warning unused crilint-disable-file: no "unknown-key" finding in this file [safe]',
    ]);
    expect(applyFix(c, out[0]!.fix!)).toBe('a = 1\r\n# crilint-disable-file unknown-key');
    expect(applyFix(c, out[1]!.fix!)).toBe('a = 1   # crilint-disable-line');
  });

  it('reports each unused rule of a partly used list at its name, and the fix drops it with its comma', () => {
    const text = '# crilint-disable-next-line unknown-key, cgroup-driver-mismatch, sandbox-image-mismatch -- why\nx = 1\n';
    const c = file('etc/containerd/config.toml', 'containerd', text);
    const out = applySuppressions(nodeOf(c), [at(c, 'cgroup-driver-mismatch', 2, 1)], KNOWN);
    expect(show(out)).toEqual([
      'etc/containerd/config.toml:1:29-1:40 unused-suppression warning unused crilint-disable-next-line: no "unknown-key" finding on line 2 [safe]',
      'etc/containerd/config.toml:1:66-1:88 unused-suppression warning unused crilint-disable-next-line: no "sandbox-image-mismatch" finding on line 2 [safe]',
    ]);
    expect(out[0]!.fix!.description).toBe('remove "unknown-key" from the crilint-disable-next-line directive');
    expect(applyFix(c, out[0]!.fix!)).toBe('# crilint-disable-next-line cgroup-driver-mismatch, sandbox-image-mismatch -- why\nx = 1\n');
    expect(applyFix(c, out[1]!.fix!)).toBe('# crilint-disable-next-line unknown-key, cgroup-driver-mismatch -- why\nx = 1\n');
  });

  it('names unknown rules with a did-you-mean, and flags non-IDs, unsuppressible rules, empty lists and unknown directives, without fixes', () => {
    const text = [
      '# crilint-disable-next-line cgroup-driver-mismach, totally-different -- typo',
      '# crilint-disable-file this file is generated',
      '# crilint-disable-line syntax, unused-suppression',
      '# crilint-disable-nextline unknown-key',
      '# crilint-disable unknown-key',
      '# crilint-disable-line ,',
      'x = 1',
      '',
    ].join('\n');
    const c = file('etc/containerd/config.toml', 'containerd', text);
    const out = applySuppressions(nodeOf(c), [], KNOWN);
    expect(show(out)).toEqual([
      'etc/containerd/config.toml:1:29-1:50 unused-suppression warning unknown rule "cgroup-driver-mismach" in crilint-disable-next-line (did you mean "cgroup-driver-mismatch"?)',
      'etc/containerd/config.toml:1:52-1:69 unused-suppression warning unknown rule "totally-different" in crilint-disable-next-line',
      'etc/containerd/config.toml:2:24-2:46 unused-suppression warning "this file is generated" is not a rule ID: separate rule IDs with commas and put a reason after " -- "',
      'etc/containerd/config.toml:3:24-3:30 unused-suppression warning "syntax" findings cannot be suppressed: the component refuses a file that does not parse',
      'etc/containerd/config.toml:3:32-3:50 unused-suppression warning "unused-suppression" cannot be suppressed by a directive: delete the directive, or set unused-suppression: off in crilint.config.yaml',
      'etc/containerd/config.toml:4:3-4:27 unused-suppression warning unknown directive "crilint-disable-nextline" (did you mean "crilint-disable-next-line"?)',
      'etc/containerd/config.toml:5:3-5:18 unused-suppression warning unknown directive "crilint-disable"; use crilint-disable-next-line, crilint-disable-line or crilint-disable-file',
      'etc/containerd/config.toml:6:3-6:25 unused-suppression warning empty rule list in crilint-disable-line: name rules separated by commas, or none at all for every rule',
    ]);
  });

  it('explains a disable-line alone on its line, and a next-line with nothing after it', () => {
    const c = file('etc/containerd/config.toml', 'containerd', '# crilint-disable-line unknown-key\nx = 1\n# crilint-disable-next-line unknown-key\n\n');
    const out = applySuppressions(nodeOf(c), [at(c, 'unknown-key', 2, 1)], KNOWN);
    expect(show(out)).toEqual([
      'etc/containerd/config.toml:1:1-1:35 unused-suppression warning unused crilint-disable-line: it is alone on its line, so it covers only itself; use crilint-disable-next-line above the line to suppress [safe]',
      'etc/containerd/config.toml:2:1-2:2 unknown-key error unknown-key here',
      'etc/containerd/config.toml:3:1-3:40 unused-suppression warning unused crilint-disable-next-line: no line follows it [safe]',
    ]);
  });

  it('does not count directives for known rules that did not run; takes the configured severity, or off', () => {
    const c = file('etc/containerd/config.toml', 'containerd', '# crilint-disable-next-line sysctl-required, unknown-key\nx = 1\n');
    expect(show(applySuppressions(nodeOf(c), [], KNOWN, { activeRules: ['unknown-key'], severity: 'error' }))).toEqual([
      'etc/containerd/config.toml:1:46-1:57 unused-suppression error unused crilint-disable-next-line: no "unknown-key" finding on line 2 [safe]',
    ]);
    expect(applySuppressions(nodeOf(c), [], KNOWN, { activeRules: ['unknown-key'], severity: 'off' })).toEqual([]);
    expect(applySuppressions(nodeOf(c), [], KNOWN, { activeRules: [] })).toEqual([]);
  });

  it('ignores "#" inside YAML quoted strings and comments that merely mention a directive', () => {
    const y = file('etc/crictl.yaml', 'crictl', 'runtime-endpoint: "unix:///run/x.sock # crilint-disable-line"\n# see crilint-disable-line in the docs\n');
    expect(applySuppressions(nodeOf(y), [], KNOWN)).toEqual([]);
  });
});

describe('files with whole-line comments only (sysctl.d, modules-load.d, kubelet flags)', () => {
  const text = [
    '; crilint-disable-next-line sysctl-required -- set by the CNI',
    'net.ipv4.ip_forward = 0',
    'net.bridge.bridge-nf-call-iptables = 1 # crilint-disable-line sysctl-required',
    '  # crilint-disable-next-line sysctl-required',
    'vm.overcommit_memory = 1',
    '',
  ].join('\n');

  it('honours whole-line # and ; directives and reports an inline one as not a comment, with an unsafe fix that moves it', () => {
    const s = file('etc/sysctl.d/k8s.conf', 'sysctl', text);
    const findings = [at(s, 'sysctl-required', 2, 23), at(s, 'sysctl-required', 3, 38)];
    const out = applySuppressions(nodeOf(s), findings, KNOWN);
    expect(show(out)).toEqual([
      'etc/sysctl.d/k8s.conf:3:38-3:39 sysctl-required error sysctl-required here',
      'etc/sysctl.d/k8s.conf:3:40-3:78 unused-suppression warning "# crilint-disable-line" is not a comment here: sysctl.d files have whole-line comments only, so this text is part of the value and suppresses nothing [unsafe]',
      'etc/sysctl.d/k8s.conf:4:3-4:46 unused-suppression warning unused crilint-disable-next-line: no "sysctl-required" finding on line 5 [safe]',
    ]);
    expect(applyFix(s, out[1]!.fix!).split('\n').slice(2, 4)).toEqual(['# crilint-disable-next-line sysctl-required', 'net.bridge.bridge-nf-call-iptables = 1']);
    expect(applyFix(s, out[2]!.fix!).split('\n')).toEqual([text.split('\n')[0], text.split('\n')[1], text.split('\n')[2], 'vm.overcommit_memory = 1', '']);
  });

  it('says "module name" for modules-load.d, and moves an inline next-line directive below its line', () => {
    const m = file('etc/modules-load.d/k8s.conf', 'modules-load', 'br_netfilter # crilint-disable-next-line kernel-module-required\noverlay\n');
    const out = applySuppressions(nodeOf(m), [], KNOWN);
    expect(show(out)).toEqual([
      'etc/modules-load.d/k8s.conf:1:14-1:64 unused-suppression warning "# crilint-disable-next-line" is not a comment here: modules-load.d files have whole-line comments only, so this text is part of the module name and suppresses nothing [unsafe]',
    ]);
    expect(applyFix(m, out[0]!.fix!)).toBe('br_netfilter\n# crilint-disable-next-line kernel-module-required\noverlay\n');
  });

  it('does not treat inline text as a directive in kubelet flag files either', () => {
    const k = file('var/lib/kubelet/kubeadm-flags.env', 'kubelet-flags', 'KUBELET_KUBEADM_ARGS="--cgroup-driver=cgroupfs" # crilint-disable-line cgroup-driver-mismatch\n');
    const out = applySuppressions(nodeOf(k), [at(k, 'cgroup-driver-mismatch', 1, 23, 24)], KNOWN);
    expect(out.map((f) => f.rule)).toEqual(['cgroup-driver-mismatch', UNUSED_SUPPRESSION]);
    expect(out[1]!.message).toBe(
      '"# crilint-disable-line" is not a comment here: kubelet flag (EnvironmentFile) files have whole-line comments only, so this text is part of the value and suppresses nothing',
    );
  });
});

describe('which rules are active', () => {
  const metas: RuleMeta[] = [
    { id: 'a-rule', description: 'A', severity: 'error', files: [] },
    { id: 'cis-rule', description: 'C', severity: 'warning', files: [], profile: 'cis' },
    { id: 'other-cis', description: 'D', severity: 'warning', files: [], profile: 'cis' },
  ];

  it('follows the config: off, enabled profiles, and profile rules given a severity', () => {
    expect(activeRuleIds(metas)).toEqual(['a-rule']);
    expect(activeRuleIds(metas, { 'a-rule': 'off' }, ['cis'])).toEqual(['cis-rule', 'other-cis']);
    expect(activeRuleIds(metas, { 'cis-rule': 'info' })).toEqual(['a-rule', 'cis-rule']);
  });

  it('uses the comments a loader recorded for a sysctl file, ignoring any it marked as trailing', () => {
    const s = file('etc/sysctl.d/k8s.conf', 'sysctl', '# crilint-disable-next-line sysctl-required\nnet.ipv4.ip_forward = 0 # crilint-disable-line\n');
    const node = nodeOf(s);
    const trailing: Comment = { text: ' crilint-disable-line', line: 2, range: rangeOf(s, 69, 91), ownLine: false };
    node.comments.set(s, [{ text: ' crilint-disable-next-line sysctl-required', line: 1, range: rangeOf(s, 0, 43), ownLine: true }, trailing]);
    expect(show(applySuppressions(node, [at(s, 'sysctl-required', 2, 23)], KNOWN))).toEqual([
      'etc/sysctl.d/k8s.conf:2:25-2:47 unused-suppression warning "# crilint-disable-line" is not a comment here: sysctl.d files have whole-line comments only, so this text is part of the value and suppresses nothing [unsafe]',
    ]);
  });
});
