/**
 * unknown-key: a key its component does not know. containerd and the kubelet ignore unknown keys
 * (containerd 2.x with a log line, 1.x silently; the kubelet after strict decoding fails), so the
 * setting has no effect; crictl rejects the whole file. Messages come from the per-format
 * validators in src/schema/ (with "did you mean" for near misses).
 */
import { defineRule } from '../engine/rule.js';
import { fileProblems } from './shared/schema-problems.js';

export default defineRule({
  meta: {
    id: 'unknown-key',
    description: 'A key that containerd, the kubelet or crictl does not know, so the setting has no effect (or crictl ignores the file)',
    severity: 'error',
    files: ['containerd', 'kubelet', 'kubelet-flags', 'crictl'],
  },
  check(ctx) {
    for (const f of fileProblems(ctx.node, ctx.target)) {
      if (f.rule !== 'unknown-key') continue;
      ctx.report({ file: f.file, range: f.range, message: f.message, severity: f.severity, related: f.related, fix: f.fix });
    }
  },
});
