// Minimal WASI preview1 runner on Node's built-in node:wasi, used as the
// "node" peer in the Arca benchmarks.
//
//   node --no-warnings bench/node-wasi.mjs [--dir HOST::GUEST]... [--env K=V]... PROGRAM.wasm [ARGS...]
//
// Option syntax mirrors `arca run` / wasmtime. The guest gets an empty
// environment unless --env is given, and argv[0] is PROGRAM.wasm as written.
// Exits with the guest's exit code.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

function usage(msg) {
  if (msg) process.stderr.write(`node-wasi: ${msg}\n`);
  process.stderr.write(
    'usage: node --no-warnings node-wasi.mjs [--dir HOST::GUEST]... [--env K=V]... PROGRAM.wasm [ARGS...]\n');
  process.exit(2);
}

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length > 0 && argv[0].startsWith('--')) {
  const opt = argv.shift();
  if (opt === '--') break;
  const eq = opt.indexOf('=');
  const name = eq >= 0 ? opt.slice(0, eq) : opt;
  const value = eq >= 0 ? opt.slice(eq + 1) : argv.shift();
  if (value === undefined) usage(`${name} needs a value`);
  if (name === '--dir') {
    const sep = value.indexOf('::');
    const host = sep >= 0 ? value.slice(0, sep) : value;
    const guest = sep >= 0 ? value.slice(sep + 2) : value;
    preopens[guest] = host;
  } else if (name === '--env') {
    const i = value.indexOf('=');
    if (i <= 0) usage(`bad --env ${value}`);
    env[value.slice(0, i)] = value.slice(i + 1);
  } else {
    usage(`unknown option ${name}`);
  }
}
if (argv.length === 0) usage('missing PROGRAM.wasm');

const wasi = new WASI({ version: 'preview1', args: argv, env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(argv[0]));
// Programs built with 'arca cc' may import Arca's "arca" module (processes, pipes, signals).
// Node has none of it: for single-process benchmarks, getpid-like calls answer 1 and every
// lock is granted, and every other call fails with ENOSYS (52), so the same .wasm runs in both.
const imports = wasi.getImportObject();
let memory;
const arca = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.module !== 'arca') continue;
  if (imp.name.startsWith('proc_get')) {
    arca[imp.name] = (out) => { new DataView(memory.buffer).setInt32(out, 1, true); return 0; };
  } else if (imp.name === 'fd_lock') { // one process: every lock is granted, F_GETLK finds none
    arca[imp.name] = (fd, cmd, type, start, len, out) => {
      if (cmd === 0) new DataView(memory.buffer).setInt32(out, 2, true);
      return 0;
    };
  } else {
    arca[imp.name] = () => 52;
  }
}
imports.arca = arca;
const instance = await WebAssembly.instantiate(module, imports);
memory = instance.exports.memory;
process.exitCode = wasi.start(instance);
