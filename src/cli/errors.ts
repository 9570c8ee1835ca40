/** A problem with how crilint was called or configured: message on stderr, exit code 2. */
export class UsageError extends Error {}
