/**
 * systemd itself as the oracle for sysctl.d precedence.
 *
 * - `systemd-analyze --root=DIR cat-config sysctl.d` prints, in the order systemd-sysctl reads them,
 *   a `# <path>` header per file followed by its contents (a mask shows an empty body). That is the
 *   file order and masking crilint must reproduce.
 * - `systemd-sysctl --prefix=/crilint FILES...` (debug logging) parses those files exactly as at boot
 *   and logs `Setting '/proc/sys/<key>' to '<value>'` for each value it would write. Every key in
 *   these layouts lives below `crilint.`, which does not exist in /proc/sys, and `--prefix` keeps
 *   anything else from being applied, so nothing is ever written on the test machine.
 *
 * /lib/sysctl.d is left out of the layouts: only split-usr builds read it (Debian 12's systemd 252
 * does, newer builds do not), so it cannot be an oracle-checked fact.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ANALYZE, buildLayout, catConfig, crilintSysctl, crilintValues, SYSCTL, SYSTEMD_AVAILABLE, systemdSysctl, type Layout } from './helpers/systemd.js';

const available = SYSTEMD_AVAILABLE;
const inCI = Boolean(process.env.CI);

describe('systemd oracle availability', () => {
  // Under CI the oracle must be there (.ci/run installs systemd); elsewhere its absence is allowed
  // and the oracle suite below says it was skipped.
  it('has systemd-analyze and systemd-sysctl wherever CI runs (install the systemd package)', () => {
    if (inCI || available) expect({ ANALYZE, SYSCTL }).toEqual({ ANALYZE: expect.any(String), SYSCTL: expect.any(String) });
    else expect(inCI).toBe(false);
  });
});

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

interface Case {
  name: string;
  layout: Layout;
  order: string[];
  values: Record<string, string>;
  syntax?: string[];
}

const cases: Case[] = [
  {
    name: 'a file in /etc masks the same name in /usr/lib; a /dev/null link masks it too',
    layout: {
      'usr/lib/sysctl.d/50-vendor.conf': 'crilint.a = vendor\ncrilint.b = vendor\n',
      'etc/sysctl.d/50-vendor.conf': 'crilint.a = admin\n',
      'usr/lib/sysctl.d/60-masked.conf': 'crilint.m = vendor\n',
      'etc/sysctl.d/60-masked.conf': { link: '/dev/null' },
    },
    order: ['/etc/sysctl.d/50-vendor.conf', '/etc/sysctl.d/60-masked.conf'],
    values: { 'crilint/a': 'admin' },
  },
  {
    name: 'files sort by name across /etc, /run, /usr/local/lib and /usr/lib',
    layout: {
      'run/sysctl.d/10-run.conf': 'crilint.x = run\n',
      'usr/lib/sysctl.d/20-usr.conf': 'crilint.x = usr\n',
      'etc/sysctl.d/05-etc.conf': 'crilint.x = etc\ncrilint.y = etc\n',
      'usr/local/lib/sysctl.d/15-local.conf': 'crilint.y = local\n',
      'run/sysctl.d/zz-last.conf': 'crilint.z = run\n',
      'etc/sysctl.d/README': 'crilint.readme = 1\n',
      'etc/sysctl.d/.hidden.conf': 'crilint.hidden = 1\n',
    },
    order: ['/etc/sysctl.d/05-etc.conf', '/run/sysctl.d/10-run.conf', '/usr/local/lib/sysctl.d/15-local.conf', '/usr/lib/sysctl.d/20-usr.conf', '/run/sysctl.d/zz-last.conf'],
    values: { 'crilint/x': 'usr', 'crilint/y': 'local', 'crilint/z': 'run' },
  },
  {
    name: 'a later assignment overrides an earlier one, in the same file and across files',
    layout: {
      'etc/sysctl.d/10-a.conf': 'crilint.k = 1\ncrilint.k = 2\ncrilint.e = same\n',
      'usr/lib/sysctl.d/20-b.conf': 'crilint.k = 3\ncrilint.e = same\n',
    },
    order: ['/etc/sysctl.d/10-a.conf', '/usr/lib/sysctl.d/20-b.conf'],
    values: { 'crilint/k': '3', 'crilint/e': 'same' },
  },
  {
    name: 'the "-" prefix ignores failures; "-key" cancels an earlier assignment',
    layout: {
      'etc/sysctl.d/10-x.conf': '-crilint.ign = 1\ncrilint.gone = 1\n-crilint.gone\n-crilint.never\n',
      'etc/sysctl.d/20-y.conf': 'crilint.back = 1\n-crilint.back\ncrilint.back = 2\n',
    },
    order: ['/etc/sysctl.d/10-x.conf', '/etc/sysctl.d/20-y.conf'],
    values: { 'crilint/ign': '1', 'crilint/back': '2' },
  },
  {
    name: '"/" and "." separators name the same key',
    layout: {
      'etc/sysctl.d/10-slash.conf': 'crilint/s1 = 1\ncrilint/dev.eth0/x = 2\ncrilint.dot/slash.y = 3\n',
      'etc/sysctl.d/20-dotted.conf': 'crilint.s1 = 10\ncrilint.dev/eth0.x = 20\n',
    },
    order: ['/etc/sysctl.d/10-slash.conf', '/etc/sysctl.d/20-dotted.conf'],
    values: { 'crilint/s1': '10', 'crilint/dev.eth0/x': '20', 'crilint/dot.slash/y': '3' },
  },
  {
    name: '/etc/sysctl.conf is not read by systemd-sysctl',
    layout: {
      'etc/sysctl.conf': 'crilint.conf = 1\n',
      'etc/sysctl.d/10-k8s.conf': 'crilint.k8s = 1\n',
    },
    order: ['/etc/sysctl.d/10-k8s.conf'],
    values: { 'crilint/k8s': '1' },
  },
  {
    name: '/etc/sysctl.conf counts when linked into sysctl.d as 99-sysctl.conf',
    layout: {
      'etc/sysctl.conf': 'crilint.conf = 1\ncrilint.k8s = 2\n',
      'etc/sysctl.d/10-k8s.conf': 'crilint.k8s = 1\n',
      'etc/sysctl.d/99-sysctl.conf': { link: '../sysctl.conf' },
    },
    order: ['/etc/sysctl.d/10-k8s.conf', '/etc/sysctl.d/99-sysctl.conf'],
    values: { 'crilint/conf': '1', 'crilint/k8s': '2' },
  },
  {
    name: 'no inline comments, whitespace stripped, a non-assignment line reported',
    layout: {
      'etc/sysctl.d/10-c.conf': '  crilint.c   =  1 # comment  \n; comment\n  # comment\nnot an assignment\ncrilint.d=\n',
    },
    order: ['/etc/sysctl.d/10-c.conf'],
    values: { 'crilint/c': '1 # comment', 'crilint/d': '' },
    syntax: ['/etc/sysctl.d/10-c.conf:4'],
  },
];

describe.skipIf(!available && !inCI)(
  `crilint agrees with systemd-analyze cat-config and systemd-sysctl${available ? '' : ' (skipped: systemd-analyze/systemd-sysctl not installed; CI installs the systemd package)'}`,
  () => {
    for (const c of cases) {
      it(c.name, () => {
        const root = buildLayout(c.layout, roots);
        const order = catConfig(root);
        const { model: m, syntax } = crilintSysctl(root);
        const model = m!;
        expect(order).toEqual(c.order);
        expect(model.files.map((f) => f.path)).toEqual(order);
        const sd = systemdSysctl(root, order);
        expect(sd.values).toEqual(c.values);
        expect(crilintValues(model)).toEqual(sd.values);
        expect(syntax).toEqual(sd.badLines);
        expect(syntax).toEqual(c.syntax ?? []);
      });
    }
  },
);
