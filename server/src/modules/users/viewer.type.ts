import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './user.entity.js';

@ObjectType({ description: 'The signed-in user.' })
export class Viewer {
  @Field(() => ID, { description: 'Your user id.' })
  id!: string;

  @Field(() => String, { description: 'The sign-in name.' })
  email!: string;

  @Field(() => String, { description: 'Your name as shown in the console.' })
  displayName!: string;

  @Field(() => Role, { description: 'What you may do in your tenant.' })
  role!: Role;

  tenantId!: string;
}
