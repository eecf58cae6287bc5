// Builds the dashboard's assets into OUTDIR (the CMake build folder; cmake/EmbedWeb.cmake embeds
// them into tote): app.js and quality.js (TypeScript of src/ bundled with uPlot by esbuild),
// app.css (uPlot's style sheet + src/app.css) and the pages of public/. Type-checking is
// `tsc -p tsconfig.json` (run by CMake before this). Usage: node build.mjs OUTDIR
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
  entryPoints: ["src/app.ts", "src/quality.ts", "src/app.css"],
  outdir,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "warning",
});
for (const page of ["index.html", "quality.html"]) copyFileSync(join(here, "public", page), join(outdir, page));
