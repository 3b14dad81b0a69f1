import { Arg, Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../common/context.js';
import { AppPassword } from './app-password.entity.js';
import {
  AppPasswordPayload,
  CreateAppPasswordInput,
  LimitAppPasswordServicesInput,
  SetAppPasswordNetworksInput,
  CreateAppPasswordPayload,
  DeleteAllMyAppPasswordsPayload,
  DeleteAppPasswordArgs,
  RenameAppPasswordInput,
  DeleteAppPasswordPayload,
} from './app-password.inputs.js';
import type { AppPasswordCreationService } from './app-password-creation.service.js';
import type { AppPasswordService } from './app-password.service.js';
import { AllowAppPassword } from '../../common/auth-checker.js';
import { requireUser } from '../../common/require-actor.js';

@Resolver(() => AppPassword)
export class AppPasswordResolver {
  constructor(
    private readonly creation: AppPasswordCreationService,
    private readonly appPasswords: AppPasswordService,
  ) {}

  @Authorized()
  @Mutation(() => CreateAppPasswordPayload, {
    description:
      'Creates an app password for the signed-in user. The payload is the only place its secret ever appears. ' +
      'Needs a console session: a caller signed in with an app password gets FORBIDDEN.',
  })
  async createAppPassword(
    @Arg('input', () => CreateAppPasswordInput, { description: 'What the app password is for.' }) input: CreateAppPasswordInput,
    @Ctx() ctx: Context,
  ): Promise<CreateAppPasswordPayload> {
    const created = await this.creation.create(requireUser(ctx), input, ctx.request);
    ctx.res.setHeader('Cache-Control', 'no-store');
    return created;
  }

  @Authorized()
  @AllowAppPassword()
  @Mutation(() => DeleteAppPasswordPayload, {
    description:
      'Deletes one of your app passwords. Irreversible; apps using it are refused from the next request. ' +
      'An app signed in with an app password may delete that one only ("sign this device out"); any other id: NOT_FOUND.',
  })
  async deleteAppPassword(
    @Args(() => DeleteAppPasswordArgs) { id }: DeleteAppPasswordArgs,
    @Ctx() ctx: Context,
  ): Promise<DeleteAppPasswordPayload> {
    return { deletedId: await this.appPasswords.delete(requireUser(ctx), id, ctx.request) };
  }

  @Authorized()
  @Mutation(() => AppPasswordPayload, {
    description:
      'Limits one of your app passwords to fewer services, from the next check on; audited. Never more: for more services, ' +
      'create a new app password. Needs a console session.',
  })
  async limitAppPasswordServices(
    @Arg('input', () => LimitAppPasswordServicesInput, { description: 'Which app password, and the services it keeps.' })
    input: LimitAppPasswordServicesInput,
    @Ctx() ctx: Context,
  ): Promise<AppPasswordPayload> {
    return { appPassword: await this.appPasswords.limitServices(requireUser(ctx), input.id, input.services, ctx.request) };
  }

  @Authorized()
  @Mutation(() => AppPasswordPayload, {
    description:
      'Sets the networks an app password may be used from, from the next check on; audited. Your own; admins: any of the ' +
      'tenant. Needs a console session.',
  })
  async setAppPasswordNetworks(
    @Arg('input', () => SetAppPasswordNetworksInput, { description: 'Which app password, and its networks.' })
    input: SetAppPasswordNetworksInput,
    @Ctx() ctx: Context,
  ): Promise<AppPasswordPayload> {
    return { appPassword: await this.appPasswords.setNetworks(requireUser(ctx), input.id, input.networks, ctx.request) };
  }

  @Authorized()
  @Mutation(() => AppPasswordPayload, {
    description: 'Renames one of your app passwords; its secret and the apps using it are unaffected. Audited. Needs a console session.',
  })
  async renameAppPassword(
    @Arg('input', () => RenameAppPasswordInput, { description: 'Which app password, and its new name.' }) input: RenameAppPasswordInput,
    @Ctx() ctx: Context,
  ): Promise<AppPasswordPayload> {
    return { appPassword: await this.appPasswords.rename(requireUser(ctx), input.id, input.name, ctx.request) };
  }

  @Authorized()
  @Mutation(() => DeleteAllMyAppPasswordsPayload, {
    description:
      'Deletes every one of your app passwords at once: irreversible, apps using them are refused from their next request. ' +
      'One audit event each. Needs a console session.',
  })
  async deleteAllMyAppPasswords(@Ctx() ctx: Context): Promise<DeleteAllMyAppPasswordsPayload> {
    return { deletedCount: await this.appPasswords.deleteAll(requireUser(ctx), ctx.request) };
  }
}
