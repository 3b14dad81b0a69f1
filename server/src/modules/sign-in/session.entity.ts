import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A session unused this long has ended (the lookup refuses it; endSessions does not count it as live). */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;

/** How a session proved who its user is: the password, then (with two-step verification) a code or a recovery code. */
export type AuthenticationMethod = 'password' | 'totp' | 'recovery_code' | 'oidc' | 'provider_mfa';

/** A console session. The cookie holds a random token; only its SHA-256 is stored. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'token_hash', type: 'bytea', select: false })
  tokenHash!: Buffer;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'authentication_methods', type: 'text', array: true })
  authenticationMethods!: AuthenticationMethod[];

  /** The password was right; the session counts only once the second step is done too. */
  @Column({ name: 'two_step_pending', type: 'boolean', default: false })
  twoStepPending!: boolean;

  /** When the user last proved who they are here: at sign-in, or by entering the password again. */
  @Column({ name: 'authenticated_at', type: 'timestamptz' })
  authenticatedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  /** The absolute end; the idle end is `lastSeenAt` plus the idle timeout. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'client_ip', type: 'inet', nullable: true })
  clientIp!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;
}
