/**
 * `crilint schema NAME`: print one of the JSON Schemas crilint ships (schemas/*.json), for editors
 * and other tools: `crilint schema kubelet > .crilint/kubelet.schema.json`, then point the YAML
 * language server (`# yaml-language-server: $schema=…`) or taplo (`.taplo.toml` `[[rule]]`, or a
 * `#:schema` line) at the file. docs/integrations.md shows the editor side.
 *
 * The text is printed as shipped, byte for byte. An unknown NAME is a usage error (exit 2) that
 * lists the names. src/cli/main.ts registers the command: `.command(schemaCommand())`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { rulesDir } from './rules-command.js';
import { suggest } from '../schema/validate.js';
import { InternalError, UsageError } from './errors.js';

/** NAME → file in schemas/, and what the schema describes. */
export const SCHEMAS: Readonly<Record<string, { file: string; describes: string }>> = {
  kubelet: { file: 'kubelet.schema.json', describes: 'KubeletConfiguration (kubelet.config.k8s.io/v1beta1), /var/lib/kubelet/config.yaml' },
  crictl: { file: 'crictl.schema.json', describes: 'crictl configuration, /etc/crictl.yaml' },
  containerd: { file: 'containerd.schema.json', describes: 'containerd config.toml (versions 2, 3 and 4)' },
  crio: { file: 'crio.schema.json', describes: 'CRI-O crio.conf and crio.conf.d/* (CRI-O 1.36 keys)' },
  config: { file: 'crilint-config.schema.json', describes: "crilint's own crilint.config.yaml" },
};

/** The package's schemas/ directory (next to rules/, found the same way from src/ and from dist/). */
export function schemasDir(): string {
  const dir = join(dirname(rulesDir()), 'schemas');
  if (!existsSync(dir)) throw new InternalError(`crilint's schemas/ directory is missing (${dir})`);
  return dir;
}

/** The text of schema NAME. Unknown NAME: UsageError (exit 2) with the names and a did-you-mean. */
export function schemaText(name: string, dir: string = schemasDir()): string {
  const entry = Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
  if (!entry) {
    const names = Object.keys(SCHEMAS);
    const near = suggest(name, names);
    throw new UsageError(`unknown schema "${name}"${near ? ` (did you mean "${near}"?)` : ''}; choose one of: ${names.join(', ')}`);
  }
  const path = join(dir, entry.file);
  if (!existsSync(path)) throw new InternalError(`schema "${name}" is missing (${path})`);
  return readFileSync(path, 'utf8');
}

/** The yargs registration of `schema`. */
export function schemaCommand() {
  const list = Object.entries(SCHEMAS)
    .map(([n, s]) => `  ${n.padEnd(10)} ${s.describes}`)
    .join('\n');
  return {
    command: 'schema <name>',
    describe: 'Print a JSON Schema crilint ships (kubelet, crictl, containerd, crio, config), for editors',
    builder: (y: Argv) =>
      y
        .positional('name', { type: 'string', demandOption: true, describe: 'kubelet, crictl, containerd, crio or config' })
        .epilogue(`Schemas:\n${list}`)
        .example('$0 schema kubelet > .crilint/kubelet.schema.json', 'Save the KubeletConfiguration schema for the YAML language server'),
    handler: (a: Record<string, unknown>) => {
      process.stdout.write(schemaText(String(a.name)));
    },
  };
}
