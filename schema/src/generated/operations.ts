/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** A new service for the tenant's list; app passwords may be used for it from now on (it is allowed). */
export type AddServiceInput = {
  /** Lower-case letters, digits, dots, dashes or underscores, 1–32 characters, new in this tenant. */
  key: string;
  /** Its name in English (1–64 characters). */
  nameEn: string;
  /** Its name in Dutch (1–64 characters). */
  nameNl: string;
};

/** What an API token may do. */
export type ApiScope =
  /** app_passwords:read: the app-password inventory. */
  | 'APP_PASSWORDS_READ'
  /** app_passwords:revoke: revoke app passwords. */
  | 'APP_PASSWORDS_REVOKE'
  /** audit:read: the audit and sign-in logs and their CSV exports. */
  | 'AUDIT_READ'
  /** policy:read: the tenant policy and its preview. */
  | 'POLICY_READ'
  /** scim: an identity provider creating, updating and deleting users over SCIM 2.0 (/scim/v2). Only alone: such a token can do nothing else. */
  | 'SCIM'
  /** users:read: the user list. */
  | 'USERS_READ';

/** All given conditions must hold. */
export type AppPasswordFilter = {
  /** true: allows more services than it was used for in the last 30 days (and is older than that, and was used): limitAppPasswordsToUsedServices would narrow it. */
  allowsMoreThanUsed?: boolean | null | undefined;
  /** Created at or after this time. */
  createdAfter?: string | null | undefined;
  /** Created before this time. */
  createdBefore?: string | null | undefined;
  /** Expires before this time (app passwords without expiry never match). */
  expiresBefore?: string | null | undefined;
  /** With lastUsedBefore: also match app passwords never used. */
  includeNeverUsed?: boolean | null | undefined;
  /** Last used before this time, e.g. 90 days ago for "not used for 90 days". See includeNeverUsed. */
  lastUsedBefore?: string | null | undefined;
  /** Name contains this text, any case. */
  nameContains?: string | null | undefined;
  /** true: only never used; false: only used at least once. */
  neverUsed?: boolean | null | undefined;
  /** Owned by one of these users (at most 10 000). */
  ownerIds?: Array<string | number> | null | undefined;
  /** May be used for this service (its key). */
  service?: string | null | undefined;
};

/** How to sort the app-password inventory. */
export type AppPasswordOrder = {
  /** Which way. */
  direction: OrderDirection;
  /** What to sort by. */
  field: AppPasswordOrderField;
};

/** What the app-password inventory is sorted by. */
export type AppPasswordOrderField =
  /** When it was created. */
  | 'CREATED_AT'
  /** When it last signed an app in. Never-used app passwords sort as the oldest. */
  | 'LAST_USED_AT';

/** What an audit entry records. Its value in AuditEntry.action is given first. */
export type AuditAction =
  /** api_token.created: an admin created an API token. */
  | 'API_TOKEN_CREATED'
  /** api_token.revoked: an admin revoked an API token. */
  | 'API_TOKEN_REVOKED'
  /** app_password.created: a user created an app password. */
  | 'APP_PASSWORD_CREATED'
  /** app_password.deleted: a user deleted one of their app passwords. */
  | 'APP_PASSWORD_DELETED'
  /** app_password.expiring: the daily job reminded the owner that an app password expires soon (details: expiresAt; daysLeft, 14 or 3: which reminder). */
  | 'APP_PASSWORD_EXPIRING'
  /** app_password.networks_changed: the networks an app password may be used from changed (details: before, after). */
  | 'APP_PASSWORD_NETWORKS_CHANGED'
  /** app_password.renamed: its owner renamed an app password (details: before, after). */
  | 'APP_PASSWORD_RENAMED'
  /** app_password.revoked: an app password was deleted other than by its owner: by an admin or API token, a policy change, a password change or a two-step reset. */
  | 'APP_PASSWORD_REVOKED'
  /** app_password.rotated: its owner gave an app password a new secret; the previous one works until the new one is first used, at most until overlapEndsAt (details: overlapEndsAt, replacedUnusedSecret). */
  | 'APP_PASSWORD_ROTATED'
  /** app_password.rotation_finished: a rotated app password's previous secret stopped working, recorded by the server (details: reason, new_secret_used or overlap_ended). */
  | 'APP_PASSWORD_ROTATION_FINISHED'
  /** app_password.services_limited: the services an app password may be used for were narrowed (details: before, after). */
  | 'APP_PASSWORD_SERVICES_LIMITED'
  /** app_password.unused_notice: the daily clean-up told the owner that an unused app password will be revoked under the tenant's revokeUnusedAfterDays unless used before (details: revokeOn, a UTC date; unusedDays; revokeUnusedAfterDays). The revocation is app_password.revoked with reason 'unused'. */
  | 'APP_PASSWORD_UNUSED_NOTICE'
  /** app_password.used_from_new_network: an app password signed an app in from a network (/24 or /64) it was not used from in the last 90 days (details: network). */
  | 'APP_PASSWORD_USED_FROM_NEW_NETWORK'
  /** identity_provider.configured: an admin set up or changed single sign-on; details has the configuration (never the client secret). */
  | 'IDENTITY_PROVIDER_CONFIGURED'
  /** identity_provider.removed: an admin removed single sign-on. */
  | 'IDENTITY_PROVIDER_REMOVED'
  /** two_step.recovery_codes_regenerated: a user made new recovery codes. */
  | 'RECOVERY_CODES_REGENERATED'
  /** two_step.recovery_code_used: a user signed in with a recovery code. */
  | 'RECOVERY_CODE_USED'
  /** service.added: an admin added a service to the tenant's list (details: key, nameEn, nameNl). */
  | 'SERVICE_ADDED'
  /** service.removed: an admin removed a service; no app password has it any more (details: key, appPasswordsChanged). */
  | 'SERVICE_REMOVED'
  /** service.renamed: an admin renamed a service (details: key, before, after). */
  | 'SERVICE_RENAMED'
  /** tenant.created: an operator created the tenant. */
  | 'TENANT_CREATED'
  /** tenant_policy.updated: the policy changed; details has before and after. */
  | 'TENANT_POLICY_UPDATED'
  /** two_step.enabled: a user set up an authenticator app. */
  | 'TWO_STEP_ENABLED'
  /** two_step.removed: a user removed their two-step verification. */
  | 'TWO_STEP_REMOVED'
  /** two_step.reset: an admin reset a user's two-step verification. */
  | 'TWO_STEP_RESET'
  /** user.created: a user was created. */
  | 'USER_CREATED'
  /** user.deleted: a user was deleted, their app passwords and sessions with them (details: email, displayName). */
  | 'USER_DELETED'
  /** user.disabled: an admin disabled a user. */
  | 'USER_DISABLED'
  /** user.enabled: an admin enabled a user again. */
  | 'USER_ENABLED'
  /** user.language_changed: a user chose the language of their console and mails (details: before, after: en or nl). */
  | 'USER_LANGUAGE_CHANGED'
  /** user.password_changed: a user changed their primary password. */
  | 'USER_PASSWORD_CHANGED'
  /** user.renamed: a user's sign-in name changed (details: from, to). */
  | 'USER_RENAMED'
  /** user.role_changed: a user's role changed (details: from, to). */
  | 'USER_ROLE_CHANGED'
  /** user.sign_in_blocked: too many failed sign-ins for a user from unknown devices; those stop for a while (details: method, blockedForSeconds). */
  | 'USER_SIGN_IN_BLOCKED'
  /** user.updated: a user's display name or external id changed (details: what changed, before and after). */
  | 'USER_UPDATED'
  /** webhook_delivery.resent: an admin sent a webhook delivery again (details: endpointId, deliveryId, eventType). */
  | 'WEBHOOK_DELIVERY_RESENT'
  /** webhook_endpoint.created: an admin added a webhook endpoint (details: endpointId, url, events). */
  | 'WEBHOOK_ENDPOINT_CREATED'
  /** webhook_endpoint.deleted: an admin removed a webhook endpoint (details: endpointId, url). */
  | 'WEBHOOK_ENDPOINT_DELETED'
  /** webhook_endpoint.updated: an admin changed a webhook endpoint (details: endpointId, before, after). */
  | 'WEBHOOK_ENDPOINT_UPDATED'
  /** webhook_endpoint.secret_rotated: an admin replaced a webhook endpoint's signing secret (details: endpointId, previousSecretUntil). */
  | 'WEBHOOK_SECRET_ROTATED';

