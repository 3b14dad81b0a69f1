import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { performance } from 'node:perf_hooks';
import { generateSync } from 'otplib';
import type { Credential } from './sign-in.js';

const OPERATIONS_DIR = fileURLToPath(new URL('../../schema/operations/', import.meta.url));

/**
 * One of the console's operations (schema/operations/*.graphql) with the
 * fragments it spreads, as a document: the bench sends exactly what the
 * console sends.
 */
export function consoleOperation(name: string): DocumentNode {
  const definitions: DefinitionNode[] = readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => parse(readFileSync(`${OPERATIONS_DIR}${file}`, 'utf8')).definitions);
  const fragments = new Map(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const operation = definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name);
  if (!operation) throw new Error(`No operation ${name} in schema/operations.`);
  const needed = new Map<string, FragmentDefinitionNode>();
  const queue: DefinitionNode[] = [operation];
  while (queue.length > 0) {
    visit(queue.pop()!, {
      FragmentSpread(node) {
        if (needed.has(node.name.value)) return;
        const fragment = fragments.get(node.name.value)!;
        needed.set(node.name.value, fragment);
        queue.push(fragment);
      },
    });
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...needed.values()] };
}

/** JSON POSTs to /graphql with a session cookie, as the console sends them. */
export class BenchClient {
  private constructor(
    readonly baseUrl: string,
    readonly cookie: string,
  ) {}

  /**
   * Signs in through the console's SignIn mutation (and CompleteSignIn with a
   * code, for an admin with an authenticator app) and keeps the session cookie.
   */
  static async signIn(baseUrl: string, { email, password, totpSecret }: Credential): Promise<BenchClient> {
    const response = await post(baseUrl, undefined, print(consoleOperation('SignIn')), { input: { email, password } });
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`Signing in as ${email} set no cookie: ${await response.text()}`);
    const { data } = await response.json();
    if (!data?.signIn.twoStepRequired) return new BenchClient(baseUrl, cookie);
    if (!totpSecret) throw new Error(`${email} needs a code from an authenticator app to sign in.`);
    // A code works once: when this step's code was used already (an earlier sign-in), the next step's does.
    for (const step of [0, 1]) {
      const code = generateSync({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + step * 30 });
      const completed = await post(baseUrl, cookie, print(consoleOperation('CompleteSignIn')), { input: { code } });
      const session = completed.headers.get('set-cookie')?.split(';')[0];
      await completed.text();
      if (session) return new BenchClient(baseUrl, session);
    }
    throw new Error(`Signing in as ${email}: the authenticator app's codes were refused.`);
  }

  /** `data` of an operation that must succeed; throws with the errors otherwise. */
  async request<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await post(this.baseUrl, this.cookie, query, variables);
    const body = await response.text();
    const json = body.startsWith('{') ? JSON.parse(body) : {};
    if (response.status !== 200 || json.errors) throw new Error(`GraphQL answered ${response.status}: ${body.slice(0, 500)}`);
    return json.data as T;
  }

  /** Like request, and how long it took from sending to the whole response parsed, in ms. */
  async timed<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<{ data: T; ms: number }> {
    const start = performance.now();
    const data = await this.request<T>(query, variables);
    return { data, ms: performance.now() - start };
  }
}

function post(baseUrl: string, cookie: string | undefined, query: string, variables: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query, variables }),
  });
}
