/**
 * Why an alert did not go out, and whether trying again can help: a refused payload (HTTP 4xx,
 * SMTP 5xx) or a bad setting is permanent and the alert is given up at once; a network failure, a
 * timeout, HTTP 5xx/408/429 or SMTP 4xx is retried after a backoff.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A failed HTTP answer's class: 408, 429 and 5xx are worth retrying. */
export function httpStatusError(what: string, status: number, body: string): DeliveryError {
  const transient = status === 408 || status === 429 || status >= 500;
  const said = body.trim().slice(0, 200);
  return new DeliveryError(`${what} answered HTTP ${status}${said ? `: ${said}` : ''}`, !transient);
}

/** A fetch that failed before an answer (refused, reset, DNS, timeout): transient. */
export function networkError(what: string, e: unknown, signal: AbortSignal): DeliveryError {
  if (signal.aborted)
    return new DeliveryError(`${what}: ${(signal.reason as Error)?.message ?? 'aborted'}`, false);
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return new DeliveryError(
    `${what} could not be reached: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
    false,
  );
}
