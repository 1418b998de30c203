#!/usr/bin/env node
// The round-trip oracle: proves, with JSON Schema tools that share no code
// with the generator, that every value a spec allows decodes into the type
// and variant the spec means and re-encodes unchanged.
//
// `cargo xtask oracle` runs it (see the README); by hand:
//   node oracle.mjs --name NAME --spec bundled.json --targets targets.json --harness BIN [--harness-arg K]
//                   [--per-target N] [--seed S] [--invalid N] [--show N] [--debug POINTER]
//
// For each target (a schema and the Rust type the client gives its values):
//  1. json-schema-faker makes instances (seeded; optional properties all,
//     none, or half), and ajv (draft 2020-12, formats checked) keeps those
//     the schema accepts. What ajv rejects is kept apart as invalid input.
//  2. The harness (Rust, built from the generated client) decodes each
//     instance as the target's type, re-encodes it, and reports which variant
//     every union chose, every enum value that fell into the catch-all, and
//     every union value no variant took.
//  3. Here each valid instance must (a) decode, (b) re-encode to the
//     instance, (c) have chosen, in every union, a variant whose own schema
//     ajv accepts for the value there (for a type merged from several
//     schemas of one shape, one of their schemas), and (d) use no catch-all.
//
// Rules, each a decision about what "unchanged" and "the schema" mean:
//  - OpenAPI 3.0 schemas become JSON Schema 2020-12: `nullable: true` adds
//    "null" to `type` (and to `enum`), a `{type: null}` branch to a union, or
//    wraps another schema without `type` as `anyOf: [schema, {type: null}]`
//    (pointers into it are followed into the wrapping); boolean
//    `exclusiveMinimum`/`Maximum` become the numeric form. Keywords beside a
//    `$ref` apply with it (2020-12 semantics, which real 3.0 documents rely
//    on). 3.1 schemas are 2020-12 already. `example`, `xml` and `x-*` are
//    annotations.
//  - In both versions, as the generator reads them: a schema without `type`
//    whose keywords are an object's (`properties`, `required`, ...) is an
//    object, one with `items` an array; a `discriminator` restricts its tag
//    to the values it maps (mapping keys, and the component name of each
//    `$ref` branch the mapping leaves out), as OpenAPI says it must.
//  - Values sent in requests (request bodies, request forms of types) are
//    generated without `readOnly` properties (OpenAPI: they are not sent).
//  - Properties a schema does not declare are not tried: the client ignores
//    them by design (forward compatibility), which the README says. They are
//    not generated where json-schema-faker can be told so, and an instance
//    holding one anyway (one union branch's property in a value of another)
//    is left out, counted: it fails the document with its objects closed.
//  - Re-encoding compares numbers by value; a `null` member may come back
//    absent (an optional nullable property of a type only received is
//    `Option<T>`: absent and null are one value there); date-times that denote
//    the same instant and UUIDs differing only in case are equal.
//  - `$id` and `$schema` inside the document are dropped: references are
//    JSON pointers into it (as the generator reads them), and ajv refuses a
//    document whose schemas repeat an `$id`. So are `example(s)` (annotations
//    that may hold anything, an `$id` too).
//  - Formats ajv-formats does not know are annotations (accept anything),
//    except `uuid1`..`uuid8` (Pydantic's names for UUID versions), which are
//    UUIDs.

import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { generateSync } from "json-schema-faker";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

// ---------------------------------------------------------------- arguments
const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith("--")) fail(`unexpected argument ${a}`);
  args[a.slice(2)] = process.argv[++i];
}
for (const need of ["name", "spec", "targets", "harness"]) {
  if (!args[need]) fail(`--${need} is required`);
}
const perTarget = Number(args["per-target"] ?? 3);
const baseSeed = Number(args.seed ?? 1);
const invalidPerTarget = Number(args.invalid ?? 1);
const show = Number(args.show ?? 25);
const attempts = 6;
const maxExtra = Number(args["max-extra"] ?? 150);

