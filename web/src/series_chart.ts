// The per-minute turnover line: a uPlot chart (canvas) that is created once and then given
// new data on each warehouse version; it follows its box's width (phones included).
import uPlot from "uplot";
import { eur, hhmm } from "./format";

const MINUTES = 120;

export class SeriesChart {
  private plot: uPlot | null = null;
  private readonly empty: HTMLParagraphElement;
  private readonly holder: HTMLDivElement;

  constructor(private readonly box: HTMLElement) {
    this.empty = document.createElement("p");
    this.empty.className = "empty";
    this.empty.textContent = "no bets in the last " + MINUTES + " minutes";
    this.holder = document.createElement("div");
    this.holder.setAttribute("role", "img");
    this.holder.setAttribute("aria-label", "turnover per minute");
    box.replaceChildren(this.holder);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(box);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(200, this.box.clientWidth);
    return { width, height: width < 480 ? 180 : 240 };
  }

  /**
   * `turnover`: EUR cents per minute start (seconds since the epoch, UTC); `asOfUs`: the newest
   * fact's time. Shows the MINUTES minutes up to that fact's minute, missing minutes as 0.
   */
  update(turnover: Map<number, number>, asOfUs: number): void {
    const end = (Math.floor(asOfUs / 60e6) + 1) * 60;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let m = end - MINUTES * 60; m < end; m += 60) {
      xs.push(m);
      ys.push(turnover.get(m) ?? 0);
    }
    const total = ys.reduce((a, b) => a + b, 0);
    this.box.dataset.points = String(ys.filter((v) => v !== 0).length);
    this.box.dataset.total = String(total);
    if (turnover.size === 0) {
      this.plot?.destroy();
      this.plot = null;
      this.box.replaceChildren(this.empty);
      return;
    }
    if (!this.plot) {
      this.box.replaceChildren(this.holder);
      this.plot = new uPlot(this.options(), [xs, ys], this.holder);
    } else {
      this.plot.setData([xs, ys]);
    }
  }

  private options(): uPlot.Options {
    return {
      ...this.size(),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(100, max) * 1.05] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => hhmm(s)) },
        { size: 76, values: (_u, splits) => splits.map((v) => eur(Math.round(v)).replace(/\.\d\d$/, "")) },
      ],
      series: [
        { label: "minute (UTC)", value: (_u, v) => (v == null ? "–" : hhmm(v)) },
        {
          label: "turnover EUR",
          stroke: "#2f6fde",
          width: 2,
          fill: "rgba(47, 111, 222, .12)",
          points: { show: false },
          value: (_u, v) => (v == null ? "–" : eur(v)),
        },
      ],
    };
  }
}
