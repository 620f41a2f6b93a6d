// The notebooks' chart: Observable Plot (lib/plot_chart.ts) against the hand-made SVG (lib/svg_chart.ts), the same
// two panels. `deno bench --allow-all bench/chart_bench.ts` for the rendering; the load time of each module (once per
// process) is measured in fresh processes by `deno run --allow-all bench/chart_bench.ts`.
import { plotBarChart } from "../lib/plot_chart.ts";
import { renderBarChart } from "../lib/svg_chart.ts";

const PANELS = [
  {
    title: "Setup state",
    bars: [{ label: "connected", value: 281 }, { label: "incomplete", value: 10 }, { label: "broken", value: 9 }],
  },
  {
    title: "Sync state",
    bars: [{ label: "scheduled", value: 258 }, { label: "paused", value: 22 }, { label: "syncing", value: 13 }],
  },
];

Deno.bench({
  name: "svg_chart.ts renderBarChart()",
  group: "chart",
  baseline: true,
  fn: () => void renderBarChart(PANELS),
});
Deno.bench({
  name: "plot_chart.ts plotBarChart() (Observable Plot)",
  group: "chart",
  fn: () => void plotBarChart(PANELS),
});

if (import.meta.main) {
  const load = async (module: string): Promise<number> => {
    const code =
      `const t = performance.now(); await import(${JSON.stringify(new URL(module, import.meta.url).href)}); ` +
      `console.log(performance.now() - t);`;
    const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], stdout: "piped", stderr: "null" })
      .output();
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const module of ["../lib/svg_chart.ts", "../lib/plot_chart.ts"]) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await load(module));
    console.log(`load ${module.slice(3)}: median ${median(times).toFixed(0)} ms of 5 fresh processes`);
  }
}
