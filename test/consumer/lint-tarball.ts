import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);

/** publint (every level, suggestions included) and arethetypeswrong (ESM-only profile) on one packed tarball. */
export async function lintTarball(tarball: string, attwBin: string): Promise<string[]> {
  const problems: string[] = [];
  const buffer = await readFile(tarball);
  const tarballView = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const { messages, pkg } = await publint({
    pack: { tarball: tarballView as ArrayBuffer },
    level: 'suggestion',
    strict: true,
  });
  for (const message of messages) problems.push(`publint: ${formatMessage(message, pkg) ?? message.code}`);
  try {
    await run(attwBin, [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-color'], {
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    problems.push(`attw: ${stdout ?? ''}${stderr ?? ''}`.trim());
  }
  return problems;
}
