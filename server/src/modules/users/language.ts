import { registerEnumType } from 'type-graphql';

/** The languages the console and the mails speak; a user's is `users.language`. */
export enum Language {
  EN = 'en',
  NL = 'nl',
}
registerEnumType(Language, {
  name: 'Language',
  description: 'A language the console and the notification mails are in.',
  valuesConfig: {
    EN: { description: 'English.' },
    NL: { description: 'Dutch (Nederlands).' },
  },
});

export const isLanguage = (value: unknown): value is Language => value === Language.EN || value === Language.NL;