/** Who made a recorded change. Its value in AuditEntry.actorType is given first. */
export type AuditActorType =
  /** api_token: an integrator's API token (see actorApiTokenId). */
  | 'API_TOKEN'
  /** operator: an operator with the command-line tool. */
  | 'OPERATOR'
  /** system: the server itself, e.g. blocking sign-ins after too many failures. */
  | 'SYSTEM'
  /** user: a signed-in user (see actorUserId). */
  | 'USER';

/** All given conditions must hold. */
export type AuditFilter = {
  /**
   * Only this action, e.g. app_password.revoked.
   * @deprecated Use actionKind: the same, as an enum.
   */
  action?: string | null | undefined;
  /** Only this action. */
  actionKind?: AuditAction | null | undefined;
  /** Done by this user. */
  actorUserId?: string | number | null | undefined;
  /** From this time (inclusive). */
  from?: string | null | undefined;
  /** Done to this user. */
  targetUserId?: string | number | null | undefined;
  /** Until this time (exclusive). */
  to?: string | null | undefined;
};

/** The current and the new primary password. */
export type ChangePasswordInput = {
  /** The primary password in use now. */
  currentPassword: string;
  /** 12–256 characters, different from the current one. */
  newPassword: string;
};

/** Whose role, and the new one. */
export type ChangeUserRoleInput = {
  /** Their new role. The last active admin of the tenant stays one (LAST_ADMIN). */
  role: Role;
  /** A user of your tenant. */
  userId: string | number;
};

/** The second step of a sign-in. */
export type CompleteSignInInput = {
  /** The 6-digit code from the authenticator app, or one of the recovery codes. */
  code: string;
};

/** The tenant's OpenID Connect provider. Saving fetches and checks its discovery document first. */
export type ConfigureIdentityProviderInput = {
  /** ID token acr values that count as two-step verification. Default: none (amr alone decides). */
  acceptedAcrValues?: Array<string> | null | undefined;
  /** The client id registered at the provider. */
  clientId: string;
  /** The client secret. Required the first time; leave it out to keep the saved one. Never shown again. */
  clientSecret?: string | null | undefined;
  /** What the sign-in button says: "Sign in with <displayName>" (1–80 characters). */
  displayName: string;
  /** The issuer URL exactly as the provider names itself (https; http only on loopback). */
  issuer: string;
  /** The ID token claim holding the sign-in name. Default: email. */
  signInClaim?: string | null | undefined;
  /** Default ONLY_PROVISIONED. */
  userCreation?: UserCreation | null | undefined;
};

/** The first code from the new authenticator app. */
export type ConfirmTwoStepEnrollmentInput = {
  /** The 6-digit code the app shows now. */
  code: string;
};

/** A new API token; the server generates the secret. */
export type CreateApiTokenInput = {
  /** How long it works, in days: 1–365. */
  expiresInDays?: number | null | undefined;
  /** What it is for, e.g. "Nightly stale-password report" (1–64 characters). */
  name: string;
  /** At least one. */
  scopes: Array<ApiScope>;
};

