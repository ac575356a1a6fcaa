// Build tracker/static/dist from node_modules: our stylesheet (GOV.UK Frontend with
// Key Cities' colours and Arial instead of GDS Transport), GOV.UK Frontend's script
// and its images. The output is generated, never committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "tracker", "static", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const result = sass.compile(join(root, "tracker", "static", "src", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(dist, "app.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(dist, "assets", "images"), { recursive: true });
cpSync(join(govuk, "assets", "manifest.json"), join(dist, "assets", "manifest.json"));
console.log(`built ${dist} (${result.css.length} bytes of CSS)`);
