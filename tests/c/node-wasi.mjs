// node-wasi.mjs - minimal stand-in for `arca run` / `wasmtime run` built on node:wasi.
//
// Usage: node --no-warnings node-wasi.mjs run [--dir HOST::GUEST]... [--env NAME=VALUE]... PROGRAM.wasm [ARGS...]
//
// Only used by tests/c/run.sh when WASM_RUNNER=node, to validate the C tests
// before the Arca CLI exists. Exit status is the guest's exit code; 134 on trap.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
if (argv[0] === 'run') argv.shift();

const preopens = {};
const env = {};
while (argv.length && argv[0].startsWith('--')) {
  const opt = argv.shift();
  if (opt === '--') break;
  const val = argv.shift();
  if (val === undefined) { console.error(`node-wasi: ${opt} needs a value`); process.exit(2); }
  if (opt === '--dir') {
    const i = val.indexOf('::');
    const host = i < 0 ? val : val.slice(0, i);
    const guest = i < 0 ? val : val.slice(i + 2);
    preopens[guest] = host;
  } else if (opt === '--env') {
    const i = val.indexOf('=');
    env[i < 0 ? val : val.slice(0, i)] = i < 0 ? '' : val.slice(i + 1);
  } else {
    console.error(`node-wasi: unknown option ${opt}`); process.exit(2);
  }
}
const program = argv.shift();
if (!program) { console.error('node-wasi: no program'); process.exit(2); }

const wasi = new WASI({ version: 'preview1', args: [program, ...argv], env, preopens, returnOnExit: true });
let code;
try {
  const module = await WebAssembly.compile(readFileSync(program));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  code = wasi.start(instance);
} catch (e) {
  console.error(`node-wasi: ${e && e.stack || e}`);
  code = 134;
}
process.exitCode = code;
