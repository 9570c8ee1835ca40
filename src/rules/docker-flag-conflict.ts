/**
 * docker-flag-conflict: a dockerd setting given both in /etc/docker/daemon.json and as a flag on
 * dockerd's command line (docker.service ExecStart=, with its drop-ins). dockerd refuses to start:
 * "unable to configure the Docker daemon with file /etc/docker/daemon.json: the following directives
 * are specified both as a flag and in the configuration file: hosts: (from flag: [fd://], from file:
 * [unix:///var/run/docker.sock])". The classic case is `"hosts"` in daemon.json with the packaged
 * unit's `-H fd://`.
 *
 * How dockerd matches them (moby/moby daemon/config/config.go findConfigurationConflicts, data
 * DOCKERD_CONFLICTS): a list flag with a named option matches its plural key (`--exec-opt` ↔
 * `exec-opts`, `-H`/`--host` ↔ `hosts`: data DOCKERD_NAMED_OPTIONS), any other flag the key of its
 * own name or shorthand; `runtimes` may be in both. daemon.json objects other than the flat ones
 * (`log-opts`, `default-ulimits`, `runtimes`, …) are flattened one level first (configValuesSet), so
 * `"proxies": {"http-proxy": …}` conflicts with `--http-proxy`.
 * No fix: which of the two values is meant is the author's call.
 */
import { DOCKER_DAEMON_JSON, DOCKERD_FLAT_OPTIONS, DOCKERD_NAMED_OPTIONS, DOCKERD_SHORTHANDS } from '../data/docker.js';
import { defineRule } from '../engine/rule.js';
import { dockerdCommand } from '../model/docker.js';
import type { MapEntry } from '../model/tree.js';

/** daemon.json objects dockerd does not flatten (flatOptions; as the newest release has them). */
const FLAT = new Set(Object.keys(DOCKERD_FLAT_OPTIONS));
/** Keys that may be in both (skipDuplicates). */
const SKIP = new Set(['runtimes']);

export default defineRule({
  meta: {
    id: 'docker-flag-conflict',
    description: 'A dockerd setting given both in daemon.json and as a flag on the dockerd command line, so dockerd refuses to start',
    severity: 'error',
    files: ['docker', 'systemd-unit'],
  },
  check(ctx) {
    const model = ctx.node.docker;
    const root = model?.daemonJson?.root;
    const cmd = dockerdCommand(model ?? null);
    if (!model || !root || !cmd) return;
    const keys = new Map<string, MapEntry>();
    for (const e of root.entries) {
      if (e.value.kind === 'map' && !FLAT.has(e.key)) for (const se of e.value.entries) keys.set(se.key, se);
      else keys.set(e.key, e);
    }
    const seen = new Set<string>();
    for (const f of cmd.flags) {
      const key = DOCKERD_NAMED_OPTIONS[f.name] ?? DOCKERD_SHORTHANDS[f.name] ?? f.name;
      const e = keys.get(key) ?? keys.get(f.name);
      if (!e || SKIP.has(key) || seen.has(e.key)) continue;
      seen.add(e.key);
      ctx.report({
        file: e.value.file,
        range: e.keyRange,
        message:
          `"${e.key}" is set in daemon.json and as ${f.written}${f.value !== null ? ` ${f.value}` : ''} on dockerd's command line (${cmd.assignment.file.display}): dockerd refuses to start ` +
          `("unable to configure the Docker daemon with file ${DOCKER_DAEMON_JSON}: the following directives are specified both as a flag and in the configuration file: ${e.key}: …"); ` +
          'keep one of them (for the packaged unit\'s -H fd://, drop "hosts" from daemon.json or override ExecStart= in a drop-in)',
        related: [{ file: f.file, range: f.range, message: `${f.written} on dockerd's ExecStart=` }],
      });
    }
  },
});
