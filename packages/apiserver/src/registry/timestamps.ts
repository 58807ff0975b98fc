/** metav1.Time on the wire: RFC 3339 in UTC, to the second. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
