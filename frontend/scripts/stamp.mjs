// Writes build-info.json beside the built app: a hash of every source the build reads,
// so a test (tests/test_frontend_bundle.py) can tell when the committed build is stale.
// The same hash is computed in Python by journeyline.web.frontend.sources_hash.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const inputs = ["index.html", "package.json", "package-lock.json", "tsconfig.json", "vite.config.ts", "src"];

function walk(path, out) {
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path)) walk(join(path, name), out);
  } else {
    out.push(path);
  }
  return out;
}

const files = inputs
  .flatMap((p) => walk(join(root, p), []))
  .map((p) => relative(root, p).split(sep).join("/"))
  .sort();
const hash = createHash("sha256");
for (const file of files) {
  hash.update(file + "\0");
  hash.update(readFileSync(join(root, file)));
  hash.update("\0");
}
const info = { sources_sha256: hash.digest("hex"), files: files.length };
writeFileSync(join(root, "../src/journeyline/web/static/app/build-info.json"), JSON.stringify(info, null, 2) + "\n");
console.log(`build-info.json: ${info.files} source files, ${info.sources_sha256.slice(0, 12)}`);
