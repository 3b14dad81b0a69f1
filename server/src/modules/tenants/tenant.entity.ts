import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Field, ID, ObjectType } from 'type-graphql';

/** An organisation. Every user and app password belongs to exactly one. */
@Entity({ name: 'tenants' })
@ObjectType({ description: 'An organisation; every user belongs to exactly one.' })
export class Tenant {
  @PrimaryGeneratedColumn('uuid')
  @Field(() => ID, { description: 'The tenant id.' })
  id!: string;

  @Column({ type: 'text' })
  @Field(() => String, { description: 'The organisation’s name.' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
