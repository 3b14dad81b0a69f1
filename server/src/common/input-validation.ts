import { validateOrReject, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';
import { badInput } from './errors.js';
import { findRefusedText, textProblemMessage } from './text.js';

/** type-graphql's own defaults for class-validator (missing optional fields are not errors). */
const CLASS_VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

/**
 * Every argument of every field, before its resolver runs (type-graphql's
 * `validateFn`, called once per argument parameter, and only for fields that
 * take arguments, so nothing is added to fields without them):
 * 1. No text anywhere in the field's arguments, however deeply nested, holds a
 *    control character or an unpaired surrogate (see text.ts): BAD_USER_INPUT
 *    with `extensions.field` naming the path, e.g. `input.name`. This covers
 *    every input, present and future, with nothing to remember per field.
 * 2. The class-validator decorators on argument and input classes, as
 *    type-graphql runs them when no `validateFn` is given.
 * The raw GraphQL arguments are walked rather than `argValue`, because only
 * they carry the argument's name.
 */
export const validateArguments: ValidatorFn = async (argValue: unknown, _argType, { args }) => {
  const refused = findRefusedText(args);
  if (refused) throw badInput(textProblemMessage(refused.field, refused.problem), refused.field);
  if (argValue === null || typeof argValue !== 'object') return;
  try {
    if (Array.isArray(argValue)) {
      await Promise.all(
        argValue.filter((item) => item !== null && typeof item === 'object').map((item) => validateOrReject(item, CLASS_VALIDATOR_OPTIONS)),
      );
    } else {
      await validateOrReject(argValue, CLASS_VALIDATOR_OPTIONS);
    }
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
};
