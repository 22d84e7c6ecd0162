// Independent reader check (arrow-export's NodeArrowReaderTest runs it): reads every Arrow file listed in an
// expectations JSON written by the Java test with the JavaScript apache-arrow library, and compares row counts,
// column names, types, nullability, every value and the schema metadata.
//
//   node check.mjs EXPECTATIONS.json
//
// apache-arrow registers no compression codec itself; this script registers pure-JavaScript decoders for the two
// codecs arrow-export writes: LZ4_FRAME (package lz4js) and ZSTD (package fzstd). Dependencies: package.json here,
// installed by scripts/install-test-tools.sh. Exit status 0 when every check passed, 1 otherwise.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tableFromIPC, compressionRegistry, CompressionType } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';

const require = createRequire(import.meta.url);
const lz4 = require('lz4js');

compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => Uint8Array.from(lz4.decompress(data)) });
compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => zstdDecompress(data) });

const failures = [];
const fail = (file, message) => failures.push(`${file}: ${message}`);

// Expected values come as JSON: numbers for float64/int32, decimal strings for int64 (exact beyond 2^53),
// "Infinity"/"-Infinity" for infinite doubles, strings for dictionary columns, null for nulls.
function same(actual, expected) {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof actual === 'bigint') return actual.toString() === String(expected);
  if (expected === 'Infinity') return actual === Infinity;
  if (expected === '-Infinity') return actual === -Infinity;
  return actual === expected;
}

function show(value) {
  return typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
}

const expectations = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let checked = 0;
for (const expected of expectations.files) {
  const name = expected.file;
  let table;
  try {
    table = tableFromIPC(readFileSync(expected.path));
  } catch (e) {
    fail(name, `cannot be read: ${e.message}`);
    continue;
  }
  if (table.numRows !== expected.rows) fail(name, `numRows ${table.numRows}, expected ${expected.rows}`);
  const fields = table.schema.fields;
  const names = fields.map((f) => f.name);
  if (JSON.stringify(names) !== JSON.stringify(expected.columns.map((c) => c.name))) {
    fail(name, `columns ${JSON.stringify(names)}, expected ${JSON.stringify(expected.columns.map((c) => c.name))}`);
    continue;
  }
  expected.columns.forEach((column, i) => {
    const type = String(fields[i].type);
    if (type !== column.type) fail(name, `column ${column.name} has type ${type}, expected ${column.type}`);
    if (fields[i].nullable !== column.nullable) {
      fail(name, `column ${column.name} nullable=${fields[i].nullable}, expected ${column.nullable}`);
    }
    const vector = table.getChild(column.name);
    column.values.forEach((value, row) => {
      const actual = vector.get(row);
      if (!same(actual, value)) fail(name, `${column.name}[${row}] = ${show(actual)}, expected ${show(value)}`);
    });
  });
  for (const [key, value] of Object.entries(expected.metadata)) {
    const actual = table.schema.metadata.get(key);
    if (actual !== value) fail(name, `metadata ${key} = ${show(actual)}, expected ${show(value)}`);
  }
  checked++;
}

if (failures.length > 0) {
  console.error(failures.join('\n'));
  console.error(`apache-arrow check: ${failures.length} problem(s) in ${expectations.files.length} files`);
  process.exit(1);
}
console.log(`apache-arrow check: ${checked} files read and matched`);
