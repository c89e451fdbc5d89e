// Starts a Node child process and resolves with the first capture of `pattern` in its output.
import { spawn } from 'node:child_process';

export function startChild(args, env, pattern) {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      out += chunk;
      const m = pattern.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
  return { process: child, ready };
}
