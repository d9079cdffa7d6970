/**
 * Local receivers for alert tests: an HTTP server that records what it is sent and answers as
 * told (webhook, Slack), and a real SMTP server (smtp-server, nodemailer's own) over STARTTLS with
 * a test CA and password auth.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

const TLS_DIR = fileURLToPath(new URL('../../test/fixtures/tls/', import.meta.url));
export const TEST_CA_FILE = `${TLS_DIR}ca.pem`;

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** How the next requests are answered (status and body); default 200 `ok`. */
  respond: (r: ReceivedRequest) => { status: number; body?: string } | 'hang';
  close(): Promise<void>;
}

export async function httpReceiver(path = '/hook'): Promise<HttpReceiver> {
  const hanging = new Set<http.ServerResponse>();
  const receiver: HttpReceiver = {
    url: '',
    requests: [],
    respond: () => ({ status: 200, body: 'ok' }),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const r: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      receiver.requests.push(r);
      const answer = receiver.respond(r);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Whether the session was TLS when the message was sent (STARTTLS done). */
  secure: boolean;
  user: string | undefined;
  raw: string;
  subject: string;
  /** The text body, quoted-printable decoded. */
  text: string;
}

export interface SmtpReceiver {
  port: number;
  messages: ReceivedMail[];
  /** Failed logins seen. */
  refusedLogins: number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that offers STARTTLS and wants `user`/`password`. */
export async function smtpReceiver(o: { user: string; password: string }): Promise<SmtpReceiver> {
  const receiver: SmtpReceiver = { port: 0, messages: [], refusedLogins: 0, close: async () => undefined };
  const server = new SMTPServer({
    key: readFileSync(`${TLS_DIR}server-key.pem`),
    cert: readFileSync(`${TLS_DIR}server-cert.pem`),
    logger: false,
    // AUTH only after STARTTLS (smtp-server's default): a client that stayed plain cannot log in.
    onAuth(auth, _session, cb) {
      if (auth.username === o.user && auth.password === o.password) return cb(null, { user: auth.username });
      receiver.refusedLogins++;
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const subject =
          /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1]?.replace(/\r?\n[ \t]/g, ' ') ?? '';
        receiver.messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          user: session.user as string | undefined,
          raw,
          subject,
          text: decodeQuotedPrintable(rest.join('\n\n')),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.server.address() as AddressInfo).port;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

function decodeQuotedPrintable(s: string): string {
  return Buffer.from(
    s
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}
