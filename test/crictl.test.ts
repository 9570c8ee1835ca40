import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Range } from '../src/core/types.js';
import { parseVersion } from '../src/core/version.js';
import { CRICTL_CONFIG_KEYS } from '../src/data/kubernetes.js';
import { LoadContext } from '../src/model/load.js';
import { CRICTL_PROPS, goAtoi, goParseBool, loadCrictl, parseCrictl, type CrictlModel } from '../src/model/crictl.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { crictlProblems } from '../src/schema/crictl.js';
import { validateTree } from '../src/schema/validate.js';
import { REPO } from './helpers/cli.js';
import { src } from './helpers/source.js';

const at = (r: Range | null) => (r ? `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}` : null);
const crictl = (text: string) => parseCrictl(src(text, 'crictl', '/virtual/crictl.yaml'));
const problems = (f: Finding[]) => f.map((p) => ({ rule: p.rule, severity: p.severity, at: at(p.range), message: p.message }));
const values = (m: CrictlModel) => ({
  runtimeEndpoint: m.runtimeEndpoint.value,
  imageEndpoint: m.imageEndpoint.value,
  timeout: m.timeout.value,
  debug: m.debug.value,
  pullImageOnCreate: m.pullImageOnCreate.value,
  disablePullOnRun: m.disablePullOnRun.value,
  maxRetries: m.maxRetries.value,
});
const REJECTS = 'crictl rejects the file and, at the default path, silently ignores all of it (falling back to its deprecated default endpoint list)';

describe('Go parsing functions crictl uses', () => {
  it('strconv.Atoi: optional sign and decimal digits only, int64 range', () => {
    expect(goAtoi('10')).toEqual({ value: 10 });
    expect(goAtoi('+5')).toEqual({ value: 5 });
    expect(goAtoi('-1')).toEqual({ value: -1 });
    expect(goAtoi('007')).toEqual({ value: 7 });
    expect(goAtoi('2s')).toEqual({ error: 'strconv.Atoi: parsing "2s": invalid syntax' });
    expect(goAtoi('0x10')).toEqual({ error: 'strconv.Atoi: parsing "0x10": invalid syntax' });
    expect(goAtoi('1_000')).toEqual({ error: 'strconv.Atoi: parsing "1_000": invalid syntax' });
    expect(goAtoi(' 1')).toEqual({ error: 'strconv.Atoi: parsing " 1": invalid syntax' });
    expect(goAtoi('')).toEqual({ error: 'strconv.Atoi: parsing "": invalid syntax' });
    expect(goAtoi('9223372036854775808')).toEqual({ error: 'strconv.Atoi: parsing "9223372036854775808": value out of range' });
    expect(goAtoi('-9223372036854775808')).toEqual({ value: -9223372036854775808 });
  });

  it('strconv.ParseBool: exactly twelve spellings', () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(goParseBool(t)).toEqual({ value: true });
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(goParseBool(f)).toEqual({ value: false });
    for (const bad of ['yes', 'no', 'on', 'off', 'tRUE', 'y', '']) expect(goParseBool(bad)).toEqual({ error: `strconv.ParseBool: parsing ${JSON.stringify(bad)}: invalid syntax` });
  });
});

