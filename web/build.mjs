// Builds the dashboard's assets into OUTDIR (the CMake build folder; cmake/EmbedWeb.cmake embeds
// them into tote): app.js, quality.js and sql.js (TypeScript of src/ bundled with uPlot by
// esbuild), app.css (uPlot's style sheet + src/app.css), the pages of public/, and tests/*.ts
// as node scripts in OUTDIR/tests. Type-checking is `tsc -p tsconfig.json` (run by CMake before this).
// Usage: node build.mjs OUTDIR (`npm run build`: type-check, then build into web/dist).
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}
mkdirSync(outdir, { recursive: true });
await build({
  absWorkingDir: here,
  entryPoints: ["src/app.ts", "src/quality.ts", "src/sql.ts", "src/board.ts", "src/app.css"],
  outdir,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "warning",
});
// The browser tests (ctest browser_dashboard, browser_cancel_clickhouse18): node scripts; playwright-core is loaded from
// web/node_modules at run time.
await build({
  absWorkingDir: here,
  entryPoints: ["tests/browser_dashboard.ts", "tests/browser_cancel.ts"],
  outdir: join(outdir, "tests"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: ["node20"],
  packages: "external",
  logLevel: "warning",
});
for (const page of ["index.html", "quality.html", "sql.html", "board.html"]) copyFileSync(join(here, "public", page), join(outdir, page));
