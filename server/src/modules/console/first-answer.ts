import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GraphQLRequest, GraphQLResponse } from '@apollo/server';
import type express from 'express';
import { Kind, parse } from 'graphql';
import type { Actor, Context, RequestInfo } from '../../common/context.js';
import type { Logger } from '../../common/logger.js';
import { requestLocals } from '../operations/http-requests.js';

/**
 * What the console's build says about its first request (web/vite.config.ts
 * writes it to `first-request.json`): on a page load of one of `paths`, the
 * console's first request is exactly `body` (the router's guard asking for
 * the viewer and their security info), byte for byte as its client sends it.
 */
export interface FirstRequest {
  paths: ReadonlySet<string>;
  body: string;
  request: GraphQLRequest;
}

/** The answer to the first request for this page load's caller, as /graphql would send it; undefined when there is none to give. */
export type AnswerFirstRequest = (req: express.Request, res: express.Response, request: GraphQLRequest) => Promise<string | undefined>;

const FILE = 'first-request.json';

let read: { text: string; made: FirstRequest | null } | undefined;

/**
 * The build's first request, or null when the build names none (an older
 * build, `pnpm dev`) or names something a page load may not run. Only a
 * query: a page load is a GET that any site can start with the user's
 * cookie (SameSite=Lax), so it must never change anything.
 */
export async function readFirstRequest(distDir: string): Promise<FirstRequest | null> {
  let text: string;
  try {
    text = await readFile(path.join(distDir, FILE), 'utf8');
  } catch {
    return null;
  }
  if (read?.text !== text) read = { text, made: firstRequestFrom(text) };
  return read.made;
}

function firstRequestFrom(text: string): FirstRequest | null {
  try {
    const { paths, body } = JSON.parse(text) as { paths?: unknown; body?: unknown };
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string') || typeof body !== 'string') return null;
    const request = JSON.parse(body) as GraphQLRequest;
    if (typeof request.query !== 'string') return null;
    const document = parse(request.query);
    const onlyQueries = document.definitions.every((d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === 'query');
    if (!onlyQueries) return null;
    return { paths: new Set(paths), body, request };
  } catch {
    return null;
  }
}

/**
 * JSON as the text of a `<script type="application/json">` element: every
 * `<`, `>` and `&` (only ever inside strings) as a \u escape, so no text in
 * it can close the element or open a comment, and the line separators
 * JavaScript once refused. JSON.parse reads it back unchanged.
 */
export function jsonForScriptElement(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The id of the element carrying the answer (web/src/graphql/first-request.ts reads it). */
export const FIRST_ANSWER_ID = 'first-answer';

/** The element, empty string when there is no answer. */
export function firstAnswerElement(answer: string | undefined): string {
  return answer === undefined ? '' : `<script type="application/json" id="${FIRST_ANSWER_ID}">${jsonForScriptElement(answer)}</script>`;
}

/** Who sends a GraphQL request, and what their session lookup read beside it (the security-info page's statement). */
export interface GraphQLCaller {
  actor: Actor | null;
  /** Where the request came from (address, user agent), as the request's context carries it. */
  request: RequestInfo;
  carried?: Context['carried'];
}

export interface FirstAnswerSources {
  /** Who would send `request`, exactly as /graphql finds out; throws when that cannot be known (the database away). */
  identifyCaller: (req: express.Request, request: GraphQLRequest) => Promise<GraphQLCaller>;
  /** Runs `request` as /graphql would for `caller`: the same schema, plugins, transaction and error masking. */
  execute: (request: GraphQLRequest, req: express.Request, res: express.Response, caller: GraphQLCaller) => Promise<GraphQLResponse>;
  logger: Logger;
}

/**
 * The answer a page load carries: for a console session only (a cookie
 * that names a live session; never for an app's Basic credentials or an
 * API token, which no page load sends), and only an answer without errors.
 * Anything else (no session, an error, the database away) gives no answer,
 * and the console then sends the request itself and meets the same outcome
 * there, where it is handled as always.
 */
export function createAnswerFirstRequest(sources: FirstAnswerSources): AnswerFirstRequest {
  return async (req, res, request) => {
    try {
      const caller = await sources.identifyCaller(req, request);
      if (caller.actor?.signedInWith !== 'session') return undefined;
      const { body } = await sources.execute(request, req, res, caller);
      if (body.kind !== 'single' || body.singleResult.errors?.length || !body.singleResult.data) return undefined;
      return JSON.stringify(body.singleResult);
    } catch (error) {
      (requestLocals(res).log ?? sources.logger).warn({ err: error }, 'No first answer for the page load');
      return undefined;
    }
  };
}
