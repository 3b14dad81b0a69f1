/** What is wrong with a sign-in name or display name as typed in the console (i18n keys), before the server's own check. */
export function signInNameProblem(email: string): string | undefined {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) ? undefined : 'admin.users.create.emailInvalid';
}

/** `required`: renaming needs a name; adding a user takes the part before the @ when it is empty. */
export function displayNameProblem(displayName: string, required: boolean): string | undefined {
  const name = displayName.trim();
  if (!name && required) return 'admin.users.rename.displayNameMissing';
  return name.length > 100 ? 'admin.users.create.displayNameTooLong' : undefined;
}
