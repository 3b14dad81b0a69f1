import { MAX_APP_PASSWORD_NETWORKS } from '@app-passwords/schema';

/**
 * Networks as someone types them in a text area: one per line, or separated
 * by commas, semicolons or spaces; blanks and repeats dropped. What each one is, the server
 * checks (and says which is wrong); this only splits.
 */
export function parseNetworks(text: string): string[] {
  const networks: string[] = [];
  for (const part of text.split(/[\s,;]+/)) {
    const network = part.trim();
    if (network && !networks.includes(network)) networks.push(network);
  }
  return networks;
}

/** Networks for the text area: one per line. */
export const networksText = (networks: readonly string[]): string => networks.join('\n');

/** More networks than an app password may have. */
export const tooManyNetworks = (networks: readonly string[]): boolean => networks.length > MAX_APP_PASSWORD_NETWORKS;

/** What can be wrong with an app password's networks: none given where the organisation requires them, or not acceptable. */
export type NetworksProblem = 'missing' | 'invalid';

/**
 * What is wrong with the networks before asking the server (none where
 * `required`, or too many); with `refused`, the server refused them: missing
 * when there were none, else invalid.
 */
export function networksProblem(networks: readonly string[], required: boolean, refused = false): NetworksProblem | undefined {
  if (refused) return networks.length === 0 ? 'missing' : 'invalid';
  if (required && networks.length === 0) return 'missing';
  return tooManyNetworks(networks) ? 'invalid' : undefined;
}