function fail(message) {
  console.error(`oracle: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------- pointers
const unescape = (t) => t.replace(/~1/g, "/").replace(/~0/g, "~");
const escape = (t) => String(t).replace(/~/g, "~0").replace(/\//g, "~1");
const tokens = (pointer) =>
  pointer.replace(/^#/, "").split("/").slice(1).map((t) => unescape(decodeURIComponent(t)));
const toPointer = (ts) => "#" + ts.map((t) => "/" + escape(t)).join("");

function get(node, ts) {
  for (const t of ts) {
    if (node === null || typeof node !== "object" || !(t in node)) return undefined;
    node = node[t];
  }
  return node;
}

/** The direct pointer of `pointer`, following `$ref`s met on the way. */
function resolve(doc, pointer) {
  let path = [];
  let node = doc;
  let written = "#"; // the pointer as the document wrote it, so far
  const into = () => {
    // A 3.0 `nullable` schema wrapped by `convert`: step into the wrapping.
    if (moved.has(written) && node && Array.isArray(node.anyOf) && node.anyOf.length === 2) {
      node = node.anyOf[0];
      path.push("anyOf", "0");
    }
  };
  into();
  for (const t of tokens(pointer)) {
    for (let guard = 0; guard < 32; guard++) {
      if (node && typeof node === "object" && !(t in node) && typeof node.$ref === "string" && node.$ref.startsWith("#")) {
        path = tokens(node.$ref);
        node = get(doc, path);
      } else break;
    }
    if (node === null || typeof node !== "object" || !(t in node)) return null;
    node = node[t];
    path.push(t);
    written = toPointer(path);
    into();
  }
  return toPointer(path);
}

// ---------------------------------------------------------------- schemas in a document
const DATA_KEYWORDS = new Set(["example", "examples", "default", "enum", "const"]);
const SCHEMA_KEYS = new Set(["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

/**
 * Calls `visit(schema, pointer)` for every schema of an OpenAPI document,
 * children before their parent, reading the document's grammar (a property
 * named `properties` is a property, not a keyword); `visit` may return a
 * schema to put in the place of the one it was given.
 */
function eachSchema(doc, visit) {
  const schema = (node, path) => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
    for (const [k, v] of Object.entries(node)) {
      const at = `${path}/${escape(k)}`;
      if (SCHEMA_KEYS.has(k)) node[k] = schema(v, at);
      else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) node[k] = v.map((x, i) => schema(x, `${at}/${i}`));
      else if (SCHEMA_MAPS.has(k) && v && typeof v === "object") for (const [n, x] of Object.entries(v)) v[n] = schema(x, `${at}/${escape(n)}`);
    }
    return visit(node, path) ?? node;
  };
  const other = (node, path) => {
    if (Array.isArray(node)) return node.forEach((x, i) => other(x, `${path}/${i}`));
    if (node === null || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      const at = `${path}/${escape(k)}`;
      if ((k === "schema" || k === "itemSchema") && v && typeof v === "object") node[k] = schema(v, at);
      else if (k === "schemas" && path === "#/components" && v && typeof v === "object") {
        for (const [n, x] of Object.entries(v)) v[n] = schema(x, `${at}/${escape(n)}`);
      } else if (!DATA_KEYWORDS.has(k) && !k.startsWith("x-")) other(v, at);
    }
  };
  other(doc, "#");
  return doc;
}

// ---------------------------------------------------------------- 3.0 -> 2020-12, and the generator's reading
/** Pointers (`#/a/b`) of schemas wrapped in `anyOf: [schema, {type: null}]`. */
const moved = new Set();

const OBJECT_KEYWORDS = ["properties", "additionalProperties", "patternProperties", "propertyNames"];

/** The names a discriminated union's tag may take: mapping keys, and the
 *  component name of each `$ref` branch the mapping leaves out. */
function discriminatorTags(o) {
  const branches = [...(o.oneOf ?? []), ...(o.anyOf ?? [])];
  const mapping = o.discriminator.mapping ?? {};
  const tags = Object.keys(mapping);
  const mapped = new Set(Object.values(mapping));
  for (const b of branches) {
    if (typeof b?.$ref !== "string") return null; // an inline branch: its tag is unknowable
    const name = b.$ref.match(/^#\/components\/schemas\/([^/]+)$/)?.[1];
    if (!name) return null;
    if (!mapped.has(b.$ref)) tags.push(unescape(decodeURIComponent(name)));
  }
  return tags;
}

function convert(doc, is30, tagged = true) {
  const converted = convertSchemas(doc, is30, tagged);
  // `$ref`s into a schema the conversion wrapped follow it into the wrapping.
  if (moved.size) {
    eachSchema(converted, (s) => {
      if (typeof s.$ref === "string" && s.$ref.startsWith("#")) s.$ref = resolve(converted, s.$ref) ?? s.$ref;
    });
  }
  return converted;
}

function convertSchemas(doc, is30, tagged) {
  return eachSchema(structuredClone(doc), (out, path) => {
    // Structure keywords name their type, as the generator reads them.
    if (out.type === undefined && out.$ref === undefined) {
      if (OBJECT_KEYWORDS.some((k) => k in out) || (Array.isArray(out.required) && out.required.length)) out.type = "object";
      else if ("items" in out || "prefixItems" in out) out.type = "array";
    }
    // A discriminator's tag takes the values it maps.
    if (tagged && out.discriminator && typeof out.discriminator.propertyName === "string" && (out.oneOf || out.anyOf)) {
      const tags = discriminatorTags(out);
      if (tags) out.allOf = [...(out.allOf ?? []), { properties: { [out.discriminator.propertyName]: { enum: tags } } }];
    }
    if (!is30) return;
    for (const [flag, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]]) {
      if (typeof out[flag] === "boolean") {
        if (out[flag] && typeof out[bound] === "number") {
          out[flag] = out[bound];
          delete out[bound];
        } else delete out[flag];
      }
    }
    if (typeof out.nullable !== "boolean") return;
    const nullable = out.nullable;
    delete out.nullable;
    if (!nullable) return;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.type === undefined && out.enum === undefined) {
      // A union takes null as one more branch (its branches stay where they are);
      // anything else is wrapped, and pointers into it are moved (see `resolve`).
      const bare = !out.allOf && !out.$ref;
      if (bare && Array.isArray(out.anyOf) && !out.oneOf) out.anyOf = [...out.anyOf, { type: "null" }];
      else if (bare && Array.isArray(out.oneOf) && !out.anyOf) out.oneOf = [...out.oneOf, { type: "null" }];
      else if (out.$ref || out.allOf || out.anyOf || out.oneOf || out.not) {
        moved.add(path);
        return { anyOf: [out, { type: "null" }] };
      }
    }
  });
}

/** The document as requests see it: `readOnly` properties are not sent. */
function requestView(doc) {
  const copy = structuredClone(doc);
  // Read-only when the schema, its `$ref`'s target or an `allOf` member says so.
  const readOnly = (s, depth = 0) => {
    if (!s || typeof s !== "object" || depth > 16) return false;
    if (s.readOnly === true) return true;
    if ((s.allOf ?? []).some((m) => readOnly(m, depth + 1))) return true;
    return typeof s.$ref === "string" && s.$ref.startsWith("#") && readOnly(get(copy, tokens(s.$ref)), depth + 1);
  };
  // The properties stay where they are (a `$ref` may point into one); the
  // object may not have them, and no longer requires them.
  return eachSchema(copy, (node) => {
    if (!node.properties || typeof node.properties !== "object") return;
    const dropped = Object.keys(node.properties).filter((k) => readOnly(node.properties[k]));
    if (!dropped.length) return;
    if (Array.isArray(node.required)) node.required = node.required.filter((k) => !dropped.includes(k));
    node.allOf = [...(node.allOf ?? []), { propertyNames: { not: { enum: dropped } } }];
  });
}

/**
 * What json-schema-faker reads: the document under `$defs/doc` of a root
 * holding only a `$ref` (it merges a `$ref`'s siblings into the schema), its
 * `$ref`s rewritten to match, and hints that widen what it makes without
 * changing what is valid (ajv still judges against the real schema): `oneOf`
 * read as `anyOf` (json-schema-faker fills only the required properties of a
 * `oneOf` branch), maps asked for at least one entry, strings and lists
 * kept short, numbers with an integer format made whole, and objects that
 * declare their properties (and merge with no other schema) given no
 * others (json-schema-faker invents some to meet a `minProperties`).
 */
/** A copy of `doc` whose objects that declare their properties (and merge
 *  with no other schema: an `allOf` member, a `$ref` an `allOf` member
 *  makes, closed, would close the merge) allow no others. */
function closedView(doc) {
  const copy = structuredClone(doc);
  const merged = new Set();
  eachSchema(copy, (node) => {
    for (const m of node.allOf ?? []) {
      merged.add(m);
      if (typeof m?.$ref === "string") merged.add(get(copy, tokens(m.$ref)));
    }
    if (typeof node.$ref === "string" && Object.keys(node).length > 1) merged.add(get(copy, tokens(node.$ref)));
  });
  eachSchema(copy, (node) => {
    if (node.properties && node.additionalProperties === undefined && !node.patternProperties && !node.allOf && !merged.has(node)) node.__closable = true;
  });
  return eachSchema(copy, (out) => {
    if (out.__closable) {
      delete out.__closable;
      out.additionalProperties = false;
    }
  });
}

function generationView(doc, anyOfForOneOf) {
  return eachSchema(closedView(doc), (out) => {
    if (typeof out.$ref === "string" && out.$ref.startsWith("#")) out.$ref = "#/$defs/doc" + out.$ref.slice(1);
    // json-schema-faker reads `x-*` keywords as its own extensions.
    for (const k of Object.keys(out)) if (k.startsWith("x-")) delete out[k];
    if (anyOfForOneOf && Array.isArray(out.oneOf) && !("anyOf" in out)) {
      out.anyOf = out.oneOf;
      delete out.oneOf;
    }
    // Small values: long strings and lists say nothing more about types
    // (and a `maxLength` of a megabyte runs json-schema-faker out of memory).
    if (typeof out.maxLength === "number" && out.maxLength > 64) out.maxLength = Math.max(out.minLength ?? 0, 64);
    if (typeof out.maxItems === "number" && out.maxItems > 4) out.maxItems = Math.max(out.minItems ?? 0, 4);
    if (typeof out.maxProperties === "number" && out.maxProperties > 4) out.maxProperties = Math.max(out.minProperties ?? 0, 4);
    // A `number` with an integer format: whole numbers (ajv-formats checks so).
    if (out.type === "number" && /^u?int(8|16|32|64)$/.test(out.format ?? "")) out.type = "integer";
    // (Not with `propertyNames`, which json-schema-faker does not honour.)
    const isMap = out.additionalProperties && typeof out.additionalProperties === "object" && !out.properties && !out.patternProperties && !out.propertyNames;
    if (isMap && out.minProperties === undefined && (out.maxProperties === undefined || out.maxProperties > 0)) out.minProperties = 1;
  });
}

// ---------------------------------------------------------------- validators
function formatsIn(node, out = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => formatsIn(n, out));
  else if (node && typeof node === "object") {
    if (typeof node.format === "string") out.add(node.format);
    for (const [k, v] of Object.entries(node)) if (!DATA_KEYWORDS.has(k)) formatsIn(v, out);
  }
  return out;
}

