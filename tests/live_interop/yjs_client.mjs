// A Yjs client for tests/test_live_yjs_interop.py: reads a map document that Python (pycrdt)
// wrote, checks it against the layout, edits it the way the board does and answers the update.
// Input (stdin, JSON): {"update": base64, "layout": LAYOUT}. Output (stdout, JSON).
import * as Y from "yjs";
import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));
const layout = input.layout;
const doc = new Y.Doc();
Y.applyUpdate(doc, Buffer.from(input.update, "base64"));
const problems = [];

// Every text field of every entry is a Y.Text, every list a Y.Array, as the layout says.
for (const collection of layout.collections) {
  const kind = layout.kinds[collection];
  doc.getMap(collection).forEach((entry, id) => {
    if (!(entry instanceof Y.Map)) problems.push(`${collection}/${id}: not a Y.Map`);
    for (const field of kind.text) {
      if (!(entry.get(field) instanceof Y.Text)) problems.push(`${collection}/${id}/${field}: not Y.Text`);
    }
    for (const field of [...kind.lists, ...kind.id_lists]) {
      if (!(entry.get(field) instanceof Y.Array)) problems.push(`${collection}/${id}/${field}: not Y.Array`);
    }
  });
}
if (doc.getMap("meta").get("layout") !== layout.layout) problems.push("meta/layout");

// Python's positions are the npm package's.
const positionMismatches = [];
for (const example of layout.positions.examples) {
  const keys = generateNKeysBetween(example.a, example.b, example.n);
  if (JSON.stringify(keys) !== JSON.stringify(example.keys)) positionMismatches.push({ example, keys });
}

const byPos = (map, keep) =>
  [...map.entries()]
    .filter(([, e]) => keep(e))
    .sort(([ia, a], [ib, b]) => (a.get("pos") < b.get("pos") ? -1 : a.get("pos") > b.get("pos") ? 1 : ia < ib ? -1 : 1))
    .map(([id]) => id);
const steps = doc.getMap("steps");
const read = { stages: byPos(doc.getMap("stages"), () => true) };
read.steps = Object.fromEntries(read.stages.map((s) => [s, byPos(steps, (e) => e.get("stage") === s)]));

// Edits, one transaction each, as the board makes them.
const before = Y.encodeStateVector(doc);
const search = steps.get("search");
doc.transact(() => {
  const feels = search.get("feels"); // "Curious 😀": the emoji is two UTF-16 units
  feels.insert(feels.length, " and keen");
  feels.insert(0, "Very ");
});
doc.transact(() => search.set("emotion", 3));
const first = read.steps[read.stages[0]];
const lastPos = steps.get(first[first.length - 1]).get("pos");
doc.transact(() => {
  const entry = new Y.Map();
  const kind = layout.kinds.steps;
  for (const field of kind.text) entry.set(field, new Y.Text(field === "name" ? "Ask a friend 🤝" : ""));
  for (const field of [...kind.lists, ...kind.id_lists]) entry.set(field, new Y.Array());
  for (const field of kind.text_maps) entry.set(field, new Y.Map());
  entry.set("pos", generateKeyBetween(lastPos, null));
  entry.set("stage", read.stages[0]);
  entry.set("emotion", -1);
  steps.set("ask-friend-x7q", entry);
});
doc.transact(() => doc.getMap("pain_points").delete("slow"));
doc.transact(() => {
  // Move "signup" to the front of the first stage.
  const firstPos = steps.get(first[0]).get("pos");
  const signup = steps.get("signup");
  signup.set("pos", generateKeyBetween(null, firstPos));
  signup.set("stage", read.stages[0]);
});

process.stdout.write(JSON.stringify({
  problems,
  positionMismatches,
  read,
  update: Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString("base64"),
  json: Object.fromEntries(layout.roots.map((r) => [r, doc.getMap(r).toJSON()])),
}));