/** A new app password; the server generates the secret. */
export type CreateAppPasswordInput = {
  /** It stops working at this time: in the future, and within your organisation's maximum lifetime. */
  expiresAt?: string | null | undefined;
  /** It stops working after this many days (1–3650), at most your organisation's maximum (SecurityInfo.maxLifetimeDays). Give this or expiresAt, or neither: the maximum, or never when there is none. */
  expiresInDays?: number | null | undefined;
  /** The app or device it is for, e.g. "Thunderbird on my laptop" (1–64 characters). */
  name: string;
  /** The networks it may be used from, at most 20: CIDR (192.0.2.0/24, 2001:db8::/48) or single addresses. Not given or empty: anywhere (unless your organisation requires networks). */
  networks?: Array<string> | null | undefined;
  /** The services (keys of Query.services) it may be used for; each one your organisation allows. Not given: every service your organisation allows. */
  services?: Array<string> | null | undefined;
};

/** A new user of your tenant. */
export type CreateUserInput = {
  /** Their name as shown in the console, 1–100 characters; the part before the @ when absent. */
  displayName?: string | null | undefined;
  /** Their sign-in name: an email address, unique across the installation (any letter case). */
  email: string;
  /** A one-time password, or none (single sign-on only). */
  password?: InitialPassword;
  /** What they may do in the tenant. */
  role?: Role;
};

/** A new webhook endpoint; the server generates its signing secret. */
export type CreateWebhookEndpointInput = {
  /** What it is for (0–200 characters). */
  description?: string | null | undefined;
  /** The events it receives: at least one. */
  events: Array<WebhookEvent>;
  /** Where to post: https://… (1–2000 characters). */
  url: string;
};

/** The user to delete. */
export type DeleteUserInput = {
  /** A user of your tenant, not yourself, not the last active admin. */
  userId: string | number;
};

/** What switching app passwords off does to the ones users already have. */
export type ExistingAppPasswords =
  /** They are kept but refused at sign-in until app passwords are switched on again. */
  | 'BLOCK'
  /** They keep signing apps in; only new ones are refused (the reference product’s behaviour). */
  | 'KEEP_WORKING'
  /** They are deleted, for good. */
  | 'REVOKE';

/** How a new user signs in at first. */
export type InitialPassword =
  /** A password the server generates, returned once in CreateUserPayload.initialPassword; the user must choose their own at their first sign-in. */
  | 'GENERATE'
  /** No password: the user signs in only through single sign-on. */
  | 'NONE';

/** A language the console and the notification mails are in. */
export type Language =
  /** English. */
  | 'EN'
  /** Dutch (Nederlands). */
  | 'NL';

/** Fewer services for one of your app passwords. */
export type LimitAppPasswordServicesInput = {
  /** One of your app passwords. */
  id: string | number;
  /** The services it keeps: some of those it has now, at least one. */
  services: Array<string>;
};

/** Exactly one of ids or filter. Only app passwords that allow more services than they used in 30 days change. */
export type LimitAppPasswordsToUsedServicesInput = {
  /** Only count what would change; change nothing. */
  dryRun?: boolean | null | undefined;
  /** Everything matching. */
  filter?: AppPasswordFilter | null | undefined;
  /** These app passwords (at most 10 000) of your tenant. */
  ids?: Array<string | number> | null | undefined;
};

/** Which way a list is sorted. */
export type OrderDirection =
  /** Smallest or oldest first. */
  | 'ASC'
  /** Largest or newest first. */
  | 'DESC';

/** Your password, to confirm it is you. */
export type ReauthenticateInput = {
  /** The primary password, again. */
  password: string;
};

/** A service to remove from the tenant. */
export type RemoveServiceInput = {
  /** Its key. */
  key: string;
};

/** Options for removing two-step verification. */
export type RemoveTwoStepVerificationInput = {
  /** Also delete all your app passwords, which your organisation allows only with two-step verification. */
  deleteAppPasswords?: boolean;
};

/** A new name for one of your app passwords. */
export type RenameAppPasswordInput = {
  /** One of your app passwords. */
  id: string | number;
  /** The app or device it is for (1–64 characters). */
  name: string;
};

/** New names for a service; its key stays. */
export type RenameServiceInput = {
  /** Lower-case letters, digits, dots, dashes or underscores, 1–32 characters, new in this tenant. */
  key: string;
  /** Its name in English (1–64 characters). */
  nameEn: string;
  /** Its name in Dutch (1–64 characters). */
  nameNl: string;
};

/** Whose two-step verification to reset. */
export type ResetTwoStepVerificationInput = {
  /** Also delete their app passwords, which the organisation allows only with two-step verification (without it the reset is refused with TWO_STEP_NEEDED_BY_APP_PASSWORDS while they have any). */
  deleteAppPasswords?: boolean;
  /** The locked-out user (not yourself). */
  userId: string | number;
};

/** Exactly one of ids, userIds or filter. */
export type RevokeAppPasswordsInput = {
  /** Only count what would be revoked; change nothing. */
  dryRun?: boolean | null | undefined;
  /** Everything matching, e.g. lastUsedBefore 90 days ago. */
  filter?: AppPasswordFilter | null | undefined;
  /** These app passwords (at most 10 000); all must exist in your tenant. */
  ids?: Array<string | number> | null | undefined;
  /** Why; kept in each audit event (1–500 characters). */
  reason: string;
  /** Every app password of these users (at most 10 000): the reference product’s “delete all existing app passwords”. */
  userIds?: Array<string | number> | null | undefined;
};

/** What a user may do in their tenant. */
export type Role =
  /** Also sets the tenant's policy and audits and revokes app passwords. */
  | 'TENANT_ADMIN'
  /** Manages their own sign-in methods. */
  | 'USER';

