import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../../common/role.js';
import { Language } from './language.js';

/** The users module's vocabulary: a user's role (defined in common/, which gates on it). */
export { Role };

export enum UserStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The sign-in name; unique across the installation, compared case-insensitively. */
  @Column({ type: 'text' })
  email!: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ type: 'text' })
  role!: Role;

  @Column({ type: 'text', default: UserStatus.ACTIVE })
  status!: UserStatus;

  /** argon2id hash of the primary password; null: no password (single sign-on only). */
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false })
  passwordHash!: string | null;

  /** Signed in with a password an admin was given once: must choose their own before anything else. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  /** The last console sign-in, by password or single sign-on. */
  @Column({ name: 'last_sign_in_at', type: 'timestamptz', nullable: true })
  lastSignInAt!: Date | null;

  /** An identity provider's id for the user (SCIM), unique in the tenant. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  /** Where the user came from: `local`, `scim` or `sso`. */
  @Column({ type: 'text', default: 'local' })
  source!: 'local' | 'scim' | 'sso';

  /** What the console saves when they switch language; their mails are in it. */
  @Column({ type: 'text', default: Language.EN })
  language!: Language;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