describe('crictl.yaml model', () => {
  it('reads raw scalar text: quoting does not matter, the last duplicate wins', () => {
    const m = crictl(
      [
        '# comment',
        'runtime-endpoint: "unix:///run/containerd/containerd.sock"',
        "image-endpoint: 'unix:///run/crio/crio.sock'",
        'timeout: "10"',
        'debug: "true"',
        'pull-image-on-create: T',
        'disable-pull-on-run: 0',
        'timeout: 20',
      ].join('\n'),
    );
    expect(m.shape).toBe('map');
    expect(values(m)).toEqual({
      runtimeEndpoint: 'unix:///run/containerd/containerd.sock',
      imageEndpoint: 'unix:///run/crio/crio.sock',
      timeout: 20,
      debug: true,
      pullImageOnCreate: true,
      disablePullOnRun: false,
      maxRetries: 0,
    });
    expect(m.entries.map((e) => [e.key, e.raw, e.valueKind, at(e.keyRange), at(e.valueRange)])).toEqual([
      ['runtime-endpoint', 'unix:///run/containerd/containerd.sock', 'scalar', '2:1-2:17', '2:19-2:59'],
      ['image-endpoint', 'unix:///run/crio/crio.sock', 'scalar', '3:1-3:15', '3:17-3:45'],
      ['timeout', '10', 'scalar', '4:1-4:8', '4:10-4:14'],
      ['debug', 'true', 'scalar', '5:1-5:6', '5:8-5:14'],
      ['pull-image-on-create', 'T', 'scalar', '6:1-6:21', '6:23-6:24'],
      ['disable-pull-on-run', '0', 'scalar', '7:1-7:20', '7:22-7:23'],
      ['timeout', '20', 'scalar', '8:1-8:8', '8:10-8:12'],
    ]);
    expect(m.timeout.raw).toBe('20');
    expect(at(m.timeout.node!.range)).toBe('8:10-8:12');
    expect(at(m.timeout.entry!.keyRange)).toBe('8:1-8:8');
    expect(m.runtimeEndpoint.error).toBeNull();
    expect(m.maxRetries).toEqual({ value: 0, node: null, raw: null, entry: null, error: null });
    expect(crictlProblems(m)).toEqual([]);
  });

  it('gives all defaults for an empty or comment-only file', () => {
    for (const text of ['', '# nothing here\n', '---\n']) {
      const m = crictl(text);
      expect(m.shape).toBe('empty');
      expect(m.entries).toEqual([]);
      expect(values(m)).toEqual({ runtimeEndpoint: '', imageEndpoint: '', timeout: 0, debug: false, pullImageOnCreate: false, disablePullOnRun: false, maxRetries: 0 });
      expect(crictlProblems(m)).toEqual([]);
    }
  });

  it('keeps crictl errors on the setting and falls back to the default value', () => {
    const m = crictl('timeout: 2s\ndebug: yes\n');
    expect(m.timeout).toMatchObject({ value: 0, raw: '2s', error: 'strconv.Atoi: parsing "2s": invalid syntax' });
    expect(m.debug).toMatchObject({ value: false, raw: 'yes', error: 'strconv.ParseBool: parsing "yes": invalid syntax' });
  });

  it('reads an alias as its anchor name and a block scalar with its newline, as goyaml .Value does', () => {
    const m = crictl('x: &t 10\ntimeout: *t\nruntime-endpoint: |\n  unix:///run/containerd/containerd.sock\n');
    expect(m.entries.map((e) => [e.key, e.raw, e.valueKind])).toEqual([
      ['x', '10', 'scalar'],
      ['timeout', 't', 'alias'],
      ['runtime-endpoint', 'unix:///run/containerd/containerd.sock\n', 'scalar'],
    ]);
    expect(m.timeout.error).toBe('strconv.Atoi: parsing "t": invalid syntax');
  });

  it('turns YAML errors into syntax findings in the load context, never exceptions', () => {
    const ctx = new LoadContext({ name: '(files)', root: null, files: [], focus: null });
    const s = src('runtime-endpoint: [unix:///x\n', 'crictl');
    const m = parseCrictl(s, ctx);
    expect(m.shape).toBe('invalid');
    expect(m.entries).toEqual([]);
    expect(ctx.findings.length).toBeGreaterThan(0);
    expect(ctx.findings.every((f) => f.rule === 'syntax' && f.file === s)).toBe(true);
    expect(crictlProblems(m)).toEqual([]);
  });
});