/** Where an app password may be used from. */
export type SetAppPasswordNetworksInput = {
  /** One of your app passwords; admins: any app password of the tenant. */
  id: string | number;
  /** At most 20 networks (CIDR) or addresses; empty: anywhere (unless the tenant requires networks). */
  networks: Array<string>;
};

/** What a sign-in attempt presented. */
export type SignInCredential =
  /** An app password, from an app (/auth/basic or Basic on GraphQL). */
  | 'APP_PASSWORD'
  /** The primary password, in the console (signing in, entering it again, changing it). */
  | 'PASSWORD'
  /** A recovery code, in place of the authenticator app. */
  | 'RECOVERY_CODE'
  /** A console sign-in through the organisation's identity provider (OpenID Connect), or confirming who you are there. */
  | 'SINGLE_SIGN_ON'
  /** A code from the authenticator app, the second step of a console sign-in. */
  | 'TWO_STEP_CODE';

/** All given conditions must hold. */
export type SignInFilter = {
  /** Only attempts that matched this app password. */
  appPasswordId?: string | number | null | undefined;
  /** From this time (inclusive). */
  from?: string | null | undefined;
  /** Only attempts that presented this: e.g. PASSWORD for console sign-ins. */
  method?: SignInCredential | null | undefined;
  /** Only attempts that ended this way. */
  outcome?: SignInOutcome | null | undefined;
  /** Only attempts for this service (its key). */
  service?: string | null | undefined;
  /** Until this time (exclusive). */
  to?: string | null | undefined;
  /** Only attempts that named this user. */
  userId?: string | number | null | undefined;
};

/** Console credentials. */
export type SignInInput = {
  /** The sign-in name (an email address; case does not matter). */
  email: string;
  /** The primary password. App passwords never sign in to the console. */
  password: string;
};

/** A sign-in method a user can add on their security-info page. */
export type SignInMethod =
  /** A generated password for an app or device that cannot do two-step verification. */
  | 'APP_PASSWORD'
  /** An app that shows a new 6-digit code every 30 seconds, for two-step verification. */
  | 'AUTHENTICATOR_APP';

/** How a sign-in attempt ended. */
export type SignInOutcome =
  /** Refused unchecked: the server was too busy to check. Counts as no failure. */
  | 'BUSY'
  /** Single sign-on: the identity provider did not say the e-mail address is verified (email_verified), so it was not used. */
  | 'EMAIL_UNVERIFIED'
  /** The app password was right but has expired. */
  | 'EXPIRED'
  /** Single sign-on: the identity provider's answer failed a check here: not the sign-in this browser started (state), a code already used, an ID token for another sign-in (nonce) or application, expired, or not signed by the provider. */
  | 'INVALID_PROVIDER_ANSWER'
  /** The right app password, from outside the networks it may be used from. */
  | 'NETWORK_NOT_ALLOWED'
  /** The app password was right, but the organisation has switched app passwords off. */
  | 'POLICY_OFF'
  /** Single sign-on: the identity provider answered with an error (the person cancelled, or it refused). */
  | 'PROVIDER_REFUSED'
  /** A remembered app password was deleted or revoked since. */
  | 'REVOKED'
  /** The right app password, for a service it does not have (see AppPassword.services), or a check that named no service for one that does not have them all (or on a server that requires a service). */
  | 'SERVICE_NOT_ALLOWED'
  /** Signed in (for a console password with two-step verification: the first step passed). */
  | 'SUCCESS'
  /** Refused unchecked: too many failures for this name, device or address. */
  | 'THROTTLED'
  /** No user has this sign-in name. */
  | 'UNKNOWN_USER'
  /** The credentials were right, but the user is disabled. */
  | 'USER_DISABLED'
  /** Single sign-on: confirming who you are, another account was signed in at the identity provider. */
  | 'WRONG_ACCOUNT'
  /** The two-step code or recovery code was wrong. */
  | 'WRONG_CODE'
  /** The app password or password was wrong (for an app password: no such app password). */
  | 'WRONG_PASSWORD';

/** Only the fields given change. */
export type UpdateTenantPolicyInput = {
  /** The services (keys of Query.services) app passwords may be used for at all; at least one. */
  allowedServices?: Array<string> | null | undefined;
  /** Whether users may create app passwords. */
  appPasswordsEnabled?: boolean | null | undefined;
  /** 1–3650 days. */
  auditRetentionDays?: number | null | undefined;
  /** Required when switching app passwords off: what happens to the ones users already have. */
  existingAppPasswords?: ExistingAppPasswords | null | undefined;
  /** Tell owners 14 and 3 days before an app password expires. */
  expiryReminders?: boolean | null | undefined;
  /** 1–40. Lowering it never deletes app passwords; it only stops new ones. */
  maxAppPasswordsPerUser?: number | null | undefined;
  /** 1–3650 days for new app passwords; null: they never expire. Existing ones keep theirs. */
  maxLifetimeDays?: number | null | undefined;
  /** Password sign-in to the console; false needs single sign-on configured and a break-glass admin (an admin with two-step verification). */
  passwordSignIn?: boolean | null | undefined;
  /** New app passwords must name the networks they may be used from. */
  requireNetworks?: boolean | null | undefined;
  /** Only admins with two-step verification may do admin work (while it is on, that includes changing it). */
  requireTwoStepForAdmins?: boolean | null | undefined;
  /** Only users with two-step verification may create app passwords. Existing app passwords are left alone. */
  requireTwoStepForAppPasswords?: boolean | null | undefined;
  /** Revoke app passwords unused for this many days (30–730), each 7 days after its owner was told; null: never. See unusedAppPasswordsPreview first. */
  revokeUnusedAfterDays?: number | null | undefined;
  /** Delete a user's app passwords when their primary password changes. */
  revokeWhenPrimaryPasswordChanges?: boolean | null | undefined;
};

