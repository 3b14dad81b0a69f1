import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The app-password rules a tenant admin sets for the whole tenant; one row per tenant. */
@Entity({ name: 'tenant_policies' })
export class TenantPolicy {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** New tenants start with app passwords switched off, as in the reference product. */
  @Column({ name: 'app_passwords_enabled', type: 'boolean', default: false })
  appPasswordsEnabled!: boolean;

  @Column({ name: 'max_app_passwords_per_user', type: 'integer', default: 40 })
  maxAppPasswordsPerUser!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
