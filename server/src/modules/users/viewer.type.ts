import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './user.entity.js';

@ObjectType({ description: 'The signed-in user.' })
export class Viewer {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The sign-in name.' })
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => Role)
  role!: Role;

  tenantId!: string;
}
