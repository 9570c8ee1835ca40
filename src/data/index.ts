/**
 * The knowledge tables (DESIGN.md "Knowledge is data"): rules and the generator read these and
 * nothing else for version-dependent facts. Every entry carries its upstream `source`.
 */
export * from './versions.js';
export * from './lookup.js';
export * from './kubernetes.js';
export * from './feature-gates.js';
export * from './kubelet-flags.js';
export * from './kubelet-fields.js';
export * from './support-matrix.js';
export * from './containerd.js';
export * from './containerd-keys.js';
export * from './containerd-defaults.js';
export * from './notes.js';
export * from './crio.js';
export * from './docker.js';
