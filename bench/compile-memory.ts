/**
 * Compile memory: the peak resident memory of compiling one big workflow (analyze + plan + preview
 * of the last node, JSON text in), each case in its own child process (compile-memory-probe.ts),
 * so the heap one case grew is not counted again in the next. Also what refusing a workflow over
 * the default node limit costs: the attack of issue 10 was a 50,000-node document.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { probeArgs } from './bundle.js';
import { generateWorkflow, type ShapeName } from './workflow-shapes.js';

export interface CompileMemoryCase {
  shape: ShapeName;
  size: number;
  /** The node limit the case compiled with: raised past the size, or the compiler's default. */
  limit: 'raised' | 'default';
  jsonBytes: number;
  /** The child's RSS before compiling (node, tsx, the compiler's modules, the JSON text). */
  baselineRssMb?: number;
  /** The child's high-water RSS, compiling included. */
  peakRssMb?: number;
  /** Heap still used after compiling, with the results held, after GC. */
  retainedHeapMb?: number;
  ms?: number;
  /** Compiled to a plan and a preview (a raised limit), or the error codes it was refused with. */
  compiled?: boolean;
  errorCodes?: string[];
  error?: string;
}

export interface CompileMemoryOptions {
  shapes: readonly ShapeName[];
  sizes: readonly number[];
  log: (line: string) => void;
}

async function runProbe(file: string, lastNode: string, limit: string): Promise<Partial<CompileMemoryCase>> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--expose-gc',
    ...probeArgs('compile-memory-probe'),
    file,
    lastNode,
    limit,
  ]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Partial<CompileMemoryCase>;
}

export async function runCompileMemoryBench(opts: CompileMemoryOptions): Promise<CompileMemoryCase[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'edgeflow-compile-memory-'));
  const out: CompileMemoryCase[] = [];
  try {
    const cases = [
      ...opts.shapes.flatMap((shape) =>
        opts.sizes.map((size) => ({ shape, size, limit: 'raised' as const })),
      ),
      // The attack: the biggest size, sent to a compiler with its default limit.
      ...opts.shapes
        .slice(0, 1)
        .map((shape) => ({ shape, size: Math.max(...opts.sizes), limit: 'default' as const })),
    ];
    for (const c of cases) {
      const generated = generateWorkflow(c.shape, c.size);
      const text = JSON.stringify(generated.doc);
      const file = path.join(dir, `${c.shape}-${c.size}.json`);
      await writeFile(file, text);
      const result: CompileMemoryCase = { ...c, jsonBytes: Buffer.byteLength(text) };
      try {
        Object.assign(
          result,
          await runProbe(file, generated.lastNode, c.limit === 'raised' ? String(c.size) : 'default'),
        );
        if (c.limit === 'raised' && !result.compiled)
          result.error = `did not compile: ${result.errorCodes?.join(', ') || 'no plan or preview'}`;
      } catch (e) {
        result.error = (e as Error).message.split('\n')[0]!;
      }
      out.push(result);
      opts.log(
        result.error
          ? `  ${c.shape.padEnd(5)} ${String(c.size).padStart(6)} nodes: ${result.error}`
          : `  ${c.shape.padEnd(5)} ${String(c.size).padStart(6)} nodes, ${c.limit} limit: peak RSS ${result.peakRssMb!.toFixed(0)} MB ` +
              `(+${(result.peakRssMb! - result.baselineRssMb!).toFixed(0)} MB), ${result.ms!.toFixed(0)} ms`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
