/**
 * AuditAction as GraphQL shows it: each value with what it records and the details it
 * carries. Imported for its registration by the audit log's types; the values
 * themselves are the audit module's (audit-event.entity.ts).
 */
import { registerEnumType } from 'type-graphql';
import { AuditAction } from '../audit/audit-event.entity.js';

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What an audit entry records. Its value in AuditEntry.action is given first.',
  valuesConfig: {
    APP_PASSWORD_CREATED: { description: 'app_password.created: a user created an app password.' },
    APP_PASSWORD_DELETED: { description: 'app_password.deleted: a user deleted one of their app passwords.' },
    APP_PASSWORD_REVOKED: {
      description:
        'app_password.revoked: an app password was deleted other than by its owner: by an admin or API token, a policy change, a password change or a two-step reset.',
    },
    USER_DISABLED: { description: 'user.disabled: an admin disabled a user.' },
    USER_ENABLED: { description: 'user.enabled: an admin enabled a user again.' },
    API_TOKEN_CREATED: { description: 'api_token.created: an admin created an API token.' },
    API_TOKEN_REVOKED: { description: 'api_token.revoked: an admin revoked an API token.' },
    TENANT_CREATED: { description: 'tenant.created: an operator created the tenant.' },
    TENANT_POLICY_UPDATED: { description: 'tenant_policy.updated: the policy changed; details has before and after.' },
    USER_CREATED: { description: 'user.created: a user was created.' },
    USER_PASSWORD_CHANGED: { description: 'user.password_changed: a user changed their primary password.' },
    TWO_STEP_ENABLED: { description: 'two_step.enabled: a user set up an authenticator app.' },
    TWO_STEP_REMOVED: { description: 'two_step.removed: a user removed their two-step verification.' },
    TWO_STEP_RESET: { description: "two_step.reset: an admin reset a user's two-step verification." },
    RECOVERY_CODES_REGENERATED: { description: 'two_step.recovery_codes_regenerated: a user made new recovery codes.' },
    RECOVERY_CODE_USED: { description: 'two_step.recovery_code_used: a user signed in with a recovery code.' },
    USER_SIGN_IN_BLOCKED: {
      description:
        'user.sign_in_blocked: too many failed sign-ins for a user from unknown devices; those stop for a while (details: method, blockedForSeconds).',
    },
    APP_PASSWORD_RENAMED: { description: 'app_password.renamed: its owner renamed an app password (details: before, after).' },
    APP_PASSWORD_SERVICES_LIMITED: {
      description: 'app_password.services_limited: the services an app password may be used for were narrowed (details: before, after).',
    },
    APP_PASSWORD_NETWORKS_CHANGED: {
      description: 'app_password.networks_changed: the networks an app password may be used from changed (details: before, after).',
    },
    APP_PASSWORD_USED_FROM_NEW_NETWORK: {
      description:
        'app_password.used_from_new_network: an app password signed an app in from a network (/24 or /64) it was not used from in the last 90 days (details: network).',
    },
    APP_PASSWORD_ROTATED: {
      description:
        'app_password.rotated: its owner gave an app password a new secret; the previous one works until the new one is first used, at most until overlapEndsAt (details: overlapEndsAt, replacedUnusedSecret).',
    },
    APP_PASSWORD_ROTATION_FINISHED: {
      description:
        "app_password.rotation_finished: a rotated app password's previous secret stopped working, recorded by the server (details: reason, new_secret_used or overlap_ended).",
    },
    SERVICE_ADDED: { description: "service.added: an admin added a service to the tenant's list (details: key, nameEn, nameNl)." },
    SERVICE_RENAMED: { description: 'service.renamed: an admin renamed a service (details: key, before, after).' },
    SERVICE_REMOVED: {
      description: 'service.removed: an admin removed a service; no app password has it any more (details: key, appPasswordsChanged).',
    },
    USER_DELETED: {
      description: 'user.deleted: a user was deleted, their app passwords and sessions with them (details: email, displayName).',
    },
    USER_ROLE_CHANGED: { description: "user.role_changed: a user's role changed (details: from, to)." },
    USER_RENAMED: { description: "user.renamed: a user's sign-in name changed (details: from, to)." },
    USER_UPDATED: { description: "user.updated: a user's display name or external id changed (details: what changed, before and after)." },
    APP_PASSWORD_UNUSED_NOTICE: {
      description:
        'app_password.unused_notice: the daily clean-up told the owner that an unused app password will be revoked under the ' +
        "tenant's revokeUnusedAfterDays unless used before (details: revokeOn, a UTC date; unusedDays; revokeUnusedAfterDays). " +
        "The revocation is app_password.revoked with reason 'unused'.",
    },
    APP_PASSWORD_EXPIRING: {
      description:
        'app_password.expiring: the daily job reminded the owner that an app password expires soon (details: expiresAt; ' +
        'daysLeft, 14 or 3: which reminder).',
    },
    IDENTITY_PROVIDER_CONFIGURED: {
      description:
        'identity_provider.configured: an admin set up or changed single sign-on; details has the configuration (never the client secret).',
    },
    IDENTITY_PROVIDER_REMOVED: { description: 'identity_provider.removed: an admin removed single sign-on.' },
    WEBHOOK_ENDPOINT_CREATED: {
      description: 'webhook_endpoint.created: an admin added a webhook endpoint (details: endpointId, url, events).',
    },
    WEBHOOK_ENDPOINT_UPDATED: {
      description: 'webhook_endpoint.updated: an admin changed a webhook endpoint (details: endpointId, before, after).',
    },
    WEBHOOK_ENDPOINT_DELETED: { description: 'webhook_endpoint.deleted: an admin removed a webhook endpoint (details: endpointId, url).' },
    WEBHOOK_SECRET_ROTATED: {
      description:
        "webhook_endpoint.secret_rotated: an admin replaced a webhook endpoint's signing secret (details: endpointId, previousSecretUntil).",
    },
    WEBHOOK_DELIVERY_RESENT: {
      description: 'webhook_delivery.resent: an admin sent a webhook delivery again (details: endpointId, deliveryId, eventType).',
    },
    USER_LANGUAGE_CHANGED: {
      description: 'user.language_changed: a user chose the language of their console and mails (details: before, after: en or nl).',
    },
  },
});
