/**
 * What the tests run besides Node and PostgreSQL: a browser for the console
 * tests, nginx and Caddy for the tests of the reverse-proxy snippets in
 * integrations/, Dovecot and Radicale for the mail and calendar
 * integrations. Each requirement says where it may already be and which
 * Debian package provides it.
 * `pnpm test` (support/ensure-requirements.ts) finds them all before any
 * test runs, installs the missing ones in one apt-get call where it can (as
 * root, with apt-get), and otherwise stops with the command that installs
 * them. The tests themselves ask `requirementPath(name)`.
 *
 * Deciding is pure (`findRequirement`, `planRequirements`: environment,
 * platform and file checks come in as arguments); only `installWithAptGet`
 * and `currentSystem` touch the machine.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Requirement {
  name: string;
  /** Who needs it, for the messages. */
  usedBy: string;
  /** Names the file to use; when set, nothing else is tried. */
  env: string;
  /** Commands looked up on PATH, in this order. */
  commands?: readonly string[];
  /** Then these files, per platform; a leading `~` is the home directory. */
  paths?: Partial<Record<NodeJS.Platform, readonly string[]>>;
  /** A file that is loaded, not run (found when it exists rather than when it is executable). */
  file?: boolean;
  /** Debian's packages that provide it. */
  debian: readonly string[];
  /** `brew install` arguments, where Homebrew has it. */
  brew?: string;
  /** System services its Debian packages would start; the install leaves them stopped and disabled. */
  services?: readonly string[];
}

const BROWSER_APPS = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome'];

