/**
 * The real Dovecot (Debian's 2.3, found by support/requirements.ts) as a
 * private instance: its configuration, runtime sockets, state and mail in a
 * temporary directory, IMAP, POP3 and submission on free loopback ports, its log in
 * a file of the caller's choosing. Its passdb is the very configuration an
 * operator copies from integrations/dovecot/ (the checkpassword script asking
 * App Passwords), with the script's path and App Passwords' address put in;
 * or, for the benchmark's baseline, a static passwd-file in its place.
 *
 * Runs as root only (as CI does): Dovecot's master starts its auth process as
 * the `dovecot` user and its login processes as `dovenull`, which the Debian
 * package creates, and mail processes as nobody.
 *
 * And the rest of what a mail server has around it: a tiny SMTP sink that
 * Dovecot's submission service relays to (it connects to its relay right
 * after AUTH), and real clients: curl for IMAP, POP3 and SMTP, and a plain IMAP
 * LOGIN/LOGOUT over a socket where the server's exact answer matters.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { killGroup, spawnGroup } from './child-processes.js';
import { freePort, integrationFile, withAddresses } from './proxies.js';
import { requirementPath } from './requirements.js';

/** Where the operator's copy of the script goes, as auth-app-passwords.conf.ext names it. */
const SCRIPT_PATH = '/usr/local/libexec/dovecot/app-passwords-checkpassword';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
/** Mail processes run as nobody: Dovecot refuses root for them. */
const MAIL_UID = 65534;

export interface DovecotOptions {
  /** App Passwords' `host:port`, put in the script in place of 127.0.0.1:4000. */
  appPasswords: string;
  /** Dovecot's log (every process's lines, auth debugging on). */
  logFile: string;
  /** Where submission relays to (`startSmtpSink`). */
  relayPort: number;
  /** Instead of the integration's passdb: a passwd-file with these lines (`name:{SCHEME}hash`), the operator's alternative. */
  passwdFile?: string[];
}

export interface RunningDovecot {
  imapPort: number;
  pop3Port: number;
  submissionPort: number;
  /** The script Dovecot runs, as it is on disk (what `ps` shows). */
  scriptPath: string;
  /** A file in Dovecot's directory, e.g. a message for curl to send. */
  file(name: string, content: string): string;
  log(): string;
  stop(): Promise<void>;
}

/** Dovecot in a temporary directory, in the foreground (`-F`), its process group SIGKILLed should the caller die first. */
export async function startDovecot(options: DovecotOptions): Promise<RunningDovecot> {
  if (process.getuid?.() !== 0) throw new Error('The Dovecot tests run as root only (Dovecot starts its processes as its own users)');
  const dovecot = requirementPath('dovecot');
  requirementPath('dovecot-pop3');
  const dir = mkdtempSync(path.join(tmpdir(), 'app-passwords-dovecot-'));
  const { imapPort, pop3Port, submissionPort, scriptPath } = await writeConfiguration(dir, options).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  let output = '';
  const child = spawnGroup(dovecot, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const log = () => `${output}${readIfThere(options.logFile)}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitUntilListening(child, exited, [imapPort, pop3Port, submissionPort], () => {
    rmSync(dir, { recursive: true, force: true });
    return log();
  });

  return {
    imapPort,
    pop3Port,
    submissionPort,
    scriptPath,
    file: (name, content) => {
      const file = path.join(dir, name);
      writeFileSync(file, content, { mode: 0o644 });
      return file;
    },
    log,
    stop: async () => {
      // The master stops its services and exits; the whole group gets the signal anyway.
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Dovecot's configuration, the integration's files (or a passwd-file) and the mail directory in `dir`; the ports it will listen on. */
async function writeConfiguration(dir: string, options: DovecotOptions) {
  // The auth process (user dovecot) runs the script from here; mail processes (nobody) write under home/.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'home'));
  chownSync(path.join(dir, 'home'), MAIL_UID, MAIL_UID);
  const [imapPort, pop3Port, submissionPort] = [await freePort(), await freePort(), await freePort()];

  const scriptPath = path.join(dir, 'app-passwords-checkpassword');
  writeFileSync(
    scriptPath,
    withAddresses(integrationFile('dovecot/app-passwords-checkpassword'), { '127.0.0.1:4000': options.appPasswords }),
    { mode: 0o755 },
  );
  let auth = withAddresses(integrationFile('dovecot/auth-app-passwords.conf.ext'), { [SCRIPT_PATH]: scriptPath });
  if (options.passwdFile) {
    writeFileSync(path.join(dir, 'passwd'), `${options.passwdFile.join('\n')}\n`, { mode: 0o644 });
    const passdb = /passdb \{[^}]*\}/;
    if (!passdb.test(auth)) throw new Error('No passdb { } in auth-app-passwords.conf.ext any more: update support/dovecot.ts');
    auth = auth.replace(passdb, `passdb {\n  driver = passwd-file\n  args = ${path.join(dir, 'passwd')}\n}`);
  }
  writeFileSync(path.join(dir, 'auth-app-passwords.conf.ext'), auth);
  writeFileSync(
    path.join(dir, 'dovecot.conf'),
    [
      `base_dir = ${path.join(dir, 'run')}`,
      `state_dir = ${path.join(dir, 'state')}`,
      `log_path = ${options.logFile}`,
      'listen = 127.0.0.1',
      'protocols = imap pop3 submission',
      'ssl = no',
      // Plain text over loopback: no TLS here (an operator keeps the default, yes, with TLS).
      'disable_plaintext_auth = no',
      'hostname = localhost',
      // What an operator would turn on to see why a login fails, so that a password there would show.
      'auth_verbose = yes',
      'verbose_proctitle = yes',
      'mail_location = maildir:~/Maildir',
      'userdb {',
      '  driver = static',
      `  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${path.join(dir, 'home')}/%u`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      `    port = ${imapPort}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      'service pop3-login {',
      '  inet_listener pop3 {',
      `    port = ${pop3Port}`,
      '  }',
      '  inet_listener pop3s {',
      '    port = 0',
      '  }',
      '}',
      'service submission-login {',
      '  inet_listener submission {',
      `    port = ${submissionPort}`,
      '  }',
      '}',
      'submission_relay_host = 127.0.0.1',
      `submission_relay_port = ${options.relayPort}`,
      `!include ${path.join(dir, 'auth-app-passwords.conf.ext')}`,
      '',
    ].join('\n'),
  );

  return { imapPort, pop3Port, submissionPort, scriptPath };
}

