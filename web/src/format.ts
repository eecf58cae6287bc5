// Number and time formats: money arrives as integer EUR cents, times as UTC.

/** Integer cents -> "1,234.56" (exact for every |cents| < 2^53). */
export function eur(cents: number): string {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toLocaleString("en-US");
  const rest = String(abs % 100).padStart(2, "0");
  return (neg ? "-" : "") + units + "." + rest;
}

export const count = (n: number): string => n.toLocaleString("en-US");

/** µs since the epoch -> "YYYY-MM-DD hh:mm:ss UTC". */
export function utc(us: number): string {
  if (!us) return "no facts yet";
  return new Date(us / 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/** ms since the epoch -> "YYYY-MM-DD hh:mm:ss UTC". */
export function utcMs(ms: number): string {
  return ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "–";
}

/** Days since the epoch -> "YYYY-MM-DD". */
export function dayLabel(day: number): string {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

/** Seconds since the epoch -> "hh:mm" (UTC). */
export function hhmm(s: number): string {
  return new Date(s * 1000).toISOString().slice(11, 16);
}