/** What to change about a user; what is absent stays. */
export type UpdateUserInput = {
  /** A new display name, 1–100 characters. */
  displayName?: string | null | undefined;
  /** A new sign-in name. Their app passwords keep working with the new name at once, and no longer with the old one. */
  email?: string | null | undefined;
  /** A user of your tenant. */
  userId: string | number;
};

/** Changes to a webhook endpoint; what is left out stays. */
export type UpdateWebhookEndpointInput = {
  /** A new description. */
  description?: string | null | undefined;
  /** Off: no new deliveries for it. */
  enabled?: boolean | null | undefined;
  /** The events it receives from now on: at least one. */
  events?: Array<WebhookEvent> | null | undefined;
  /** The endpoint. */
  id: string | number;
  /** A new URL (https://…). */
  url?: string | null | undefined;
};

/** What happens when someone the provider knows signs in and has no user here yet. */
export type UserCreation =
  /** A user with the role USER and no password is created at their first sign-in. */
  | 'CREATE_ON_FIRST_SIGN_IN'
  /** They are refused: only users created here (by an admin, SCIM or the CLI) sign in. The default. */
  | 'ONLY_PROVISIONED';

/** All given conditions must hold. */
export type UserFilter = {
  /** Part of the sign-in name or display name, any case. */
  search?: string | null | undefined;
  /** The sign-in name or the display name starts with this, any case (fast on large tenants, unlike search). */
  startsWith?: string | null | undefined;
};

/** Where a user came from. */
export type UserOrigin =
  /** Created here: by an admin, an operator, or the demo. */
  | 'LOCAL'
  /** Provisioned by the organisation's identity provider over SCIM. */
  | 'SCIM'
  /** Created at their first single sign-on. */
  | 'SSO';

/** Whether a user can sign in. */
export type UserStatus =
  /** Can sign in. */
  | 'ACTIVE'
  /** Cannot sign in; sessions ended and app passwords refused. */
  | 'DISABLED';

/** Where a delivery stands. */
export type WebhookDeliveryStatus =
  /** The endpoint answered 2xx. */
  | 'DELIVERED'
  /** Given up after 24 hours of retries; can be sent again. */
  | 'FAILED'
  /** Not delivered yet: waiting for its turn, in flight, or to be tried again. */
  | 'PENDING';

/** An event an endpoint can subscribe to. Its name in the payload's `type` is given first. */
export type WebhookEvent =
  /** app_password.created: a user created an app password. */
  | 'APP_PASSWORD_CREATED'
  /** app_password.deleted: a user deleted one of their app passwords. */
  | 'APP_PASSWORD_DELETED'
  /** app_password.expiring: an app password expires soon (details: expiresAt, daysLeft). */
  | 'APP_PASSWORD_EXPIRING'
  /** app_password.revoked: an app password was deleted by someone else or the server (details: reason). */
  | 'APP_PASSWORD_REVOKED'
  /** app_password.rotated: an app password's secret was replaced (details: overlapEndsAt). */
  | 'APP_PASSWORD_ROTATED'
  /** app_password.used_from_new_network: an app password was used from a network new to it (details: network). */
  | 'APP_PASSWORD_USED_FROM_NEW_NETWORK'
  /** sign_in.throttled: sign-ins of a user stop for a while (details: method, blockedForSeconds). */
  | 'SIGN_IN_THROTTLED'
  /** tenant_policy.changed: the tenant policy changed (details: before, after). */
  | 'TENANT_POLICY_CHANGED'
  /** user.disabled: an admin disabled a user. */
  | 'USER_DISABLED';

export type TenantPolicyFieldsFragment = { appPasswordsEnabled: boolean, existingWhenDisabled: ExistingAppPasswords, maxAppPasswordsPerUser: number, maxLifetimeDays: number | null, revokeWhenPrimaryPasswordChanges: boolean, requireTwoStepForAppPasswords: boolean, requireTwoStepForAdmins: boolean, auditRetentionDays: number, allowedServices: Array<string>, requireNetworks: boolean, revokeUnusedAfterDays: number | null, expiryReminders: boolean, passwordSignIn: boolean, updatedAt: string };

export type AffectedFieldsFragment = { users: number, appPasswords: number };

export type TenantPolicyQueryVariables = Exact<{ [key: string]: never; }>;


export type TenantPolicyQuery = { tenantPolicy: { appPasswordsEnabled: boolean, existingWhenDisabled: ExistingAppPasswords, maxAppPasswordsPerUser: number, maxLifetimeDays: number | null, revokeWhenPrimaryPasswordChanges: boolean, requireTwoStepForAppPasswords: boolean, requireTwoStepForAdmins: boolean, auditRetentionDays: number, allowedServices: Array<string>, requireNetworks: boolean, revokeUnusedAfterDays: number | null, expiryReminders: boolean, passwordSignIn: boolean, updatedAt: string }, previewTenantPolicyChange: { keepWorking: { users: number, appPasswords: number }, block: { users: number, appPasswords: number }, revoke: { users: number, appPasswords: number } } };

export type UnusedAppPasswordsPreviewQueryVariables = Exact<{
  days: number;
}>;


export type UnusedAppPasswordsPreviewQuery = { unusedAppPasswordsPreview: { count: number, owners: number, firstRevocationOn: string } };

export type UpdateTenantPolicyMutationVariables = Exact<{
  input: UpdateTenantPolicyInput;
}>;


export type UpdateTenantPolicyMutation = { updateTenantPolicy: { revokedAppPasswords: number, policy: { appPasswordsEnabled: boolean, existingWhenDisabled: ExistingAppPasswords, maxAppPasswordsPerUser: number, maxLifetimeDays: number | null, revokeWhenPrimaryPasswordChanges: boolean, requireTwoStepForAppPasswords: boolean, requireTwoStepForAdmins: boolean, auditRetentionDays: number, allowedServices: Array<string>, requireNetworks: boolean, revokeUnusedAfterDays: number | null, expiryReminders: boolean, passwordSignIn: boolean, updatedAt: string } } };

