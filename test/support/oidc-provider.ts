import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killGroup, spawnGroup } from './child-processes.js';
import type { OidcTestProviderConfig, TestAccount } from './oidc-provider-process.js';

export type { TestAccount };

const testDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface RunningOidcProvider {
  issuer: string;
  /** The process's stderr so far (for a failing test's message). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `support/oidc-provider-process.ts` as a process of its own (compiled
 * by swc as it starts) and waits for the issuer it prints. Stopped with
 * SIGTERM, SIGKILL after 5 s; killed with the worker like every child process.
 */
export async function startOidcProvider(config: OidcTestProviderConfig): Promise<RunningOidcProvider> {
  const child: ChildProcess = spawnGroup(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', path.join(testDir, 'support/oidc-provider-process.ts')],
    { cwd: testDir, env: { ...process.env, OIDC_TEST_PROVIDER: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const issuer = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`The OpenID provider did not start in 30 s:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The OpenID provider exited (${code}):\n${stderr}`));
    });
  });
  return {
    issuer,
    output: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        killGroup(child, 'SIGTERM');
      }),
  };
}
