import { ArrayMaxSize, ArrayMinSize, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WEBHOOK_DESCRIPTION_MAX_LENGTH, WEBHOOK_URL_MAX_LENGTH } from '@app-passwords/schema';
import { WebhookEndpoint, WebhookEvent } from './webhook-endpoint.entity.js';
import { WEBHOOK_EVENTS, type WebhookEventName } from './webhook-events.js';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its turn, in flight, or to be tried again.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Given up after 24 hours of retries; can be sent again.' },
  },
});

@ObjectType({ description: 'One event posted (or to be posted) to one endpoint.' })
export class WebhookDelivery {
  @Field(() => ID, { description: 'Identifies the delivery, e.g. for resendWebhookDelivery.' })
  id!: string;

  @Field(() => String, { description: 'The webhook-id header the receiver gets: the same on every attempt, for deduplication.' })
  messageId!: string;

  @Field(() => WebhookEvent, { description: 'The event.' })
  event!: WebhookEventName;

  @Field(() => Date, { description: 'When the event happened and the delivery was made.' })
  createdAt!: Date;

  @Field(() => WebhookDeliveryStatus, { description: 'Where it stands.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'POSTs so far.' })
  attempts!: number;

  @Field(() => Date, { nullable: true, description: 'When the last POST ended (null: none yet).' })
  lastAttemptAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The HTTP status of the last answer (null: none, e.g. a timeout or a refused connection).',
  })
  responseStatus!: number | null;

  @Field(() => Int, { nullable: true, description: 'How long the last POST took, in milliseconds.' })
  durationMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last POST failed, in a few words (null: it did not).' })
  error!: string | null;

  @Field(() => Date, { nullable: true, description: 'While pending: when it is tried next.' })
  nextAttemptAt!: Date | null;
}

const EVENT_COUNT = WEBHOOK_EVENTS.length;

@InputType({ description: 'A new webhook endpoint; the server generates its signing secret.' })
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: `Where to post: https://… (1–${WEBHOOK_URL_MAX_LENGTH} characters).` })
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @Field(() => String, {
    nullable: true,
    defaultValue: '',
    description: `What it is for (0–${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters).`,
  })
  @MaxLength(WEBHOOK_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @Field(() => [WebhookEvent], { description: 'The events it receives: at least one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_COUNT)
  events!: WebhookEventName[];
}

@InputType({ description: 'Changes to a webhook endpoint; what is left out stays.' })
export class UpdateWebhookEndpointInput {
  @Field(() => ID, { description: 'The endpoint.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'A new URL (https://…).' })
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @Field(() => String, { nullable: true, description: 'A new description.' })
  @MaxLength(WEBHOOK_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @Field(() => [WebhookEvent], { nullable: true, description: 'The events it receives from now on: at least one.' })
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_COUNT)
  events?: WebhookEventName[];

  @Field(() => Boolean, { nullable: true, description: 'Off: no new deliveries for it.' })
  enabled?: boolean;
}

@ObjectType({ description: 'The new webhook endpoint with its signing secret, shown only here.' })
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint.' })
  webhookEndpoint!: WebhookEndpoint;

  @Field(() => String, { description: 'The signing secret (whsec_…). Returned only here, never again.' })
  secret!: string;
}

@ObjectType({ description: 'The endpoint with its new signing secret, shown only here.' })
export class RotateWebhookSecretPayload {
  @Field(() => WebhookEndpoint, { description: 'The endpoint; previousSecretUntil says until when the old secret signs too.' })
  webhookEndpoint!: WebhookEndpoint;

  @Field(() => String, { description: 'The new signing secret (whsec_…). Returned only here, never again.' })
  secret!: string;
}

@ObjectType({ description: 'What deleteWebhookEndpoint did.' })
export class DeleteWebhookEndpointPayload {
  @Field(() => ID, { description: 'The endpoint that no longer receives anything.' })
  deletedId!: string;
}

@ArgsType()
export class WebhookEndpointIdArgs {
  @Field(() => ID, { description: 'The endpoint.' })
  id!: string;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => ID, { description: 'The endpoint.' })
  endpointId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'How many, newest first: 1–100.' })
  @Min(1)
  @Max(100)
  first?: number;
}

@ArgsType()
export class WebhookDeliveryIdArgs {
  @Field(() => ID, { description: 'The delivery.' })
  id!: string;
}
