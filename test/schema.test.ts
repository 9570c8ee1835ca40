import { describe, expect, it } from 'vitest';
import { validateTree, suggest } from '../src/schema/validate.js';
import { parseYamlSource } from '../src/parse/yaml.js';
import { src } from './helpers/source.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cgroupDriver: { enum: ['cgroupfs', 'systemd'] },
    maxPods: { type: 'integer', minimum: 0 },
    nested: { type: 'object', additionalProperties: false, properties: { tolerate_missing_hugetlb_controller: { type: 'boolean' } } },
  },
};

describe('schema validation mapped to ranges', () => {
  it('points unknown keys at the key, with a suggestion, and bad values at the value', () => {
    const s = src('cgroupDriverr: systemd\nmaxPods: -1\nnested:\n  tolerate_missing_hugepages_controller: true\ncgroupDriver: sysd\n');
    const root = parseYamlSource(s).roots[0]!;
    const problems = validateTree(root, 'test-schema', schema).map((p) => ({
      kind: p.kind,
      path: p.path.join('.'),
      at: `${p.range.start.line}:${p.range.start.column}-${p.range.end.line}:${p.range.end.column}`,
      message: p.message,
      suggestion: p.suggestion,
    }));
    expect(problems).toEqual([
      { kind: 'unknown-key', path: 'cgroupDriverr', at: '1:1-1:14', message: 'unknown key "cgroupDriverr"', suggestion: 'cgroupDriver' },
      { kind: 'invalid-value', path: 'maxPods', at: '2:10-2:12', message: 'expected a value >= 0', suggestion: undefined },
      { kind: 'unknown-key', path: 'nested.tolerate_missing_hugepages_controller', at: '4:3-4:40', message: 'unknown key "tolerate_missing_hugepages_controller"', suggestion: 'tolerate_missing_hugetlb_controller' },
      { kind: 'invalid-value', path: 'cgroupDriver', at: '5:15-5:19', message: 'expected one of "cgroupfs", "systemd"', suggestion: undefined },
    ]);
  });

  it('suggests only near misses', () => {
    expect(suggest('systemdCgroup', ['SystemdCgroup', 'BinaryName'])).toBe('SystemdCgroup');
    expect(suggest('completely_different', ['SystemdCgroup'])).toBeUndefined();
  });
});
