import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { WEBHOOK_EVENTS, type WebhookEventName } from './webhook-events.js';

/** GraphQL's names for the events (no dots in an enum value), each standing for its event name. */
export const WebhookEvent = Object.fromEntries(WEBHOOK_EVENTS.map((e) => [e.event.toUpperCase().replace(/[.]/g, '_'), e.event])) as Record<
  string,
  WebhookEventName
>;

registerEnumType(WebhookEvent, {
  name: 'WebhookEvent',
  description: "An event an endpoint can subscribe to. Its name in the payload's `type` is given first.",
  valuesConfig: {
    APP_PASSWORD_CREATED: { description: 'app_password.created: a user created an app password.' },
    APP_PASSWORD_DELETED: { description: 'app_password.deleted: a user deleted one of their app passwords.' },
    APP_PASSWORD_REVOKED: {
      description: 'app_password.revoked: an app password was deleted by someone else or the server (details: reason).',
    },
    APP_PASSWORD_EXPIRING: { description: 'app_password.expiring: an app password expires soon (details: expiresAt, daysLeft).' },
    APP_PASSWORD_USED_FROM_NEW_NETWORK: {
      description: 'app_password.used_from_new_network: an app password was used from a network new to it (details: network).',
    },
    APP_PASSWORD_ROTATED: { description: "app_password.rotated: an app password's secret was replaced (details: overlapEndsAt)." },
    TENANT_POLICY_CHANGED: { description: 'tenant_policy.changed: the tenant policy changed (details: before, after).' },
    USER_DISABLED: { description: 'user.disabled: an admin disabled a user.' },
    SIGN_IN_THROTTLED: { description: 'sign_in.throttled: sign-ins of a user stop for a while (details: method, blockedForSeconds).' },
  },
});

/** Where a tenant's events are posted. The signing secret is stored sealed with the server key and is never a field. */
@Entity({ name: 'webhook_endpoints' })
@ObjectType({ description: "An integrator's HTTPS endpoint that receives the tenant's events, signed (Standard Webhooks)." })
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID, { description: 'Identifies the endpoint.' })
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  @Field(() => String, { description: 'Where events are posted (HTTPS).' })
  url!: string;

  @Column({ type: 'text' })
  @Field(() => String, { description: 'What it is for, as the admin wrote it (may be empty).' })
  description!: string;

  @Column({ type: 'text', array: true })
  @Field(() => [WebhookEvent], { description: 'The events it receives.' })
  events!: WebhookEventName[];

  @Column({ type: 'boolean' })
  @Field(() => Boolean, { description: 'Off: no new deliveries are made for it; those already made still go.' })
  enabled!: boolean;

  @Column({ name: 'secret_sealed', type: 'bytea', select: false })
  secretSealed!: Buffer;

  @Column({ name: 'previous_secret_sealed', type: 'bytea', nullable: true, select: false })
  previousSecretSealed!: Buffer | null;

  @Column({ name: 'previous_secret_until', type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'After a rotation: until when deliveries are signed with the previous secret too (null: only the current one).',
  })
  previousSecretUntil!: Date | null;

  @Column({ name: 'secret_rotated_at', type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the secret was last rotated (null: never).' })
  secretRotatedAt!: Date | null;

  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  @Field(() => Date, {
    nullable: true,
    description: 'Set when a delivery failed for good (24 hours of retries); cleared by the next successful delivery.',
  })
  failingSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  @Field(() => Date, { description: 'When it was added.' })
  createdAt!: Date;
}
