import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { registerEnumType } from 'type-graphql';
import { Language } from './language.js';

export enum Role {
  USER = 'USER',
  TENANT_ADMIN = 'TENANT_ADMIN',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do in their tenant.',
  valuesConfig: {
    USER: { description: 'Manages their own sign-in methods.' },
    TENANT_ADMIN: { description: "Also sets the tenant's policy and audits and revokes app passwords." },
  },
});

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

  /** argon2id hash of the primary password. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash!: string;

  /** What the console saves when they switch language; their mails are in it. */
  @Column({ type: 'text', default: Language.EN })
  language!: Language;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
