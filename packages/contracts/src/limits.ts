/** Size limits every surface enforces. Exceeding one is a 413, not a 400. */
export const limits = {
  /** Message text (steps, questions, replies), in characters. */
  messageChars: 64 * 1024,
  /** A unified git diff, in characters (≈1 MiB of ASCII). */
  gitDiffChars: 1024 * 1024,
  /** Serialized JSON of message or instance metadata, in characters. */
  metadataJsonChars: 16 * 1024,
  /** Names of agent types, instances and API keys. */
  nameChars: 200,
  /** Client-chosen idempotency keys. */
  idempotencyKeyChars: 200,
  emailChars: 320,
  passwordMinChars: 8,
  passwordMaxChars: 256,
  /** Nesting of objects and arrays in any input, the input itself being level 1. Deeper is a 400. */
  inputDepth: 32,
  /** A page of messages or instances. */
  pageSize: 50,
  maxPageSize: 200,
  /** Longest single wait for a reply; clients loop for longer waits. */
  maxWaitSeconds: 300,
  defaultWaitSeconds: 50,
  /** Active API keys per user. */
  maxActiveApiKeys: 50,
  maxApiKeyExpiryDays: 3650,
} as const;

/** An instance whose last heartbeat is older than this shows as offline. */
export const OFFLINE_AFTER_MS = 60_000;
