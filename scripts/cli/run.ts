/**
 * What every command-line script (`npm run sale`, `npm run staff`) shares: one error type and
 * one way of ending on it, so each prints its refusals and exits with the same codes.
 */

/** A mistake on the command line (exit code 2), or a refusal (1), with the problems listed. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly details: string[];

  constructor(message: string, exitCode = 2, details: string[] = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }
}

/**
 * Runs a script's `main` on its arguments. A CliError prints its message and problems and
 * exits with its code; a flag `node:util` parseArgs does not know prints the usage (exit 2);
 * anything else is a bug and is thrown as it is, with its stack.
 */
export async function runCli(main: (args: string[]) => Promise<void>, usage: string): Promise<void> {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      for (const detail of error.details) console.error(`  - ${detail}`);
      process.exit(error.exitCode);
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      console.error(`${error.message}\n\n${usage}`);
      process.exit(2);
    }
    throw error;
  }
}
