/**
 * unknown-key: a key its component does not know. containerd and the kubelet ignore unknown keys
 * (containerd 2.x with a log line, 1.x silently; the kubelet after strict decoding fails), so the
 * setting has no effect; crictl rejects the whole file, and dockerd does not start with an unknown
 * daemon.json key. Messages come from the per-format
 * validators in src/schema/ (with "did you mean" for near misses).
 *
 * containerd keys that a more specific rule explains (a key removed by the target release, a
 * version-2 CRI setting in a version 3/4 file, a misplaced SystemdCgroup) are left to that rule,
 * so one key gets one finding with the reason and the fix.
 */
import { defineRule } from '../engine/rule.js';
import { criConfigIgnoredSites } from './cri-config-ignored.js';
import { deprecatedKeySites } from './deprecated-key.js';
import { removedKeySites } from './removed-key.js';
import { fileProblems } from './shared/schema-problems.js';
import { systemdCgroupSites } from './systemd-cgroup-misplaced.js';

export default defineRule({
  meta: {
    id: 'unknown-key',
    description: 'A key that containerd, CRI-O, Docker, the kubelet or crictl does not know, so the setting has no effect (or crictl ignores the file, dockerd does not start)',
    severity: 'error',
    fixable: 'unsafe',
    files: ['containerd', 'crio', 'docker', 'kubelet', 'kubelet-flags', 'systemd-unit', 'crictl'],
  },
  check(ctx) {
    let claimed: Set<string> | null = null;
    for (const f of fileProblems(ctx.node, ctx.target)) {
      if (f.rule !== 'unknown-key') continue;
      if (f.file?.kind === 'containerd' && f.range) {
        claimed ??= new Set([
          ...criConfigIgnoredSites(ctx.node, ctx.target),
          ...removedKeySites(ctx.node, ctx.target),
          ...deprecatedKeySites(ctx.node, ctx.target),
          ...systemdCgroupSites(ctx.node, ctx.target),
        ]);
        if (claimed.has(`${f.file.path}:${f.range.start.offset}`)) continue;
      }
      ctx.report({ file: f.file, range: f.range, message: f.message, severity: f.severity, related: f.related, fix: f.fix });
    }
  },
});
