/** Errors of the run store, each with a code and a message that says what to do. */
export type StoreErrorCode =
  'STATE_TOO_NEW' | 'STATE_UNAVAILABLE' | 'NOT_FOUND' | 'INVALID_TRANSITION' | 'CONFLICT';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
