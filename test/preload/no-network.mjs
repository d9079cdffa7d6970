// Refuses every non-loopback network connection in the process that loads it, so a test can never
// reach the internet or a cloud metadata service (169.254.169.254, metadata.google.internal) by
// accident. Loaded by vitest (setupFiles) and by child processes via `node --import`.
import net from 'node:net';
import dgram from 'node:dgram';

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.', 'ip6-localhost']);

export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node defaults to localhost
  const h = String(host)
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (LOOPBACK_NAMES.has(h)) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

function refusal(host, port) {
  const err = new Error(
    `network access refused by test preload: ${host}:${port} is not a loopback address ` +
      `(tests may only talk to 127.0.0.1/::1; start a local fake instead)`,
  );
  err.code = 'ENETUNREACH_TEST';
  return err;
}

function targetOf(args) {
  const first = args[0];
  if (Array.isArray(first)) return targetOf(first); // internal normalized form
  if (first !== null && typeof first === 'object') {
    // A unix socket has a path and no host or port. An HTTP Agent's options carry the request's
    // path too (`/`), beside the host and port it connects to: those are checked.
    if (
      first.path !== undefined &&
      first.path !== null &&
      first.host === undefined &&
      first.port === undefined
    )
      return { local: true };
    return { host: first.host, port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { local: true }; // unix socket path
  return { host: args[1], port: first };
}

if (!globalThis.__edgeflowNoNetwork) {
  globalThis.__edgeflowNoNetwork = true;
  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function patchedConnect(...args) {
    const target = targetOf(args);
    if (!target.local && !isLoopbackHost(target.host)) {
      const err = refusal(target.host, target.port);
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return originalConnect.apply(this, args);
  };
  const originalSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function patchedSend(...args) {
    const host = args.find((a, i) => i > 0 && typeof a === 'string');
    if (host !== undefined && !isLoopbackHost(host)) throw refusal(host, '?');
    return originalSend.apply(this, args);
  };
}
