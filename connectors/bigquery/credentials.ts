import { connectorError } from './errors.js';
import type { BigQueryOptions } from './options.js';

/**
 * How the client authenticates, and which values must never appear in an error.
 *
 * - `apiEndpoint` (tests, emulators): a fixed bearer token and nothing else, so the auth library
 *   never asks Google for a token nor probes the metadata server (169.254.169.254).
 * - `keyJson`: the service-account key; the client signs its own token requests with it.
 * - neither: application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file,
 *   or the metadata server on Google Cloud). https://cloud.google.com/docs/authentication/provide-credentials-adc
 */
export interface ClientAuth {
  clientOptions: Record<string, unknown>;
  secrets: string[];
}

/** Stands in for google-auth-library's AuthClient: GoogleAuth only calls `getRequestHeaders` on it. */
const FIXED_TOKEN_AUTH = {
  getRequestHeaders: async () => new Headers({ authorization: 'Bearer edgeflow-local-endpoint' }),
};

export function clientAuth(opts: BigQueryOptions): ClientAuth {
  const secrets = [...(opts.secrets ?? [])];
  let credentials: { client_email: string; private_key: string } | undefined;
  if (opts.keyJson !== undefined) {
    secrets.push(opts.keyJson);
    const key = parseKey(opts.keyJson, secrets);
    secrets.push(...keySecrets(key));
    credentials = { client_email: key.client_email, private_key: key.private_key };
  }
  if (opts.apiEndpoint)
    return { clientOptions: { apiEndpoint: opts.apiEndpoint, authClient: FIXED_TOKEN_AUTH }, secrets };
  return { clientOptions: credentials ? { credentials } : {}, secrets };
}

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

function parseKey(text: string, secrets: readonly string[]): ServiceAccountKey {
  const invalid = (what: string) =>
    connectorError(
      `BigQuery keyJson ${what}: give the whole JSON key file of a service account ` +
        '(type "service_account", with client_email and private_key), e.g. keyJson: ${file:./key.json}',
      'permanent',
      'invalidCredentials',
      { secrets },
    );
  let key: unknown;
  try {
    key = JSON.parse(text);
  } catch {
    // Not the parser's message: V8 quotes the text around the error, which is the key.
    throw invalid('is not valid JSON');
  }
  const k = key as Partial<Record<keyof ServiceAccountKey, unknown>> | null;
  if (
    typeof k !== 'object' ||
    k === null ||
    typeof k.client_email !== 'string' ||
    typeof k.private_key !== 'string'
  )
    throw invalid('has no client_email and private_key');
  return k as ServiceAccountKey;
}

/** The key's parts, also as they look escaped inside JSON text and as the PEM's base64 lines. */
function keySecrets(key: ServiceAccountKey): string[] {
  const pemLines = key.private_key
    .split(/\r?\n/)
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
  return [
    key.private_key,
    JSON.stringify(key.private_key).slice(1, -1),
    key.client_email,
    ...(key.private_key_id ? [key.private_key_id] : []),
    ...pemLines,
  ];
}
