// Lets @modelcontextprotocol/conformance 0.1.16 start on Node 20: it imports `globSync` from `fs`,
// a Node 22 API, and a builtin's named exports cannot be added to from outside. This resolve hook
// (use: node --import ./test/support/conformance-node20.mjs …) gives that package, and only it,
// ./fs-glob-sync.mjs for `fs`: node:fs plus a small globSync. On Node 22 it changes nothing.
import { register } from 'node:module';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  const shim = new URL('./fs-glob-sync.mjs', import.meta.url).href;
  const hook = `
    export async function resolve(specifier, context, next) {
      if ((specifier === 'fs' || specifier === 'node:fs') &&
          context.parentURL?.includes('/node_modules/@modelcontextprotocol/conformance/'))
        return { url: ${JSON.stringify(shim)}, shortCircuit: true };
      return next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
