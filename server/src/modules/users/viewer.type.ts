import { Field, ID, ObjectType } from 'type-graphql';
import type { Language } from './language.js';
import { Role } from './user.entity.js';

// The plain fields are `simple`: read by graphql-js itself, without type-graphql's wrapper (see AppPassword); the
// fields other modules add (securityInfo, tenant, signIns …) keep theirs.
@ObjectType({ description: 'The signed-in user.' })
export class Viewer {
  @Field(() => ID, { description: 'Your user id.', simple: true })
  id!: string;

  @Field(() => String, { description: 'The sign-in name.', simple: true })
  email!: string;

  @Field(() => String, { description: 'Your name as shown in the console.', simple: true })
  displayName!: string;

  @Field(() => Role, { description: 'What you may do in your tenant.', simple: true })
  role!: Role;

  @Field(() => Boolean, {
    description:
      'You signed in with a one-time password from an admin: choose your own (changePassword) first; everything else answers PASSWORD_CHANGE_REQUIRED until then.',
    simple: true,
  })
  mustChangePassword!: boolean;

  tenantId!: string;
  /** The organisation's name when the session brought it (then `tenant` needs no query). */
  tenantName?: string;
  /** The language they chose, null until they choose, when the session brought it (then `chosenLanguage` needs no query). */
  chosenLanguage?: Language | null;
}
