import { randomBytes } from 'node:crypto';

/** 6 characters of base 36 from 31 random bits. */
function randomSuffix(): string {
  return (randomBytes(4).readUInt32BE() >>> 1).toString(36).padStart(6, '0').slice(-6);
}

/**
 * `r` + creation time (base 36, fixed width) + 6 random characters, e.g. `r0m2k1f9qx3a7b1c`: ids
 * sort by creation (the list cursor), and fit staging table names (lower-case letters and digits,
 * 16 characters, well inside PostgreSQL's 63-byte identifiers).
 */
export function newRunId(now = Date.now()): string {
  return `r${now.toString(36).padStart(9, '0')}${randomSuffix()}`;
}

export function newTokenId(): string {
  return `tok_${randomBytes(9).toString('base64url')}`;
}
