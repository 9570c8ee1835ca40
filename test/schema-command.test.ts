/**
 * `crilint schema NAME` (src/cli/schema-command.ts) and the editor setup in docs/integrations.md,
 * checked offline as far as it goes:
 * - the command prints each shipped schema byte for byte; an unknown name is a usage error listing
 *   the names;
 * - every schema is a valid JSON Schema of its draft (ajv compiles it and its meta-schema accepts it);
 * - the docs' steps, run in a scratch repository with the clean example node: the `crilint schema`
 *   commands write the schemas; the `# yaml-language-server: $schema=…` lines resolve, from each
 *   file, to the schema for it, which accepts the clean node's file and rejects a wrong type;
 *   crilint still lints the files clean with those lines in them; the VS Code `yaml.schemas`
 *   globs match the well-known paths; taplo (@taplo/cli) validates the containerd config through
 *   the documented `.taplo.toml` rule and through a `#:schema` line, passing the clean config and
 *   failing a wrong type at its line.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type AnySchema } from 'ajv';
import { parse as parseYaml } from 'yaml';
import yargs from 'yargs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli/errors.js';
import { SCHEMAS, schemaCommand, schemaText, schemasDir } from '../src/cli/schema-command.js';
import { WELL_KNOWN } from '../src/discover/index.js';
import { crilint, REPO } from './helpers/cli.js';

/** `crilint schema …` in-process, as src/cli/main.ts runs a command: stdout, or the UsageError. */
async function run(argv: string[]): Promise<{ stdout: string; error: string | null }> {
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => {
    stdout += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    await yargs(argv)
      .command(schemaCommand())
      .strict()
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .parseAsync();
    return { stdout, error: null };
  } catch (e) {
    if (e instanceof UsageError) return { stdout, error: e.message };
    throw e;
  } finally {
    process.stdout.write = write;
  }
}

