/**
 * Real containerd config files (../shared/corpus/containerd, see its SOURCES.md): every file that is
 * not a template parses without a `syntax` finding, its model reports the declared config version,
 * the positioned tree agrees with smol-toml on every value, and the views and schema checks run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as smolParse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parseVersion } from '../src/core/version.js';
import type { Target } from '../src/engine/rule.js';
import { criView, loadContainerd, mergedView, type ContainerdModel } from '../src/model/containerd.js';
import { LoadContext } from '../src/model/load.js';
import type { VNode } from '../src/model/tree.js';
import { containerdSchemaProblems } from '../src/schema/containerd.js';
import { CORPUS } from './helpers/cli.js';

const DIR = join(CORPUS, 'containerd');

/** Declared config version of each non-template corpus file (no `version` line = 1). */
const VERSIONS: Record<string, number> = {
  'aks-agentbaker-ubuntu-gb-nvidia-v2.toml': 2,
  'bottlerocket-host-containerd-cri-disabled-v2.toml': 2,
  'containerd-1.6-config-default-migration-testdata-v2.toml': 2,
  'containerd-1.7-config-default-migration-testdata-v2.toml': 2,
  'containerd-1.7-custom-migration-testdata-v2.toml': 2,
  'containerd-1.7-docs-cri-config-full-annotated-v2.toml': 2,
  'containerd-2.0-docs-cri-config-full-v3.toml': 3,
  'containerd-2.2-docs-cri-config-1.x-section-full-annotated-v2.toml': 2,
  'containerd-2.2-docs-cri-config-full-v3.toml': 3,
  'containerd-2.2-man-page-complete-example-v2.toml': 2,
  'containerd-2.3-man-page-example-v4.toml': 4,
  'containerd-contrib-cri-in-userns-v2.toml': 2,
  'containerd-man-page-multiple-runtimes-partial-noversion.toml': 1,
  'docker-containerd.io-package-config.toml': 1,
  'eks-ami-al2-containerd-config-v2-placeholder.toml': 2,
  'eks-ami-al2-containerd-config2-v3-placeholder.toml': 3,
  'eks-ami-nodeadm-e2e-expected-v2-rendered.toml': 2,
  'eks-ami-nodeadm-e2e-expected-v3-full-dump-containerd2.0.toml': 3,
  'eks-ami-nodeadm-e2e-expected-v3-nvidia-runtime.toml': 3,
  'eks-ami-nodeadm-e2e-expected-v3-rendered.toml': 3,
  'k0s-docs-dropin-gvisor-runsc-v3.toml': 3,
  'k0s-docs-dropin-registry-config-path-v3.toml': 3,
  'kind-base-image-config-v2.toml': 2,
  'minikube-kicbase-and-iso-containerd-v2.toml': 2,
  'nvidia-ctk-testdata-containerd-1.x-default-dump-v1-noversion.toml': 1,
  'nvidia-ctk-testdata-containerd-1.x-default-dump-v2.toml': 2,
  'talos-cri-containerd-v3-imports.toml': 3,
  'talos-cri-plugin-base-part-v3.toml': 3,
  'talos-system-containerd-cri-disabled-v3.toml': 3,
  // No version header although it uses v3 plugin IDs (SOURCES.md).
  'talos-testdata-cri-registry-configs-auth-v3.toml': 1,
};

function load(file: string): { model: ContainerdModel; ctx: LoadContext } {
  const ctx = new LoadContext({ name: '(files)', root: null, files: [{ kind: 'containerd', path: join(DIR, file) }], focus: null });
  const model = loadContainerd(ctx);
  if (!model) throw new Error(`no model for ${file}`);
  return { model, ctx };
}

function target(containerd: string): Target {
  return { kubernetes: parseVersion('1.34')!, containerd: parseVersion(containerd)!, assumed: { kubernetes: false, containerd: false }, notes: [] };
}

/** A date-time as one comparable string (both parsers keep the instant; formats differ). */
function canonicalDate(s: string): string {
  const t = Date.parse(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}

/** The tree as plain values, with date-times canonicalised. */
function fromTree(n: VNode): unknown {
  switch (n.kind) {
    case 'scalar':
      return n.type === 'datetime' ? canonicalDate(String(n.value)) : n.value;
    case 'array':
      return n.items.map(fromTree);
    case 'map':
      return Object.fromEntries(n.entries.map((e) => [e.key, fromTree(e.value)]));
  }
}

/** smol-toml's result with TomlDate → canonical string and bigint → number (none is out of range here). */
function fromSmol(v: unknown): unknown {
  if (v instanceof Date) return canonicalDate(v.toISOString());
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(fromSmol);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromSmol(x)]));
  return v;
}