describe('crictlProblems', () => {
  it('reports unknown keys with did-you-mean, and values crictl cannot parse', () => {
    const m = crictl(readFileSync(resolve(REPO, 'fixtures/parse/crictl/broken.yaml'), 'utf8'));
    expect(problems(crictlProblems(m))).toEqual([
      {
        rule: 'unknown-key',
        severity: 'error',
        at: '2:1-2:17',
        message: `unknown key "runtime_endpoint" in crictl.yaml; did you mean "runtime-endpoint"? ${REJECTS}`,
      },
      {
        rule: 'invalid-value',
        severity: 'error',
        at: '3:10-3:12',
        message: `invalid value "2s" for "timeout": crictl expects a whole number of seconds such as 10, not a duration (strconv.Atoi: parsing "2s": invalid syntax); ${REJECTS}`,
      },
      {
        rule: 'invalid-value',
        severity: 'error',
        at: '4:8-4:11',
        message: `invalid value "yes" for "debug": crictl expects one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False (strconv.ParseBool: parsing "yes": invalid syntax); ${REJECTS}`,
      },
    ]);
  });

  it('reports a key without a near match without a suggestion', () => {
    expect(problems(crictlProblems(crictl('container-runtime: containerd\n')))).toEqual([
      { rule: 'unknown-key', severity: 'error', at: '1:1-1:18', message: `unknown key "container-runtime" in crictl.yaml; ${REJECTS}` },
    ]);
  });

  it('reports an invalid value in an earlier duplicate too (crictl stops at the first error)', () => {
    expect(problems(crictlProblems(crictl('timeout: ten\ntimeout: 10\n')))).toEqual([
      { rule: 'invalid-value', severity: 'error', at: '1:10-1:13', message: `invalid value "ten" for "timeout": crictl expects a whole number of seconds such as 10 (strconv.Atoi: parsing "ten": invalid syntax); ${REJECTS}` },
    ]);
  });

  it('reports missing values, non-scalar values and aliases', () => {
    const m = crictl('timeout:\ndebug: {a: 1}\nruntime-endpoint: [unix:///a.sock]\nx: &e unix:///b.sock\nimage-endpoint: *e\nmax-retries: *e\n');
    expect(problems(crictlProblems(m, { crictl: parseVersion('1.37')! }))).toEqual([
      { rule: 'invalid-value', severity: 'error', at: '1:9-1:9', message: `missing value for "timeout": crictl expects a whole number of seconds such as 10 (strconv.Atoi: parsing "": invalid syntax); ${REJECTS}` },
      { rule: 'invalid-value', severity: 'error', at: '2:8-2:14', message: `invalid value for "debug" (a mapping): crictl expects one of 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False (strconv.ParseBool: parsing "": invalid syntax); ${REJECTS}` },
      { rule: 'invalid-value', severity: 'error', at: '3:19-3:35', message: 'invalid value for "runtime-endpoint": expected a string, found a sequence; crictl reads it as "" (not set)' },
      { rule: 'unknown-key', severity: 'error', at: '4:1-4:2', message: `unknown key "x" in crictl.yaml; ${REJECTS}` },
      { rule: 'invalid-value', severity: 'error', at: '5:17-5:19', message: 'invalid value for "image-endpoint": the alias *e (crictl does not resolve aliases and reads the text "e") as the endpoint' },
      { rule: 'invalid-value', severity: 'error', at: '6:14-6:16', message: `invalid value for "max-retries" (the alias *e (crictl does not resolve aliases and reads the text "e")): crictl expects an integer (strconv.Atoi: parsing "e": invalid syntax); ${REJECTS}` },
    ]);
  });

  it('rejects max-retries for released crictl and accepts it from crictl 1.37', () => {
    const m = crictl('runtime-endpoint: unix:///run/containerd/containerd.sock\nmax-retries: 3\n');
    expect(problems(crictlProblems(m))).toEqual([
      { rule: 'unknown-key', severity: 'error', at: '2:1-2:12', message: `key "max-retries" is not accepted by crictl 1.36: it needs crictl 1.37 or newer (not released yet); ${REJECTS}` },
    ]);
    expect(crictlProblems(m, { crictl: parseVersion('1.37')! })).toEqual([]);
    expect(m.maxRetries.value).toBe(3);
  });

  it('rejects keys newer than an old target crictl', () => {
    expect(problems(crictlProblems(crictl('pull-image-on-create: true\n'), { crictl: parseVersion('1.18')! }))).toEqual([
      { rule: 'unknown-key', severity: 'error', at: '1:1-1:21', message: `key "pull-image-on-create" is not accepted by crictl 1.18: it needs crictl 1.19 or newer; ${REJECTS}` },
    ]);
  });

  it('reports a file that is not a mapping', () => {
    expect(problems(crictlProblems(crictl('runtime-endpoint=unix:///run/containerd/containerd.sock\n')))).toEqual([
      {
        rule: 'invalid-value',
        severity: 'error',
        at: '1:1-1:56',
        message:
          'crictl.yaml is a single YAML scalar, not a mapping of "key: value" settings; crictl reads no settings from it (it uses its built-in defaults, including the deprecated default endpoint list)',
      },
    ]);
    expect(problems(crictlProblems(crictl('- runtime-endpoint: unix:///x.sock\n'))).map((p) => [p.rule, p.at])).toEqual([['invalid-value', '1:1-2:1']]);
  });
});