export const REQUIREMENTS: readonly Requirement[] = [
  {
    name: 'chromium',
    usedBy: 'the console tests in test/e2e and pnpm bench',
    env: 'CHROMIUM_PATH',
    commands: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'],
    paths: { darwin: [...BROWSER_APPS.map((app) => `/Applications/${app}`), ...BROWSER_APPS.map((app) => `~/Applications/${app}`)] },
    debian: ['chromium'],
    brew: '--cask chromium',
  },
  {
    name: 'nginx',
    usedBy: 'the nginx snippet test',
    env: 'NGINX_PATH',
    commands: ['nginx'],
    // Debian keeps it in /usr/sbin, which is on root's PATH only.
    paths: { linux: ['/usr/sbin/nginx', '/usr/local/sbin/nginx'], darwin: ['/opt/homebrew/bin/nginx', '/usr/local/bin/nginx'] },
    debian: ['nginx-light'],
    brew: 'nginx',
    services: ['nginx'],
  },
  {
    name: 'nginx-headers-more',
    usedBy: 'the nginx snippet, which strips X-Auth-* with its more_clear_input_headers',
    env: 'NGINX_HEADERS_MORE_MODULE',
    paths: {
      linux: [
        '/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so',
        '/usr/lib64/nginx/modules/ngx_http_headers_more_filter_module.so',
      ],
    },
    file: true,
    debian: ['libnginx-mod-http-headers-more-filter'],
  },
  {
    name: 'caddy',
    usedBy: 'the Caddy snippet test',
    env: 'CADDY_PATH',
    commands: ['caddy'],
    debian: ['caddy'],
    brew: 'caddy',
    services: ['caddy', 'caddy-api'],
  },
  {
    name: 'dovecot',
    usedBy: 'the Dovecot integration test (IMAP, POP3, and SMTP AUTH through its submission service)',
    env: 'DOVECOT_PATH',
    commands: ['dovecot'],
    // Debian keeps it in /usr/sbin, which is on root's PATH only.
    paths: { linux: ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'] },
    debian: ['dovecot-imapd', 'dovecot-submissiond'],
    services: ['dovecot'],
  },
  {
    name: 'dovecot-pop3',
    usedBy: 'the Dovecot integration test (POP3)',
    env: 'DOVECOT_POP3_PATH',
    // Dovecot runs it itself; the package puts it beside its other services.
    paths: { linux: ['/usr/lib/dovecot/pop3'] },
    file: true,
    debian: ['dovecot-pop3d'],
  },
  {
    name: 'curl',
    usedBy: 'the Dovecot and Radicale integration tests (the mail and calendar client, and the Dovecot script itself)',
    env: 'CURL_PATH',
    commands: ['curl'],
    debian: ['curl'],
    brew: 'curl',
  },
  {
    name: 'radicale',
    usedBy: 'the Radicale (CalDAV/CardDAV) behind nginx integration test',
    env: 'RADICALE_PATH',
    commands: ['radicale'],
    debian: ['radicale'],
    services: ['radicale'],
  },
];

/** The machine, as the finder sees it. */
export interface System {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  isRoot: boolean;
  /** A regular file this user may run. */
  isExecutable(file: string): boolean;
  /** A regular file. */
  exists(file: string): boolean;
}

/** Where a requirement is: its variable's file, else the first command on PATH, else the first known location; undefined if none. */
export function findRequirement(requirement: Requirement, system: System): string | undefined {
  const usable = (file: string) => (requirement.file ? system.exists(file) : system.isExecutable(file));
  const named = system.env[requirement.env];
  if (named) return usable(named) ? named : undefined;
  for (const command of requirement.commands ?? []) {
    const file = onPath(command, system);
    if (file) return file;
  }
  const home = system.env.HOME;
  for (const candidate of requirement.paths?.[system.platform] ?? []) {
    if (candidate.startsWith('~/') && !home) continue;
    const file = candidate.startsWith('~/') ? path.join(home!, candidate.slice(2)) : candidate;
    if (usable(file)) return file;
  }
  return undefined;
}

/** The first executable `command` in the directories of PATH. */
function onPath(command: string, system: System): string | undefined {
  for (const dir of (system.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    if (system.isExecutable(file)) return file;
  }
  return undefined;
}

export type Plan =
  | { action: 'ready'; found: Map<string, string> }
  | { action: 'install'; found: Map<string, string>; missing: Requirement[]; packages: string[] }
  | { action: 'stop'; found: Map<string, string>; missing: Requirement[]; message: string };

/**
 * What to do about `requirements` on `system`: nothing (all found), install
 * the missing ones with apt-get (root with apt-get, and no variable names a
 * file that is not there), or stop with one line that says what to install
 * and how.
 */
export function planRequirements(requirements: readonly Requirement[], system: System): Plan {
  const found = new Map<string, string>();
  const missing: Requirement[] = [];
  for (const requirement of requirements) {
    const file = findRequirement(requirement, system);
    if (file) found.set(requirement.name, file);
    else missing.push(requirement);
  }
  if (missing.length === 0) return { action: 'ready', found };

  const misnamed = missing.filter((r) => system.env[r.env]);
  if (misnamed.length > 0) {
    const what = misnamed.map((r) => `${r.env}=${system.env[r.env]} is not ${r.file ? 'a file' : 'an executable file'} (${r.usedBy})`);
    return { action: 'stop', found, missing, message: `pnpm test: ${what.join('; ')}.` };
  }

  const packages = [...new Set(missing.flatMap((r) => r.debian))];
  const aptGet = system.platform === 'linux' && onPath('apt-get', system) !== undefined;
  if (aptGet && system.isRoot) return { action: 'install', found, missing, packages };

  const names = missing.map((r) => `${r.name} (${r.usedBy})`).join(', ');
  const variables = missing.map((r) => r.env).join(', ');
  return {
    action: 'stop',
    found,
    missing,
    message: `pnpm test needs ${names}, not found on this machine. ${installAdvice(missing, packages, system, aptGet)}, or set ${variables} to your own.`,
  };
}

function installAdvice(missing: Requirement[], packages: string[], system: System, aptGet: boolean): string {
  if (aptGet) return `Install with: sudo apt-get install -y ${packages.join(' ')}`;
  if (system.platform === 'darwin') {
    const casks = missing.filter((r) => r.brew?.startsWith('--cask ')).map((r) => r.brew!.slice('--cask '.length));
    const formulas = missing.filter((r) => r.brew && !r.brew.startsWith('--cask ')).map((r) => r.brew!);
    const commands = [
      ...(casks.length ? [`brew install --cask ${casks.join(' ')}`] : []),
      ...(formulas.length ? [`brew install ${formulas.join(' ')}`] : []),
    ];
    const unbrewed = missing.filter((r) => !r.brew).map((r) => r.name);
    return [
      ...(commands.length ? [`Install with: ${commands.join(' && ')}`] : []),
      ...(unbrewed.length ? [`Homebrew has no ${unbrewed.join(', ')}: install it yourself`] : []),
    ].join('; ');
  }
  return `Install with your package manager (Debian's packages: ${packages.join(' ')})`;
}

/** This machine. */
export function currentSystem(): System {
  const isFile = (file: string) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  return {
    env: process.env,
    platform: process.platform,
    isRoot: process.getuid?.() === 0,
    exists: isFile,
    isExecutable: (file) => {
      if (!isFile(file)) return false;
      try {
        accessSync(file, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Where a requirement is on this machine, for a test to run it; throws the line that says how to get it. */
export function requirementPath(name: string): string {
  const requirement = REQUIREMENTS.find((r) => r.name === name);
  if (!requirement) throw new Error(`No test requirement named ${name}`);
  const plan = planRequirements([requirement], currentSystem());
  if (plan.action === 'ready') return plan.found.get(name)!;
  const advice = plan.action === 'stop' ? plan.message : `As root, pnpm test installs it: apt-get install ${plan.packages.join(' ')}.`;
  throw new Error(`${name} not found. ${advice}`);
}

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * Installs Debian packages in one quiet apt-get call (after apt-get update).
 * No package starts a system service: while it runs, policy-rc.d (Debian's
 * switch for this) refuses every start unless the machine already has one,
 * and the services of `services` are disabled afterwards so that none starts
 * at the next boot either (nginx would otherwise listen on port 80). Throws
 * with apt-get's output when it fails.
 */
export function installWithAptGet(packages: readonly string[], services: readonly string[]): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy)
    writeFileSync(POLICY_RC_D, '#!/bin/sh\n# pnpm test is installing packages: start no services.\nexit 101\n', { mode: 0o755 });
  try {
    run('apt-get', ['update', '-qq'], env);
    run('apt-get', ['install', '-y', '-qq', ...packages], env);
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  for (const service of services) {
    if (existsSync('/run/systemd/system'))
      spawnSync('systemctl', ['disable', '--now', '--quiet', `${service}.service`], { stdio: 'ignore' });
    else if (existsSync(`/etc/init.d/${service}`)) spawnSync('update-rc.d', [service, 'disable'], { stdio: 'ignore' });
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`,
    );
  }
}