const UUID_VERSION = /^uuid[1-8]$/;

function validatorFor(doc, id) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true, unicodeRegExp: false });
  addFormats(ajv);
  for (const f of formatsIn(doc)) if (!ajv.formats[f]) ajv.addFormat(f, UUID_VERSION.test(f) ? ajv.formats.uuid : true);
  ajv.addSchema(doc, id);
  const cache = new Map();
  return (pointer) => {
    if (!cache.has(pointer)) {
      try {
        cache.set(pointer, ajv.compile({ $ref: `${id}${pointer}` }));
      } catch (e) {
        cache.set(pointer, e);
      }
    }
    return cache.get(pointer);
  };
}

// ---------------------------------------------------------------- comparison
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const fraction = (s) => (s.match(/\.(\d+)/)?.[1] ?? "").replace(/0+$/, "");

/** Where `back` differs from `sent`, or null. `nulls` counts null members come back absent. */
function difference(sent, back, at, nulls) {
  if (typeof sent === "number" && typeof back === "number") return sent === back ? null : at;
  if (typeof sent === "string" && typeof back === "string") {
    if (sent === back) return null;
    if (DATE_TIME.test(sent) && DATE_TIME.test(back) && Date.parse(sent) === Date.parse(back) && fraction(sent) === fraction(back)) return null;
    if (UUID.test(sent) && sent.toLowerCase() === back.toLowerCase()) return null;
    return at;
  }
  if (Array.isArray(sent) && Array.isArray(back)) {
    if (sent.length !== back.length) return at;
    for (let i = 0; i < sent.length; i++) {
      const d = difference(sent[i], back[i], `${at}/${i}`, nulls);
      if (d !== null) return d;
    }
    return null;
  }
  if (sent && back && typeof sent === "object" && typeof back === "object" && !Array.isArray(sent) && !Array.isArray(back)) {
    for (const k of Object.keys(back)) if (!(k in sent)) return `${at}/${escape(k)}`;
    for (const [k, v] of Object.entries(sent)) {
      if (!(k in back)) {
        if (v === null) {
          nulls.count++;
          continue;
        }
        return `${at}/${escape(k)}`;
      }
      const d = difference(v, back[k], `${at}/${escape(k)}`, nulls);
      if (d !== null) return d;
    }
    return null;
  }
  return sent === back ? null : at;
}