export type AdminUserFieldsFragment = { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null };

export type AdminUsersQueryVariables = Exact<{
  filter?: UserFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AdminUsersQuery = { users: { edges: Array<{ node: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type DisableUserMutationVariables = Exact<{
  id: string | number;
}>;


export type DisableUserMutation = { disableUser: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } };

export type EnableUserMutationVariables = Exact<{
  id: string | number;
}>;


export type EnableUserMutation = { enableUser: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } };

export type CreateUserMutationVariables = Exact<{
  input: CreateUserInput;
}>;


export type CreateUserMutation = { createUser: { initialPassword: string | null, user: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } } };

export type ChangeUserRoleMutationVariables = Exact<{
  input: ChangeUserRoleInput;
}>;


export type ChangeUserRoleMutation = { changeUserRole: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } };

export type UpdateUserMutationVariables = Exact<{
  input: UpdateUserInput;
}>;


export type UpdateUserMutation = { updateUser: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } };

export type DeleteUserMutationVariables = Exact<{
  input: DeleteUserInput;
}>;


export type DeleteUserMutation = { deleteUser: { deletedUserId: string, revokedAppPasswords: number, signedOutSessions: number } };

export type ResetTwoStepVerificationMutationVariables = Exact<{
  input: ResetTwoStepVerificationInput;
}>;


export type ResetTwoStepVerificationMutation = { resetTwoStepVerification: { revokedAppPasswords: number, signedOutSessions: number, user: { id: string, email: string, displayName: string, role: Role, status: UserStatus, appPasswordCount: number, lastAppPasswordUse: string | null, twoStepEnabled: boolean, origin: UserOrigin, hasPassword: boolean, mustChangePassword: boolean, lastSignInAt: string | null } } };

export type InventoryAppPasswordFieldsFragment = { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null, owner: { id: string, email: string, displayName: string } };

