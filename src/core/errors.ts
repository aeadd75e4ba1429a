/**
 * The closed set of errors dealer-hub raises on purpose. Each tells the caller what to do:
 * fix the input, look elsewhere, retry later, or stop. Mapped to HTTP once (core/http) and to
 * job retries once (core/jobs). Anything else is a bug and surfaces as 500 / a failed job.
 */
export type ErrorDetails = Record<string, unknown>;

export abstract class DealerHubError extends Error {
  abstract readonly code: string;
  readonly details: ErrorDetails | undefined;
  constructor(message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The caller sent something we cannot accept as it is (400, or 422 when well-formed but invalid). */
export class UserError extends DealerHubError {
  readonly code: string;
  readonly status: 400 | 422;
  constructor(message: string, details?: ErrorDetails & { code?: string }, status: 400 | 422 = 422) {
    super(message, details);
    this.code = details?.code ?? 'invalid_input';
    this.status = status;
  }
}

export class UnauthorizedError extends DealerHubError {
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DealerHubError {
  readonly code = 'forbidden';
}

export class NotFoundError extends DealerHubError {
  readonly code = 'not_found';
}

/** The request conflicts with current state (duplicate, stale version, idempotency key reuse). */
export class ConflictError extends DealerHubError {
  readonly code = 'conflict';
}

/** Worth retrying: timeouts, connection resets, 5xx/429 upstream, serialization failures. */
export class TransientError extends DealerHubError {
  readonly code = 'transient';
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details?: ErrorDetails & { retryAfterMs?: number }, options?: { cause?: unknown }) {
    super(message, details, options);
    this.retryAfterMs = details?.retryAfterMs;
  }
}

/** The external system understood us and said no (BAPI RETURN type E, OData 400). Hold, never retry. */
export class UpstreamRejectedError extends DealerHubError {
  readonly code = 'upstream_rejected';
}

/** The configuration cannot work; the daemon refuses to start. */
export class ConfigError extends DealerHubError {
  readonly code = 'config_invalid';
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (error instanceof DealerHubError) return false;
  return true; // an unexpected error may be a passing fault; jobs retry it up to their limit
}
