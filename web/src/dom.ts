// Small DOM helpers shared by the pages. Elements are built with textContent only: no data is
// ever parsed as HTML.
import type { VersionEvent } from "./api";

export type Child = Node | string | number;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error("the page has no element #" + id);
  return e as T;
}

export function setStatus(kind: "live" | "down", text: string): void {
  const status = byId("status");
  status.className = "status " + kind;
  status.textContent = text;
}

/**
 * Calls `load` with each warehouse version the server announces (server-sent events on
 * /api/v1/events): no polling.
 */
export function onVersions(load: (e: VersionEvent) => void): EventSource {
  const events = new EventSource("/api/v1/events");
  events.addEventListener("version", (e) => load(JSON.parse((e as MessageEvent<string>).data) as VersionEvent));
  events.onerror = () => setStatus("down", "disconnected; reconnecting…");
  return events;
}

/**
 * Runs `render` for the newest version wanted, one at a time: a version announced while one
 * is loading is loaded when that one ends (older ones in between are skipped).
 */
export function latestOnly(render: (e: VersionEvent) => Promise<number>): (e: VersionEvent) => void {
  let shown: number | null = null;
  let loading = false;
  let wanted: VersionEvent | null = null;
  return (event) => {
    wanted = event;
    if (loading) return;
    loading = true;
    void (async () => {
      try {
        while (wanted && (shown === null || wanted.version > shown)) {
          shown = await render(wanted);
          document.body.dataset.version = String(shown);
        }
      } catch (e) {
        setStatus("down", "error: " + (e instanceof Error ? e.message : String(e)));
      } finally {
        loading = false;
      }
    })();
  };
}