// ---------------------------------------------------------------- invalid input
function mutants(value, random) {
  const out = [];
  const wrong = (v) => (typeof v === "string" ? 12345 : typeof v === "number" ? "not a number" : Array.isArray(v) ? { not: "a list" } : v && typeof v === "object" ? ["not", "an object"] : "wrong");
  out.push(wrong(value));
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length) {
      const k = keys[Math.floor(random() * keys.length)];
      const dropped = { ...value };
      delete dropped[k];
      out.push(dropped);
      out.push({ ...value, [k]: wrong(value[k]) });
    }
  }
  return out;
}

function mulberry(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- the run
function withoutIds(node) {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === "$id" || k === "$schema") && typeof v === "string") continue;
    // Examples are annotations, and may hold anything (a schema with an `$id`).
    if (k === "example" || k === "examples") continue;
    // A `$ref` is a URI: its fragment may be percent-encoded (`%7Bid%7D`).
    if (k === "$ref" && typeof v === "string" && v.startsWith("#") && v.includes("%")) {
      try {
        out[k] = decodeURIComponent(v);
        continue;
      } catch {}
    }
    out[k] = DATA_KEYWORDS.has(k) ? v : withoutIds(v);
  }
  return out;
}

const spec = withoutIds(JSON.parse(readFileSync(args.spec, "utf8")));
const targets = JSON.parse(readFileSync(args.targets, "utf8"));
const is30 = String(spec.openapi ?? "").startsWith("3.0");
const responseDoc = convert(spec, is30);
// What instances are made from: the same, but for the discriminator rule
// (json-schema-faker mixes the tag list up with each branch's own tag).
const untagged = convert(spec, is30, false);
const views = { response: { doc: responseDoc, source: untagged } };
if (targets.some((t) => t.direction === "request")) {
  views.request = { doc: requestView(responseDoc), source: requestView(untagged) };
}
for (const [name, view] of Object.entries(views)) {
  view.validate = validatorFor(view.doc, `urn:oracle:${name}`);
  // Instances with a property no schema declares are not tried (the client
  // ignores such properties by design): they fail the closed view.
  view.declared = validatorFor(closedView(view.doc), `urn:oracle:${name}-closed`);
  // Half the attempts read `oneOf` as `anyOf`, half as it is (see generationView).
  view.generated = [generationView(view.source, true), generationView(view.source, false)];
  delete view.source;
}

