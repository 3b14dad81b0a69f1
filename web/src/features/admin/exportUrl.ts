/** A CSV export's address: the list's filter as query parameters (the session cookie does the rest); empty values are left out. */
export function exportUrl(path: string, filter: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) params.set(key, String(value));
  const query = params.toString();
  return `${path}${query ? `?${query}` : ''}`;
}
