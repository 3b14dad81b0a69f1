import type { DataSource } from 'typeorm';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@app-passwords/schema';
import { hashSecret } from '../../common/argon2.js';
import { badInput, isUniqueViolation, notFound } from '../../common/errors.js';
import { AuditAction } from '../audit/audit-event.entity.js';
import { OPERATOR, recordAudit, recordOwnChange } from '../audit/audit.service.js';
import { withTenant } from '../../db/tenant-scope.js';
import type { RequestInfo, TenantReader, UserActor } from '../../common/context.js';
import { isLanguage, type Language } from './language.js';
import { Role, User } from './user.entity.js';
import type { Viewer } from './viewer.type.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewUser {
  tenantId: string;
  email: string;
  displayName?: string;
  role: Role;
  password: string;
}

export class UserService {
  constructor(private readonly db: DataSource) {}

  /**
   * The signed-in user as the console sees them; null when gone. A console
   * session found them with the session lookup; an app signed in with an app
   * password reads them.
   */
  async viewer(reader: TenantReader, actor: UserActor): Promise<Viewer | null> {
    const { userId: id, tenantId, role } = actor;
    if (actor.signedInWith === 'session') {
      const { email, displayName, tenantName, mustChangePassword } = actor;
      const chosenLanguage = isLanguage(actor.chosenLanguage) ? actor.chosenLanguage : null;
      return { id, tenantId, role, email, displayName, tenantName, mustChangePassword, chosenLanguage };
    }
    const user = await reader.read(tenantId, (m) => m.findOneBy(User, { id, tenantId }));
    return (
      user && {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        tenantId: user.tenantId,
        mustChangePassword: user.mustChangePassword,
      }
    );
  }

  /** The language of a user's mails (English until they choose), and the one they chose in the console: null until then. */
  async language(reader: TenantReader, user: { id: string; tenantId: string }): Promise<{ language: Language; chosen: Language | null }> {
    const rows: Array<{ language: Language; chosen: Language | null }> = await reader.read(user.tenantId, (m) =>
      m.query('SELECT language, CASE WHEN language_chosen THEN language END AS chosen FROM users WHERE id = $1 AND tenant_id = $2', [
        user.id,
        user.tenantId,
      ]),
    );
    if (!rows[0]) throw notFound('User');
    return rows[0];
  }

  /**
   * Saves the language the user chose (the console's switch): the console shows in it wherever they sign in, and their
   * mails are in it from now on. Audited when it changes.
   */
  async setLanguage(actor: UserActor, language: Language, request: RequestInfo): Promise<Language> {
    await withTenant(this.db, actor.tenantId, async (m) => {
      const [before]: Array<{ language: Language; language_chosen: boolean }> = await m.query(
        'SELECT language, language_chosen FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE',
        [actor.userId, actor.tenantId],
      );
      if (!before) throw notFound('User');
      if (before.language === language && before.language_chosen) return;
      await m.query('UPDATE users SET language = $3, language_chosen = true WHERE id = $1 AND tenant_id = $2', [
        actor.userId,
        actor.tenantId,
        language,
      ]);
      // Choosing the language the mails were in already changes nothing they see: not audited.
      if (before.language === language) return;
      await recordOwnChange(m, actor, AuditAction.USER_LANGUAGE_CHANGED, request, {
        details: { before: before.language, after: language },
      });
    });
    return language;
  }

  /** Creates a user with an argon2id-hashed primary password. */
  async create(input: NewUser): Promise<User> {
    const email = input.email.trim();
    if (email.length > 254 || !EMAIL.test(email)) throw badInput('Enter a valid email address as the sign-in name.', 'email');
    const displayName = (input.displayName ?? email.split('@')[0] ?? email).normalize('NFC').trim();
    if (displayName.length < 1 || displayName.length > 100 || /\p{Cc}/u.test(displayName)) {
      throw badInput('A display name is 1 to 100 characters, without control characters.', 'displayName');
    }
    if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH) {
      throw badInput(`A password is ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`, 'password');
    }
    const passwordHash = await hashSecret(input.password);
    return withTenant(this.db, input.tenantId, async (m) => {
      const inUse = () => badInput('That sign-in name is already in use.', 'email');
      const user = await m
        .save(m.create(User, { tenantId: input.tenantId, email, displayName, role: input.role, passwordHash }))
        .catch((error: unknown) => {
          throw isUniqueViolation(error, 'users_email_lower_key') ? inUse() : error;
        });
      await recordAudit(m, {
        tenantId: input.tenantId,
        action: AuditAction.USER_CREATED,
        actor: OPERATOR,
        targetUserId: user.id,
        details: { email, role: input.role },
      });
      return user;
    });
  }
}
