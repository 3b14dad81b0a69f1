import type { VueWrapper } from '@vue/test-utils';
import type { AppPasswordFieldsFragment, ServiceFieldsFragment } from '@app-passwords/schema';
import { flush, type Answer } from './mount';

/** The server refuses with `code` (at `field`, for a field error) and a text of its own, which the console must never show. */
export const refusal = (code: string, message = 'SERVER TEXT', field?: string): Answer => ({
  errors: [{ message, extensions: field ? { code, field } : { code } }],
});

/** The sign-in is too old for this change: the console asks for the password again… */
export const reauthenticationRequired = refusal('REAUTHENTICATION_REQUIRED', 'again');
/** …and the server takes it. */
export const reauthenticated: Answer = { data: { reauthenticate: { authenticatedAt: '2026-12-06T10:00:00Z' } } };

/** Several requests' worth of answers arriving and the page updating. */
export async function settle(times = 2) {
  for (let i = 0; i < times; i++) await flush();
}

/** Submits the wrapper's form and lets the answer (or answers: `times`) arrive. */
export async function submit(wrapper: VueWrapper, times = 2) {
  await wrapper.find('form').trigger('submit');
  await settle(times);
}

/** Types the password into the confirm-it's-you form and sends it; the change is then tried again. */
export async function confirmPassword(wrapper: VueWrapper) {
  await wrapper.find('input[name=reauthenticatePassword]').setValue('my password');
  await submit(wrapper, 3);
}

/** The button with exactly this text. */
export const buttonNamed = (wrapper: VueWrapper, text: string) => wrapper.findAll('button').find((b) => b.text() === text)!;

/** An organisation's services, with their English and Dutch names. */
export const services: ServiceFieldsFragment[] = [
  { key: 'imap', nameEn: 'Mail (IMAP)', nameNl: 'E-mail (IMAP)', allowed: true },
  { key: 'smtp', nameEn: 'Sending mail (SMTP)', nameNl: 'E-mail versturen (SMTP)', allowed: true },
  { key: 'caldav', nameEn: 'Calendars (CalDAV)', nameNl: 'Agenda’s (CalDAV)', allowed: true },
];

/** One app password as the list shows it, never used; `changes` on top. */
export const appPasswordWith = (changes: Partial<AppPasswordFieldsFragment> = {}): AppPasswordFieldsFragment => ({
  id: 'a1',
  name: 'Thunderbird',
  createdAt: '2026-11-25T10:00:00Z',
  lastUsedAt: null,
  lastUsedIp: null,
  expiresAt: null,
  rotatingUntil: null,
  services: ['imap', 'smtp'],
  networks: ['192.0.2.0/24'],
  usedServices: [],
  suggestedServices: null,
  ...changes,
});
