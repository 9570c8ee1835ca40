/** A problem with how crilint was called or configured: message on stderr, exit code 2. */
export class UsageError extends Error {}

/** A bug in crilint, with what it was doing: message on stderr (stack with --debug), exit code 3. */
export class InternalError extends Error {}
