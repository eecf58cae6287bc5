// The JSON shapes of tote serve's API (docs/api/openapi.yaml), as the pages read them.

/** Integers arrive as numbers, anything else as strings; NULL (quality rows) as null. */
export type Cell = number | string | null;

export interface Tile {
  id: string;
  title?: string;
  note?: string;
  version: number;
  columns: string[];
  rows?: Cell[][];
  error?: string;
}

export interface Kpi {
  id: string;
  label: string;
  unit: "EUR" | "count" | "%";
  numerator?: string;
  denominator?: string;
  formula: string;
}

export interface Dashboard {
  version: number;
  committed_at_ms: number;
  time_zone: string;
  currency: string;
  kpis: Kpi[];
  tiles: Tile[];
}

export interface VersionEvent {
  version: number;
  committed_at_ms: number;
  /** The version's tiles, when the server computed them ahead (no read needed). */
  dashboard?: Dashboard;
}

export interface Alert {
  id: string;
  title: string;
  state: string;
  value: number | null;
  reason: string;
  since_version: number;
}

export interface Alerts {
  evaluated_version: number;
  alerts: Alert[];
}

export type Status = "pass" | "warn" | "fail" | "n/a" | "error";

export interface QualityCheck {
  id: string;
  title: string;
  rule: string;
  version: number;
  status: Status;
  summary?: string;
  columns: string[];
  rows: unknown[][];
  error?: string;
  history?: [number, Status][];
}

export interface Quality {
  version: number;
  committed_at_ms: number;
  checks: QualityCheck[];
}

export interface QualityRows {
  version: number;
  rule?: string;
  stage?: string;
  reason?: string;
  page: number;
  page_rows: number;
  columns: string[];
  rows: unknown[][];
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error("HTTP " + res.status + ": " + (await res.text()));
  return (await res.json()) as T;
}