describe('loading crictl.yaml', () => {
  it('reads /etc/crictl.yaml of a node root, with comments for suppressions', () => {
    const ctx = new LoadContext({ name: 'root', root: resolve(REPO, 'fixtures/parse/crictl/root'), files: [], focus: null });
    const m = loadCrictl(ctx)!;
    expect(m.file.display).toBe('etc/crictl.yaml');
    expect(values(m)).toEqual({
      runtimeEndpoint: 'unix:///run/containerd/containerd.sock',
      imageEndpoint: 'unix:///run/containerd/containerd.sock',
      timeout: 10,
      debug: false,
      pullImageOnCreate: false,
      disablePullOnRun: false,
      maxRetries: 0,
    });
    expect(ctx.comments.get(m.file)!.map((c) => c.text)).toEqual([' crictl for containerd']);
    expect(ctx.findings).toEqual([]);
  });

  it('is null without a crictl.yaml', () => {
    expect(loadCrictl(new LoadContext({ name: 'root', root: resolve(REPO, 'fixtures/parse/sysctl/layered'), files: [], focus: null }))).toBeNull();
    expect(loadCrictl(new LoadContext({ name: '(files)', root: null, files: [], focus: null }))).toBeNull();
  });

  it('reads a loose file', () => {
    const ctx = new LoadContext({ name: '(files)', root: null, files: [{ kind: 'crictl', path: resolve(REPO, 'fixtures/parse/crictl/broken.yaml') }], focus: null });
    const m = loadCrictl(ctx)!;
    expect(m.entries.map((e) => e.key)).toEqual(['runtime_endpoint', 'timeout', 'debug', 'pull-image-on-create']);
    expect(m.pullImageOnCreate.value).toBe(true);
  });
});

describe('schemas/crictl.schema.json', () => {
  const schema = JSON.parse(readFileSync(resolve(REPO, 'schemas/crictl.schema.json'), 'utf8')) as { properties: Record<string, unknown> };

  it('lists exactly the keys of the data table, each with a model property', () => {
    expect(Object.keys(schema.properties)).toEqual(CRICTL_CONFIG_KEYS.map((k) => k.key));
    expect(Object.keys(CRICTL_PROPS)).toEqual(CRICTL_CONFIG_KEYS.map((k) => k.key));
  });

  it('accepts and rejects typed YAML the way crictl parses the raw text', () => {
    const check = (text: string) =>
      validateTree(parseYamlSource(src(text, 'crictl')).roots[0]!, 'crictl.schema.json', schema).map((p) => `${p.kind} ${p.path.join('.')}`);
    expect(check('runtime-endpoint: unix:///x.sock\ntimeout: 2\ndebug: true\npull-image-on-create: 1\ndisable-pull-on-run: "False"\n')).toEqual([]);
    expect(check('timeout: "10"\ndebug: "t"\n')).toEqual([]);
    expect(check('timeout: 2s\n')).toEqual(['invalid-value timeout']);
    expect(check('debug: yes\n')).toEqual(['invalid-value debug']);
    expect(check('debug: 2\n')).toEqual(['invalid-value debug']);
    expect(check('runtime_endpoint: x\n')).toEqual(['unknown-key runtime_endpoint']);
  });
});
