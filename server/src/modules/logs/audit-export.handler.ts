import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import QueryStream from 'pg-query-stream';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { ApiScope, type Actor } from '../../common/context.js';
import { ADMIN_TWO_STEP_MESSAGE } from '../../common/auth-checker.js';
import { AppError, badInput, forbidden, passwordChangeRequired, twoStepRequired, unauthenticated } from '../../common/errors.js';
import { textProblem, textProblemMessage } from '../../common/text.js';
import { csvRow } from '../../common/csv.js';
import { SqlParams } from '../../common/sql.js';
import { requestLocals } from '../operations/http-requests.js';
import { Role } from '../users/user.entity.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { SignInCredential, SignInOutcome } from '../sign-in/sign-in-log.js';
import { AUDIT_SELECT, auditConditions, SIGN_IN_SELECT, signInConditions } from './audit-log.service.js';

const AUDIT_COLUMNS = [
  'id',
  'occurredAt',
  'action',
  'actorType',
  'actorUserId',
  'actorEmail',
  'actorApiTokenId',
  'targetUserId',
  'targetEmail',
  'appPasswordId',
  'appPasswordName',
  'clientIp',
  'userAgent',
  'details',
] as const;
const SIGN_IN_COLUMNS = [
  'id',
  'occurredAt',
  'outcome',
  'method',
  'signInName',
  'userId',
  'appPasswordId',
  'appPasswordName',
  'clientIp',
  'userAgent',
  'attempts',
  'service',
] as const;

type ResolveActor = (req: Request) => Promise<Actor | null>;

/**
 * `GET /export/audit.csv` and `/export/sign-ins.csv`: the same filters as the
 * GraphQL queries, as query parameters. Rows stream from a server-side cursor
 * through CSV to the client with back-pressure, so memory stays flat however
 * many rows there are. Admins signed in to the console, or API tokens with
 * audit:read.
 */
export function createAuditExportHandlers(db: DataSource, resolveActor: ResolveActor) {
  const exportCsv =
    (kind: 'audit' | 'sign-ins'): RequestHandler =>
    async (req, res) => {
      let actor: Actor | null;
      let sql: string;
      let values: unknown[];
      try {
        actor = await resolveActor(req);
        authorize(actor);
        const q = new SqlParams();
        if (kind === 'audit') {
          const filter = {
            action: text(req.query.action, 'action'),
            actionKind: actionKind(req.query.actionKind),
            actorUserId: text(req.query.actorUserId, 'actorUserId'),
            targetUserId: text(req.query.targetUserId, 'targetUserId'),
            from: date(req.query.from, 'from'),
            to: date(req.query.to, 'to'),
          };
          sql = `${AUDIT_SELECT} WHERE ${auditConditions(q, actor.tenantId, filter).join(' AND ')} ORDER BY e.occurred_at, e.id`;
        } else {
          const outcome = text(req.query.outcome, 'outcome');
          if (outcome && !(Object.values(SignInOutcome) as string[]).includes(outcome))
            throw badInput('outcome is not a known outcome.', 'outcome');
          const method = text(req.query.method, 'method');
          if (method && !(Object.values(SignInCredential) as string[]).includes(method))
            throw badInput('method is not a known sign-in method.', 'method');
          const filter = {
            userId: text(req.query.userId, 'userId'),
            appPasswordId: text(req.query.appPasswordId, 'appPasswordId'),
            outcome: outcome as SignInOutcome | undefined,
            method: method as SignInCredential | undefined,
            service: text(req.query.service, 'service'),
            from: date(req.query.from, 'from'),
            to: date(req.query.to, 'to'),
          };
          sql = `${SIGN_IN_SELECT} WHERE ${signInConditions(q, actor.tenantId, filter).join(' AND ')} ORDER BY s.occurred_at, s.id`;
        }
        values = q.values;
      } catch (error) {
        return sendError(res, error);
      }

      const columns = kind === 'audit' ? AUDIT_COLUMNS : SIGN_IN_COLUMNS;
      const runner = db.createQueryRunner();
      let client: PoolClient | undefined;
      try {
        client = (await runner.connect()) as PoolClient;
        // One read-only transaction held to the admin's tenant (row-level security), streamed through a cursor.
        await client.query('BEGIN READ ONLY');
        await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [actor.tenantId]);
        res.status(200);
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="${kind}-${new Date().toISOString().slice(0, 10)}.csv"`);
        res.setHeader('Cache-Control', 'no-store');
        res.write(csvRow(columns));
        const rows = client.query(new QueryStream(sql, values, { batchSize: 1000 }));
        const toCsv = new Transform({
          writableObjectMode: true,
          transform(row: Record<string, unknown>, _encoding, done) {
            done(null, csvRow(columns.map((c) => row[c])));
          },
        });
        await pipeline(rows, toCsv, res);
        await client.query('COMMIT');
      } catch (error) {
        await client?.query('ROLLBACK').catch(() => undefined);
        if (!res.headersSent) return sendError(res, error);
        requestLocals(res).log.error({ err: error }, 'CSV export stopped');
        res.destroy();
      } finally {
        await runner.release();
      }
    };

  return { audit: exportCsv('audit'), signIns: exportCsv('sign-ins') };
}

function authorize(actor: Actor | null): asserts actor is Actor {
  if (!actor) throw unauthenticated();
  if (actor.signedInWith === 'api_token') {
    if (!actor.scopes.includes(ApiScope.AUDIT_READ)) throw forbidden('This API token does not have the audit:read scope.');
    return;
  }
  if (actor.signedInWith === 'app_password' || actor.role !== Role.TENANT_ADMIN) throw forbidden('Only tenant admins can export.');
  if (actor.mustChangePassword) throw passwordChangeRequired();
  if (actor.twoStepRequiredForAdmin) throw twoStepRequired(ADMIN_TWO_STEP_MESSAGE);
}

/** A filter from the query string: the same rule as every text of the API (see text.ts). */
function text(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 200) throw badInput('A filter value is malformed.');
  const problem = textProblem(value);
  if (problem) throw badInput(textProblemMessage(name, problem), name);
  return value;
}

/** `actionKind`, as in GraphQL's AuditFilter: the AuditAction's name (APP_PASSWORD_CREATED), for what it stands for. */
function actionKind(value: unknown): AuditAction | undefined {
  const raw = text(value, 'actionKind');
  if (raw === undefined) return undefined;
  if (!Object.hasOwn(AuditAction, raw)) throw badInput('actionKind is not a known audit action.', 'actionKind');
  return AuditAction[raw as keyof typeof AuditAction];
}

function date(value: unknown, name: string): Date | undefined {
  const raw = text(value, name);
  if (raw === undefined) return undefined;
  const parsed = new Date(raw);
  if (Number.isNaN(parsed.getTime())) throw badInput(`${name} is not a date-time (ISO 8601).`);
  return parsed;
}

const STATUS: Partial<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TWO_STEP_REQUIRED: 403,
  BAD_USER_INPUT: 400,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

function sendError(res: Response, error: unknown): void {
  if (error instanceof AppError) {
    const { http: _http, ...extensions } = error.extensions;
    res.status(STATUS[error.code] ?? 400).json({ errors: [{ message: error.message, extensions }] });
    return;
  }
  throw error;
}