describe('schema: crilint schema NAME', () => {
  it('prints each schema crilint ships, byte for byte', async () => {
    expect(Object.keys(SCHEMAS)).toEqual(['kubelet', 'crictl', 'containerd', 'crio', 'config']);
    expect(schemasDir()).toBe(join(REPO, 'schemas'));
    for (const [name, { file }] of Object.entries(SCHEMAS)) {
      const text = readFileSync(join(REPO, 'schemas', file), 'utf8');
      expect(await run(['schema', name])).toEqual({ stdout: text, error: null });
    }
  });

  it('ships exactly the schemas in schemas/', () => {
    const files = spawnSync('ls', [join(REPO, 'schemas')], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort();
    expect(Object.values(SCHEMAS).map((s) => s.file).sort()).toEqual(files);
  });

  it('rejects an unknown name with the list (and a did-you-mean); a missing name is a usage error too', async () => {
    expect(await run(['schema', 'kublet'])).toEqual({ stdout: '', error: 'unknown schema "kublet" (did you mean "kubelet"?); choose one of: kubelet, crictl, containerd, crio, config' });
    expect(await run(['schema', 'toString'])).toEqual({ stdout: '', error: 'unknown schema "toString"; choose one of: kubelet, crictl, containerd, crio, config' });
    expect((await run(['schema'])).error).toMatch(/^Not enough non-option arguments/);
    expect(() => schemaText('sysctl')).toThrow(UsageError);
  });

  it('every schema is valid for its draft: its meta-schema accepts it and ajv compiles it', () => {
    for (const [name, { file }] of Object.entries(SCHEMAS)) {
      const schema = JSON.parse(readFileSync(join(REPO, 'schemas', file), 'utf8')) as { $schema: string };
      expect(schema.$schema, name).toBe('http://json-schema.org/draft-07/schema#');
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      expect(ajv.validateSchema(schema), `${name}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
      expect(() => ajv.compile(schema as AnySchema), name).not.toThrow();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// docs/integrations.md, "Editors", step by step

interface Block {
  lang: string;
  file: string | null;
  text: string;
}

const DOC = readFileSync(join(REPO, 'docs/integrations.md'), 'utf8');
const BLOCKS: Block[] = [...DOC.matchAll(/^```(\w*)(?: file=(\S+))?\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, file: m[2] ?? null, text: m[3]! }));
const block = (file: string) => {
  const b = BLOCKS.find((x) => x.file === file);
  if (!b) throw new Error(`docs/integrations.md has no block file=${file}`);
  return b;
};

const TAPLO = join(REPO, 'node_modules/@taplo/cli/dist/cli.js');

describe('schema: the editor setup in docs/integrations.md', () => {
  let repo: string;
  const node = (rel: string) => join(repo, 'nodes/pool-a', rel);
  const taplo = () => spawnSync(process.execPath, [TAPLO, 'check'], { cwd: repo, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', RUST_LOG: 'error' } });

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'crilint-editors-'));
    cpSync(join(REPO, 'examples/clean-node'), join(repo, 'nodes/pool-a'), { recursive: true });
    // The documented commands, run as written.
    const commands = BLOCKS.find((b) => b.lang === 'sh' && b.text.includes('crilint schema'))!.text.trim().split('\n');
    expect(commands[0]).toBe('mkdir -p .crilint/schemas');
    mkdirSync(join(repo, '.crilint/schemas'), { recursive: true });
    const names: string[] = [];
    for (const line of commands.slice(1)) {
      const m = /^crilint schema (\S+)\s+> (\S+)$/.exec(line);
      expect(m, line).not.toBeNull();
      names.push(m![1]!);
      writeFileSync(join(repo, m![2]!), schemaText(m![1]!));
    }
    expect(names.sort()).toEqual(Object.keys(SCHEMAS).sort());
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  const validator = (schemaPath: string) => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as AnySchema);
  };

  it('the yaml-language-server lines name, relative to each file, the schema for it; it accepts the clean file and rejects a wrong type', () => {
    const cases: [string, string, string, string][] = [
      ['nodes/pool-a/var/lib/kubelet/config.yaml', 'kubelet.schema.json', 'cgroupDriver: systemd', 'cgroupDriver: [systemd]'],
      ['nodes/pool-a/etc/crictl.yaml', 'crictl.schema.json', 'timeout: 10', 'timeout: soon'],
    ];
    for (const [file, schemaFile, good, wrong] of cases) {
      const first = block(file).text.split('\n')[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, first).not.toBeNull();
      const target = resolve(dirname(join(repo, file)), m![1]!);
      expect(target).toBe(join(repo, '.crilint/schemas', schemaFile));
      const validate = validator(target);
      const clean = readFileSync(join(repo, file), 'utf8');
      writeFileSync(join(repo, file), `${first}\n${clean}`);
      expect(validate(parseYaml(readFileSync(join(repo, file), 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(clean).toContain(good);
      expect(validate(parseYaml(clean.replace(good, wrong))), file).toBe(false);
    }
    // The comment lines change nothing for crilint.
    expect(crilint(['lint', '--root', 'nodes/pool-a', '--kubernetes', '1.34', '--containerd', '2.1'], { cwd: repo })).toEqual({ stdout: '', stderr: '', code: 0 });
  });

  it('the VS Code yaml.schemas association names the saved schemas, and its globs match the well-known paths', () => {
    const settings = JSON.parse(block('.vscode/settings.json').text) as { 'yaml.schemas': Record<string, string[]> };
    const glob = (g: string) =>
      new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '(.*/)?') + '$');
    const samples: Record<string, string[]> = {
      'kubelet.schema.json': ['nodes/pool-a/var/lib/kubelet/config.yaml', 'var/lib/kubelet/instance-config.yaml'],
      'crictl.schema.json': ['nodes/pool-a/etc/crictl.yaml', 'etc/crictl.yaml'],
      'crilint-config.schema.json': ['crilint.config.yaml', '.crilint.yaml'],
    };
    expect(Object.keys(settings['yaml.schemas']).map((k) => k.replace('./.crilint/schemas/', '')).sort()).toEqual(Object.keys(samples).sort());
    for (const [schema, globs] of Object.entries(settings['yaml.schemas'])) {
      expect(existsSync(join(repo, schema))).toBe(true);
      for (const p of samples[schema.replace('./.crilint/schemas/', '')]!) expect(globs.some((g) => glob(g).test(p)), `${p} in ${globs}`).toBe(true);
    }
    // Each glob for a node file names a path discovery reads.
    for (const g of [...settings['yaml.schemas']['./.crilint/schemas/kubelet.schema.json']!, ...settings['yaml.schemas']['./.crilint/schemas/crictl.schema.json']!]) {
      const path = g.replace(/^\*\*\//, '');
      expect(WELL_KNOWN.some(([re]) => re.test(path)), g).toBe(true);
    }
  });

  it('taplo validates the containerd config through the .taplo.toml rule: the clean config passes, a wrong type fails at its line', () => {
    writeFileSync(join(repo, '.taplo.toml'), block('.taplo.toml').text);
    const config = node('etc/containerd/config.toml');
    const clean = readFileSync(config, 'utf8');
    const ok = taplo();
    expect(ok.status, ok.stderr).toBe(0);
    writeFileSync(config, clean.replace('sandbox = "registry.k8s.io/pause:3.10.1"', 'sandbox = 3'));
    const bad = taplo();
    expect(bad.status).toBe(1);
    const line = clean.split('\n').findIndex((l) => l.includes('sandbox = ')) + 1;
    expect(bad.stderr).toContain('error: 3 is not of type "string"');
    expect(bad.stderr).toContain(`nodes/pool-a/etc/containerd/config.toml:${line}:`);
    writeFileSync(config, clean);
    rmSync(join(repo, '.taplo.toml'));
  });

  it('taplo validates through a #:schema line relative to the file; crilint reads the file the same with it', () => {
    const config = node('etc/containerd/config.toml');
    const clean = readFileSync(config, 'utf8');
    const directive = block('nodes/pool-a/etc/containerd/config.toml').text.split('\n')[0]!;
    expect(directive).toMatch(/^#:schema \S+$/);
    expect(resolve(dirname(config), directive.slice('#:schema '.length))).toBe(join(repo, '.crilint/schemas/containerd.schema.json'));
    writeFileSync(config, `${directive}\n${clean}`);
    expect(taplo().status).toBe(0);
    expect(crilint(['lint', '--root', 'nodes/pool-a', '--kubernetes', '1.34', '--containerd', '2.1'], { cwd: repo })).toEqual({ stdout: '', stderr: '', code: 0 });
    writeFileSync(config, `${directive}\n${clean.replace('default_runtime_name = "runc"', 'default_runtime_name = 1')}`);
    const bad = taplo();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('error: 1 is not of type "string"');
    writeFileSync(config, clean);
  });
});
