/**
 * systemd unit-file facts crilint checks the units it reads against (kubelet.service,
 * containerd.service, crio.service, docker.service, cri-docker.service and cri-docker.socket, with
 * their drop-ins). Not a list of every systemd key: only keys whose misplacement or spelling is
 * certain to be a mistake are listed.
 */
import type { Sourced } from './lookup.js';

/**
 * Keys of the [Service] section (systemd.service(5), systemd.exec(5), systemd.kill(5),
 * systemd.resource-control(5)) that service units for container runtimes and the kubelet use. None
 * of them is a key of [Unit] or [Install] (systemd.unit(5)), and systemd's keys are case-sensitive
 * with no two differing only in case, so one of these in [Unit]/[Install], or written in another
 * case, is a key systemd ignores.
 */
export const SYSTEMD_SERVICE_KEYS: { keys: readonly string[] } & Sourced = {
  keys: [
    'Type', 'ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost', 'Restart', 'RestartSec', 'TimeoutStartSec',
    'TimeoutStopSec', 'TimeoutSec', 'RemainAfterExit', 'NotifyAccess', 'PIDFile', 'Environment', 'EnvironmentFile', 'WorkingDirectory', 'User',
    'Group', 'KillMode', 'KillSignal', 'SendSIGKILL', 'Delegate', 'Slice', 'CPUAccounting', 'MemoryAccounting', 'TasksAccounting', 'TasksMax',
    'LimitNOFILE', 'LimitNPROC', 'LimitCORE', 'LimitMEMLOCK', 'OOMScoreAdjust', 'StandardOutput', 'StandardError',
  ],
  source: 'systemd.service(5), systemd.exec(5), systemd.kill(5), systemd.resource-control(5), systemd.unit(5) (systemd 252); load_fragment_gperf: keys are matched case-sensitively; checked against the Section.Key table in Debian 12 libsystemd-core-252.so (test/units.test.ts)',
};

/**
 * What systemd says about an assignment it ignores: before any `[Section]` header, or a key the
 * section does not have. The unit still loads (`systemd-analyze verify` exits 0); the setting is
 * dropped. Messages of systemd 252 (Debian 12), read from `systemd-analyze verify --root`.
 */
export const SYSTEMD_IGNORED_ASSIGNMENT: { outside: string; noEquals: string; unknown: (key: string, section: string) => string; section: (name: string) => string } & Sourced = {
  outside: 'Assignment outside of section. Ignoring.',
  noEquals: "Missing '=', ignoring line.",
  unknown: (key, section) => `Unknown key '${key}' in section [${section}], ignoring.`,
  section: (name) => `Unknown section '${name}'. Ignoring.`,
  source: 'systemd src/shared/conf-parser.c parse_line / next_assignment (systemd 252); systemd-analyze verify --root (Debian 12 systemd 252.38) prints both',
};

/**
 * A `[` line that does not end in `]`: systemd stops reading the file there (parse_line returns
 * -EBADMSG and config_parse gives up on the file). The unit file's own parse failing fails the
 * unit's load ("failed to load properly … Bad message"); a drop-in's is not checked, so the unit
 * loads with the drop-in's lines above it and none below (systemd-analyze verify --root, 252).
 */
export const SYSTEMD_INVALID_HEADER: { message: (line: string) => string; unitFails: string } & Sourced = {
  message: (line) => `Invalid section header '${line}'`,
  unitFails: 'failed to load properly, please adjust/correct and reload service manager: Bad message',
  source: 'systemd src/shared/conf-parser.c parse_line (systemd 252: "Invalid section header", return -EBADMSG); systemd-analyze verify --root (Debian 12 systemd 252.38): a unit file with one fails to load, a drop-in with one is read up to it',
};

/**
 * Unit specifiers (systemd.unit(5) "Specifiers", systemd 252), resolved in ExecStart= words and
 * Environment= assignments when the unit is loaded. `fixed` are the ones whose value is known for a
 * system service without knowing the host; `known` are the other letters systemd has (host, user,
 * instance, OS and path specifiers), left as written. Any other letter in ExecStart= is fatal:
 * systemd 252 says "Failed to resolve unit specifiers in …: Invalid slot" and "Unit configuration
 * has fatal error, unit will not be started."; in an Environment= word it drops that assignment:
 * "Failed to resolve specifiers in …, ignoring: Invalid slot" (systemd-analyze verify --root).
 */
export const SYSTEMD_SPECIFIERS: { fixed: Readonly<Record<string, string>>; known: string; fatal: (word: string) => string; ignored: (word: string) => string } & Sourced = {
  fixed: { '%': '%', t: '/run', S: '/var/lib', C: '/var/cache', L: '/var/log', E: '/etc', T: '/tmp', V: '/var/tmp' },
  known: 'aAbBdfgGhHiIjJlmMnNopPqsuUvwWyY',
  fatal: (word) => `Failed to resolve unit specifiers in ${word}: Invalid slot`,
  ignored: (word) => `Failed to resolve specifiers in ${word}, ignoring: Invalid slot`,
  source: 'systemd.unit(5) Specifiers (systemd 252); src/core/unit-printf.c unit_full_printf; systemd-analyze verify --root (Debian 12 systemd 252.38) for an unknown one',
};

/**
 * The sections of the units crilint reads (systemd.unit(5), systemd.service(5), systemd.socket(5)).
 * Section names are case-sensitive: `[service]` is an unknown section, ignored with everything in it.
 */
export const SYSTEMD_SECTIONS: { names: readonly string[] } & Sourced = {
  names: ['Unit', 'Service', 'Socket', 'Install'],
  source: 'systemd.unit(5), systemd.service(5), systemd.socket(5) (systemd 252); systemd-analyze verify --root: "Unknown section \'service\'. Ignoring."',
};
