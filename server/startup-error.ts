/** Why the server cannot start, said in one line with what to do about it (no stack trace). */
export class StartupError extends Error {
  override name = 'StartupError';
}
