// The third opinion when Arca's compiler and Chicory's interpreter disagree on a fuzz module:
// V8, through Node's WebAssembly API. Prints the transcript DifferentialRunner prints: each
// export called in order with zero arguments (hangLimitInitializer before each), the values the
// module logs, the results, or "trap".
import { readFileSync } from 'node:fs';

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
const show = (t, v) => {
  switch (t) {
    case 'f32': if (Number.isNaN(v)) return 'nan'; f32[0] = v; return u32[0].toString(16);
    case 'f64': if (Number.isNaN(v)) return 'nan'; f64[0] = v; return u64[0].toString(16);
    default: return String(v);
  }
};
let out = '';
const log = t => v => { out += `  log ${show(t, v)}\n`; };
const bytes = readFileSync(process.argv[2]);
const module = new WebAssembly.Module(bytes);
const instance = new WebAssembly.Instance(module, {
  'fuzzing-support': { 'log-i32': log('i32'), 'log-i64': log('i64'), 'log-f32': log('f32'), 'log-f64': log('f64') },
});
// result and parameter types come from the module's type section
const types = [], funcTypes = [];
let imported = 0;
{
  let p = 8;
  const leb = () => { let v = 0, s = 0, b; do { b = bytes[p++]; v |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return v >>> 0; };
  const vt = b => ({ 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' })[b];
  while (p < bytes.length) {
    const id = bytes[p++], len = leb(), end = p + len;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        p++; const ps = []; for (let k = leb(); k > 0; k--) ps.push(vt(bytes[p++]));
        const rs = []; for (let k = leb(); k > 0; k--) rs.push(vt(bytes[p++]));
        types.push({ ps, rs });
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let k = 0; k < 2; k++) { const l = leb(); p += l; }
        const kind = bytes[p++];
        if (kind === 0) { funcTypes.push(leb()); imported++; }
        else if (kind === 1) { p++; const fl = leb(); leb(); if (fl & 1) leb(); }
        else if (kind === 2) { const fl = leb(); leb(); if (fl & 1) leb(); }
        else if (kind === 3) { p += 2; }
        else { p++; leb(); }
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; n--) funcTypes.push(leb());
    }
    p = end;
  }
}
const exportIndex = {};
{
  // WebAssembly.Module.exports lists names and kinds, not indices: read the export section
  let p = 8;
  const leb = () => { let v = 0, s = 0, b; do { b = bytes[p++]; v |= (b & 0x7f) << s; s += 7; } while (b & 0x80); return v >>> 0; };
  while (p < bytes.length) {
    const id = bytes[p++], len = leb(), end = p + len;
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const l = leb(); const name = new TextDecoder().decode(bytes.subarray(p, p + l)); p += l;
        const kind = bytes[p++]; const idx = leb();
        if (kind === 0) exportIndex[name] = idx;
      }
    }
    p = end;
  }
}
const reset = instance.exports.hangLimitInitializer;
for (const name of Object.keys(exportIndex)) {
  if (name === 'hangLimitInitializer') continue;
  const t = types[funcTypes[exportIndex[name]]];
  if (t.ps.includes('v128') || t.rs.includes('v128')) continue;
  out += `call ${name}\n`;
  if (reset) reset();
  const args = t.ps.map(x => (x === 'i64' ? 0n : x === 'funcref' || x === 'externref' ? null : 0));
  try {
    let r = instance.exports[name](...args);
    if (t.rs.length === 1) r = [r];
    else if (t.rs.length === 0) r = [];
    out += '  ->' + r.map((v, i) => ' ' + (t.rs[i] === 'funcref' || t.rs[i] === 'externref' ? (v === null ? 'null' : 'ref') : show(t.rs[i], v))).join('') + '\n';
  } catch (e) {
    out += '  trap\n';
  }
}
process.stdout.write(out);
