/** `X.Y` or `X.Y.Z` versions of Kubernetes and containerd. */
export interface Version {
  major: number;
  minor: number;
  /** Absent when only a minor line was given (`1.34`). */
  patch?: number;
}

export function parseVersion(s: string): Version | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) return null;
  const v: Version = { major: Number(m[1]), minor: Number(m[2]) };
  if (m[3] !== undefined) v.patch = Number(m[3]);
  return v;
}

/** Compare a, b; a missing patch compares as 0 unless `patchAsMax`. */
export function cmpVersion(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || (a.patch ?? 0) - (b.patch ?? 0);
}

export function atLeast(v: Version, s: string): boolean {
  return cmpVersion(v, parseVersion(s)!) >= 0;
}

/** For a minor-only version, the highest patch is meant when testing "at least X.Y.Z" thresholds within that line. */
export function minorAtLeast(v: Version, s: string): boolean {
  const t = parseVersion(s)!;
  if (v.patch === undefined && v.major === t.major && v.minor === t.minor) return true;
  return cmpVersion(v, t) >= 0;
}

export function fmtVersion(v: Version): string {
  return v.patch === undefined ? `${v.major}.${v.minor}` : `${v.major}.${v.minor}.${v.patch}`;
}
