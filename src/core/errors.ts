/**
 * The small set of domain errors. Channels map each to a short message on the surface the user is looking at;
 * anything else is unexpected and is logged with a correlation id.
 */
export class DomainError extends Error {
  constructor(
    readonly code: 'bad_input' | 'not_found' | 'stale' | 'store_unavailable' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class BadInputError extends DomainError {
  constructor(message: string) {
    super('bad_input', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class StoreUnavailableError extends DomainError {
  constructor(cause?: unknown) {
    super('store_unavailable', 'The bot’s storage is temporarily unavailable. Please try again in a minute.');
    this.cause = cause;
  }
}

/** An action the person's role does not allow. `details` go to the log (who, what, which role), never to chat. */
export class ForbiddenError extends DomainError {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super('forbidden', message);
  }
}
