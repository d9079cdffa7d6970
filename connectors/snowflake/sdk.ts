/**
 * Loads snowflake-sdk on first use only: the module costs ~50 MB of resident memory once loaded
 * (measured in snowflake.test.ts) and about a second of start-up, so a daemon without a Snowflake
 * connection must never pay for it. Nothing else in this folder imports it at run time.
 */
import os from 'node:os';
import path from 'node:path';
import type * as SnowflakeSdkModule from 'snowflake-sdk';

/** The part of the SDK the connector uses. */
export type SnowflakeSdk = Pick<typeof SnowflakeSdkModule, 'createConnection' | 'configure'>;

let loading: Promise<SnowflakeSdk> | undefined;

export function loadSnowflakeSdk(cacheDir: string | undefined): Promise<SnowflakeSdk> {
  loading ??= load(cacheDir ?? path.join(os.tmpdir(), 'edgeflow-snowflake'));
  return loading;
}

async function load(cacheDir: string): Promise<SnowflakeSdk> {
  // Read at load time by the SDK. Without it the driver probes cloud metadata endpoints
  // (169.254.169.254…) to describe its platform in the login request.
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
  // The OCSP response cache directory is created when the module loads (~/.cache/snowflake by
  // default); the CRL cache follows the same rule. Keep both out of the user's home.
  process.env.SF_OCSP_RESPONSE_CACHE_DIR ??= cacheDir;
  process.env.SNOWFLAKE_CRL_ON_DISK_CACHE_DIR ??= path.join(cacheDir, 'crls');
  const sdk = (await import('snowflake-sdk')).default;
  // The SDK logs to ./snowflake.log and the console by default; a custom logger replaces both.
  // Its messages are already secret-masked, but edgeflow reports failures through its own errors.
  // https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-logs
  const quiet = () => undefined;
  sdk.configure({
    logLevel: 'OFF',
    additionalLogToConsole: false,
    customLogger: { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet },
  });
  return sdk;
}
