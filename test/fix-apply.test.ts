import { describe, expect, it } from 'vitest';
import { makeSource, type SourceFile } from '../src/core/source.js';
import type { Finding, FixSafety } from '../src/core/types.js';
import { applyFixes, type ApplyOptions } from '../src/fix/apply.js';
import { edit, makeFix } from '../src/fix/common.js';
import * as lines from '../src/fix/lines.js';

/**
 * A toy linter over `key = value` files: each rule looks at the current texts (original files
 * overlaid with the applier's texts) and reports findings whose fixes are built on SourceFiles
 * of exactly those texts, as the real engine does after re-parsing.
 */
type Rule = (files: Map<string, SourceFile>) => Finding[];

function harness(initial: Record<string, string>, rules: Rule[], extra: Partial<ApplyOptions> = {}) {
  const base = new Map(Object.entries(initial));
  let relints = 0;
  const lint = (texts: ReadonlyMap<string, string>): Finding[] => {
    const files = new Map<string, SourceFile>();
    for (const [p, t] of new Map([...base, ...texts])) files.set(p, makeSource({ path: p, display: p.replace(/^\/n\//, ''), kind: 'sysctl' }, t));
    return rules.flatMap((r) => r(files));
  };
  const findings = lint(new Map());
  const result = applyFixes(findings, {
    relint: (t) => {
      relints++;
      return lint(t);
    },
    parses: (_p, t) => !t.includes('!!'),
    ...extra,
  });
  const text = (p: string) => result.files.get(p)?.text ?? base.get(p);
  return { result, text, relints: () => relints };
}

function finding(rule: string, file: SourceFile, fix: Finding['fix']): Finding {
  return { rule, severity: 'error', message: `${rule} in ${file.display}`, file, range: null, related: [], ...(fix ? { fix } : {}) };
}

/** Rule: in `path`, replace `from` by `to` (the first occurrence). */
function replace(rule: string, path: string, from: string, to: string, safety: FixSafety = 'safe'): Rule {
  return (files) => {
    const f = files.get(path);
    const i = f ? f.text.indexOf(from) : -1;
    if (!f || i < 0) return [];
    return [finding(rule, f, makeFix(safety, `${from} -> ${to}`, { file: f, edits: [edit(i, i + from.length, to)] }))];
  };
}

describe('applyFixes', () => {
  it('applies a fix across two files together', () => {
    const both: Rule = (files) => {
      const a = files.get('/n/a')!;
      const b = files.get('/n/b')!;
      if (!a.text.includes('a = 0') || !b.text.includes('b = 0')) return [];
      return [finding('both', a, makeFix('safe', 'a and b to 1', { file: a, edits: [edit(4, 5, '1')] }, { file: b, edits: [edit(4, 5, '1')] }))];
    };
    const { result, text } = harness({ '/n/a': 'a = 0\n', '/n/b': 'b = 0\n' }, [both]);
    expect([text('/n/a'), text('/n/b')]).toEqual(['a = 1\n', 'b = 1\n']);
    expect(result.applied).toEqual([{ rule: 'both', message: 'both in a', description: 'a and b to 1', safety: 'safe', files: ['a', 'b'], pass: 1 }]);
    expect(result.passes).toBe(1);
  });

  it('applies all of a cross-file fix or none: a conflict in one file keeps the other file unchanged', () => {
    // The cross-file fix edits Z first, then B; `b-only` edits B at the same offset and comes
    // first (conflicts are settled per file by position, and /n/b sorts before /n/z): `both` must
    // wait, and after `b-only` its condition no longer holds, so Z is never touched.
    const both: Rule = (files) => {
      const z = files.get('/n/z')!;
      const b = files.get('/n/b')!;
      if (!z.text.includes('z = 0') || !b.text.includes('b = 0')) return [];
      return [finding('both', z, makeFix('safe', 'z and b to 1', { file: z, edits: [edit(4, 5, '1')] }, { file: b, edits: [edit(4, 5, '1')] }))];
    };
    const { result, text } = harness({ '/n/z': 'z = 0\n', '/n/b': 'b = 0\n' }, [both, replace('b-only', '/n/b', '0', '2')]);
    expect([text('/n/z'), text('/n/b')]).toEqual(['z = 0\n', 'b = 2\n']);
    expect(result.files.has('/n/z')).toBe(false);
    expect(result.applied.map((r) => r.rule)).toEqual(['b-only']);
    expect(result.passes).toBe(1);
  });

  it('defers a fix that overlaps or touches an accepted one to the next pass', () => {
    const comment: Rule = (files) => {
      const f = files.get('/n/a')!;
      return f.text.startsWith('# x') ? [] : [finding('comment', f, makeFix('safe', 'comment', { file: f, edits: [edit(0, 0, '# x\n')] }))];
    };
    const { result, text, relints } = harness({ '/n/a': 'x = 1\ny = 1\n' }, [replace('value', '/n/a', 'x = 1', 'x = 2'), comment]);
    expect(text('/n/a')).toBe('# x\nx = 2\ny = 1\n');
    expect(result.applied.map((r) => [r.rule, r.pass])).toEqual([
      ['value', 1],
      ['comment', 2],
    ]);
    expect(result.passes).toBe(2);
    expect(relints()).toBe(2);
    expect(result.findings).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });

  it('applies non-overlapping fixes of one file in the same pass', () => {
    const { result, text } = harness({ '/n/a': 'x = 1\ny = 1\n' }, [replace('x', '/n/a', 'x = 1', 'x = 2'), replace('y', '/n/a', 'y = 1', 'y = 2')]);
    expect(text('/n/a')).toBe('x = 2\ny = 2\n');
    expect(result.passes).toBe(1);
  });

  it('stops after 10 passes and reports what is still pending', () => {
    const counter: Rule = (files) => {
      const f = files.get('/n/a')!;
      const n = Number(/n = (\d+)/.exec(f.text)![1]);
      const at = f.text.indexOf(String(n));
      return [finding('counter', f, makeFix('safe', 'increment', { file: f, edits: [edit(at, at + String(n).length, String(n + 1))] }))];
    };
    const { result, text, relints } = harness({ '/n/a': 'n = 0\n' }, [counter]);
    expect(text('/n/a')).toBe('n = 10\n');
    expect(result.passes).toBe(10);
    expect(relints()).toBe(10);
    expect(result.diagnostics).toEqual([
      { kind: 'max-passes', internal: false, message: 'fixes still pending after 10 passes; run again or fix by hand', rules: ['counter'] },
    ]);
    expect(result.deferred.map((d) => [d.rule, d.pass])).toEqual([['counter', 11]]);
  });

  it('detects circular fixes and stops', () => {
    const { result, text } = harness({ '/n/a': 'v = a\n' }, [replace('to-b', '/n/a', 'v = a', 'v = b'), replace('to-c', '/n/a', 'v = b', 'v = c'), replace('back-to-b', '/n/a', 'v = c', 'v = b')]);
    // a -> b -> c -> b: the third pass repeats the first pass's output.
    expect(text('/n/a')).toBe('v = b\n');
    expect(result.passes).toBe(3);
    expect(result.diagnostics).toEqual([
      { kind: 'circular', internal: true, message: 'internal error: circular fixes (pass 3 brought the files back to an earlier state); stopped', rules: ['back-to-b'] },
    ]);
    expect(result.deferred.map((d) => d.rule)).toEqual(['to-c']);
  });

  it('detects fixes that undo each other back to the original text', () => {
    const { result } = harness({ '/n/a': 'v = a\n' }, [replace('to-b', '/n/a', 'v = a', 'v = b'), replace('to-a', '/n/a', 'v = b', 'v = a')]);
    expect(result.files.size).toBe(0);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['circular']);
  });

  it('discards a pass whose output does not parse, blames the fix that broke it, and keeps the others', () => {
    const { result, text } = harness({ '/n/a': 'x = 1\ny = 1\n', '/n/b': 'z = 1\n' }, [
      replace('good-a', '/n/a', 'x = 1', 'x = 2'),
      replace('broken', '/n/a', 'y = 1', 'y = !!'),
      replace('good-b', '/n/b', 'z = 1', 'z = 2'),
    ]);
    expect(text('/n/a')).toBe('x = 2\ny = 1\n');
    expect(text('/n/b')).toBe('z = 2\n');
    expect(result.diagnostics).toEqual([
      {
        kind: 'unparsable',
        internal: true,
        message: 'internal error: the fix of broken made a unparsable; the pass was redone without it',
        file: 'a',
        rules: ['broken'],
      },
    ]);
    expect(result.failed.map((f) => [f.rule, f.reason])).toEqual([['broken', 'its output does not parse']]);
    expect(result.applied.map((r) => r.rule).sort()).toEqual(['good-a', 'good-b']);
    // The broken fix is reported once, not retried in later passes.
    expect(result.findings.map((f) => f.rule)).toEqual(['broken']);
  });

  it('when only their combination does not parse, applies the first and blames the second once it breaks the file alone', () => {
    const { result, text } = harness({ '/n/a': 'x = 1\ny = 1\n' }, [replace('half-1', '/n/a', 'x = 1', 'x = !'), replace('half-2', '/n/a', 'y = 1', 'y = !')], {
      parses: (_p, t) => (t.match(/!/g) ?? []).length < 2,
    });
    expect(text('/n/a')).toBe('x = !\ny = 1\n');
    expect(result.applied.map((r) => [r.rule, r.pass])).toEqual([['half-1', 1]]);
    expect(result.diagnostics).toEqual([
      { kind: 'unparsable', internal: true, message: 'internal error: the fix of half-2 made a unparsable; the pass was redone without it', file: 'a', rules: ['half-2'] },
    ]);
  });

  it('fixes that parse alone but not together wait for the next pass, without an error (a rename and an insert of the same key)', () => {
    // One rule renames `sc` to `SC`, another inserts `SC = 1` when there is no `SC`: together
    // they define SC twice; after the rename the second rule sets the renamed key instead.
    const rename = replace('rename', '/n/a', 'sc = 0', 'SC = 0');
    const insert: Rule = (files) => {
      const f = files.get('/n/a')!;
      const at = f.text.indexOf('SC = 0');
      if (at >= 0) return [finding('insert', f, makeFix('safe', 'SC to 1', { file: f, edits: [edit(at + 5, at + 6, '1')] }))];
      if (/^SC = /m.test(f.text)) return [];
      return [finding('insert', f, makeFix('safe', 'add SC = 1', { file: f, edits: [edit(f.text.length, f.text.length, 'SC = 1\n')] }))];
    };
    const { result, text } = harness({ '/n/a': 'sc = 0\nother = 1\n' }, [rename, insert], {
      parses: (_p, t) => (t.match(/^SC = /gm) ?? []).length < 2,
    });
    expect(text('/n/a')).toBe('SC = 1\nother = 1\n');
    expect(result.diagnostics).toEqual([]);
    expect(result.failed).toEqual([]);
    expect(result.applied.map((r) => [r.rule, r.description, r.pass])).toEqual([
      ['rename', 'sc = 0 -> SC = 0', 1],
      ['insert', 'SC to 1', 2],
    ]);
  });

  it('applies unsafe fixes only when asked', () => {
    const rules = [replace('safe-one', '/n/a', 'x = 1', 'x = 2'), replace('risky', '/n/a', 'y = 1', 'y = 2', 'unsafe')];
    const safe = harness({ '/n/a': 'x = 1\ny = 1\n' }, rules);
    expect(safe.text('/n/a')).toBe('x = 2\ny = 1\n');
    expect(safe.result.skippedUnsafe.map((r) => r.rule)).toEqual(['risky']);
    const all = harness({ '/n/a': 'x = 1\ny = 1\n' }, rules, { unsafe: true });
    expect(all.text('/n/a')).toBe('x = 2\ny = 2\n');
    expect(all.result.skippedUnsafe).toEqual([]);
  });

  it('creates files; a second fix creating the same file waits and then sees it exists', () => {
    const create = (rule: string, line: string): Rule => (files) => {
      const f = files.get('/n/etc/sysctl.d/k8s.conf');
      if (f?.text.includes(line)) return [];
      if (f) return [finding(rule, f, makeFix('safe', 'append', lines.appendLine(f, line)))];
      return [finding(rule, files.get('/n/a')!, makeFix('safe', 'create', lines.createFile('/n/etc/sysctl.d/k8s.conf', 'etc/sysctl.d/k8s.conf', [line])))];
    };
    const { result } = harness({ '/n/a': 'x = 1\n' }, [create('forward', 'net.ipv4.ip_forward = 1'), create('bridge', 'net.bridge.bridge-nf-call-iptables = 1')]);
    expect(result.files.get('/n/etc/sysctl.d/k8s.conf')).toEqual({
      path: '/n/etc/sysctl.d/k8s.conf',
      display: 'etc/sysctl.d/k8s.conf',
      original: null,
      text: 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\n',
      bom: false,
      eol: '\n',
      created: true,
    });
    expect(result.applied.map((r) => [r.rule, r.description, r.pass])).toEqual([
      ['forward', 'create', 1],
      ['bridge', 'append', 2],
    ]);
  });

  it('keeps the BOM flag and the line endings of the file', () => {
    const { result } = harness({ '/n/a': '\ufeffx = 1\r\ny = 1\r\n' }, [
      (files) => {
        const f = files.get('/n/a')!;
        return f.text.includes('z = 1') ? [] : [finding('add', f, makeFix('safe', 'add', lines.appendLine(f, 'z = 1')))];
      },
    ]);
    expect(result.files.get('/n/a')).toMatchObject({ text: 'x = 1\r\ny = 1\r\nz = 1\r\n', bom: true, eol: '\r\n', original: 'x = 1\r\ny = 1\r\n' });
  });

  it('reports fixes that cannot apply instead of throwing', () => {
    const stale: Rule = (files) => {
      const f = files.get('/n/a')!;
      const old = makeSource({ path: f.path, display: 'a', kind: 'sysctl' }, 'something else\n');
      return f.text.includes('x = 1') ? [finding('stale', f, { safety: 'safe', description: 'stale', changes: [{ file: old, edits: [edit(0, 1, 'S')] }] })] : [];
    };
    const outside: Rule = (files) => {
      const f = files.get('/n/a')!;
      return [finding('outside', f, { safety: 'safe', description: 'outside', changes: [{ file: f, edits: [edit(3, 99, '')] }] })];
    };
    const selfOverlap: Rule = (files) => {
      const f = files.get('/n/a')!;
      return [finding('self', f, { safety: 'safe', description: 'self', changes: [{ file: f, edits: [edit(0, 3, 'a'), edit(2, 4, 'b')] }] })];
    };
    const { result, text } = harness({ '/n/a': 'x = 1\n' }, [stale, outside, selfOverlap]);
    expect(text('/n/a')).toBe('x = 1\n');
    expect(result.failed.map((f) => [f.rule, f.reason])).toEqual([
      ['stale', 'a: the fix was made for other text than the file has now'],
      ['outside', 'a: edit 3-99 lies outside the text'],
      ['self', 'a: its edits overlap each other'],
    ]);
    expect(result.passes).toBe(0);
  });
});
