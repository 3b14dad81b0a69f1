import { MaxLength } from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'Something apps sign in to with app passwords (mail over IMAP, calendars over CalDAV …).',
  simpleResolvers: true,
})
export class Service {
  @Field(() => String, {
    description: 'What apps and servers name it: `/auth/basic?service=<key>`, and AppPassword.services. Lower case, 1–32 characters.',
  })
  key!: string;

  @Field(() => String, { description: 'Its name in English, as the console shows it.' })
  nameEn!: string;

  @Field(() => String, { description: 'Its name in Dutch, as the console shows it.' })
  nameNl!: string;

  @Field(() => Boolean, { description: "The tenant's policy lets app passwords be used for it (TenantPolicy.allowedServices)." })
  allowed!: boolean;
}

/** Inputs stop huge payloads early; the catalog's rules (service-catalog.ts) check them in full. */
@InputType({ description: "A new service for the tenant's list; app passwords may be used for it from now on (it is allowed)." })
export class AddServiceInput {
  @Field(() => String, { description: 'Lower-case letters, digits, dots, dashes or underscores, 1–32 characters, new in this tenant.' })
  @MaxLength(1000)
  key!: string;

  @Field(() => String, { description: 'Its name in English (1–64 characters).' })
  @MaxLength(1000)
  nameEn!: string;

  @Field(() => String, { description: 'Its name in Dutch (1–64 characters).' })
  @MaxLength(1000)
  nameNl!: string;
}

@InputType({ description: 'New names for a service; its key stays.' })
export class RenameServiceInput extends AddServiceInput {}

@InputType({ description: 'A service to remove from the tenant.' })
export class RemoveServiceInput {
  @Field(() => String, { description: 'Its key.' })
  @MaxLength(1000)
  key!: string;
}

@ObjectType({ description: 'The service as it is now.' })
export class ServicePayload {
  @Field(() => Service, { description: 'Its key, names and whether it is allowed.' })
  service!: Service;
}

@ObjectType({ description: 'What removeService did.' })
export class RemoveServicePayload {
  @Field(() => String, { description: 'The key that no longer exists.' })
  removedKey!: string;

  @Field(() => Int, { description: 'App passwords that had it, and no longer do.' })
  appPasswordsChanged!: number;
}
