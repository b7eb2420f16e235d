// Writes src/model.generated.ts, the journey model's TypeScript types and defaults, from the
// JSON Schema `journeyline schema` prints (src/journeyline/formats/schema.py), so the front-end
// never keeps a hand copy of the model. `make frontend` runs it; by hand, from the repository:
//
//   journeyline schema | node frontend/scripts/model-types.mjs --out frontend/src/model.generated.ts
//
// Without --out it prints the file. tests/test_frontend_model.py runs it on the current schema
// and fails when the committed file differs.
import { readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 ? args[outAt + 1] : null;
const input = args.find((a, i) => !a.startsWith("--") && i !== outAt + 1);
const schema = JSON.parse(readFileSync(input && input !== "-" ? input : 0, "utf8"));
const defs = schema.$defs ?? {};

/** Words after `//` or inside a doc comment, with nothing that could close the comment. */
function docText(text) {
  return String(text).replace(/\*\//g, "*\\/").replace(/\s+/g, " ").trim();
}

function doc(text, indent = "") {
  return text ? `${indent}/** ${docText(text)} */\n` : "";
}

function refName(ref) {
  const prefix = "#/$defs/";
  if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}: only #/$defs/… is generated`);
  const name = ref.slice(prefix.length);
  if (!(name in defs)) throw new Error(`$ref ${ref} names no definition`);
  return name;
}

/** The TypeScript type of a JSON Schema (the subset pydantic writes for the model). */
function typeOf(s, where) {
  if (s.$ref) return refName(s.$ref);
  if (s.anyOf) return s.anyOf.map((x, i) => typeOf(x, `${where}|${i}`)).join(" | ");
  if ("const" in s) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  switch (s.type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = typeOf(s.items ?? {}, `${where}[]`);
      return /[ |]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case "object":
      if (s.properties) throw new Error(`${where}: inline objects are not generated; give them a definition`);
      if (s.additionalProperties && typeof s.additionalProperties === "object")
        return `Record<string, ${typeOf(s.additionalProperties, `${where}{}`)}>`;
      return "Record<string, unknown>";
    default:
      if (Object.keys(s).every((k) => ["description", "title"].includes(k))) return "unknown";
      throw new Error(`${where}: no TypeScript type for ${JSON.stringify(s)}`);
  }
}

function constName(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase() + "_VALUES";
}

/** What a field holds when it is left out: the schema's default, or "" for a required text. */
function defaultOf(def, key, prop, where) {
  if ("default" in prop) return JSON.stringify(prop.default);
  if ((def.required ?? []).includes(key) && (prop.type === "string" || (prop.$ref && defs[refName(prop.$ref)].type === "string" && !defs[refName(prop.$ref)].enum)))
    return '""';
  throw new Error(`${where}: no default in the schema (and not a required text): give the model field a default`);
}

const lines = [
  "// The journey model as the file format defines it (docs/format.md): types and defaults",
  "// generated from `journeyline schema` by frontend/scripts/model-types.mjs. Do not edit:",
  "// `make frontend` writes it again, and tests/test_frontend_model.py fails when it drifts.",
  "",
];
const names = Object.keys(defs).sort();
for (const name of names) {
  const def = defs[name];
  if (def.enum) {
    lines.push(doc(def.description) + `export const ${constName(name)} = [${def.enum.map((v) => JSON.stringify(v)).join(", ")}] as const;`);
    lines.push(`export type ${name} = (typeof ${constName(name)})[number];`, "");
  }
}
for (const name of names) {
  const def = defs[name];
  if (def.enum) continue;
  if (def.type !== "object" || !def.properties) throw new Error(`$defs/${name}: neither an enum nor an object`);
  lines.push(doc(def.description) + `export interface ${name} {`);
  for (const [key, prop] of Object.entries(def.properties)) {
    lines.push(doc(prop.description, "  ") + `  ${key}: ${typeOf(prop, `${name}.${key}`)};`);
  }
  lines.push("}", "");
  lines.push(`/** A new ${name} with every field as the file format fills it in when it is left out. */`);
  lines.push(`export function default${name}(): ${name} {`, "  return {");
  for (const [key, prop] of Object.entries(def.properties)) {
    lines.push(`    ${key}: ${defaultOf(def, key, prop, `${name}.${key}`)},`);
  }
  lines.push("  };", "}", "");
}
// The document itself (a workspace, or a file holding maps): its keys, as the file has them.
lines.push(doc(schema.description) + "export interface JourneylineDocument {");
for (const [key, prop] of Object.entries(schema.properties ?? {})) {
  lines.push(doc(prop.description, "  ") + `  ${key}: ${typeOf(prop, key)};`);
}
lines.push("}", "");
const text = lines.join("\n").replace(/\n+$/, "\n");
if (out) writeFileSync(out, text);
else process.stdout.write(text);