describe.skipIf(!existsSync(DIR))(`corpus: ../shared/corpus/containerd${existsSync(DIR) ? '' : ' (skipped: ../shared not present)'}`, () => {
  const files = existsSync(DIR) ? readdirSync(DIR).filter((f) => f !== 'SOURCES.md' && !f.includes('TEMPLATE')).sort() : [];

  it('the version table covers exactly the non-template files', () => {
    expect(files).toEqual(Object.keys(VERSIONS).sort());
  });

  for (const file of files) {
    describe(file, () => {
      const { model, ctx } = load(file);

      it('parses without a syntax finding and reports its config version', () => {
        expect(ctx.findings.filter((f) => f.rule === 'syntax')).toEqual([]);
        expect(model.main.root).not.toBeNull();
        expect(model.configVersion).toBe(VERSIONS[file]);
        expect(model.main.version).toBe(VERSIONS[file]);
      });

      it('agrees with smol-toml on every value', () => {
        const text = readFileSync(join(DIR, file), 'utf8');
        expect(fromTree(model.main.root!)).toEqual(fromSmol(smolParse(text)));
      });

      it('builds both merged views, both CRI views and the schema checks without throwing', () => {
        for (const mode of ['1.x', '2.x'] as const) {
          expect(mergedView(model, mode).root.kind).toBe('map');
          expect(criView(model, mode).version).toBe(VERSIONS[file]);
        }
        for (const c of ['1.6', '1.7', '2.0', '2.1', '2.2', '2.3']) {
          for (const f of containerdSchemaProblems(model, target(c))) {
            expect(['unknown-key', 'invalid-value']).toContain(f.rule);
            expect(f.file).toBe(model.main.source);
          }
        }
      });
    });
  }

  it("kind's misspelled hugetlb key is an unknown key with the right suggestion, for every target", () => {
    const { model } = load('kind-base-image-config-v2.toml');
    for (const c of ['1.7', '2.3']) {
      expect(containerdSchemaProblems(model, target(c)).map((f) => [f.rule, f.severity, f.range!.start.line, f.range!.start.column, f.range!.end.line, f.range!.end.column, f.message])).toEqual([
        [
          'unknown-key',
          'error',
          40,
          3,
          40,
          40,
          'unknown key "tolerate_missing_hugepages_controller" in [plugins."io.containerd.grpc.v1.cri"]; did you mean "tolerate_missing_hugetlb_controller"? containerd ignores unknown keys, so this setting has no effect',
        ],
      ]);
    }
    // kind ships this v2 file with containerd 2.3: the CRI settings are read through migration.
    const c = criView(model, '2.x');
    expect([c.sandboxImage.value, c.defaultRuntimeName.value, c.snapshotter.value]).toEqual(['registry.k8s.io/pause:3.10', 'runc', 'overlayfs']);
    expect(c.runtimes.map((r) => [r.name, r.runtimeType.value, r.systemdCgroup.value])).toEqual([
      ['runc', 'io.containerd.runc.v2', true],
      ['test-handler', 'io.containerd.runc.v2', true],
    ]);
  });

  it("containerd's own 1.7 CRI docs put 12 CRI keys under [x509_key_pair_streaming] by indentation mistake", () => {
    const { model } = load('containerd-1.7-docs-cri-config-full-annotated-v2.toml');
    const problems = containerdSchemaProblems(model, target('1.7'));
    expect(problems.length).toBe(12);
    expect(problems[0]!.message).toBe(
      'unknown key "max_container_log_line_size" in [plugins."io.containerd.grpc.v1.cri".x509_key_pair_streaming]; "max_container_log_line_size" belongs in [plugins."io.containerd.grpc.v1.cri"]: TOML puts the keys after the [plugins."io.containerd.grpc.v1.cri".x509_key_pair_streaming] header into that table, so move it above the header; containerd ignores unknown keys, so this setting has no effect',
    );
  });

  it('Docker\'s package config (no version) disables CRI by short ID on 1.x and, migrated, on 2.x', () => {
    const { model } = load('docker-containerd.io-package-config.toml');
    for (const mode of ['1.x', '2.x'] as const) expect(criView(model, mode).criDisabledBy.map((n) => n.value)).toEqual(['cri']);
  });
});