export type AdminAppPasswordsQueryVariables = Exact<{
  filter?: AppPasswordFilter | null | undefined;
  orderBy?: AppPasswordOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AdminAppPasswordsQuery = { appPasswords: { totalCount: number, totalCountIsEstimate: boolean, edges: Array<{ node: { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null, owner: { id: string, email: string, displayName: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type RevokeAppPasswordsMutationVariables = Exact<{
  input: RevokeAppPasswordsInput;
}>;


export type RevokeAppPasswordsMutation = { revokeAppPasswords: { count: number, dryRun: boolean } };

export type LimitAppPasswordsToUsedServicesMutationVariables = Exact<{
  input: LimitAppPasswordsToUsedServicesInput;
}>;


export type LimitAppPasswordsToUsedServicesMutation = { limitAppPasswordsToUsedServices: { count: number, dryRun: boolean } };

export type ServicesQueryVariables = Exact<{ [key: string]: never; }>;


export type ServicesQuery = { services: Array<{ key: string, nameEn: string, nameNl: string, allowed: boolean }> };

export type AddServiceMutationVariables = Exact<{
  input: AddServiceInput;
}>;


export type AddServiceMutation = { addService: { service: { key: string, nameEn: string, nameNl: string, allowed: boolean } } };

export type RenameServiceMutationVariables = Exact<{
  input: RenameServiceInput;
}>;


export type RenameServiceMutation = { renameService: { service: { key: string, nameEn: string, nameNl: string, allowed: boolean } } };

export type RemoveServiceMutationVariables = Exact<{
  input: RemoveServiceInput;
}>;


export type RemoveServiceMutation = { removeService: { removedKey: string, appPasswordsChanged: number } };

export type AppPasswordsByLastUseQueryVariables = Exact<{
  weekAgo: string;
  monthAgo: string;
}>;


export type AppPasswordsByLastUseQuery = { used: { totalCount: number, totalCountIsEstimate: boolean }, usedBeforeWeek: { totalCount: number, totalCountIsEstimate: boolean }, usedBeforeMonth: { totalCount: number, totalCountIsEstimate: boolean }, neverUsed: { totalCount: number, totalCountIsEstimate: boolean } };

export type AuditEntriesQueryVariables = Exact<{
  filter?: AuditFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditEntriesQuery = { auditEntries: { edges: Array<{ node: { id: string, occurredAt: string, actionKind: AuditAction, actorKind: AuditActorType, actorEmail: string | null, actorApiTokenName: string | null, actorApiTokenScopes: Array<ApiScope> | null, targetEmail: string | null, appPasswordName: string | null, clientIp: string | null, detailsObject: Record<string, unknown> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type SignInEntriesQueryVariables = Exact<{
  filter?: SignInFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SignInEntriesQuery = { signInEntries: { edges: Array<{ node: { id: string, occurredAt: string, outcome: SignInOutcome, method: SignInCredential, signInName: string, appPasswordName: string | null, clientIp: string | null, userAgent: string | null, attempts: number, service: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type SignInActivityQueryVariables = Exact<{
  days: number;
  timeZone: string;
  service?: string | null | undefined;
}>;


export type SignInActivityQuery = { signInActivity: Array<{ date: string, succeeded: number, failed: number }> };

export type ApiTokenFieldsFragment = { id: string, name: string, scopes: Array<ApiScope>, createdAt: string, expiresAt: string, lastUsedAt: string | null };

export type ApiTokensQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiTokensQuery = { apiTokens: Array<{ id: string, name: string, scopes: Array<ApiScope>, createdAt: string, expiresAt: string, lastUsedAt: string | null }> };

export type CreateApiTokenMutationVariables = Exact<{
  input: CreateApiTokenInput;
}>;


export type CreateApiTokenMutation = { createApiToken: { token: string, apiToken: { id: string, name: string, scopes: Array<ApiScope>, createdAt: string, expiresAt: string, lastUsedAt: string | null } } };

export type RevokeApiTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiTokenMutation = { revokeApiToken: { revokedId: string } };

export type IdentityProviderFieldsFragment = { issuer: string, clientId: string, signInClaim: string, displayName: string, acceptedAcrValues: Array<string>, userCreation: UserCreation, updatedAt: string };

export type SingleSignOnQueryVariables = Exact<{ [key: string]: never; }>;


export type SingleSignOnQuery = { singleSignOn: { redirectUri: string, passwordSignIn: boolean, identityProvider: { issuer: string, clientId: string, signInClaim: string, displayName: string, acceptedAcrValues: Array<string>, userCreation: UserCreation, updatedAt: string } | null, breakGlassAdmins: Array<{ id: string, email: string, displayName: string }> } };

export type ConfigureIdentityProviderMutationVariables = Exact<{
  input: ConfigureIdentityProviderInput;
}>;


export type ConfigureIdentityProviderMutation = { configureIdentityProvider: { identityProvider: { issuer: string, clientId: string, signInClaim: string, displayName: string, acceptedAcrValues: Array<string>, userCreation: UserCreation, updatedAt: string } } };

export type RemoveIdentityProviderMutationVariables = Exact<{ [key: string]: never; }>;


export type RemoveIdentityProviderMutation = { removeIdentityProvider: { removed: boolean } };

export type AppPasswordFieldsFragment = { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null };

export type SecurityInfoQueryVariables = Exact<{ [key: string]: never; }>;


export type SecurityInfoQuery = { viewer: { id: string, email: string, displayName: string, role: Role, mustChangePassword: boolean, chosenLanguage: Language | null, twoStepRequiredForAdmin: boolean, signedInThroughProvider: boolean, securityInfo: { appPasswordCount: number, appPasswordLimit: number, availableMethods: Array<SignInMethod>, appPasswordsEnabled: boolean, appPasswordsRequireTwoStep: boolean, networksRequired: boolean, maxLifetimeDays: number | null, appPasswords: Array<{ id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null }>, services: Array<{ key: string, nameEn: string, nameNl: string, allowed: boolean }>, twoStep: { enabled: boolean, enabledAt: string | null, recoveryCodesLeft: number } }, tenant: { id: string, name: string } } | null };

export type CreateAppPasswordMutationVariables = Exact<{
  input: CreateAppPasswordInput;
}>;


export type CreateAppPasswordMutation = { createAppPassword: { password: string, appPassword: { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null } } };

export type LimitAppPasswordServicesMutationVariables = Exact<{
  input: LimitAppPasswordServicesInput;
}>;


export type LimitAppPasswordServicesMutation = { limitAppPasswordServices: { appPassword: { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null } } };

export type SetAppPasswordNetworksMutationVariables = Exact<{
  input: SetAppPasswordNetworksInput;
}>;


export type SetAppPasswordNetworksMutation = { setAppPasswordNetworks: { appPassword: { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null } } };

export type RenameAppPasswordMutationVariables = Exact<{
  input: RenameAppPasswordInput;
}>;


export type RenameAppPasswordMutation = { renameAppPassword: { appPassword: { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null } } };

export type DeleteAllMyAppPasswordsMutationVariables = Exact<{ [key: string]: never; }>;


export type DeleteAllMyAppPasswordsMutation = { deleteAllMyAppPasswords: { deletedCount: number } };

export type AppPasswordHistoryQueryVariables = Exact<{
  id: string | number;
}>;


export type AppPasswordHistoryQuery = { viewer: { id: string, appPassword: { id: string, name: string, recentSignIns: Array<{ id: string, occurredAt: string, outcome: SignInOutcome, service: string | null, clientIp: string | null, userAgent: string | null, attempts: number }>, recentAddresses: Array<{ address: string, lastSeenAt: string, attempts: number }> } | null } | null };

export type DeleteAppPasswordMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteAppPasswordMutation = { deleteAppPassword: { deletedId: string } };

export type RotateAppPasswordMutationVariables = Exact<{
  id: string | number;
}>;


export type RotateAppPasswordMutation = { rotateAppPassword: { password: string, appPassword: { id: string, name: string, createdAt: string, lastUsedAt: string | null, lastUsedIp: string | null, expiresAt: string | null, rotatingUntil: string | null, services: Array<string>, networks: Array<string>, usedServices: Array<string>, suggestedServices: Array<string> | null } } };

export type ChangePasswordMutationVariables = Exact<{
  input: ChangePasswordInput;
}>;


export type ChangePasswordMutation = { changePassword: { revokedAppPasswords: number } };

export type StartTwoStepEnrollmentMutationVariables = Exact<{ [key: string]: never; }>;


export type StartTwoStepEnrollmentMutation = { startTwoStepEnrollment: { secret: string, otpauthUri: string, qrCodeSvg: string } };

export type ConfirmTwoStepEnrollmentMutationVariables = Exact<{
  input: ConfirmTwoStepEnrollmentInput;
}>;


export type ConfirmTwoStepEnrollmentMutation = { confirmTwoStepEnrollment: { recoveryCodes: Array<string>, signedOutSessions: number } };

export type RegenerateRecoveryCodesMutationVariables = Exact<{ [key: string]: never; }>;


export type RegenerateRecoveryCodesMutation = { regenerateRecoveryCodes: { recoveryCodes: Array<string> } };

export type RemoveTwoStepVerificationMutationVariables = Exact<{
  input?: RemoveTwoStepVerificationInput | null | undefined;
}>;


export type RemoveTwoStepVerificationMutation = { removeTwoStepVerification: { deletedAppPasswords: number } };

export type ViewerSignInsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ViewerSignInsQuery = { viewer: { id: string, signIns: { edges: Array<{ node: { id: string, occurredAt: string, outcome: SignInOutcome, method: SignInCredential, appPasswordId: string | null, appPasswordName: string | null, clientIp: string | null, userAgent: string | null, attempts: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type AccountActivityQueryVariables = Exact<{
  actionKind?: AuditAction | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AccountActivityQuery = { viewer: { id: string, accountActivity: { edges: Array<{ node: { id: string, occurredAt: string, actionKind: AuditAction, actorKind: AuditActorType, actorEmail: string | null, appPasswordId: string | null, appPasswordName: string | null, clientIp: string | null, detailsObject: Record<string, unknown> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type ServiceFieldsFragment = { key: string, nameEn: string, nameNl: string, allowed: boolean };

export type ViewerFieldsFragment = { id: string, email: string, displayName: string, role: Role, mustChangePassword: boolean, chosenLanguage: Language | null, twoStepRequiredForAdmin: boolean, signedInThroughProvider: boolean, tenant: { id: string, name: string } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string, email: string, displayName: string, role: Role, mustChangePassword: boolean, chosenLanguage: Language | null, twoStepRequiredForAdmin: boolean, signedInThroughProvider: boolean, tenant: { id: string, name: string } } | null };

export type SignInOptionsQueryVariables = Exact<{
  signInName: string;
}>;


export type SignInOptionsQuery = { signInOptions: { singleSignOnUrl: string | null, providerName: string | null, passwordSignIn: boolean } };

export type SignInMutationVariables = Exact<{
  input: SignInInput;
}>;


export type SignInMutation = { signIn: { twoStepRequired: boolean, viewer: { id: string, email: string, displayName: string, role: Role, mustChangePassword: boolean, chosenLanguage: Language | null, twoStepRequiredForAdmin: boolean, signedInThroughProvider: boolean, tenant: { id: string, name: string } } | null } };

export type CompleteSignInMutationVariables = Exact<{
  input: CompleteSignInInput;
}>;


export type CompleteSignInMutation = { completeSignIn: { viewer: { id: string, email: string, displayName: string, role: Role, mustChangePassword: boolean, chosenLanguage: Language | null, twoStepRequiredForAdmin: boolean, signedInThroughProvider: boolean, tenant: { id: string, name: string } } | null } };

export type ReauthenticateMutationVariables = Exact<{
  input: ReauthenticateInput;
}>;


export type ReauthenticateMutation = { reauthenticate: { authenticatedAt: string } };

export type SignOutMutationVariables = Exact<{ [key: string]: never; }>;


export type SignOutMutation = { signOut: boolean };

export type SetMyLanguageMutationVariables = Exact<{
  language: Language;
}>;


export type SetMyLanguageMutation = { setMyLanguage: { language: Language } };

export type WebhookEndpointFieldsFragment = { id: string, url: string, description: string, events: Array<WebhookEvent>, enabled: boolean, createdAt: string, failingSince: string | null, secretRotatedAt: string | null, previousSecretUntil: string | null };

export type WebhookDeliveryFieldsFragment = { id: string, messageId: string, event: WebhookEvent, createdAt: string, status: WebhookDeliveryStatus, attempts: number, lastAttemptAt: string | null, responseStatus: number | null, durationMs: number | null, error: string | null, nextAttemptAt: string | null };

export type WebhookEndpointsQueryVariables = Exact<{ [key: string]: never; }>;


export type WebhookEndpointsQuery = { webhookEndpoints: Array<{ id: string, url: string, description: string, events: Array<WebhookEvent>, enabled: boolean, createdAt: string, failingSince: string | null, secretRotatedAt: string | null, previousSecretUntil: string | null }> };

export type WebhookDeliveriesQueryVariables = Exact<{
  endpointId: string | number;
  first?: number | null | undefined;
}>;


export type WebhookDeliveriesQuery = { webhookDeliveries: Array<{ id: string, messageId: string, event: WebhookEvent, createdAt: string, status: WebhookDeliveryStatus, attempts: number, lastAttemptAt: string | null, responseStatus: number | null, durationMs: number | null, error: string | null, nextAttemptAt: string | null }> };

export type CreateWebhookEndpointMutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
}>;


export type CreateWebhookEndpointMutation = { createWebhookEndpoint: { secret: string, webhookEndpoint: { id: string, url: string, description: string, events: Array<WebhookEvent>, enabled: boolean, createdAt: string, failingSince: string | null, secretRotatedAt: string | null, previousSecretUntil: string | null } } };

export type UpdateWebhookEndpointMutationVariables = Exact<{
  input: UpdateWebhookEndpointInput;
}>;


export type UpdateWebhookEndpointMutation = { updateWebhookEndpoint: { id: string, url: string, description: string, events: Array<WebhookEvent>, enabled: boolean, createdAt: string, failingSince: string | null, secretRotatedAt: string | null, previousSecretUntil: string | null } };

export type DeleteWebhookEndpointMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteWebhookEndpointMutation = { deleteWebhookEndpoint: { deletedId: string } };

export type RotateWebhookSecretMutationVariables = Exact<{
  id: string | number;
}>;


export type RotateWebhookSecretMutation = { rotateWebhookSecret: { secret: string, webhookEndpoint: { id: string, url: string, description: string, events: Array<WebhookEvent>, enabled: boolean, createdAt: string, failingSince: string | null, secretRotatedAt: string | null, previousSecretUntil: string | null } } };

export type ResendWebhookDeliveryMutationVariables = Exact<{
  id: string | number;
}>;


export type ResendWebhookDeliveryMutation = { resendWebhookDelivery: { id: string, messageId: string, event: WebhookEvent, createdAt: string, status: WebhookDeliveryStatus, attempts: number, lastAttemptAt: string | null, responseStatus: number | null, durationMs: number | null, error: string | null, nextAttemptAt: string | null } };
