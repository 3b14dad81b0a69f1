import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SmtpSettings } from '../../server/src/config-mail.js';
import { recordSecret } from './secrets.js';

export interface ReceivedMail {
  /** The message as it went over the wire, to look for what must never be in it. */
  raw: string;
  /** RCPT TO. */
  to: string[];
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  /** What the server is told (SMTP_URL parsed), with this server's user and password. */
  settings: SmtpSettings;
  /** SMTP_URL for a server process. */
  url: string;
  received: ReceivedMail[];
  /** Every mail to `address` so far. */
  mailsTo(address: string): ReceivedMail[];
  /** Waits until `address` has `count` mails (or `timeoutMs` passes) and returns them. */
  waitForMails(address: string, count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Stops listening and drops every connection: the mail server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on a loopback port, with
 * AUTH (PLAIN and LOGIN over plain text: loopback only, no STARTTLS), that
 * keeps every message it accepts and parses it back with `mailparser`.
 * Its password is recorded as a secret: the end of the run fails if any
 * log holds it.
 */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const user = 'app-passwords';
  const password = `smtp-${randomBytes(12).toString('hex')}`;
  recordSecret(password);
  const received: ReceivedMail[] = [];
  let server: SMTPServer | undefined;
  let port = 0;

  const listen = async () => {
    server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      closeTimeout: 200,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === user && auth.password === password) callback(null, { user });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              received.push({ raw, to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), parsed });
              callback();
            })
            .catch(callback);
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  };
  await listen();

  const mailsTo = (address: string) => received.filter((m) => m.to.includes(address.toLowerCase()));
  return {
    settings: { host: '127.0.0.1', port, secure: false, user, pass: password },
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    received,
    mailsTo,
    waitForMails: async (address, count, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (mailsTo(address).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      return mailsTo(address);
    },
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    start: listen,
  };
}