async function waitUntilListening(child: ChildProcess, exited: Promise<void>, ports: number[], failed: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (const port of ports) {
    while (!(await accepts(port))) {
      if (gone || Date.now() > deadline) {
        killGroup(child, 'SIGKILL');
        throw new Error(`Dovecot did not start (${gone ? `it exited with ${child.exitCode}` : 'timed out'}):\n${failed()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export interface SmtpMessage {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpSink {
  port: number;
  /** Every message relayed to it, oldest first. */
  messages: SmtpMessage[];
  close(): Promise<void>;
}

/**
 * The relay behind Dovecot's submission service: a minimal SMTP server on
 * 127.0.0.1 that accepts every message and keeps it. Enough for Dovecot,
 * which connects to it once a client has authenticated.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpMessage[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffer = '';
    let message: SmtpMessage | undefined;
    let inData = false;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink ESMTP');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          message!.data = buffer.slice(0, end + 2).replace(/^\.\./gm, '.');
          messages.push(message!);
          buffer = buffer.slice(end + 5);
          inData = false;
          message = undefined;
          reply('250 2.0.0 Kept');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') reply('250-sink\r\n250-8BITMIME\r\n250 PIPELINING');
        else if (verb === 'HELO' || verb === 'NOOP' || verb === 'RSET') reply('250 2.0.0 OK');
        else if (verb === 'MAIL') {
          message = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [], data: '' };
          reply('250 2.1.0 OK');
        } else if (verb === 'RCPT' && message) {
          message.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 2.1.5 OK');
        } else if (verb === 'DATA' && message) {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'QUIT') {
          reply('221 2.0.0 Bye');
          socket.end();
        } else reply('502 5.5.2 Not here');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface CurlResult {
  /** curl's exit code: 0 done, 67 login denied. */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * curl as a mail app would use it, with `name:password` in the config it
 * reads from its standard input (`-K -`), so that the password is on no
 * command line, and from the client address `from` (any 127.x.y.z).
 */
export function curlWithUser(url: string, from: string, name: string, password: string, args: string[] = []): Promise<CurlResult> {
  const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return new Promise((resolve, reject) => {
    const child = spawn(
      requirementPath('curl'),
      ['--silent', '--show-error', '--max-time', '20', '--interface', from, '-K', '-', ...args],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(`url = ${quote(url)}\nuser = ${quote(`${name}:${password}`)}\n`);
  });
}

/**
 * `a1 LOGIN name password` then `a2 LOGOUT` on a fresh connection from
 * `from`; resolves with the server's tagged answer to LOGIN (`a1 OK …`,
 * `a1 NO [AUTHENTICATIONFAILED] …`, `a1 NO [UNAVAILABLE] …`).
 */
export function imapLogin(port: number, from: string, name: string, password: string): Promise<string> {
  const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    let buffer = '';
    let sent = false;
    let answer: string | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let eol: number;
      while ((eol = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        if (!sent && line.startsWith('* OK')) {
          sent = true;
          socket.write(`a1 LOGIN ${quote(name)} ${quote(password)}\r\n`);
        } else if (line.startsWith('a1 ')) {
          answer = line;
          if (line.startsWith('a1 OK')) socket.write('a2 LOGOUT\r\n');
          else socket.end();
        } else if (line.startsWith('a2 ')) socket.end();
      }
    });
    socket.once('error', reject);
    socket.once('close', () =>
      answer === undefined ? reject(new Error(`IMAP closed before answering LOGIN: ${buffer}`)) : resolve(answer),
    );
  });
}
