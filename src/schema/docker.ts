/**
 * Values dockerd refuses in the settings crilint reads: `native.cgroupdriver` must be `cgroupfs` or
 * `systemd` (moby/moby daemon/daemon_unix.go verifyCgroupDriver: "native.cgroupdriver option %s not
 * supported"; `none` "is internally used and cannot be specified manually"); an exec-opt must be
 * `opt=value` (daemon/config/config.go parseExecOptions: "invalid exec-opt (%s): must be formatted
 * 'opt=value'"). dockerd does not start either way.
 */
import type { Finding } from '../core/types.js';
import { DOCKER_CGROUP_DRIVER } from '../data/docker.js';
import { dockerCgroupDriver, type DockerModel } from '../model/docker.js';
import { get } from '../model/tree.js';

export function dockerProblems(model: DockerModel): Finding[] {
  const out: Finding[] = [];
  const opts = model.daemonJson?.root ? get(model.daemonJson.root, 'exec-opts') : undefined;
  if (opts && opts.kind === 'array') {
    for (const it of opts.items) {
      if (it.kind !== 'scalar' || typeof it.value !== 'string') continue;
      const i = it.value.indexOf('=');
      if (i < 0 || it.value.slice(0, i).trim() === '' || it.value.slice(i + 1).trim() === '')
        out.push({ rule: 'invalid-value', severity: 'error', message: `exec-opts item ${it.raw} is not "opt=value": dockerd does not start ("invalid exec-opt (${it.value}): must be formatted 'opt=value'")`, file: it.file, range: it.range, related: [] });
    }
  }
  const d = dockerCgroupDriver(model);
  if (d.value !== null && !(DOCKER_CGROUP_DRIVER.values as readonly string[]).includes(d.value)) {
    const at = d.node ? { file: d.node.file, range: d.node.range } : { file: d.flag!.valueFile ?? d.flag!.file, range: d.flag!.valueRange ?? d.flag!.range };
    const why = d.value === 'none' ? `native.cgroupdriver option none is internally used and cannot be specified manually` : `native.cgroupdriver option ${d.value} not supported`;
    out.push({ rule: 'invalid-value', severity: 'error', message: `native.cgroupdriver=${d.value}: dockerd does not start ("${why}"); use systemd or cgroupfs`, file: at.file, range: at.range, related: [] });
  }
  return out;
}
