import net from 'node:net';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM module without types
import { isLoopbackHost } from './preload/no-network.mjs';

function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('test preload: no network but loopback', () => {
  it('refuses a cloud metadata address and a public host', async () => {
    expect(await connectOutcome('169.254.169.254', 80)).toBe('ENETUNREACH_TEST');
    expect(await connectOutcome('metadata.google.internal', 80)).toBe('ENETUNREACH_TEST');
    expect(await connectOutcome('8.8.8.8', 53)).toBe('ENETUNREACH_TEST');
  });

  it('refuses an HTTP request through an Agent (whose options carry the request path)', async () => {
    const http = await import('node:http');
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get('http://169.254.169.254/latest/meta-data/', (res) => {
        res.resume();
        resolve(`answered ${res.statusCode}`);
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(outcome).toBe('ENETUNREACH_TEST');
  });

  it('refuses through fetch as well', async () => {
    await expect(fetch('http://169.254.169.254/computeMetadata/v1/')).rejects.toThrow();
  });

  it('allows loopback', async () => {
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    expect(await connectOutcome('127.0.0.1', port)).toBe('connected');
    expect(await connectOutcome('localhost', port)).toMatch(/connected|ECONNREFUSED/);
    server.close();
  });

  it('classifies hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopbackHost('example.com')).toBe(false);
  });

  it('sets the cloud SDK probe switches', () => {
    expect(process.env['SNOWFLAKE_DISABLE_PLATFORM_DETECTION']).toBe('true');
    expect(process.env['METADATA_SERVER_DETECTION']).toBe('none');
  });
});