const hex = (random, n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
const uuidFormats = {};
for (const f of formatsIn(responseDoc)) {
  if (UUID_VERSION.test(f)) uuidFormats[f] = (random) => {
    const r = () => random.next();
    return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
  };
}

const jsfOptions = (k, seed) => {
  const base = { formats: uuidFormats, seed, maxDepth: 10, refDepthMax: 10, maxDefaultItems: 2, failOnInvalidTypes: false, minDateTime: "2000-01-01T00:00:00Z", maxDateTime: "2030-12-31T23:59:59Z" };
  switch (k % 3) {
    case 0: return { ...base, alwaysFakeOptionals: true };
    case 1: return { ...base, optionalsProbability: 0 };
    default: return { ...base, optionalsProbability: 0.5 };
  }
};

const jobs = []; // { target, instance, valid }
const noInstance = [];
const unresolved = [];
let invalidMade = 0;
let undeclared = 0;
targets.forEach((target, index) => {
  const view = views[target.direction];
  const pointer = resolve(view.doc, target.pointer);
  if (pointer === null) {
    unresolved.push(target);
    return;
  }
  target.resolved = pointer;
  const validate = view.validate(pointer);
  const closed = view.declared(pointer);
  const declared = closed instanceof Error ? () => true : closed;
  if (validate instanceof Error) {
    unresolved.push({ ...target, error: validate.message });
    return;
  }
  const roots = view.generated.map((doc) => ({ $defs: { doc }, $ref: "#/$defs/doc" + pointer.slice(1) }));
  const random = mulberry(baseSeed * 7919 + index);
  let made = 0;
  const seen = new Set();
  // Big schemas rarely come out valid whole: keep trying until one does.
  for (let k = 0; made < perTarget && k < (made ? perTarget * attempts : perTarget * attempts + maxExtra); k++) {
    let instance;
    try {
      instance = generateSync(roots[k % 2], jsfOptions(k, baseSeed * 1000003 + index * 131 + k));
    } catch (e) {
      continue;
    }
    if (instance === undefined) continue;
    const text = JSON.stringify(instance);
    if (seen.has(text)) continue; // a schema with few values: the loop's bound ends it
    seen.add(text);
    if (args.debug && target.pointer === args.debug) {
      console.log(`debug ${target.pointer}: ${JSON.stringify(instance)}`);
      if (!validate(instance)) console.log(`  ajv: ${JSON.stringify(validate.errors)}`);
    }
    if (validate(instance) && !declared(instance)) {
      undeclared++;
    } else if (validate(instance)) {
      jobs.push({ index, target, instance, valid: true });
      made++;
      let m = 0;
      for (const bad of mutants(instance, random)) {
        if (m >= invalidPerTarget) break;
        if (!validate(bad)) {
          jobs.push({ index, target, instance: bad, valid: false });
          invalidMade++;
          m++;
        }
      }
    } else if (invalidMade < targets.length * invalidPerTarget * 4) {
      jobs.push({ index, target, instance, valid: false });
      invalidMade++;
    }
  }
  if (made === 0) noInstance.push(target);
});

let answers = [];
if (jobs.length) {
  const input = jobs.map((j) => `${j.index}\t${JSON.stringify(j.instance)}`).join("\n") + "\n";
  const harnessArgs = args["harness-arg"] === undefined ? [] : [args["harness-arg"]];
  const run = spawnSync(args.harness, harnessArgs, { input, maxBuffer: 1 << 30, encoding: "utf8" });
  if (run.status !== 0) fail(`the harness failed (${run.status ?? run.signal}): ${run.stderr}`);
  answers = run.stdout.split("\n").filter((l) => l.length);
  for (const line of (run.stderr ?? "").split("\n")) {
    if (line.startsWith("fuzz-decode:")) console.log(`${line} (${args.name})`);
  }
}
if (answers.length !== jobs.length) fail(`the harness answered ${answers.length} of ${jobs.length} instances`);

const failures = [];
let valid = 0;
let acceptedInvalid = 0;
const nulls = { count: 0 };
// Values shown clipped to 400 characters; ORACLE_FULL=1 shows them whole.
const short = (v) => {
  const s = JSON.stringify(v);
  return s.length > 400 && !process.env.ORACLE_FULL ? s.slice(0, 400) + "…" : s;
};
jobs.forEach((job, i) => {
  const answer = JSON.parse(answers[i]);
  if (!job.valid) {
    if (answer.ok) acceptedInvalid++;
    return;
  }
  valid++;
  const { target, instance } = job;
  const failed = (kind, detail) => failures.push({ kind, target, instance, detail });
  if (answer.no_target) return failed("harness", "the harness has no such target");
  if (answer.refused !== undefined) return failed("refused", answer.refused);
  if (answer.unencodable !== undefined) return failed("unencodable", answer.unencodable);
  const changed = difference(instance, answer.json, "", nulls);
  if (changed !== null) failed("changed", `re-encoded differently at \`${changed || "/"}\`: ${short(answer.json)}`);
  const view = views[target.direction];
  for (const c of answer.choices) {
    // What the variant stands for: alternatives (a type merged from several
    // schemas of one shape stands for each), each a list of schemas (a branch
    // and the schema it was distributed over) that must all accept the value.
    const value = get(instance, tokens(c.at));
    const verdicts = c.schemas.map((all) =>
      all.map((schema) => {
        const direct = resolve(view.doc, schema);
        const check = direct && view.validate(direct);
        return !check || check instanceof Error ? null : check(value);
      }),
    );
    const shown = c.schemas.map((all) => all.join(" & ")).join(" | ");
    if (verdicts.some((all) => all.every((v) => v === true))) continue;
    if (verdicts.some((all) => all.includes(null))) {
      failed("variant", `${c.union} at \`${c.at || "/"}\` chose a variant whose schema (${shown}) cannot be read`);
    } else {
      failed("variant", `${c.union} at \`${c.at || "/"}\` chose the variant of ${shown}, which rejects ${short(value)}`);
    }
  }
  for (const u of answer.unknown) failed("unknown", `${u.union} at \`${u.at || "/"}\`: no variant took ${short(get(instance, tokens(u.at)))}`);
  for (const o of answer.others) failed("catch-all", `${o.enum} at \`${o.at || "/"}\`: the listed value ${JSON.stringify(o.value)} fell into \`Other\``);
});

// ---------------------------------------------------------------- report
const failedInstances = new Set(failures.map((f) => f.instance)).size;
const byKind = {};
for (const f of failures) (byKind[f.kind] ??= []).push(f);
for (const [kind, list] of Object.entries(byKind)) {
  console.log(`\n${kind}: ${list.length}`);
  for (const f of list.slice(0, show)) {
    console.log(`  ${f.target.pointer} (${f.target.rust}, ${f.target.direction})`);
    console.log(`    instance: ${short(f.instance)}`);
    console.log(`    ${f.detail}`);
  }
  if (list.length > show) console.log(`  ... and ${list.length - show} more`);
}
if (unresolved.length) {
  console.log(`\nschemas the oracle could not read: ${unresolved.length}`);
  for (const t of unresolved.slice(0, show)) console.log(`  ${t.pointer}${t.error ? `: ${t.error}` : ""}`);
}
if (noInstance.length) {
  console.log(`\nschemas json-schema-faker made no valid instance of: ${noInstance.length}`);
  for (const t of noInstance.slice(0, show)) console.log(`  ${t.pointer} (${t.rust})`);
}
const invalidTotal = jobs.length - valid;
console.log(`\ninvalid instances (ajv rejects them): ${invalidTotal}; the client accepted ${acceptedInvalid} (open enums, ignored constraints; a report, not a failure)`);
console.log(`null members that came back absent: ${nulls.count}`);
console.log(`valid instances with a property no schema declares, not tried: ${undeclared}`);
const tried = targets.length - unresolved.length;
console.log(`oracle ${args.name}: ${tried} schemas, ${valid} instances, ${failedInstances} failed`);
process.exit(failedInstances > 0 || unresolved.length > 0 ? 1 : 0);
