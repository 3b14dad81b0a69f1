import DataLoader from 'dataloader';
import { Ctx, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { ApiScope, type Context } from '../../common/context.js';
import { forbidden } from '../../common/errors.js';
import { requireActor } from '../../common/require-actor.js';
import { AppPassword } from '../app-passwords/app-password.entity.js';
import { SIGN_IN_COLUMNS } from './audit-log.service.js';
import { SignInEntry } from './audit-log.types.js';

/** How many of an app password's latest checks its history shows. */
export const HISTORY_SIGN_INS = 20;
/** How far back its addresses go. */
export const HISTORY_ADDRESS_DAYS = 90;

@ObjectType({ description: 'An address an app password was used from.', simpleResolvers: true })
export class AppPasswordAddress {
  @Field(() => String, { description: 'The client IP address.' })
  address!: string;

  @Field(() => Date, { description: 'The latest attempt from it.' })
  lastSeenAt!: Date;

  @Field(() => Int, { description: `Attempts from it in the last ${HISTORY_ADDRESS_DAYS} days, failures included.` })
  attempts!: number;
}

interface History {
  signIns: DataLoader<string, SignInEntry[]>;
  addresses: DataLoader<string, AppPasswordAddress[]>;
}

/**
 * An app password's history: its latest checks and the addresses it was
 * used from. Asked for on a list, each is one statement for the whole page
 * (a per-request loader), whatever its length. Whoever sees the app password
 * sees its history (its owner, an admin), except an API token without
 * audit:read, which may not read the sign-in log.
 */
@Resolver(() => AppPassword)
export class AppPasswordHistoryResolver {
  private readonly loaders = new WeakMap<Context, History>();

  @FieldResolver(() => [SignInEntry], {
    description:
      `Its latest ${HISTORY_SIGN_INS} checks, newest first, with address and service: successes, and the failures that are ` +
      "known to be this app password's: its right secret refused (expired, another service or network, switched off) or " +
      'throttled. A wrong secret matches no app password, so it is in the sign-in log but in no app password’s history.',
  })
  async recentSignIns(@Root() appPassword: AppPassword, @Ctx() ctx: Context): Promise<SignInEntry[]> {
    return this.historyOf(ctx, appPassword.tenantId).signIns.load(appPassword.id);
  }

  @FieldResolver(() => [AppPasswordAddress], {
    description: `The addresses it was used from in the last ${HISTORY_ADDRESS_DAYS} days, most recently seen first.`,
  })
  async recentAddresses(@Root() appPassword: AppPassword, @Ctx() ctx: Context): Promise<AppPasswordAddress[]> {
    return this.historyOf(ctx, appPassword.tenantId).addresses.load(appPassword.id);
  }

  private historyOf(ctx: Context, tenantId: string): History {
    const actor = requireActor(ctx);
    if (actor.signedInWith === 'api_token' && !actor.scopes.includes(ApiScope.AUDIT_READ)) {
      throw forbidden(`This API token does not have the ${ApiScope.AUDIT_READ} scope.`);
    }
    let history = this.loaders.get(ctx);
    if (!history) {
      const read = <T>(sql: string, ids: readonly string[]) =>
        ctx.transaction.read(tenantId, (m) => m.query(sql, [tenantId, ids]) as Promise<Array<T & { app_password_id: string }>>);
      const byId = <T>(ids: readonly string[], rows: Array<T & { app_password_id: string }>): T[][] =>
        ids.map((id) => rows.filter((row) => row.app_password_id === id));
      history = {
        signIns: new DataLoader(async (ids) =>
          byId(
            ids,
            await read<SignInEntry>(
              // Each app password's latest entries by the index on (app_password_id, occurred_at), not the whole log.
              `SELECT wanted.id AS app_password_id, ${SIGN_IN_COLUMNS}
                 FROM unnest($2::uuid[]) AS wanted(id)
                 JOIN app_passwords ap ON ap.id = wanted.id AND ap.tenant_id = $1
                 CROSS JOIN LATERAL (
                   SELECT * FROM sign_in_events s
                    WHERE s.tenant_id = $1 AND s.app_password_id = wanted.id
                    ORDER BY s.occurred_at DESC, s.id DESC
                    LIMIT ${HISTORY_SIGN_INS}) s
                ORDER BY s.occurred_at DESC, s.id DESC`,
              ids,
            ),
          ),
        ),
        addresses: new DataLoader(async (ids) =>
          byId(
            ids,
            await read<AppPasswordAddress>(
              `SELECT s.app_password_id, host(s.client_ip) AS address, max(s.occurred_at) AS "lastSeenAt", sum(s.attempts)::int AS attempts
                 FROM sign_in_events s
                WHERE s.tenant_id = $1 AND s.app_password_id = ANY($2::uuid[]) AND s.client_ip IS NOT NULL
                  AND s.occurred_at > now() - interval '${HISTORY_ADDRESS_DAYS} days'
                GROUP BY 1, 2
                ORDER BY 3 DESC`,
              ids,
            ),
          ),
        ),
      };
      this.loaders.set(ctx, history);
    }
    return history;
  }
}
