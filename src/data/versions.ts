/**
 * Version lines crilint knows about. Every other table in src/data is keyed by these.
 * Sources: containerd RELEASES.md (@ main, 2026-08) and version/version.go per tag;
 * Kubernetes releases per kubernetes/kubelet tags (see ../shared/reference).
 */
export const KUBERNETES_MINORS = ['1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'] as const;
export const CONTAINERD_MINORS = ['1.6', '1.7', '2.0', '2.1', '2.2', '2.3'] as const;

export const NEWEST_KUBERNETES = KUBERNETES_MINORS[KUBERNETES_MINORS.length - 1]!;
export const NEWEST_CONTAINERD = CONTAINERD_MINORS[CONTAINERD_MINORS.length - 1]!;
