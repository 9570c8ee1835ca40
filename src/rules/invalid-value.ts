/**
 * invalid-value: a value of the wrong type or outside what the component accepts, including the
 * kubelet's own cross-field validation (ValidateKubeletConfiguration) and crictl's raw-scalar
 * parsing. Messages come from the per-format validators in src/schema/.
 */
import { defineRule } from '../engine/rule.js';
import { fileProblems } from './shared/schema-problems.js';

export default defineRule({
  meta: {
    id: 'invalid-value',
    description: 'A value that containerd, CRI-O, Docker, the kubelet or crictl rejects or misreads (type, range, enum, cross-field rules)',
    severity: 'error',
    files: ['containerd', 'crio', 'docker', 'systemd-unit', 'kubelet', 'kubelet-flags', 'crictl'],
    // Only a service's `${NAME}` with blanks has a fix (`$NAME`); every other value is for the user to choose.
    fixable: 'unsafe',
  },
  check(ctx) {
    for (const f of fileProblems(ctx.node, ctx.target)) {
      if (f.rule !== 'invalid-value') continue;
      ctx.report({ file: f.file, range: f.range, message: f.message, severity: f.severity, related: f.related, fix: f.fix });
    }
  },
});
